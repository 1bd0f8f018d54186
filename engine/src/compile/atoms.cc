// SPDX-License-Identifier: Apache-2.0
// Construction of atom sources; see atoms.h.
#include "compile/atoms.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>

namespace triage::internal {
namespace {

// Characters that make a word: a phrase boundary is anything else, or the text's edge.
constexpr std::string_view kNonWordClass = R"([^\p{L}\p{N}_])";

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string QuotePhrase(std::string_view phrase) {
  std::string out;
  size_t i = 0;
  while (i < phrase.size() && IsSpace(phrase[i])) ++i;
  size_t end = phrase.size();
  while (end > i && IsSpace(phrase[end - 1])) --end;
  while (i < end) {
    if (IsSpace(phrase[i])) {
      while (i < end && IsSpace(phrase[i])) ++i;
      out += R"(\s+)";
      continue;
    }
    size_t j = i;
    while (j < end && !IsSpace(phrase[j])) ++j;
    out += RE2::QuoteMeta(re2::StringPiece(phrase.data() + i, j - i));
    i = j;
  }
  return out;
}

// The phrases as one alternation, longest first (so that an alternation prefers "meet in person"
// over "meet"), then by text for a canonical source: `(?:a|b)`.
std::string Alternation(const std::vector<std::string>& phrases) {
  std::vector<std::string> sorted = phrases;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out = "(?:";
  bool first = true;
  for (const std::string& phrase : sorted) {
    if (!first) out += '|';
    first = false;
    out += QuotePhrase(phrase);
  }
  out += ')';
  return out;
}

bool IsAsciiWord(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Under case folding, 'k' also matches KELVIN SIGN (U+212A) and 's' LATIN SMALL LETTER LONG S
// (U+017F): letters outside ASCII, next to which RE2's ASCII \b sees no word character.
const char* NonAsciiFold(char c) {
  switch (c) {
    case 'k':
    case 'K':
      return "\\x{212A}";
    case 's':
    case 'S':
      return "\\x{17F}";
    default:
      return nullptr;
  }
}

void AppendGroup(const std::vector<std::string>& bodies, const char* before, const char* after,
                 std::string* out) {
  if (bodies.empty()) return;
  if (out->size() > 0 && out->back() != '(' && out->back() != ':') *out += '|';
  *out += before;
  *out += "(?:";
  for (size_t i = 0; i < bodies.size(); ++i) {
    if (i > 0) *out += '|';
    *out += bodies[i];
  }
  *out += ')';
  *out += after;
}

}  // namespace

RE2::Options AtomOptions() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_max_mem(int64_t{64} << 20);
  return options;
}

std::string PatternAtomSource(std::string_view source, std::string_view flags) {
  std::string out;
  if (!flags.empty()) {
    out += "(?";
    out += flags;
    out += ')';
  }
  out += '(';
  out += source;
  out += ')';
  return out;
}

std::string ListAtomSource(const std::vector<std::string>& phrases, bool case_sensitive,
                           bool partial) {
  std::string out = case_sensitive ? "" : "(?i)";
  if (!partial) {
    out += "(?:^|";
    out += kNonWordClass;
    out += ")";
  }
  out += '(';
  out += Alternation(phrases);
  out += ')';
  if (!partial) {
    out += "(?:$|";
    out += kNonWordClass;
    out += ")";
  }
  return out;
}

bool ListHasFoldEdges(const std::vector<std::string>& phrases, bool case_sensitive) {
  if (case_sensitive) return false;
  for (const std::string& phrase : phrases) {
    const std::string body = QuotePhrase(phrase);
    if (body.empty()) continue;
    if (NonAsciiFold(body.front()) != nullptr || NonAsciiFold(body.back()) != nullptr) return true;
  }
  return false;
}

bool ListExactOnAscii(const std::vector<std::string>& phrases) {
  for (const std::string& phrase : phrases) {
    const std::string body = QuotePhrase(phrase);
    if (body.empty()) continue;
    if (!IsAsciiWord(body.front()) || !IsAsciiWord(body.back())) return false;
  }
  return true;
}

bool HasNonAsciiFoldLetter(std::string_view text) {
  // U+017F is C5 BF in UTF-8, U+212A is E2 84 AA.
  for (size_t i = text.find_first_of("\xC5\xE2"); i != std::string_view::npos;
       i = text.find_first_of("\xC5\xE2", i + 1)) {
    if (text[i] == '\xC5' && i + 1 < text.size() && text[i + 1] == '\xBF') return true;
    if (text[i] == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x84' &&
        text[i + 2] == '\xAA') {
      return true;
    }
  }
  return false;
}

std::string ListSetSource(const std::vector<std::string>& phrases, bool case_sensitive) {
  // RE2's ASCII \b goes on each edge where the list's Unicode word edge implies it: the list
  // requires the neighbour to be no letter, digit or '_' of any script, so when the phrase's own
  // edge character is an ASCII word character, \b holds there. Other edges get no condition. The
  // entry so matches wherever the list does (and more, which the list's own regex then rejects),
  // while its DFA starts threads only at word starts. Phrases are grouped by their edges so that
  // RE2 still factors their common prefixes (a \b per phrase, or variants of phrases, multiply
  // the DFA's states). One exception, see ListHasFoldEdges: under case folding an ASCII 'k' or
  // 's' edge may be matched by a non-ASCII letter, next to which \b sees no word character.
  std::vector<std::string> sorted = phrases;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<std::string> both;
  std::vector<std::string> lead;
  std::vector<std::string> trail;
  std::vector<std::string> neither;
  for (const std::string& phrase : sorted) {
    const std::string body = QuotePhrase(phrase);
    if (body.empty()) continue;
    // QuoteMeta never escapes an ASCII word character, and whitespace inside a phrase is
    // written \s+ (ending in '+'), so an ASCII word character at either end of the body is the
    // phrase's own edge character.
    const bool word_head = IsAsciiWord(body.front());
    const bool word_tail = IsAsciiWord(body.back());
    if (word_head && word_tail) {
      both.push_back(body);
    } else if (word_head) {
      lead.push_back(body);
    } else if (word_tail) {
      trail.push_back(body);
    } else {
      neither.push_back(body);
    }
  }
  std::string out = case_sensitive ? "(?:" : "(?i)(?:";
  AppendGroup(both, "\\b", "\\b", &out);
  AppendGroup(lead, "\\b", "", &out);
  AppendGroup(trail, "", "\\b", &out);
  AppendGroup(neither, "", "", &out);
  out += ')';
  return out;
}

}  // namespace triage::internal
