// SPDX-License-Identifier: Apache-2.0
// The field table and type inference alone (compile/field_types.h).
#include "compile/field_types.h"

#include <gtest/gtest.h>

#include "unit/compile/pass_fixture.h"

namespace triage::internal::testing {
namespace {

ast::FieldRef Ref(const std::string& path, uint32_t at = 0) {
  ast::FieldRef ref;
  ref.path = path;
  ref.span = SourceSpan{at, at + static_cast<uint32_t>(path.size())};
  return ref;
}

TEST(FieldTypesTest, AlwaysReadFieldsComeFirst) {
  PassFixture f;
  FieldTable fields(f.config, &f.program, &f.reporter);
  ASSERT_GE(f.program.id_field, 0);
  EXPECT_EQ(f.program.fields[f.program.id_field].name, "id");
  EXPECT_GE(f.program.conversation_fields.text, 0);
  EXPECT_EQ(f.program.fields[f.program.conversation_fields.text].name, "text");
}

TEST(FieldTypesTest, TheFirstTypedUseFixesTheTypeAndAnotherIsAConflict) {
  PassFixture f;
  const FileId file = f.sources.AddFile("t.rules", std::string(64, ' '));
  FieldTable fields(f.config, &f.program, &f.reporter);
  const int age = fields.Resolve(Ref("victim.age", 1), ValueType::kNumber, file);
  ASSERT_GE(age, 0);
  EXPECT_EQ(fields.Resolve(Ref("victim.age", 20), ValueType::kAny, file), age);  // exists()
  EXPECT_EQ(fields.Resolve(Ref("victim.age", 30), ValueType::kText, file), -1);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"field-type-conflict"});
  EXPECT_EQ(f.At(0), "1:31");
  EXPECT_EQ(f.At(1), "1:2");  // the note: the first use
  fields.Finish();
  EXPECT_EQ(f.program.fields[age].type, ValueType::kNumber);
}

TEST(FieldTypesTest, DeclaredTypesWinAndUnknownFieldsSuggestAName) {
  PassFixture f;
  FieldMapping flag;
  flag.name = "flagged";
  flag.paths = {"meta.flagged"};
  flag.type = FieldType::kBool;
  f.config.fields.push_back(flag);
  const FileId file = f.sources.AddFile("t.rules", std::string(64, ' '));
  FieldTable fields(f.config, &f.program, &f.reporter);
  EXPECT_TRUE(fields.Has("flagged"));
  EXPECT_EQ(fields.Resolve(Ref("flagged"), ValueType::kText, file), -1);
  EXPECT_EQ(fields.Resolve(Ref("victim.agee"), ValueType::kNumber, file), -1);
  EXPECT_EQ(f.Codes(), (std::vector<std::string>{"field-type-conflict", "unknown-field"}));
  EXPECT_NE(f.Rendered().find("did you mean 'victim.age'?"), std::string::npos);
  const int index = fields.Resolve(Ref("flagged"), ValueType::kAny, file);
  fields.Finish();
  EXPECT_EQ(f.program.fields[index].type, ValueType::kBool);
  EXPECT_EQ(f.program.fields[index].paths.size(), 1u);
}

TEST(FieldTypesTest, MalformedConfigPathsAreReported) {
  PassFixture f;
  FieldMapping bad;
  bad.name = "x";
  bad.paths = {"a..b"};
  f.config.fields.push_back(bad);
  FieldTable fields(f.config, &f.program, &f.reporter);
  EXPECT_EQ(f.Codes(), std::vector<std::string>{"bad-field-path"});
}

TEST(FieldTypesTest, JsonPathParsing) {
  std::vector<PathStep> steps;
  ASSERT_TRUE(ParseJsonPath("victims[*].age", &steps));
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].key, "victims");
  EXPECT_EQ(steps[1].kind, PathStep::Kind::kWildcard);
  EXPECT_EQ(steps[2].key, "age");
  ASSERT_TRUE(ParseJsonPath("a[2][*]", &steps));
  EXPECT_EQ(steps[1].kind, PathStep::Kind::kIndex);
  EXPECT_EQ(steps[1].index, 2u);
  for (const char* bad : {"", "a..b", "a.", ".a", "a[x]", "a[", "[*]", "a[*]b", "a[-1]"}) {
    EXPECT_FALSE(ParseJsonPath(bad, &steps)) << bad;
  }
}

}  // namespace
}  // namespace triage::internal::testing
