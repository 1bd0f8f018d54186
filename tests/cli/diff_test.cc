// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage diff`: identical configs change nothing; raising the P1 floor from
// 80 to 90 moves exactly the records scoring in [80, 90) from P1 to P2, listed first and flagged
// as less urgent; --labels says whether a move goes toward or away from the labelled band; rule
// and category changes are listed; exit codes.

#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::Jsonl;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

// wNN adds NN urgency; ce scores enticement 40; ce_weak scores it 25 (under assign_min 30).
const char kMarkerRules[] = R"(# Rules whose scores a test can add up by hand.
category enticement "Online enticement of children for sexual acts"

rule w50 { when text ~ /\bw50\b/ urgency +50 }
rule w40 { when text ~ /\bw40\b/ urgency +40 }
rule w20 { when text ~ /\bw20\b/ urgency +20 }
rule w10 { when text ~ /\bw10\b/ urgency +10 }
rule w5  { when text ~ /\bw5\b/  urgency +5 }
rule ce  { when text ~ /\bce\b/  category enticement +40 }
)";

const char kHeadBands[] = R"(rules: [test.rules]
urgency:
  bands:
    - {name: P1, min: 90}
    - {name: P2, min: 50}
    - {name: P3, min: 20}
    - {name: P4, min: 0}
)";

std::string Record(const std::string& id, const std::string& markers) {
  return R"({"id":")" + id + R"(","summary":"Intake note from a caller. Markers: )" + markers +
         R"(."})";
}

// Scores: 95, 90, 85, 80, 70, 50, 10.
std::string Corpus() {
  return Jsonl({Record("s95", "w50 w40 w5"), Record("s90", "w50 w40"),
                Record("s85", "w50 w20 w10 w5 ce"), Record("s80", "w50 w20 w10"),
                Record("s70", "w50 w20"), Record("s50", "w50"), Record("s10", "w10")});
}

class DiffTest : public ::testing::Test {
 protected:
  DiffTest() : pack_(kMarkerRules) {
    corpus_ = pack_.AddFile("corpus.jsonl", Corpus());
    head_ = pack_.AddFile("head.yaml", kHeadBands);
  }

  ProcessResult Diff(const std::string& base, const std::string& head,
                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"diff", "--base", base, "--head", head, corpus_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args);
  }

  void DiffJson(const std::string& base, const std::string& head,
                std::vector<std::string> extra = {}) {
    extra.emplace_back("--format");
    extra.emplace_back("json");
    const ProcessResult result = Diff(base, head, extra);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    document_.Parse(result.out.c_str(), result.out.size());
    ASSERT_FALSE(document_.HasParseError()) << result.out;
  }

  TempRulePack pack_;
  std::string corpus_;
  std::string head_;
  rapidjson::Document document_;
};

TEST_F(DiffTest, IdenticalConfigsChangeNothing) {
  DiffJson(pack_.config(), pack_.config());
  EXPECT_EQ(document_["records"].GetInt(), 7);
  EXPECT_EQ(document_["changed"].GetInt(), 0);
  EXPECT_EQ(document_["changes"].GetArray().Size(), 0U);
  EXPECT_EQ(document_["categories"].GetArray().Size(), 0U);
  EXPECT_STREQ(document_["base"]["ruleset"].GetString(), document_["head"]["ruleset"].GetString());
  const auto matrix = document_["transitions"].GetArray();
  for (size_t b = 0; b < matrix.Size(); ++b) {
    for (size_t h = 0; h < matrix[b].Size(); ++h) {
      if (b != h) {
        EXPECT_EQ(matrix[b][h].GetInt(), 0) << b << "," << h;
      }
    }
  }
  EXPECT_EQ(matrix[0][0].GetInt(), 4);  // 95 90 85 80

  const ProcessResult text = Diff(pack_.config(), pack_.config());
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("0 changed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("identical"), std::string::npos) << text.out;
}

TEST_F(DiffTest, RaisedP1FloorMovesExactlyScoresFrom80To89) {
  DiffJson(pack_.config(), head_);
  EXPECT_EQ(document_["changed"].GetInt(), 2);
  EXPECT_EQ(document_["less_urgent"].GetInt(), 2);
  EXPECT_EQ(document_["more_urgent"].GetInt(), 0);
  const auto changes = document_["changes"].GetArray();
  ASSERT_EQ(changes.Size(), 2U);
  const char* const ids[] = {"s85", "s80"};  // input order within the same move
  const int scores[] = {85, 80};
  for (size_t i = 0; i < 2; ++i) {
    const rapidjson::Value& c = changes[i];
    EXPECT_STREQ(c["id"].GetString(), ids[i]);
    EXPECT_STREQ(c["base"]["band"].GetString(), "P1");
    EXPECT_STREQ(c["head"]["band"].GetString(), "P2");
    EXPECT_EQ(c["base"]["score"].GetInt(), scores[i]);
    EXPECT_EQ(c["head"]["score"].GetInt(), scores[i]);
    EXPECT_STREQ(c["move"].GetString(), "less_urgent");
    EXPECT_EQ(c["rules_added"].GetArray().Size(), 0U);
    EXPECT_EQ(c["rules_removed"].GetArray().Size(), 0U);
    EXPECT_FALSE(c.HasMember("label"));
  }
  EXPECT_EQ(document_["transitions"][0][1].GetInt(), 2);
  EXPECT_EQ(document_["transitions"][0][0].GetInt(), 2);  // 95 and 90 stay

  // Text: the moves are flagged with '!' and come right after the heading.
  const ProcessResult text = Diff(pack_.config(), head_);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  const std::vector<std::string> lines = SplitLines(text.out);
  size_t heading = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("Changed records", 0) == 0) heading = i;
  }
  ASSERT_LT(heading + 2, lines.size()) << text.out;
  EXPECT_EQ(lines[heading + 1].rfind("! s85  P1 85 -> P2 85  less urgent", 0), 0U) << text.out;
  size_t flagged = 0;
  for (const std::string& line : lines) flagged += line.rfind("! ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(flagged, 2U) << text.out;
}

TEST_F(DiffTest, LabelsTellTowardOrAway) {
  const std::string labels = pack_.AddFile(
      "labels.jsonl", Jsonl({R"({"id":"s85","band":"P1"})", R"({"id":"s80","band":"P2"})"}));
  DiffJson(pack_.config(), head_, {"--labels", labels});
  const auto changes = document_["changes"].GetArray();
  ASSERT_EQ(changes.Size(), 2U);
  EXPECT_STREQ(changes[0]["label"]["band"].GetString(), "P1");
  EXPECT_STREQ(changes[0]["label"]["relation"].GetString(), "away");
  EXPECT_STREQ(changes[1]["label"]["band"].GetString(), "P2");
  EXPECT_STREQ(changes[1]["label"]["relation"].GetString(), "toward");
}

TEST_F(DiffTest, ListsRuleAndCategoryChanges) {
  // The head drops `ce` and gives w5 more urgency: s85 loses enticement and rises to 90 (P1);
  // s95 rises to 100; nothing else changes.
  TempRulePack head(std::string(kMarkerRules),
                    "overrides:\n  ce: {enabled: false}\n"
                    "  w5: {urgency: 10}\n");
  DiffJson(pack_.config(), head.config());
  EXPECT_EQ(document_["changed"].GetInt(), 2);
  const auto changes = document_["changes"].GetArray();
  ASSERT_EQ(changes.Size(), 2U);
  // Both stay in P1: changes within a band, in input order.
  EXPECT_STREQ(changes[0]["id"].GetString(), "s95");
  EXPECT_STREQ(changes[0]["move"].GetString(), "none");
  EXPECT_EQ(changes[0]["head"]["score"].GetInt(), 100);
  EXPECT_STREQ(changes[1]["id"].GetString(), "s85");
  EXPECT_EQ(changes[1]["head"]["score"].GetInt(), 90);
  ASSERT_EQ(changes[1]["rules_removed"].GetArray().Size(), 1U);
  EXPECT_STREQ(changes[1]["rules_removed"][0].GetString(), "ce");
  const auto categories = document_["categories"].GetArray();
  ASSERT_EQ(categories.Size(), 2U);
  for (const auto& c : categories) {
    const std::string name = c["name"].GetString();
    if (name == "enticement") {
      EXPECT_EQ(c["removed"].GetInt(), 1);
    }
    if (name == "unclassified") {
      EXPECT_EQ(c["added"].GetInt(), 1);
    }
  }
}

TEST_F(DiffTest, BadLineExitsOneAndMissingConfigFails) {
  pack_.AddFile("corpus.jsonl", Corpus() + "{\"id\":\"bad\",\"summary\":\"cut short\n");
  const ProcessResult result = Diff(pack_.config(), head_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("corpus.jsonl:8:"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("cut short"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("2 changed"), std::string::npos) << result.out;

  EXPECT_EQ(Diff(pack_.config(), pack_.dir() + "/missing.yaml").exit_code, 1);
  EXPECT_EQ(RunTriage({"diff", "--base", pack_.config()}).exit_code, 2);
}

}  // namespace
}  // namespace triage
