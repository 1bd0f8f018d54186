// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage eval`: the numbers of a small hand-computed example (under-triage,
// per-category precision/recall/F1, band confusion, rule hits, matching), the order of the text
// report, --target-recall on a tiny example, the HTML page (balanced tags, one <svg> per chart
// section, escaped text, nothing external), and exit codes for bad labels and bad input lines.

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <sstream>
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
using test_support::TempRulePack;

// Markers in the text give exact scores: wNN adds NN urgency; ce / cew score enticement 40 / 20;
// cl scores labor_trafficking 35. Every record says "Intake", which one rule tags.
const char kMarkerRules[] = R"(# Rules whose scores a test can add up by hand.
category enticement "Online enticement of children for sexual acts"
category labor_trafficking "Labor trafficking"

rule w50 { when text ~ /\bw50\b/ urgency +50 }
rule w40 { when text ~ /\bw40\b/ urgency +40 }
rule w20 { when text ~ /\bw20\b/ urgency +20 }
rule w10 { when text ~ /\bw10\b/ urgency +10 }
rule w5  { when text ~ /\bw5\b/  urgency +5 }
rule ce  { when text ~ /\bce\b/  category enticement +40 }
rule cew { when text ~ /\bcew\b/ category enticement +20 }
rule cl  { when text ~ /\bcl\b/  category labor_trafficking +35 }
rule intake_note { when text ~ /\bIntake\b/ tag "intake" }
rule unused_marker { when text ~ /\bzz9\b/ urgency +5 }
)";

std::string Record(const std::string& id, const std::string& markers) {
  return R"({"id":")" + id + R"(","summary":"Intake note from a caller. Markers: )" + markers +
         R"(."})";
}

// Decisions (default bands P1 80, P2 50, P3 20, P4 0; assign_min 30):
//   r-1  90 P1 [enticement]          label P1 [enticement]
//   r-2  70 P2 [labor_trafficking]   label P1 [labor_trafficking]
//   r-3  20 P3 [unclassified]        label P2 [enticement]        under-triage
//   r-4  10 P4 [unclassified]        label P1 [enticement]        under-triage (enticement 20)
//   r-5  50 P2 [enticement, labor]   label P2 [enticement]
//   r-6   5 P4 [unclassified]        label P4 [unclassified]
//   r-7  50 P2 [labor_trafficking]   label P3 [labor_trafficking]
//   r-8   5 P4                       no label
//   r-9                              label without a record
std::string Corpus() {
  return Jsonl({Record("r-1", "w50 w40 ce"), Record("r-2", "w50 w20 cl"), Record("r-3", "w20"),
                Record("r-4", "w10 cew"), Record("r-5", "w50 ce cl"), Record("r-6", "w5"),
                Record("r-7", "w40 w10 cl"), Record("r-8", "w5")});
}

std::string Labels() {
  return Jsonl({
      R"({"id":"r-1","band":"P1","categories":["enticement"]})",
      R"({"id":"r-2","band":"P1","categories":["labor_trafficking"]})",
      R"({"id":"r-3","band":"P2","categories":["enticement"]})",
      R"({"id":"r-4","band":"P1","categories":["enticement"]})",
      R"({"id":"r-5","band":"P2","categories":["enticement"]})",
      R"({"id":"r-6","band":"P4","categories":["unclassified"]})",
      R"({"id":"r-7","band":"P3","categories":["labor_trafficking"],"note":"ignored"})",
      R"({"id":"r-9","band":"P3"})",
  });
}

class EvalTest : public ::testing::Test {
 protected:
  EvalTest() : pack_(kMarkerRules) {
    corpus_ = pack_.AddFile("corpus.jsonl", Corpus());
    labels_ = pack_.AddFile("labels.jsonl", Labels());
  }

  ProcessResult Eval(std::vector<std::string> extra) {
    std::vector<std::string> args = {"eval",     "--config", pack_.config(),
                                     "--labels", labels_,    corpus_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args);
  }

  // Runs eval with --format json and parses stdout into document_.
  void EvalJson(std::vector<std::string> extra = {}) {
    extra.emplace_back("--format");
    extra.emplace_back("json");
    const ProcessResult result = Eval(extra);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    document_.Parse(result.out.c_str(), result.out.size());
    ASSERT_FALSE(document_.HasParseError()) << result.out;
    ASSERT_TRUE(document_.IsObject());
  }

  const rapidjson::Value& Category(const std::string& name) {
    for (const auto& c : document_["categories"]["per_category"].GetArray()) {
      if (name == c["name"].GetString()) return c;
    }
    ADD_FAILURE() << "no category " << name;
    return document_;
  }

  TempRulePack pack_;
  std::string corpus_;
  std::string labels_;
  rapidjson::Document document_;
};

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString());
  return out;
}

TEST_F(EvalTest, UnderTriageMatchesHandCount) {
  EvalJson();
  const rapidjson::Value& under = document_["under_triage"];
  EXPECT_STREQ(under["urgent_band"].GetString(), "P2");
  EXPECT_EQ(under["expected_urgent"].GetInt(), 5);  // r-1 r-2 r-3 r-4 r-5
  EXPECT_EQ(under["count"].GetInt(), 2);
  const auto records = under["records"].GetArray();
  ASSERT_EQ(records.Size(), 2U);
  EXPECT_STREQ(records[0]["id"].GetString(), "r-3");
  EXPECT_STREQ(records[0]["expected"].GetString(), "P2");
  EXPECT_STREQ(records[0]["decided"].GetString(), "P3");
  EXPECT_EQ(records[0]["score"].GetInt(), 20);
  EXPECT_STREQ(records[1]["id"].GetString(), "r-4");
  EXPECT_STREQ(records[1]["expected"].GetString(), "P1");
  EXPECT_STREQ(records[1]["decided"].GetString(), "P4");
  EXPECT_EQ(records[1]["score"].GetInt(), 10);
}

TEST_F(EvalTest, PrecisionRecallF1MatchHandCount) {
  EvalJson();
  const struct {
    const char* name;
    int support, decided, tp, fp, fn;
    double precision, recall, f1;
  } expected[] = {
      // enticement: labelled r-1 r-3 r-4 r-5, decided r-1 r-5.
      {"enticement", 4, 2, 2, 0, 2, 1.0, 0.5, 2.0 / 3.0},
      // labor: labelled r-2 r-7, decided r-2 r-5 r-7.
      {"labor_trafficking", 2, 3, 2, 1, 0, 2.0 / 3.0, 1.0, 0.8},
      // the fallback counts: labelled r-6, decided r-3 r-4 r-6.
      {"unclassified", 1, 3, 1, 2, 0, 1.0 / 3.0, 1.0, 0.5},
  };
  for (const auto& e : expected) {
    const rapidjson::Value& c = Category(e.name);
    EXPECT_EQ(c["support"].GetInt(), e.support) << e.name;
    EXPECT_EQ(c["decided"].GetInt(), e.decided) << e.name;
    EXPECT_EQ(c["tp"].GetInt(), e.tp) << e.name;
    EXPECT_EQ(c["fp"].GetInt(), e.fp) << e.name;
    EXPECT_EQ(c["fn"].GetInt(), e.fn) << e.name;
    EXPECT_NEAR(c["precision"].GetDouble(), e.precision, 1e-9) << e.name;
    EXPECT_NEAR(c["recall"].GetDouble(), e.recall, 1e-9) << e.name;
    EXPECT_NEAR(c["f1"].GetDouble(), e.f1, 1e-9) << e.name;
  }
  const rapidjson::Value& micro = document_["categories"]["micro"];
  EXPECT_EQ(micro["tp"].GetInt(), 5);
  EXPECT_EQ(micro["fp"].GetInt(), 3);
  EXPECT_EQ(micro["fn"].GetInt(), 2);
  EXPECT_NEAR(micro["precision"].GetDouble(), 5.0 / 8.0, 1e-9);
  EXPECT_NEAR(micro["recall"].GetDouble(), 5.0 / 7.0, 1e-9);
  const rapidjson::Value& macro = document_["categories"]["macro"];
  EXPECT_NEAR(macro["recall"].GetDouble(), (0.5 + 1.0 + 1.0) / 3.0, 1e-9);
}

TEST_F(EvalTest, ConfusionMatrixMatchesHandCount) {
  EvalJson();
  const std::vector<std::vector<int>> expected = {
      {1, 1, 0, 1},  // P1: r-1 P1, r-2 P2, r-4 P4
      {0, 1, 1, 0},  // P2: r-5 P2, r-3 P3
      {0, 1, 0, 0},  // P3: r-7 P2
      {0, 0, 0, 1},  // P4: r-6 P4
  };
  const auto matrix = document_["confusion"]["matrix"].GetArray();
  ASSERT_EQ(matrix.Size(), 4U);
  for (size_t e = 0; e < 4; ++e) {
    ASSERT_EQ(matrix[e].Size(), 4U);
    for (size_t d = 0; d < 4; ++d) {
      EXPECT_EQ(matrix[e][d].GetInt(), expected[e][d]) << "row " << e << " column " << d;
    }
  }
  EXPECT_EQ(document_["confusion"]["records"].GetInt(), 7);
}

TEST_F(EvalTest, RuleHitsAndMatchingAreReported) {
  EvalJson();
  const rapidjson::Value& rules = document_["rules"];
  EXPECT_EQ(rules["records"].GetInt(), 8);
  EXPECT_EQ(Strings(rules["never_fired"]), std::vector<std::string>{"unused_marker"});
  EXPECT_EQ(Strings(rules["frequent"]), std::vector<std::string>{"intake_note"});
  for (const auto& hit : rules["hits"].GetArray()) {
    if (std::string(hit["rule"].GetString()) == "w50") {
      EXPECT_EQ(hit["hits"].GetInt(), 3);
    }
    if (std::string(hit["rule"].GetString()) == "cl") {
      EXPECT_EQ(hit["hits"].GetInt(), 3);
    }
  }
  const rapidjson::Value& corpus = document_["corpus"];
  EXPECT_EQ(corpus["matched"].GetInt(), 7);
  EXPECT_EQ(Strings(corpus["records_without_label"]), std::vector<std::string>{"r-8"});
  EXPECT_EQ(Strings(corpus["labels_without_record"]), std::vector<std::string>{"r-9"});
}

TEST_F(EvalTest, TextReportPutsUnderTriageFirst) {
  const ProcessResult result = Eval({});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_EQ(out.rfind("Under-triage: 2 of 5 records", 0), 0U) << out;
  size_t previous = 0;
  for (const char* heading :
       {"Under-triage", "Categories", "Band confusion", "Rules", "Threshold sweep", "Corpus"}) {
    const size_t at = out.find(heading);
    ASSERT_NE(at, std::string::npos) << heading;
    EXPECT_GE(at, previous) << heading << " out of order";
    previous = at;
  }
  EXPECT_NE(out.find("r-3     3  P2        P3          20"), std::string::npos) << out;
  EXPECT_NE(out.find("never fired (1): unused_marker"), std::string::npos) << out;
}

TEST_F(EvalTest, TargetRecallGivesHighestThreshold) {
  // Labelled P1: r-1 (90), r-2 (70), r-4 (10). P1-P2 adds r-3 (20) and r-5 (50).
  // Enticement totals of its labelled records: r-1 40, r-3 none, r-4 20, r-5 40.
  EvalJson({"--target-recall", "P1=0.6", "--target-recall", "P1=0.99", "--target-recall", "P1=0.3",
            "--target-recall", "P2=0.8", "--target-recall", "enticement=0.5", "--target-recall",
            "enticement=0.75", "--target-recall", "enticement=0.9"});
  const auto targets = document_["targets"].GetArray();
  ASSERT_EQ(targets.Size(), 7U);
  const int expected[] = {70, 10, 90, 20, 40, 20, -1};
  for (size_t i = 0; i < 7; ++i) {
    const rapidjson::Value& best = targets[i]["best"];
    if (expected[i] < 0) {
      EXPECT_TRUE(best.IsNull()) << targets[i]["key"].GetString();
    } else {
      ASSERT_TRUE(best.IsObject()) << i;
      EXPECT_EQ(best["value"].GetInt(), expected[i]) << "target " << i;
    }
  }
  EXPECT_NEAR(targets[0]["best"]["recall"].GetDouble(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ(targets[0]["best"]["load"].GetInt(), 2);  // r-1 and r-2 score 70 or more
  EXPECT_EQ(targets[0]["current"].GetInt(), 80);
  EXPECT_NEAR(targets[0]["at_current"]["recall"].GetDouble(), 1.0 / 3.0, 1e-9);

  // The sweep table agrees: P1 floor 70 keeps 2 of 3, assign_min 20 keeps r-4's enticement.
  for (const auto& sweep : document_["sweep"].GetArray()) {
    for (const auto& point : sweep["points"].GetArray()) {
      const std::string name = sweep["threshold"].GetString();
      if (name == "P1.min" && point["value"].GetInt() == 70) {
        EXPECT_EQ(point["reached"].GetInt(), 2);
        EXPECT_EQ(point["load"].GetInt(), 2);
      }
      if (name == "assign_min" && point["value"].GetInt() == 20) {
        // Labelled categories without the fallback: 4 enticement + 2 labor; r-3's is unscored.
        EXPECT_EQ(point["reached"].GetInt(), 5);
      }
    }
  }
}

TEST_F(EvalTest, BadTargetIsUsageError) {
  for (const char* target : {"P4=0.9", "P1=1.5", "nonsense=0.5", "P1"}) {
    const ProcessResult result = Eval({"--target-recall", target});
    EXPECT_EQ(result.exit_code, 2) << target << "\n" << result.err;
    EXPECT_EQ(result.out, "");
  }
}

// A minimal well-formedness check: every start tag is closed in order (void elements and
// self-closing tags excepted); comments, the doctype and <style> content are skipped.
bool TagsBalance(const std::string& html, std::string* problem) {
  static const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> stack;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      i = html.find("-->", i);
      if (i == std::string::npos) {
        *problem = "unterminated comment";
        return false;
      }
      continue;
    }
    const size_t end = html.find('>', i);
    if (end == std::string::npos) {
      *problem = "unterminated tag";
      return false;
    }
    std::string tag = html.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty() || tag[0] == '!') continue;
    const bool closing = tag[0] == '/';
    const bool self_closing = tag.back() == '/';
    if (closing) tag.erase(0, 1);
    const std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        *problem = "</" + name + "> closes <" + (stack.empty() ? "" : stack.back()) + ">";
        return false;
      }
      stack.pop_back();
    } else if (!self_closing && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      stack.push_back(name);
      if (name == "style") i = html.find("</style>", i);
    }
  }
  if (!stack.empty()) {
    *problem = "<" + stack.back() + "> never closed";
    return false;
  }
  return true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(EvalTest, HtmlIsSelfContainedWithOneSvgPerChartSection) {
  // An id with markup characters, under-triaged so that it lands in the page's first table.
  pack_.AddFile("corpus.jsonl", Corpus() + Jsonl({Record("r-<b>&\\\"x\\\"", "w5")}));
  pack_.AddFile(
      "labels.jsonl",
      Labels() + Jsonl({R"({"id":"r-<b>&\"x\"","band":"P1","categories":["enticement"]})"}));
  const std::string html_path = pack_.dir() + "/report.html";
  const ProcessResult result = Eval({"--html", html_path, "--target-recall", "P1=0.9"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string html = ReadFile(html_path);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);

  std::string problem;
  EXPECT_TRUE(TagsBalance(html, &problem)) << problem;

  EXPECT_EQ(CountOf(html, "<svg"), 5U);
  for (const char* section : {"scores", "confusion", "categories", "sweep", "rules"}) {
    const std::string open = std::string("<section id=\"") + section + "\">";
    const size_t begin = html.find(open);
    ASSERT_NE(begin, std::string::npos) << section;
    const size_t end = html.find("</section>", begin);
    ASSERT_NE(end, std::string::npos) << section;
    EXPECT_EQ(CountOf(html.substr(begin, end - begin), "<svg"), 1U) << section;
  }
  // Nothing to fetch, nothing to run.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // Text is escaped.
  EXPECT_EQ(html.find("r-<b>"), std::string::npos);
  EXPECT_NE(html.find("r-&lt;b&gt;&amp;&quot;x&quot;"), std::string::npos);
}

// The HTML page and the JUnit report escape through one function: one spelling of each reserved
// character, the apostrophe included.
TEST_F(EvalTest, HtmlEscapesTheApostropheAsTheJUnitReportDoes) {
  pack_.AddFile("corpus.jsonl", Corpus() + Jsonl({Record("r-o'neil", "w5")}));
  pack_.AddFile("labels.jsonl",
                Labels() + Jsonl({R"({"id":"r-o'neil","band":"P1","categories":["enticement"]})"}));
  const std::string html_path = pack_.dir() + "/report.html";
  const ProcessResult result = Eval({"--html", html_path});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string html = ReadFile(html_path);
  EXPECT_EQ(html.find("r-o'neil"), std::string::npos);
  EXPECT_NE(html.find("r-o&apos;neil"), std::string::npos);
}

TEST_F(EvalTest, BadLabelsAndBadLinesExitOneAndStillReport) {
  pack_.AddFile("labels.jsonl",
                Labels() + Jsonl({R"({"id":"r-10","band":"P9"})", R"({"band":"P1"})",
                                  R"({"id":"r-11","categories":["no_such_category"]})",
                                  R"({"id":"r-1","band":"P1"})", "not json"}));
  pack_.AddFile("corpus.jsonl", Corpus() + Jsonl({R"({"id":"r-12","summary":"unterminated)"}));
  const ProcessResult result = Eval({"--format", "json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(test_support::IsJson(result.out)) << result.out;
  for (const char* code : {"[unknown_band]", "[missing_id]", "[unknown_category]", "[duplicate_id]",
                           "[invalid_json]"}) {
    EXPECT_NE(result.err.find(code), std::string::npos) << code << "\n" << result.err;
  }
  EXPECT_NE(result.err.find("labels.jsonl:9:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("corpus.jsonl:9:"), std::string::npos) << result.err;
  // The bad record's text is never quoted.
  EXPECT_EQ(result.err.find("unterminated"), std::string::npos) << result.err;
}

TEST_F(EvalTest, ReadsStdinAndIsIndependentOfJobs) {
  // Enough records for several tasks per worker.
  const char* const markers[] = {"w50 w40 ce", "w50 w20 cl", "w20", "w10 cew", "w5"};
  std::string corpus;
  std::string labels;
  for (int i = 0; i < 300; ++i) {
    const std::string id = "m-" + std::to_string(i);
    corpus += Record(id, markers[i % 5]) + "\n";
    labels += R"({"id":")" + id + R"(","band":")" + (i % 3 == 0 ? "P1" : "P3") + "\"}\n";
  }
  const std::string labels_path = pack_.AddFile("many-labels.jsonl", labels);
  const std::vector<std::string> base = {"eval",      "--config", pack_.config(), "--labels",
                                         labels_path, "--format", "json"};
  std::vector<std::string> one = base;
  one.insert(one.end(), {"--jobs", "1"});
  std::vector<std::string> four = base;
  four.insert(four.end(), {"--jobs", "4"});
  const ProcessResult a = RunTriage(one, corpus);
  const ProcessResult b = RunTriage(four, corpus);
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find(R"("input":"<stdin>")"), std::string::npos);
  EXPECT_NE(a.out.find(R"("matched":300)"), std::string::npos);
}

}  // namespace
}  // namespace triage
