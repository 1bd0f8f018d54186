# SPDX-License-Identifier: Apache-2.0
"""Thread safety: one RuleSet shared by scan_many's threads and by Python threads, with the
same results as one thread, in order."""

import threading
from concurrent.futures import ThreadPoolExecutor

import triage
from conftest import EXAMPLES


def corpus():
    lines = []
    for name in ("reports.jsonl", "sms.jsonl"):
        lines += (EXAMPLES / name).read_text().splitlines()
    return lines * 40 + ["nope", '{"victims":[{"age":"x"}]}']


def test_scan_many_jobs_gives_the_same_results_in_order(default_rules):
    records = corpus()
    serial = [r.to_json() for r in default_rules.scan_many(records, jobs=1)]
    for jobs in (2, 4, 8):
        for batch_size in (1, 13, 4096):
            parallel = [r.to_json() for r in default_rules.scan_many(
                records, jobs=jobs, batch_size=batch_size)]
            assert parallel == serial, (jobs, batch_size)


def test_python_threads_share_one_ruleset(default_rules):
    records = corpus()
    expected = [r.to_json() for r in default_rules.scan_many(records, jobs=1)]

    def scan_one(line, record):
        try:
            return default_rules.scan(record).to_json()
        except triage.RecordError as e:
            return e.to_json().replace('{"line":1,', '{"line":%d,' % line, 1)

    def work(i):
        if i % 3 == 0:
            return [scan_one(k, r) for k, r in enumerate(records, 1)]
        return [r.to_json() for r in default_rules.scan_many(records, jobs=2, batch_size=64)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        for result in pool.map(work, range(12)):
            assert result == expected


def test_explain_and_scan_concurrently(default_rules):
    records = corpus()[:60]
    errors = []

    def explain():
        try:
            for r in records[:20]:
                default_rules.explain(r)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=explain) for _ in range(3)]
    for t in threads:
        t.start()
    results = list(default_rules.scan_many(records, jobs=2))
    for t in threads:
        t.join()
    assert not errors and len(results) == len(records)
