// SPDX-License-Identifier: Apache-2.0
// The lint pass (compile/lint.h).
#include "compile/lint.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "compile/words.h"
#include "util/spelling.h"

namespace triage::internal {

// Warns about declarations no rule uses, in source order.
void WarnUnused(const Symbols& symbols, Diagnostics* diagnostics) {
  std::vector<Diagnostic> warnings;
  auto warn = [&warnings](std::string code, std::string message, FileId file, SourceSpan span) {
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.code = std::move(code);
    d.message = std::move(message);
    d.file = file;
    d.span = span;
    warnings.push_back(std::move(d));
  };
  for (const auto& [name, m] : symbols.matchers) {
    if (m.used) continue;
    warn(m.is_list ? "unused-list" : "unused-pattern",
         std::string(m.is_list ? "list" : "pattern") + " '" + name + "' is not used by any rule",
         m.file, m.is_list ? m.list->name.span : m.pattern->name.span);
  }
  for (const auto& [name, t] : symbols.terms) {
    if (t.used) continue;
    warn("unused-terms", "terms '" + name + "' is not used by any rule", t.file, t.decl->name.span);
  }
  for (const auto& [name, c] : symbols.categories) {
    if (c.used) continue;
    warn("unused-category", "category '" + name + "' is not scored by any rule", c.file, c.span);
  }
  std::sort(warnings.begin(), warnings.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.file.value != b.file.value ? a.file.value < b.file.value : a.span.begin < b.span.begin;
  });
  for (Diagnostic& d : warnings) diagnostics->Add(std::move(d));
}

namespace {

// Pointers to `items` (each with a file and a span) in source order, ties kept in given order.
template <typename T>
std::vector<const T*> InSourceOrder(const std::vector<T>& items) {
  std::vector<const T*> sorted;
  sorted.reserve(items.size());
  for (const T& item : items) sorted.push_back(&item);
  std::stable_sort(sorted.begin(), sorted.end(), [](const T* a, const T* b) {
    return a->file.value != b->file.value ? a->file.value < b->file.value
                                          : a->span.begin < b->span.begin;
  });
  return sorted;
}

}  // namespace

// Warns about each phrase that reads as less than is written, in source order.
void WarnDroppedText(const std::vector<LossyPhrase>& phrases, Diagnostics* diagnostics) {
  for (const LossyPhrase* phrase : InSourceOrder(phrases)) {
    diagnostics->Warning("term-drops-text",
                         "term \"" + phrase->written + "\" reads as \"" + phrase->reading.words +
                             "\": " + DescribeDropped(phrase->reading.dropped),
                         phrase->file, phrase->span);
  }
}

namespace {

// The characters (code points) of UTF-8 `text`.
size_t CodePoints(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

// Warns about each one-word stemmed term whose stem is short and not the word, in source order.
void WarnShortStems(const std::vector<StemmedTerm>& terms, Diagnostics* diagnostics) {
  for (const StemmedTerm* term : InSourceOrder(terms)) {
    // Each short stem with the languages that give it, in the list's order.
    std::vector<std::pair<std::string, std::vector<std::string>>> shorts;
    for (const auto& [language, stem] : term->stems) {
      if (stem == term->form || CodePoints(stem) > kShortStemMax) continue;
      auto same = std::find_if(shorts.begin(), shorts.end(),
                               [&stem = stem](const auto& s) { return s.first == stem; });
      if (same == shorts.end()) {
        shorts.push_back({stem, {language}});
      } else {
        same->second.push_back(language);
      }
    }
    if (shorts.empty()) continue;
    std::vector<std::string> readings;
    for (const auto& [stem, languages] : shorts) {
      readings.push_back("\"" + stem + "\" in " + JoinAnd(languages));
    }
    diagnostics->Warning("short-stem",
                         "stemmed term \"" + term->written + "\" reads as the stem " +
                             JoinAnd(readings) + ": it matches every word with " +
                             (shorts.size() == 1 ? "that stem" : "those stems"),
                         term->file, term->span);
    diagnostics->Note("write the forms it should match in a list without (stem)", term->file,
                      term->span);
  }
}

// Warns about each regex the plan must run on its own on every value (no set can hold it
// cheaply and no literal can prefilter it), in source order: it costs a full pass per value.
void WarnSlowPatterns(const Program& program, Diagnostics* diagnostics) {
  std::vector<const Atom*> slow;
  for (const Atom& atom : program.atoms) {
    if (atom.strategy == PatternPlan::Strategy::kEveryValue) slow.push_back(&atom);
  }
  std::sort(slow.begin(), slow.end(), [](const Atom* a, const Atom* b) {
    return a->file.value != b->file.value ? a->file.value < b->file.value
                                          : a->span.begin < b->span.begin;
  });
  for (const Atom* atom : slow) {
    diagnostics->Warning("slow-pattern",
                         "pattern '" + atom->name + "' runs on its own on every value of '" +
                             program.fields[atom->field].name + "': " + atom->reason,
                         atom->file, atom->span);
  }
}

}  // namespace triage::internal
