// SPDX-License-Identifier: Apache-2.0
// Lowering: the checked translation of parsed rule files and a config into a Program, as a
// sequence of small passes, each a unit of its own (docs/architecture.md, "compile/"):
//
//   declare     symbols.h      every declaration by name; duplicates; patterns' regexes and
//                              lists' options checked where written
//   fields      field_types.h  the logical fields, their JSON paths, and their types, inferred
//                              from how the conditions use them
//   words       terms.h        terms lists and contexts into the phrase table and triggers
//   resolve     resolve.h      each rule's clauses and condition into expression nodes: every
//                              name resolved, scores range-checked, atoms made (atom_table.h)
//   order       order.h        rule references acyclic; the stable evaluation order
//   overrides   overrides.h    the config's overrides and fallback category
//   examples    examples.h     inline examples tied to their rules
//   lint        lint.h         warnings: unused declarations, terms that drop text, slow
//                              patterns
//   matchers    matcher_plan.h each field's multi-pattern matcher
//   gates       gates.h        each rule's cheapest necessary condition
//
// Every problem becomes a Diagnostic, reported through one Reporter (reporter.h) in the order
// the passes run; all of them are reported, up to LoadOptions::max_errors errors. The matchers
// and gates are built only when no pass reported an error.
#ifndef TRIAGE_COMPILE_LOWER_H_
#define TRIAGE_COMPILE_LOWER_H_

#include <memory>
#include <vector>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/options.h"
#include "triage/source.h"
#include "triage/status.h"

#include "compile/program.h"
#include "dsl/ast.h"

namespace triage::internal {

// Builds the Program for `files` under `config`, with `analyzer` (built from config.analysis and
// its dictionaries; not null) for the word-level lists. The digest and sources are left for the
// caller. Returns InvalidArgument iff errors were appended to *diagnostics.
Result<std::shared_ptr<Program>> Lower(const SourceManager& sources, const EngineConfig& config,
                                       const std::vector<dsl::ast::RuleFile>& files,
                                       const LoadOptions& options,
                                       std::shared_ptr<const Analyzer> analyzer,
                                       Diagnostics* diagnostics);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LOWER_H_
