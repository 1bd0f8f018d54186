// SPDX-License-Identifier: Apache-2.0
// Tests for the JSON forms of a decision (engine/src/output/decision_json.cc): the key order of
// the `triage` object, escaping, the annotate insertion (including records that already carry a
// "triage" member), the decision-only line and the error line.

#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "triage/decision.h"
#include "triage/status.h"

namespace triage {
namespace {

Decision FullDecision() {
  Decision decision;
  decision.id = "r-1";
  decision.urgency = 85;
  decision.band = "P1";
  decision.categories = {{"enticement", 40}};
  RuleHit meeting;
  meeting.rule = "meeting_a_minor";
  meeting.urgency = 35;
  meeting.categories = {{"enticement", 40}};
  RuleHit danger;
  danger.rule = "imminent_danger";
  danger.urgency = 0;
  danger.floor = 90;
  decision.rules = {meeting, danger};
  decision.tags = {"minor"};
  decision.routes = {"duty-officer"};
  decision.ruleset = "sha256:abc";
  decision.engine = "0.1.0";
  return decision;
}

Decision SmallDecision() {
  Decision decision;
  decision.urgency = 5;
  decision.band = "P4";
  decision.categories = {{"unclassified", 0}};
  decision.ruleset = "sha256:0";
  decision.engine = "0.1.0";
  return decision;
}

constexpr const char* kSmallJson =
    R"({"urgency":{"score":5,"band":"P4"},"categories":[{"name":"unclassified","score":0}],)"
    R"("rules":[],"tags":[],"routes":[],"ruleset":"sha256:0","engine":"0.1.0"})";

// Compact serialisation; unlike operator==, it keeps member order and duplicate keys.
std::string Serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool IsValidJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  return !document.HasParseError();
}

TEST(DecisionJsonTest, WritesKeysInContractOrder) {
  EXPECT_EQ(DecisionToJson(FullDecision()),
            R"({"urgency":{"score":85,"band":"P1"},)"
            R"("categories":[{"name":"enticement","score":40}],)"
            R"("rules":[{"rule":"meeting_a_minor","urgency":35,"categories":{"enticement":40}},)"
            R"({"rule":"imminent_danger","urgency":0,"floor":90}],)"
            R"("tags":["minor"],"routes":["duty-officer"],)"
            R"("ruleset":"sha256:abc","engine":"0.1.0"})");
}

TEST(DecisionJsonTest, WritesEmptyListsWhenNothingFired) {
  EXPECT_EQ(DecisionToJson(SmallDecision()), kSmallJson);
}

TEST(DecisionJsonTest, EscapesQuotesBackslashesAndControlCharacters) {
  Decision decision = SmallDecision();
  decision.tags = {"say \"hi\"", "a\\b", "line\nbreak\ttab", std::string("nul\0x", 5), "\x01"};
  const std::string json = DecisionToJson(decision);
  EXPECT_NE(json.find(R"("tags":["say \"hi\"","a\\b","line\nbreak\ttab","nul\u0000x","\u0001"])"),
            std::string::npos)
      << json;
  EXPECT_TRUE(IsValidJson(json));
}

TEST(DecisionJsonTest, WritesUtf8Unchanged) {
  Decision decision = SmallDecision();
  decision.tags = {"niña", "\xe2\x80\xa8", "\xf0\x9f\x98\x80"};  // ñ, U+2028, an emoji
  const std::string json = DecisionToJson(decision);
  EXPECT_NE(json.find("\"tags\":[\"niña\",\"\xe2\x80\xa8\",\"\xf0\x9f\x98\x80\"]"),
            std::string::npos)
      << json;
  EXPECT_TRUE(IsValidJson(json));
}

TEST(DecisionJsonTest, WritesNegativeScores) {
  Decision decision = SmallDecision();
  RuleHit hit;
  hit.rule = "calming";
  hit.urgency = -10;
  hit.categories = {{"hotline_contact", -5}, {"labor_trafficking", 20}};
  decision.rules = {hit};
  EXPECT_NE(
      DecisionToJson(decision).find(
          R"({"rule":"calming","urgency":-10,"categories":{"hotline_contact":-5,"labor_trafficking":20}})"),
      std::string::npos);
}

// A hit met again is written from the text kept for its rule (decision_json.cc): it must be
// the text of the hit as it is now. The same rule name with other scores (another ruleset's
// overrides), a floor added or dropped, a category renamed, a name that needs escaping, and a
// hit met again after more rule names than the cache keeps are each written as themselves.
TEST(DecisionJsonTest, AHitMetAgainIsWrittenAsItIsNow) {
  const std::string first = DecisionToJson(FullDecision());
  EXPECT_EQ(DecisionToJson(FullDecision()), first);
  EXPECT_EQ(FormatDecisionLine("{}", FullDecision(), OutputMode::kDecision),
            R"({"id":"r-1","triage":)" + first + "}");

  Decision changed = FullDecision();
  changed.rules[0].urgency = 10;
  changed.rules[0].categories[0].score = 5;
  changed.rules[1].floor.reset();
  EXPECT_NE(DecisionToJson(changed).find(
                R"("rules":[{"rule":"meeting_a_minor","urgency":10,"categories":{"enticement":5}},)"
                R"({"rule":"imminent_danger","urgency":0}],)"),
            std::string::npos)
      << DecisionToJson(changed);
  changed.rules[0].categories[0].name = "csam";
  changed.rules[1].floor = 80;
  EXPECT_NE(DecisionToJson(changed).find(
                R"("rules":[{"rule":"meeting_a_minor","urgency":10,"categories":{"csam":5}},)"
                R"({"rule":"imminent_danger","urgency":0,"floor":80}],)"),
            std::string::npos)
      << DecisionToJson(changed);
  EXPECT_EQ(DecisionToJson(FullDecision()), first);

  Decision escaped = SmallDecision();
  RuleHit odd;
  odd.rule = "say \"hi\"\n";
  escaped.rules = {odd, odd};
  for (int i = 0; i < 2; ++i) {
    EXPECT_NE(
        DecisionToJson(escaped).find(
            R"("rules":[{"rule":"say \"hi\"\n","urgency":0},{"rule":"say \"hi\"\n","urgency":0}])"),
        std::string::npos)
        << DecisionToJson(escaped);
  }

  Decision many = SmallDecision();
  for (int i = 0; i < 5000; ++i) {
    RuleHit hit;
    hit.rule = "rule_" + std::to_string(i);
    hit.urgency = i;
    many.rules.push_back(hit);
  }
  const std::string all = DecisionToJson(many);
  EXPECT_NE(all.find(R"({"rule":"rule_4999","urgency":4999}])"), std::string::npos);
  EXPECT_TRUE(IsValidJson(all));
  EXPECT_EQ(DecisionToJson(many), all);
  EXPECT_EQ(DecisionToJson(FullDecision()), first);

  // Many rules with the same scores: two names sharing a place in the cache are told apart.
  Decision same = SmallDecision();
  std::string expected = R"("rules":[)";
  for (int i = 0; i < 5000; ++i) {
    RuleHit hit;
    hit.rule = "same_" + std::to_string(i);
    same.rules.push_back(hit);
    expected += (i == 0 ? "" : ",") + std::string(R"({"rule":")") + hit.rule + R"(","urgency":0})";
  }
  expected += "]";
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_NE(DecisionToJson(same).find(expected), std::string::npos);
  }
}

TEST(FormatDecisionLineTest, AnnotateInsertsBeforeFinalBrace) {
  EXPECT_EQ(
      FormatDecisionLine(R"({"id":"r-1","summary":"x"})", SmallDecision(), OutputMode::kAnnotate),
      std::string(R"({"id":"r-1","summary":"x","triage":)") + kSmallJson + "}");
}

TEST(FormatDecisionLineTest, AnnotateKeepsRecordBytes) {
  const std::string line = FormatDecisionLine(R"({"n" : 1e2, "s":"a\u00e9" ,"x":[1,{"y":null}] })",
                                              SmallDecision(), OutputMode::kAnnotate);
  EXPECT_EQ(line, std::string(R"({"n" : 1e2, "s":"a\u00e9" ,"x":[1,{"y":null}],"triage":)") +
                      kSmallJson + "}");
  EXPECT_TRUE(IsValidJson(line));
}

TEST(FormatDecisionLineTest, AnnotateHandlesEmptyObjects) {
  const std::string expected = std::string(R"({"triage":)") + kSmallJson + "}";
  EXPECT_EQ(FormatDecisionLine("{}", SmallDecision(), OutputMode::kAnnotate), expected);
  EXPECT_EQ(FormatDecisionLine("{ \t }", SmallDecision(), OutputMode::kAnnotate), expected);
}

TEST(FormatDecisionLineTest, AnnotateTrimsSurroundingWhitespace) {
  EXPECT_EQ(FormatDecisionLine("  {\"a\":1}  \r", SmallDecision(), OutputMode::kAnnotate),
            std::string(R"({"a":1,"triage":)") + kSmallJson + "}");
  EXPECT_EQ(FormatDecisionLine("\xEF\xBB\xBF{\"a\":1}", SmallDecision(), OutputMode::kAnnotate),
            std::string(R"({"a":1,"triage":)") + kSmallJson + "}");
  EXPECT_EQ(FormatDecisionLine("{\"a\":1\n}\n", SmallDecision(), OutputMode::kAnnotate),
            std::string(R"({"a":1,"triage":)") + kSmallJson + "}");
}

TEST(FormatDecisionLineTest, AnnotateReplacesExistingTriageMember) {
  const std::string tail = std::string(R"("triage":)") + kSmallJson + "}";
  EXPECT_EQ(FormatDecisionLine(R"({"id":"r-1","triage":{"urgency":{"score":1}},"n":1.50})",
                               SmallDecision(), OutputMode::kAnnotate),
            R"({"id":"r-1","n":1.50,)" + tail);
  EXPECT_EQ(
      FormatDecisionLine(R"({"triage":"old","id":"r-1"})", SmallDecision(), OutputMode::kAnnotate),
      R"({"id":"r-1",)" + tail);
  EXPECT_EQ(FormatDecisionLine(R"({"id":"r-1","triage":[1,"}",{"a":"]"}]})", SmallDecision(),
                               OutputMode::kAnnotate),
            R"({"id":"r-1",)" + tail);
  EXPECT_EQ(FormatDecisionLine(R"({ "triage" : null })", SmallDecision(), OutputMode::kAnnotate),
            "{" + tail);
  // Duplicate members are all dropped.
  EXPECT_EQ(FormatDecisionLine(R"({"triage":1,"a":2,"triage":3})", SmallDecision(),
                               OutputMode::kAnnotate),
            R"({"a":2,)" + tail);
}

TEST(FormatDecisionLineTest, AnnotateRecognisesEscapedTriageKey) {
  EXPECT_EQ(
      FormatDecisionLine(R"({"a":1,"tri\u0061ge":{}})", SmallDecision(), OutputMode::kAnnotate),
      std::string(R"({"a":1,"triage":)") + kSmallJson + "}");
}

TEST(FormatDecisionLineTest, AnnotateKeepsNestedAndLookalikeMembers) {
  const std::string record =
      R"({"a":{"triage":1},"triage2":2,"s":"\"triage\":3","t":["triage"],"u":"\\"})";
  const std::string line = FormatDecisionLine(record, SmallDecision(), OutputMode::kAnnotate);
  EXPECT_EQ(line, record.substr(0, record.size() - 1) + R"(,"triage":)" + kSmallJson + "}");
  EXPECT_TRUE(IsValidJson(line));
}

// Random JSON text with whitespace, escapes and keys that spell or almost spell "triage".
class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : random_(seed) {}

  std::string Object(int depth) {
    std::string text = Space() + "{" + Space();
    const int members = Pick(depth == 0 ? 6 : 3);
    for (int i = 0; i < members; ++i) {
      if (i > 0) text += "," + Space();
      text += Key() + Space() + ":" + Space() + Value(depth + 1) + Space();
    }
    return text + "}" + Space();
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
  std::string Space() {
    static const char* const kSpaces[] = {"", "", "", " ", "\t", "\r\n  "};
    return kSpaces[Pick(6)];
  }
  std::string Key() {
    static const char* const kKeys[] = {
        "\"triage\"", "\"tri\\u0061ge\"", "\"\\u0074riage\"", "\"triage2\"", "\"Triage\"",
        "\"a\"",      "\"b\\\"c\"",       "\"\\\\\"",         "\"\"",        "\"tri\\u00e1ge\""};
    return kKeys[Pick(10)];
  }
  std::string String() {
    static const char* const kStrings[] = {"\"\"",
                                           "\"x\"",
                                           "\"}\"",
                                           "\"]\"",
                                           "\"{\\\"triage\\\":1}\"",
                                           "\"\\\\\"",
                                           "\"\\u00e9\\n\"",
                                           "\"ni\u00f1a\""};
    return kStrings[Pick(8)];
  }
  std::string Value(int depth) {
    const int kind = depth > 3 ? Pick(3) : Pick(5);
    switch (kind) {
      case 0:
        return String();
      case 1: {
        static const char* const kScalars[] = {
            "0", "-1.5e+3", "1E2", "true", "false", "null", "12345678901234567890123"};
        return kScalars[Pick(7)];
      }
      case 2:
        return "[]";
      case 3: {
        std::string text = "[" + Space();
        const int items = Pick(4);
        for (int i = 0; i < items; ++i) {
          if (i > 0) text += "," + Space();
          text += Value(depth + 1) + Space();
        }
        return text + "]";
      }
      default:
        return Object(depth);
    }
  }

  std::mt19937 random_;
};

TEST(FormatDecisionLineTest, AnnotateKeepsEveryOtherMemberOfRandomRecords) {
  RandomJson generator(20261102);
  const std::string triage_json = DecisionToJson(SmallDecision());
  rapidjson::Document expected_triage;
  expected_triage.Parse(triage_json.c_str());
  for (int round = 0; round < 2000; ++round) {
    const std::string record = generator.Object(0);
    rapidjson::Document input;
    input.Parse(record.c_str(), record.size());
    ASSERT_FALSE(input.HasParseError()) << record;
    const std::string line = FormatDecisionLine(record, SmallDecision(), OutputMode::kAnnotate);
    rapidjson::Document output;
    output.Parse(line.c_str(), line.size());
    ASSERT_FALSE(output.HasParseError()) << record << "\n" << line;
    ASSERT_TRUE(output.IsObject());

    // The output's members are the input's non-"triage" members, in order, then "triage".
    std::vector<const rapidjson::Value*> kept_names;
    std::vector<const rapidjson::Value*> kept_values;
    for (auto it = input.MemberBegin(); it != input.MemberEnd(); ++it) {
      if (std::string(it->name.GetString(), it->name.GetStringLength()) == "triage") continue;
      kept_names.push_back(&it->name);
      kept_values.push_back(&it->value);
    }
    ASSERT_EQ(output.MemberCount(), kept_names.size() + 1) << record << "\n" << line;
    size_t i = 0;
    for (auto it = output.MemberBegin(); it != output.MemberEnd(); ++it, ++i) {
      if (i == kept_names.size()) {
        EXPECT_EQ(std::string(it->name.GetString()), "triage");
        EXPECT_EQ(Serialize(it->value), Serialize(expected_triage));
      } else {
        EXPECT_EQ(Serialize(it->name), Serialize(*kept_names[i])) << record << "\n" << line;
        EXPECT_EQ(Serialize(it->value), Serialize(*kept_values[i])) << record << "\n" << line;
      }
    }
  }
}

// The input is REQUIRED to be a valid object; a caller breaking that still gets a line (and,
// under the sanitizers, no out-of-bounds read).
TEST(FormatDecisionLineTest, SurvivesMalformedRecords) {
  RandomJson generator(7);
  for (int round = 0; round < 50; ++round) {
    const std::string record = generator.Object(0);
    for (size_t cut = 0; cut <= record.size(); ++cut) {
      const std::string line =
          FormatDecisionLine(record.substr(0, cut), SmallDecision(), OutputMode::kAnnotate);
      EXPECT_NE(line.find("\"triage\":"), std::string::npos);
    }
  }
  for (const char* bad : {"", "{", "}", "[]", "{\"triage\"", "{\"a\":\"\\", "{\"triage\":}"}) {
    EXPECT_FALSE(FormatDecisionLine(bad, SmallDecision(), OutputMode::kAnnotate).empty());
  }
}

TEST(FormatDecisionLineTest, DecisionModeWritesIdAndTriage) {
  EXPECT_EQ(FormatDecisionLine(R"({"id":"r-1","summary":"secret words"})", FullDecision(),
                               OutputMode::kDecision),
            R"({"id":"r-1","triage":)" + DecisionToJson(FullDecision()) + "}");
}

TEST(FormatDecisionLineTest, DecisionModeOmitsMissingId) {
  EXPECT_EQ(FormatDecisionLine(R"({"summary":"x"})", SmallDecision(), OutputMode::kDecision),
            std::string(R"({"triage":)") + kSmallJson + "}");
}

TEST(FormatDecisionLineTest, DecisionModeEscapesId) {
  Decision decision = SmallDecision();
  decision.id = "r\"1\n";
  const std::string line = FormatDecisionLine("{}", decision, OutputMode::kDecision);
  EXPECT_EQ(line.rfind(R"({"id":"r\"1\n","triage":)", 0), 0U) << line;
  EXPECT_TRUE(IsValidJson(line));
}

TEST(FormatErrorLineTest, WritesLineIdAndError) {
  EXPECT_EQ(
      FormatErrorLine(17, std::string("r-9"),
                      Status::InvalidRecord("wrong_type", "field 'victim.age' expects a number")),
      R"({"line":17,"id":"r-9","triage":{"error":{"code":"wrong_type",)"
      R"("message":"field 'victim.age' expects a number"}}})");
}

TEST(FormatErrorLineTest, OmitsUnknownId) {
  EXPECT_EQ(FormatErrorLine(3, std::nullopt, Status::InvalidRecord("invalid_json", "bad \"json\"")),
            R"({"line":3,"triage":{"error":{"code":"invalid_json","message":"bad \"json\""}}})");
}

TEST(FormatErrorLineTest, HandlesLargeLineNumbers) {
  EXPECT_EQ(
      FormatErrorLine(uint64_t{1} << 40, std::nullopt, Status::InvalidRecord("too_large", "m")),
      R"({"line":1099511627776,"triage":{"error":{"code":"too_large","message":"m"}}})");
}

}  // namespace
}  // namespace triage
