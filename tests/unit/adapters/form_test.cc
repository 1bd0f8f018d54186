// SPDX-License-Identifier: Apache-2.0
// Tests of ParseForm (engine/src/adapters/form.cc).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::adapters {
namespace {

std::vector<std::pair<std::string, std::string>> Pairs(const std::vector<FormParam>& params) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const FormParam& p : params) pairs.emplace_back(p.name, p.value);
  return pairs;
}

TEST(ParseFormTest, DecodesPlusAndPercentEscapesInBodyOrder) {
  const Result<std::vector<FormParam>> form =
      ParseForm("To=%2B15555550100&Body=Where+are+you%3F%0Aok&NumMedia=0&Body2=%c3%a9%C3%A9");
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  const std::vector<std::pair<std::string, std::string>> expected = {{"To", "+15555550100"},
                                                                     {"Body", "Where are you?\nok"},
                                                                     {"NumMedia", "0"},
                                                                     {"Body2", "\xC3\xA9\xC3\xA9"}};
  EXPECT_EQ(Pairs(*form), expected);
}

TEST(ParseFormTest, KeepsEmptyValuesAndSkipsEmptyPieces) {
  const Result<std::vector<FormParam>> form = ParseForm("a=&&b&=c&d==x&");
  ASSERT_TRUE(form.ok());
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a", ""}, {"b", ""}, {"", "c"}, {"d", "=x"}};
  EXPECT_EQ(Pairs(*form), expected);
}

TEST(ParseFormTest, EmptyBodyHasNoParams) {
  const Result<std::vector<FormParam>> form = ParseForm("");
  ASSERT_TRUE(form.ok());
  EXPECT_TRUE(form->empty());
}

TEST(ParseFormTest, KeepsRepeatedNamesInOrder) {
  const Result<std::vector<FormParam>> form = ParseForm("x=1&x=2");
  ASSERT_TRUE(form.ok());
  ASSERT_EQ(form->size(), 2U);
  EXPECT_EQ((*form)[1].value, "2");
}

TEST(ParseFormTest, DecodesEscapedNulAndAmpersand) {
  const Result<std::vector<FormParam>> form = ParseForm("k%26=a%00b%3D");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ((*form)[0].name, "k&");
  EXPECT_EQ((*form)[0].value, std::string("a\0b=", 4));
}

TEST(ParseFormTest, MalformedEscapesAreInvalidFormWithTheirOffset) {
  struct Case {
    const char* body;
    const char* offset;
  };
  for (const Case& c : {Case{"Body=100%", "8"}, Case{"Body=%4", "5"}, Case{"Body=%zz", "5"},
                        Case{"a=1&B%g1=2", "5"}, Case{"%", "0"}, Case{"Body=%+1", "5"}}) {
    const Result<std::vector<FormParam>> form = ParseForm(c.body);
    ASSERT_FALSE(form.ok()) << c.body;
    EXPECT_EQ(form.status().record_code(), "invalid_form") << c.body;
    EXPECT_NE(form.status().message().find(std::string("byte ") + c.offset), std::string::npos)
        << form.status().message();
  }
}

TEST(ParseFormTest, ErrorMessageNeverQuotesTheBody) {
  const Result<std::vector<FormParam>> form = ParseForm("From=%2B15555550123&Body=secret%zz");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().message().find("5555550123"), std::string::npos);
  EXPECT_EQ(form.status().message().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace triage::adapters
