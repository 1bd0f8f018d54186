// SPDX-License-Identifier: Apache-2.0
// Tests of Diagnostics (counts, lookup, summary wording) and of the GCC/clang-shaped rendering:
// golden strings for the header line, the echoed source line and the caret line, with tabs,
// multi-byte UTF-8, notes, colour and diagnostics that have no file.
#include "triage/diagnostic.h"

#include <string>

#include <gtest/gtest.h>

#include "triage/source.h"

namespace triage {
namespace {

// Returns the span of the first occurrence of `needle` in the text of `file`.
SourceSpan SpanOf(const SourceManager& sources, FileId file, const std::string& needle) {
  const std::string& text = sources.file(file).text();
  const size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return SourceSpan{static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

Diagnostic MakeError(std::string code, std::string message, FileId file, SourceSpan span) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.code = std::move(code);
  d.message = std::move(message);
  d.file = file;
  d.span = span;
  return d;
}

TEST(DiagnosticsTest, CountsErrorsAndWarningsButNotNotes) {
  Diagnostics diags;
  EXPECT_TRUE(diags.empty());
  EXPECT_FALSE(diags.has_errors());
  diags.Error("syntax", "expected '}'");
  diags.Note("rule starts here");
  diags.Warning("unused-pattern", "pattern 'p' is never used");
  diags.Error("bad-regex", "missing )");
  EXPECT_FALSE(diags.empty());
  EXPECT_TRUE(diags.has_errors());
  EXPECT_EQ(diags.error_count(), 2U);
  EXPECT_EQ(diags.warning_count(), 1U);
  ASSERT_EQ(diags.items().size(), 4U);
  EXPECT_EQ(diags.items()[1].severity, Severity::kNote);
  EXPECT_EQ(diags.items()[1].code, "");
}

TEST(DiagnosticsTest, AddCountsBySeverity) {
  Diagnostics diags;
  Diagnostic warning;
  warning.severity = Severity::kWarning;
  warning.code = "w";
  diags.Add(warning);
  EXPECT_EQ(diags.warning_count(), 1U);
  EXPECT_EQ(diags.error_count(), 0U);
  EXPECT_FALSE(diags.has_errors());
}

TEST(DiagnosticsTest, ContainsFindsCode) {
  Diagnostics diags;
  diags.Warning("unused-list", "list 'l' is never used");
  diags.Error("unknown-field", "unknown field 'usr'");
  EXPECT_TRUE(diags.Contains("unknown-field"));
  EXPECT_TRUE(diags.Contains("unused-list"));
  EXPECT_FALSE(diags.Contains("syntax"));
}

TEST(DiagnosticsTest, SummaryWording) {
  Diagnostics diags;
  EXPECT_EQ(diags.Summary(), "0 errors");
  diags.Error("a", "m");
  EXPECT_EQ(diags.Summary(), "1 error");
  diags.Error("a", "m");
  EXPECT_EQ(diags.Summary(), "2 errors");
  diags.Warning("b", "m");
  EXPECT_EQ(diags.Summary(), "2 errors, 1 warning");
  diags.Warning("b", "m");
  EXPECT_EQ(diags.Summary(), "2 errors, 2 warnings");
  diags.Note("n");
  EXPECT_EQ(diags.Summary(), "2 errors, 2 warnings");

  Diagnostics warnings_only;
  warnings_only.Warning("b", "m");
  EXPECT_EQ(warnings_only.Summary(), "1 warning");
}

TEST(RenderDiagnosticTest, PlainCaret) {
  SourceManager sources;
  const FileId file = sources.AddFile("rules/a.rules", "rule r {\n  when x\n}\n");
  const auto at = static_cast<uint32_t>(sources.file(file).text().find('x'));
  const Diagnostic d = MakeError("unknown-field", "unknown field 'x'", file, {at, at + 1});
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "rules/a.rules:2:8: error: unknown field 'x' [unknown-field]\n"
            "    2 |   when x\n"
            "      |        ^\n");
}

TEST(RenderDiagnosticTest, EmptySpanStillHasCaret) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "rule r {\n");
  const Diagnostic d = MakeError("syntax", "expected '}'", file, {8, 8});
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:9: error: expected '}' [syntax]\n"
            "    1 | rule r {\n"
            "      |         ^\n");
}

TEST(RenderDiagnosticTest, SpanOfSeveralBytesGetsTildes) {
  SourceManager sources;
  const FileId file = sources.AddFile(
      "rules/a.rules", "# header\n\n\n\n\n\n\n\n\n\n\n\n\nrule r {\n  when usr ~ /ro+t/\n}\n");
  const Diagnostic d =
      MakeError("unknown-field", "unknown field 'usr'", file, SpanOf(sources, file, "usr"));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "rules/a.rules:15:8: error: unknown field 'usr' [unknown-field]\n"
            "   15 |   when usr ~ /ro+t/\n"
            "      |        ^~~\n");
}

TEST(RenderDiagnosticTest, SpanPastEndOfLineStopsAtLineEnd) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "when abc\r\nnext\n");
  const Diagnostic d = MakeError("syntax", "bad", file, {5, 14});
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:6: error: bad [syntax]\n"
            "    1 | when abc\n"
            "      |      ^~~\n");
}

TEST(RenderDiagnosticTest, ExpandsTabsBeforeCaret) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "\twhen\tusr ~ /x/\n");
  const Diagnostic d =
      MakeError("unknown-field", "unknown field 'usr'", file, SpanOf(sources, file, "usr"));
  // Byte column 7; display column 17 (tab to 8, "when" to 12, tab to 16).
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:7: error: unknown field 'usr' [unknown-field]\n"
            "    1 |         when    usr ~ /x/\n"
            "      |                 ^~~\n");
}

TEST(RenderDiagnosticTest, TabInsideSpanWidensUnderline) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "ab\tc\n");
  const Diagnostic d = MakeError("x", "m", file, {1, 4});
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:2: error: m [x]\n"
            "    1 | ab      c\n"
            "      |  ^~~~~~~~\n");
}

TEST(RenderDiagnosticTest, CountsMultiByteCharacterAsOneColumn) {
  SourceManager sources;
  // "é" is two bytes and "→" three; each is one display column.
  const FileId file = sources.AddFile("a.rules", "tag \"caf\xc3\xa9 \xe2\x86\x92\" usr\n");
  const Diagnostic d =
      MakeError("unknown-name", "unknown name 'usr'", file, SpanOf(sources, file, "usr"));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:17: error: unknown name 'usr' [unknown-name]\n"
            "    1 | tag \"caf\xc3\xa9 \xe2\x86\x92\" usr\n"
            "      |              ^~~\n");
}

TEST(RenderDiagnosticTest, MultiByteCharacterInsideSpanIsOneTilde) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "x \"\xc3\xa9t\xc3\xa9\"\n");  // x "été"
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "\"\xc3\xa9t\xc3\xa9\""));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:3: error: m [x]\n"
            "    1 | x \"\xc3\xa9t\xc3\xa9\"\n"
            "      |   ^~~~~\n");
}

// Issue 13, defect 9: what a rule file holds never reaches the terminal raw.
TEST(RenderDiagnosticTest, EscapesControlCharactersInTheEchoedLine) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "a\x1b[2Jb\rc usr\n");
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "usr"));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:10: error: m [x]\n"
            "    1 | a<U+001B>[2Jb<U+000D>c usr\n"
            "      | " + std::string(23, ' ') + "^~~\n");
}

TEST(RenderDiagnosticTest, EscapesInvalidUtf8AndBidiControls) {
  SourceManager sources;
  // A lone continuation byte, a truncated sequence, an overlong '/', a right-to-left override.
  const FileId file =
      sources.AddFile("a.rules", "\x80 \xE2\x82 \xC0\xAF \xE2\x80\xAE niña usr\n");
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "usr"));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "a.rules:1:19: error: m [x]\n"
            "    1 | <80> <E2><82> <C0><AF> <U+202E> niña usr\n"
            "      | " + std::string(37, ' ') + "^~~\n");
}

TEST(RenderDiagnosticTest, EscapesControlBytesInMessageAndFileName) {
  SourceManager sources;
  const FileId file = sources.AddFile("a\x1b.rules", "key\n");
  const Diagnostic d = MakeError("unknown-key", "unknown key '\x1b[31m\xff'", file, {0, 3});
  const std::string rendered = RenderDiagnostic(d, sources);
  EXPECT_EQ(rendered.find('\x1b'), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find('\xff'), std::string::npos) << rendered;
  EXPECT_EQ(rendered.rfind("a<U+001B>.rules:1:1: error: unknown key '<U+001B>[31m<FF>'", 0), 0U)
      << rendered;
}

TEST(RenderDiagnosticTest, CutsALongLineAroundTheCaret) {
  SourceManager sources;
  const std::string line = std::string(100000, 'a') + " usr " + std::string(100000, 'b');
  const FileId file = sources.AddFile("a.rules", line + "\n");
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "usr"));
  const std::string rendered = RenderDiagnostic(d, sources);
  // Header, echo and caret line, each short.
  EXPECT_LT(rendered.size(), 500U) << rendered;
  const std::string echo_prefix = "    1 | ...";
  const std::string expected_echo = echo_prefix + std::string(59, 'a') + " usr " +
                                    std::string(160 - 64, 'b') + "...";
  const std::string expected_caret = std::string(6, ' ') + "| " + std::string(3 + 60, ' ') + "^~~";
  EXPECT_EQ(rendered, "a.rules:1:100002: error: m [x]\n" + expected_echo + "\n" + expected_caret +
                          "\n");
}

TEST(RenderDiagnosticTest, CutsALongLineWithTheCaretAtItsEnd) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", std::string(1000, 'a') + "\n");
  const Diagnostic d = MakeError("x", "m", file, {1000, 1000});
  const std::string rendered = RenderDiagnostic(d, sources);
  // The window ends one column past the line, where the caret is; only its start is cut.
  EXPECT_EQ(rendered, "a.rules:1:1001: error: m [x]\n"
                      "    1 | ..." + std::string(159, 'a') + "\n" +
                      "      | " + std::string(3 + 159, ' ') + "^\n");
}

TEST(RenderDiagnosticTest, ShortLineIsNotCut) {
  SourceManager sources;
  const std::string line = std::string(150, 'a') + "usr";
  const FileId file = sources.AddFile("a.rules", line + "\n");
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "usr"));
  EXPECT_EQ(RenderDiagnostic(d, sources), "a.rules:1:151: error: m [x]\n"
                                          "    1 | " + line + "\n" +
                                          "      | " + std::string(150, ' ') + "^~~\n");
}

TEST(RenderDiagnosticTest, NoteWithDidYouMeanFollowsError) {
  SourceManager sources;
  const FileId file = sources.AddFile("rules/auth.rules", "rule r {\n  when usr ~ /ro+t/\n}\n");
  const SourceSpan span = SpanOf(sources, file, "usr");
  Diagnostics diags;
  diags.Error("unknown-field", "unknown field 'usr'", file, span);
  diags.Note("did you mean 'user'?", file, span);
  EXPECT_EQ(RenderDiagnostics(diags, sources),
            "rules/auth.rules:2:8: error: unknown field 'usr' [unknown-field]\n"
            "    2 |   when usr ~ /ro+t/\n"
            "      |        ^~~\n"
            "rules/auth.rules:2:8: note: did you mean 'user'?\n");
}

TEST(RenderDiagnosticTest, NoteWithoutFile) {
  SourceManager sources;
  Diagnostics diags;
  diags.Note("rules are listed in triage.yaml");
  EXPECT_EQ(RenderDiagnostics(diags, sources), "note: rules are listed in triage.yaml\n");
}

TEST(RenderDiagnosticTest, DiagnosticWithoutFile) {
  SourceManager sources;
  Diagnostics diags;
  diags.Error("no-config", "cannot read 'triage.yaml'");
  diags.Warning("no-rules", "the config lists no rule files");
  EXPECT_EQ(RenderDiagnostics(diags, sources),
            "triage: error: cannot read 'triage.yaml' [no-config]\n"
            "triage: warning: the config lists no rule files [no-rules]\n");
}

TEST(RenderDiagnosticTest, UnknownFileIdRendersAsNoFile) {
  SourceManager sources;
  const Diagnostic d = MakeError("x", "m", FileId{7}, {0, 1});
  EXPECT_EQ(RenderDiagnostic(d, sources), "triage: error: m [x]\n");
}

TEST(RenderDiagnosticTest, WarningWithFile) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "pattern p = /x/\n");
  Diagnostics diags;
  diags.Warning("unused-pattern", "pattern 'p' is never used", file, SpanOf(sources, file, "p ="));
  EXPECT_EQ(RenderDiagnostics(diags, sources),
            "a.rules:1:9: warning: pattern 'p' is never used [unused-pattern]\n"
            "    1 | pattern p = /x/\n"
            "      |         ^~~\n");
}

TEST(RenderDiagnosticTest, WidensGutterForLongLineNumbers) {
  std::string text(123456, '\n');
  text += "bad\n";
  SourceManager sources;
  const FileId file = sources.AddFile("big.rules", text);
  const Diagnostic d = MakeError("x", "m", file, SpanOf(sources, file, "bad"));
  EXPECT_EQ(RenderDiagnostic(d, sources),
            "big.rules:123457:1: error: m [x]\n"
            "123457 | bad\n"
            "       | ^~~\n");
}

TEST(RenderDiagnosticTest, ColorWrapsLocationSeverityAndCaret) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "when usr\n");
  Diagnostics diags;
  diags.Error("unknown-field", "unknown field 'usr'", file, SpanOf(sources, file, "usr"));
  diags.Warning("w", "careful", file, SpanOf(sources, file, "when"));
  diags.Note("did you mean 'user'?", file, SpanOf(sources, file, "usr"));
  diags.Error("no-config", "missing");
  EXPECT_EQ(RenderDiagnostics(diags, sources, /*color=*/true),
            "\x1b[1ma.rules:1:6:\x1b[0m \x1b[1;31merror:\x1b[0m unknown field 'usr' "
            "[unknown-field]\n"
            "    1 | when usr\n"
            "      |      \x1b[32m^~~\x1b[0m\n"
            "\x1b[1ma.rules:1:1:\x1b[0m \x1b[1;35mwarning:\x1b[0m careful [w]\n"
            "    1 | when usr\n"
            "      | \x1b[32m^~~~\x1b[0m\n"
            "\x1b[1ma.rules:1:6:\x1b[0m \x1b[1;36mnote:\x1b[0m did you mean 'user'?\n"
            "\x1b[1mtriage:\x1b[0m \x1b[1;31merror:\x1b[0m missing [no-config]\n");
}

TEST(RenderDiagnosticTest, NoEscapeBytesWithoutColor) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "when\tusr\n");
  Diagnostics diags;
  diags.Error("unknown-field", "unknown field 'usr'", file, SpanOf(sources, file, "usr"));
  diags.Warning("w", "careful", file, SpanOf(sources, file, "when"));
  diags.Note("did you mean 'user'?", file, SpanOf(sources, file, "usr"));
  diags.Note("no file");
  diags.Error("no-config", "missing");
  const std::string out = RenderDiagnostics(diags, sources, /*color=*/false);
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
}

}  // namespace
}  // namespace triage
