// SPDX-License-Identifier: Apache-2.0
// Explaining one record from Python: the library's ExplainReport (ledger, categories, matched
// spans, counterfactual, rules closest to firing, why-not trees) in its JSON form — the line
// `triage explain --format json` writes — with the decision as a Decision object beside it.

#include "triage/explain.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/explain_report.h"
#include "triage/scanner.h"
#include "triage/status.h"
#include "triage/why_not.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

// Raises ValueError unless every name of `why_not` is a rule of `rules` (as `triage explain
// --why-not` refuses a misspelt rule before reading input).
void CheckRuleNames(const PyRuleSet& rules, const std::vector<std::string>& why_not) {
  const std::vector<std::string> names = rules.rules.rule_names();
  for (const std::string& name : why_not) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string message = "why_not: no rule named '" + name + "'";
    const std::vector<std::string> similar = SimilarNames(name, names);
    if (!similar.empty()) {
      message += "; did you mean ";
      for (size_t i = 0; i < similar.size(); ++i) {
        message += (i == 0 ? "'" : ", '") + similar[i] + "'";
      }
      message += "?";
    }
    throw py::value_error(message);
  }
}

// (Decision, the report's JSON) or a RecordError instance (not raised).
py::object Explain(const PyRuleSet& rules, const py::object& record,
                   const std::vector<std::string>& why_not, int closest, int max_set,
                   uint64_t line) {
  if (closest < 0) throw py::value_error("closest must be 0 or more");
  if (max_set < 0 || max_set > 3) throw py::value_error("max_set must be between 0 and 3");
  CheckRuleNames(rules, why_not);
  const RecordText text = GetRecordText(record);
  ExplainReportOptions options;
  options.closest = static_cast<size_t>(closest);
  options.max_set = static_cast<size_t>(max_set);
  options.why_not = why_not;
  Explanation explanation;
  Status status;
  std::string json;
  {
    py::gil_scoped_release release;
    ScannerLease lease(rules.scanners.get());
    const size_t max_bytes = rules.rules.config().max_record_bytes;
    if (!text.valid) {
      status = StrNotUtf8();
    } else if (text.text.size() > max_bytes) {
      status = RecordTooLarge(text.text.size(), max_bytes);
    } else {
      status = lease.get()->Explain(text.text, ScanOptions(), &explanation);
      if (!status.ok() && status.code() != Status::Code::kInvalidRecord) {
        // As `triage explain`: only record errors promise never to quote the record.
        status = Status::InvalidRecord("internal", "the record could not be explained");
      }
      if (status.ok()) {
        const ExplainReport report =
            BuildExplainReport(lease.get(), text.text, line, explanation, options);
        json = ExplainReportToJson(report);
      }
    }
  }
  if (!status.ok()) {
    const std::optional<std::string> id =
        text.valid && text.text.size() <= rules.rules.config().max_record_bytes
            ? explanation.decision.id
            : std::nullopt;
    return MakeRecordError(status, id, line);
  }
  return py::make_tuple(py::cast(PyDecision{explanation.decision, record}), json);
}

}  // namespace

void RegisterExplain(py::module_& m) {
  m.def("explain", &Explain, py::arg("rules"), py::arg("record"), py::arg("why_not"),
        py::arg("closest"), py::arg("max_set"), py::arg("line") = 1,
        "(Decision, report JSON) or a RecordError instance (not raised) for one record.");
}

}  // namespace triage::python
