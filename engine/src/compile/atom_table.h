// SPDX-License-Identifier: Apache-2.0
// The atom table: a regex literal, a pattern or a phrase list applied to one field becomes an
// atom of that field (program.h), created on first use and shared by every condition that
// applies the same RE2 source to the same field. Names resolve against the symbol table (a
// pattern or list, marked used); a list's atom carries its cheaper set entry and flags for the
// matcher (compile/atoms.h, compile/matcher_plan.h).
// Not thread-safe (one per compilation).
#ifndef TRIAGE_COMPILE_ATOM_TABLE_H_
#define TRIAGE_COMPILE_ATOM_TABLE_H_

#include <map>
#include <string>
#include <utility>

#include "triage/source.h"

#include "compile/program.h"
#include "compile/regex_check.h"
#include "compile/reporter.h"
#include "compile/symbols.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

class AtomTable {
 public:
  // Every argument outlives the table.
  AtomTable(const SourceManager& sources, Symbols* symbols, RegexChecker* regexes, Program* program,
            Reporter* reporter)
      : sources_(sources),
        symbols_(symbols),
        regexes_(regexes),
        program_(program),
        reporter_(reporter) {}

  // The atom of regex literal `regex` (written in `file`) on field `field`: checked at the
  // literal first (regex_check.h). -1 when it fails the check or `field` is -1.
  int ForRegex(const ast::RegexLit& regex, int field, FileId file);

  // The atom of pattern or list `name` on field `field`, the declaration marked used. -1 after
  // reporting unknown-name (with a did-you-mean note), or when the declaration had errors or
  // `field` is -1.
  int ForName(const ast::Identifier& name, int field, FileId file);

 private:
  Atom NewAtom(std::string name, FileId file, SourceSpan span) const;
  int AtomFor(int field, const std::string& source, Atom atom);

  const SourceManager& sources_;
  Symbols* symbols_;
  RegexChecker* regexes_;
  Program* program_;
  Reporter* reporter_;
  std::map<std::pair<int, std::string>, int> index_;  // (field, source) -> atom
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_ATOM_TABLE_H_
