// SPDX-License-Identifier: Apache-2.0
// The declaration pass: every category, pattern, list, terms list, context, rule and top-level
// example of the parsed files, by name, in one symbol table that the later passes resolve names
// against and mark as used. Duplicates are errors that name both places (duplicate-name). Then,
// once, each pattern and list is checked where it is written: its regex (RE2's verdict at the
// literal) or its options and phrases.
//
// Namespaces (docs/rules.md section 2): patterns, lists and terms share one; rules have one;
// categories have one.
#ifndef TRIAGE_COMPILE_SYMBOLS_H_
#define TRIAGE_COMPILE_SYMBOLS_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "triage/source.h"

#include "compile/program.h"
#include "compile/regex_check.h"
#include "compile/reporter.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

// A `pattern` or `list` declaration.
struct MatcherDecl {
  bool is_list = false;
  const ast::PatternDecl* pattern = nullptr;
  const ast::ListDecl* list = nullptr;
  FileId file;
  bool valid = true;  // false when the declaration itself had an error
  bool used = false;
};

struct CategoryInfo {
  int index = -1;  // in Program::categories
  FileId file;
  SourceSpan span;
  bool used = false;
};

// A `terms` declaration.
struct TermsInfo {
  const ast::TermsDecl* decl = nullptr;
  FileId file;
  int index = -1;  // in Program::terms, once compiled
  bool valid = true;
  bool used = false;                  // by a rule, a context, or a list that includes it
  std::vector<std::string> includes;  // the terms lists it names, in order, once resolved
};

struct RuleInfo {
  const ast::RuleDecl* decl = nullptr;
  FileId file;
  std::set<int> refs;  // declaration indices of the rules its condition refers to
};

// An example (top-level or inside a rule), lowered once the rules are ordered.
struct PendingExample {
  const ast::ExampleDecl* decl = nullptr;
  FileId file;
  int rule = -1;  // declaration index of the enclosing rule, -1 at top level
};

struct Symbols {
  std::map<std::string, CategoryInfo> categories;
  std::map<std::string, MatcherDecl> matchers;  // patterns and lists
  std::map<std::string, TermsInfo> terms;
  std::map<std::string, int> rule_index;  // name -> declaration index
  std::vector<RuleInfo> rules;            // declaration order
  std::vector<std::pair<const ast::ContextDecl*, FileId>> contexts;
  std::vector<PendingExample> examples;  // top-level here; rule examples join as rules lower
};

// Collects the declarations of `files` into *symbols; each category also becomes an entry of
// program->categories (and its description). Reports duplicate-name (with a note at the first).
void CollectDeclarations(const std::vector<ast::RuleFile>& files, Symbols* symbols,
                         Program* program, Reporter* reporter);

// Checks each pattern's regex and each list's options and phrases (unknown-option, empty-phrase,
// bad-regex-flag, bad-regex), in name order; marks the failing ones invalid.
void CheckDeclarations(Symbols* symbols, RegexChecker* regexes, Reporter* reporter);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_SYMBOLS_H_
