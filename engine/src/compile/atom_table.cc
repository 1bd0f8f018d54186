// SPDX-License-Identifier: Apache-2.0
// The atom table (compile/atom_table.h).
#include "compile/atom_table.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compile/atoms.h"

namespace triage::internal {

int AtomTable::ForRegex(const ast::RegexLit& regex, int field, FileId file) {
  if (!regexes_->Check(regex, file) || field < 0) return -1;
  return AtomFor(field, PatternAtomSource(regex.source, regex.flags),
                 NewAtom("/" + regex.source + "/" + regex.flags, file, regex.span));
}

int AtomTable::ForName(const ast::Identifier& name, int field, FileId file) {
  auto it = symbols_->matchers.find(name.name);
  if (it == symbols_->matchers.end()) {
    reporter_->Error("unknown-name", "unknown pattern or list '" + name.name + "'", file,
                     name.span);
    std::vector<std::string> names;
    for (const auto& [n, m] : symbols_->matchers) names.push_back(n);
    reporter_->SuggestNote(name.name, names, file, name.span);
    return -1;
  }
  MatcherDecl& m = it->second;
  m.used = true;
  if (!m.valid || field < 0) return -1;
  if (!m.is_list) {
    return AtomFor(field, PatternAtomSource(m.pattern->regex.source, m.pattern->regex.flags),
                   NewAtom(name.name, m.file, m.pattern->name.span));
  }
  bool case_sensitive = false;
  bool partial = false;
  for (const ast::Identifier& option : m.list->options) {
    case_sensitive = case_sensitive || option.name == "case";
    partial = partial || option.name == "partial";
  }
  std::vector<std::string> phrases;
  for (const ast::StringLit& phrase : m.list->phrases) phrases.push_back(phrase.value);
  // Unless partial, the set looks for the bare phrases and the full atom confirms word edges.
  Atom atom = NewAtom(name.name, m.file, m.list->name.span);
  atom.is_list = true;
  if (!partial) {
    atom.set_pattern = ListSetSource(phrases, case_sensitive);
    atom.fold_edges = ListHasFoldEdges(phrases, case_sensitive);
    atom.exact_on_ascii = ListExactOnAscii(phrases);
  }
  return AtomFor(field, ListAtomSource(phrases, case_sensitive, partial), std::move(atom));
}

// An atom named after the pattern, list or literal that produces it, declared at file:span.
Atom AtomTable::NewAtom(std::string name, FileId file, SourceSpan span) const {
  Atom atom;
  atom.name = std::move(name);
  atom.file = file;
  atom.span = span;
  atom.location = SourceLocation(sources_, file, span);
  return atom;
}

// The atom of `source` on `field`, created from `atom` (its origin; for a list, also its set
// entry and flags) on first use, else the existing one.
int AtomTable::AtomFor(int field, const std::string& source, Atom atom) {
  auto key = std::make_pair(field, source);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  atom.field = field;
  atom.pattern = source;
  if (atom.set_pattern.empty()) atom.set_pattern = source;
  atom.re.Set(source, AtomOptions());
  atom.set_re.Set(atom.set_pattern, AtomOptions());
  if (atom.is_list && atom.set_pattern != source) {
    // A list (quoted phrases: RE2 cannot refuse it); its costly regex is built on first use.
    const int index = static_cast<int>(program_->atoms.size());
    program_->atoms.push_back(std::move(atom));
    index_.emplace(key, index);
    return index;
  }
  std::unique_ptr<RE2> re = regexes_->Take(source);
  if (re == nullptr) re = std::make_unique<RE2>(source, AtomOptions());
  if (!re->ok()) {
    // Checked already at the literal; a list source that RE2 refuses is our bug.
    reporter_->Error("internal", "regex failed to compile: " + re->error(), FileId{}, {});
    return -1;
  }
  atom.re.SetCompiled(std::move(re));
  const int index = static_cast<int>(program_->atoms.size());
  program_->atoms.push_back(std::move(atom));
  index_.emplace(key, index);
  return index;
}

}  // namespace triage::internal
