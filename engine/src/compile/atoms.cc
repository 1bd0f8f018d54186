// SPDX-License-Identifier: Apache-2.0
// Construction of atom sources; see atoms.h.
#include "compile/atoms.h"

#include <algorithm>
#include <cctype>

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

std::string ListSetSource(const std::vector<std::string>& phrases, bool case_sensitive) {
  return (case_sensitive ? "" : "(?i)") + Alternation(phrases);
}

}  // namespace triage::internal
