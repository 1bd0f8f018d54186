// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: JSON records through Scanner::ScanJson and Scanner::Explain under the default
// rule pack (rules/triage.yaml, loaded once). The input is split into lines as `triage filter`
// splits JSON Lines, so that the seed corpora can be the examples' .jsonl files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/explain.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"

namespace {

triage::Scanner& TheScanner() {
  static triage::Scanner* scanner = [] {
    triage::SourceManager sources;
    triage::Diagnostics diagnostics;
    auto rules = triage::LoadRuleSet(&sources, TRIAGE_FUZZ_CONFIG, {}, &diagnostics);
    if (!rules.ok()) std::abort();  // the shipped pack must load
    return new triage::Scanner(std::move(rules).value());
  }();
  return *scanner;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  triage::Scanner& scanner = TheScanner();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    triage::Decision decision;
    if (scanner.ScanJson(line, &decision).ok()) {
      (void)triage::DecisionToJson(decision);
      triage::Explanation explanation;
      (void)scanner.Explain(line, {}, &explanation);
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
