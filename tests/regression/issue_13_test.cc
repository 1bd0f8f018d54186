// SPDX-License-Identifier: Apache-2.0
// Regression tests of issue 13 (docs/robustness.md), through the public API: a condition nested
// past limits.max_nesting_depth is a too-deep error at the construct one level too deep, and one
// at the limit compiles, decides and explains (defect 1); a byte >= 0x80 outside a string, regex
// or comment is a syntax error at that byte, and non-ASCII text where text belongs stays valid
// (defect 3); the record and config depth limits hold at their edges. The CLI side (check, a
// SIGHUP reload of such a file) is in tests/cli.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/triage.h"

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

std::string Repeat(const std::string& text, uint32_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (uint32_t i = 0; i < times; ++i) out += text;
  return out;
}

// One way of nesting a condition `depth` levels deep around `text ~ x`, and the byte offset in
// the condition at which the construct number `level` (1-based, outermost first) begins.
struct Nesting {
  const char* name;
  std::function<std::string(uint32_t depth)> condition;
  std::function<size_t(uint32_t level)> offset_of;
};

std::vector<Nesting> Nestings() {
  return {
      {"parentheses", [](uint32_t d) { return Repeat("(", d) + "text ~ x" + Repeat(")", d); },
       [](uint32_t level) { return size_t{level} - 1; }},
      {"not",  // an even number of nots is the condition itself
       [](uint32_t d) { return Repeat("not ", d) + "text ~ x"; },
       [](uint32_t level) { return 4 * (size_t{level} - 1); }},
      {"N of", [](uint32_t d) { return Repeat("1 of (", d) + "text ~ x" + Repeat(")", d); },
       [](uint32_t level) { return 6 * (size_t{level} - 1); }},
      {"word-level calls",
       [](uint32_t d) { return "text ~ " + Repeat("affirmed(", d) + "x" + Repeat(")", d); },
       [](uint32_t level) { return 7 + 9 * (size_t{level} - 1); }},
  };
}

// A pack whose rule `deep` has `condition` on a line of its own, starting at column 8.
std::string DeepRule(const std::string& condition) {
  return "terms x = \"mark\"\nrule deep {\n  when " + condition + "\n  urgency +10\n}\n";
}

std::string DepthConfig(uint32_t max) {
  return "limits:\n  max_nesting_depth: " + std::to_string(max) + "\n";
}

constexpr uint32_t kConditionLine = 3;
constexpr uint32_t kConditionColumn = 8;

// At the limit the rule compiles, fires on a record that has the word and not on one that does
// not, and explains; one level more is too-deep at the construct past the limit.
void ExpectLimitHolds(uint32_t limit, const std::string& config) {
  for (const Nesting& nesting : Nestings()) {
    SCOPED_TRACE(std::string(nesting.name) + " at " + std::to_string(limit));
    const uint32_t depth = limit % 2 == 0 ? limit : limit - 1;  // `not`: an even count
    Compiled at = CompileText(DeepRule(nesting.condition(depth)), config);
    ASSERT_TRUE(at.rules.has_value()) << at.Rendered();
    EXPECT_EQ(Fired(Decide(*at.rules, R"({"id":"a","summary":"a mark here"})")),
              std::vector<std::string>{"deep"});
    EXPECT_TRUE(Fired(Decide(*at.rules, R"({"id":"b","summary":"nothing here"})")).empty());
    Scanner scanner(*at.rules);
    Explanation explanation;
    ASSERT_TRUE(scanner.Explain(R"({"id":"a","summary":"a mark here"})", {}, &explanation).ok());

    Compiled over = CompileText(DeepRule(nesting.condition(limit + 1)), config);
    EXPECT_FALSE(over.rules.has_value());
    const uint32_t column = kConditionColumn + static_cast<uint32_t>(nesting.offset_of(limit + 1));
    EXPECT_TRUE(over.Has("too-deep", kConditionLine, column))
        << "expected too-deep at " << kConditionLine << ":" << column << "\n"
        << over.Rendered();
    EXPECT_EQ(over.Codes(), std::vector<std::string>{"too-deep"}) << over.Rendered();
  }
}

TEST(Issue13NestingTest, DefaultLimitHoldsAtItsEdgeForEveryNestingConstruct) {
  ExpectLimitHolds(kDefaultMaxNestingDepth, "");
}

TEST(Issue13NestingTest, ConfiguredLimitHoldsAtItsEdge) { ExpectLimitHolds(4, DepthConfig(4)); }

// The most the config may allow is safe in every build: the deepest condition it lets through
// compiles, decides and explains (this is the case the sanitizer build's smaller stack tests).
TEST(Issue13NestingTest, HighestConfigurableLimitIsSafe) {
  ExpectLimitHolds(kMaxNestingDepth, DepthConfig(kMaxNestingDepth));
}

TEST(Issue13NestingTest, LimitOutsideItsRangeIsABadValue) {
  for (const uint32_t bad : {0U, kMaxNestingDepth + 1}) {
    Compiled c = CompileText("rule r { when text ~ /x/ }", DepthConfig(bad));
    EXPECT_FALSE(c.rules.has_value());
    EXPECT_TRUE(c.Has("bad-value", 2, 22)) << c.Rendered();
  }
}

TEST(Issue13NestingTest, TenThousandLevelsAreAnErrorNotACrash) {
  for (const Nesting& nesting : Nestings()) {
    SCOPED_TRACE(nesting.name);
    Compiled c = CompileText(DeepRule(nesting.condition(10000)));
    EXPECT_FALSE(c.rules.has_value());
    const uint32_t column =
        kConditionColumn + static_cast<uint32_t>(nesting.offset_of(kDefaultMaxNestingDepth + 1));
    EXPECT_TRUE(c.Has("too-deep", kConditionLine, column)) << c.Rendered();
  }
}

TEST(Issue13NestingTest, MixedConstructsCountTogether) {
  // not, (, 2 of (, near( : four levels.
  const std::string rule =
      "terms a = \"mark\"\nterms b = \"here\"\n"
      "rule r {\n  when not (2 of (text ~ near(a, b), text ~ a))\n}\n";
  EXPECT_TRUE(CompileText(rule, DepthConfig(4)).rules.has_value());
  Compiled c = CompileText(rule, DepthConfig(3));
  EXPECT_FALSE(c.rules.has_value());
  EXPECT_TRUE(c.Has("too-deep", 4, 26)) << c.Rendered();  // at `near`
}

TEST(Issue13NestingTest, SideBySideIsNotNested) {
  // Long chains of and/or, many N-of items and many call arguments are wide, not deep.
  std::string wide = "text ~ x";
  for (int i = 0; i < 2000; ++i) wide += i % 2 == 0 ? " and text ~ x" : " or (text ~ x)";
  Compiled c = CompileText(DeepRule(wide), DepthConfig(1));
  EXPECT_TRUE(c.rules.has_value()) << c.Rendered();
}

TEST(Issue13NestingTest, ParsingGoesOnAfterATooDeepRule) {
  const std::string rules = "rule a {\n  when " + Repeat("(", 200) + "text ~ /x/" +
                            Repeat(")", 200) + "\n}\nrule b {\n  when text ~\n}\n";
  Compiled c = CompileText(rules);
  EXPECT_EQ(c.Codes(), (std::vector<std::string>{"too-deep", "syntax"})) << c.Rendered();
  EXPECT_TRUE(c.Has("too-deep", 2, 8 + kDefaultMaxNestingDepth)) << c.Rendered();
}

// ---- defect 3: non-ASCII bytes outside strings, regexes and comments ------------------------

struct Misplaced {
  const char* where;
  std::string rules;
  uint32_t line;
  uint32_t column;
};

TEST(Issue13NonAsciiTest, ByteOutsideTextIsASyntaxErrorAtThatByte) {
  const std::vector<Misplaced> cases = {
      {"in a rule name", "rule caf\xC3\xA9 { when text ~ /x/ }\n", 1, 9},
      {"starting a rule name", "rule \xC3\xA9t\xC3\xA9 { when text ~ /x/ }\n", 1, 6},
      {"after a keyword", "rule\xC2\xA0r { when text ~ /x/ }\n", 1, 5},
      {"between tokens", "rule r {\n  when text ~ /x/ \xE2\x80\x94 urgency +5\n}\n", 2, 19},
      {"in a field name", "rule r {\n  when t\xC3\xABxt ~ /x/\n}\n", 2, 9},
      {"in a number", "rule r {\n  when text ~ /x/\n  urgency +1\xD9\xA3\n}\n", 3, 13},
      {"after regex flags", "pattern p = /x/i\xC3\xA9\n", 1, 17},
      {"an invalid byte", "rule r { when text ~ /x/ }\n\xFF\n", 2, 1},
      {"a lone continuation byte", "\x80rule r { when text ~ /x/ }\n", 1, 1},
      {"in a list's options", "list l (ca\xC3\x9F) = \"a\"\n", 1, 11},
  };
  for (const Misplaced& c : cases) {
    SCOPED_TRACE(c.where);
    Compiled compiled = CompileText(c.rules);
    EXPECT_FALSE(compiled.rules.has_value());
    EXPECT_TRUE(compiled.Has("syntax", c.line, c.column))
        << "expected syntax at " << c.line << ":" << c.column << "\n"
        << compiled.Rendered();
    // The echoed source line escapes what is not valid UTF-8; the message names the byte's kind.
    EXPECT_NE(compiled.Rendered().find("non-ASCII"), std::string::npos) << compiled.Rendered();
  }
}

TEST(Issue13NonAsciiTest, NonAsciiWhereTextBelongsStaysValid) {
  const std::string rules =
      "# Comentario: niñas y niños — «comillas» \xFF stray bytes are fine in a comment\n"
      "category trata \"Trata de niñas — descripción\"\n"
      "pattern age = /\\b1[0-7] años\\b/i   # a comment after a declaration: ñ\n"
      "list ayuda = \"ayúdame\", \"por favor ayúdenme\"\n"
      "terms girl = \"niña\", \"menor de edad\"\n"
      "rule r \"Una niña pide ayuda — «urgente»\" {\n"
      "  when text ~ age and text ~ ayuda and text ~ girl  # ¿sí?\n"
      "  urgency +20\n"
      "  category trata +40\n"
      "  tag \"niña\"\n"
      "}\n";
  Compiled c = CompileText("\xEF\xBB\xBF" + rules);  // a byte order mark is skipped
  ASSERT_TRUE(c.rules.has_value()) << c.Rendered();
  const Decision d =
      Decide(*c.rules, R"({"id":"e","summary":"tengo 15 años, ayúdame, soy una niña"})");
  EXPECT_EQ(Fired(d), std::vector<std::string>{"r"});
}

// ---- the config and records: their own depth limits, at the edge -----------------------------

std::vector<std::string> ConfigErrorCodes(const std::string& yaml) {
  SourceManager sources;
  Diagnostics diagnostics;
  const FileId file = sources.AddFile("triage.yaml", yaml);
  (void)LoadConfig(sources, file, &diagnostics);
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity == Severity::kError) codes.push_back(d.code);
  }
  return codes;
}

TEST(Issue13ConfigTest, NestingHoldsAtItsEdge) {
  // The root map is one level, then `x`'s flow lists.
  const auto nested = [](size_t lists) {
    return "x: " + std::string(lists, '[') + std::string(lists, ']') + "\n";
  };
  EXPECT_EQ(ConfigErrorCodes(nested(kMaxConfigNesting - 1)),
            std::vector<std::string>{"unknown-key"});
  EXPECT_EQ(ConfigErrorCodes(nested(kMaxConfigNesting)), std::vector<std::string>{"too-deep"});
}

// yaml-cpp 0.7 looped forever on a ',' where a document begins (the config fuzzer's timeout).
TEST(Issue13ConfigTest, CommaWhereADocumentBeginsIsASyntaxError) {
  for (const std::string yaml : {",", "rules: [a.rules]\n,\n", "[a]\n,", "\"a\"\n,\n"}) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(ConfigErrorCodes(yaml), std::vector<std::string>{"yaml-syntax"});
  }
}

TEST(Issue13RecordTest, JsonNestingHoldsAtItsEdge) {
  Compiled c = CompileText("rule r { when text ~ /x/ }");
  ASSERT_TRUE(c.rules.has_value());
  Scanner scanner(*c.rules);
  // The record's object is one level, then `other`'s arrays: 1024 levels in all is the limit.
  const auto nested = [](size_t arrays) {
    return R"({"id":"n","summary":"x","other":)" + std::string(arrays, '[') +
           std::string(arrays, ']') + "}";
  };
  Decision decision;
  EXPECT_TRUE(scanner.ScanJson(nested(1023), &decision).ok());
  EXPECT_EQ(Fired(decision), std::vector<std::string>{"r"});
  EXPECT_EQ(scanner.ScanJson(nested(1024), &decision).record_code(), "invalid_json");
}

}  // namespace
}  // namespace triage::testing
