// SPDX-License-Identifier: Apache-2.0
// Property test: the compiled single-pass matcher (one RE2::Set per field) gives exactly the rule
// results that evaluating each regex or phrase list on its own gives. Rules and texts are
// generated from a fixed seed over a small alphabet so that matches are frequent; the oracle for
// regexes is a lone RE2 per pattern, and for phrase lists an independent whole-word scanner.
#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }

  std::string Word() {
    static const char* kWords[] = {"ab", "ba", "abc", "cab", "a", "b", "cc", "bab", "aca"};
    return kWords[Int(0, 8)];
  }

  // A random RE2 regex over {a, b, c, ' '}.
  std::string Regex(int depth = 0) {
    const int choice = depth > 2 ? Int(0, 2) : Int(0, 8);
    switch (choice) {
      case 0:
        return Word();
      case 1:
        return Chance(50) ? "[ab]" : "[^a ]";
      case 2:
        return Chance(50) ? "\\bab" : "c\\b";
      case 3:
        return Regex(depth + 1) + Regex(depth + 1);
      case 4:
        return "(?:" + Regex(depth + 1) + "|" + Regex(depth + 1) + ")";
      case 5:
        return "(?:" + Regex(depth + 1) + ")" + (Chance(50) ? "+" : "?");
      case 6:
        return "^" + Regex(depth + 1);
      case 7:
        return Regex(depth + 1) + "$";
      default:
        return Regex(depth + 1) + " " + Regex(depth + 1);
    }
  }

  std::string Text() {
    std::string text;
    const int words = Int(0, 8);
    for (int i = 0; i < words; ++i) {
      if (i > 0) text += Chance(80) ? " " : (Chance(50) ? "  " : "-");
      std::string w = Word();
      if (Chance(20)) {
        for (char& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      text += w;
    }
    return text;
  }

 private:
  std::mt19937 rng_;
};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Whole-word, case-insensitive occurrences of any phrase, counted left to right without overlap.
// Phrases here are single words, so no whitespace folding is needed.
size_t CountPhrases(const std::string& text, std::vector<std::string> phrases) {
  std::sort(phrases.begin(), phrases.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t count = 0;
  size_t i = 0;
  while (i < lower.size()) {
    bool matched = false;
    if (i == 0 || !IsWordChar(lower[i - 1])) {
      for (const std::string& p : phrases) {
        const size_t end = i + p.size();
        if (lower.compare(i, p.size(), p) == 0 && (end == lower.size() || !IsWordChar(lower[end]))) {
          ++count;
          i = end;
          matched = true;
          break;
        }
      }
    }
    if (!matched) ++i;
  }
  return count;
}

TEST(MatcherPropertyTest, SetMatchesEqualLoneRegexesAndListScans) {
  size_t hits = 0;
  size_t misses = 0;
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    Generator gen(seed);
    struct RegexRule {
      std::string name;
      std::string source;
      bool ignore_case;
    };
    struct ListRule {
      std::string name;
      std::vector<std::string> phrases;
      int min_count;
    };
    std::vector<RegexRule> regex_rules;
    std::vector<ListRule> list_rules;
    std::string rules;
    for (int i = 0; i < 40; ++i) {
      RegexRule r{"re" + std::to_string(i), gen.Regex(), gen.Chance(40)};
      rules += "rule " + r.name + " { when text ~ /" + r.source + "/" + (r.ignore_case ? "i" : "") +
               " }\n";
      regex_rules.push_back(r);
    }
    for (int i = 0; i < 15; ++i) {
      ListRule l{"li" + std::to_string(i), {}, gen.Int(1, 3)};
      const int n = gen.Int(1, 3);
      for (int k = 0; k < n; ++k) l.phrases.push_back(gen.Word());
      rules += "list l" + std::to_string(i) + " = ";
      for (size_t k = 0; k < l.phrases.size(); ++k) {
        rules += (k ? ", \"" : "\"") + l.phrases[k] + "\"";
      }
      rules += "\nrule " + l.name + " { when count(text ~ l" + std::to_string(i) +
               ") >= " + std::to_string(l.min_count) + " }\n";
      list_rules.push_back(l);
    }
    Compiled c = CompileText(rules);
    ASSERT_TRUE(c.rules) << c.Rendered();
    Scanner scanner(*c.rules);

    for (int t = 0; t < 150; ++t) {
      const std::string summary = gen.Text();
      const std::string body = gen.Text();
      std::vector<std::string> expected;
      for (const RegexRule& r : regex_rules) {
        RE2::Options options;
        options.set_case_sensitive(!r.ignore_case);
        options.set_log_errors(false);
        RE2 lone(r.source, options);
        ASSERT_TRUE(lone.ok()) << r.source;
        if (RE2::PartialMatch(summary, lone) || RE2::PartialMatch(body, lone)) {
          expected.push_back(r.name);
        }
      }
      for (const ListRule& l : list_rules) {
        const size_t n = CountPhrases(summary, l.phrases) + CountPhrases(body, l.phrases);
        if (n >= static_cast<size_t>(l.min_count)) expected.push_back(l.name);
      }
      Decision d;
      const std::string json = R"({"summary":")" + summary + R"(","body":")" + body + R"("})";
      ASSERT_TRUE(scanner.ScanJson(json, &d).ok());
      std::vector<std::string> fired = Fired(d);
      std::sort(fired.begin(), fired.end());
      std::sort(expected.begin(), expected.end());
      hits += expected.size();
      misses += regex_rules.size() + list_rules.size() - expected.size();
      ASSERT_EQ(fired, expected) << "seed " << seed << " summary '" << summary << "' body '"
                                 << body << "'";
    }
  }
  // The generator must exercise both outcomes a fair number of times.
  EXPECT_GT(hits, 5000u);
  EXPECT_GT(misses, 5000u);
}

}  // namespace
}  // namespace triage::testing
