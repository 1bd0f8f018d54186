// SPDX-License-Identifier: Apache-2.0
// What the parts of the module share (bindings.h): the scanner pool, record texts, the scan of
// one record as `triage filter` does it, the parallel loop and diagnostics as Python values.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/scanner.h"
#include "triage/source.h"
#include "triage/status.h"

#include "bindings.h"
#include <pybind11/pybind11.h>

namespace triage::python {

std::unique_ptr<Scanner> ScannerPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      std::unique_ptr<Scanner> scanner = std::move(free_.back());
      free_.pop_back();
      return scanner;
    }
  }
  return std::make_unique<Scanner>(rules_);
}

void ScannerPool::Release(std::unique_ptr<Scanner> scanner) {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.size() < kMaxFree) free_.push_back(std::move(scanner));
}

RecordText GetRecordText(py::handle record) {
  RecordText out;
  if (PyUnicode_Check(record.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(record.ptr(), &size);
    if (data == nullptr) {  // lone surrogates: no UTF-8 form
      PyErr_Clear();
      out.valid = false;
      return out;
    }
    out.text = std::string_view(data, static_cast<size_t>(size));
    return out;
  }
  if (PyBytes_Check(record.ptr())) {
    char* data = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(record.ptr(), &data, &size);
    out.text = std::string_view(data, static_cast<size_t>(size));
    return out;
  }
  throw py::type_error("a record must be a dict, a str or bytes holding one JSON object, not " +
                       std::string(Py_TYPE(record.ptr())->tp_name));
}

Status RecordTooLarge(uint64_t length, size_t max_bytes) {
  return Status::InvalidRecord(
      "too_large", "record is " + std::to_string(length) + " bytes, over the limit of " +
                       std::to_string(max_bytes) + " bytes (limits.max_record_bytes)");
}

Status StrNotUtf8() {
  return Status::InvalidRecord("invalid_utf8",
                               "record is a str that cannot be encoded as UTF-8 (lone surrogates)");
}

Status ScanText(Scanner* scanner, const RecordText& record, size_t max_record_bytes,
                Decision* decision) {
  if (!record.valid) {
    *decision = Decision();
    return StrNotUtf8();
  }
  if (record.text.size() > max_record_bytes) {
    *decision = Decision();
    return RecordTooLarge(record.text.size(), max_record_bytes);
  }
  Status status = scanner->ScanJson(record.text, decision);
  if (!status.ok() && status.code() != Status::Code::kInvalidRecord) {
    // As `triage filter`: only record errors promise never to quote the record.
    return Status::InvalidRecord("internal", "the record could not be triaged (internal error)");
  }
  return status;
}

size_t ResolveJobs(int jobs) {
  if (jobs < 0) throw py::value_error("jobs must be 0 (one per hardware thread) or more");
  if (jobs > 0) return static_cast<size_t>(jobs);
  return std::max(1U, std::thread::hardware_concurrency());
}

void ParallelFor(size_t count, size_t jobs, const std::function<void(size_t, size_t)>& body) {
  jobs = std::clamp<size_t>(jobs, 1, std::max<size_t>(count, 1));
  if (jobs == 1) {
    for (size_t i = 0; i < count; ++i) body(0, i);
    return;
  }
  // Runs of indices small enough that the workers finish together, large enough that the
  // counter is not contended.
  const size_t run = std::max<size_t>(1, std::min<size_t>(64, count / (jobs * 8)));
  std::atomic<size_t> next{0};
  const auto work = [&](size_t worker) {
    for (;;) {
      const size_t begin = next.fetch_add(run, std::memory_order_relaxed);
      if (begin >= count) return;
      const size_t end = std::min(count, begin + run);
      for (size_t i = begin; i < end; ++i) body(worker, i);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(jobs - 1);
  for (size_t worker = 1; worker < jobs; ++worker) threads.emplace_back(work, worker);
  work(0);
  for (std::thread& thread : threads) thread.join();
}

void ScanInParallel(const PyRuleSet& rules, size_t count, size_t jobs,
                    const std::function<void(Scanner*, size_t)>& body) {
  py::gil_scoped_release release;
  const size_t workers = std::clamp<size_t>(jobs, 1, std::max<size_t>(count, 1));
  std::vector<std::unique_ptr<ScannerLease>> leases;
  leases.reserve(workers);
  for (size_t i = 0; i < workers; ++i) {
    leases.push_back(std::make_unique<ScannerLease>(rules.scanners.get()));
  }
  ParallelFor(count, workers, [&](size_t worker, size_t i) { body(leases[worker]->get(), i); });
}

py::object AddLabelLine(LabelParser* parser, LabelSet* labels, const py::object& text,
                        uint64_t line) {
  const RecordText label = GetRecordText(text);
  const Status status = label.valid ? parser->Add(label.text, line, labels) : StrNotUtf8();
  if (status.ok()) return py::none();
  ++labels->errors;
  return MakeRecordError(status, std::nullopt, line);
}

py::list DiagnosticsToList(const Diagnostics& diagnostics, const SourceManager& sources) {
  py::list out;
  for (const Diagnostic& d : diagnostics.items()) {
    py::dict item;
    item["severity"] = d.severity == Severity::kError     ? "error"
                       : d.severity == Severity::kWarning ? "warning"
                                                          : "note";
    item["code"] = d.code;
    item["message"] = d.message;
    if (d.file.valid()) {
      const SourceFile& file = sources.file(d.file);
      const LineColumn begin = file.Position(d.span.begin);
      const LineColumn end = file.Position(std::max(d.span.end, d.span.begin));
      item["file"] = file.name();
      item["line"] = begin.line;
      item["column"] = begin.column;
      item["end_line"] = end.line;
      item["end_column"] = end.column;
    } else {
      item["file"] = py::none();
      item["line"] = py::none();
      item["column"] = py::none();
      item["end_line"] = py::none();
      item["end_column"] = py::none();
    }
    item["rendered"] = RenderDiagnostic(d, sources, /*color=*/false);
    out.append(std::move(item));
  }
  return out;
}

}  // namespace triage::python
