// SPDX-License-Identifier: Apache-2.0
// The C++ half of the Python module (`triage._core`): what its translation units share. The
// Python package `triage` (python/triage/__init__.py) is the public face; this half turns library
// values into Python values and runs the library's loops without the GIL.
//
// Conventions, as for the library: nothing here prints or exits. Problems the caller can act on
// come back as data (diagnostics as dicts, record errors as RecordError instances); a misuse of
// the module (a wrong argument type, an unknown band name) raises TypeError or ValueError through
// pybind11; a C++ exception never escapes a worker thread.
//
// Threads. A PyRuleSet is immutable and may be shared by any number of Python threads; every
// call that scans releases the GIL while it runs and takes Scanners from the ruleset's
// ScannerPool, so concurrent calls never share a Scanner.
#ifndef TRIAGE_PYTHON_BINDINGS_H_
#define TRIAGE_PYTHON_BINDINGS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "triage/decision.h"
#include "triage/diagnostic.h"
#include "triage/labels.h"
#include "triage/rule_set.h"
#include "triage/scanner.h"
#include "triage/scored_record.h"
#include "triage/source.h"
#include "triage/status.h"

#include <pybind11/pybind11.h>

namespace triage::python {

namespace py = pybind11;

// Scanners for one RuleSet, handed out to one caller at a time and kept for reuse, so that a
// scan from Python does not pay for a Scanner's buffers each time. Thread-safe.
class ScannerPool {
 public:
  explicit ScannerPool(RuleSet rules) : rules_(std::move(rules)) {}

  // Returns a free Scanner, or a new one when none is free.
  std::unique_ptr<Scanner> Acquire();
  // Gives `scanner` back (kept while fewer than kMaxFree are free).
  void Release(std::unique_ptr<Scanner> scanner);

 private:
  static constexpr size_t kMaxFree = 64;
  std::mutex mu_;
  RuleSet rules_;
  std::vector<std::unique_ptr<Scanner>> free_;  // guarded by mu_
};

// A Scanner borrowed from a pool for the lifetime of the lease.
class ScannerLease {
 public:
  explicit ScannerLease(ScannerPool* pool) : pool_(pool), scanner_(pool->Acquire()) {}
  ~ScannerLease() { pool_->Release(std::move(scanner_)); }
  ScannerLease(const ScannerLease&) = delete;
  ScannerLease& operator=(const ScannerLease&) = delete;

  Scanner* get() { return scanner_.get(); }

 private:
  ScannerPool* pool_;
  std::unique_ptr<Scanner> scanner_;
};

// A ruleset as the module holds it. Immutable once made; shared by Python objects.
struct PyRuleSet {
  RuleSet rules;
  std::string path;   // the config path given to load(); "" when compiled from strings
  py::list warnings;  // dicts, as DiagnosticsToList gives them
  std::shared_ptr<ScannerPool> scanners;

  PyRuleSet(RuleSet r, std::string p)
      : rules(r), path(std::move(p)), scanners(std::make_shared<ScannerPool>(std::move(r))) {}
};

// A decision and the JSON text of the record it was made of (for the annotated output line).
struct PyDecision {
  Decision decision;
  py::object record;  // the str or bytes that was scanned
};

// Returns `diagnostics` as a list of dicts: severity, code, message, file (None without one),
// line, column, end_line, end_column (1-based, None without a file) and rendered (the CLI's text
// for that one diagnostic, with its source line and caret).
py::list DiagnosticsToList(const Diagnostics& diagnostics, const SourceManager& sources);

// The text of one record: its UTF-8 bytes, borrowed from a Python str or bytes object (which the
// caller keeps alive). `valid` is false for a str that has no UTF-8 form (lone surrogates).
struct RecordText {
  std::string_view text;
  bool valid = true;
};
// Returns the text of `record`. REQUIRES: the GIL. Raises TypeError unless str or bytes.
RecordText GetRecordText(py::handle record);

// Triages one record's text as `triage filter` does: a text over limits.max_record_bytes is
// refused as too_large without being parsed (with the CLI's message), and a failure that is not
// the record's fault becomes an `internal` record error (its message would not promise never to
// quote the record). *decision is overwritten; its id is set when it could be read.
Status ScanText(Scanner* scanner, const RecordText& record, size_t max_record_bytes,
                Decision* decision);

// The CLI's too_large error (cli/command_options.cc's RecordTooLarge, whose wording the output
// lines must repeat byte for byte; the Python tests compare them with `triage filter`'s).
Status RecordTooLarge(uint64_t length, size_t max_bytes);
// The `invalid_utf8` error of a Python str that cannot be encoded as UTF-8.
Status StrNotUtf8();

// Runs body(worker, index) for every index in [0, count) on `jobs` threads (the calling thread
// is worker 0; jobs is clamped to [1, count]). Indices are handed out in small runs through an
// atomic counter. REQUIRES: body does not throw and does not touch Python objects; the caller
// has released the GIL when jobs > 1 matters to it.
void ParallelFor(size_t count, size_t jobs, const std::function<void(size_t, size_t)>& body);

// Runs body(scanner, index) for every index in [0, count) on `jobs` threads, each thread with a
// scanner leased from `rules`' pool, with the GIL released. REQUIRES: the GIL; body does not
// throw and does not touch Python objects.
void ScanInParallel(const PyRuleSet& rules, size_t count, size_t jobs,
                    const std::function<void(Scanner*, size_t)>& body);

// Resolves a `jobs` argument: 0 means one per hardware thread; negative values are a ValueError.
size_t ResolveJobs(int jobs);

// Scores texts[i] into (*records)[i] and (*statuses)[i] for every i on `jobs` threads, as
// `triage eval` and `triage diff` do (ScoreRecord; the too_large and internal errors of
// ScanText); `lines` gives each record's line. REQUIRES: the GIL (released while scoring).
void ScoreAll(const PyRuleSet& rules, const std::vector<RecordText>& texts,
              const std::vector<uint64_t>& lines, size_t jobs, bool with_totals,
              std::vector<ScoredRecord>* records, std::vector<Status>* statuses);
// Returns the texts of a list of str or bytes records. REQUIRES: the GIL; `records` outlives them.
std::vector<RecordText> RecordTexts(const py::list& records);

// Adds line `line` of a labels file to *labels through *parser; returns None, or a RecordError
// for a refused line (counted in labels->errors). REQUIRES: the GIL.
py::object AddLabelLine(LabelParser* parser, LabelSet* labels, const py::object& text,
                        uint64_t line);

// Returns a new RecordError (the Python exception type the package registered) for `status`
// (REQUIRES: an InvalidRecord status) on 1-based line `line`. REQUIRES: the GIL.
py::object MakeRecordError(const Status& status, const std::optional<std::string>& id,
                           uint64_t line);

// Each part of the module registers its functions and classes.
void RegisterRuleSet(py::module_& m);
void RegisterScan(py::module_& m);
void RegisterExplain(py::module_& m);
void RegisterEval(py::module_& m);
void RegisterCompare(py::module_& m);
void RegisterTests(py::module_& m);

}  // namespace triage::python

#endif  // TRIAGE_PYTHON_BINDINGS_H_
