// SPDX-License-Identifier: Apache-2.0
#include "triage/band_index.h"

#include <gtest/gtest.h>

#include "triage/config.h"

namespace triage {
namespace {

TEST(BandIndexTest, FindsPositionMostUrgentFirst) {
  const std::vector<UrgencyBand> bands = DefaultBands();
  EXPECT_EQ(FindBand(bands, "P1"), 0u);
  EXPECT_EQ(FindBand(bands, "P4"), 3u);
}

TEST(BandIndexTest, UnknownNameIsNullopt) {
  EXPECT_FALSE(FindBand(DefaultBands(), "P5").has_value());
  EXPECT_FALSE(FindBand({}, "P1").has_value());
}

}  // namespace
}  // namespace triage
