// SPDX-License-Identifier: Apache-2.0
// The overrides pass (compile/overrides.h).
#include "compile/overrides.h"

#include <map>
#include <string>
#include <vector>

#include "compile/literals.h"

namespace triage::internal {

void ApplyOverrides(const EngineConfig& config, Symbols* symbols, Program* program,
                    Reporter* reporter) {
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < program->rules.size(); ++i) {
    by_name[program->rules[i].name] = static_cast<int>(i);
  }
  const int max = config.urgency_max;
  for (const RuleOverride& o : config.overrides) {
    auto it = by_name.find(o.rule);
    if (it == by_name.end()) {
      reporter->Error("unknown-rule-override", "override for unknown rule '" + o.rule + "'",
                      config.file, o.span);
      std::vector<std::string> names;
      for (const auto& [name, i] : by_name) names.push_back(name);
      reporter->SuggestNote(o.rule, names, config.file, o.span);
      continue;
    }
    CompiledRule& rule = program->rules[it->second];
    rule.overridden = true;
    if (o.enabled) rule.enabled = *o.enabled;
    if (o.urgency) {
      if (*o.urgency < -max || *o.urgency > max) {
        reporter->Error("score-range",
                        "override urgency for '" + o.rule + "' is out of range [" +
                            std::to_string(-max) + ", " + std::to_string(max) + "]",
                        config.file, o.span);
      } else {
        rule.urgency = *o.urgency;
      }
    }
    if (o.floor) {
      if (*o.floor < 0 || *o.floor > max) {
        reporter->Error(
            "score-range",
            "override floor for '" + o.rule + "' is out of range [0, " + std::to_string(max) + "]",
            config.file, o.span);
      } else {
        rule.floor = *o.floor;
      }
    }
    for (const auto& [name, score] : o.categories) {
      auto category = symbols->categories.find(name);
      if (category == symbols->categories.end()) {
        reporter->Error("unknown-category", "override names unknown category '" + name + "'",
                        config.file, o.span);
        continue;
      }
      if (score < -kMaxCategoryScore || score > kMaxCategoryScore) {
        reporter->Error("score-range", "override score for category '" + name + "' is out of range",
                        config.file, o.span);
        continue;
      }
      category->second.used = true;
      bool replaced = false;
      for (auto& [index, value] : rule.categories) {
        if (index == category->second.index) {
          value = score;
          replaced = true;
        }
      }
      if (!replaced) rule.categories.emplace_back(category->second.index, score);
    }
  }
}

void SetUpFallback(const EngineConfig& config, Symbols* symbols, Program* program,
                   Reporter* reporter) {
  auto it = symbols->categories.find(config.fallback);
  if (it == symbols->categories.end()) {
    // An undeclared fallback is declared implicitly; only a config that names it is told.
    if (config.fallback_span.end != 0) {
      reporter->diagnostics()->Warning(
          "unknown-category",
          "fallback category '" + config.fallback + "' is not declared by any rule file",
          config.file, config.fallback_span);
    }
    program->fallback_category = static_cast<int>(program->categories.size());
    program->categories.push_back(config.fallback);
    program->category_descriptions.emplace_back();
    return;
  }
  it->second.used = true;
  program->fallback_category = it->second.index;
}

}  // namespace triage::internal
