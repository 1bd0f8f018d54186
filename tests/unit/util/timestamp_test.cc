// SPDX-License-Identifier: Apache-2.0
// Tests of ParseTimestamp and FormatTimestamp (engine/src/util/timestamp.cc).
#include "triage/timestamp.h"

#include <optional>

#include <gtest/gtest.h>

namespace triage {
namespace {

TEST(TimestampTest, ParsesRfc3339InUtc) {
  EXPECT_EQ(ParseTimestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestamp("2026-11-02T10:00:00Z"), int64_t{1793613600} * 1000000);
  EXPECT_EQ(ParseTimestamp("2026-11-02t10:00:00z"), ParseTimestamp("2026-11-02T10:00:00Z"));
  EXPECT_EQ(ParseTimestamp("2026-11-02T12:30:00+02:30"), ParseTimestamp("2026-11-02T10:00:00Z"));
  EXPECT_EQ(ParseTimestamp("2026-11-02T05:00:00-05:00"), ParseTimestamp("2026-11-02T10:00:00Z"));
  EXPECT_EQ(*ParseTimestamp("2026-11-02T10:00:00.25Z") - *ParseTimestamp("2026-11-02T10:00:00Z"),
            250000);
  EXPECT_EQ(
      *ParseTimestamp("2026-11-02T10:00:00.1234567Z") - *ParseTimestamp("2026-11-02T10:00:00Z"),
      123456);
  EXPECT_EQ(ParseTimestamp("2028-02-29T00:00:00Z").has_value(), true);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59Z"), -1000000);
}

TEST(TimestampTest, RefusesWhatIsNotADateTime) {
  for (const char* bad : {"", "2026-11-02", "2026-11-02T10:00Z", "2026-11-02T10:00:00",
                          "2026-11-02 10:00:00Z", "2026-13-02T10:00:00Z", "2026-02-29T10:00:00Z",
                          "2026-11-31T10:00:00Z", "2026-11-02T24:00:00Z", "2026-11-02T10:00:00.Z",
                          "2026-11-02T10:00:00Zjunk", "2026-11-02T10:00:00+2:00", "yesterday"}) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << bad;
  }
}

TEST(TimestampTest, FormatsInOneCanonicalForm) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-11-02T12:30:00+02:30")), "2026-11-02T10:00:00Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-11-02T10:00:00.250Z")),
            "2026-11-02T10:00:00.25Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2028-02-29T23:59:59Z")), "2028-02-29T23:59:59Z");
}

}  // namespace
}  // namespace triage
