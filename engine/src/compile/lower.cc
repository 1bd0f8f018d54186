// SPDX-License-Identifier: Apache-2.0
// Lowering: the passes of lower.h, run in order over one Program.
#include "compile/lower.h"

#include <memory>
#include <utility>
#include <vector>

#include "compile/atom_table.h"
#include "compile/examples.h"
#include "compile/field_types.h"
#include "compile/gates.h"
#include "compile/lint.h"
#include "compile/matcher_plan.h"
#include "compile/order.h"
#include "compile/overrides.h"
#include "compile/regex_check.h"
#include "compile/reporter.h"
#include "compile/resolve.h"
#include "compile/symbols.h"
#include "compile/terms.h"
#include "compile/words.h"

namespace triage::internal {

Result<std::shared_ptr<Program>> Lower(const SourceManager& sources, const EngineConfig& config,
                                       const std::vector<dsl::ast::RuleFile>& files,
                                       const LoadOptions& options,
                                       std::shared_ptr<const Analyzer> analyzer,
                                       Diagnostics* diagnostics) {
  auto program = std::make_shared<Program>();
  program->config = config;
  program->analyzer = std::move(analyzer);
  Reporter reporter(diagnostics, options.max_errors);

  // Declarations, fields, and what the declarations hold.
  Symbols symbols;
  CollectDeclarations(files, &symbols, program.get(), &reporter);
  FieldTable fields(config, program.get(), &reporter);
  RegexChecker regexes(sources, &reporter);
  CheckDeclarations(&symbols, &regexes, &reporter);
  TermTable terms(sources, config, &symbols, program.get(), &reporter);
  terms.CompileTerms();
  FinishTermIndex(program.get());
  terms.CompileContexts();

  // The rules' conditions, which fix the fields' types and the words read.
  AtomTable atoms(sources, &symbols, &regexes, program.get(), &reporter);
  ResolveContext context;
  context.sources = &sources;
  context.config = &config;
  context.symbols = &symbols;
  context.fields = &fields;
  context.terms = &terms;
  context.atoms = &atoms;
  context.program = program.get();
  context.reporter = &reporter;
  std::vector<CompiledRule> rules = ResolveRules(context);
  fields.Finish();
  terms.FinishWordFields();

  // Order, the config's changes, examples, warnings.
  const std::vector<int> position = OrderRules(symbols.rules, &reporter);
  PlaceRules(position, std::move(rules), program.get());
  ApplyOverrides(config, &symbols, program.get(), &reporter);
  LowerExamples(symbols, position, config, program.get(), &reporter);
  SetUpFallback(config, &symbols, program.get(), &reporter);
  WarnUnused(symbols, diagnostics);
  WarnDroppedText(terms.lossy_phrases(), diagnostics);
  WarnShortStems(terms.stemmed_terms(), diagnostics);
  if (reporter.errors() != 0) return reporter.Fail();

  // What the scanner runs.
  BuildMatchers(program.get(), options.matching);
  WarnSlowPatterns(*program, diagnostics);
  BuildGates(program.get());
  return program;
}

}  // namespace triage::internal
