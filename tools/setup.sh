#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages triage builds with (only those missing), then configures and
# builds it in ./build. Safe to run again: apt is skipped when nothing is missing, and the build
# is incremental (ccache when present). Extra CMake arguments: TRIAGE_CMAKE_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config ccache
          libboost-dev libre2-dev libyaml-cpp-dev libsimdjson-dev rapidjson-dev libcli11-dev
          libhiredis-dev redis-server  # `triage worker` (hiredis) and its tests (a local Redis)
          libssl-dev libsqlite3-dev libicu-dev libstemmer-dev libpugixml-dev sqlite3 libgtest-dev libgmock-dev libbenchmark-dev
          python3 python3-yaml
          python3-dev pybind11-dev python3-pytest python3-pandas python3-venv python3-setuptools
          python3-wheel python3-pip python3-mypy
          chromium)  # headless, for the analyst page's browser test (tests/serve)
# Hyperscan is a baseline of the benchmarks only (never an engine dependency); Debian ships it
# for amd64 alone, and the benchmarks build without it elsewhere.
if [[ "$(dpkg --print-architecture)" == "amd64" ]]; then packages+=(libhyperscan-dev); fi
# The sanitizer and fuzzing build: clang 14 and its compiler-rt runtimes — libclang-rt-14-dev
# holds ASan, UBSan and libFuzzer (libclang_rt.fuzzer-*.a). On in CI (CI=true), where the main
# ctest then runs the whole suite under ASan + UBSan and the bounded fuzz runs as one more test
# (docs/robustness.md, section 3); opt-in elsewhere with TRIAGE_SANITIZERS=1, and
# TRIAGE_SANITIZERS=0 turns it off in CI too.
sanitizers=0
if [[ "${TRIAGE_SANITIZERS:-}" == "1" || ( "${CI:-}" == "true" && "${TRIAGE_SANITIZERS:-}" != "0" ) ]]; then
  sanitizers=1
  packages+=(clang-14 libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "triage setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

# The Python module (python/, docs/python.md) is built for Debian's interpreter, the one apt
# installs pytest, pandas and mypy for; a pyenv or virtualenv python3 earlier on PATH would
# otherwise be picked. TRIAGE_PYTHON overrides it.
args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIAGE_BUILD_BENCH=ON
      "-DPython3_EXECUTABLE=${TRIAGE_PYTHON:-/usr/bin/python3}")
if [[ "${CI:-}" == "true" ]]; then args+=(-DTRIAGE_WERROR=ON); fi
# The second build (CI, or TRIAGE_SANITIZERS=1): the whole test suite and the fuzz targets under
# ASan + UBSan, with clang, in build-asan. The main build's ctest runs it (test
# `sanitizers.suite`, docs/robustness.md); without it the main build forgets any earlier one.
if ((sanitizers)); then
  args+=("-DTRIAGE_SANITIZER_BUILD_DIR=$PWD/build-asan")
else
  args+=("-DTRIAGE_SANITIZER_BUILD_DIR=")
fi
# shellcheck disable=SC2206
args+=(${TRIAGE_CMAKE_ARGS:-})
cmake -S . -B build "${args[@]}" >&2
cmake --build build -j "$(nproc)" >&2
if ((sanitizers)); then
  asan_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRIAGE_SANITIZE=address,undefined
             -DTRIAGE_BUILD_FUZZERS=ON -DTRIAGE_INSTALL=OFF -DTRIAGE_BUILD_BENCH=OFF
             -DTRIAGE_BUILD_PYTHON=OFF)
  if [[ "${CI:-}" == "true" ]]; then asan_args+=(-DTRIAGE_WERROR=ON); fi
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-asan "${asan_args[@]}" >&2
  cmake --build build-asan -j "$(nproc)" >&2
fi
