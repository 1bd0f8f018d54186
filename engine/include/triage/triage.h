// SPDX-License-Identifier: Apache-2.0
// The umbrella header of the triage library. The library never throws, prints or exits: fallible
// calls return Status or Result<T>, and problems in rules or config are Diagnostic values.
//
//   triage::SourceManager sources;
//   triage::Diagnostics diags;
//   auto rules = triage::LoadRuleSet(&sources, "rules/triage.yaml", {}, &diags);
//   if (!rules.ok()) { std::cerr << triage::RenderDiagnostics(diags, sources); return 1; }
//   triage::Scanner scanner(*rules);
//   triage::Decision decision;
//   if (scanner.ScanJson(R"({"id":"r-1","summary":"..."})", &decision).ok())
//     std::cout << triage::DecisionToJson(decision) << "\n";
#ifndef TRIAGE_TRIAGE_H_
#define TRIAGE_TRIAGE_H_

#include "triage/adapters.h"
#include "triage/audit.h"
#include "triage/config.h"
#include "triage/decision.h"
#include "triage/decision_policy.h"
#include "triage/diagnostic.h"
#include "triage/engine.h"
#include "triage/explain.h"
#include "triage/options.h"
#include "triage/record.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"
#include "triage/version.h"

#endif  // TRIAGE_TRIAGE_H_
