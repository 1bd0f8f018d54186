#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The analyst page in a real browser: headless Chromium loads GET / of a running `triage serve`,
the page pre-fills a text from its URL fragment and submits it to POST /v1/explain, and this
script checks the DOM the page rendered: the band, the categories, the ledger, the matched spans
highlighted in the text, the counterfactual. A screenshot is written beside the build
(--screenshot).

Deterministic: Chromium's --virtual-time-budget pauses virtual time while a network fetch is
pending, so the DOM is dumped after the explain answer has arrived and been rendered; the page
marks the result with data-state="done" (or "error"), which is what is checked, never a time.

Exit codes: 0 passed, 1 failed, 77 skipped (no chromium on this machine).
"""

import argparse
import html.parser
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

TEXT = ("A 13 yo girl says a man she met online is coming to pick her up tonight at the motel, "
        "he took her phone")


class Dom(html.parser.HTMLParser):
    """Collects what the checks need: the text of elements by id, the result's state, the marks."""

    def __init__(self):
        super().__init__()
        self.state = None
        self.text_by_id = {}
        self.marks = []  # (text, data-rules)
        self.ledger_rows = 0
        self._open = []  # stack of (tag, id or None, is_mark, rules)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "result":
            self.state = attrs.get("data-state")
        if tag == "tr" and any(t[1] == "ledger" for t in self._open):
            self.ledger_rows += 1
        if tag in ("meta", "input", "br", "link"):
            return
        self._open.append((tag, attrs.get("id"), tag == "mark", attrs.get("data-rules", ""), []))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, element_id, is_mark, rules, chunks = self._open.pop()
            text = "".join(chunks)
            if element_id:
                self.text_by_id[element_id] = text
            if is_mark:
                self.marks.append((text, rules))
            if self._open:
                self._open[-1][4].append(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][4].append(data)


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(chromium, url, extra, profile):
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-dev-shm-usage", "--user-data-dir=" + profile,
               "--virtual-time-budget=30000", "--window-size=1200,1700"] + extra + [url]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triage", required=True, help="the triage executable")
    parser.add_argument("--config", required=True, help="the rule pack's triage.yaml")
    parser.add_argument("--screenshot", help="write a PNG of the rendered page here")
    args = parser.parse_args()

    chromium = chromium_binary()
    if chromium is None:
        print("skipped: no chromium (tools/setup.sh installs it)")
        return 77

    work = tempfile.mkdtemp(prefix="triage-page-test-")
    port_file = os.path.join(work, "port")
    server = subprocess.Popen(
        [args.triage, "serve", "--listen", "127.0.0.1:0", "--config", args.config, "--jobs", "1",
         "--port-file", port_file],
        stderr=subprocess.PIPE, text=True)
    failures = []
    try:
        # The port file appears once the server listens (a deadline only a hang reaches).
        deadline = time.monotonic() + 120
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                print("the server did not start: " + server.stderr.read(), file=sys.stderr)
                return 1
            time.sleep(0.05)
        port = int(open(port_file).read())
        url = "http://127.0.0.1:%d/#text=%s&submit=1" % (port, urllib.parse.quote(TEXT))

        result = run_chromium(chromium, url, ["--dump-dom"], os.path.join(work, "profile"))
        dom = Dom()
        dom.feed(result.stdout)

        def check(condition, what):
            if not condition:
                failures.append(what)

        check(dom.state == "done", "the page's result state is %r, not 'done' (error: %r)"
              % (dom.state, dom.text_by_id.get("error")))
        check(dom.text_by_id.get("band") == "P1", "band %r, not P1" % dom.text_by_id.get("band"))
        check("enticement" in dom.text_by_id.get("categories", ""),
              "categories %r lack enticement" % dom.text_by_id.get("categories"))
        check(dom.text_by_id.get("ruleset", "").startswith("ruleset sha256:"),
              "no ruleset in the header: %r" % dom.text_by_id.get("ruleset"))
        check(dom.ledger_rows >= 3, "the ledger has %d rows" % dom.ledger_rows)
        check("score 85" in dom.text_by_id.get("totals", ""),
              "ledger totals %r do not reach score 85" % dom.text_by_id.get("totals"))
        marked = {text: rules for text, rules in dom.marks}
        for span in ("13", "tonight", "motel"):  # word-level rules mark tokens ("13", "yo")
            check(span in marked and marked[span], "%r is not highlighted with its rules (marks: %r)"
                  % (span, dom.marks))
        counterfactual = dom.text_by_id.get("counterfactual", "")
        check(counterfactual.startswith("Without ") or counterfactual.startswith("No set of"),
              "counterfactual %r" % counterfactual)
        # The page's own text is rebuilt from text nodes, never parsed as markup.
        check("<mark" not in dom.text_by_id.get("texts", ""), "markup leaked into the text")

        if args.screenshot and not failures:
            shot = run_chromium(chromium, url, ["--screenshot=" + args.screenshot],
                                os.path.join(work, "profile"))
            check(os.path.exists(args.screenshot), "no screenshot: " + shot.stderr[-500:])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            code = -1
        if code != 0:
            failures.append("the server exited with %s" % code)
        shutil.rmtree(work, ignore_errors=True)

    for failure in failures:
        print("FAILED: " + failure, file=sys.stderr)
    if not failures:
        print("analyst page: rendered P1 with the ledger, highlights and counterfactual"
              + (" (screenshot %s)" % args.screenshot if args.screenshot else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
