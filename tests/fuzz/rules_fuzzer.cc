// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: one rule file through the whole front end — parse, check, compile — via the
// public CompileRuleSet, with the default config, then rendering of every diagnostic. Built by
// -DTRIAGE_BUILD_FUZZERS=ON (clang); tests/fuzz/run.sh runs it (docs/robustness.md).
#include <cstddef>
#include <cstdint>
#include <string>

#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  triage::SourceManager sources;
  triage::Diagnostics diagnostics;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto rules = triage::CompileRuleSet(&sources, "", {{"fuzz.rules", text}}, {}, &diagnostics);
  (void)rules.ok();
  (void)triage::RenderDiagnostics(diagnostics, sources);
  return 0;
}
