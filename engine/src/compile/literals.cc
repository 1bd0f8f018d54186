// SPDX-License-Identifier: Apache-2.0
// Scores and comparison operators (compile/literals.h).
#include "compile/literals.h"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <string>

namespace triage::internal {

bool ParseScore(const ast::NumberLit& lit, FileId file, bool signed_delta, int min, int max,
                const std::string& what, int* out, Reporter* reporter) {
  const std::string& t = lit.text;
  if (t.find('.') != std::string::npos) {
    reporter->Error("bad-score", what + " must be a whole number", file, lit.span);
    return false;
  }
  const bool has_sign = !t.empty() && (t[0] == '+' || t[0] == '-');
  if (signed_delta && !has_sign) {
    reporter->Error("bad-score", what + " needs a sign: +" + t + " adds, -" + t + " subtracts",
                    file, lit.span);
    return false;
  }
  if (!signed_delta && has_sign) {
    reporter->Error("bad-score", what + " takes no sign", file, lit.span);
    return false;
  }
  errno = 0;
  const long long value = std::strtoll(t.c_str(), nullptr, 10);
  if (errno != 0 || value < min || value > max) {
    reporter->Error("score-range",
                    what + " " + t + " is out of range [" + std::to_string(min) + ", " +
                        std::to_string(max) + "]",
                    file, lit.span);
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool ParseCmp(const std::string& op, Cmp* cmp) {
  static const std::map<std::string, Cmp> kOps = {{"==", Cmp::kEq}, {"!=", Cmp::kNe},
                                                  {"<", Cmp::kLt},  {"<=", Cmp::kLe},
                                                  {">", Cmp::kGt},  {">=", Cmp::kGe}};
  auto it = kOps.find(op);
  if (it == kOps.end()) return false;
  *cmp = it->second;
  return true;
}

}  // namespace triage::internal
