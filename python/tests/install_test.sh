#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Python package outside the build tree (ctest: python.install and python.pip).
#   install_test.sh install <build dir> <python> <install dir, relative to the prefix>
#     `cmake --install` into a scratch prefix, then the installed package loads the installed
#     rule pack and triages a record.
#   install_test.sh pip <source dir> <python> <cmake args>
#     `pip install --no-build-isolation --no-index` of the source tree into a scratch virtual
#     environment (with the system's packages, as docs/python.md says), then the same check.
set -euo pipefail
mode="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check='
import sys, triage
rules = triage.load(sys.argv[1])
d = rules.scan({"id": "s-1", "kind": "sms", "body": "HELP"})
assert d.band and d.ruleset == rules.digest, d
assert triage.__file__.startswith(sys.argv[2]), triage.__file__
print("ok", triage.__file__, d.band)
'
case "$mode" in
  install)
    build="$2" python="$3" site="$4"
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    cd "$work"
    PYTHONPATH="$work/prefix/$site" "$python" -c "$check" \
      "$work/prefix/share/triage/triage.yaml" "$work/prefix/$site/triage/"
    ;;
  pip)
    source="$2" python="$3" cmake_args="$4"
    "$python" -m venv --system-site-packages "$work/venv"
    # The module's build shares ccache entries with the main build when its flags and the
    # relative place of its build directory are the same (ccache's base_dir rewrites paths
    # relative to the build directory): <source>/build-pip-test, beside <source>/build.
    pip_build="$source/build-pip-test"
    trap 'rm -rf "$work" "$pip_build"' EXIT
    TRIAGE_PIP_BUILD_DIR="$pip_build" TRIAGE_PIP_BUILD_TYPE=RelWithDebInfo \
      TRIAGE_CMAKE_ARGS="$cmake_args" \
      "$work/venv/bin/pip" install --quiet --no-build-isolation --no-index --no-deps "$source" \
      >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; exit 1; }
    cd "$work"
    "$work/venv/bin/python" -c "$check" "$source/rules/triage.yaml" "$work/venv/"
    ;;
  *) echo "usage: install_test.sh install|pip ..." >&2; exit 2 ;;
esac
