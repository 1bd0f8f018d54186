// SPDX-License-Identifier: Apache-2.0
// The word-level tables (compile/terms.h).
#include "compile/terms.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/leet.h"
#include "compile/literals.h"
#include "compile/words.h"
#include "util/spelling.h"

namespace triage::internal {

void TermTable::CompileTerms() {
  if (symbols_->terms.empty()) return;
  const Analyzer& analyzer = *program_->analyzer;
  std::unique_ptr<AnalyzerScratch> scratch = analyzer.NewScratch();
  // A large pack has tens of thousands of phrases: size the table and the index once rather
  // than rehash them as they grow.
  size_t phrases = 0;
  for (const auto& [name, info] : symbols_->terms) phrases += info.decl->items.size();
  program_->phrases.reserve(phrases);
  program_->term_index.by_word.reserve(phrases);
  // First every list's options and includes, so that a list may include one declared after it.
  std::map<std::string, std::vector<uint32_t>> stem_languages_of;
  for (auto& [name, info] : symbols_->terms) {
    std::vector<uint32_t>& stem_languages = stem_languages_of[name];
    const bool leet = CompileOptions(name, &info, &stem_languages);
    ResolveIncludes(name, &info);
    if (!info.valid) continue;
    info.index = static_cast<int>(program_->terms.size());
    TermsList list;
    list.name = name;
    list.stem_languages = stem_languages;
    list.leet = leet;
    list.file = info.file;
    list.span = info.decl->name.span;
    list.location = SourceLocation(sources_, info.file, info.decl->name.span);
    program_->terms.push_back(std::move(list));
  }
  CheckIncludeCycles();
  // Then each list's own phrases, kept (for the lists that others include) to add them again
  // under every list that includes them.
  std::set<std::string> included;
  for (const auto& [name, info] : symbols_->terms) {
    included.insert(info.includes.begin(), info.includes.end());
  }
  std::map<std::string, std::vector<std::vector<TermElement>>> own_phrases;
  PhraseScratch phrase_scratch;
  for (auto& [name, info] : symbols_->terms) {
    if (!info.valid) continue;
    const bool leet = program_->terms[info.index].leet;
    std::vector<std::vector<TermElement>>* kept =
        included.count(name) != 0 ? &own_phrases[name] : nullptr;
    const std::vector<uint32_t>& stem_languages = stem_languages_of[name];
    for (const ast::TermsItem& item : info.decl->items) {
      const auto* phrase = boost::get<ast::StringLit>(&item);
      if (phrase == nullptr) continue;
      std::vector<TermElement> elements;
      PhraseReading reading;
      const std::string problem = CompilePhrase(analyzer, scratch.get(), &phrase_scratch,
                                                phrase->value, stem_languages, &elements, &reading);
      if (!problem.empty()) {
        reporter_->Error("bad-phrase", "phrase of terms '" + name + "': " + problem, info.file,
                         phrase->span);
        info.valid = false;
        continue;
      }
      if (leet && !CheckLeetPhrase(name, *phrase, info.file, scratch.get())) {
        info.valid = false;
        continue;
      }
      if (elements.size() == 1 && elements[0].kind == TermElement::Kind::kStem) {
        StemmedTerm term{info.file, phrase->span, phrase->value, reading.words, {}};
        for (size_t i = 0; i < elements[0].languages.size(); ++i) {
          term.stems.emplace_back(config_.analysis.stem_languages[elements[0].languages[i]],
                                  elements[0].stems[i]);
        }
        stemmed_terms_.push_back(std::move(term));
      }
      if (!reading.dropped.empty()) {
        lossy_phrases_.push_back({info.file, phrase->span, phrase->value, std::move(reading)});
      }
      if (kept != nullptr) kept->push_back(elements);
      AddPhrase(std::move(elements), info.index, leet, program_);
    }
  }
  // Last, each including list gets the phrases of every list it reaches, each list once, with
  // that list's leet: scanning it is then scanning a literal list, one index lookup a token.
  for (auto& [name, info] : symbols_->terms) {
    if (!info.valid || info.includes.empty()) continue;
    std::vector<std::string> reached;
    std::set<std::string> seen = {name};
    std::vector<std::string> stack(info.includes.rbegin(), info.includes.rend());
    while (!stack.empty()) {
      std::string next = std::move(stack.back());
      stack.pop_back();
      if (!seen.insert(next).second) continue;
      const TermsInfo& part = symbols_->terms.at(next);
      stack.insert(stack.end(), part.includes.rbegin(), part.includes.rend());
      reached.push_back(std::move(next));
    }
    bool parts_valid = true;
    for (const std::string& part : reached)
      parts_valid = parts_valid && symbols_->terms.at(part).valid;
    if (!parts_valid) {
      info.valid = false;  // a part's own error is reported at the part
      continue;
    }
    for (const std::string& part : reached) {
      const bool leet = program_->terms[symbols_->terms.at(part).index].leet;
      for (const std::vector<TermElement>& elements : own_phrases[part]) {
        AddPhrase(elements, info.index, leet, program_);
      }
    }
  }
}

// The options of list `name`: its stem languages into *stem_languages, and whether it has the
// leet option (returned). Reports duplicate-option, unknown-option and StemLanguages' errors,
// marking the list invalid.
bool TermTable::CompileOptions(const std::string& name, TermsInfo* info,
                               std::vector<uint32_t>* stem_languages) {
  bool leet = false;
  std::set<std::string> seen;
  for (const ast::TermsOption& option : info->decl->options) {
    const std::string& option_name = option.name.name;
    if (!seen.insert(option_name).second) {
      reporter_->Error("duplicate-option", "terms option '" + option_name + "' is given twice",
                       info->file, option.name.span);
      if (option_name == "stem") {
        reporter_->Note("name several languages in one option: (stem english spanish)", info->file,
                        option.name.span);
      }
      info->valid = false;
      continue;
    }
    if (option_name == "stem") {
      if (!StemLanguages(name, option, info->file, stem_languages)) info->valid = false;
    } else if (option_name == "leet") {
      leet = true;
      if (!option.args.empty()) {
        reporter_->Error(
            "unknown-option",
            "terms option 'leet' takes no argument, not '" + option.args.front().name + "'",
            info->file, option.args.front().span);
        reporter_->Note(option.args.front().name == "stem"
                            ? "separate options with a comma: (leet, stem)"
                            : "only 'stem' takes words after it, its languages: (stem english)",
                        info->file, option.args.front().span);
        info->valid = false;
      }
    } else {
      reporter_->Error("unknown-option", "unknown terms option '" + option_name + "'", info->file,
                       option.name.span);
      reporter_->Note("the terms options are 'stem' (or 'stem LANGUAGE ...') and 'leet'",
                      info->file, option.name.span);
      info->valid = false;
    }
  }
  return leet;
}

// The lists that list `name` includes by name, into info->includes, each marked used. Reports
// unknown-name (no such terms list, or a character-level list or pattern), include-cycle (the
// list itself) and duplicate-include, marking the list invalid.
void TermTable::ResolveIncludes(const std::string& name, TermsInfo* info) {
  std::map<std::string, SourceSpan> first;
  for (const ast::TermsItem& item : info->decl->items) {
    const auto* part = boost::get<ast::Identifier>(&item);
    if (part == nullptr) continue;
    if (part->name == name) {
      reporter_->Error("include-cycle", "terms '" + name + "' includes itself", info->file,
                       part->span);
      info->valid = false;
      continue;
    }
    auto it = symbols_->terms.find(part->name);
    if (it == symbols_->terms.end()) {
      if (symbols_->matchers.count(part->name) != 0) {
        reporter_->Error("unknown-name",
                         "'" + part->name + "' is a character-level list or pattern; " +
                             "a terms list includes only terms lists",
                         info->file, part->span);
      } else {
        reporter_->Error("unknown-name", "unknown terms '" + part->name + "'", info->file,
                         part->span);
        std::vector<std::string> names;
        for (const auto& [n, t] : symbols_->terms) names.push_back(n);
        reporter_->SuggestNote(part->name, names, info->file, part->span);
      }
      info->valid = false;
      continue;
    }
    const auto [previous, fresh] = first.emplace(part->name, part->span);
    if (!fresh) {
      reporter_->Error("duplicate-include",
                       "terms '" + name + "' includes '" + part->name + "' twice", info->file,
                       part->span);
      reporter_->Note("first included here", info->file, previous->second);
      info->valid = false;
      continue;
    }
    it->second.used = true;
    info->includes.push_back(part->name);
  }
}

// Reports include-cycle at the name that closes each cycle of includes (a includes b, b
// includes a), marking every list on it invalid.
void TermTable::CheckIncludeCycles() {
  std::map<std::string, int> state;  // absent: unvisited; 1: on the path; 2: done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    state[name] = 1;
    path.push_back(name);
    TermsInfo& info = symbols_->terms.at(name);
    for (const ast::TermsItem& item : info.decl->items) {
      const auto* part = boost::get<ast::Identifier>(&item);
      if (part == nullptr || part->name == name || symbols_->terms.count(part->name) == 0) {
        continue;
      }
      const auto it = state.find(part->name);
      if (it == state.end()) {
        visit(part->name);
      } else if (it->second == 1) {
        const auto from = std::find(path.begin(), path.end(), part->name);
        std::string cycle;
        for (auto p = from; p != path.end(); ++p) {
          cycle += *p + " -> ";
          symbols_->terms.at(*p).valid = false;
        }
        reporter_->Error("include-cycle",
                         "terms '" + part->name + "' includes itself: " + cycle + part->name,
                         info.file, part->span);
      }
    }
    path.pop_back();
    state[name] = 2;
  };
  for (const auto& [name, info] : symbols_->terms) {
    if (state.count(name) == 0) visit(name);
  }
}

// The languages of a `stem` option: every configured stemmer for a bare `stem`, else the ones it
// names, as indexes into analysis.stem_languages in the config's order. Reports no-stemmer (none
// configured), unknown-stemmer (a name the config does not list) and duplicate-option (a
// language named twice); returns false if any.
bool TermTable::StemLanguages(const std::string& list, const ast::TermsOption& option, FileId file,
                              std::vector<uint32_t>* languages) {
  const std::vector<std::string>& configured = config_.analysis.stem_languages;
  if (configured.empty()) {
    reporter_->Error("no-stemmer",
                     "terms '" + list + "' asks for stems but no stemmer is configured", file,
                     option.name.span);
    reporter_->Note("name the languages in the config: analysis: {stemmers: [english, spanish]}",
                    file, option.name.span);
    return false;
  }
  std::vector<bool> named(configured.size(), false);
  bool ok = true;
  for (const ast::Identifier& language : option.args) {
    const auto found = std::find(configured.begin(), configured.end(), language.name);
    if (found == configured.end()) {
      const std::string names = JoinAnd(configured);
      reporter_->Error("unknown-stemmer",
                       "terms '" + list + "' asks for stems in '" + language.name +
                           "', which is not a configured stemmer (analysis.stemmers: " + names +
                           ")",
                       file, language.span);
      const std::string closest = ClosestName(language.name, configured);
      if (language.name == "leet") {
        reporter_->Note("separate options with a comma: (stem, leet)", file, language.span);
      } else if (!closest.empty()) {
        reporter_->Note("did you mean '" + closest + "'?", file, language.span);
      } else {
        reporter_->Note("a list stems only in the languages of analysis.stemmers: add '" +
                            language.name + "' there to stem in it",
                        file, language.span);
      }
      ok = false;
      continue;
    }
    const auto l = static_cast<size_t>(found - configured.begin());
    if (named[l]) {
      reporter_->Error("duplicate-option",
                       "stemmer '" + language.name + "' is named twice in terms '" + list + "'",
                       file, language.span);
      ok = false;
      continue;
    }
    named[l] = true;
  }
  languages->clear();
  for (size_t l = 0; l < configured.size(); ++l) {
    if (option.args.empty() || named[l]) languages->push_back(static_cast<uint32_t>(l));
  }
  return ok;
}

// A phrase of a (leet) list is written plainly: a word spelled with leet characters would match
// only as written, since the text's leet words are read as letters ("k1ll" in the list never
// meets "k1ll" read as "kill"). Reports each such word (bad-leet); returns false if any.
bool TermTable::CheckLeetPhrase(const std::string& list, const ast::StringLit& phrase, FileId file,
                                AnalyzerScratch* scratch) {
  bool ok = true;
  std::istringstream words(phrase.value);
  std::string word;
  while (words >> word) {
    if (word[0] == '{') continue;  // a gap
    const std::string reading = LeetSpelling(*program_->analyzer, scratch, word);
    if (reading.empty()) continue;
    reporter_->Error("bad-leet",
                     "phrase of terms '" + list + "' spells '" + word +
                         "' with leet characters: a (leet) list is written in plain letters",
                     file, phrase.span);
    reporter_->Note("write '" + reading + "': (leet) reads '" + word + "' as '" + reading +
                        "' in the text; map a shorthand such as 'b4' in a normalisation "
                        "dictionary",
                    file, phrase.span);
    ok = false;
  }
  return ok;
}

void TermTable::CompileContexts() {
  static const std::map<std::string, uint8_t> kKinds = {
      {"negated", kNegated}, {"historical", kHistorical}, {"hypothetical", kHypothetical},
      {"other", kOther},     {"media", kMedia},           {"terminate", 0},
      {"pseudo", 0}};
  for (const auto& [decl, file] : symbols_->contexts) {
    auto kind = kKinds.find(decl->kind.name);
    if (kind == kKinds.end()) {
      reporter_->Error("unknown-context", "unknown context kind '" + decl->kind.name + "'", file,
                       decl->kind.span);
      reporter_->Note(
          "context kinds are negated, historical, hypothetical, other, media, terminate and pseudo",
          file, decl->kind.span);
      continue;
    }
    const int list = Index(decl->terms, file);
    if (list < 0) continue;
    if (kind->second == 0) {  // terminate or pseudo: a list, no scope
      if (decl->scope) {
        reporter_->Error("bad-context",
                         "'" + decl->kind.name + "' takes no scope: write context " +
                             decl->kind.name + " = " + decl->terms.name,
                         file, decl->scope->span);
        continue;
      }
      (decl->kind.name == "pseudo" ? program_->pseudo_triggers : program_->terminators)
          .push_back(list);
      continue;
    }
    if (!decl->scope) {
      reporter_->Error(
          "bad-context",
          "context '" + decl->kind.name + "' needs a scope: after N, before N or around N (words)",
          file, decl->kind.span);
      continue;
    }
    ContextTrigger trigger;
    trigger.bit = kind->second;
    trigger.list = list;
    const std::string& direction = decl->scope->direction.name;
    if (direction == "after") {
      trigger.after = true;
    } else if (direction == "before") {
      trigger.after = false;
      trigger.before = true;
    } else if (direction == "around") {
      trigger.after = true;
      trigger.before = true;
    } else {
      reporter_->Error("bad-context",
                       "a context scope is after, before or around, not '" + direction + "'", file,
                       decl->scope->direction.span);
      continue;
    }
    int window = 0;
    if (!ParseScore(decl->scope->window, file, false, 1, kMaxWindow, "context window", &window,
                    reporter_)) {
      continue;
    }
    trigger.window = window;
    program_->triggers.push_back(trigger);
  }
}

int TermTable::Index(const ast::Identifier& name, FileId file) {
  auto it = symbols_->terms.find(name.name);
  if (it == symbols_->terms.end()) {
    if (symbols_->matchers.count(name.name) != 0) {
      reporter_->Error("unknown-name",
                       "'" + name.name + "' is a character-level list or pattern; " +
                           "context triggers are terms lists",
                       file, name.span);
    } else {
      reporter_->Error("unknown-name", "unknown terms '" + name.name + "'", file, name.span);
      std::vector<std::string> names;
      for (const auto& [n, info] : symbols_->terms) names.push_back(n);
      reporter_->SuggestNote(name.name, names, file, name.span);
    }
    return -1;
  }
  it->second.used = true;
  return it->second.valid ? it->second.index : -1;
}

int TermTable::EnsureWordField(int field) {
  if (static_cast<int>(word_field_of_.size()) <= field) word_field_of_.resize(field + 1, -1);
  if (word_field_of_[field] < 0) {
    word_field_of_[field] = static_cast<int>(program_->word_fields.size());
    WordField wf;
    wf.field = field;
    program_->word_fields.push_back(wf);
  }
  return word_field_of_[field];
}

void TermTable::MarkContextRead(int field) {
  if (field >= 0) program_->word_fields[EnsureWordField(field)].context = true;
  uses_context_ = true;
}

int TermTable::TermAtomFor(int field, int list) {
  auto key = std::make_pair(field, list);
  auto it = term_atom_index_.find(key);
  if (it != term_atom_index_.end()) return it->second;
  const int index = static_cast<int>(program_->term_atoms.size());
  program_->term_atoms.push_back({field, list});
  term_atom_index_.emplace(key, index);
  return index;
}

void TermTable::FinishWordFields() {
  const size_t fields = program_->fields.size();
  for (WordField& wf : program_->word_fields) {
    if (!wf.context) continue;
    for (const ContextTrigger& t : program_->triggers) TermAtomFor(wf.field, t.list);
    for (int list : program_->terminators) TermAtomFor(wf.field, list);
    for (int list : program_->pseudo_triggers) TermAtomFor(wf.field, list);
  }
  program_->word_field_of.assign(fields, -1);
  for (size_t w = 0; w < program_->word_fields.size(); ++w) {
    WordField& wf = program_->word_fields[w];
    wf.term_atom.assign(program_->terms.size(), -1);
    program_->word_field_of[wf.field] = static_cast<int>(w);
  }
  for (size_t a = 0; a < program_->term_atoms.size(); ++a) {
    const TermAtom& atom = program_->term_atoms[a];
    const int w = program_->word_field_of[atom.field];
    if (w >= 0 && atom.list >= 0) {
      program_->word_fields[w].term_atom[atom.list] = static_cast<int>(a);
    }
  }
  // What the word pass reads of each phrase, once for every scanner.
  program_->phrase_reach.clear();
  program_->phrase_reach.reserve(program_->phrases.size());
  for (const TermPhrase& phrase : program_->phrases) {
    uint32_t reach = 0;
    for (const TermElement& e : phrase.elements) {
      reach +=
          e.kind == TermElement::Kind::kGap ? static_cast<uint32_t>(std::max(e.gap_max, 0)) : 1;
    }
    program_->phrase_reach.push_back(reach);
  }
  for (WordField& wf : program_->word_fields) {
    wf.phrase_atoms_begin.assign(1, 0);
    wf.phrase_atoms_begin.reserve(program_->phrases.size() + 1);
    wf.phrase_atoms.clear();
    for (const TermPhrase& phrase : program_->phrases) {
      for (const int list : phrase.lists) {
        const int atom = wf.term_atom[list];
        if (atom >= 0) wf.phrase_atoms.push_back(atom);
      }
      wf.phrase_atoms_begin.push_back(static_cast<uint32_t>(wf.phrase_atoms.size()));
    }
  }
  if (uses_context_ && program_->triggers.empty()) {
    reporter_->diagnostics()->Warning(
        "no-context-triggers",
        "context filters are used but no 'context' trigger is declared: "
        "every mention counts as affirmed");
  }
}

}  // namespace triage::internal
