// SPDX-License-Identifier: Apache-2.0
// Compiles one rule from a string and triages one record, converted from a CyberTipline report by
// the adapters: proof that the installed headers and library, with their dependencies (pugixml,
// OpenSSL), are usable on their own. Prints the band and exits 0 when it is the expected one.
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
  auto record = triage::adapters::CyberTiplineXmlToRecordJson(
      "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
      "<incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime></incidentSummary>"
      "<additionalInfo>meeting planned tonight</additionalInfo></report>",
      {});
  if (!record.ok()) {
    std::cerr << record.status().ToString() << "\n";
    return 1;
  }
  triage::Scanner scanner(*rules);
  triage::Decision decision;
  if (!scanner.ScanJson(*record, &decision).ok()) return 1;
  std::cout << decision.band << "\n";
  return decision.band == "P1" ? 0 : 1;
}
