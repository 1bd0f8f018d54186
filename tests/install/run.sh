#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the build tree into a scratch prefix, builds tests/install/consumer against it with
# find_package(triage), runs it, and checks that the installed CLI finds its default rule pack.
# Usage: run.sh <build dir> <source dir>
set -euo pipefail
build="$1"
source="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/tests/install/consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
out="$("$work/consumer/consumer")"
[[ "$out" == "P1" ]] || { echo "consumer printed '$out', expected P1" >&2; exit 1; }
# The installed binary with no --config must find <prefix>/share/triage/triage.yaml.
"$work/prefix/bin/triage" check >/dev/null
echo "install ok"
