// SPDX-License-Identifier: Apache-2.0
// Lowering: the checked translation of parsed rule files and a config into a Program. This is
// where names resolve, field types are inferred, regexes are compiled under RE2, scores are
// range-checked, rule references are ordered (and cycles refused), config overrides are applied
// and each field's multi-pattern matcher is built. Every problem becomes a Diagnostic; all of
// them are reported, up to LoadOptions::max_errors.
#ifndef TRIAGE_COMPILE_LOWER_H_
#define TRIAGE_COMPILE_LOWER_H_

#include <memory>
#include <vector>

#include "compile/program.h"
#include "dsl/ast.h"
#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/rule_set.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage::internal {

// Builds the Program for `files` under `config`, with `analyzer` (built from config.analysis and
// its dictionaries; not null) for the word-level lists. The digest and sources are left for the
// caller. Returns InvalidArgument iff errors were appended to *diagnostics.
Result<std::shared_ptr<Program>> Lower(const SourceManager& sources, const EngineConfig& config,
                                       const std::vector<dsl::ast::RuleFile>& files,
                                       const LoadOptions& options,
                                       std::shared_ptr<const Analyzer> analyzer,
                                       Diagnostics* diagnostics);

// Parses a JSON path ("victims[*].age") into steps. Returns false if malformed.
bool ParseJsonPath(const std::string& text, std::vector<PathStep>* steps);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LOWER_H_
