// SPDX-License-Identifier: Apache-2.0
// RegexChecker: a regex literal checked where it is written — its flags, then RE2's verdict on
// the atom source it becomes — with RE2's complaint reported at the literal (narrowed to the part
// RE2 names when it can be found). A regex that compiles is kept, by atom source, so that the
// atom built from it later (compile/atom_table.h) does not compile it a second time.
// Not thread-safe (one per compilation).
#ifndef TRIAGE_COMPILE_REGEX_CHECK_H_
#define TRIAGE_COMPILE_REGEX_CHECK_H_

#include <memory>
#include <string>
#include <unordered_map>

#include <re2/re2.h>

#include "triage/source.h"

#include "compile/reporter.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

class RegexChecker {
 public:
  // `sources` and *reporter outlive the checker.
  RegexChecker(const SourceManager& sources, Reporter* reporter)
      : sources_(sources), reporter_(reporter) {}

  // Checks `regex`, written in `file`. Returns false after reporting bad-regex-flag or bad-regex.
  bool Check(const ast::RegexLit& regex, FileId file);

  // The compiled regex Check kept for atom source `source`, handed over once; null when there is
  // none (not checked, failed, or already taken).
  std::unique_ptr<RE2> Take(const std::string& source);

 private:
  const SourceManager& sources_;
  Reporter* reporter_;
  std::unordered_map<std::string, std::unique_ptr<RE2>> checked_;
};

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_REGEX_CHECK_H_
