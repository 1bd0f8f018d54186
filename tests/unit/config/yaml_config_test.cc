// SPDX-License-Identifier: Apache-2.0
// Tests of LoadConfig (engine/src/config/yaml_config.cc): defaults, a full round trip, and every
// error code at its exact line and column. Per the house rule the tests assert diagnostic codes
// and positions, never the wording of messages.
#include <algorithm>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/position.h"
#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"
#include "triage/status.h"

namespace triage {
namespace {

using testing::Position;

class YamlConfigTest : public ::testing::Test {
 protected:
  // Loads `text` as triage.yaml into a fresh file of sources_.
  Result<EngineConfig> Load(std::string text) {
    file_ = sources_.AddFile("triage.yaml", std::move(text));
    return LoadConfig(sources_, file_, &diagnostics_);
  }

  // The 1-based positions of the error diagnostics with `code`, in order.
  std::vector<Position> ErrorsWithCode(const std::string& code) const {
    std::vector<Position> positions;
    for (const Diagnostic& d : diagnostics_.items()) {
      if (d.severity != Severity::kError || d.code != code) continue;
      const LineColumn lc = sources_.file(d.file).Position(d.span.begin);
      positions.push_back({lc.line, lc.column});
    }
    return positions;
  }

  // Loads `text` and expects it to fail with exactly one error, of `code` at line:column.
  void ExpectOneError(std::string text, const std::string& code, uint32_t line, uint32_t column) {
    SCOPED_TRACE(text);
    const Result<EngineConfig> config = Load(std::move(text));
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(diagnostics_.error_count(), 1u) << Rendered();
    EXPECT_EQ(ErrorsWithCode(code), (std::vector<Position>{{line, column}})) << Rendered();
  }

  // The notes, as "line:col", in order.
  std::vector<Position> Notes() const {
    std::vector<Position> positions;
    for (const Diagnostic& d : diagnostics_.items()) {
      if (d.severity != Severity::kNote) continue;
      const LineColumn lc = sources_.file(d.file).Position(d.span.begin);
      positions.push_back({lc.line, lc.column});
    }
    return positions;
  }

  std::string Rendered() const { return RenderDiagnostics(diagnostics_, sources_); }

  // The text a span covers.
  std::string SpanText(SourceSpan span) const {
    return sources_.file(file_).text().substr(span.begin, span.end - span.begin);
  }

  SourceManager sources_;
  Diagnostics diagnostics_;
  FileId file_;
};

void ExpectDefaults(const EngineConfig& config) {
  EXPECT_TRUE(config.rule_files.empty());
  EXPECT_TRUE(config.rule_file_spans.empty());
  EXPECT_TRUE(config.fields.empty());
  EXPECT_EQ(config.urgency_max, 100);
  ASSERT_EQ(config.bands.size(), 4u);
  const std::vector<UrgencyBand> defaults = DefaultBands();
  for (size_t i = 0; i < defaults.size(); ++i) {
    EXPECT_EQ(config.bands[i].name, defaults[i].name);
    EXPECT_EQ(config.bands[i].min, defaults[i].min);
    EXPECT_EQ(config.bands[i].label, defaults[i].label);
  }
  EXPECT_EQ(config.assign_min, 30);
  EXPECT_EQ(config.max_labels, 2);
  EXPECT_EQ(config.fallback, "unclassified");
  EXPECT_TRUE(config.fallback_by_band.empty());
  EXPECT_TRUE(config.fallback_by_field.empty());
  EXPECT_TRUE(config.overrides.empty());
  EXPECT_EQ(config.max_record_bytes, 1048576u);
}

TEST_F(YamlConfigTest, EmptyFileGivesDefaults) {
  const Result<EngineConfig> config = Load("");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(diagnostics_.empty());
  EXPECT_EQ(config->file, file_);
  ExpectDefaults(*config);
}

TEST_F(YamlConfigTest, CommentOnlyFileGivesDefaults) {
  const Result<EngineConfig> config = Load("# nothing configured yet\n\n---\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ExpectDefaults(*config);
}

TEST_F(YamlConfigTest, EmptySectionsAreAbsentSections) {
  const Result<EngineConfig> config =
      Load("rules:\nfields:\nurgency:\ncategories:\noverrides:\nlimits:\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ExpectDefaults(*config);
}

TEST_F(YamlConfigTest, DefaultBandsAreP1ToP4) {
  const std::vector<UrgencyBand> bands = DefaultBands();
  ASSERT_EQ(bands.size(), 4u);
  EXPECT_EQ(bands[0].name, "P1");
  EXPECT_EQ(bands[0].min, 80);
  EXPECT_EQ(bands[0].label, "imminent danger: act now");
  EXPECT_EQ(bands[1].name, "P2");
  EXPECT_EQ(bands[1].min, 50);
  EXPECT_EQ(bands[1].label, "high");
  EXPECT_EQ(bands[2].name, "P3");
  EXPECT_EQ(bands[2].min, 20);
  EXPECT_EQ(bands[2].label, "standard");
  EXPECT_EQ(bands[3].name, "P4");
  EXPECT_EQ(bands[3].min, 0);
  EXPECT_EQ(bands[3].label, "low / informational");
}

TEST_F(YamlConfigTest, DefaultFieldMappingsCoverReportAndSmsShapes) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"id", {"id"}},
      {"kind", {"kind"}},
      {"channel", {"channel"}},
      {"text", {"summary", "body"}},
      {"incident_type", {"incident_type"}},
      {"victim.age", {"victims[*].age"}},
      {"suspect.username", {"suspects[*].username"}},
      {"suspect.platform", {"suspects[*].platform"}},
      {"url", {"urls[*]"}},
      {"conversation", {"conversation"}},
      {"from", {"from"}},
      {"to", {"to"}},
      {"received_at", {"received_at"}},
      {"escalate_to_high_priority", {"escalate_to_high_priority"}},
  };
  const std::vector<FieldMapping> mappings = DefaultFieldMappings();
  ASSERT_EQ(mappings.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(mappings[i].name, expected[i].first);
    EXPECT_EQ(mappings[i].paths, expected[i].second);
    EXPECT_EQ(mappings[i].type, FieldType::kAuto);
  }
}

TEST_F(YamlConfigTest, LoadsEveryKeyOfAFullConfig) {
  const Result<EngineConfig> config = Load(R"(# triage.yaml
rules: [cybertipline.rules, "hotline.rules"]
fields:
  id: id
  text: [summary, body]
  victim.age: victims[*].age
  first_url: urls[0]
  flagged:
    path:
      - meta.flagged
      - "flags[*].set"  # in a flow list, a path with [ ] must be quoted
    type: bool
  score: {path: meta.score, type: number}
  note: {path: note, type: text}
urgency:
  max: 120
  bands:
    - {name: P1, min: 100, label: "imminent danger: act now"}
    - name: P2
      min: 60
      label: high
    - {name: P3, min: 0}
categories:
  assign_min: 25
  max_labels: 3
  fallback: other_contact
overrides:
  minor_age_mentioned: {urgency: 20}
  some_noisy_rule: {enabled: false}
  meeting_a_minor:
    enabled: true
    floor: 90
    urgency: -5
    categories: {enticement: 50, child_sex_trafficking: 0}
limits:
  max_record_bytes: 65536
)");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(diagnostics_.empty()) << Rendered();
  EXPECT_EQ(config->file, file_);

  EXPECT_EQ(config->rule_files, (std::vector<std::string>{"cybertipline.rules", "hotline.rules"}));
  ASSERT_EQ(config->rule_file_spans.size(), 2u);
  EXPECT_EQ(SpanText(config->rule_file_spans[0]), "cybertipline.rules");
  EXPECT_EQ(SpanText(config->rule_file_spans[1]), "\"hotline.rules\"");

  ASSERT_EQ(config->fields.size(), 7u);
  const auto& f = config->fields;
  EXPECT_EQ(f[0].name, "id");
  EXPECT_EQ(f[0].paths, (std::vector<std::string>{"id"}));
  EXPECT_EQ(f[0].type, FieldType::kAuto);
  EXPECT_EQ(SpanText(f[0].span), "id");
  EXPECT_EQ(f[1].name, "text");
  EXPECT_EQ(f[1].paths, (std::vector<std::string>{"summary", "body"}));
  EXPECT_EQ(f[2].name, "victim.age");
  EXPECT_EQ(f[2].paths, (std::vector<std::string>{"victims[*].age"}));
  EXPECT_EQ(SpanText(f[2].span), "victim.age");
  EXPECT_EQ(sources_.file(file_).Position(f[2].span.begin).line, 6u);
  EXPECT_EQ(f[3].name, "first_url");
  EXPECT_EQ(f[3].paths, (std::vector<std::string>{"urls[0]"}));
  EXPECT_EQ(f[4].name, "flagged");
  EXPECT_EQ(f[4].paths, (std::vector<std::string>{"meta.flagged", "flags[*].set"}));
  EXPECT_EQ(f[4].type, FieldType::kBool);
  EXPECT_EQ(f[5].name, "score");
  EXPECT_EQ(f[5].paths, (std::vector<std::string>{"meta.score"}));
  EXPECT_EQ(f[5].type, FieldType::kNumber);
  EXPECT_EQ(f[6].name, "note");
  EXPECT_EQ(f[6].type, FieldType::kText);

  EXPECT_EQ(config->urgency_max, 120);
  ASSERT_EQ(config->bands.size(), 3u);
  EXPECT_EQ(config->bands[0].name, "P1");
  EXPECT_EQ(config->bands[0].min, 100);
  EXPECT_EQ(config->bands[0].label, "imminent danger: act now");
  EXPECT_EQ(config->bands[1].name, "P2");
  EXPECT_EQ(config->bands[1].min, 60);
  EXPECT_EQ(config->bands[1].label, "high");
  EXPECT_EQ(config->bands[2].name, "P3");
  EXPECT_EQ(config->bands[2].min, 0);
  EXPECT_EQ(config->bands[2].label, "");
  const LineColumn bands_at = sources_.file(file_).Position(config->bands_span.begin);
  EXPECT_EQ(bands_at.line, 18u);
  EXPECT_EQ(bands_at.column, 5u);

  EXPECT_EQ(config->assign_min, 25);
  EXPECT_EQ(config->max_labels, 3);
  EXPECT_EQ(config->fallback, "other_contact");
  EXPECT_EQ(SpanText(config->fallback_span), "other_contact");

  ASSERT_EQ(config->overrides.size(), 3u);
  const auto& o = config->overrides;
  EXPECT_EQ(o[0].rule, "minor_age_mentioned");
  EXPECT_EQ(SpanText(o[0].span), "minor_age_mentioned");
  EXPECT_FALSE(o[0].enabled.has_value());
  EXPECT_EQ(o[0].urgency, 20);
  EXPECT_FALSE(o[0].floor.has_value());
  EXPECT_TRUE(o[0].categories.empty());
  EXPECT_EQ(o[1].rule, "some_noisy_rule");
  EXPECT_EQ(o[1].enabled, false);
  EXPECT_FALSE(o[1].urgency.has_value());
  EXPECT_EQ(o[2].rule, "meeting_a_minor");
  EXPECT_EQ(o[2].enabled, true);
  EXPECT_EQ(o[2].floor, 90);
  EXPECT_EQ(o[2].urgency, -5);
  EXPECT_EQ(o[2].categories, (std::vector<std::pair<std::string, int>>{
                                 {"enticement", 50}, {"child_sex_trafficking", 0}}));

  EXPECT_EQ(config->max_record_bytes, 65536u);
}

TEST_F(YamlConfigTest, RulesMayBeOneString) {
  const Result<EngineConfig> config = Load("rules: hotline.rules  # just one\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->rule_files, (std::vector<std::string>{"hotline.rules"}));
  ASSERT_EQ(config->rule_file_spans.size(), 1u);
  EXPECT_EQ(SpanText(config->rule_file_spans[0]), "hotline.rules");
}

TEST_F(YamlConfigTest, CustomBandsInDescendingOrderAreAccepted) {
  const Result<EngineConfig> config = Load(
      "urgency:\n"
      "  bands:\n"
      "    - {name: now, min: 90}\n"
      "    - {name: soon, min: 89}\n"
      "    - {name: later, min: 0}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->bands.size(), 3u);
  EXPECT_EQ(config->bands[0].name, "now");
  EXPECT_EQ(config->bands[1].min, 89);
  EXPECT_EQ(config->bands[2].name, "later");
}

TEST_F(YamlConfigTest, SingleBandAtZeroIsAccepted) {
  const Result<EngineConfig> config = Load("urgency: {bands: [{name: all, min: 0}]}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->bands.size(), 1u);
}

TEST_F(YamlConfigTest, OverridesWithCategories) {
  const Result<EngineConfig> config = Load(
      "overrides:\n"
      "  labor_indicators:\n"
      "    categories:\n"
      "      labor_trafficking: 45\n"
      "      sex_trafficking: -10\n"
      "  hotline_keyword: {categories: {hotline_contact: 60}, enabled: true}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->overrides.size(), 2u);
  EXPECT_EQ(config->overrides[0].rule, "labor_indicators");
  EXPECT_EQ(config->overrides[0].categories,
            (std::vector<std::pair<std::string, int>>{{"labor_trafficking", 45},
                                                      {"sex_trafficking", -10}}));
  EXPECT_EQ(config->overrides[1].categories,
            (std::vector<std::pair<std::string, int>>{{"hotline_contact", 60}}));
  EXPECT_EQ(config->overrides[1].enabled, true);
  const LineColumn at = sources_.file(file_).Position(config->overrides[1].span.begin);
  EXPECT_EQ(at.line, 6u);
  EXPECT_EQ(at.column, 3u);
}

// yaml-syntax

TEST_F(YamlConfigTest, YamlSyntaxErrorAtItsMark) {
  // yaml-cpp gives up on the unclosed flow list at the ':' of the next key, line 2 column 7.
  ExpectOneError("rules: [a.rules, b.rules\nfields:\n  id: id\n", "yaml-syntax", 2, 7);
}

TEST_F(YamlConfigTest, YamlSyntaxErrorForIllegalMapValue) {
  ExpectOneError("urgency:\n  max: 1: 2\n", "yaml-syntax", 2, 9);
}

TEST_F(YamlConfigTest, YamlSyntaxErrorForTabIndentation) {
  // yaml-cpp marks the ':' after the tab-indented key.
  ExpectOneError("urgency:\n\tmax: 100\n", "yaml-syntax", 2, 5);
}

TEST_F(YamlConfigTest, YamlSyntaxErrorForUndefinedAlias) {
  ExpectOneError("limits:\n  max_record_bytes: *size\n", "yaml-syntax", 2, 21);
}

TEST_F(YamlConfigTest, SecondDocumentIsAnError) {
  ExpectOneError("rules: a.rules\n---\nrules: b.rules\n", "yaml-syntax", 3, 1);
}

// unknown-key

TEST_F(YamlConfigTest, UnknownTopLevelKeyAtTheKey) {
  ExpectOneError("rules: a.rules\nthresholds: {}\n", "unknown-key", 2, 1);
  EXPECT_TRUE(Notes().empty());
}

TEST_F(YamlConfigTest, UnknownKeySuggestsCloseKey) {
  ExpectOneError("urgency:\n  mxa: 100\n", "unknown-key", 2, 3);
  ASSERT_EQ(diagnostics_.items().size(), 2u);
  EXPECT_EQ(diagnostics_.items()[1].severity, Severity::kNote);
  EXPECT_EQ(Notes(), (std::vector<Position>{{2, 3}}));
}

TEST_F(YamlConfigTest, UnknownKeySuggestsWithinTwoEdits) {
  ExpectOneError("categories:\n  asign_mn: 10\n", "unknown-key", 2, 3);
  EXPECT_EQ(Notes().size(), 1u);
}

TEST_F(YamlConfigTest, UnknownKeyFarFromAnyKeyHasNoNote) {
  ExpectOneError("limits:\n  max_record_size: 10\n", "unknown-key", 2, 3);
  EXPECT_TRUE(Notes().empty());
}

TEST_F(YamlConfigTest, UnknownKeyInBandOverrideAndFieldMap) {
  const Result<EngineConfig> config = Load(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 0, lable: x}\n"
      "overrides:\n"
      "  r: {urgncy: 5}\n"
      "fields:\n"
      "  f: {path: a, typ: text}\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("unknown-key"), (std::vector<Position>{{3, 26}, {5, 7}, {7, 16}}))
      << Rendered();
  EXPECT_EQ(diagnostics_.error_count(), 3u) << Rendered();
  EXPECT_EQ(Notes(), (std::vector<Position>{{3, 26}, {5, 7}, {7, 16}}));
}

TEST_F(YamlConfigTest, DuplicateKeyIsAnError) {
  ExpectOneError("categories:\n  max_labels: 2\n  max_labels: 3\n", "duplicate-key", 3, 3);
  EXPECT_EQ(Notes(), (std::vector<Position>{{2, 3}}));
}

// wrong-type

TEST_F(YamlConfigTest, WrongTypeForWordWhereIntegerExpected) {
  ExpectOneError("urgency:\n  max: high\n", "wrong-type", 2, 8);
}

TEST_F(YamlConfigTest, WrongTypeForMapWhereRulesExpected) {
  ExpectOneError("rules: {a: b}\n", "wrong-type", 1, 8);
}

TEST_F(YamlConfigTest, WrongTypeForRootThatIsNotAMap) {
  ExpectOneError("- a.rules\n- b.rules\n", "wrong-type", 1, 1);
}

TEST_F(YamlConfigTest, WrongTypeForScalarRootAfterComments) {
  ExpectOneError("# a comment\njust text\n", "wrong-type", 1, 1);
}

TEST_F(YamlConfigTest, WrongTypeForQuotedNumber) {
  ExpectOneError("categories:\n  assign_min: \"30\"\n", "wrong-type", 2, 15);
}

TEST_F(YamlConfigTest, WrongTypeForFloat) {
  ExpectOneError("categories:\n  max_labels: 2.5\n", "wrong-type", 2, 15);
}

TEST_F(YamlConfigTest, WrongTypeForEmptyValueIsAtTheKey) {
  ExpectOneError("urgency:\n  max:\n  bands:\n    - {name: P, min: 0}\n", "wrong-type", 2, 3);
}

TEST_F(YamlConfigTest, WrongTypeForEmptyListItemIsAtItsDash) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 0}\n"
      "    -   # nothing here\n"
      "\n"
      "categories: {}\n",
      "wrong-type", 4, 5);
}

TEST_F(YamlConfigTest, DiagnosticsComeInSourceOrder) {
  // The band order is checked after the whole section was read; it is still reported where it
  // stands in the file.
  ASSERT_FALSE(Load("overrides:\n"
                    "  r: {floor: x}\n"
                    "urgency:\n"
                    "  bands: [{name: A, min: 0}, {name: B, min: 10}]\n"
                    "  max: 100\n"
                    "limits: {max_record_bytes: 0}\n")
                   .ok());
  std::vector<uint32_t> offsets;
  for (const Diagnostic& d : diagnostics_.items()) offsets.push_back(d.span.begin);
  ASSERT_EQ(offsets.size(), 3u) << Rendered();
  EXPECT_TRUE(std::is_sorted(offsets.begin(), offsets.end())) << Rendered();
}

TEST_F(YamlConfigTest, WrongTypeAtNestedLevels) {
  const Result<EngineConfig> config = Load(
      "rules: [a.rules, [b.rules]]\n"  // 1: list inside the list
      "fields:\n"
      "  id: {path: id, type: [text]}\n"  // 3: type is a list
      "  text: {a: b}\n"                  // 4: unknown key + missing path
      "urgency:\n"
      "  bands:\n"
      "    - P1\n"                      // 7: band is not a map
      "    - {name: P2, min: \"0\"}\n"  // 8: min is a string
      "categories: [assign_min]\n"      // 9: section is a list
      "overrides:\n"
      "  r1: {enabled: yes}\n"                    // 11: not a core-schema boolean
      "  r2: {categories: [enticement]}\n"        // 12: categories is a list
      "  r3: {categories: {enticement: high}}\n"  // 13: score is a word
      "  r4: true\n"                              // 14: override is not a map
      "limits: 1048576\n");                       // 15: section is a scalar
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("wrong-type"), (std::vector<Position>{{1, 18},
                                                                 {3, 24},
                                                                 {7, 7},
                                                                 {8, 23},
                                                                 {9, 13},
                                                                 {11, 17},
                                                                 {12, 20},
                                                                 {13, 33},
                                                                 {14, 7},
                                                                 {15, 9}}))
      << Rendered();
  EXPECT_EQ(ErrorsWithCode("unknown-key"), (std::vector<Position>{{4, 10}})) << Rendered();
  EXPECT_EQ(ErrorsWithCode("missing-key"), (std::vector<Position>{{4, 9}})) << Rendered();
}

// bad-field-path, bad-field-name, bad-field-type

TEST_F(YamlConfigTest, BadFieldPathAtThePath) {
  ExpectOneError("fields:\n  a: x..y\n", "bad-field-path", 2, 6);
}

TEST_F(YamlConfigTest, BadFieldPathsOfEveryShape) {
  const Result<EngineConfig> config = Load(
      "fields:\n"
      "  a: \"a..b\"\n"        // 2 empty key
      "  b: \"a[x]\"\n"        // 3 bad index
      "  c: \"[*]\"\n"         // 4 no key before the index
      "  d: \"\"\n"            // 5 empty
      "  e: \"a.\"\n"          // 6 trailing dot
      "  f: \"a[*\"\n"         // 7 unterminated index
      "  g: summary, body\n"   // 8 a list written as one string
      "  h: \"a[*]b\"\n"       // 9 text after an index
      "  i: victims.*.age\n"   // 10 a glob
      "  j: [ok, \"a b\"]\n"   // 11 one bad path in a list
      "  k: []\n"              // 12 no paths
      "  l: {path: \".a\"}\n"  // 13 in the map form
      "  m: \"a[0][1]\"\n");   // 14 two indexes
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("bad-field-path"), (std::vector<Position>{{2, 6},
                                                                     {3, 6},
                                                                     {4, 6},
                                                                     {5, 6},
                                                                     {6, 6},
                                                                     {7, 6},
                                                                     {8, 6},
                                                                     {9, 6},
                                                                     {10, 6},
                                                                     {11, 11},
                                                                     {12, 6},
                                                                     {13, 13},
                                                                     {14, 6}}))
      << Rendered();
  EXPECT_EQ(diagnostics_.error_count(), 13u) << Rendered();
}

TEST_F(YamlConfigTest, WellFormedFieldPathsAreAccepted) {
  const Result<EngineConfig> config = Load(
      "fields:\n"
      "  a: victims[*].age\n"
      "  b: urls[12]\n"
      "  c: meta.source-system.@id\n"
      "  d: \"données.âge\"\n"
      "  e: a[*].b[0].c\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->fields.size(), 5u);
}

TEST_F(YamlConfigTest, BadFieldNameAtTheKey) {
  const Result<EngineConfig> config = Load(
      "fields:\n"
      "  victim..age: a\n"
      "  1st: a\n"
      "  victim-age: a\n"
      "  victim.age: a\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("bad-field-name"), (std::vector<Position>{{2, 3}, {3, 3}, {4, 3}}))
      << Rendered();
  EXPECT_EQ(diagnostics_.error_count(), 3u);
}

TEST_F(YamlConfigTest, BadFieldTypeAtTheType) {
  ExpectOneError("fields:\n  age: {path: age, type: integer}\n", "bad-field-type", 2, 26);
}

// bad-bands

TEST_F(YamlConfigTest, EmptyBandsAreBadBands) {
  ExpectOneError("urgency:\n  bands: []\n", "bad-bands", 2, 10);
}

TEST_F(YamlConfigTest, BandsWithNoValueAreBadBandsAtTheKey) {
  ExpectOneError("urgency:\n  bands:\n", "bad-bands", 2, 3);
}

TEST_F(YamlConfigTest, DuplicateBandNameAtTheLaterBand) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 50}\n"
      "    - {name: P1, min: 0}\n",
      "bad-bands", 4, 7);
  EXPECT_EQ(Notes(), (std::vector<Position>{{3, 7}}));
}

TEST_F(YamlConfigTest, BandsNotStrictlyDescendingAtTheBand) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 50}\n"
      "    - {name: P2, min: 50}\n"
      "    - {name: P3, min: 0}\n",
      "bad-bands", 4, 7);
}

TEST_F(YamlConfigTest, BandsInAscendingOrderReportEachMisplacedBand) {
  const Result<EngineConfig> config = Load(
      "urgency:\n"
      "  bands:\n"
      "    - name: P4\n"
      "      min: 0\n"
      "    - name: P3\n"
      "      min: 20\n"
      "    - name: P2\n"
      "      min: 50\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("bad-bands"), (std::vector<Position>{{5, 7}, {7, 7}})) << Rendered();
  EXPECT_EQ(diagnostics_.error_count(), 2u);
}

TEST_F(YamlConfigTest, LastBandMinNotZeroAtTheLastBand) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 50}\n"
      "    - {name: P2, min: 10}\n",
      "bad-bands", 4, 7);
}

TEST_F(YamlConfigTest, BandMinAboveMaxAtTheBand) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 150}\n"
      "    - {name: P2, min: 0}\n"
      "  max: 100\n",
      "bad-bands", 3, 7);
}

TEST_F(YamlConfigTest, BandMinBelowZeroAtTheBand) {
  ExpectOneError(
      "urgency:\n"
      "  bands:\n"
      "    - {name: P1, min: 10}\n"
      "    - {name: P2, min: -1}\n",
      "bad-bands", 4, 7);
}

TEST_F(YamlConfigTest, BandWithoutMinIsMissingKey) {
  ExpectOneError("urgency:\n  bands:\n    - {name: P1, label: x}\n", "missing-key", 3, 7);
}

TEST_F(YamlConfigTest, DefaultBandsDoNotFitSmallMax) {
  ExpectOneError("urgency:\n  max: 10\n", "bad-bands", 2, 8);
}

// bad-value

TEST_F(YamlConfigTest, BadValueForOutOfRangeNumbers) {
  const Result<EngineConfig> config = Load(
      "urgency:\n"
      "  max: 0\n"
      "  bands: [{name: P, min: 0}]\n"
      "categories:\n"
      "  assign_min: -1\n"
      "  max_labels: 0\n"
      "limits:\n"
      "  max_record_bytes: 0\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("bad-value"), (std::vector<Position>{{2, 8}, {5, 15}, {6, 15}, {8, 21}}))
      << Rendered();
  EXPECT_EQ(diagnostics_.error_count(), 4u);
}

TEST_F(YamlConfigTest, BadValueForIntegerBeyondRange) {
  ExpectOneError("urgency:\n  max: 99999999999999999999999\n", "bad-value", 2, 8);
}

TEST_F(YamlConfigTest, LargeRecordLimitIsAccepted) {
  const Result<EngineConfig> config = Load("limits: {max_record_bytes: 4294967296}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->max_record_bytes, size_t{4294967296});
}

TEST_F(YamlConfigTest, BadValueForFallbackThatIsNotAnIdentifier) {
  ExpectOneError("categories:\n  fallback: not classified\n", "bad-value", 2, 13);
}

TEST_F(YamlConfigTest, FallbackByBandIsReadInOrderWithItsSpans) {
  const Result<EngineConfig> config = Load(
      "categories:\n"
      "  fallback: unclassified\n"
      "  fallback_by_band:\n"
      "    P4: hotline_contact\n"
      "    P3: \"needs_review\"\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(diagnostics_.empty()) << Rendered();
  ASSERT_EQ(config->fallback_by_band.size(), 2u);
  const BandFallback& p4 = config->fallback_by_band[0];
  EXPECT_EQ(p4.band, "P4");
  EXPECT_EQ(p4.category, "hotline_contact");
  EXPECT_EQ(SpanText(p4.band_span), "P4");
  EXPECT_EQ(SpanText(p4.category_span), "hotline_contact");
  EXPECT_EQ(config->fallback_by_band[1].band, "P3");
  EXPECT_EQ(config->fallback_by_band[1].category, "needs_review");
  EXPECT_EQ(config->fallback, "unclassified");
}

TEST_F(YamlConfigTest, FallbackByBandWithNoValueIsAbsent) {
  const Result<EngineConfig> config = Load("categories:\n  fallback_by_band:\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(config->fallback_by_band.empty());
}

TEST_F(YamlConfigTest, FallbackByBandKeysAreTheConfigsOwnBandsWhereverTheyAreGiven) {
  // The bands come after the categories: the keys are held to them, not to the defaults.
  const Result<EngineConfig> config = Load(
      "categories:\n"
      "  fallback_by_band: {low: hotline_contact}\n"
      "urgency:\n"
      "  bands:\n"
      "    - {name: high, min: 50}\n"
      "    - {name: low, min: 0}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->fallback_by_band.size(), 1u);
  EXPECT_EQ(config->fallback_by_band[0].band, "low");

  ExpectOneError(
      "categories:\n"
      "  fallback_by_band: {P4: hotline_contact}\n"
      "urgency:\n"
      "  bands:\n"
      "    - {name: high, min: 50}\n"
      "    - {name: low, min: 0}\n",
      "unknown-band", 2, 22);
}

TEST_F(YamlConfigTest, UnknownBandInFallbackByBandAtItsKey) {
  ExpectOneError("categories:\n  fallback_by_band:\n    P5: hotline_contact\n", "unknown-band", 3,
                 5);
  EXPECT_EQ(Notes(), (std::vector<Position>{{3, 5}}));  // did you mean 'P1'?
  // The message lists the bands.
  EXPECT_NE(diagnostics_.items()[0].message.find("P4"), std::string::npos);
}

TEST_F(YamlConfigTest, UnknownBandIsNotReportedAgainstBandsThatCouldNotBeRead) {
  // urgency.bands is wrong itself: that one error, not one per fallback_by_band key.
  ExpectOneError("urgency:\n  bands: 3\ncategories:\n  fallback_by_band: {P4: hotline_contact}\n",
                 "wrong-type", 2, 10);
}

TEST_F(YamlConfigTest, BadValueForFallbackByBandThatIsNotAnIdentifier) {
  ExpectOneError("categories:\n  fallback_by_band:\n    P4: hotline contact\n", "bad-value", 3, 9);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_band: {P4: 7}\n", "bad-value", 2, 26);
}

TEST_F(YamlConfigTest, WrongTypeForFallbackByBand) {
  ExpectOneError("categories:\n  fallback_by_band: [P4, hotline_contact]\n", "wrong-type", 2, 21);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_band: {P4: [a, b]}\n", "wrong-type", 2, 26);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_band: {P4: }\n", "wrong-type", 2, 22);
}

TEST_F(YamlConfigTest, DuplicateBandInFallbackByBand) {
  ExpectOneError("categories:\n  fallback_by_band: {P4: a, P4: b}\n", "duplicate-key", 2, 29);
}

// categories.fallback_by_field

TEST_F(YamlConfigTest, FallbackByFieldIsReadWithItsPositions) {
  const Result<EngineConfig> config = Load(
      "categories:\n"
      "  fallback: unclassified\n"
      "  fallback_by_band: {P4: hotline_contact}\n"
      "  fallback_by_field:\n"
      "    field: channel\n"
      "    values: {platform: unclassified, api: unclassified, esp: \"esp_report\"}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(diagnostics_.empty()) << Rendered();
  const FallbackByField& by_field = config->fallback_by_field;
  EXPECT_FALSE(by_field.empty());
  EXPECT_EQ(by_field.field, "channel");
  EXPECT_EQ(SpanText(by_field.field_span), "channel");
  EXPECT_EQ(SpanText(by_field.span), "fallback_by_field");
  ASSERT_EQ(by_field.values.size(), 3u);  // the config's order
  EXPECT_EQ(by_field.values[0].value, "platform");
  EXPECT_EQ(by_field.values[0].category, "unclassified");
  EXPECT_EQ(SpanText(by_field.values[0].value_span), "platform");
  EXPECT_EQ(SpanText(by_field.values[0].category_span), "unclassified");
  EXPECT_EQ(by_field.values[1].value, "api");
  EXPECT_EQ(by_field.values[2].value, "esp");
  EXPECT_EQ(by_field.values[2].category, "esp_report");
  ASSERT_EQ(config->fallback_by_band.size(), 1u);  // the two settings side by side
}

TEST_F(YamlConfigTest, FallbackByFieldIsAbsentByDefaultAndWithNoValue) {
  Result<EngineConfig> config = Load("");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(config->fallback_by_field.empty());
  config = Load("categories:\n  fallback_by_field:\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_TRUE(config->fallback_by_field.empty());
}

TEST_F(YamlConfigTest, FallbackByFieldMayNameAFieldOfTheFieldsSectionWhereverItIs) {
  // `fields:` comes after the categories: the field is held to it, not to the defaults alone.
  const Result<EngineConfig> config = Load(
      "categories:\n"
      "  fallback_by_field: {field: source.kind, values: {platform: unclassified}}\n"
      "fields:\n"
      "  source.kind: meta.source\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->fallback_by_field.field, "source.kind");
}

TEST_F(YamlConfigTest, UnknownFieldInFallbackByFieldAtTheFieldWithANote) {
  ExpectOneError(
      "categories:\n"
      "  fallback_by_field:\n"
      "    field: chanel\n"
      "    values: {platform: unclassified}\n",
      "unknown-field", 3, 12);
  EXPECT_EQ(Notes(), (std::vector<Position>{{3, 12}}));  // did you mean 'channel'?
  EXPECT_NE(diagnostics_.items()[1].message.find("'channel'"), std::string::npos) << Rendered();
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field: {field: nothing_like_it, values: {a: b}}\n",
                 "unknown-field", 2, 30);
  EXPECT_TRUE(Notes().empty()) << Rendered();
}

TEST_F(YamlConfigTest, UnknownFieldIsNotReportedAgainstFieldsThatCouldNotBeRead) {
  // `fields:` is wrong itself: that one error, not another for the field it may have defined.
  ExpectOneError(
      "fields: 3\n"
      "categories:\n"
      "  fallback_by_field: {field: reporter.role, values: {a: b}}\n",
      "wrong-type", 1, 9);
}

TEST_F(YamlConfigTest, UnknownKeyInFallbackByField) {
  ExpectOneError(
      "categories:\n"
      "  fallback_by_field:\n"
      "    field: channel\n"
      "    values: {platform: unclassified}\n"
      "    default: hotline_contact\n",
      "unknown-key", 5, 5);
  diagnostics_ = Diagnostics();
  // A misspelt `values`: unknown there (with a note), and missing from the map.
  const Result<EngineConfig> config = Load(
      "categories:\n"
      "  fallback_by_field:\n"
      "    field: channel\n"
      "    valuse: {platform: unclassified}\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("unknown-key"), (std::vector<Position>{{4, 5}})) << Rendered();
  EXPECT_EQ(ErrorsWithCode("missing-key"), (std::vector<Position>{{3, 5}})) << Rendered();
  EXPECT_EQ(Notes(), (std::vector<Position>{{4, 5}})) << Rendered();
}

TEST_F(YamlConfigTest, MissingFieldOrValuesInFallbackByField) {
  ExpectOneError("categories:\n  fallback_by_field: {values: {platform: unclassified}}\n",
                 "missing-key", 2, 22);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field:\n    field: channel\n", "missing-key", 3, 5);
}

TEST_F(YamlConfigTest, WrongTypeInFallbackByField) {
  ExpectOneError("categories:\n  fallback_by_field: channel\n", "wrong-type", 2, 22);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field: {field: [channel], values: {a: b}}\n",
                 "wrong-type", 2, 30);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field: {field: channel, values: [platform]}\n",
                 "wrong-type", 2, 47);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field: {field: channel, values: {platform: [a, b]}}\n",
                 "wrong-type", 2, 58);
  diagnostics_ = Diagnostics();
  // No value: at the key.
  ExpectOneError("categories:\n  fallback_by_field: {field: channel, values: {platform: }}\n",
                 "wrong-type", 2, 48);
  diagnostics_ = Diagnostics();
  ExpectOneError("categories:\n  fallback_by_field:\n    field:\n    values: {a: b}\n",
                 "wrong-type", 3, 5);
}

TEST_F(YamlConfigTest, BadValueForFallbackByFieldCategoryThatIsNotAnIdentifier) {
  ExpectOneError(
      "categories:\n"
      "  fallback_by_field:\n"
      "    field: channel\n"
      "    values: {platform: not classified}\n",
      "bad-value", 4, 24);
  diagnostics_ = Diagnostics();
  ExpectOneError(
      "categories:\n  fallback_by_field:\n    field: channel\n    values: {platform: 7}\n",
      "bad-value", 4, 24);
}

TEST_F(YamlConfigTest, DuplicateValueInFallbackByField) {
  ExpectOneError(
      "categories:\n"
      "  fallback_by_field:\n"
      "    field: channel\n"
      "    values: {platform: a, platform: b}\n",
      "duplicate-key", 4, 27);
}

TEST_F(YamlConfigTest, OverrideScoreRangesAreLeftToTheChecker) {
  // score-range is the checker's, which knows the rules; the loader only checks the types.
  const Result<EngineConfig> config = Load("overrides:\n  a: {floor: 500, urgency: -500}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->overrides.size(), 1u);
  EXPECT_EQ(config->overrides[0].floor, 500);
  EXPECT_EQ(config->overrides[0].urgency, -500);
}

TEST_F(YamlConfigTest, BadValueForOverrideScoreBeyondInt) {
  ExpectOneError("overrides:\n  a: {urgency: 3000000000}\n", "bad-value", 2, 16);
}

TEST_F(YamlConfigTest, BadValueForEmptyRuleFileName) {
  ExpectOneError("rules: [a.rules, \"\"]\n", "bad-value", 1, 18);
}

// Collecting, positions and status

TEST_F(YamlConfigTest, ReportsSeveralErrorsAtOnce) {
  const Result<EngineConfig> config = Load(
      "rules: {a: b}\n"
      "urgncy:\n"
      "  max: 100\n"
      "fields:\n"
      "  bad name: x\n"
      "  ok: a..b\n"
      "categories:\n"
      "  max_labels: 0\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(diagnostics_.error_count(), 5u) << Rendered();
  EXPECT_EQ(ErrorsWithCode("wrong-type"), (std::vector<Position>{{1, 8}}));
  EXPECT_EQ(ErrorsWithCode("unknown-key"), (std::vector<Position>{{2, 1}}));
  EXPECT_EQ(ErrorsWithCode("bad-field-name"), (std::vector<Position>{{5, 3}}));
  EXPECT_EQ(ErrorsWithCode("bad-field-path"), (std::vector<Position>{{6, 7}}));
  EXPECT_EQ(ErrorsWithCode("bad-value"), (std::vector<Position>{{8, 15}}));
}

TEST_F(YamlConfigTest, DiagnosticsCarryTheConfigFile) {
  ASSERT_FALSE(Load("bogus: 1\n").ok());
  ASSERT_FALSE(diagnostics_.items().empty());
  for (const Diagnostic& d : diagnostics_.items()) EXPECT_EQ(d.file, file_);
}

TEST_F(YamlConfigTest, ErrorsBeforeTheCallDoNotFailIt) {
  diagnostics_.Error("unrelated", "an earlier problem");
  const Result<EngineConfig> config = Load("rules: a.rules\n");
  EXPECT_TRUE(config.ok());
  EXPECT_EQ(diagnostics_.error_count(), 1u);
}

TEST_F(YamlConfigTest, ColumnsAreBytesAfterMultiByteCharacters) {
  // "é" is two bytes, so the '{' is at byte column 19 (character column 18).
  ExpectOneError("rules: [é.rules, {x: y}]\n", "wrong-type", 1, 19);
}

TEST_F(YamlConfigTest, PositionsAccountForAByteOrderMark) {
  ExpectOneError("\xEF\xBB\xBFurgency: {max: x}\n", "wrong-type", 1, 19);
}

TEST_F(YamlConfigTest, PositionsAreRightWithCrlfLineEnds) {
  ExpectOneError("rules: a.rules\r\nurgency:\r\n  max: x\r\n", "wrong-type", 3, 8);
}

TEST_F(YamlConfigTest, SpanCoversTheOffendingNode) {
  ASSERT_FALSE(Load("urgency:\n  max: \"a b\"  # quoted\n").ok());
  ASSERT_EQ(diagnostics_.items().size(), 1u);
  EXPECT_EQ(SpanText(diagnostics_.items()[0].span), "\"a b\"");
}

TEST_F(YamlConfigTest, HostileInputNeverThrows) {
  const std::vector<std::string> inputs = {
      std::string(2000, '['),
      "a: &x [*x]\n",
      "? [a, b]\n: c\n",
      "~: 1\n",
      "rules: !!binary aGVsbG8=\n",
      "urgency: {bands: [{name: [x], min: {a: 1}, label: {}}]}\n",
      std::string("rules: a\0b\n", 11),
      "\xff\xfe\x00",
      "fields: {x: {path: [[a]], type: ~}}\n",
  };
  for (const std::string& input : inputs) {
    SourceManager sources;
    Diagnostics diagnostics;
    const FileId file = sources.AddFile("hostile.yaml", input);
    const Result<EngineConfig> config = LoadConfig(sources, file, &diagnostics);
    EXPECT_EQ(config.ok(), !diagnostics.has_errors());
  }
}

// ---- analysis: ----------------------------------------------------------------------------------

TEST_F(YamlConfigTest, AnalysisDefaultsWithoutTheSection) {
  const Result<EngineConfig> config = Load("rules: a.rules\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  const AnalysisConfig& analysis = config->analysis;
  EXPECT_EQ(analysis.version, 1);
  EXPECT_TRUE(analysis.fold_accents);
  EXPECT_TRUE(analysis.fold_confusables);
  EXPECT_TRUE(analysis.line_breaks_end_sentences);
  EXPECT_FALSE(analysis.lowercase_after_stop);
  EXPECT_FALSE(analysis.clause_breaks);
  EXPECT_TRUE(analysis.stem_languages.empty());
  EXPECT_TRUE(analysis.dictionaries.empty());
  EXPECT_TRUE(analysis.dictionary_spans.empty());
  EXPECT_EQ(analysis.span.begin, 0u);
  EXPECT_EQ(analysis.span.end, 0u);
}

TEST_F(YamlConfigTest, LoadsEveryKeyOfTheAnalysisSection) {
  const std::string text = R"(rules: a.rules
analysis:
  version: 1
  fold: {accents: false, confusables: false}
  sentences:
    line_breaks: false
    lowercase_after_stop: true
    clause_breaks: true
  stemmers: [english, spanish]
  dictionaries:
    - sms.dict
    - "numbers.dict"
)";
  const Result<EngineConfig> config = Load(text);
  ASSERT_TRUE(config.ok()) << Rendered();
  const AnalysisConfig& analysis = config->analysis;
  EXPECT_EQ(analysis.version, 1);
  EXPECT_FALSE(analysis.fold_accents);
  EXPECT_FALSE(analysis.fold_confusables);
  EXPECT_FALSE(analysis.line_breaks_end_sentences);
  EXPECT_TRUE(analysis.lowercase_after_stop);
  EXPECT_TRUE(analysis.clause_breaks);
  EXPECT_EQ(analysis.stem_languages, (std::vector<std::string>{"english", "spanish"}));
  EXPECT_EQ(analysis.dictionaries, (std::vector<std::string>{"sms.dict", "numbers.dict"}));
  ASSERT_EQ(analysis.dictionary_spans.size(), 2u);
  EXPECT_EQ(SpanText(analysis.dictionary_spans[0]), "sms.dict");
  EXPECT_EQ(SpanText(analysis.dictionary_spans[1]), "\"numbers.dict\"");
  EXPECT_EQ(analysis.span.begin, text.find("analysis:"));
  EXPECT_EQ(SpanText(analysis.span).substr(0, 9), "analysis:");
  EXPECT_GT(analysis.span.end, text.find("version"));
}

TEST_F(YamlConfigTest, AnalysisAcceptsSingleNamesAndPartialMaps) {
  const Result<EngineConfig> config =
      Load("analysis:\n  stemmers: english\n  dictionaries: sms.dict\n  fold: {accents: false}\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->analysis.stem_languages, (std::vector<std::string>{"english"}));
  EXPECT_EQ(config->analysis.dictionaries, (std::vector<std::string>{"sms.dict"}));
  EXPECT_FALSE(config->analysis.fold_accents);
  EXPECT_TRUE(config->analysis.fold_confusables);
}

TEST_F(YamlConfigTest, EmptyAnalysisSectionIsAbsent) {
  const Result<EngineConfig> config = Load("analysis:\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->analysis.version, 1);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisThatIsNotAMap) {
  ExpectOneError("analysis: [english]\n", "wrong-type", 1, 11);
}

TEST_F(YamlConfigTest, UnknownKeyInAnalysis) {
  ExpectOneError("analysis:\n  stemmer: [english]\n", "unknown-key", 2, 3);
  EXPECT_EQ(Notes(), (std::vector<Position>{{2, 3}}));  // did you mean 'stemmers'?
}

TEST_F(YamlConfigTest, WrongTypeForClauseBreaks) {
  ExpectOneError("analysis:\n  sentences: {clause_breaks: commas}\n", "wrong-type", 2, 30);
}

TEST_F(YamlConfigTest, UnknownKeyInAnalysisFoldAndSentences) {
  ExpectOneError("analysis:\n  fold: {accent: true}\n", "unknown-key", 2, 10);
}

TEST_F(YamlConfigTest, UnknownKeyInAnalysisSentences) {
  ExpectOneError("analysis:\n  sentences:\n    newlines: true\n", "unknown-key", 3, 5);
}

TEST_F(YamlConfigTest, DuplicateKeyInAnalysis) {
  ExpectOneError("analysis:\n  version: 1\n  version: 1\n", "duplicate-key", 3, 3);
}

TEST_F(YamlConfigTest, BadValueForUnknownAnalysisVersion) {
  ExpectOneError("analysis:\n  version: 2\n", "bad-value", 2, 12);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisVersion) {
  ExpectOneError("analysis:\n  version: \"1\"\n", "wrong-type", 2, 12);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisFold) {
  ExpectOneError("analysis:\n  fold: true\n", "wrong-type", 2, 9);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisFoldFlag) {
  ExpectOneError("analysis:\n  fold: {accents: yes}\n", "wrong-type", 2, 19);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisSentences) {
  ExpectOneError("analysis:\n  sentences: [line_breaks]\n", "wrong-type", 2, 14);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisLowercaseAfterStop) {
  ExpectOneError("analysis:\n  sentences: {lowercase_after_stop: yes please}\n", "wrong-type", 2, 37);
}

TEST_F(YamlConfigTest, WrongTypeForAnalysisLineBreaks) {
  ExpectOneError("analysis:\n  sentences: {line_breaks: 1}\n", "wrong-type", 2, 28);
}

TEST_F(YamlConfigTest, UnknownStemmerAtItsItem) {
  ExpectOneError("analysis:\n  stemmers: [english, spansh]\n", "unknown-stemmer", 2, 23);
  EXPECT_EQ(Notes(), (std::vector<Position>{{2, 23}}));  // did you mean 'spanish'?
  // The message lists the known stemmers.
  EXPECT_NE(diagnostics_.items()[0].message.find("spanish"), std::string::npos);
  EXPECT_NE(diagnostics_.items()[0].message.find("english"), std::string::npos);
}

TEST_F(YamlConfigTest, UnknownStemmerInABlockList) {
  ExpectOneError("analysis:\n  stemmers:\n    - english\n    - klingon\n", "unknown-stemmer", 4, 7);
}

TEST_F(YamlConfigTest, BadValueForAStemmerListedTwice) {
  ExpectOneError("analysis:\n  stemmers: [english, english]\n", "bad-value", 2, 23);
}

TEST_F(YamlConfigTest, WrongTypeForStemmers) {
  ExpectOneError("analysis:\n  stemmers: {english: 1}\n", "wrong-type", 2, 13);
}

TEST_F(YamlConfigTest, WrongTypeForAStemmerItem) {
  ExpectOneError("analysis:\n  stemmers: [english, [spanish]]\n", "wrong-type", 2, 23);
}

TEST_F(YamlConfigTest, WrongTypeForDictionaries) {
  ExpectOneError("analysis:\n  dictionaries: {a: b}\n", "wrong-type", 2, 17);
}

TEST_F(YamlConfigTest, WrongTypeForADictionaryItem) {
  ExpectOneError("analysis:\n  dictionaries: [sms.dict, {a: b}]\n", "wrong-type", 2, 28);
}

TEST_F(YamlConfigTest, BadValueForEmptyDictionaryName) {
  ExpectOneError("analysis:\n  dictionaries: [sms.dict, \"\"]\n", "bad-value", 2, 28);
}

TEST_F(YamlConfigTest, AnalysisReportsSeveralErrorsAtOnce) {
  ASSERT_FALSE(Load("analysis:\n  version: 3\n  fold: {accents: maybe}\n  stemmers: [x]\n").ok());
  EXPECT_EQ(diagnostics_.error_count(), 3u) << Rendered();
  EXPECT_EQ(ErrorsWithCode("bad-value"), (std::vector<Position>{{2, 12}}));
  EXPECT_EQ(ErrorsWithCode("wrong-type"), (std::vector<Position>{{3, 19}}));
  EXPECT_EQ(ErrorsWithCode("unknown-stemmer"), (std::vector<Position>{{4, 14}}));
}

}  // namespace
}  // namespace triage

namespace triage {
namespace {

// Issue 13, defect 5: aliases are bounded, a self-referring alias is refused, and a config of
// many fields loads (its duplicate-key check is hashed, not a scan per key).
class YamlConfigLimitsTest : public YamlConfigTest {};

TEST_F(YamlConfigLimitsTest, AliasesThatExpandTooFarAreRefusedAtTheAlias) {
  // Each level multiplies by ten: level 5 (line 6) goes over 1,000,000 extra nodes.
  std::string text = "a0: &a0 [p, p, p, p, p, p, p, p, p, p]\n";
  for (int i = 1; i <= 5; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 0; k < 9; ++k) text += ", " + prev;
    text += "]\n";
  }
  const Result<EngineConfig> config = Load(text);
  ASSERT_FALSE(config.ok());
  const std::vector<Position> errors = ErrorsWithCode("alias-expansion");
  ASSERT_EQ(errors.size(), 1u) << Rendered();
  EXPECT_EQ(errors[0].line, 6u) << Rendered();
}

TEST_F(YamlConfigLimitsTest, ModestAliasesAreFine) {
  const Result<EngineConfig> config =
      Load("fields:\n  text: &t [summary, body]\n  notes: *t\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  ASSERT_EQ(config->fields.size(), 2u);
  EXPECT_EQ(config->fields[1].paths, (std::vector<std::string>{"summary", "body"}));
}

TEST_F(YamlConfigLimitsTest, AliasInsideItsOwnAnchorIsRefused) {
  const Result<EngineConfig> config = Load("fields: &f\n  text: *f\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("alias-expansion").size(), 1u) << Rendered();
}

TEST_F(YamlConfigLimitsTest, ConfigOverTheSizeLimitIsRefused) {
  const Result<EngineConfig> config = Load("# " + std::string(kMaxConfigBytes, 'x') + "\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("config-too-large"), (std::vector<Position>{{1, 1}})) << Rendered();
}

TEST_F(YamlConfigLimitsTest, ManyFieldsLoadAndDuplicatesAreStillFound) {
  std::string text = "fields:\n";
  for (int i = 0; i < 100000; ++i) {
    text += "  f" + std::to_string(i) + ": p" + std::to_string(i) + "\n";
  }
  Result<EngineConfig> config = Load(text);
  ASSERT_TRUE(config.ok()) << diagnostics_.Summary();
  EXPECT_EQ(config->fields.size(), 100000u);
  text += "  f7: again\n";
  config = Load(text);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(ErrorsWithCode("duplicate-key"), (std::vector<Position>{{100002, 3}}));
}

TEST_F(YamlConfigLimitsTest, RuleLimitsAreRead) {
  const Result<EngineConfig> config =
      Load("limits:\n  max_rule_file_bytes: 1000\n  max_rules: 7\n");
  ASSERT_TRUE(config.ok()) << Rendered();
  EXPECT_EQ(config->max_rule_file_bytes, 1000u);
  EXPECT_EQ(config->max_rules, 7u);
  ExpectOneError("limits:\n  max_rules: 0\n", "bad-value", 2, 14);
}

TEST_F(YamlConfigTest, ConversationsDefaultToTheCarriersKeywordsInEnglishAndSpanish) {
  const Result<EngineConfig> config = Load("");
  ASSERT_TRUE(config.ok()) << Rendered();
  const ConversationConfig& c = config->conversations;
  EXPECT_EQ(c.idle_timeout_seconds, 900);
  EXPECT_EQ(c.max_open, 10000u);
  EXPECT_EQ(c.remembered_limit(), 40000u);
  EXPECT_EQ(c.help_keywords, (std::vector<std::string>{"HELP", "INFO", "AYUDA"}));
  for (const char* stop : {"STOP", "END", "CANCEL", "UNSUBSCRIBE", "QUIT", "STOPALL", "OPTOUT",
                           "REVOKE", "PARAR"}) {
    EXPECT_NE(std::find(c.stop_keywords.begin(), c.stop_keywords.end(), stop),
              c.stop_keywords.end())
        << stop;
  }
  EXPECT_EQ(c.start_keywords, (std::vector<std::string>{"START", "UNSTOP", "YES", "SI"}));
  EXPECT_TRUE(c.replies.empty());
}

TEST_F(YamlConfigTest, LoadsTheConversationsSection) {
  const Result<EngineConfig> config = Load(R"(conversations:
  idle_timeout: 10m
  max_open: 500
  max_messages: 8
  max_text_bytes: 2048
  max_remembered: 600
  keywords:
    help: [HELP, AYUDA]
    stop: STOP
  replies:
    help: "Hotline. Reply STOP to opt out."
    Ayuda: "Linea de ayuda."
    START: "Welcome back."
)");
  ASSERT_TRUE(config.ok()) << Rendered();
  const ConversationConfig& c = config->conversations;
  EXPECT_EQ(c.idle_timeout_seconds, 600);
  EXPECT_EQ(c.max_open, 500u);
  EXPECT_EQ(c.max_messages, 8u);
  EXPECT_EQ(c.max_text_bytes, 2048u);
  EXPECT_EQ(c.remembered_limit(), 600u);
  EXPECT_EQ(c.help_keywords, (std::vector<std::string>{"HELP", "AYUDA"}));
  EXPECT_EQ(c.stop_keywords, std::vector<std::string>{"STOP"});
  EXPECT_EQ(c.start_keywords.front(), "START");  // not given: the default list
  ASSERT_EQ(c.replies.size(), 3u);
  EXPECT_EQ(c.replies[1].keyword, "Ayuda");
  EXPECT_EQ(c.replies[1].text, "Linea de ayuda.");
}

TEST_F(YamlConfigTest, IdleTimeoutIsSecondsOrADurationWithAUnit) {
  for (const auto& [text, seconds] : std::vector<std::pair<std::string, int64_t>>{
           {"900", 900}, {"900s", 900}, {"15m", 900}, {"2h", 7200}, {"1", 1}}) {
    const Result<EngineConfig> config = Load("conversations: {idle_timeout: " + text + "}\n");
    ASSERT_TRUE(config.ok()) << text << Rendered();
    EXPECT_EQ(config->conversations.idle_timeout_seconds, seconds) << text;
  }
}

TEST_F(YamlConfigTest, ConversationErrorsPointAtTheValue) {
  // Each case on its own diagnostics.
  const auto ExpectOneFreshError = [this](const std::string& text, const std::string& code,
                                          uint32_t line, uint32_t column) {
    diagnostics_ = Diagnostics();
    ExpectOneError(text, code, line, column);
  };
  ExpectOneFreshError("conversations:\n  idle_timeout: soon\n", "wrong-type", 2, 17);
  ExpectOneFreshError("conversations:\n  idle_timeout: \"900\"\n", "wrong-type", 2, 17);
  ExpectOneFreshError("conversations:\n  idle_timeout: 0\n", "bad-value", 2, 17);
  ExpectOneFreshError("conversations:\n  idle_timeout: 8d\n", "wrong-type", 2, 17);
  ExpectOneFreshError("conversations:\n  idle_timeout: 169h\n", "bad-value", 2, 17);
  ExpectOneFreshError("conversations:\n  max_open: 0\n", "bad-value", 2, 13);
  ExpectOneFreshError("conversations:\n  max_open: 10\n  max_remembered: 5\n", "bad-value", 3, 19);
  ExpectOneFreshError("conversations:\n  keywords: {help: [HELP], stop: [help]}\n", "bad-value", 2,
                 35);
  ExpectOneFreshError("conversations:\n  keywords: {stop: [\"STOP NOW\"]}\n", "bad-value", 2, 21);
  ExpectOneFreshError("conversations:\n  keywords: {halp: [HELP]}\n", "unknown-key", 2, 14);
  ExpectOneFreshError("conversations:\n  replies: {STOP: \"bye\"}\n", "bad-value", 2, 13);
  ExpectOneFreshError("conversations:\n  replies: {HELLO: \"hi\"}\n", "bad-value", 2, 13);
  ExpectOneFreshError("conversations:\n  replies: {HELP: \"\"}\n", "bad-value", 2, 19);
  ExpectOneFreshError("conversations:\n  replies: {HELP: [a]}\n", "wrong-type", 2, 19);
  ExpectOneFreshError("conversations:\n  idle_time: 900\n", "unknown-key", 2, 3);
}

TEST_F(YamlConfigTest, RepliesAreCheckedAgainstTheListsWhateverTheOrder) {
  const Result<EngineConfig> config = Load(
      "conversations:\n  replies: {HOLA: \"hi\"}\n  keywords: {help: [HOLA]}\n");
  EXPECT_TRUE(config.ok()) << Rendered();
}

}  // namespace
}  // namespace triage
