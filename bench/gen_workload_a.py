#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Workload A for the benchmarks: a triage-like ruleset of N rules and records to run it on.

    gen_workload_a.py N OUT_DIR [--records M] [--seed S] [--no-records] [--terms]

writes, in OUT_DIR (see bench/README.md, "Workloads and bench/run"):

  triage.yaml        the config (default field mapping, default bands)
  categories.rules   the categories the rules score
  pack_NN.rules      the N rules, 500 a file, with their phrase lists and patterns (with
                     --terms the phrase lists are word-level `terms` lists, rules unchanged)
  patterns.txt       one RE2 pattern per list or regex the rules use, for the raw baselines
  records.jsonl      M records: every other one an SMS (~100 bytes of `body`), the others
                     reports (1-4 KB of `summary`), some with victims[].age
  workload.json      what was generated (counts, bytes, the mix of rule kinds)

The ruleset looks like a grown rule pack: phrase lists of whole words (5-60 entries), simple
regexes (ages, times, room numbers, amounts, word alternations, word stems, case numbers),
numeric field tests (victim.age < 18, victim.age in [...], exists(victim.age)), string equality on
kind and channel, rules built on other rules, count(...) >= 2 and a few `!~` exclusions, each with
a category score and an urgency (a few floors, a few negative). The vocabulary is synthetic
(pseudo-words made of syllables), so nothing in it is domain text.

Determinism: everything depends only on --seed. Rule i is generated from its own random stream,
so the ruleset of N rules is the first N rules of the ruleset of any larger N, and the records
depend on --seed and --records only, not on N: the same records.jsonl serves N = 10 ... 5,000,
and per-record costs compare across N. --terms changes only the keyword of the phrase lists
(`terms` instead of `list`: matched on analysed tokens instead of by the character-level
matcher), so that the two forms of one N are the same rules on the same records and patterns.txt
is the same regex baseline for both. Records carry the signals of the first 5,000 rules of
the universe (phrases, shape instances, the pieces of rules built on other rules) at a rate
chosen so that a realistic fraction of rules fire (about 1% of a large ruleset per report, far
fewer per SMS; workload.json does not count them: run `triage filter` to see).
"""
import argparse
import json
import os
import random
import re
import sys

UNIVERSE = 5000          # records carry signals of this many rules, whatever N is
RULES_PER_FILE = 500
VOCAB_SIZE = 45000
FILLER_WORDS = 15000     # the first words make up running text; the others lists and patterns
N_CATEGORIES = 24

# Pseudo-words: two to four consonant-vowel syllables (a few with a coda), 4 to 12 letters.
CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
SYLLABLES = [c + v for c in CONSONANTS for v in VOWELS] + ["ka", "lo", "ren", "tis", "mar", "vel",
                                                            "dor", "sun", "pel", "gan"]
CHANNELS = ["web", "phone", "email", "app"]


# --- vocabulary ------------------------------------------------------------------------------

def make_vocab(seed):
    rng = random.Random(f"vocab-{seed}")
    words, seen = [], set()
    while len(words) < VOCAB_SIZE:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def zipf_cum(n):
    """Cumulative Zipf (s = 1) weights over ranks 0..n-1, for random.choices."""
    cum, total = [], 0.0
    for r in range(n):
        total += 1.0 / (r + 2.7)
        cum.append(total)
    return cum


class Vocab:
    """Two disjoint sets of pseudo-words. Filler words make up running text (Zipf); content
    words are what lists and patterns are made of. Running text carries content words too, now
    and then (NOISE of its tokens, Zipf over the content words), as real text carries the words a
    rule pack watches for without being a case: that is where most chance hits come from."""

    NOISE = 0.02

    def __init__(self, seed):
        words = make_vocab(seed)
        self.filler_words = words[:FILLER_WORDS]
        self.content_words = words[FILLER_WORDS:]
        self.filler_cum = zipf_cum(len(self.filler_words))
        self.content_cum = zipf_cum(len(self.content_words))

    def filler(self, rng, k):
        out = rng.choices(self.filler_words, cum_weights=self.filler_cum, k=k)
        for j in range(k):
            if rng.random() < self.NOISE:
                out[j] = rng.choices(self.content_words, cum_weights=self.content_cum)[0]
        return out

    def content_word(self, rng):
        """A word for a list or a pattern: any content word, a little skewed towards the
        frequent ones."""
        n = len(self.content_words)
        return self.content_words[min(n - 1, int(n * rng.random() ** 1.5))]


# --- patterns (shapes) -------------------------------------------------------------------------
# Each shape gives the regex (RE2 syntax, as written in a .rules file between slashes) and a
# function producing a text that matches it.

def shape_age(rng, v):
    kw = v.content_word(rng)
    regex = (r"\b" + kw + r"\s+(?:age\s*)?(?:[5-9]|1[0-7])\s*(?:yo|y\/o|yrs?|years?[ -]old)\b")
    def inst(r):
        return f"{kw} {r.randint(5, 17)} " + r.choice(["yo", "yrs", "years old", "year-old", "y/o"])
    return regex, "i", inst


def shape_time(rng, v):
    kw = v.content_word(rng)
    regex = (r"\b" + kw + r"\s+(?:at\s+)?(?:(?:[01]?\d|2[0-3]):[0-5]\d|(?:1[0-2]|0?[1-9])\s?(?:am|pm))\b")
    def inst(r):
        if r.random() < 0.5:
            return f"{kw} at {r.randint(0, 23)}:{r.randint(0, 59):02d}"
        return f"{kw} {r.randint(1, 12)}" + r.choice(["pm", " am", "am", " pm"])
    return regex, "i", inst


def shape_room(rng, v):
    kws = [v.content_word(rng) for _ in range(rng.randint(2, 4))]
    regex = r"\b(?:" + "|".join(kws) + r")\s*#?\s*\d{1,4}[a-z]?\b"
    def inst(r):
        return f"{r.choice(kws)} " + r.choice(["#", ""]) + str(r.randint(1, 9999)) + r.choice(["", "b"])
    return regex, "i", inst


def shape_alternation(rng, v):
    left = [v.content_word(rng) for _ in range(rng.randint(2, 5))]
    right = [v.content_word(rng) for _ in range(rng.randint(2, 5))]
    regex = r"\b(?:" + "|".join(left) + r")\s+(?:\w+\s+){0,2}(?:" + "|".join(right) + r")\b"
    def inst(r):
        mid = " ".join(v.filler(r, r.randint(0, 2)))
        return " ".join(x for x in (r.choice(left), mid, r.choice(right)) if x)
    return regex, "i", inst


def shape_amount(rng, v):
    kw = v.content_word(rng)
    regex = r"\b" + kw + r"\s+(?:for\s+)?\$\s?\d{2,5}(?:\.\d\d)?\b"
    def inst(r):
        return f"{kw} " + r.choice(["for ", ""]) + f"${r.randint(10, 99999)}" + r.choice(["", ".50"])
    return regex, "i", inst


def shape_stem(rng, v):
    kw = v.content_word(rng)
    stem = kw[: max(4, len(kw) - 2)]
    regex = r"\b" + stem + r"[a-z]{0,4}(?:ed|ing|s)\b"
    def inst(r):
        return stem + r.choice(["", "a", "ro"]) + r.choice(["ed", "ing", "s"])
    return regex, "i", inst


def shape_case_number(rng, v):
    kw = v.content_word(rng)
    prefix = kw[:3].upper()
    regex = r"\b" + prefix + r"-?\d{4,8}\b"
    def inst(r):
        return prefix + r.choice(["-", ""]) + str(r.randint(1000, 99999999))
    return regex, "", inst   # case-sensitive, like a real case-number format


SHAPES = [(shape_age, 3), (shape_time, 3), (shape_room, 3), (shape_alternation, 5),
          (shape_amount, 2), (shape_stem, 2), (shape_case_number, 2)]


def pick_shape(rng):
    total = sum(w for _, w in SHAPES)
    x = rng.random() * total
    for f, w in SHAPES:
        x -= w
        if x < 0:
            return f
    return SHAPES[-1][0]


# --- rules -------------------------------------------------------------------------------------

class Matcher:
    """A named list or pattern (or an inline regex) with what the baselines need."""

    def __init__(self, name, kind, decl, re2, instances):
        self.name = name          # None for an inline regex
        self.kind = kind          # "list" | "pattern" | "inline"
        self.decl = decl          # the declaration text (None for inline)
        self.re2 = re2            # the same matching as one RE2 pattern with inline flags
        self.instances = instances  # function rng -> a text that matches


def list_re2(phrases):
    alts = [r"\s+".join(re.escape(w) for w in p.split()) for p in phrases]
    return r"(?i)\b(?:" + "|".join(alts) + r")\b"


def make_list(rng, v, name):
    n = rng.choice([5, 8, 10, 12, 15, 20, 25, 30, 40, 60])
    phrases, seen = [], set()
    while len(phrases) < n:
        k = rng.choice((1, 1, 1, 2, 2, 3))
        p = " ".join(v.content_word(rng) for _ in range(k))
        if p not in seen:
            seen.add(p)
            phrases.append(p)
    body = ",\n  ".join(", ".join(f'"{p}"' for p in phrases[j:j + 6])
                        for j in range(0, len(phrases), 6))
    decl = f"list {name} =\n  {body}\n"
    return Matcher(name, "list", decl, list_re2(phrases), lambda r: r.choice(phrases))


def make_pattern(rng, v, name, inline=False):
    regex, flags, inst = pick_shape(rng)(rng, v)
    re2 = ("(?i)" if "i" in flags else "") + regex.replace(r"\/", "/")
    if inline:
        return Matcher(None, "inline", None, re2, inst), f"/{regex}/{flags}"
    return Matcher(name, "pattern", f"pattern {name} = /{regex}/{flags}\n", re2, inst), name


class Rule:
    def __init__(self, index, name):
        self.index = index
        self.name = name
        self.kind = None
        self.matchers = []        # matchers this rule declares (in declaration order)
        self.when = None
        self.refs = []            # indices of rules this one refers to
        self.needs = []           # what a record must carry for the rule to fire: list of
                                  # ("m", matcher, times) | ("ref", index) | ("age", n) | ...
        self.clauses = []
        self.description = None


def rule_rng(seed, i):
    return random.Random(f"rule-{seed}-{i}")


def make_rule(seed, i, v, categories):
    rng = rule_rng(seed, i)
    word = v.content_word(rng)
    r = Rule(i, f"r{i:04d}_{word}")
    x = rng.random()
    # The mix of a grown pack; rules built on other rules need earlier rules to exist.
    if i >= 20 and x < 0.12:
        kind = "ref"
    elif x < 0.50:
        kind = "list"
    elif x < 0.58:
        kind = "any"
    elif x < 0.74:
        kind = "pattern"
    elif x < 0.78:
        kind = "inline"
    elif x < 0.87:
        kind = "numeric"
    elif x < 0.93:
        kind = "count"
    elif x < 0.97:
        kind = "channel"
    else:
        kind = "exclusion"
    r.kind = kind
    lname = f"l{i:04d}_{word}"
    pname = f"p{i:04d}_{word}"

    if kind == "list":
        m = make_list(rng, v, lname)
        r.matchers = [m]
        r.when = f"text ~ {m.name}"
        r.needs = [("m", m, 1)]
        if rng.random() < 0.2:
            r.when += ' and kind == "sms"' if rng.random() < 0.5 else ' and not (kind == "sms")'
            r.needs.append(("kind", "sms" if "and kind" in r.when else "report"))
        r.description = f"Mentions of the {word} vocabulary"
    elif kind == "any":
        m1 = make_list(rng, v, lname)
        m2, _ = make_pattern(rng, v, pname)
        r.matchers = [m1, m2]
        r.when = f"text ~ any({m1.name}, {m2.name})"
        r.needs = [("m", rng.choice([m1, m2]), 1)]
        r.description = f"The {word} vocabulary or its shape"
    elif kind == "pattern":
        m, ref = make_pattern(rng, v, pname)
        r.matchers = [m]
        r.when = f"text ~ {ref}"
        r.needs = [("m", m, 1)]
        r.description = f"A {word} shape in the text"
    elif kind == "inline":
        m, lit = make_pattern(rng, v, None, inline=True)
        r.matchers = [m]
        r.when = f"text ~ {lit}"
        r.needs = [("m", m, 1)]
        r.description = f"An inline {word} shape"
    elif kind == "numeric":
        m = make_list(rng, v, lname)
        r.matchers = [m]
        y = rng.random()
        if y < 0.5:
            age = rng.choice([12, 14, 16, 18])
            r.when = f"victim.age < {age} and text ~ {m.name}"
            r.needs = [("m", m, 1), ("age", age - 1)]
        elif y < 0.8:
            ages = sorted(rng.sample(range(5, 18), 3))
            r.when = f"victim.age in [{', '.join(map(str, ages))}] and text ~ {m.name}"
            r.needs = [("m", m, 1), ("age", rng.choice(ages))]
        else:
            r.when = f"exists(victim.age) and text ~ {m.name}"
            r.needs = [("m", m, 1), ("age", rng.randint(5, 40))]
        r.description = f"A victim's age with the {word} vocabulary"
    elif kind == "count":
        if rng.random() < 0.5:
            m, ref = make_pattern(rng, v, pname)
        else:
            m = make_list(rng, v, lname)
            ref = m.name
        n = rng.choice([2, 2, 3])
        r.matchers = [m]
        r.when = f"count(text ~ {ref}) >= {n}"
        r.needs = [("m", m, n)]
        r.description = f"Repeated {word} signals"
    elif kind == "channel":
        m = make_list(rng, v, lname)
        chans = sorted(rng.sample(CHANNELS, rng.randint(1, 2)))
        r.matchers = [m]
        if len(chans) == 1:
            r.when = f'channel == "{chans[0]}" and text ~ {m.name}'
        else:
            r.when = f'channel in [{", ".join(chr(34) + c + chr(34) for c in chans)}] and text ~ {m.name}'
        r.needs = [("m", m, 1), ("channel", rng.choice(chans))]
        r.description = f"The {word} vocabulary on a given channel"
    elif kind == "exclusion":
        m1 = make_list(rng, v, lname)
        m2 = make_list(rng, v, f"l{i:04d}_{word}_not")
        r.matchers = [m1, m2]
        r.when = f"text ~ {m1.name} and text !~ {m2.name}"
        r.needs = [("m", m1, 1)]
        r.description = f"The {word} vocabulary without its exceptions"
    else:  # ref: rules built on earlier rules
        a, b = rng.sample(range(max(0, i - 400), i), 2)
        r.refs = [a, b]
        y = rng.random()
        if y < 0.4:
            r.when = f"{{{a}}} and {{{b}}}"
            r.needs = [("ref", a), ("ref", b)]
        elif y < 0.7:
            m = make_list(rng, v, lname)
            r.matchers = [m]
            r.when = f"({{{a}}} or {{{b}}}) and text ~ {m.name}"
            r.needs = [("ref", rng.choice([a, b])), ("m", m, 1)]
        else:
            c = rng.randrange(max(0, i - 400), i)
            r.refs.append(c)
            r.when = f"{{{a}}} and not {{{c}}}" if c not in (a, b) else f"{{{a}}} and {{{b}}}"
            r.needs = [("ref", a)] + ([("ref", b)] if c in (a, b) else [])
        r.description = f"The {word} combination of two earlier rules"

    # Scores: an urgency, a category, now and then a floor, a tag, a route, metadata.
    y = rng.random()
    if y < 0.04:
        r.clauses.append(f"urgency  -{rng.choice([5, 10])}")
    else:
        r.clauses.append(f"urgency  +{rng.choice([5, 5, 10, 10, 15, 20, 25, 30])}")
    if rng.random() < 0.03:
        r.clauses.append(f"urgency  >= {rng.choice([50, 85])}")
    r.clauses.append(f"category {rng.choice(categories)} +{rng.choice([10, 15, 20, 30, 40, 50])}")
    if rng.random() < 0.25:
        r.clauses.append(f'tag      "{v.content_word(rng)}"')
    if rng.random() < 0.05:
        r.clauses.append(f'route    "queue-{rng.randint(1, 9)}"')
    if rng.random() < 0.3:
        r.clauses.append(f'ref      "synthetic indicator list {rng.randint(1, 40)}"')
    r.clauses.append('owner    "bench"')
    return r


def resolve_refs(rules):
    for r in rules:
        if r.refs:
            for j in r.refs:
                r.when = r.when.replace(f"{{{j}}}", rules[j].name)


def render_rule(r):
    lines = [f'rule {r.name} "{r.description}" {{', f"  when     {r.when}"]
    lines += [f"  {c}" for c in r.clauses]
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- records -----------------------------------------------------------------------------------

def add_needs(rules, i, rng, out, depth=0):
    """Appends to `out` the signals a record needs for rule i to fire (texts, and the
    victims / kind / channel constraints as tuples)."""
    if depth > 4:
        return
    for need in rules[i].needs:
        if need[0] == "m":
            _, m, times = need
            for _ in range(times):
                out.append(("text", m.instances(rng)))
        elif need[0] == "ref":
            add_needs(rules, need[1], rng, out, depth + 1)
        else:
            out.append(need)


def sentence(rng, v, lo, hi):
    words = v.filler(rng, rng.randint(lo, hi))
    s = " ".join(words)
    return s[0].upper() + s[1:] + rng.choice([".", ".", ".", "?", ";"])


def pick_signal_rule(rng, n):
    # Skewed towards the first rules of the universe (the core every ruleset has), with a long
    # tail over all of it: small and large rulesets both see their rules fire.
    return min(n - 1, int(n * rng.random() ** 1.6))


def make_records(rules, v, count, seed, out):
    rng = random.Random(f"records-{seed}")
    n = len(rules)
    stats = {"records": 0, "sms": 0, "reports": 0, "text_bytes": 0, "bytes": 0,
             "signals": 0, "with_victims": 0}
    for idx in range(count):
        is_sms = idx % 2 == 1
        signals = []
        k = (1 if rng.random() < 0.35 else 0) if is_sms else rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6))
        for _ in range(k):
            add_needs(rules, pick_signal_rule(rng, n), rng, signals)
        texts = [s[1] for s in signals if s[0] == "text"]
        ages = [s[1] for s in signals if s[0] == "age"]
        chans = [s[1] for s in signals if s[0] == "channel"]
        stats["signals"] += len(texts)
        if is_sms:
            target = rng.randint(80, 120)
            parts = list(texts)
            body = " ".join(parts)
            while len(body) < target:
                w = v.filler(rng, 1)[0]
                pos = rng.randint(0, len(parts))
                parts.insert(pos, w)
                body = " ".join(parts)
            rec = {"id": f"s-{idx}", "kind": "sms", "conversation": f"c-{rng.randint(1, 5000)}",
                   "from": f"h{rng.getrandbits(64):016x}", "received_at": "2026-11-02T10:00:00Z",
                   "body": body}
            stats["sms"] += 1
            text = rec["body"]
        else:
            target = rng.randint(1024, 4096)
            sents, size = [], 0
            while size < target:
                s = sentence(rng, v, 6, 18)
                sents.append(s)
                size += len(s) + 1
            for t in texts:   # each signal into a random sentence, inside its words
                j = rng.randrange(len(sents))
                words = sents[j].split(" ")
                words.insert(rng.randint(1, len(words)), t)
                sents[j] = " ".join(words)
            summary = " ".join(sents)
            rec = {"id": f"r-{idx}", "kind": "report",
                   "channel": chans[0] if chans else rng.choice(CHANNELS),
                   "received_at": "2026-11-02T10:00:00Z", "summary": summary}
            if ages or rng.random() < 0.4:
                vs = ages[:2] or [rng.randint(5, 60) for _ in range(rng.randint(1, 2))]
                rec["victims"] = [{"age": a} for a in vs]
                stats["with_victims"] += 1
            if rng.random() < 0.3:
                rec["suspects"] = [{"username": f"user{rng.randint(1, 99999)}", "platform": "chat"}]
            stats["reports"] += 1
            text = summary
        line = json.dumps(rec, separators=(",", ":")) + "\n"
        out.write(line)
        stats["records"] += 1
        stats["text_bytes"] += len(text.encode())
        stats["bytes"] += len(line.encode())
    return stats


# --- main --------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of rules")
    ap.add_argument("out_dir")
    ap.add_argument("--records", type=int, default=10000, help="number of records (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--no-records", action="store_true", help="write the ruleset only")
    ap.add_argument("--terms", action="store_true",
                    help="declare the phrase lists as word-level `terms` lists")
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N must be at least 1")

    v = Vocab(args.seed)
    cat_rng = random.Random(f"categories-{args.seed}")
    categories = []
    while len(categories) < N_CATEGORIES:
        c = "cat_" + v.content_words[cat_rng.randrange(5000)]
        if c not in categories:
            categories.append(c)

    total = max(args.n, UNIVERSE)
    rules = [make_rule(args.seed, i, v, categories) for i in range(total)]
    resolve_refs(rules)
    ruleset = rules[: args.n]

    os.makedirs(args.out_dir, exist_ok=True)
    for f in os.listdir(args.out_dir):   # stale rule files of another N
        if f.startswith("pack_") and f.endswith(".rules"):
            os.remove(os.path.join(args.out_dir, f))

    used = [c for c in categories if any(f"category {c} " in " ".join(r.clauses) for r in ruleset)]
    with open(os.path.join(args.out_dir, "categories.rules"), "w") as f:
        f.write("# Generated by bench/gen_workload_a.py: the categories the rules score.\n")
        f.write('category unclassified "No category reached assign_min"\n')
        for c in used:
            f.write(f'category {c} "Synthetic category {c[4:]}"\n')

    files = []
    for k in range(0, args.n, RULES_PER_FILE):
        fname = f"pack_{k // RULES_PER_FILE:02d}.rules"
        files.append(fname)
        with open(os.path.join(args.out_dir, fname), "w") as f:
            f.write(f"# Generated by bench/gen_workload_a.py (seed {args.seed}): rules {k} to "
                    f"{min(args.n, k + RULES_PER_FILE) - 1}.\n\n")
            for r in ruleset[k:k + RULES_PER_FILE]:
                for m in r.matchers:
                    if m.decl:
                        decl = m.decl
                        if args.terms and m.kind == "list":
                            decl = "terms" + decl[len("list"):]
                        f.write(decl)
                f.write(render_rule(r))
                f.write("\n")

    with open(os.path.join(args.out_dir, "triage.yaml"), "w") as f:
        f.write("# Generated by bench/gen_workload_a.py: workload A, "
                f"{args.n} rules, seed {args.seed}.\n")
        f.write("rules:\n  - categories.rules\n")
        for fname in files:
            f.write(f"  - {fname}\n")
        f.write("urgency:\n  max: 100\n  bands:\n"
                '    - {name: P1, min: 80, label: "imminent danger: act now"}\n'
                '    - {name: P2, min: 50, label: "high"}\n'
                '    - {name: P3, min: 20, label: "standard"}\n'
                '    - {name: P4, min: 0,  label: "low / informational"}\n'
                "categories:\n  assign_min: 30\n  max_labels: 2\n  fallback: unclassified\n"
                "limits:\n  max_record_bytes: 1048576\n")

    n_patterns = 0
    with open(os.path.join(args.out_dir, "patterns.txt"), "w") as f:
        for r in ruleset:
            for m in r.matchers:
                f.write(m.re2 + "\n")
                n_patterns += 1

    kinds = {}
    for r in ruleset:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    info = {"workload": "A", "rules": args.n, "seed": args.seed, "rule_kinds": kinds,
            "lists": "terms" if args.terms else "list",
            "patterns": n_patterns, "categories": len(used)}
    if not args.no_records:
        with open(os.path.join(args.out_dir, "records.jsonl"), "w") as out:
            info["records"] = make_records(rules[:UNIVERSE], v, args.records, args.seed, out)
    with open(os.path.join(args.out_dir, "workload.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    rec = info.get("records")
    print(f"workload A{' (terms)' if args.terms else ''}: {args.n} rules ({n_patterns} patterns) in {args.out_dir}"
          + (f", {rec['records']} records, {rec['bytes'] / 1e6:.1f} MB" if rec else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
