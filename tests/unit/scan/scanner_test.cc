// SPDX-License-Identifier: Apache-2.0
// Evaluation tests through the public API: multi-valued fields, every kind of test, floors,
// clamping, category assignment, tags, routes, references, overrides, record errors and
// determinism.
#include "triage/scanner.h"

#include <gtest/gtest.h>

#include "support/compile_helpers.h"

namespace triage::testing {
namespace {

using Strings = std::vector<std::string>;

TEST(ScannerTest, MultiValuedNumericFieldHoldsIfAnyValueDoes) {
  RuleSet rules = MustCompile("rule minor { when victim.age < 18 urgency +20 }");
  EXPECT_EQ(Fired(Decide(rules, R"({"victims":[{"age":30},{"age":12}]})")), Strings{"minor"});
  EXPECT_TRUE(Fired(Decide(rules, R"({"victims":[{"age":30},{"age":40}]})")).empty());
  EXPECT_TRUE(Fired(Decide(rules, R"({"victims":[]})")).empty());
  EXPECT_TRUE(Fired(Decide(rules, R"({})")).empty());
  EXPECT_TRUE(Fired(Decide(rules, R"({"victims":[{"age":null},{"name":"x"}]})")).empty());
}

TEST(ScannerTest, TextFieldReadsEveryMappedPath) {
  RuleSet rules = MustCompile("rule help { when text ~ /\\bhelp\\b/i }");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"nothing"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"kind":"sms","body":"HELP"})")), Strings{"help"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"x","body":"please help"})")), Strings{"help"});
}

TEST(ScannerTest, NegatedMatchHoldsWhenNoValueMatches) {
  RuleSet rules = MustCompile("rule quiet { when text !~ /urgent/ }");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"routine"})")), Strings{"quiet"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"routine","body":"urgent"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({})")), Strings{"quiet"});
}

TEST(ScannerTest, PhraseListsAreWholeWordCaseInsensitiveAndUnicodeAware) {
  RuleSet rules = MustCompile(R"(
list meet = "meet up", "niña"
rule r { when text ~ meet }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"wants to MEET   UP later"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"wants to meet\nup"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"una NIÑA"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"meet upstairs"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"niñas"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"meetup"})")), Strings{});
}

TEST(ScannerTest, ListOptionsCaseAndPartial) {
  RuleSet rules = MustCompile(R"(
list acronym (case) = "NCMEC"
list stem (partial) = "traffick"
rule a { when text ~ acronym }
rule b { when text ~ stem }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"called NCMEC"})")), Strings{"a"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"called ncmec"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"TRAFFICKING"})")), Strings{"b"});
}

TEST(ScannerTest, AnyOfSeveralMatchers) {
  RuleSet rules = MustCompile(R"(
list a = "alpha"
pattern b = /beta\d/
rule r { when text ~ any(a, b) }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"beta7"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"Alpha"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"gamma"})")), Strings{});
}

TEST(ScannerTest, CountsNonOverlappingMatchesAcrossValues) {
  RuleSet rules = MustCompile(R"(
list threat = "threat"
rule twice { when count(text ~ threat) >= 2 }
rule thrice { when count(text ~ /\d/) == 3 }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"threat threat"})")), Strings{"twice"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"threat","body":"another threat"})")),
            Strings{"twice"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"threat threats"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"1 2 3"})")), Strings{"thrice"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"123 4"})")), Strings{});
}

TEST(ScannerTest, EqualityInExistsAndBooleans) {
  RuleSet rules = MustCompile(R"(
rule sms { when channel == "sms" }
rule not_web { when channel != "web" }
rule listed { when kind in ["report", "tip"] }
rule ages { when victim.age in [13, 14] }
rule has_suspect { when exists(suspect.username) }
rule flagged { when verified == true }
)",
                              "fields:\n  verified: meta.verified\n");
  Decision d = Decide(rules, R"({"channel":"sms","kind":"tip","victims":[{"age":14}],
      "suspects":[{"username":"u1"}],"meta":{"verified":true}})");
  EXPECT_EQ(Fired(d), (Strings{"sms", "not_web", "listed", "ages", "has_suspect", "flagged"}));
  d = Decide(rules, R"({"channel":"web","kind":"sms","meta":{"verified":false}})");
  EXPECT_EQ(Fired(d), Strings{});
}

TEST(ScannerTest, UrgencyAddsClampsAndFloors) {
  const std::string rules_text = R"(
rule a { when text ~ /a/ urgency +60 }
rule b { when text ~ /b/ urgency +70 }
rule c { when text ~ /c/ urgency -30 }
rule f { when text ~ /f/ urgency >= 85 }
)";
  RuleSet rules = MustCompile(rules_text);
  EXPECT_EQ(Decide(rules, R"({"summary":"a"})").urgency, 60);
  EXPECT_EQ(Decide(rules, R"({"summary":"a"})").band, "P2");
  EXPECT_EQ(Decide(rules, R"({"summary":"a b"})").urgency, 100);  // clamped at max
  EXPECT_EQ(Decide(rules, R"({"summary":"c"})").urgency, 0);      // clamped at 0
  EXPECT_EQ(Decide(rules, R"({"summary":"a c"})").urgency, 30);
  EXPECT_EQ(Decide(rules, R"({"summary":"f c"})").urgency, 85);   // floor beats the negative
  EXPECT_EQ(Decide(rules, R"({"summary":"f c"})").band, "P1");
  EXPECT_EQ(Decide(rules, R"({"summary":"a b f"})").urgency, 100);  // floor never lowers
  EXPECT_EQ(Decide(rules, R"({"summary":"x"})").band, "P4");
}

TEST(ScannerTest, BandsComeFromTheConfig) {
  RuleSet rules = MustCompile("rule a { when text ~ /a/ urgency +15 }",
                              "urgency:\n  max: 20\n  bands:\n    - {name: hot, min: 10}\n"
                              "    - {name: cold, min: 0}\n");
  Decision d = Decide(rules, R"({"summary":"a a"})");
  EXPECT_EQ(d.urgency, 15);
  EXPECT_EQ(d.band, "hot");
}

TEST(ScannerTest, CategoriesAssignRankAndFallBack) {
  const std::string text = R"(
category one
category two
category three
category unclassified
rule a { when text ~ /a/ category one +20 category two +40 }
rule b { when text ~ /b/ category one +20 category three +40 }
)";
  RuleSet rules = MustCompile(text);
  // one=20 < assign_min 30: not assigned; two 40.
  EXPECT_EQ(ScoreNames(Decide(rules, R"({"summary":"a"})").categories), Strings{"two:40"});
  // one=40, two=40, three=40: ties by name, at most max_labels (2).
  EXPECT_EQ(ScoreNames(Decide(rules, R"({"summary":"a b"})").categories),
            (Strings{"one:40", "three:40"}));
  EXPECT_EQ(ScoreNames(Decide(rules, R"({"summary":"z"})").categories), Strings{"unclassified:0"});
  RuleSet one_label = MustCompile(text, "categories:\n  max_labels: 1\n  assign_min: 10\n");
  EXPECT_EQ(ScoreNames(Decide(one_label, R"({"summary":"a"})").categories), Strings{"two:40"});
  EXPECT_EQ(ScoreNames(Decide(one_label, R"({"summary":"b"})").categories), Strings{"three:40"});
  RuleSet other_fallback = MustCompile(text, "categories:\n  fallback: one\n");
  EXPECT_EQ(ScoreNames(Decide(other_fallback, R"({"summary":"z"})").categories), Strings{"one:0"});
}

// One Decision scanned into again and again (as `triage filter` does per worker) holds exactly
// each record's hits: a scanner rewrites earlier hits in place, and none of a longer name, a
// floor or a category of an earlier record's hit is left over; a failed load leaves no hit.
TEST(ScannerTest, ADecisionScannedIntoAgainHoldsOnlyTheLatestRecordsHits) {
  RuleSet rules = MustCompile(R"(
category one
category two
category three
rule a_rule_with_a_long_name_and_two_categories {
  when text ~ /a/
  urgency >= 60
  category one +20 category two +40
}
rule b { when text ~ /b/ urgency +5 category three +40 }
rule c { when text ~ /c/ urgency +7 }
)");
  Scanner scanner(rules);
  Decision decision;
  const auto hits = [&decision]() {
    std::vector<std::string> out;
    for (const RuleHit& hit : decision.rules) {
      std::string s = hit.rule + ":" + std::to_string(hit.urgency);
      if (hit.floor) s += ">=" + std::to_string(*hit.floor);
      for (const CategoryScore& c : hit.categories) s += " " + c.name + "+" + std::to_string(c.score);
      out.push_back(s);
    }
    return out;
  };
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"a b c"})", &decision).ok());
  EXPECT_EQ(hits(), (Strings{"a_rule_with_a_long_name_and_two_categories:0>=60 one+20 two+40",
                             "b:5 three+40", "c:7"}));
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"c b"})", &decision).ok());
  EXPECT_EQ(hits(), (Strings{"b:5 three+40", "c:7"}));
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"c"})", &decision).ok());
  EXPECT_EQ(hits(), Strings{"c:7"});
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"b a"})", &decision).ok());
  EXPECT_EQ(hits(), (Strings{"a_rule_with_a_long_name_and_two_categories:0>=60 one+20 two+40",
                             "b:5 three+40"}));
  EXPECT_FALSE(scanner.ScanJson("not json", &decision).ok());
  EXPECT_TRUE(decision.rules.empty());
}

TEST(ScannerTest, TagsAndRoutesAreDistinctInOrderOfFirstAppearance) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ tag "minor" route "duty" tag "x" }
rule b { when text ~ /b/ tag "x" tag "minor" route "legal" route "duty" }
)");
  Decision d = Decide(rules, R"({"summary":"a b"})");
  EXPECT_EQ(d.tags, (Strings{"minor", "x"}));
  EXPECT_EQ(d.routes, (Strings{"duty", "legal"}));
}

TEST(ScannerTest, ReferencesEvaluateAfterTheirTargetsWhateverTheOrder) {
  RuleSet rules = MustCompile(R"(
rule both { when first and second urgency +5 }
rule second { when text ~ /b/ }
rule first { when text ~ /a/ and not third }
rule third { when text ~ /c/ }
)");
  EXPECT_EQ(rules.rule_names(), (Strings{"second", "third", "first", "both"}));
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"a b"})")), (Strings{"second", "first", "both"}));
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"a b c"})")), (Strings{"second", "third"}));
}

// A rule whose condition is an `or` of alternatives that each need a match or a rule is woken
// by any of them: by a rule it refers to having fired, by a match inside an `and`, by one of
// the parts of N of (...); and not by a rule it refers to that is disabled.
TEST(ScannerTest, AnOrOfRulesAndMatchesFiresThroughEachAlternative) {
  RuleSet rules = MustCompile(R"(
rule alpha { when text ~ /alpha/ }
rule either {
  when alpha or (text ~ /beta/ and text !~ /gamma/)
       or 2 of (text ~ /x1/, text ~ /x2/, text ~ /x3/)
}
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"alpha"})")), (Strings{"alpha", "either"}));
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"beta"})")), Strings{"either"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"beta gamma"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"x1 x3"})")), Strings{"either"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"x2"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"nothing"})")), Strings{});
  ScanOptions options;
  options.disabled_rules = {"alpha"};
  Scanner scanner(rules);
  Decision decision;
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"alpha"})", options, &decision).ok());
  EXPECT_TRUE(Fired(decision).empty());
}

// A rule that refers to a building block beside a disjunction is woken by the disjunction's
// alternatives and still needs the building block.
TEST(ScannerTest, ARuleReferenceBesideADisjunctionFiresOnlyWithBoth) {
  RuleSet rules = MustCompile(R"(
rule base { when text ~ /base/ }
rule r { when base and (text ~ /x/ and text ~ /y/ or text ~ /z/) }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"base z"})")), (Strings{"base", "r"}));
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"y base x"})")), (Strings{"base", "r"}));
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"base x"})")), Strings{"base"});
  EXPECT_EQ(Fired(Decide(rules, R"({"summary":"x y z"})")), Strings{});
}

// A rule gated by its fields having a value is woken by a value of any of them, and holds
// only on the values its tests read.
TEST(ScannerTest, FieldTestsFireOnTheirFieldsValues) {
  RuleSet rules = MustCompile(R"(
rule r { when incident_type == "x" or exists(suspect.username) or victim.age >= 18 }
)");
  EXPECT_EQ(Fired(Decide(rules, R"({"incident_type":"x"})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"suspects":[{"username":"a"}]})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"victims":[{"age":12},{"age":20}]})")), Strings{"r"});
  EXPECT_EQ(Fired(Decide(rules, R"({"victims":[{"age":12}]})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({"incident_type":"y","summary":"x"})")), Strings{});
  EXPECT_EQ(Fired(Decide(rules, R"({})")), Strings{});
}

TEST(ScannerTest, OverridesRetuneAndDisable) {
  const std::string text = R"(
category c
rule base { when text ~ /a/ urgency +10 category c +40 }
rule uses { when base urgency +5 }
)";
  RuleSet plain = MustCompile(text);
  EXPECT_EQ(Decide(plain, R"({"summary":"a"})").urgency, 15);
  RuleSet retuned = MustCompile(
      text, "overrides:\n  base: {urgency: 30, floor: 60, categories: {c: 20}}\n");
  Decision d = Decide(retuned, R"({"summary":"a"})");
  EXPECT_EQ(d.urgency, 60);
  ASSERT_EQ(d.rules.size(), 2u);
  EXPECT_EQ(d.rules[0].urgency, 30);
  EXPECT_EQ(d.rules[0].floor, 60);
  EXPECT_EQ(d.rules[0].categories[0].score, 20);
  EXPECT_EQ(ScoreNames(d.categories), Strings{"unclassified:0"});
  RuleSet disabled = MustCompile(text, "overrides:\n  base: {enabled: false}\n");
  EXPECT_EQ(Fired(Decide(disabled, R"({"summary":"a"})")), Strings{});
}

TEST(ScannerTest, RecordApiMatchesJsonPath) {
  RuleSet rules = MustCompile(R"(
rule minor { when victim.age < 18 and text ~ /meet/ urgency +40 }
)");
  Scanner scanner(rules);
  Record record;
  record.Add("id", "r-1").Add("text", "wants to meet").Add("victim.age", 15);
  Decision from_record;
  ASSERT_TRUE(scanner.Scan(record, &from_record).ok());
  Decision from_json =
      Decide(rules, R"({"id":"r-1","summary":"wants to meet","victims":[{"age":15}]})");
  EXPECT_EQ(DecisionToJson(from_record), DecisionToJson(from_json));
  EXPECT_EQ(from_record.id, "r-1");
  Record wrong;
  wrong.Add("victim.age", "fifteen");
  Status status = scanner.Scan(wrong, &from_record);
  EXPECT_EQ(status.code(), Status::Code::kInvalidRecord);
  EXPECT_EQ(status.record_code(), "wrong_type");
}

TEST(ScannerTest, RecordErrorsHaveCodesAndNeverQuoteText) {
  RuleSet rules = MustCompile("rule r { when victim.age < 18 and text ~ /x/ }",
                              "limits:\n  max_record_bytes: 200\n");
  Scanner scanner(rules);
  Decision d;
  struct Case {
    std::string json;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"summary":"secretword", )", "invalid_json"},
      {R"(["secretword"])", "not_an_object"},
      {R"("secretword")", "not_an_object"},
      {"{\"summary\":\"secretword \xff\"}", "invalid_utf8"},
      {R"({"summary":")" + std::string(300, 'y') + R"("})", "too_large"},
      {R"({"id":"r-9","victims":[{"age":"secretword"}]})", "wrong_type"},
      {R"({"summary":["secretword"]})", "wrong_type"},
      {R"({"summary":42})", "wrong_type"},
      {R"({"victims":{"age":3}})", "wrong_type"},
      {R"({"victims":"secretword"})", "wrong_type"},
  };
  for (const Case& c : cases) {
    Status status = scanner.ScanJson(c.json, &d);
    EXPECT_EQ(status.code(), Status::Code::kInvalidRecord) << c.json;
    EXPECT_EQ(status.record_code(), c.code) << c.json;
    EXPECT_EQ(status.message().find("secretword"), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("yyyy"), std::string::npos);
  }
  // simdjson's own messages quote a character of the input ("an atom starting with the letter
  // 'n'"); ours never do.
  for (const char* bad : {R"({"a":nxll})", R"({"a":tru})", R"({"a":"x)", R"({"a":1.})"}) {
    Status status = scanner.ScanJson(bad, &d);
    EXPECT_EQ(status.record_code(), "invalid_json") << bad;
    EXPECT_EQ(status.message().find('\''), std::string::npos) << status.message();
  }
  // The id is still known when a later field is wrong.
  ASSERT_FALSE(scanner.ScanJson(R"({"id":"r-9","victims":[{"age":"x"}]})", &d).ok());
  EXPECT_EQ(d.id, "r-9");
  // A numeric id is kept as its JSON text.
  ASSERT_TRUE(scanner.ScanJson(R"({"id":17})", &d).ok());
  EXPECT_EQ(d.id, "17");
}

// A key a field path reads must not occur twice in the object it is read from: the rules would
// see one value and a downstream reader another (issue 13, defect 2). Keys the paths do not read
// may repeat; an escaped spelling of the same key counts as the same key.
TEST(ScannerTest, DuplicateKeyOnAFieldPathIsAnError) {
  RuleSet rules = MustCompile("rule r { when text ~ /urgent/ or victim.age < 18 urgency +50 }");
  Scanner scanner(rules);
  Decision d;
  const std::vector<std::string> duplicated = {
      R"({"id":"k","body":"HELP","body":"urgent secretword"})",
      R"({"id":"k","summary":"a","summary":"urgent secretword"})",
      R"({"id":"k","summary":"urgent","summ\u0061ry":"secretword"})",
      R"({"id":"k","victims":[{"age":40}],"victims":[{"age":12}]})",
      R"({"id":"k","victims":[{"age":40,"age":12}]})",
      R"({"id":"k","summary":null,"summary":"urgent secretword"})",
  };
  for (const std::string& json : duplicated) {
    Status status = scanner.ScanJson(json, &d);
    EXPECT_EQ(status.code(), Status::Code::kInvalidRecord) << json;
    EXPECT_EQ(status.record_code(), "duplicate_key") << json;
    EXPECT_EQ(status.message().find("secretword"), std::string::npos) << status.message();
    EXPECT_EQ(d.id, "k") << json;  // the id was read first
    Explanation explanation;
    EXPECT_EQ(scanner.Explain(json, {}, &explanation).record_code(), "duplicate_key") << json;
  }
  // A duplicated id is itself an error, and no id is reported.
  Status status = scanner.ScanJson(R"({"id":"a","id":"b"})", &d);
  EXPECT_EQ(status.record_code(), "duplicate_key");
  EXPECT_FALSE(d.id.has_value());
  // Repeated keys that no path reads are left alone; the same key in sibling objects is fine.
  ASSERT_TRUE(scanner.ScanJson(R"({"id":"k","note":1,"note":2,"summary":"urgent"})", &d).ok());
  EXPECT_EQ(d.urgency, 50);
  ASSERT_TRUE(
      scanner.ScanJson(R"({"id":"k","victims":[{"age":40,"x":1,"x":2},{"age":12}]})", &d).ok());
  EXPECT_EQ(d.urgency, 50);
}

// JSON nesting is bounded by the parser (docs/robustness.md): a deeper record is an error line.
TEST(ScannerTest, DeeplyNestedRecordIsInvalidJson) {
  RuleSet rules = MustCompile("rule r { when text ~ /x/ }");
  Scanner scanner(rules);
  Decision d;
  const std::string deep =
      R"({"summary":"x","other":)" + std::string(5000, '[') + std::string(5000, ']') + "}";
  const Status status = scanner.ScanJson(deep, &d);
  EXPECT_EQ(status.record_code(), "invalid_json");
  const std::string shallow =
      R"({"summary":"x","other":)" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_TRUE(scanner.ScanJson(shallow, &d).ok());
}

TEST(ScannerTest, DecisionsAreDeterministic) {
  RuleSet rules = MustCompile(R"(
category a
category b
rule r1 { when text ~ /x/ urgency +10 category a +40 tag "t1" }
rule r2 { when text ~ /y/ urgency +20 category b +40 tag "t2" route "r" }
)");
  const std::string record = R"({"id":"r-1","summary":"x y"})";
  Scanner first(rules);
  Scanner second(rules);
  Decision d1;
  Decision d2;
  Decision d3;
  ASSERT_TRUE(first.ScanJson(record, &d1).ok());
  ASSERT_TRUE(first.ScanJson(R"({"summary":"other"})", &d2).ok());
  ASSERT_TRUE(second.ScanJson(record, &d3).ok());
  EXPECT_EQ(DecisionToJson(d1), DecisionToJson(d3));
  ASSERT_TRUE(first.ScanJson(record, &d2).ok());
  EXPECT_EQ(DecisionToJson(d1), DecisionToJson(d2));
  EXPECT_EQ(d1.ruleset, rules.digest());
  EXPECT_EQ(d1.engine, EngineVersion());
}

TEST(ScannerExplainTest, TracesRulesConditionsAndSpans) {
  RuleSet rules = MustCompile(R"(
category c
list meet = "meet up"
rule age { when text ~ /\b1[0-7] ?yo\b/ urgency +20 }
rule meet_minor "meeting" { when age and text ~ meet urgency +40 category c +35 }
rule never { when text ~ /absent/ and victim.age < 18 urgency +5 }
rule hurry { when text ~ /tonight/ urgency >= 85 }
)");
  Scanner scanner(rules);
  Explanation e;
  const std::string json = R"({"id":"r-1","summary":"she is 14yo, wants to meet up tonight"})";
  ASSERT_TRUE(scanner.Explain(json, ScanOptions(), &e).ok());
  Decision plain = Decide(rules, json);
  EXPECT_EQ(DecisionToJson(e.decision), DecisionToJson(plain));
  ASSERT_EQ(e.rules.size(), 4u);
  EXPECT_EQ(e.urgency_sum, 60);
  EXPECT_EQ(e.floor, 85);
  EXPECT_EQ(e.decision.urgency, 85);
  const RuleTrace& age = e.rules[0];
  EXPECT_TRUE(age.fired);
  EXPECT_EQ(age.location, "test.rules:4:6");
  ASSERT_EQ(age.spans.size(), 1u);
  EXPECT_EQ(age.spans[0].field, "text");
  const std::string summary = "she is 14yo, wants to meet up tonight";
  EXPECT_EQ(summary.substr(age.spans[0].begin, age.spans[0].end - age.spans[0].begin), "14yo");
  const RuleTrace& meet = e.rules[1];
  ASSERT_EQ(meet.spans.size(), 1u);  // the rule reference contributes no span of its own
  EXPECT_EQ(summary.substr(meet.spans[0].begin, meet.spans[0].end - meet.spans[0].begin),
            "meet up");
  const RuleTrace& never = e.rules[2];
  EXPECT_FALSE(never.fired);
  EXPECT_TRUE(never.spans.empty());
  EXPECT_EQ(never.condition.text, "text ~ /absent/ and victim.age < 18");
  ASSERT_EQ(never.condition.children.size(), 2u);
  EXPECT_FALSE(never.condition.children[0].holds);
  EXPECT_EQ(never.condition.children[0].text, "text ~ /absent/");
  EXPECT_EQ(never.condition.children[1].text, "victim.age < 18");
  ASSERT_EQ(e.category_totals.size(), 1u);
  EXPECT_EQ(e.category_totals[0].score, 35);
  ASSERT_EQ(e.texts.size(), 1u);
  EXPECT_EQ(e.texts[0].values, std::vector<std::string>{summary});
}

TEST(ScannerStatsTest, CountsRecordsBytesAndHitsWithoutChangingDecisions) {
  RuleSet rules = MustCompile("rule a { when text ~ /a/ }\nrule b { when victim.age < 18 }");
  Scanner plain(rules);
  Scanner counted(rules);
  counted.set_collect_stats(true);
  const std::vector<std::string> records = {R"({"summary":"a","victims":[{"age":3}]})",
                                            R"({"summary":"bb"})", R"({"body":"aaa"})"};
  for (const std::string& json : records) {
    Decision d1;
    Decision d2;
    ASSERT_TRUE(plain.ScanJson(json, &d1).ok());
    ASSERT_TRUE(counted.ScanJson(json, &d2).ok());
    EXPECT_EQ(DecisionToJson(d1), DecisionToJson(d2));
  }
  const ScanStats& stats = counted.stats();
  EXPECT_EQ(stats.records, 3u);
  ASSERT_EQ(stats.fields.size(), 1u);
  EXPECT_EQ(stats.fields[0].field, "text");
  EXPECT_EQ(stats.fields[0].values, 3u);
  EXPECT_EQ(stats.fields[0].bytes, 6u);
  ASSERT_EQ(stats.rules.size(), 2u);
  EXPECT_EQ(stats.rules[0].hits, 2u);
  EXPECT_EQ(stats.rules[1].hits, 1u);
  ScanStats total;
  total.Merge(stats);
  total.Merge(stats);
  EXPECT_EQ(total.records, 6u);
  EXPECT_EQ(total.rules[0].hits, 4u);
  EXPECT_TRUE(plain.stats().rules.empty());
}

TEST(ScannerExplainTest, DisabledRulesGiveTheCounterfactual) {
  RuleSet rules = MustCompile(R"(
rule a { when text ~ /a/ urgency +30 }
rule b { when a and text ~ /b/ urgency +30 }
)");
  Scanner scanner(rules);
  Decision d;
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"a b"})", &d).ok());
  EXPECT_EQ(d.band, "P2");
  ScanOptions without_a;
  without_a.disabled_rules = {"a"};
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"a b"})", without_a, &d).ok());
  EXPECT_EQ(d.band, "P4");  // b refers to a, so it falls too
  EXPECT_TRUE(d.rules.empty());
  // The next plain scan is not affected.
  ASSERT_TRUE(scanner.ScanJson(R"({"summary":"a b"})", &d).ok());
  EXPECT_EQ(d.urgency, 60);
}

}  // namespace
}  // namespace triage::testing
