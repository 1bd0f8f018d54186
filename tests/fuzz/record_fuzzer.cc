// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: JSON records through Scanner::ScanJson and Scanner::Explain under the default
// rule pack (rules/triage.yaml, loaded once), and the same lines in order through a
// ConversationScanner, as `triage filter` threads SMS conversations. The input is split into
// lines as `triage filter` splits JSON Lines. Each input gets a fresh conversation store, so that
// an input's outcome never depends on the inputs before it (a crash reproduces from its file).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/explain.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"

namespace {

const triage::RuleSet& TheRules() {
  static const triage::RuleSet* rules = [] {
    triage::SourceManager sources;
    triage::Diagnostics diagnostics;
    auto loaded = triage::LoadRuleSet(&sources, TRIAGE_FUZZ_CONFIG, {}, &diagnostics);
    if (!loaded.ok()) std::abort();  // the shipped pack must load
    return new triage::RuleSet(std::move(loaded).value());
  }();
  return *rules;
}

triage::Scanner& TheScanner() {
  static triage::Scanner* scanner = new triage::Scanner(TheRules());
  return *scanner;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  triage::Scanner& scanner = TheScanner();
  triage::MemoryConversationStore store(TheRules().config().conversations);
  triage::ConversationScanner threads(TheRules(), &store);
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
    triage::Decision thread_decision;
    if (threads.ScanJson(line, &thread_decision).ok()) {
      (void)triage::DecisionToJson(thread_decision);
    }
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
