// SPDX-License-Identifier: Apache-2.0
// Comparing two rulesets on one corpus from Python (behind triage.compare): a CompareRun takes
// optional label lines (read against the head ruleset, as `triage diff --labels` does), then
// corpus records in batches, each scored by both rulesets on several threads without the GIL,
// and finally returns the library's ComparisonReport in its JSON form (`triage diff --format
// json`). Records either ruleset could not triage come back as RecordError instances and are
// left out, as the CLI leaves them out.
//
// Not thread-safe: one CompareRun is fed by one caller (the package's compare()).

#include "triage/compare.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/labels.h"
#include "triage/scored_record.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

class CompareRun {
 public:
  CompareRun(std::shared_ptr<PyRuleSet> base, std::shared_ptr<PyRuleSet> head, int jobs)
      : base_(std::move(base)),
        head_(std::move(head)),
        jobs_(ResolveJobs(jobs)),
        parser_(head_->rules.config(), head_->rules.category_names()) {}

  // Adds line `line` of the labels; returns None, or a RecordError for a refused line.
  // REQUIRES: no record added yet.
  py::object AddLabel(const py::object& text, uint64_t line) {
    if (comparison_) throw py::value_error("labels must come before the records");
    labelled_ = true;
    return AddLabelLine(&parser_, &labels_, text, line);
  }

  // Scores a batch of records with both rulesets; returns a RecordError for each record either
  // could not triage (the base's error first).
  py::list AddRecords(const py::list& records, const std::vector<uint64_t>& lines) {
    if (lines.size() != records.size()) throw py::value_error("one line number per record");
    if (!comparison_)
      comparison_.emplace(base_->rules, head_->rules, labelled_ ? &labels_ : nullptr);
    const std::vector<RecordText> texts = RecordTexts(records);
    std::vector<ScoredRecord> base;
    std::vector<ScoredRecord> head;
    std::vector<Status> base_statuses;
    std::vector<Status> head_statuses;
    ScoreAll(*base_, texts, lines, jobs_, /*with_totals=*/false, &base, &base_statuses);
    ScoreAll(*head_, texts, lines, jobs_, /*with_totals=*/false, &head, &head_statuses);
    py::list errors;
    lines_ += texts.size();
    for (size_t i = 0; i < texts.size(); ++i) {
      if (base_statuses[i].ok() && head_statuses[i].ok()) {
        comparison_->Add(std::move(base[i]), std::move(head[i]));
        continue;
      }
      ++errors_;
      const Status& status = base_statuses[i].ok() ? head_statuses[i] : base_statuses[i];
      errors.append(MakeRecordError(status, base[i].id ? base[i].id : head[i].id, lines[i]));
    }
    return errors;
  }

  // Returns the report's JSON (with its final newline, as the CLI writes it).
  std::string Finish(const std::string& base_config, const std::string& head_config) {
    if (!comparison_)
      comparison_.emplace(base_->rules, head_->rules, labelled_ ? &labels_ : nullptr);
    std::string json;
    {
      py::gil_scoped_release release;
      ComparisonReport report = comparison_->Finish();
      report.base_config = base_config;
      report.head_config = head_config;
      report.lines = lines_;
      report.errors = errors_;
      json = ComparisonReportToJson(report);
    }
    return json;
  }

 private:
  std::shared_ptr<PyRuleSet> base_;
  std::shared_ptr<PyRuleSet> head_;
  size_t jobs_;
  LabelParser parser_;
  LabelSet labels_;
  bool labelled_ = false;
  std::optional<RulesetComparison> comparison_;
  uint64_t lines_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace

void RegisterCompare(py::module_& m) {
  py::class_<CompareRun>(m, "CompareRun")
      .def(py::init<std::shared_ptr<PyRuleSet>, std::shared_ptr<PyRuleSet>, int>(), py::arg("base"),
           py::arg("head"), py::arg("jobs"))
      .def("add_label", &CompareRun::AddLabel, py::arg("text"), py::arg("line"))
      .def("add_records", &CompareRun::AddRecords, py::arg("records"), py::arg("lines"))
      .def("finish", &CompareRun::Finish, py::arg("base_config"), py::arg("head_config"));
}

}  // namespace triage::python
