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
//   - What the file holds never reaches the terminal raw: in the echoed line, the message and the
//     file name, C0/C1 control characters (ESC, CR, ...) and the bidirectional overrides and
//     isolates are written as "<U+001B>", and a byte that is not part of valid UTF-8 as "<FF>"
//     (GCC's escapes); each escape is as many display columns wide as it has characters. A line
//     wider than kMaxEchoWidth display columns is cut to a window of that width around the caret,
//     with "..." on each cut side; a message is cut after kMaxMessageBytes.
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
// An echoed source line wider than this (in display columns) is cut around the caret, keeping
// kEchoContext columns before it where the line allows.
constexpr size_t kMaxEchoWidth = 160;
constexpr size_t kEchoContext = 60;
// A message or file name longer than this is cut.
constexpr size_t kMaxMessageBytes = 1024;
constexpr char kCutMark[] = "...";

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

// One piece of an echoed line: the bytes it takes in the source and its display width. A piece is
// a tab, one valid UTF-8 code point, or one byte that is not part of a valid sequence.
struct Piece {
  size_t bytes = 1;
  size_t width = 1;
};

// Returns the length of the valid UTF-8 sequence at text[i] and stores its code point in
// *code_point, or returns 0 if the bytes there are not one (a stray continuation byte, a
// truncated, overlong or surrogate sequence, or a value over U+10FFFF).
size_t Utf8SequenceAt(std::string_view text, size_t i, uint32_t* code_point) {
  const auto lead = static_cast<unsigned char>(text[i]);
  size_t length = 0;
  uint32_t value = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if ((byte & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte & 0x3Fu);
  }
  static constexpr uint32_t kMinOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinOfLength[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *code_point = value;
  return length;
}

// Code points echoed as <U+XXXX> rather than as themselves: C0 and C1 controls (ESC could drive
// the terminal, CR could hide the line) and the bidirectional overrides and isolates that can
// make a line read differently from how it parses.
bool IsEscapedCodePoint(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

// Reads the piece at line[i], which starts at display column `column`, and appends its echo to
// *out when out is not null: a tab becomes spaces up to the next tab stop, a control or
// bidirectional code point "<U+XXXX>", a byte of no valid sequence "<XX>" (GCC's escapes), and
// everything else is copied.
Piece ReadPiece(std::string_view line, size_t i, size_t column, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (line[i] == '\t') {
    const size_t width = (column / kTabStop + 1) * kTabStop - column;
    if (out != nullptr) out->append(width, ' ');
    return Piece{1, width};
  }
  uint32_t code_point = 0;
  const size_t length = Utf8SequenceAt(line, i, &code_point);
  if (length == 0) {
    const auto byte = static_cast<unsigned char>(line[i]);
    if (out != nullptr) {
      out->push_back('<');
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xF]);
      out->push_back('>');
    }
    return Piece{1, 4};
  }
  if (IsEscapedCodePoint(code_point)) {
    std::string escape = "<U+";
    for (int shift = 12; shift >= 0; shift -= 4) escape.push_back(kHex[(code_point >> shift) & 0xF]);
    escape.push_back('>');
    if (out != nullptr) out->append(escape);
    return Piece{length, escape.size()};
  }
  if (out != nullptr) out->append(line.substr(i, length));
  return Piece{length, 1};
}

// Returns the display column (0-based) reached after the bytes line[0, bytes): the width of the
// echo of those bytes. A byte offset inside a piece counts the whole piece.
size_t DisplayWidth(std::string_view line, size_t bytes) {
  size_t column = 0;
  for (size_t i = 0; i < bytes && i < line.size();) {
    const Piece piece = ReadPiece(line, i, column, nullptr);
    column += piece.width;
    i += piece.bytes;
  }
  return column;
}

// Appends the echo of the pieces of `line` that lie wholly within display columns
// [first_column, last_column) to *out.
void AppendEcho(std::string* out, std::string_view line, size_t first_column, size_t last_column) {
  size_t column = 0;
  for (size_t i = 0; i < line.size() && column < last_column;) {
    const Piece piece = ReadPiece(line, i, column, nullptr);
    if (column >= first_column && column + piece.width <= last_column) {
      ReadPiece(line, i, column, out);
    }
    column += piece.width;
    i += piece.bytes;
  }
}

// Appends the echoed source line and the caret line for `span` in `file`. A line wider than
// kMaxEchoWidth display columns is cut to a window of that width around the caret, with "..."
// marking each cut side, so that a long line never floods the terminal.
void AppendSourceExcerpt(std::string* out, const SourceFile& file, SourceSpan span, bool color) {
  const LineColumn begin = file.Position(span.begin);
  const std::string_view line = file.Line(begin.line);
  const size_t begin_byte = std::min<size_t>(begin.column - 1, line.size());
  // The span is underlined up to its end or the end of this line, whichever comes first.
  const size_t span_bytes = span.end > span.begin ? span.end - span.begin : 0;
  const size_t end_byte = std::min(line.size(), begin_byte + span_bytes);
  const size_t caret_column = DisplayWidth(line, begin_byte);
  size_t end_column = DisplayWidth(line, end_byte);
  const size_t line_width = DisplayWidth(line, line.size());

  // The window [first, last) of display columns to echo; the caret may sit one past the end.
  size_t first = 0;
  size_t last = line_width;
  if (line_width > kMaxEchoWidth) {
    first = caret_column > kEchoContext ? caret_column - kEchoContext : 0;
    first = std::min(first, line_width + 1 - kMaxEchoWidth);
    last = first + kMaxEchoWidth;
  }
  const bool cut_before = first > 0;
  const bool cut_after = last < line_width;
  end_column = std::min(end_column, last);
  const size_t tildes = end_column > caret_column ? end_column - caret_column - 1 : 0;

  const std::string number = std::to_string(begin.line);
  const size_t width = std::max(kMinGutterWidth, number.size());
  out->append(width - number.size(), ' ');
  out->append(number);
  out->append(" | ");
  if (cut_before) out->append(kCutMark);
  // A piece that straddles a window edge is left out: shift the window start to the first piece
  // that starts inside it, so that the caret still lines up.
  size_t shown_first = first;
  if (cut_before) {
    size_t column = 0;
    for (size_t i = 0; i < line.size() && column < first;) {
      const Piece piece = ReadPiece(line, i, column, nullptr);
      column += piece.width;
      i += piece.bytes;
    }
    shown_first = column;
  }
  AppendEcho(out, line, shown_first, last);
  if (cut_after) out->append(kCutMark);
  out->push_back('\n');

  out->append(width, ' ');
  out->append(" | ");
  if (cut_before) out->append(std::string_view(kCutMark).size(), ' ');
  out->append(caret_column > shown_first ? caret_column - shown_first : 0, ' ');
  std::string marker = "^";
  marker.append(tildes, '~');
  AppendStyled(out, marker, kGreen, color);
  out->push_back('\n');
}

// Returns `text` (a message or a file name, which may quote what a file holds) with its control
// and invalid bytes escaped as in an echoed line, and cut after kMaxMessageBytes.
std::string Printable(std::string_view text) {
  std::string out;
  size_t column = 0;
  for (size_t i = 0; i < text.size();) {
    if (out.size() >= kMaxMessageBytes) {
      out.append(kCutMark);
      break;
    }
    // Tabs stay tabs in a message; everything else is echoed as in a source line.
    if (text[i] == '\t') {
      out.push_back('\t');
      ++i;
      continue;
    }
    const Piece piece = ReadPiece(text, i, column, &out);
    column += piece.width;
    i += piece.bytes;
  }
  return out;
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
                 Printable(file->name()) + ":" + std::to_string(position.line) + ":" +
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
  out.append(Printable(diagnostic.message));
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
