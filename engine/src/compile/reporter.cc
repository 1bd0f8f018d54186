// SPDX-License-Identifier: Apache-2.0
// The compiler's diagnostics and error budget (compile/reporter.h).
#include "compile/reporter.h"

#include <string>
#include <vector>

#include "util/spelling.h"

namespace triage::internal {

void Reporter::Error(const std::string& code, const std::string& message, FileId file,
                     SourceSpan span) {
  ++errors_;
  if (errors_ > max_errors_) return;
  diagnostics_->Error(code, message, file, span);
  if (errors_ == max_errors_) {
    diagnostics_->Note("too many errors; stopping after " + std::to_string(errors_));
  }
}

void Reporter::Note(const std::string& message, FileId file, SourceSpan span) {
  if (errors_ > max_errors_) return;
  diagnostics_->Note(message, file, span);
}

void Reporter::SuggestNote(const std::string& name, const std::vector<std::string>& candidates,
                           FileId file, SourceSpan span) {
  const std::string best = ClosestName(name, candidates);
  if (!best.empty()) Note("did you mean '" + best + "'?", file, span);
}

std::string SourceLocation(const SourceManager& sources, FileId file, SourceSpan span) {
  const SourceFile& f = sources.file(file);
  const LineColumn pos = f.Position(span.begin);
  return f.name() + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

std::string SourceText(const SourceManager& sources, FileId file, SourceSpan span) {
  const std::string& text = sources.file(file).text();
  if (span.end > text.size() || span.begin > span.end) return "";
  return text.substr(span.begin, span.end - span.begin);
}

}  // namespace triage::internal
