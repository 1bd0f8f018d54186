// SPDX-License-Identifier: Apache-2.0
// Evaluating a ruleset against labels from Python (behind triage.eval): an EvalRun takes label
// lines, then corpus records in batches (scored on several threads without the GIL, with every
// category's total as `triage eval` needs for its assign_min sweep), and finally computes the
// library's EvalReport, returned in its JSON form (`triage eval --format json`). Lines that cannot
// be read come back as RecordError instances; nothing is printed.
//
// Not thread-safe: one EvalRun is fed by one caller (the package's eval()).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/band_index.h"
#include "triage/evaluation.h"
#include "triage/labels.h"
#include "triage/scored_record.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

// Returns the urgent band index: `name`'s, or the CLI's default (the second band of three or
// more). Raises ValueError for a name that is no band.
size_t UrgentBand(const EngineConfig& config, const std::optional<std::string>& name) {
  if (!name) return config.bands.size() >= 3 ? 1 : 0;
  const std::optional<size_t> band = FindBand(config.bands, *name);
  if (!band) throw py::value_error("urgent_band: no band named '" + *name + "'");
  return *band;
}

class EvalRun {
 public:
  EvalRun(std::shared_ptr<PyRuleSet> rules, const std::optional<std::string>& urgent_band,
          const std::vector<std::string>& targets, int jobs)
      : rules_(std::move(rules)),
        jobs_(ResolveJobs(jobs)),
        parser_(rules_->rules.config(), rules_->rules.category_names()) {
    const EngineConfig& config = rules_->rules.config();
    settings_.urgent_band = UrgentBand(config, urgent_band);
    for (const std::string& text : targets) {
      Result<RecallTarget> target = ParseRecallTarget(text, config, rules_->rules.category_names());
      if (!target.ok()) throw py::value_error(target.status().message());
      settings_.targets.push_back(std::move(target).value());
    }
  }

  // Adds line `line` of the labels; returns None, or a RecordError for a refused line.
  py::object AddLabel(const py::object& text, uint64_t line) {
    return AddLabelLine(&parser_, &labels_, text, line);
  }

  // Scores a batch of records; returns a RecordError for each that could not be triaged.
  py::list AddRecords(const py::list& records, const std::vector<uint64_t>& lines) {
    if (lines.size() != records.size()) throw py::value_error("one line number per record");
    const std::vector<RecordText> texts = RecordTexts(records);
    std::vector<ScoredRecord> scored;
    std::vector<Status> statuses;
    ScoreAll(*rules_, texts, lines, jobs_, /*with_totals=*/true, &scored, &statuses);
    py::list errors;
    lines_ += texts.size();
    for (size_t i = 0; i < texts.size(); ++i) {
      if (statuses[i].ok()) {
        records_.push_back(std::move(scored[i]));
      } else {
        ++record_errors_;
        errors.append(MakeRecordError(statuses[i], scored[i].id, lines[i]));
      }
    }
    return errors;
  }

  // Computes the report and returns its JSON (with its final newline, as the CLI writes it).
  std::string Finish(const std::string& config_path, const std::string& input_name,
                     const std::string& labels_path) {
    std::string json;
    {
      py::gil_scoped_release release;
      EvalReport report = ComputeEval(rules_->rules, records_, labels_, settings_);
      report.config_path = config_path;
      report.input_name = input_name;
      report.labels_path = labels_path;
      report.lines = lines_;
      report.record_errors = record_errors_;
      report.label_errors = labels_.errors;
      json = EvalReportToJson(report);
    }
    return json;
  }

 private:
  std::shared_ptr<PyRuleSet> rules_;
  size_t jobs_;
  LabelParser parser_;
  EvalSettings settings_;
  LabelSet labels_;
  std::vector<ScoredRecord> records_;
  uint64_t lines_ = 0;
  uint64_t record_errors_ = 0;
};

}  // namespace

void RegisterEval(py::module_& m) {
  py::class_<EvalRun>(m, "EvalRun")
      .def(py::init<std::shared_ptr<PyRuleSet>, const std::optional<std::string>&,
                    const std::vector<std::string>&, int>(),
           py::arg("rules"), py::arg("urgent_band"), py::arg("targets"), py::arg("jobs"))
      .def("add_label", &EvalRun::AddLabel, py::arg("text"), py::arg("line"))
      .def("add_records", &EvalRun::AddRecords, py::arg("records"), py::arg("lines"))
      .def("finish", &EvalRun::Finish, py::arg("config_path"), py::arg("input_name"),
           py::arg("labels_path"));
}

}  // namespace triage::python
