// SPDX-License-Identifier: Apache-2.0
// Diagnostics and their rendering in the GCC/clang shape that editors and CI annotators parse:
//
//   rules/a.rules:14:8: error: unknown field 'usr' [unknown-field]
//      14 |   when usr ~ /ro+t/
//         |        ^~~
//   rules/a.rules:14:8: note: did you mean 'user'?
//
// The layout, exactly:
//   - Header: "<file>:<line>:<col>: <severity>: <message>", then " [<code>]" when the code is not
//     empty, then '\n'. Line and column are Position() of span.begin: 1-based, column in bytes.
//     Without a (known) file the location is replaced by the program name, "triage: error: ...",
//     as GCC does for "gcc: error: ..."; a note without a file is just "note: <message>".
//   - Errors and warnings with a file then echo the source line and a caret line. The gutter is
//     GCC's: the line number right-aligned in 5 columns (wider when it has more digits), then
//     " | " and the line; the caret line has blanks of the same width, then " | ". Notes never
//     echo: they follow the diagnostic they explain, whose source line was just shown.
//   - The echoed line has its tabs expanded to the next multiple of 8 display columns, and every
//     UTF-8 code point counts as one display column (continuation bytes 10xxxxxx count zero; wide
//     East Asian characters are not special-cased). The caret is placed at the display column of
//     span.begin in that expanded line: '^' there, then one '~' for every further display column
//     the span covers up to the end of that line (a multi-line span is underlined to the end of
//     its first line). An empty span still gets its '^'. Nothing trails the caret line.
//   - Severity words are "error", "warning", "note". With colour: the location (or "triage:") in
//     bold, "error:" bold red, "warning:" bold magenta, "note:" bold cyan, the '^~~' run green,
//     each followed by a reset. Without colour no escape byte is written at all.
#include "triage/diagnostic.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "triage/source.h"
#include "util/spelling.h"

namespace triage {

void Diagnostics::Add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError) ++errors_;
  if (diagnostic.severity == Severity::kWarning) ++warnings_;
  items_.push_back(std::move(diagnostic));
}

void Diagnostics::Error(std::string code, std::string message, FileId file, SourceSpan span) {
  Add(Diagnostic{Severity::kError, std::move(code), std::move(message), file, span});
}

void Diagnostics::Warning(std::string code, std::string message, FileId file, SourceSpan span) {
  Add(Diagnostic{Severity::kWarning, std::move(code), std::move(message), file, span});
}

void Diagnostics::Note(std::string message, FileId file, SourceSpan span) {
  Add(Diagnostic{Severity::kNote, std::string(), std::move(message), file, span});
}

bool Diagnostics::Contains(const std::string& code) const {
  return std::any_of(items_.begin(), items_.end(),
                     [&code](const Diagnostic& d) { return d.code == code; });
}

namespace {

// Returns "1 <noun>" or "<n> <noun>s".
std::string Count(size_t n, const char* noun) {
  std::string out = std::to_string(n) + " " + noun;
  if (n != 1) out += 's';
  return out;
}

}  // namespace

// "0 errors" when empty; warnings appear only when there are some; errors are left out only when
// there are warnings and no errors ("1 warning").
std::string Diagnostics::Summary() const {
  if (warnings_ == 0) return Count(errors_, "error");
  if (errors_ == 0) return Count(warnings_, "warning");
  return Count(errors_, "error") + ", " + Count(warnings_, "warning");
}

namespace {

constexpr size_t kTabStop = 8;
constexpr size_t kMinGutterWidth = 5;

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kBoldRed = "\x1b[1;31m";
constexpr const char* kBoldMagenta = "\x1b[1;35m";
constexpr const char* kBoldCyan = "\x1b[1;36m";
constexpr const char* kGreen = "\x1b[32m";

const char* SeverityWord(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

const char* SeverityColor(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return kBoldRed;
    case Severity::kWarning:
      return kBoldMagenta;
    case Severity::kNote:
      return kBoldCyan;
  }
  return kBoldRed;
}

// Appends `text` to *out, wrapped in `escape` and a reset when `color` is set.
void AppendStyled(std::string* out, std::string_view text, const char* escape, bool color) {
  if (color) out->append(escape);
  out->append(text);
  if (color) out->append(kReset);
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Returns the display column (0-based) reached after the bytes line[0, bytes), starting from
// column 0: tabs advance to the next multiple of kTabStop, each UTF-8 code point counts one.
size_t DisplayWidth(std::string_view line, size_t bytes) {
  size_t column = 0;
  for (size_t i = 0; i < bytes && i < line.size(); ++i) {
    if (line[i] == '\t') {
      column = (column / kTabStop + 1) * kTabStop;
    } else if (!IsUtf8Continuation(line[i])) {
      ++column;
    }
  }
  return column;
}

// Returns `line` with its tabs replaced by spaces up to the next tab stop.
std::string ExpandTabs(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  size_t column = 0;
  for (char c : line) {
    if (c == '\t') {
      const size_t next = (column / kTabStop + 1) * kTabStop;
      out.append(next - column, ' ');
      column = next;
    } else {
      out.push_back(c);
      if (!IsUtf8Continuation(c)) ++column;
    }
  }
  return out;
}

// Appends the echoed source line and the caret line for `span` in `file`.
void AppendSourceExcerpt(std::string* out, const SourceFile& file, SourceSpan span, bool color) {
  const LineColumn begin = file.Position(span.begin);
  const std::string_view line = file.Line(begin.line);
  const size_t begin_byte = std::min<size_t>(begin.column - 1, line.size());
  // The span is underlined up to its end or the end of this line, whichever comes first.
  const size_t span_bytes = span.end > span.begin ? span.end - span.begin : 0;
  const size_t end_byte = std::min(line.size(), begin_byte + span_bytes);
  const size_t caret_column = DisplayWidth(line, begin_byte);
  const size_t end_column = DisplayWidth(line, end_byte);
  const size_t tildes = end_column > caret_column ? end_column - caret_column - 1 : 0;

  const std::string number = std::to_string(begin.line);
  const size_t width = std::max(kMinGutterWidth, number.size());
  out->append(width - number.size(), ' ');
  out->append(number);
  out->append(" | ");
  out->append(ExpandTabs(line));
  out->push_back('\n');

  out->append(width, ' ');
  out->append(" | ");
  out->append(caret_column, ' ');
  std::string marker = "^";
  marker.append(tildes, '~');
  AppendStyled(out, marker, kGreen, color);
  out->push_back('\n');
}

}  // namespace

std::string RenderDiagnostic(const Diagnostic& diagnostic, const SourceManager& sources,
                             bool color) {
  std::string out;
  // An id this manager does not know is rendered like "no file" rather than trusted.
  const bool has_file = diagnostic.file.valid() && diagnostic.file.value <= sources.size();
  const SourceFile* file = has_file ? &sources.file(diagnostic.file) : nullptr;

  if (file != nullptr) {
    const LineColumn position = file->Position(diagnostic.span.begin);
    AppendStyled(&out,
                 file->name() + ":" + std::to_string(position.line) + ":" +
                     std::to_string(position.column) + ":",
                 kBold, color);
    out.push_back(' ');
  } else if (diagnostic.severity != Severity::kNote) {
    AppendStyled(&out, "triage:", kBold, color);
    out.push_back(' ');
  }
  AppendStyled(&out, std::string(SeverityWord(diagnostic.severity)) + ":",
               SeverityColor(diagnostic.severity), color);
  out.push_back(' ');
  out.append(diagnostic.message);
  if (!diagnostic.code.empty()) {
    out.append(" [");
    out.append(diagnostic.code);
    out.push_back(']');
  }
  out.push_back('\n');

  if (file != nullptr && diagnostic.severity != Severity::kNote) {
    AppendSourceExcerpt(&out, *file, diagnostic.span, color);
  }
  return out;
}

std::string RenderDiagnostics(const Diagnostics& diagnostics, const SourceManager& sources,
                              bool color) {
  std::string out;
  for (const Diagnostic& diagnostic : diagnostics.items()) {
    out += RenderDiagnostic(diagnostic, sources, color);
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) { return internal::EditDistance(a, b); }

}  // namespace triage
