// SPDX-License-Identifier: Apache-2.0
// A 1-based line:column pair that tests compare diagnostics against, printable by GoogleTest.
#ifndef TRIAGE_TESTS_SUPPORT_POSITION_H_
#define TRIAGE_TESTS_SUPPORT_POSITION_H_

#include <cstdint>
#include <ostream>

namespace triage::testing {

struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const Position& a, const Position& b) {
    return a.line == b.line && a.column == b.column;
  }
};

inline std::ostream& operator<<(std::ostream& os, const Position& p) {
  return os << p.line << ":" << p.column;
}

}  // namespace triage::testing

#endif  // TRIAGE_TESTS_SUPPORT_POSITION_H_
