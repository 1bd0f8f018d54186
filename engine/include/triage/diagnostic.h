// SPDX-License-Identifier: Apache-2.0
// Diagnostics: problems found in rule files and config, as values. Each has a severity, a stable
// kebab-case code ("syntax", "unknown-name", "bad-regex"), a message and a position. Rendering
// follows GCC and clang so that editors can jump to it:
//
//   rules/a.rules:14:23: error: unknown field 'usr' [unknown-field]
//      14 |   when usr ~ /ro+t/
//         |        ^~~
//
// Lines and columns are 1-based; columns count bytes. The echoed line has its tabs expanded (stop
// 8) and the caret is placed in that expanded, UTF-8-aware space. Control characters and invalid
// UTF-8 are escaped ("<U+001B>", "<FF>") in the echo, the message and the file name, and a line
// wider than 160 columns is cut to a window around the caret ("..." marks each cut).
#ifndef TRIAGE_DIAGNOSTIC_H_
#define TRIAGE_DIAGNOSTIC_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "triage/export.h"
#include "triage/source.h"

namespace triage {

enum class Severity { kNote, kWarning, kError };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     // stable kebab-case id
  std::string message;  // lower-case start, no trailing period
  FileId file;          // invalid for problems without a file (e.g. a missing config)
  SourceSpan span;
};

// An ordered list of diagnostics with counts. Notes attach to the diagnostic before them.
// Thread-compatible.
class TRIAGE_EXPORT Diagnostics {
 public:
  void Add(Diagnostic diagnostic);
  void Error(std::string code, std::string message, FileId file = {}, SourceSpan span = {});
  void Warning(std::string code, std::string message, FileId file = {}, SourceSpan span = {});
  void Note(std::string message, FileId file = {}, SourceSpan span = {});

  const std::vector<Diagnostic>& items() const { return items_; }
  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ != 0; }
  bool empty() const { return items_.empty(); }
  // Returns true if diagnostics of `code` exist (tests and tools).
  bool Contains(const std::string& code) const;
  // Returns "N error(s)" (and warnings), used as the message of the summing-up Status.
  std::string Summary() const;

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
};

// Renders one diagnostic: "file:line:col: severity: message [code]", then the source line and a
// caret line when the diagnostic has a file. `color` adds ANSI colours. Ends with '\n'.
TRIAGE_EXPORT std::string RenderDiagnostic(const Diagnostic& diagnostic,
                                           const SourceManager& sources, bool color = false);
// Levenshtein distance between `a` and `b` (bytes), for "did you mean ...?" suggestions in tools
// built on the library, so that they rank names exactly as the compiler's own notes do.
TRIAGE_EXPORT size_t EditDistance(std::string_view a, std::string_view b);

// Renders all diagnostics in order.
TRIAGE_EXPORT std::string RenderDiagnostics(const Diagnostics& diagnostics,
                                            const SourceManager& sources, bool color = false);

}  // namespace triage

#endif  // TRIAGE_DIAGNOSTIC_H_
