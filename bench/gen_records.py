#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generates a synthetic JSONL corpus for whole-process benchmarks of `triage filter`.

Records are assembled from clinical, non-graphic sentence fragments (the way an intake worker
summarises a report) in the DESIGN.md report and SMS shapes, with a fixed seed so that every run
produces the same bytes. Usage: gen_records.py N [SEED] > corpus.jsonl
"""
import json
import random
import sys

OPENERS = [
    "Reporter states that", "Caller reports that", "A parent reports that",
    "A teacher reports that", "Anonymous tip:", "Platform moderator reports that",
]
SUBJECTS = [
    "a 14 year old girl", "a 15yo boy", "an adult user", "a student", "her nephew, age 12",
    "a woman in her twenties", "a worker at a farm", "a user who says she is sixteen",
]
FACTS = [
    "was asked to move the conversation to a private messaging app",
    "was told to keep the chats secret from her parents",
    "was asked whether her parents check her phone",
    "was offered money for photos",
    "says the employer keeps their passport and they owe a debt for travel",
    "is not allowed to leave the house without a supervisor",
    "received unsolicited explicit images from an adult account",
    "found a website whose domain imitates a children's cartoon brand",
    "says an adult plans to meet in person this weekend",
    "was threatened that images would be shared unless she paid",
    "works long hours for little pay and sleeps at the work site",
    "asked general questions about the hotline",
]
TAILS = [
    "", "The suspect uses the handle listed below.", "The reporter did not give a location.",
    "The meeting is planned for tonight at a motel on the highway.",
    "The reporter is worried and asks for advice.", "This happened last year.",
]
SMS = ["HELP", "INFO", "ayuda", "how does this work", "wrong number sorry", "thanks",
       "pls help im 15 he wont let me leave the motel room 12",
       "my boss took my passport and says i owe him", "is this the hotline?"]


def report(rng, i):
    summary = " ".join(x for x in [rng.choice(OPENERS), rng.choice(SUBJECTS), rng.choice(FACTS) + ".",
                                   rng.choice(TAILS), rng.choice(TAILS)] if x)
    # Reports of 1-4 KB: repeat context sentences, as long narrative reports do.
    for _ in range(rng.randint(0, 12)):
        summary += " " + rng.choice(OPENERS) + " " + rng.choice(SUBJECTS) + " " + rng.choice(FACTS) + "."
    rec = {"id": f"r-{i}", "kind": "report", "channel": rng.choice(["web", "phone", "email"]),
           "received_at": "2026-11-02T10:00:00Z", "summary": summary}
    if rng.random() < 0.6:
        rec["victims"] = [{"age": rng.randint(5, 40)} for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        rec["suspects"] = [{"username": f"user{rng.randint(1, 9999)}", "platform": "chat"}]
    return rec


def sms(rng, i):
    return {"id": f"s-{i}", "kind": "sms", "conversation": f"c-{rng.randint(1, 500)}",
            "from": f"h{rng.getrandbits(64):016x}", "received_at": "2026-11-02T10:00:00Z",
            "body": rng.choice(SMS)}


def main():
    n = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    for i in range(n):
        rec = report(rng, i) if rng.random() < 0.5 else sms(rng, i)
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
