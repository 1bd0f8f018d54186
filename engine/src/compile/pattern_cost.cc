// SPDX-License-Identifier: Apache-2.0
// The regex cost estimate; see pattern_cost.h.
#include "compile/pattern_cost.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace triage::internal {
namespace {

constexpr int kDefaultHardRepeat = 8;
constexpr int kDefaultHardProgram = 3000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses a counted repetition at s[i] == '{': {n}, {n,} or {n,m}. Returns false if it is not one
// (RE2 then reads the brace as a literal).
bool ParseRepeat(std::string_view s, size_t i, size_t* end, int* bound) {
  size_t j = i + 1;
  long n = 0;
  long m = -1;
  bool digits = false;
  while (j < s.size() && IsDigit(s[j])) {
    n = std::min(n * 10 + (s[j] - '0'), 100000L);
    ++j;
    digits = true;
  }
  if (!digits || j >= s.size()) return false;
  if (s[j] == '}') {
    m = n;
  } else if (s[j] == ',') {
    ++j;
    bool upper = false;
    long v = 0;
    while (j < s.size() && IsDigit(s[j])) {
      v = std::min(v * 10 + (s[j] - '0'), 100000L);
      ++j;
      upper = true;
    }
    if (j >= s.size() || s[j] != '}') return false;
    m = upper ? v : n;
  } else {
    return false;
  }
  *end = j + 1;
  *bound = static_cast<int>(std::max(n, m));
  return true;
}

// Skips a character class starting at s[i] == '['; returns the index after it and whether it is
// wide (negated, a range, a class escape, or more than three members).
size_t SkipClass(std::string_view s, size_t i, bool* wide) {
  size_t j = i + 1;
  bool negated = false;
  if (j < s.size() && s[j] == '^') {
    negated = true;
    ++j;
  }
  int members = 0;
  bool range = false;
  bool first = true;
  while (j < s.size() && (s[j] != ']' || first)) {
    first = false;
    if (s[j] == '[' && j + 1 < s.size() && s[j + 1] == ':') {  // [:alpha:]
      const size_t close = s.find(":]", j + 2);
      j = close == std::string_view::npos ? s.size() : close + 2;
      range = true;
      continue;
    }
    if (s[j] == '\\' && j + 1 < s.size()) {
      const char e = s[j + 1];
      if (std::string_view("dDwWsSpP").find(e) != std::string_view::npos) range = true;
      j += 2;
      if ((e == 'p' || e == 'P' || e == 'x') && j < s.size() && s[j] == '{') {
        const size_t close = s.find('}', j);
        j = close == std::string_view::npos ? s.size() : close + 1;
      }
      ++members;
      continue;
    }
    if (s[j] == '-' && members > 0 && j + 1 < s.size() && s[j + 1] != ']') range = true;
    ++members;
    ++j;
  }
  *wide = negated || range || members > 3;
  return j < s.size() ? j + 1 : s.size();
}

}  // namespace

int HardRepeatThreshold(const MatchingOptions& options) {
  return options.hard_repeat > 0 ? options.hard_repeat : kDefaultHardRepeat;
}

int HardProgramThreshold(const MatchingOptions& options) {
  return options.hard_program > 0 ? options.hard_program : kDefaultHardProgram;
}

PatternCost EstimatePatternCost(std::string_view s, int program_size,
                                const MatchingOptions& options) {
  PatternCost cost;
  cost.program_size = program_size;
  // One frame per open group: does it hold a non-literal element?
  std::vector<bool> frames{false};
  bool have_last = false;  // a quantifiable element precedes
  bool last_wide = false;
  auto element = [&](bool wide) {
    have_last = true;
    last_wide = wide;
    if (wide) frames.back() = true;
  };
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      const char e = s[i + 1];
      i += 2;
      if (e == 'p' || e == 'P') {
        if (i < s.size() && s[i] == '{') {
          const size_t close = s.find('}', i);
          i = close == std::string_view::npos ? s.size() : close + 1;
        } else if (i < s.size()) {
          ++i;
        }
        element(true);
      } else if (std::string_view("dDwWsSC").find(e) != std::string_view::npos) {
        element(true);
      } else if (std::string_view("bBAzG").find(e) != std::string_view::npos) {
        have_last = false;  // zero-width
      } else if (e == 'Q') {
        const size_t close = s.find("\\E", i);
        i = close == std::string_view::npos ? s.size() : close + 2;
        element(false);
      } else if (e == 'x') {
        if (i < s.size() && s[i] == '{') {
          const size_t close = s.find('}', i);
          i = close == std::string_view::npos ? s.size() : close + 1;
        } else {
          i = std::min(s.size(), i + 2);
        }
        element(false);
      } else {
        element(false);
      }
      continue;
    }
    switch (c) {
      case '[': {
        bool wide = false;
        i = SkipClass(s, i, &wide);
        element(wide);
        continue;
      }
      case '(': {
        if (i + 1 < s.size() && s[i + 1] == '?') {
          size_t j = i + 2;
          while (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) != 0 ||
                                  s[j] == '-')) {
            ++j;
          }
          if (j < s.size() && s[j] == ')') {  // (?i): flags only, not a group
            i = j + 1;
            continue;
          }
          if (s.compare(i, 4, "(?P<") == 0) {
            const size_t close = s.find('>', i);
            i = close == std::string_view::npos ? s.size() : close + 1;
          } else {
            i = j < s.size() ? j + 1 : s.size();  // (?i: or (?:
          }
        } else {
          ++i;
        }
        frames.push_back(false);
        have_last = false;
        continue;
      }
      case ')': {
        bool wide = false;
        if (frames.size() > 1) {
          wide = frames.back();
          frames.pop_back();
        }
        ++i;
        element(wide);
        continue;
      }
      case '|':
      case '^':
      case '$':
        have_last = false;
        ++i;
        continue;
      case '*':
      case '+':
      case '?':
        if (have_last && last_wide) frames.back() = true;
        ++i;
        if (i < s.size() && s[i] == '?') ++i;  // non-greedy
        continue;
      case '{': {
        size_t end = 0;
        int bound = 0;
        if (have_last && ParseRepeat(s, i, &end, &bound)) {
          if (last_wide) {
            cost.repeat_span = std::max(cost.repeat_span, bound);
            frames.back() = true;
          }
          i = end;
          if (i < s.size() && s[i] == '?') ++i;
          continue;
        }
        ++i;
        element(false);
        continue;
      }
      case '.':
        ++i;
        element(true);
        continue;
      default:
        ++i;
        element(false);
        continue;
    }
  }
  if (cost.repeat_span >= HardRepeatThreshold(options)) {
    cost.hard = true;
    cost.reason = "a counted repetition of up to " + std::to_string(cost.repeat_span) +
                  " of a non-literal element";
  } else if (program_size >= HardProgramThreshold(options)) {
    cost.hard = true;
    cost.reason = "a program of " + std::to_string(program_size) + " instructions";
  }
  return cost;
}

}  // namespace triage::internal
