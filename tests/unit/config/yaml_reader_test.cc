// SPDX-License-Identifier: Apache-2.0
// The YAML-with-positions pieces shared by the config and expectation readers: mark offsets
// (with a byte-order mark), the key checks of a map, and "did you mean" names.
#include "config/yaml_reader.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "triage/diagnostic.h"
#include "triage/source.h"

namespace triage::internal {
namespace {

TEST(YamlReaderTest, MarkOffsetCountsAByteOrderMarkOnTheFirstLine) {
  const std::string text =
      "\xEF\xBB\xBF"
      "a: 1\nb: 2\n";
  const SourceFile source("x.yaml", text);
  const YAML::Node root = YAML::Load(text);
  uint32_t a = 0;
  uint32_t b = 0;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const uint32_t offset = YamlMarkOffset(source, it->first.Mark());
    if (it->first.Scalar() == "a") a = offset;
    if (it->first.Scalar() == "b") b = offset;
  }
  EXPECT_EQ(text.substr(a, 1), "a");
  EXPECT_EQ(text.substr(b, 1), "b");
  EXPECT_EQ(YamlMarkOffset(source, YAML::Mark::null_mark()), 0U);
}

TEST(YamlReaderTest, EntriesReportDuplicateAndUnknownKeysWithSuggestions) {
  SourceManager sources;
  const FileId file = sources.AddFile("x.yaml", "name: a\nnmae: b\nname: c\nother: d\n");
  const YAML::Node map = YAML::Load(sources.file(file).text());
  Diagnostics diagnostics;
  const std::vector<YamlEntry> entries = ReadYamlMapEntries(
      map, {"name", "other"}, "case",
      [&](const YAML::Node& key) {
        const uint32_t begin = YamlMarkOffset(sources.file(file), key.Mark());
        return SourceSpan{begin, begin + static_cast<uint32_t>(key.Scalar().size())};
      },
      [](const YAML::Node&) { return std::string("a map"); }, file, &diagnostics);
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].key, "name");
  EXPECT_EQ(entries[1].key, "other");
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics.items()) codes.push_back(d.code);
  // unknown-key 'nmae' + its note, duplicate-key 'name' + its note.
  ASSERT_EQ(diagnostics.items().size(), 4U);
  EXPECT_EQ(codes[0], "unknown-key");
  EXPECT_NE(diagnostics.items()[1].message.find("'name'"), std::string::npos);
  EXPECT_EQ(codes[2], "duplicate-key");
  EXPECT_EQ(diagnostics.items()[2].span.begin, 16U);  // the second "name"
}

TEST(YamlReaderTest, EmptyKnownListAcceptsAnyKey) {
  SourceManager sources;
  const FileId file = sources.AddFile("x.yaml", "anything: 1\n");
  Diagnostics diagnostics;
  const std::vector<YamlEntry> entries = ReadYamlMapEntries(
      YAML::Load(sources.file(file).text()), {}, "", [](const YAML::Node&) { return SourceSpan{}; },
      [](const YAML::Node&) { return std::string(); }, file, &diagnostics);
  EXPECT_EQ(entries.size(), 1U);
  EXPECT_TRUE(diagnostics.items().empty());
}

TEST(YamlReaderTest, ClosestNameWithinTwoEditsFirstOnTies) {
  EXPECT_EQ(ClosestYamlName("bnad", {"band", "bind"}), "band");
  EXPECT_EQ(ClosestYamlName("zzzzzz", {"band"}), "");
}

}  // namespace
}  // namespace triage::internal
