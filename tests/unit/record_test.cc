// SPDX-License-Identifier: Apache-2.0
// Tests of Record: typed Add overloads, chaining, and Get returning a field's values in insertion
// order.
#include "triage/record.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace triage {
namespace {

TEST(RecordTest, AddStoresTypedValues) {
  Record record;
  record.Add("text", std::string("help"))
      .Add("kind", "sms")
      .Add("victim.age", 12)
      .Add("score", 2.5)
      .Add("verified", true);
  ASSERT_EQ(record.entries().size(), 5U);
  EXPECT_EQ(std::get<std::string>(record.entries()[0].second), "help");
  EXPECT_EQ(std::get<std::string>(record.entries()[1].second), "sms");
  EXPECT_EQ(std::get<double>(record.entries()[2].second), 12.0);
  EXPECT_EQ(std::get<double>(record.entries()[3].second), 2.5);
  EXPECT_EQ(std::get<bool>(record.entries()[4].second), true);
}

TEST(RecordTest, StringLiteralIsTextNotBool) {
  Record record;
  record.Add("channel", "web");
  ASSERT_EQ(record.Get("channel").size(), 1U);
  EXPECT_TRUE(std::holds_alternative<std::string>(*record.Get("channel")[0]));
}

TEST(RecordTest, GetReturnsValuesInInsertionOrder) {
  Record record;
  record.Add("victim.age", 12).Add("text", "first").Add("victim.age", 15).Add("text", "second");
  const auto ages = record.Get("victim.age");
  ASSERT_EQ(ages.size(), 2U);
  EXPECT_EQ(std::get<double>(*ages[0]), 12.0);
  EXPECT_EQ(std::get<double>(*ages[1]), 15.0);
  const auto texts = record.Get("text");
  ASSERT_EQ(texts.size(), 2U);
  EXPECT_EQ(std::get<std::string>(*texts[0]), "first");
  EXPECT_EQ(std::get<std::string>(*texts[1]), "second");
}

TEST(RecordTest, GetOfAbsentFieldIsEmpty) {
  Record record;
  EXPECT_TRUE(record.Get("text").empty());
  record.Add("text", "x");
  EXPECT_TRUE(record.Get("tex").empty());
  EXPECT_TRUE(record.Get("text.extra").empty());
}

}  // namespace
}  // namespace triage
