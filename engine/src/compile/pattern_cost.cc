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

// How many characters an element may match, beyond which it counts as wide: a repetition of
// digits or spaces (`\d{4,8}`) keeps few DFA threads alive; one of letters or "anything" does not.
constexpr int kNarrowWidth = 12;

// Skips a character class starting at s[i] == '['; returns the index after it and whether it is
// wide (negated, or covering more than kNarrowWidth characters, counting \d as 10, \s as 6 and
// other class escapes as many).
size_t SkipClass(std::string_view s, size_t i, bool* wide, bool* long_lived) {
  size_t j = i + 1;
  bool negated = false;
  if (j < s.size() && s[j] == '^') {
    negated = true;
    ++j;
  }
  int width = 0;
  bool first = true;
  int previous = -1;  // the last single character, for a range
  bool space = false;          // the class names whitespace (\s or a space)
  std::string escapes;         // class escapes it holds (\s \S \w \W \d \D)
  while (j < s.size() && (s[j] != ']' || first)) {
    first = false;
    if (s[j] == '[' && j + 1 < s.size() && s[j + 1] == ':') {  // [:alpha:]
      const size_t close = s.find(":]", j + 2);
      j = close == std::string_view::npos ? s.size() : close + 2;
      width += 100;
      previous = -1;
      continue;
    }
    if (s[j] == '\\' && j + 1 < s.size()) {
      const char e = s[j + 1];
      j += 2;
      if (std::string_view("sSwWdD").find(e) != std::string_view::npos) escapes += e;
      if (e == 's' || e == 'n' || e == 't') space = true;
      if (e == 'd') {
        width += 10;
        previous = -1;
      } else if (e == 's') {
        width += 6;
        previous = -1;
      } else if (std::string_view("DwWSpP").find(e) != std::string_view::npos) {
        width += 100;
        previous = -1;
        if ((e == 'p' || e == 'P') && j < s.size() && s[j] == '{') {
          const size_t close = s.find('}', j);
          j = close == std::string_view::npos ? s.size() : close + 1;
        }
      } else if (e == 'x') {
        if (j < s.size() && s[j] == '{') {
          const size_t close = s.find('}', j);
          j = close == std::string_view::npos ? s.size() : close + 1;
        }
        width += 1;
        previous = -1;
      } else {
        width += 1;
        previous = static_cast<unsigned char>(e);
      }
      continue;
    }
    if (s[j] == '-' && previous >= 0 && j + 1 < s.size() && s[j + 1] != ']') {
      int last = static_cast<unsigned char>(s[j + 1]);
      size_t next = j + 2;
      if (s[j + 1] == '\\' && j + 2 < s.size()) {
        last = static_cast<unsigned char>(s[j + 2]);
        next = j + 3;
      }
      width += std::max(0, last - previous);  // the first end is counted already
      previous = -1;
      j = next;
      continue;
    }
    previous = static_cast<unsigned char>(s[j]);
    if (s[j] == ' ') space = true;
    width += 1;
    ++j;
  }
  *wide = negated || width > kNarrowWidth;
  // Matches nearly everything, spaces and line ends included: a repetition of it stays alive
  // across words ([^>]*, [\s\S]*), unlike \w+ or [^\s]+, which end with the word.
  auto has = [&escapes](char c) { return escapes.find(c) != std::string::npos; };
  *long_lived = (negated && !space) || (has('s') && has('S')) || (has('w') && has('W')) ||
                (has('d') && has('D'));
  return j < s.size() ? j + 1 : s.size();
}

}  // namespace

namespace {

bool IsLiteralChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
}

bool IsQuantifier(char c) { return c == '?' || c == '*' || c == '+' || c == '{'; }

// The length of the required literal at s[i...]: a run of letters, digits and spaces, less its
// last character when a quantifier follows it.
size_t LeadingLiteral(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && IsLiteralChar(s[j])) ++j;
  size_t length = j - i;
  if (length > 0 && j < s.size() && IsQuantifier(s[j])) --length;
  return length;
}

// Where the group opened at s[open] ('(') closes, or npos; `bars` gets the positions of its
// top-level '|'. Escapes and classes are skipped.
size_t CloseOf(std::string_view s, size_t open, std::vector<size_t>* bars) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (c == '[') {
      ++i;
      if (i < s.size() && s[i] == '^') ++i;
      if (i < s.size() && s[i] == ']') ++i;
      while (i < s.size() && s[i] != ']') {
        if (s[i] == '\\') ++i;
        ++i;
      }
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return i;
    } else if (c == '|' && depth == 1) {
      bars->push_back(i);
    }
  }
  return std::string_view::npos;
}

// Skips flags `(?i)`, and `\b` or `^`, at s[i...].
size_t SkipLeadIn(std::string_view s, size_t i) {
  for (;;) {
    if (s.compare(i, 2, "(?") == 0) {
      size_t j = i + 2;
      while (j < s.size() && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || s[j] == '-')) ++j;
      if (j < s.size() && s[j] == ')') {
        i = j + 1;
        continue;
      }
      return i;
    }
    if (s.compare(i, 2, "\\b") == 0) {
      i += 2;
      continue;
    }
    if (i < s.size() && s[i] == '^') {
      ++i;
      continue;
    }
    return i;
  }
}

bool Led(std::string_view s, size_t i, int depth) {
  if (depth > 8) return false;
  i = SkipLeadIn(s, i);
  if (i >= s.size()) return false;
  if (s[i] != '(') return LeadingLiteral(s, i) >= 3;
  std::vector<size_t> bars;
  const size_t close = CloseOf(s, i, &bars);
  if (close == std::string_view::npos) return false;
  // A group that may be skipped (`(...)?`, `(...)*`, `{0,`) leads nothing.
  if (close + 1 < s.size() && IsQuantifier(s[close + 1]) && s[close + 1] != '+') return false;
  size_t body = i + 1;  // after '(', '(?:' or '(?i:'
  if (s.compare(body, 1, "?") == 0) {
    size_t j = body + 1;
    while (j < close && s[j] != ':' && s[j] != ')') ++j;
    if (j >= close || s[j] != ':') return false;  // a lookaround or a named group: unknown
    body = j + 1;
  }
  bars.push_back(close);
  size_t start = body;
  for (size_t bar : bars) {
    // Each alternative must be led by a literal: its own, or (when the group has one
    // alternative) the group's.
    if (bar <= start || !Led(s.substr(0, bar), start, depth + 1)) return false;
    start = bar + 1;
  }
  return true;
}

}  // namespace

bool LedByLiteral(std::string_view source) { return Led(source, 0, 0); }

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
  // One frame per open group: does it hold a non-literal element, one that stays alive across
  // words, and had anything been consumed before it opened?
  struct Frame {
    bool wide = false;
    bool long_lived = false;
    bool consumed_at_open = false;
  };
  std::vector<Frame> frames{Frame{}};
  bool have_last = false;  // a quantifiable element precedes
  bool last_wide = false;
  bool last_long = false;
  bool consumed = false;         // some element has been seen
  bool consumed_before_last = false;  // something preceded the last element
  auto element = [&](bool wide, bool long_lived, bool before) {
    have_last = true;
    last_wide = wide;
    last_long = long_lived;
    consumed_before_last = before;
    consumed = true;
    if (wide) frames.back().wide = true;
    if (long_lived) frames.back().long_lived = true;
  };
  // An unbounded repetition of a long-lived element after something else (`foo.*bar`,
  // `a[^>]*b`): once the prefix is seen, a thread lives to the end of the line or text, so a DFA
  // over many such patterns must remember which prefixes it has seen, and its states multiply.
  auto gap = [&]() {
    if (have_last && last_long && consumed_before_last) cost.unbounded_gap = true;
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
        element(true, false, consumed);
      } else if (e == 'd' || e == 's') {
        element(false, false, consumed);  // narrow: 10 and 6 characters
      } else if (std::string_view("DwWSC").find(e) != std::string_view::npos) {
        element(true, e == 'D' || e == 'C', consumed);
      } else if (std::string_view("bBAzG").find(e) != std::string_view::npos) {
        have_last = false;  // zero-width
      } else if (e == 'Q') {
        const size_t close = s.find("\\E", i);
        i = close == std::string_view::npos ? s.size() : close + 2;
        element(false, false, consumed);
      } else if (e == 'x') {
        if (i < s.size() && s[i] == '{') {
          const size_t close = s.find('}', i);
          i = close == std::string_view::npos ? s.size() : close + 1;
        } else {
          i = std::min(s.size(), i + 2);
        }
        element(false, false, consumed);
      } else {
        element(false, false, consumed);
      }
      continue;
    }
    switch (c) {
      case '[': {
        bool wide = false;
        bool long_lived = false;
        const bool before = consumed;
        i = SkipClass(s, i, &wide, &long_lived);
        element(wide, long_lived, before);
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
        frames.push_back(Frame{false, false, consumed});
        have_last = false;
        continue;
      }
      case ')': {
        Frame closed;
        if (frames.size() > 1) {
          closed = frames.back();
          frames.pop_back();
        }
        ++i;
        element(closed.wide, closed.long_lived, closed.consumed_at_open);
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
        if (have_last && last_wide) frames.back().wide = true;
        if (c != '?') gap();
        ++i;
        if (i < s.size() && s[i] == '?') ++i;  // non-greedy
        continue;
      case '{': {
        size_t end = 0;
        int bound = 0;
        if (have_last && ParseRepeat(s, i, &end, &bound)) {
          if (last_wide) {
            cost.repeat_span = std::max(cost.repeat_span, bound);
            frames.back().wide = true;
          }
          if (s[end - 2] == ',') gap();  // {n,}: unbounded
          i = end;
          if (i < s.size() && s[i] == '?') ++i;
          continue;
        }
        ++i;
        element(false, false, consumed);
        continue;
      }
      case '.':
        ++i;
        element(true, true, consumed);
        continue;
      default:
        ++i;
        element(false, false, consumed);
        continue;
    }
  }
  if (cost.repeat_span >= HardRepeatThreshold(options)) {
    cost.hard = true;
    cost.reason = "a counted repetition of up to " + std::to_string(cost.repeat_span) +
                  " of a non-literal element";
  } else if (cost.unbounded_gap && !options.allow_gaps) {
    cost.hard = true;
    cost.reason = "an unbounded gap (like .* or [^>]*) after its start";
  } else if (program_size >= HardProgramThreshold(options)) {
    cost.hard = true;
    cost.reason = "a program of " + std::to_string(program_size) + " instructions";
  }
  return cost;
}

}  // namespace triage::internal
