// SPDX-License-Identifier: Apache-2.0
// The numbers and operators of a rule file as the compiler reads them: scores (whole numbers,
// signed when additive, range-checked), counts and windows, comparison operators; and the
// language's fixed limits on them. Shared by the passes that lower clauses and conditions.
#ifndef TRIAGE_COMPILE_LITERALS_H_
#define TRIAGE_COMPILE_LITERALS_H_

#include <cstddef>
#include <string>

#include "compile/program.h"
#include "compile/reporter.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

// The most a category score (or its override) may add or subtract.
constexpr int kMaxCategoryScore = 100;
// The widest context scope and proximity `within`, in tokens.
constexpr int kMaxWindow = 50;
// near(...) and ordered(...) without `within`.
constexpr int kDefaultWithin = 5;

// Reads the whole number `lit` into *out. `signed_delta` requires an explicit sign (+15, -5);
// otherwise a sign is refused. Reports bad-score (not whole, sign) or score-range (outside
// [min, max]) at the literal, naming it `what`, and returns false.
bool ParseScore(const ast::NumberLit& lit, FileId file, bool signed_delta, int min, int max,
                const std::string& what, int* out, Reporter* reporter);

// Reads a comparison operator (== != < <= > >=) into *cmp; false for anything else.
bool ParseCmp(const std::string& op, Cmp* cmp);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_LITERALS_H_
