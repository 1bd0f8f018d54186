// SPDX-License-Identifier: Apache-2.0
// Reporter: the diagnostics of the compiler's passes, with the error budget they share. Every
// semantic pass reports through one Reporter, in the order the passes run, so that one run lists
// every problem (up to LoadOptions::max_errors errors, then a "too many errors" note, and no
// further error or note). Warnings go to the Diagnostics directly: they do not count.
// Not thread-safe (one per compilation).
#ifndef TRIAGE_COMPILE_REPORTER_H_
#define TRIAGE_COMPILE_REPORTER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage::internal {

class Reporter {
 public:
  // Reports into *diagnostics (not null, outlives the Reporter).
  Reporter(Diagnostics* diagnostics, size_t max_errors)
      : diagnostics_(diagnostics), max_errors_(max_errors) {}

  // Counts an error; reports it while within the budget, with the "too many errors" note at its
  // last one.
  void Error(const std::string& code, const std::string& message, FileId file, SourceSpan span);
  // A note on the diagnostic before it; dropped once the budget is spent.
  void Note(const std::string& message, FileId file, SourceSpan span);
  // "did you mean '<closest>'?" when one of `candidates` is close to `name`.
  void SuggestNote(const std::string& name, const std::vector<std::string>& candidates, FileId file,
                   SourceSpan span);

  size_t errors() const { return errors_; }
  // The Status of a compilation that had errors: InvalidArgument with the diagnostics' summary.
  Status Fail() const { return Status::InvalidArgument(diagnostics_->Summary()); }
  // For warnings, which bypass the budget.
  Diagnostics* diagnostics() const { return diagnostics_; }

 private:
  Diagnostics* diagnostics_;
  size_t max_errors_;
  size_t errors_ = 0;
};

// "file:line:col" of `span` in `file` (1-based line and byte column).
std::string SourceLocation(const SourceManager& sources, FileId file, SourceSpan span);

// The source text of [span.begin, span.end) of `file`, or "" for a span outside it.
std::string SourceText(const SourceManager& sources, FileId file, SourceSpan span);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_REPORTER_H_
