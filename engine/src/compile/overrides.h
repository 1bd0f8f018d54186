// SPDX-License-Identifier: Apache-2.0
// The overrides pass: what the config changes in the compiled rules without touching their
// logic (DESIGN.md, `overrides:`) — a rule disabled, its urgency, floor or category scores
// replaced, each range-checked (unknown-rule-override, score-range, unknown-category) — and the
// fallback categories (categories.fallback, fallback_by_band and fallback_by_field), declared
// implicitly when no rule file declares them (with a warning when the config names them).
#ifndef TRIAGE_COMPILE_OVERRIDES_H_
#define TRIAGE_COMPILE_OVERRIDES_H_

#include "triage/config.h"

#include "compile/program.h"
#include "compile/reporter.h"
#include "compile/symbols.h"

namespace triage::internal {

// Applies config.overrides to program->rules (in evaluation order, by name); a category an
// override scores is marked used in *symbols.
void ApplyOverrides(const EngineConfig& config, Symbols* symbols, Program* program,
                    Reporter* reporter);

// Sets Program::fallback_category to config.fallback, marked used, adding it to the program's
// categories when no rule file declares it; the categories of config.fallback_by_band and
// config.fallback_by_field likewise (a warning, unknown-category, for each undeclared one the
// config names). The field of fallback_by_field must be Program::fallback_field (unknown-field
// otherwise) and not be a number or bool field (field-type-conflict): its values are compared as
// text. REQUIRES: the field types are final (FieldTable::Finish).
void SetUpFallback(const EngineConfig& config, Symbols* symbols, Program* program,
                   Reporter* reporter);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_OVERRIDES_H_
