// SPDX-License-Identifier: Apache-2.0
// `triage._core`: the module entry point. Each part registers itself (bindings.h); the package
// (python/triage/__init__.py) registers its exception type here before anything scans.

#include "triage/version.h"

#include "bindings.h"
#include <pybind11/pybind11.h>

namespace triage::python {
namespace {

// The RecordError type, set once by the package at import (kept alive by the package too).
py::object& RecordErrorType() {
  static py::object* type = new py::object();  // never destroyed: outlives interpreter teardown
  return *type;
}

}  // namespace

py::object MakeRecordError(const Status& status, const std::optional<std::string>& id,
                           uint64_t line) {
  const py::object& type = RecordErrorType();
  py::object py_id = id ? py::object(py::str(*id)) : py::object(py::none());
  const std::string json = FormatErrorLine(line, id, status);
  if (!type) {
    throw py::type_error("triage._core: the RecordError type was not registered");
  }
  return type(status.record_code(), status.message(), py_id, line, json);
}

}  // namespace triage::python

PYBIND11_MODULE(_core, m) {
  namespace tp = triage::python;
  m.doc() = "The C++ half of the triage package; use the `triage` package, not this module.";
  m.attr("engine_version") = triage::EngineVersion();
  m.def(
      "_register_record_error",
      [](pybind11::object type) { tp::RecordErrorType() = std::move(type); },
      "Registers the exception type of record errors (called once by the package).");
  tp::RegisterRuleSet(m);
  tp::RegisterScan(m);
  tp::RegisterExplain(m);
  tp::RegisterEval(m);
  tp::RegisterCompare(m);
  tp::RegisterTests(m);
}
