// SPDX-License-Identifier: Apache-2.0
// Label lines through the public API: the accepted shapes and every rejection code.
#include "triage/labels.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/config.h"

namespace triage {
namespace {

class LabelsTest : public ::testing::Test {
 protected:
  LabelsTest() {
    config_.bands = DefaultBands();
    config_.fallback = "unclassified";
  }

  // Returns the record code of adding `text` as line 1 ("" if accepted).
  std::string CodeOf(const std::string& text) {
    LabelParser parser(config_, {"enticement", "csam"});
    LabelSet set;
    const Status status = parser.Add(text, 1, &set);
    return status.ok() ? "" : status.record_code();
  }

  EngineConfig config_;
};

TEST_F(LabelsTest, ReadsBandAndDistinctCategories) {
  LabelParser parser(config_, {"enticement", "csam"});
  LabelSet set;
  ASSERT_TRUE(
      parser.Add(R"({"id":"r-1","band":"P2","categories":["csam","csam","enticement"]})", 3, &set)
          .ok());
  ASSERT_TRUE(parser.Add(R"({"id":"r-2","categories":["unclassified"],"note":"x"})", 4, &set).ok());
  ASSERT_EQ(set.labels.size(), 2u);
  EXPECT_EQ(set.labels[0].line, 3u);
  EXPECT_EQ(set.labels[0].band, 1u);
  EXPECT_EQ(*set.labels[0].categories, (std::vector<std::string>{"csam", "enticement"}));
  EXPECT_FALSE(set.labels[1].band.has_value());
  EXPECT_EQ(set.by_id.at("r-2"), 1u);
}

TEST_F(LabelsTest, RejectsBadLinesWithStableCodes) {
  EXPECT_EQ(CodeOf("{"), "invalid_json");
  EXPECT_EQ(CodeOf("[1]"), "not_an_object");
  EXPECT_EQ(CodeOf(R"({"band":"P1"})"), "missing_id");
  EXPECT_EQ(CodeOf(R"({"id":"","band":"P1"})"), "wrong_type");
  EXPECT_EQ(CodeOf(R"({"id":"a","band":1})"), "wrong_type");
  EXPECT_EQ(CodeOf(R"({"id":"a","band":"P9"})"), "unknown_band");
  EXPECT_EQ(CodeOf(R"({"id":"a","categories":"csam"})"), "wrong_type");
  EXPECT_EQ(CodeOf(R"({"id":"a","categories":["nope"]})"), "unknown_category");
  EXPECT_EQ(CodeOf(R"({"id":"a","categories":[]})"), "empty_categories");
  EXPECT_EQ(CodeOf(R"({"id":"a"})"), "empty_label");
  EXPECT_EQ(CodeOf(R"({"id":"a","band":"P4"})"), "");
}

TEST_F(LabelsTest, DuplicateIdIsRejectedAndTheSetKeepsTheFirst) {
  LabelParser parser(config_, {});
  LabelSet set;
  ASSERT_TRUE(parser.Add(R"({"id":"a","band":"P1"})", 1, &set).ok());
  const Status status = parser.Add(R"({"id":"a","band":"P2"})", 2, &set);
  EXPECT_EQ(status.record_code(), "duplicate_id");
  ASSERT_EQ(set.labels.size(), 1u);
  EXPECT_EQ(set.labels[0].band, 0u);
}

TEST_F(LabelsTest, MessagesQuoteNoLabelTextButTheId) {
  LabelParser parser(config_, {});
  LabelSet set;
  const Status status = parser.Add(R"({"id":"r-7","categories":["secret words"]})", 1, &set);
  EXPECT_EQ(status.record_code(), "unknown_category");
  EXPECT_NE(status.message().find("r-7"), std::string::npos);
}

}  // namespace
}  // namespace triage
