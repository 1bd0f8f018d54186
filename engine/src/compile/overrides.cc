// SPDX-License-Identifier: Apache-2.0
// The overrides pass (compile/overrides.h).
#include "compile/overrides.h"

#include <algorithm>
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

namespace {

// Returns the index of fallback category `name` in program->categories, declaring it implicitly
// (at the end) when no rule file declares it; a declared one is marked used. `named_at`: where
// the config names it (an invalid span when it does not: the default), for the warning.
int DeclareFallback(const std::string& name, SourceSpan named_at, const EngineConfig& config,
                    Symbols* symbols, Program* program, Reporter* reporter) {
  auto it = symbols->categories.find(name);
  if (it != symbols->categories.end()) {
    it->second.used = true;
    return it->second.index;
  }
  // An undeclared fallback is declared implicitly; only a config that names it is told.
  if (named_at.end != 0) {
    reporter->diagnostics()->Warning(
        "unknown-category", "fallback category '" + name + "' is not declared by any rule file",
        config.file, named_at);
  }
  const auto declared = std::find(program->categories.begin(), program->categories.end(), name);
  if (declared != program->categories.end()) {  // implicitly, by an earlier fallback
    return static_cast<int>(declared - program->categories.begin());
  }
  program->categories.push_back(name);
  program->category_descriptions.emplace_back();
  return static_cast<int>(program->categories.size()) - 1;
}

}  // namespace

void SetUpFallback(const EngineConfig& config, Symbols* symbols, Program* program,
                   Reporter* reporter) {
  program->fallback_category =
      DeclareFallback(config.fallback, config.fallback_span, config, symbols, program, reporter);
  // categories.fallback_by_band: each category the same way, told once per name the config
  // names.
  std::vector<std::string> named;
  if (config.fallback_span.end != 0) named.push_back(config.fallback);
  for (const BandFallback& entry : config.fallback_by_band) {
    if (std::find(named.begin(), named.end(), entry.category) != named.end()) continue;
    named.push_back(entry.category);
    DeclareFallback(entry.category, entry.category_span, config, symbols, program, reporter);
  }
  // categories.fallback_by_field: its categories likewise, and its field must be one the scan
  // extracts (the config loader checked the name; a config built in code is checked here) and
  // reads as text.
  const FallbackByField& by_field = config.fallback_by_field;
  if (by_field.empty()) return;
  for (const FieldValueFallback& entry : by_field.values) {
    if (std::find(named.begin(), named.end(), entry.category) != named.end()) continue;
    named.push_back(entry.category);
    DeclareFallback(entry.category, entry.category_span, config, symbols, program, reporter);
  }
  const int field = program->fallback_field;
  if (field < 0 || static_cast<size_t>(field) >= program->fields.size()) {
    reporter->Error("unknown-field",
                    "'categories.fallback_by_field' names unknown field '" + by_field.field + "'",
                    config.file, by_field.field_span);
    return;
  }
  const ValueType type = program->fields[field].type;
  if (type == ValueType::kNumber || type == ValueType::kBool) {
    reporter->Error("field-type-conflict",
                    "'categories.fallback_by_field' compares the text values of field '" +
                        by_field.field + "', which is " + ValueTypeName(type) +
                        " (declared in the config or used so by a rule)",
                    config.file, by_field.field_span);
  }
}

}  // namespace triage::internal
