# SPDX-License-Identifier: Apache-2.0
"""Fixtures of the Python suite. ctest runs it through the built module (PYTHONPATH=<build>/python)
with TRIAGE_BINARY (the CLI, for identity checks) and TRIAGE_SOURCE_DIR set; by hand:

    PYTHONPATH=build/python TRIAGE_BINARY=build/triage python3 -m pytest python/tests

TRIAGE_TEST_HIDE_PANDAS=1 makes `import pandas` fail, to check that the pandas helpers skip
and fail cleanly where pandas is not installed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("TRIAGE_TEST_HIDE_PANDAS") == "1":
    sys.modules["pandas"] = None  # type: ignore[assignment]  # import pandas -> ImportError

import triage  # noqa: E402

SOURCE_DIR = Path(os.environ.get("TRIAGE_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TRIAGE_BINARY = os.environ.get("TRIAGE_BINARY", str(SOURCE_DIR / "build" / "triage"))
DEFAULT_CONFIG = SOURCE_DIR / "rules" / "triage.yaml"
EXAMPLES = SOURCE_DIR / "examples"

# A small pack whose decisions the tests can state exactly (DESIGN.md's example).
PACK = {
    "main.rules": r'''
category enticement "Online enticement of children for sexual acts"
category labor_trafficking "Labor trafficking"

pattern minor_age = /\b(?:[5-9]|1[0-7])\s*(?:yo|y\/o|yrs?|years?[ -]old)\b/i
list    meet_up   = "meet up", "meet in person", "pick you up", "send a ride"
list    held      = "took my passport", "kept my passport"

rule minor_age_mentioned "A minor's age appears in the text" {
  when    text ~ minor_age or victim.age < 18
  urgency +15
  tag     "minor"
}

rule meeting_a_minor "Arranging to meet a minor in person" {
  when     minor_age_mentioned and text ~ meet_up
  urgency  +35
  category enticement +40
}

rule imminent_danger "Danger right now" {
  when    text ~ /\b(right now|tonight|hurry)\b/i and minor_age_mentioned
  urgency >= 90
  route   "duty-officer"
}

rule documents_held "An employer holds the worker's documents" {
  when     text ~ held
  urgency  +30
  category labor_trafficking +35
}
''',
}

URGENT = {"id": "r-1", "summary": "He said he would pick you up tonight, she is 14 yo."}
MEETING = {"id": "r-2", "summary": "An adult wants to meet up with a 13 year old."}
LABOR = {"id": "r-3", "summary": "The boss took my passport and I cannot leave."}
QUIET = {"id": "r-4", "summary": "A question about volunteering."}


@pytest.fixture(scope="session")
def pack() -> triage.RuleSet:
    return triage.compile(PACK)


@pytest.fixture(scope="session")
def default_rules() -> triage.RuleSet:
    return triage.load(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def triage_binary() -> str:
    if not os.access(TRIAGE_BINARY, os.X_OK):
        pytest.fail(f"the triage CLI is not at {TRIAGE_BINARY} (set TRIAGE_BINARY)")
    return TRIAGE_BINARY


def run_cli(binary: str, *args: str, input: bytes = b"", check_codes=(0,)) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("TRIAGE_CONFIG", None)
    env.pop("TRIAGE_JOBS", None)
    done = subprocess.run([binary, *args], input=input, capture_output=True, env=env, timeout=300)
    assert done.returncode in check_codes, done.stderr.decode(errors="replace")
    return done


def write_pack(directory: Path, rules: dict, config: str) -> Path:
    """Writes rule files and a triage.yaml into `directory`; returns the config's path."""
    for name, text in rules.items():
        (directory / name).write_text(text)
    path = directory / "triage.yaml"
    path.write_text(config)
    return path


PACK_CONFIG = "rules: [main.rules]\n"
