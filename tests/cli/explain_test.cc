// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage explain`: the ledger adds up to the decision's score; the
// counterfactual's rules, disabled through a config override, really move the record to the band
// it names (and no smaller set does); --why-not names the failing clause with its position;
// "[[...]]" markers surround exactly the matched text; bad lines give error entries with their
// line number and code and never put record text on stderr; exit codes.

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "support/cli_harness.h"
#include "support/run_process.h"

namespace triage {
namespace {

using test_support::ErrorCodeOf;
using test_support::ErrorLineNumberOf;
using test_support::Jsonl;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

// A pack with a reference chain (minor_age_mentioned <- meeting_a_minor, imminent_danger,
// secrecy), a floor, a negated test, a count, an override (photo_request's urgency, set in
// kOverrides) and two categories.
constexpr char kRules[] = R"(category enticement "Online enticement of children"
category csam "Child sexual abuse material"

pattern minor_age = /\b(?:[5-9]|1[0-7])\s*(?:yo|years? old)\b/i
list    meet_up   = "meet up", "meet in person"
list    photos    = "photos", "pictures"

rule minor_age_mentioned "A minor's age appears in the text" {
  when    text ~ minor_age or victim.age < 18
  urgency +15
  tag     "minor"
}

rule meeting_a_minor "Arranging to meet a minor in person" {
  when     minor_age_mentioned and text ~ any(meet_up)
  urgency  +35
  category enticement +40
}

rule photo_request "Asked for photos" {
  when     text ~ photos and not text ~ /\bschool project\b/i
  urgency  +20
  category csam +20
}

rule imminent_danger "A minor at risk now" {
  when    text ~ /\b(?:right now|tonight|hurry)\b/i and minor_age_mentioned
  urgency >= 90
  route   "duty-officer"
}

rule secrecy "Told to keep it secret" {
  when     minor_age_mentioned and text ~ /\bdon'?t tell\b/i and count(text ~ photos) >= 2
  urgency  +10
  category enticement +10
}
)";

// The overrides every pack of these tests has.
const std::map<std::string, std::string> kOverrides = {{"photo_request", "urgency: 25"}};

// Returns the yaml_extra of a pack with kOverrides and the rules `disabled` switched off.
std::string OverridesYaml(const std::vector<std::string>& disabled = {}) {
  std::map<std::string, std::string> overrides = kOverrides;
  for (const std::string& rule : disabled) {
    std::string& entry = overrides[rule];
    entry += entry.empty() ? "enabled: false" : ", enabled: false";
  }
  std::string yaml = "overrides:\n";
  for (const auto& [rule, entry] : overrides) yaml += "  " + rule + ": {" + entry + "}\n";
  return yaml;
}

// Records of the tests, with the band each gets.
const char kMeetAndPhotos[] = R"({"id":"m-1","summary":"A 13 yo asked to meet up and for photos"})";
const char kTonight[] =
    R"({"id":"m-2","summary":"She is 14 years old and he wants to meet in person tonight"})";
const char kAgeOnly[] = R"({"id":"m-3","summary":"The girl is 12 yo and plays online games"})";
const char kSecret[] =
    R"({"id":"m-4","summary":"A 15 yo was told don't tell and asked for photos, then pictures"})";
const char kSchool[] = R"({"id":"m-5","summary":"Photos for a school project were shared"})";
const char kNothing[] = R"({"id":"m-6","summary":"Routine question about the hotline hours"})";

// Returns the (line, column) of the first occurrence of `needle` in kRules, 1-based.
std::pair<int, int> PositionInRules(std::string_view needle) {
  const std::string_view rules = kRules;
  const size_t at = rules.find(needle);
  EXPECT_NE(at, std::string_view::npos) << needle;
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < at; ++i) {
    if (rules[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(at - line_start) + 1};
}

// Returns "<dir>/test.rules:line:col" for the first occurrence of `needle` in kRules, loaded from
// a pack in `dir` (diagnostics and traces name rule files by the path they were loaded from).
std::string LocationInRules(const std::string& dir, std::string_view needle) {
  const auto [line, col] = PositionInRules(needle);
  return dir + "/test.rules:" + std::to_string(line) + ":" + std::to_string(col);
}

class ExplainTest : public ::testing::Test {
 protected:
  ExplainTest() : pack_(kRules, OverridesYaml()) {}

  ProcessResult Explain(const std::vector<std::string>& extra, const std::string& input) {
    std::vector<std::string> args = {"explain", "--config", pack_.config()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args, input);
  }

  // Runs --format json on one record and parses its one output line into *document.
  void ExplainJson(const std::string& record, rapidjson::Document* document,
                   const std::vector<std::string>& extra = {}) {
    ExplainJsonWith(pack_.config(), record, document, extra);
  }

  // The same under another pack's config.
  static void ExplainJsonWith(const std::string& config, const std::string& record,
                              rapidjson::Document* document,
                              const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"explain", "--config", config, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult result = RunTriage(args, record + "\n");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::vector<std::string> lines = SplitLines(result.out);
    ASSERT_EQ(lines.size(), 1U) << result.out;
    document->Parse(lines[0].c_str(), lines[0].size());
    ASSERT_FALSE(document->HasParseError()) << lines[0];
    ASSERT_TRUE(document->IsObject()) << lines[0];
  }

  TempRulePack pack_;
};

std::vector<std::string> Strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& value : array.GetArray()) out.emplace_back(value.GetString());
  return out;
}

// --- The ledger -----------------------------------------------------------------------------

TEST_F(ExplainTest, LedgerSumsToTheDecisionScore) {
  for (const char* record : {kMeetAndPhotos, kTonight, kAgeOnly, kSecret, kSchool, kNothing}) {
    SCOPED_TRACE(record);
    rapidjson::Document doc;
    ExplainJson(record, &doc);
    const rapidjson::Value& ledger = doc["ledger"];
    long long running = 0;
    std::vector<std::string> ledger_rules;
    for (const auto& entry : ledger["rules"].GetArray()) {
      running += entry["urgency"].GetInt();
      EXPECT_EQ(entry["running"].GetInt64(), running);
      ledger_rules.emplace_back(entry["rule"].GetString());
    }
    EXPECT_EQ(ledger["sum"].GetInt64(), running);
    const long long clamped = std::clamp<long long>(running, 0, ledger["max"].GetInt());
    EXPECT_EQ(ledger["clamped"].GetInt64(), clamped);
    const long long floor = ledger["floor"].IsNull() ? 0 : ledger["floor"].GetInt();
    const rapidjson::Value& urgency = doc["triage"]["urgency"];
    EXPECT_EQ(std::max(clamped, floor), urgency["score"].GetInt());
    EXPECT_EQ(ledger["score"].GetInt(), urgency["score"].GetInt());
    EXPECT_STREQ(ledger["band"].GetString(), urgency["band"].GetString());
    EXPECT_GE(ledger["score"].GetInt(), ledger["band_min"].GetInt());
    // The ledger lists exactly the decision's rules, in its order.
    std::vector<std::string> decision_rules;
    for (const auto& hit : doc["triage"]["rules"].GetArray()) {
      decision_rules.emplace_back(hit["rule"].GetString());
    }
    EXPECT_EQ(ledger_rules, decision_rules);
  }
}

TEST_F(ExplainTest, LedgerShowsOverridesFloorsAndTheBandBoundary) {
  rapidjson::Document doc;
  ExplainJson(kTonight, &doc);
  EXPECT_STREQ(doc["triage"]["urgency"]["band"].GetString(), "P1");
  EXPECT_EQ(doc["ledger"]["floor"].GetInt(), 90);
  EXPECT_STREQ(doc["ledger"]["floor_rule"].GetString(), "imminent_danger");

  const ProcessResult text = Explain({}, Jsonl({kTonight, kMeetAndPhotos}));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("floor 90 (imminent_danger) raises 50 to 90"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("score 90 >= 80: P1"), std::string::npos) << text.out;
  // kMeetAndPhotos: 15 + 35 + 25 (photo_request's overridden urgency) = 75, P2.
  EXPECT_NE(text.out.find("photo_request (override)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("score 75 >= 50: P2 (high); P1 needs 80 (5 more)"), std::string::npos)
      << text.out;
}

TEST_F(ExplainTest, LedgerShowsTheClampAtUrgencyMax) {
  TempRulePack pack(kRules, "overrides:\n  meeting_a_minor: {urgency: 80}\n");
  const ProcessResult result = RunTriage({"explain", "--config", pack.config(), "--format", "json"},
                                         Jsonl({kMeetAndPhotos}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  rapidjson::Document doc;
  doc.Parse(result.out.c_str());
  ASSERT_TRUE(doc.IsObject()) << result.out;
  EXPECT_EQ(doc["ledger"]["sum"].GetInt64(), 15 + 80 + 20);
  EXPECT_EQ(doc["ledger"]["clamped"].GetInt64(), 100);
  EXPECT_EQ(doc["triage"]["urgency"]["score"].GetInt(), 100);

  const ProcessResult text =
      RunTriage({"explain", "--config", pack.config()}, Jsonl({kMeetAndPhotos}));
  EXPECT_NE(text.out.find("sum 115, capped at 100 (urgency.max)"), std::string::npos) << text.out;
}

TEST_F(ExplainTest, CategoriesShowWhatReachedAssignMinAndTheFallback) {
  rapidjson::Document doc;
  ExplainJson(kMeetAndPhotos, &doc);
  const rapidjson::Value& categories = doc["categories"];
  EXPECT_EQ(categories["assign_min"].GetInt(), 30);
  std::map<std::string, std::string> status;
  for (const auto& total : categories["totals"].GetArray()) {
    status[total["name"].GetString()] = total["status"].GetString();
  }
  EXPECT_EQ(status["enticement"], "assigned");
  EXPECT_EQ(status["csam"], "below_assign_min");
  EXPECT_TRUE(categories["fallback"].IsNull());

  rapidjson::Document school;
  ExplainJson(kSchool, &school);  // nothing fires: fallback
  EXPECT_STREQ(school["categories"]["fallback"].GetString(), "unclassified");

  const ProcessResult text = Explain({}, Jsonl({kAgeOnly}));
  EXPECT_NE(text.out.find("no category reached 30: fallback unclassified"), std::string::npos)
      << text.out;
}

TEST_F(ExplainTest, CategoriesShowTheFallbackOfTheDecidedBand) {
  TempRulePack pack(kRules,
                    OverridesYaml() + "categories:\n  fallback_by_band: {P4: hotline_contact}\n");
  const auto explain_json = [&](const std::string& record, rapidjson::Document* doc) {
    ExplainJsonWith(pack.config(), record, doc);
  };
  rapidjson::Document school;
  explain_json(kSchool, &school);  // nothing fires: P4, the band's fallback
  EXPECT_STREQ(school["triage"]["urgency"]["band"].GetString(), "P4");
  EXPECT_STREQ(school["categories"]["fallback"].GetString(), "hotline_contact");
  ASSERT_EQ(school["categories"]["assigned"].Size(), 1U);
  EXPECT_STREQ(school["categories"]["assigned"][0]["name"].GetString(), "hotline_contact");

  rapidjson::Document photos;  // photo_request alone: P3, csam below assign_min
  explain_json(R"({"id":"m-7","summary":"He asked her for photos"})", &photos);
  EXPECT_STREQ(photos["triage"]["urgency"]["band"].GetString(), "P3");
  EXPECT_STREQ(photos["categories"]["fallback"].GetString(), "unclassified");

  rapidjson::Document meet;  // a category reached assign_min: no fallback
  explain_json(kMeetAndPhotos, &meet);
  EXPECT_TRUE(meet["categories"]["fallback"].IsNull());

  const ProcessResult text = RunTriage({"explain", "--config", pack.config()}, Jsonl({kAgeOnly}));
  EXPECT_NE(text.out.find("no category reached 30: fallback hotline_contact"), std::string::npos)
      << text.out;
}

TEST_F(ExplainTest, CategoriesShowTheFallbackOfTheRecordsChannel) {
  TempRulePack pack(kRules, OverridesYaml() +
                                "categories:\n"
                                "  fallback_by_band: {P4: hotline_contact}\n"
                                "  fallback_by_field:\n"
                                "    field: channel\n"
                                "    values: {platform: unclassified, api: unclassified}\n");
  const auto explain_json = [&](const std::string& record, rapidjson::Document* doc) {
    ExplainJsonWith(pack.config(), record, doc);
  };
  const std::string platform = R"({"id":"m-8","channel":"platform","summary":"Routine check"})";
  const std::string web = R"({"id":"m-9","channel":"web","summary":"Routine check"})";
  rapidjson::Document doc;
  explain_json(platform, &doc);  // nothing fires: P4, but a platform's report
  EXPECT_STREQ(doc["triage"]["urgency"]["band"].GetString(), "P4");
  EXPECT_STREQ(doc["categories"]["fallback"].GetString(), "unclassified");
  ASSERT_EQ(doc["categories"]["assigned"].Size(), 1U);
  EXPECT_STREQ(doc["categories"]["assigned"][0]["name"].GetString(), "unclassified");
  ASSERT_TRUE(doc["categories"]["fallback_by_field"].IsObject());  // why: the channel
  EXPECT_STREQ(doc["categories"]["fallback_by_field"]["field"].GetString(), "channel");
  EXPECT_STREQ(doc["categories"]["fallback_by_field"]["value"].GetString(), "platform");
  explain_json(web, &doc);  // the same at P4 from the web form: a contact, by its band
  EXPECT_STREQ(doc["categories"]["fallback"].GetString(), "hotline_contact");
  EXPECT_TRUE(doc["categories"]["fallback_by_field"].IsNull());
  explain_json(kMeetAndPhotos, &doc);  // a category reached assign_min: no fallback
  EXPECT_TRUE(doc["categories"]["fallback"].IsNull());
  EXPECT_TRUE(doc["categories"]["fallback_by_field"].IsNull());

  const ProcessResult text = RunTriage({"explain", "--config", pack.config()}, platform + "\n");
  EXPECT_NE(text.out.find("no category reached 30: fallback unclassified (channel: platform)\n"),
            std::string::npos)
      << text.out;
  const ProcessResult web_text = RunTriage({"explain", "--config", pack.config()}, web + "\n");
  EXPECT_NE(web_text.out.find("no category reached 30: fallback hotline_contact\n"),
            std::string::npos)
      << web_text.out;
  // The decision explain shows is filter's.
  const ProcessResult filter =
      RunTriage({"filter", "--config", pack.config(), "--output", "decision"}, platform + "\n");
  EXPECT_NE(filter.out.find(R"("categories":[{"name":"unclassified","score":0}])"),
            std::string::npos)
      << filter.out;
}

// --- The counterfactual ---------------------------------------------------------------------

// Returns the band `triage filter` gives `record` with `disabled` switched off by the config.
std::string BandWithout(const std::string& record, const std::vector<std::string>& disabled) {
  TempRulePack pack(kRules, OverridesYaml(disabled));
  const ProcessResult result =
      RunTriage({"filter", "--config", pack.config(), "--output", "decision"}, record + "\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  rapidjson::Document doc;
  doc.Parse(result.out.c_str());
  if (!doc.IsObject() || !doc.HasMember("triage")) return "";
  return doc["triage"]["urgency"]["band"].GetString();
}

TEST_F(ExplainTest, CounterfactualReallyChangesTheBand) {
  for (const char* record : {kMeetAndPhotos, kTonight, kSecret}) {
    SCOPED_TRACE(record);
    rapidjson::Document doc;
    ExplainJson(record, &doc);
    const rapidjson::Value& cf = doc["counterfactual"];
    ASSERT_TRUE(cf["found"].GetBool());
    const std::vector<std::string> rules = Strings(cf["rules"]);
    ASSERT_FALSE(rules.empty());
    const std::string band = doc["triage"]["urgency"]["band"].GetString();
    EXPECT_NE(cf["band"].GetString(), band);
    EXPECT_EQ(BandWithout(record, rules), cf["band"].GetString());
    // Smallest: no set with one rule fewer changes the band (checked for sets of two: each rule
    // on its own).
    if (rules.size() == 2) {
      for (const std::string& rule : rules) EXPECT_EQ(BandWithout(record, {rule}), band) << rule;
    }
  }
}

TEST_F(ExplainTest, CounterfactualFindsAPairWhenTwoFloorsHoldTheBand) {
  // Two rules with a P1 floor each: removing either leaves the other's floor; only both move it.
  TempRulePack pack(kRules, "overrides:\n  meeting_a_minor: {floor: 85}\n");
  const ProcessResult result =
      RunTriage({"explain", "--config", pack.config(), "--format", "json"}, Jsonl({kTonight}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  rapidjson::Document doc;
  doc.Parse(result.out.c_str());
  ASSERT_TRUE(doc.IsObject()) << result.out;
  EXPECT_STREQ(doc["triage"]["urgency"]["band"].GetString(), "P1");
  const rapidjson::Value& cf = doc["counterfactual"];
  ASSERT_TRUE(cf["found"].GetBool());
  // minor_age_mentioned alone switches both off (they refer to it), so it is the smallest set.
  EXPECT_EQ(Strings(cf["rules"]), std::vector<std::string>({"minor_age_mentioned"}));
  EXPECT_EQ(Strings(cf["also_off"]),
            std::vector<std::string>({"meeting_a_minor", "imminent_danger"}));

  // With the age given as a victim's age only, and the floors on rules that do not depend on
  // each other, a pair is needed.
  TempRulePack pair_pack(
      kRules, "overrides:\n  photo_request: {floor: 85}\n  minor_age_mentioned: {floor: 85}\n");
  const std::string record = R"({"id":"p-1","summary":"asked for photos","victims":[{"age":9}]})";
  const ProcessResult pair =
      RunTriage({"explain", "--config", pair_pack.config(), "--format", "json"}, record + "\n");
  ASSERT_EQ(pair.exit_code, 0) << pair.err;
  rapidjson::Document pair_doc;
  pair_doc.Parse(pair.out.c_str());
  ASSERT_TRUE(pair_doc.IsObject()) << pair.out;
  const rapidjson::Value& pair_cf = pair_doc["counterfactual"];
  ASSERT_TRUE(pair_cf["found"].GetBool()) << pair.out;
  EXPECT_EQ(Strings(pair_cf["rules"]),
            std::vector<std::string>({"minor_age_mentioned", "photo_request"}));
  EXPECT_EQ(pair_cf["searched_size"].GetUint64(), 2U);

  const ProcessResult text = RunTriage({"explain", "--config", pair_pack.config()}, record + "\n");
  EXPECT_NE(text.out.find("without minor_age_mentioned, photo_request: P1 -> "), std::string::npos)
      << text.out;
}

TEST_F(ExplainTest, CounterfactualSaysWhenNoSmallSetChangesTheBand) {
  // Nothing fired: nothing to disable.
  const ProcessResult none = Explain({}, Jsonl({kNothing}));
  EXPECT_NE(none.out.find("no rule fired: there is nothing to disable"), std::string::npos)
      << none.out;
  // kAgeOnly is P4 with 15: disabling its only rule leaves it in P4.
  rapidjson::Document doc;
  ExplainJson(kAgeOnly, &doc);
  EXPECT_FALSE(doc["counterfactual"]["found"].GetBool());
  const ProcessResult text = Explain({}, Jsonl({kAgeOnly}));
  EXPECT_NE(text.out.find("no set of up to 1 rule moves the record out of P4"), std::string::npos)
      << text.out;
}

// --- Closest to firing and --why-not --------------------------------------------------------

TEST_F(ExplainTest, ClosestNamesTheClauseThatFailed) {
  rapidjson::Document doc;
  ExplainJson(kAgeOnly, &doc);
  const rapidjson::Value& closest = doc["closest"];
  ASSERT_GE(closest.Size(), 1U);
  EXPECT_STREQ(closest[0]["rule"].GetString(), "meeting_a_minor");
  EXPECT_STREQ(closest[0]["failed"]["text"].GetString(), "text ~ any(meet_up)");
  EXPECT_EQ(closest[0]["failed"]["location"].GetString(),
            LocationInRules(pack_.dir(), "text ~ any(meet_up)"));
}

TEST_F(ExplainTest, WhyNotNamesTheFailingClauseWithItsPosition) {
  const ProcessResult result = Explain({"--why-not", "secrecy"}, Jsonl({kMeetAndPhotos}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string clause = R"(text ~ /\bdon'?t tell\b/i)";
  const std::string location = LocationInRules(pack_.dir(), clause);
  EXPECT_NE(result.out.find("why not secrecy"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("it did not fire"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("fails at " + location + ": " + clause), std::string::npos)
      << result.out;

  rapidjson::Document doc;
  ExplainJson(kMeetAndPhotos, &doc, {"--why-not", "secrecy"});
  const rapidjson::Value& why = doc["why_not"][0];
  EXPECT_STREQ(why["rule"].GetString(), "secrecy");
  EXPECT_FALSE(why["fired"].GetBool());
  const rapidjson::Value& failing = why["failing"];
  // Two tests fail: the secrecy phrase and the count (one match of `photos`, not two).
  ASSERT_EQ(failing.Size(), 2U);
  EXPECT_EQ(failing[0]["text"].GetString(), clause);
  EXPECT_EQ(failing[0]["location"].GetString(), location);
  EXPECT_EQ(failing[1]["location"].GetString(),
            LocationInRules(pack_.dir(), "count(text ~ photos) >= 2"));
  // The tree: an `and` of three tests, the first (the rule reference) true.
  const rapidjson::Value& tree = why["condition"];
  EXPECT_STREQ(tree["op"].GetString(), "and");
  ASSERT_EQ(tree["children"].Size(), 3U);
  EXPECT_TRUE(tree["children"][0]["holds"].GetBool());
  EXPECT_FALSE(tree["children"][0]["blocking"].GetBool());
  EXPECT_TRUE(tree["children"][1]["blocking"].GetBool());
}

TEST_F(ExplainTest, WhyNotPointsAtANegatedTestThatHolds) {
  rapidjson::Document doc;
  ExplainJson(kSchool, &doc, {"--why-not", "photo_request"});
  const rapidjson::Value& why = doc["why_not"][0];
  const rapidjson::Value& failing = why["failing"];
  ASSERT_EQ(failing.Size(), 1U);
  EXPECT_STREQ(failing[0]["text"].GetString(), R"(text ~ /\bschool project\b/i)");
  EXPECT_TRUE(failing[0]["holds"].GetBool());
  EXPECT_FALSE(failing[0]["needed"].GetBool());
  EXPECT_STREQ(why["condition"]["children"][1]["op"].GetString(), "not");

  const ProcessResult text = Explain({"--why-not", "photo_request"}, Jsonl({kSchool}));
  EXPECT_NE(text.out.find("(holds; must not)"), std::string::npos) << text.out;
}

TEST_F(ExplainTest, WhyNotSaysWhenTheRuleFired) {
  const ProcessResult result = Explain({"--why-not", "meeting_a_minor"}, Jsonl({kMeetAndPhotos}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("why not meeting_a_minor (" +
                            LocationInRules(pack_.dir(), "meeting_a_minor \"") + "): it fired"),
            std::string::npos)
      << result.out;
}

TEST_F(ExplainTest, WhyNotAnUnknownRuleIsAUsageError) {
  const ProcessResult result = Explain({"--why-not", "meeting_a_minr"}, Jsonl({kMeetAndPhotos}));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("meeting_a_minr"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("did you mean 'meeting_a_minor'"), std::string::npos) << result.err;
}

// --- Matched spans --------------------------------------------------------------------------

// Returns the segments between "[[" and "]]" in `line`.
std::vector<std::string> MarkedSegments(const std::string& line) {
  std::vector<std::string> segments;
  size_t pos = 0;
  while (true) {
    const size_t open = line.find("[[", pos);
    if (open == std::string::npos) break;
    const size_t close = line.find("]]", open + 2);
    if (close == std::string::npos) break;
    segments.push_back(line.substr(open + 2, close - open - 2));
    pos = close + 2;
  }
  return segments;
}

TEST_F(ExplainTest, MarkersSurroundExactlyTheMatchedText) {
  const ProcessResult result = Explain({}, Jsonl({kMeetAndPhotos}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << "colour with NO_COLOR set";
  std::string marked_line;
  for (const std::string& line : SplitLines(result.out)) {
    if (line.rfind("  text[0]: ", 0) == 0) marked_line = line;
  }
  ASSERT_FALSE(marked_line.empty()) << result.out;
  EXPECT_EQ(marked_line, "  text[0]: A [[13 yo]] asked to [[meet up]] and for [[photos]]");
  EXPECT_EQ(MarkedSegments(marked_line), std::vector<std::string>({"13 yo", "meet up", "photos"}));

  // The JSON spans cover the same bytes, each rule its own.
  rapidjson::Document doc;
  ExplainJson(kMeetAndPhotos, &doc);
  const std::string summary = "A 13 yo asked to meet up and for photos";
  std::map<std::string, std::vector<std::string>> by_rule;
  for (const auto& span : doc["spans"].GetArray()) {
    EXPECT_STREQ(span["field"].GetString(), "text");
    EXPECT_EQ(span["value"].GetUint(), 0U);
    const std::string text =
        summary.substr(span["begin"].GetUint(), span["end"].GetUint() - span["begin"].GetUint());
    EXPECT_EQ(span["text"].GetString(), text);
    by_rule[span["rule"].GetString()].push_back(text);
  }
  EXPECT_EQ(by_rule["minor_age_mentioned"], std::vector<std::string>({"13 yo"}));
  EXPECT_EQ(by_rule["meeting_a_minor"], std::vector<std::string>({"meet up"}));
  EXPECT_EQ(by_rule["photo_request"], std::vector<std::string>({"photos"}));
  EXPECT_STREQ(doc["texts"][0]["text"].GetString(), summary.c_str());
}

TEST_F(ExplainTest, ColourOnlyWhenAskedOrOnATerminal) {
  const ProcessResult never = Explain({"--color", "never"}, Jsonl({kMeetAndPhotos}));
  EXPECT_EQ(never.out.find('\x1b'), std::string::npos);
  EXPECT_NE(never.out.find("[[13 yo]]"), std::string::npos);
  const ProcessResult always = Explain({"--color", "always"}, Jsonl({kMeetAndPhotos}));
  EXPECT_NE(always.out.find("\x1b[1;4;33m13 yo\x1b[0m"), std::string::npos) << always.out;
  EXPECT_EQ(always.out.find("[[13 yo]]"), std::string::npos);
}

TEST_F(ExplainTest, ControlCharactersInRecordsAreEscaped) {
  // An escape sequence and a right-to-left override in a record must not reach the terminal.
  const std::string record =
      R"({"id":"e-1","summary":"A 13 yo \u001b[2J asked to meet up \u202e here"})";
  const ProcessResult result = Explain({"--color", "always"}, record + "\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out.find("\x1b[2J"), std::string::npos);
  EXPECT_EQ(result.out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(result.out.find("\\u001b[2J"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\\u202e"), std::string::npos) << result.out;
}

// --- Errors and exit codes ------------------------------------------------------------------

// Words that appear only inside bad records: none may reach stderr or an error entry.
const char* const kSecretWords[] = {"zebracorn", "marmalade", "quokka", "wombat", "narwhal"};

std::string BadInput() {
  return std::string(kMeetAndPhotos) + "\n" +                              // 1 ok
         R"({"id":"b-1","summary":"zebracorn marmalade)" + "\n" +          // 2 invalid_json
         "\n" +                                                            // 3 blank
         R"(["quokka"])" + "\n" +                                          // 4 not_an_object
         R"({"summary":"wombat","victims":[{"age":"narwhal"}]})" + "\n" +  // 5 wrong_type
         R"({"id":"b-2","summary":")" + std::string(3000, 'x') + " zebracorn\"}\n" +  // 6 too_large
         kNothing + "\n";                                                             // 7 ok
}

TEST_F(ExplainTest, BadLinesGiveErrorEntriesWithoutRecordText) {
  const ProcessResult result = Explain({"--format", "json"}, BadInput());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 6U) << result.out;
  const struct {
    size_t output;
    long long line;
    const char* code;
  } expected[] = {
      {1, 2, "invalid_json"}, {2, 4, "not_an_object"}, {3, 5, "wrong_type"}, {4, 6, "too_large"}};
  for (const auto& e : expected) {
    EXPECT_EQ(ErrorCodeOf(lines[e.output]), e.code) << lines[e.output];
    EXPECT_EQ(ErrorLineNumberOf(lines[e.output]), e.line) << lines[e.output];
    for (const char* word : kSecretWords) {
      EXPECT_EQ(lines[e.output].find(word), std::string::npos) << lines[e.output];
    }
  }
  EXPECT_EQ(ErrorCodeOf(lines[0]), "");
  EXPECT_NE(lines[5].find(R"("id":"m-6")"), std::string::npos) << lines[5];
  for (const char* word : kSecretWords) {
    EXPECT_EQ(result.err.find(word), std::string::npos) << result.err;
  }
  EXPECT_NE(result.err.find("4 of 6 records could not be explained"), std::string::npos)
      << result.err;

  // The text view: the same entries, with line number and code.
  const ProcessResult text = Explain({}, BadInput());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("record (line 2): error: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("[invalid_json]"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(line 6): error: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("[too_large]"), std::string::npos) << text.out;
  for (const char* word : kSecretWords) {
    EXPECT_EQ(text.err.find(word), std::string::npos) << text.err;
    // Error entries never quote the record; the good records' text has none of these words.
    EXPECT_EQ(text.out.find(word), std::string::npos) << text.out;
  }
}

TEST_F(ExplainTest, ExitCodes) {
  EXPECT_EQ(Explain({}, Jsonl({kMeetAndPhotos, kNothing})).exit_code, 0);
  EXPECT_EQ(Explain({}, "").exit_code, 0);
  EXPECT_EQ(Explain({}, BadInput()).exit_code, 1);
  EXPECT_EQ(Explain({"--format", "yaml"}, Jsonl({kNothing})).exit_code, 2);
  EXPECT_EQ(Explain({"--color", "sometimes"}, Jsonl({kNothing})).exit_code, 2);
  EXPECT_EQ(Explain({"--why-not", "no_such_rule"}, Jsonl({kNothing})).exit_code, 2);
  EXPECT_EQ(Explain({"/nonexistent/records.jsonl"}, "").exit_code, 1);

  TempRulePack broken("rule r { when text ~ /(/ }\n");
  const ProcessResult result =
      RunTriage({"explain", "--config", broken.config()}, Jsonl({kNothing}));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
}

TEST_F(ExplainTest, ReadsAFileAndExplainsTheExamplesWithTheDefaultPack) {
  const std::string config = std::string(TRIAGE_SOURCE_DIR) + "/rules/triage.yaml";
  for (const char* file : {"/examples/reports.jsonl", "/examples/sms.jsonl"}) {
    const ProcessResult result = RunTriage(
        {"explain", "--config", config, "--format", "json", std::string(TRIAGE_SOURCE_DIR) + file});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    for (const std::string& line : SplitLines(result.out)) {
      rapidjson::Document doc;
      doc.Parse(line.c_str(), line.size());
      ASSERT_TRUE(doc.IsObject()) << line;
      const rapidjson::Value& ledger = doc["ledger"];
      const long long floor = ledger["floor"].IsNull() ? 0 : ledger["floor"].GetInt();
      EXPECT_EQ(std::max<long long>(ledger["clamped"].GetInt64(), floor),
                doc["triage"]["urgency"]["score"].GetInt())
          << line;
      if (doc["counterfactual"]["found"].GetBool()) {
        EXPECT_STRNE(doc["counterfactual"]["band"].GetString(),
                     doc["triage"]["urgency"]["band"].GetString());
      }
    }
  }
}

}  // namespace
}  // namespace triage
