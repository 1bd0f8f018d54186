// SPDX-License-Identifier: Apache-2.0
// The resolve pass: each rule's clauses are checked and its `when` condition is lowered into
// the Program's expression nodes (ExprNode) and, for word-level matchers, span nodes (SpanNode).
// Every name resolves here, in source order: rules (the references are recorded for the order
// pass), categories, patterns and lists (as atoms of the field they are applied to,
// compile/atom_table.h), terms lists (compile/terms.h) and fields, whose types are inferred from
// these uses (compile/field_types.h). A name that does not resolve is an error with a
// did-you-mean note or a hint at what it is instead. Scores are range-checked
// (compile/literals.h); a rule's examples are set aside for the examples pass.
#ifndef TRIAGE_COMPILE_RESOLVE_H_
#define TRIAGE_COMPILE_RESOLVE_H_

#include <vector>

#include "triage/config.h"
#include "triage/source.h"

#include "compile/atom_table.h"
#include "compile/field_types.h"
#include "compile/program.h"
#include "compile/reporter.h"
#include "compile/symbols.h"
#include "compile/terms.h"

namespace triage::internal {

// The tables a rule's lowering reads and extends.
struct ResolveContext {
  const SourceManager* sources = nullptr;
  const EngineConfig* config = nullptr;
  Symbols* symbols = nullptr;
  FieldTable* fields = nullptr;
  TermTable* terms = nullptr;
  AtomTable* atoms = nullptr;
  Program* program = nullptr;
  Reporter* reporter = nullptr;
};

// Lowers every rule of context.symbols->rules, in declaration order, and returns them in that
// order (a rule with errors is still returned: later passes report what else is wrong). Fills
// each RuleInfo's refs and appends each rule's examples to symbols->examples.
std::vector<CompiledRule> ResolveRules(const ResolveContext& context);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_RESOLVE_H_
