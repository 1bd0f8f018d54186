// SPDX-License-Identifier: Apache-2.0
// Loading and compiling rulesets from Python, and what a RuleSet tells about itself: digest,
// rules, categories, bands, field mappings, the matching plan and its archived sources.
//
// load() and compile() never raise for problems in the rules or the config: they return
// (ruleset or None, diagnostics, rendered text), and the package raises its RuleError with them,
// so that the exception type and its rendering live in one place (python/triage/_errors.py).

#include "triage/rule_set.h"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/matching_plan.h"
#include "triage/source.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

// The result of a load: (PyRuleSet or None, diagnostics, rendered diagnostics).
py::tuple LoadResult(Result<RuleSet> loaded, std::string path, Diagnostics* diagnostics,
                     const SourceManager& sources) {
  if (!loaded.ok() && !diagnostics->has_errors()) {
    // A failure the library reported only as a Status (none is known today): still a RuleError.
    diagnostics->Error("load-failed", loaded.status().message());
  }
  py::list items = DiagnosticsToList(*diagnostics, sources);
  std::string rendered = RenderDiagnostics(*diagnostics, sources, /*color=*/false);
  if (!loaded.ok()) return py::make_tuple(py::none(), items, rendered);
  auto rules = std::make_shared<PyRuleSet>(std::move(loaded).value(), std::move(path));
  rules->warnings = items;
  return py::make_tuple(py::cast(rules), items, rendered);
}

LoadOptions MakeLoadOptions(int max_errors) {
  if (max_errors < 1) throw py::value_error("max_errors must be 1 or more");
  LoadOptions options;
  options.max_errors = static_cast<size_t>(max_errors);
  return options;
}

py::tuple Load(const std::string& config_path, int max_errors) {
  const LoadOptions options = MakeLoadOptions(max_errors);
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> loaded = [&] {
    py::gil_scoped_release release;
    return LoadRuleSet(&sources, config_path, options, &diagnostics);
  }();
  return LoadResult(std::move(loaded), config_path, &diagnostics, sources);
}

py::tuple Compile(const std::vector<std::pair<std::string, std::string>>& files,
                  const std::string& config_yaml, int max_errors) {
  const LoadOptions options = MakeLoadOptions(max_errors);
  std::vector<NamedText> named;
  named.reserve(files.size());
  for (const auto& [name, text] : files) named.push_back(NamedText{name, text});
  SourceManager sources;
  Diagnostics diagnostics;
  Result<RuleSet> loaded = [&] {
    py::gil_scoped_release release;
    return CompileRuleSet(&sources, config_yaml, named, options, &diagnostics);
  }();
  return LoadResult(std::move(loaded), "", &diagnostics, sources);
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kNumber:
      return "number";
    case FieldType::kBool:
      return "bool";
    case FieldType::kAuto:
      break;
  }
  return "auto";
}

// The effective field mappings: the defaults, added to or replaced by name by the config's.
py::dict Fields(const EngineConfig& config) {
  std::vector<FieldMapping> fields = DefaultFieldMappings();
  for (const FieldMapping& mapping : config.fields) {
    bool replaced = false;
    for (FieldMapping& existing : fields) {
      if (existing.name == mapping.name) {
        existing = mapping;
        replaced = true;
      }
    }
    if (!replaced) fields.push_back(mapping);
  }
  py::dict out;
  for (const FieldMapping& mapping : fields) {
    py::dict item;
    item["paths"] = mapping.paths;
    item["type"] = FieldTypeName(mapping.type);
    out[py::str(mapping.name)] = std::move(item);
  }
  return out;
}

py::list Bands(const EngineConfig& config) {
  py::list out;
  for (const UrgencyBand& band : config.bands) {
    out.append(py::make_tuple(band.name, band.min, band.label));
  }
  return out;
}

py::dict Config(const PyRuleSet& self) {
  const EngineConfig& config = self.rules.config();
  py::dict out;
  out["rule_files"] = config.rule_files;
  out["urgency_max"] = config.urgency_max;
  out["assign_min"] = config.assign_min;
  out["max_labels"] = config.max_labels;
  out["fallback"] = config.fallback;
  py::dict fallback_by_band;
  for (const BandFallback& entry : config.fallback_by_band) {
    fallback_by_band[py::str(entry.band)] = entry.category;
  }
  out["fallback_by_band"] = std::move(fallback_by_band);
  if (config.fallback_by_field.empty()) {
    out["fallback_by_field"] = py::none();
  } else {
    py::dict values;
    for (const FieldValueFallback& entry : config.fallback_by_field.values) {
      values[py::str(entry.value)] = entry.category;
    }
    py::dict fallback_by_field;
    fallback_by_field["field"] = config.fallback_by_field.field;
    fallback_by_field["values"] = std::move(values);
    out["fallback_by_field"] = std::move(fallback_by_field);
  }
  out["max_record_bytes"] = config.max_record_bytes;
  out["max_rule_file_bytes"] = config.max_rule_file_bytes;
  out["max_rules"] = config.max_rules;
  py::dict overrides;
  for (const RuleOverride& o : config.overrides) {
    py::dict item;
    if (o.enabled) item["enabled"] = *o.enabled;
    if (o.urgency) item["urgency"] = *o.urgency;
    if (o.floor) item["floor"] = *o.floor;
    if (!o.categories.empty()) {
      py::dict categories;
      for (const auto& [name, score] : o.categories) categories[py::str(name)] = score;
      item["categories"] = std::move(categories);
    }
    overrides[py::str(o.rule)] = std::move(item);
  }
  out["overrides"] = std::move(overrides);
  py::dict analysis;
  analysis["version"] = config.analysis.version;
  analysis["fold_accents"] = config.analysis.fold_accents;
  analysis["fold_confusables"] = config.analysis.fold_confusables;
  analysis["line_breaks_end_sentences"] = config.analysis.line_breaks_end_sentences;
  analysis["stemmers"] = config.analysis.stem_languages;
  analysis["dictionaries"] = config.analysis.dictionaries;
  out["analysis"] = std::move(analysis);
  return out;
}

py::dict Plan(const PyRuleSet& self) {
  const MatchingPlan plan = DescribeMatchingPlan(self.rules);
  py::list fields;
  for (const FieldPlan& field : plan.fields) {
    py::dict item;
    item["field"] = field.field;
    py::list sets;
    for (const FieldPlan::Set& set : field.sets) {
      py::dict s;
      s["entries"] = set.entries;
      s["program_size"] = set.program_size;
      sets.append(std::move(s));
    }
    item["sets"] = std::move(sets);
    item["prefilter_literals"] = field.prefilter_literals;
    item["prefiltered"] = field.prefiltered;
    item["every_value"] = field.every_value;
    fields.append(std::move(item));
  }
  py::list patterns;
  for (const PatternPlan& pattern : plan.patterns) {
    py::dict item;
    item["field"] = pattern.field;
    item["name"] = pattern.name;
    item["location"] = pattern.location;
    item["strategy"] = StrategyName(pattern.strategy);
    item["set"] = pattern.set >= 0 ? py::object(py::int_(pattern.set)) : py::object(py::none());
    item["program_size"] = pattern.program_size;
    item["repeat_span"] = pattern.repeat_span;
    item["reason"] = pattern.reason;
    item["literals"] = pattern.literals;
    patterns.append(std::move(item));
  }
  py::dict out;
  out["fields"] = std::move(fields);
  out["patterns"] = std::move(patterns);
  return out;
}

py::list Sources(const PyRuleSet& self) {
  py::list out;
  for (const RuleSetSource& source : self.rules.sources()) {
    out.append(py::make_tuple(source.name, source.text));
  }
  return out;
}

}  // namespace

void RegisterRuleSet(py::module_& m) {
  py::class_<PyRuleSet, std::shared_ptr<PyRuleSet>>(m, "RuleSet")
      .def_property_readonly("digest", [](const PyRuleSet& s) { return s.rules.digest(); })
      .def_property_readonly("path", [](const PyRuleSet& s) { return s.path; })
      .def_property_readonly("rule_count", [](const PyRuleSet& s) { return s.rules.rule_count(); })
      .def_property_readonly("rule_names", [](const PyRuleSet& s) { return s.rules.rule_names(); })
      .def_property_readonly("category_names",
                             [](const PyRuleSet& s) { return s.rules.category_names(); })
      .def_property_readonly("bands", [](const PyRuleSet& s) { return Bands(s.rules.config()); })
      .def_property_readonly("fields", [](const PyRuleSet& s) { return Fields(s.rules.config()); })
      .def_property_readonly("config", &Config)
      .def_property_readonly("matching_plan", &Plan)
      .def_property_readonly("sources", &Sources)
      .def_property_readonly("warnings", [](const PyRuleSet& s) { return s.warnings; });

  m.def("load", &Load, py::arg("config_path"), py::arg("max_errors") = 20,
        "Loads a config and its rule files: (RuleSet or None, diagnostics, rendered).");
  m.def("compile", &Compile, py::arg("files"), py::arg("config_yaml"), py::arg("max_errors") = 20,
        "Compiles rule files given as (name, text) pairs: (RuleSet or None, diagnostics, "
        "rendered).");
}

}  // namespace triage::python
