// SPDX-License-Identifier: Apache-2.0
// The overrides pass alone (compile/overrides.h): the config's per-rule changes and the fallback.
#include "compile/overrides.h"

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

// A program with rules "a" (urgency 10, category 0 +20) and "b", and categories x and y.
void SetUpProgram(PassFixture* f, Symbols* symbols) {
  f->program.categories = {"x", "y"};
  f->program.category_descriptions = {"", ""};
  symbols->categories["x"].index = 0;
  symbols->categories["y"].index = 1;
  CompiledRule a;
  a.name = "a";
  a.urgency = 10;
  a.categories = {{0, 20}};
  CompiledRule b;
  b.name = "b";
  f->program.rules = {a, b};
}

TEST(OverridesTest, ReplacesUrgencyFloorCategoriesAndDisables) {
  PassFixture f;
  Symbols symbols;
  SetUpProgram(&f, &symbols);
  RuleOverride o;
  o.rule = "a";
  o.urgency = 25;
  o.floor = 60;
  o.categories = {{"x", 5}, {"y", 30}};
  RuleOverride off;
  off.rule = "b";
  off.enabled = false;
  f.config.overrides = {o, off};
  ApplyOverrides(f.config, &symbols, &f.program, &f.reporter);
  EXPECT_TRUE(f.Codes().empty()) << f.Rendered();
  const CompiledRule& a = f.program.rules[0];
  EXPECT_TRUE(a.overridden);
  EXPECT_EQ(a.urgency, 25);
  EXPECT_EQ(a.floor, 60);
  EXPECT_EQ(a.categories, (std::vector<std::pair<int, int>>{{0, 5}, {1, 30}}));
  EXPECT_TRUE(symbols.categories["y"].used);
  EXPECT_FALSE(f.program.rules[1].enabled);
}

TEST(OverridesTest, UnknownRulesCategoriesAndOutOfRangeScoresAreErrors) {
  PassFixture f;
  Symbols symbols;
  SetUpProgram(&f, &symbols);
  RuleOverride unknown;
  unknown.rule = "aa";
  RuleOverride bad;
  bad.rule = "a";
  bad.urgency = 500;
  bad.floor = -1;
  bad.categories = {{"z", 5}, {"x", 101}};
  f.config.overrides = {unknown, bad};
  ApplyOverrides(f.config, &symbols, &f.program, &f.reporter);
  EXPECT_EQ(f.Codes(),
            (std::vector<std::string>{"unknown-rule-override", "score-range", "score-range",
                                      "unknown-category", "score-range"}));
  EXPECT_EQ(f.program.rules[0].urgency, 10);  // unchanged
}

TEST(OverridesTest, AnUndeclaredFallbackIsDeclaredImplicitly) {
  PassFixture f;
  Symbols symbols;
  SetUpProgram(&f, &symbols);
  SetUpFallback(f.config, &symbols, &f.program, &f.reporter);
  EXPECT_EQ(f.program.fallback_category, 2);
  EXPECT_EQ(f.program.categories.back(), "unclassified");
  EXPECT_TRUE(f.Codes().empty());  // the config does not name it: nothing to tell

  PassFixture named;
  Symbols named_symbols;
  SetUpProgram(&named, &named_symbols);
  named.config.fallback = "x";
  SetUpFallback(named.config, &named_symbols, &named.program, &named.reporter);
  EXPECT_EQ(named.program.fallback_category, 0);
  EXPECT_TRUE(named_symbols.categories["x"].used);
}

TEST(OverridesTest, BandFallbacksAreDeclaredLikeTheFallback) {
  PassFixture f;
  Symbols symbols;
  SetUpProgram(&f, &symbols);
  // "y" is declared; "contact" is not (named twice: declared and told once); "unclassified"
  // is the default fallback, which the config does not name, but fallback_by_band does.
  f.config.fallback_by_band = {{"P4", "contact", {}, {40, 47}},
                               {"P3", "y", {}, {50, 51}},
                               {"P2", "contact", {}, {60, 67}},
                               {"P1", "unclassified", {}, {70, 82}}};
  SetUpFallback(f.config, &symbols, &f.program, &f.reporter);
  EXPECT_EQ(f.program.categories, (std::vector<std::string>{"x", "y", "unclassified", "contact"}));
  EXPECT_EQ(f.program.category_descriptions.size(), f.program.categories.size());
  EXPECT_EQ(f.program.fallback_category, 2);
  EXPECT_TRUE(symbols.categories["y"].used);
  EXPECT_FALSE(symbols.categories["x"].used);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"unknown-category", "unknown-category"}));
  EXPECT_EQ(f.diagnostics.warning_count(), 2u);
  EXPECT_EQ(f.diagnostics.error_count(), 0u);
  EXPECT_EQ(f.diagnostics.items()[0].span.begin, 40u);  // contact, where first named
  EXPECT_EQ(f.diagnostics.items()[1].span.begin, 70u);  // unclassified, named by the band
}

TEST(OverridesTest, FieldValueFallbacksAreDeclaredLikeTheFallback) {
  PassFixture f;
  Symbols symbols;
  SetUpProgram(&f, &symbols);
  Field channel;
  channel.name = "channel";
  f.program.fields = {channel};
  f.program.fallback_field = 0;
  // "y" is declared; "machine_report" is not (named twice: declared and told once); "contact"
  // is named by fallback_by_band first, so the field's use of it is not told again.
  f.config.fallback_by_band = {{"P4", "contact", {}, {40, 47}}};
  f.config.fallback_by_field.field = "channel";
  f.config.fallback_by_field.field_span = {10, 17};
  f.config.fallback_by_field.values = {{"platform", "machine_report", {}, {50, 64}},
                                       {"api", "machine_report", {}, {70, 84}},
                                       {"sms", "contact", {}, {90, 97}},
                                       {"web", "y", {}, {100, 101}}};
  SetUpFallback(f.config, &symbols, &f.program, &f.reporter);
  EXPECT_EQ(f.program.categories,
            (std::vector<std::string>{"x", "y", "unclassified", "contact", "machine_report"}));
  EXPECT_EQ(f.program.category_descriptions.size(), f.program.categories.size());
  EXPECT_TRUE(symbols.categories["y"].used);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"unknown-category", "unknown-category"}));
  EXPECT_EQ(f.diagnostics.error_count(), 0u);
  EXPECT_EQ(f.diagnostics.items()[1].span.begin, 50u);  // machine_report, where first named
}

TEST(OverridesTest, FieldValueFallbackNeedsAFieldTheScanReadsAsText) {
  // A config built in code, naming a field the program does not extract.
  PassFixture missing;
  Symbols symbols;
  SetUpProgram(&missing, &symbols);
  missing.config.fallback_by_field.field = "nope";
  missing.config.fallback_by_field.values = {{"a", "x", {}, {}}};
  SetUpFallback(missing.config, &symbols, &missing.program, &missing.reporter);
  EXPECT_EQ(missing.Codes(), (std::vector<std::string>{"unknown-field"}));

  PassFixture number;
  Symbols number_symbols;
  SetUpProgram(&number, &number_symbols);
  Field channel;
  channel.name = "channel";
  channel.type = ValueType::kNumber;
  number.program.fields = {channel};
  number.program.fallback_field = 0;
  number.config.fallback_by_field.field = "channel";
  number.config.fallback_by_field.values = {{"a", "x", {}, {}}};
  SetUpFallback(number.config, &number_symbols, &number.program, &number.reporter);
  EXPECT_EQ(number.Codes(), (std::vector<std::string>{"field-type-conflict"}));
}

}  // namespace
}  // namespace triage::internal::testing
