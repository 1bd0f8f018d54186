#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Throughput and latency of `triage worker` against a local redis-server (bench/README.md).

Starts its own redis-server on a free loopback port in a temporary directory (no persistence),
then for each (workers, batch) pair: starts the workers, waits until they are ready, loads N
report records into a fresh input stream with `redis-cli --pipe`, and times until the output
stream holds N entries (records/s, from the first XADD to the last output). Then a paced run:
records XADDed at --rate per second (10 every 10 ms) for 1 + --seconds (the first second warms
up and is not counted), and the end-to-end latency of each, from its input entry's stream id to its output entry's stream id (both Redis server times,
milliseconds), as p50/p99/max. Needs redis-server and redis-cli (tools/setup.sh installs them).

--sms N loads SMS messages of N conversations instead of reports (message k belongs to
conversation k mod N, received 100 ms after message k-1, bodies from examples/conversations.jsonl),
and --conversations memory|redis is passed to the workers (docs/worker.md section 4).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


class Redis:
    """A minimal RESP2 client (one socket, blocking) for polling without spawning processes."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def call(self, *args):
        self.sock.sendall(resp(list(args)))
        return self._read()

    def _read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b"+", b"-"):
            return rest.decode()
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)[:-2]
            return data.decode()
        n = int(rest)
        return None if n < 0 else [self._read() for _ in range(n)]


def cli(port, *args):
    return subprocess.run(["redis-cli", "-p", str(port), "--raw", *args], check=True,
                          capture_output=True, text=True).stdout


SMS = 0  # --sms: the number of conversations (0: reports)


def records(n):
    if SMS:
        bodies = [json.loads(l)["body"] for l in open(os.path.join(ROOT,
                                                                   "examples/conversations.jsonl"))
                  if '"kind":"sms"' in l]
        for k in range(n):
            at = 1793664000000 + 100 * k  # from 2026-11-03T00:00:00Z, in ms
            yield json.dumps({"id": "b%d" % k, "kind": "sms", "conversation": "bc-%d" % (k % SMS),
                              "from": "h:%d" % (k % SMS), "to": "233733",
                              "received_at": time.strftime("%Y-%m-%dT%H:%M:%S",
                                                           time.gmtime(at // 1000)) +
                              ".%03dZ" % (at % 1000),
                              "body": bodies[k % len(bodies)]}, separators=(",", ":"))
        return
    lines = [l.strip() for l in open(os.path.join(ROOT, "examples/reports.jsonl")) if l.strip()]
    for k in range(n):
        yield lines[k % len(lines)].replace('"id":"', '"id":"b%d-' % k, 1)


def start_workers(args, port, count, batch, tag):
    procs = []
    for i in range(count):
        p = subprocess.Popen(
            [args.triage, "worker", "--redis", "redis://127.0.0.1:%d" % port, "--stream",
             "in-" + tag, "--group", "g", "--consumer", "c%d" % i, "--out", "out-" + tag,
             "--config", args.config, "--batch", str(batch), "--block-ms", "100",
             "--conversations", args.conversations, "--conversation-prefix", tag + ":conv:"],
            stderr=subprocess.PIPE, text=True)
        procs.append(p)
    for p in procs:  # each says so once connected and ready
        while "triage: worker c" not in p.stderr.readline():
            pass
    return procs


def stop_workers(procs):
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(60)


_clients = {}


def xlen(port, key):
    if port not in _clients:
        _clients[port] = Redis(port)
    return _clients[port].call("XLEN", key)


def throughput(args, port, workers, batch):
    tag = "w%d-b%d" % (workers, batch)
    cli(port, "XGROUP", "CREATE", "in-" + tag, "g", "0", "MKSTREAM")
    procs = start_workers(args, port, workers, batch, tag)
    data = b"".join(resp(["XADD", "in-" + tag, "*", "record", r]) for r in records(args.records))
    start = time.monotonic()
    subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=data, check=True,
                   capture_output=True)
    while xlen(port, "out-" + tag) < args.records:
        time.sleep(0.002)
    elapsed = time.monotonic() - start
    stop_workers(procs)
    return args.records / elapsed


def latency(args, port, workers, batch):
    tag = "lat-w%d-b%d" % (workers, batch)
    cli(port, "XGROUP", "CREATE", "in-" + tag, "g", "0", "MKSTREAM")
    procs = start_workers(args, port, workers, batch, tag)
    # One second more than measured: the first second warms the workers up (RE2 builds its DFAs
    # lazily, on the first records) and is left out of the figures.
    total = args.rate * (args.seconds + 1)
    pipe = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    per_tick = max(1, args.rate // 100)
    start = time.monotonic()
    sent = 0
    gen = records(total)
    while sent < total:
        chunk = b"".join(resp(["XADD", "in-" + tag, "*", "record", next(gen)])
                         for _ in range(min(per_tick, total - sent)))
        pipe.stdin.write(chunk)
        pipe.stdin.flush()
        sent += per_tick
        delay = start + sent / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    pipe.stdin.close()
    pipe.wait(60)
    while xlen(port, "out-" + tag) < total:
        time.sleep(0.01)
    stop_workers(procs)
    pairs = []
    for out_id, fields in Redis(port).call("XRANGE", "out-" + tag, "-", "+"):
        in_id = fields[fields.index("id") + 1]
        pairs.append((tuple(map(int, in_id.split("-"))), int(out_id.split("-")[0])))
    pairs.sort()
    lat = [out_ms - in_id[0] for in_id, out_ms in pairs[args.rate:]]
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    return pick(0.50), pick(0.99), lat[-1], len(lat)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triage", default=os.path.join(ROOT, "build/triage"))
    parser.add_argument("--config", default=os.path.join(ROOT, "rules/triage.yaml"))
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sms", type=int, default=0,
                        help="SMS messages of this many conversations instead of reports")
    parser.add_argument("--conversations", choices=("memory", "redis"), default="memory")
    parser.add_argument("--batches", default="1,100,1000", help="the batch sizes to time")
    args = parser.parse_args()
    global SMS
    SMS = args.sms
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        sys.exit("redis-server and redis-cli are needed (tools/setup.sh installs them)")
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="triage-worker-bench-")
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--dir", tmp, "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL)
    try:
        while subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True,
                             text=True).stdout.strip() != "PONG":
            time.sleep(0.05)
        print("| workers | batch | records/s |")
        print("|---:|---:|---:|")
        for workers in (1, 2):
            for batch in [int(b) for b in args.batches.split(",")]:
                rate = throughput(args, port, workers, batch)
                print("| %d | %d | %s |" % (workers, batch, format(round(rate), ",")), flush=True)
        print()
        print("| workers | batch | rate/s | records | p50 ms | p99 ms | max ms |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for workers, batch in ((1, 100), (2, 100)):
            p50, p99, worst, n = latency(args, port, workers, batch)
            print("| %d | %d | %d | %d | %d | %d | %d |" % (workers, batch, args.rate, n, p50, p99,
                                                            worst), flush=True)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
