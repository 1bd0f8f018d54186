// SPDX-License-Identifier: Apache-2.0
// The examples pass (compile/examples.h).
#include "compile/examples.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace triage::internal {

void LowerExamples(const Symbols& symbols, const std::vector<int>& position,
                   const EngineConfig& config, Program* program, Reporter* reporter) {
  for (const PendingExample& pending : symbols.examples) {
    const ast::ExampleDecl& decl = *pending.decl;
    Example example;
    example.text = decl.text.value;
    example.counter = decl.keyword == "counterexample";
    example.file = pending.file;
    example.span = decl.span;
    example.rule = pending.rule >= 0 ? position[pending.rule] : -1;
    if (example.counter && pending.rule < 0) {
      reporter->Error("bad-example", "a counterexample belongs inside the rule it must not fire",
                      pending.file, decl.span);
      continue;
    }
    if (example.counter && !decl.expect.empty()) {
      reporter->Error("bad-example", "a counterexample takes no expectations", pending.file,
                      decl.expect[0].span);
      continue;
    }
    for (const ast::Identifier& name : decl.expect) {
      const bool is_band =
          std::any_of(config.bands.begin(), config.bands.end(),
                      [&](const UrgencyBand& band) { return band.name == name.name; });
      if (is_band) {
        if (!example.band.empty()) {
          reporter->Error("bad-example", "an example expects one band", pending.file, name.span);
        }
        example.band = name.name;
        continue;
      }
      auto category = symbols.categories.find(name.name);
      if (category == symbols.categories.end() && name.name != config.fallback) {
        reporter->Error("unknown-name", "'" + name.name + "' is neither a band nor a category",
                        pending.file, name.span);
        std::vector<std::string> names = program->categories;
        for (const UrgencyBand& band : config.bands) names.push_back(band.name);
        reporter->SuggestNote(name.name, names, pending.file, name.span);
        continue;
      }
      example.categories.push_back(name.name);
    }
    program->examples.push_back(std::move(example));
  }
}

}  // namespace triage::internal
