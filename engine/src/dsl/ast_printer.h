// SPDX-License-Identifier: Apache-2.0
// The AST printer: a parsed rule file as indented text, one node a line, as the Spirit X3
// examples print theirs (example/x3/rexpr: ast / printer / grammar). It prints the tree exactly
// as the grammar built it — every node, including an `or` or `and` of one term, with its kind, its
// own values and its byte span `[begin, end)` — so that a golden dump (tests/golden/parse) fails on
// any change of structure, attribute or span, not only on a change of meaning. Strings, regexes
// and numbers are printed as the AST holds them (strings with their escapes resolved, then
// quoted with \" \\ \n \t escaped again).
//
//   rule r @0..42 "description"
//     when @9..40
//       or @14..40
//         and @14..40
//           match @14..26 op=~
//             field text @14..18
//             regex /x/i @21..26
//
// A pure function of its argument: thread-safe.
#ifndef TRIAGE_DSL_AST_PRINTER_H_
#define TRIAGE_DSL_AST_PRINTER_H_

#include <string>

#include "dsl/ast.h"

namespace triage::dsl {

// Returns the tree of `file`'s declarations, one node a line, children indented by two spaces,
// each line ending in '\n' (an empty string for a file without declarations).
std::string PrintAst(const ast::RuleFile& file);

}  // namespace triage::dsl

#endif  // TRIAGE_DSL_AST_PRINTER_H_
