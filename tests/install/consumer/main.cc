// SPDX-License-Identifier: Apache-2.0
// Compiles one rule from a string and triages one record: proof that the installed headers and
// library are usable on their own. Prints the band and exits 0 when it is the expected one.
#include <iostream>

#include "triage/triage.h"

int main() {
  triage::SourceManager sources;
  triage::Diagnostics diagnostics;
  auto rules = triage::CompileRuleSet(
      &sources, "", {{"app.rules", "rule urgent { when text ~ /tonight/i urgency >= 90 }"}},
      triage::LoadOptions(), &diagnostics);
  if (!rules.ok()) {
    std::cerr << triage::RenderDiagnostics(diagnostics, sources);
    return 1;
  }
  triage::Scanner scanner(*rules);
  triage::Decision decision;
  if (!scanner.ScanJson(R"({"id":"c-1","summary":"meeting planned tonight"})", &decision).ok()) {
    return 1;
  }
  std::cout << decision.band << "\n";
  return decision.band == "P1" ? 0 : 1;
}
