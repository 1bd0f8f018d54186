// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage filter --shadow` and `--stats`: the output is unchanged, the shadow
// log lists exactly the records on which the candidate disagrees, in input order, for any --jobs,
// and the stats report counts rule hits.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_harness.h"

namespace triage::test_support {
namespace {

constexpr char kRules[] = R"(category c
rule meet { when text ~ /\bmeet\b/i urgency +40 category c +40 }
rule tonight { when text ~ /\btonight\b/i urgency +30 }
)";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  return lines;
}

std::string Input() {
  return Jsonl({R"({"id":"a","summary":"wants to meet"})", R"({"id":"b","summary":"nothing"})",
                R"({"id":"c","summary":"meet tonight"})", "not json",
                R"({"id":"d","summary":"tonight"})"});
}

TEST(ShadowTest, OutputUnchangedAndDisagreementsLogged) {
  TempRulePack live(kRules);
  // The candidate raises "tonight": records with it move from P3/P2 upward.
  TempRulePack candidate(kRules, "overrides:\n  tonight: {urgency: 45}\n");
  const std::string log = candidate.dir() + "/shadow.jsonl";
  ProcessResult plain = RunTriage({"filter", "-c", live.config(), "-o", "decision"}, Input());
  for (const char* jobs : {"1", "3"}) {
    ProcessResult shadowed = RunTriage({"filter", "-c", live.config(), "-o", "decision", "-j", jobs,
                                        "--shadow", candidate.config(), "--shadow-log", log},
                                       Input());
    EXPECT_EQ(shadowed.exit_code, 1);  // the "not json" line
    EXPECT_EQ(shadowed.out, plain.out);
    const std::vector<std::string> entries = Lines(ReadAll(log));
    ASSERT_EQ(entries.size(), 2u) << ReadAll(log);
    EXPECT_NE(entries[0].find(R"("line":3,"id":"c")"), std::string::npos) << entries[0];
    EXPECT_NE(entries[0].find(R"("live":{"band":"P2","score":70)"), std::string::npos);
    EXPECT_NE(entries[0].find(R"("candidate":{"band":"P1","score":85)"), std::string::npos);
    EXPECT_NE(entries[0].find(R"("move":"more_urgent")"), std::string::npos);
    EXPECT_NE(entries[1].find(R"("line":5,"id":"d")"), std::string::npos) << entries[1];
    EXPECT_NE(shadowed.err.find("4 records compared"), std::string::npos) << shadowed.err;
    EXPECT_NE(shadowed.err.find("2 disagree"), std::string::npos) << shadowed.err;
    EXPECT_EQ(shadowed.err.find("meet"), std::string::npos);  // no record text on stderr
  }
}

TEST(ShadowTest, IdenticalCandidateDisagreesNowhere) {
  TempRulePack live(kRules);
  const std::string log = live.dir() + "/shadow.jsonl";
  ProcessResult r = RunTriage({"filter", "-c", live.config(), "--shadow", live.config(),
                               "--shadow-log", log},
                              Input());
  EXPECT_EQ(ReadAll(log), "");
  EXPECT_NE(r.err.find("0 disagree"), std::string::npos) << r.err;
}

TEST(ShadowTest, BrokenCandidateIsAnError) {
  TempRulePack live(kRules);
  TempRulePack broken("rule r { when }");
  ProcessResult r = RunTriage({"filter", "-c", live.config(), "--shadow", broken.config()},
                              Input());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("error:"), std::string::npos);
}

TEST(ShadowTest, ShadowLogNeedsShadow) {
  TempRulePack live(kRules);
  ProcessResult r = RunTriage({"filter", "-c", live.config(), "--shadow-log", "/tmp/x"}, Input());
  EXPECT_EQ(r.exit_code, 2);
}

TEST(StatsTest, ReportCountsRecordsAndRuleHits) {
  TempRulePack live(kRules);
  const std::string stats = live.dir() + "/stats.json";
  for (const char* jobs : {"1", "2"}) {
    ProcessResult r =
        RunTriage({"filter", "-c", live.config(), "-j", jobs, "--stats", stats}, Input());
    EXPECT_EQ(r.exit_code, 1);
    const std::string report = ReadAll(stats);
    EXPECT_TRUE(IsJson(report.substr(0, report.size() - 1))) << report;
    EXPECT_NE(report.find(R"("records":5)"), std::string::npos) << report;
    EXPECT_NE(report.find(R"({"rule":"meet","hits":2,)"), std::string::npos) << report;
    EXPECT_NE(report.find(R"({"rule":"tonight","hits":2,)"), std::string::npos) << report;
    EXPECT_NE(report.find(R"("field":"text","values":4)"), std::string::npos) << report;
  }
}

}  // namespace
}  // namespace triage::test_support
