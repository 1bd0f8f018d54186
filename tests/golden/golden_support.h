// SPDX-License-Identifier: Apache-2.0
// What the golden tests share: the cases of a directory, the comparison of an output with its
// <case>.expected, and TRIAGE_UPDATE_GOLDEN=1 to rewrite the expectations (tests/golden/README.md;
// review the diff before committing).
#ifndef TRIAGE_TESTS_GOLDEN_GOLDEN_SUPPORT_H_
#define TRIAGE_TESTS_GOLDEN_GOLDEN_SUPPORT_H_

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace triage::golden {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The names of the <case>.rules files of `dir`, sorted.
inline std::vector<std::string> Cases(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".rules") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Expects `actual` to equal the file `expected_path` byte for byte; with TRIAGE_UPDATE_GOLDEN=1,
// writes it there instead and skips the test.
inline void ExpectGolden(const std::string& actual, const std::filesystem::path& expected_path) {
  const char* update = std::getenv("TRIAGE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << expected_path;
  }
  ASSERT_TRUE(std::filesystem::exists(expected_path))
      << "missing " << expected_path << " (run with TRIAGE_UPDATE_GOLDEN=1)";
  EXPECT_EQ(actual, ReadFile(expected_path));
}

// A case name as a test name: every character that is not a letter or digit becomes '_'.
inline std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace triage::golden

#endif  // TRIAGE_TESTS_GOLDEN_GOLDEN_SUPPORT_H_
