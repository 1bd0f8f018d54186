// SPDX-License-Identifier: Apache-2.0
// Scanning from Python: the Decision type, one record (scan), a batch of records on several
// threads without the GIL (scan_batch, behind RuleSet.scan_many), and `triage filter`'s output
// lines for a batch of input lines (filter_batch, behind RuleSet.filter).
//
// A batch is scanned in three steps: with the GIL, the records' UTF-8 texts are borrowed from
// their Python objects (no copy); without it, the workers scan them, each with its own Scanner
// from the ruleset's pool, every result landing in the slot of its index, so the order and the
// results never depend on the number of threads; with the GIL again, the results become Python
// objects in input order.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/scanner.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace triage::python {
namespace {

OutputMode ParseOutput(const std::string& output) {
  if (output == "decision") return OutputMode::kDecision;
  if (output == "annotate") return OutputMode::kAnnotate;
  throw py::value_error("output must be 'decision' or 'annotate', not '" + output + "'");
}

std::string DecisionLine(const PyDecision& self, const std::string& output) {
  const OutputMode mode = ParseOutput(output);
  const RecordText record = GetRecordText(self.record);
  return FormatDecisionLine(record.text, self.decision, mode);
}

std::string CategoriesRepr(const std::vector<CategoryScore>& categories) {
  std::string out = "[";
  for (const CategoryScore& c : categories) {
    if (out.size() > 1) out += ", ";
    out += c.name + ":" + std::to_string(c.score);
  }
  return out + "]";
}

// Scans records[i] into decisions[i] and statuses[i] for every i, on `jobs` threads.
// REQUIRES: the GIL is held (it is released while scanning).
void ScanAll(const PyRuleSet& rules, const std::vector<RecordText>& texts, size_t jobs,
             std::vector<Decision>* decisions, std::vector<Status>* statuses) {
  const size_t count = texts.size();
  decisions->resize(count);
  statuses->resize(count);
  const size_t max_bytes = rules.rules.config().max_record_bytes;
  ScanInParallel(rules, count, jobs, [&](Scanner* scanner, size_t i) {
    (*statuses)[i] = ScanText(scanner, texts[i], max_bytes, &(*decisions)[i]);
  });
}

// Decision or RecordError instance (not raised) for one record.
py::object ScanOne(const PyRuleSet& rules, const py::object& record, uint64_t line) {
  const RecordText text = GetRecordText(record);
  Decision decision;
  Status status;
  {
    py::gil_scoped_release release;
    ScannerLease lease(rules.scanners.get());
    status = ScanText(lease.get(), text, rules.rules.config().max_record_bytes, &decision);
  }
  if (!status.ok()) return MakeRecordError(status, decision.id, line);
  return py::cast(PyDecision{std::move(decision), record});
}

py::list ScanBatch(const PyRuleSet& rules, const py::list& records, int jobs, uint64_t first_line) {
  const size_t threads = ResolveJobs(jobs);
  const std::vector<RecordText> texts = RecordTexts(records);
  std::vector<Decision> decisions;
  std::vector<Status> statuses;
  ScanAll(rules, texts, threads, &decisions, &statuses);
  py::list out(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    if (statuses[i].ok()) {
      out[i] = py::cast(PyDecision{std::move(decisions[i]), records[i]});
    } else {
      out[i] = MakeRecordError(statuses[i], decisions[i].id, first_line + i);
    }
  }
  return out;
}

// `triage filter`'s output line for each of `texts`, physical line numbers in `lines`.
py::list FilterBatch(const PyRuleSet& rules, const py::list& texts_list,
                     const std::vector<uint64_t>& lines, const std::string& output, int jobs) {
  const OutputMode mode = ParseOutput(output);
  const size_t threads = ResolveJobs(jobs);
  if (lines.size() != texts_list.size()) {
    throw py::value_error("filter_batch: one line number per text");
  }
  const std::vector<RecordText> texts = RecordTexts(texts_list);
  std::vector<std::string> results(texts.size());
  {
    const size_t max_bytes = rules.rules.config().max_record_bytes;
    py::gil_scoped_release release;
    const size_t workers = std::min(threads, std::max<size_t>(texts.size(), 1));
    std::vector<std::unique_ptr<ScannerLease>> leases;
    std::vector<Decision> decisions(workers);
    leases.reserve(workers);
    for (size_t i = 0; i < workers; ++i) {
      leases.push_back(std::make_unique<ScannerLease>(rules.scanners.get()));
    }
    ParallelFor(texts.size(), workers, [&](size_t worker, size_t i) {
      Decision& decision = decisions[worker];
      const Status status = ScanText(leases[worker]->get(), texts[i], max_bytes, &decision);
      results[i] = status.ok() ? FormatDecisionLine(texts[i].text, decision, mode)
                               : FormatErrorLine(lines[i], decision.id, status);
    });
  }
  py::list out(results.size());
  for (size_t i = 0; i < results.size(); ++i) out[i] = py::str(results[i]);
  return out;
}

}  // namespace

void RegisterScan(py::module_& m) {
  py::class_<CategoryScore>(m, "Category")
      .def_readonly("name", &CategoryScore::name)
      .def_readonly("score", &CategoryScore::score)
      .def("__repr__",
           [](const CategoryScore& c) {
             return "Category(name=" + py::repr(py::str(c.name)).cast<std::string>() +
                    ", score=" + std::to_string(c.score) + ")";
           })
      .def("__eq__",
           [](const CategoryScore& a, const py::object& b) {
             if (!py::isinstance<CategoryScore>(b)) return false;
             const auto& other = b.cast<const CategoryScore&>();
             return a.name == other.name && a.score == other.score;
           })
      .attr("__hash__") = py::none();

  py::class_<RuleHit>(m, "RuleHit")
      .def_readonly("rule", &RuleHit::rule)
      .def_readonly("urgency", &RuleHit::urgency)
      .def_readonly("floor", &RuleHit::floor)
      .def_readonly("categories", &RuleHit::categories)
      .def("__repr__", [](const RuleHit& h) {
        std::string out = "RuleHit(rule=" + py::repr(py::str(h.rule)).cast<std::string>() +
                          ", urgency=" + std::to_string(h.urgency);
        if (h.floor) out += ", floor=" + std::to_string(*h.floor);
        return out + ", categories=" + CategoriesRepr(h.categories) + ")";
      });

  py::class_<PyDecision>(m, "Decision")
      .def_property_readonly("id", [](const PyDecision& d) { return d.decision.id; })
      .def_property_readonly("urgency", [](const PyDecision& d) { return d.decision.urgency; })
      .def_property_readonly("band", [](const PyDecision& d) { return d.decision.band; })
      .def_property_readonly("categories",
                             [](const PyDecision& d) { return d.decision.categories; })
      .def_property_readonly("category_names",
                             [](const PyDecision& d) {
                               std::vector<std::string> names;
                               for (const CategoryScore& c : d.decision.categories) {
                                 names.push_back(c.name);
                               }
                               return names;
                             })
      .def_property_readonly("rules", [](const PyDecision& d) { return d.decision.rules; })
      .def_property_readonly("rule_names",
                             [](const PyDecision& d) {
                               std::vector<std::string> names;
                               for (const RuleHit& h : d.decision.rules) names.push_back(h.rule);
                               return names;
                             })
      .def_property_readonly("tags", [](const PyDecision& d) { return d.decision.tags; })
      .def_property_readonly("routes", [](const PyDecision& d) { return d.decision.routes; })
      .def_property_readonly("ruleset", [](const PyDecision& d) { return d.decision.ruleset; })
      .def_property_readonly("engine", [](const PyDecision& d) { return d.decision.engine; })
      .def_property_readonly("record", [](const PyDecision& d) { return d.record; })
      .def("to_json", &DecisionLine, py::arg("output") = "decision")
      .def(
          "to_dict",
          [](const PyDecision& d, const std::string& output) {
            return py::module_::import("json").attr("loads")(DecisionLine(d, output));
          },
          py::arg("output") = "decision")
      .def("__eq__",
           [](const PyDecision& a, const py::object& b) {
             if (!py::isinstance<PyDecision>(b)) return false;
             const auto& other = b.cast<const PyDecision&>();
             return DecisionToJson(a.decision) == DecisionToJson(other.decision) &&
                    a.decision.id == other.decision.id;
           })
      .def("__repr__",
           [](const PyDecision& d) {
             const std::string id =
                 d.decision.id ? py::repr(py::str(*d.decision.id)).cast<std::string>() : "None";
             return "Decision(id=" + id +
                    ", band=" + py::repr(py::str(d.decision.band)).cast<std::string>() +
                    ", urgency=" + std::to_string(d.decision.urgency) +
                    ", categories=" + CategoriesRepr(d.decision.categories) + ")";
           })
      .attr("__hash__") = py::none();

  m.def("scan", &ScanOne, py::arg("rules"), py::arg("record"), py::arg("line") = 1,
        "Decision, or a RecordError instance (not raised), for one record's JSON text.");
  m.def("scan_batch", &ScanBatch, py::arg("rules"), py::arg("records"), py::arg("jobs"),
        py::arg("first_line") = 1,
        "Decisions or RecordError instances, in order, for a list of JSON texts.");
  m.def("filter_batch", &FilterBatch, py::arg("rules"), py::arg("texts"), py::arg("lines"),
        py::arg("output"), py::arg("jobs"), "`triage filter`'s output lines for input lines.");
}

}  // namespace triage::python
