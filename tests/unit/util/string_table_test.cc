// SPDX-License-Identifier: Apache-2.0
// Tests of StringTable and HashWord (engine/src/util/string_table.cc): the interning table the
// word-level layer looks every token up in.
#include "util/string_table.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace triage::internal {
namespace {

TEST(StringTableTest, GivesDenseIdsInOrderAndFindsThemAgain) {
  StringTable table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Find("motel"), StringTable::kNone);  // an empty table holds nothing
  EXPECT_EQ(table.Intern("motel"), 0u);
  EXPECT_EQ(table.Intern("tonight"), 1u);
  EXPECT_EQ(table.Intern("motel"), 0u);  // interning again gives the same id
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Find("tonight"), 1u);
  EXPECT_EQ(table.view(0), "motel");
  EXPECT_EQ(table.view(1), "tonight");
}

TEST(StringTableTest, TellsApartStringsThatShareAPrefixOrDifferOnlyInTheirTail) {
  StringTable table;
  // Lengths around the 4- and 8-byte loads of HashWord.
  const std::vector<std::string> words = {"", "a", "ab", "abc", "abcd", "abcde", "abcdefg",
                                          "abcdefgh", "abcdefghi", "abcdefgX", "abcdXfgh"};
  for (size_t i = 0; i < words.size(); ++i) EXPECT_EQ(table.Intern(words[i]), i) << words[i];
  for (size_t i = 0; i < words.size(); ++i) EXPECT_EQ(table.Find(words[i]), i) << words[i];
  EXPECT_EQ(table.Find("abcdefgY"), StringTable::kNone);
  EXPECT_EQ(table.Find("abcdefghij"), StringTable::kNone);
}

TEST(StringTableTest, KeepsEveryIdAcrossGrowth) {
  StringTable table;
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(table.Intern("w" + std::to_string(i)), uint32_t(i));
  for (int i = 0; i < 5000; ++i) {
    const std::string word = "w" + std::to_string(i);
    ASSERT_EQ(table.Find(word), uint32_t(i));
    ASSERT_EQ(table.view(uint32_t(i)), word);
  }
  EXPECT_EQ(table.Find("w5000"), StringTable::kNone);
}

TEST(StringTableTest, ClearForgetsEveryStringAndStartsIdsAgain) {
  StringTable table;
  for (int i = 0; i < 100; ++i) table.Intern("x" + std::to_string(i));
  table.Clear();
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.Find("x1"), StringTable::kNone);
  EXPECT_EQ(table.Intern("x1"), 0u);
  EXPECT_EQ(table.Find("x1"), 0u);
}

TEST(StringTableTest, TheGivenHashIsTheOneFindUses) {
  StringTable table;
  const uint64_t hash = HashWord("passport");
  EXPECT_EQ(table.Intern("passport", hash), 0u);
  EXPECT_EQ(table.Find("passport"), 0u);
  EXPECT_EQ(table.Find("passport", hash), 0u);
  EXPECT_EQ(HashWord("passport"), hash);  // deterministic
  EXPECT_NE(HashWord("passport"), HashWord("passporT"));
}

}  // namespace
}  // namespace triage::internal
