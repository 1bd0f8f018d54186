// SPDX-License-Identifier: Apache-2.0
// Tests of SourceFile's line index (offset <-> 1-based line and byte column, line text without
// its terminator) and of SourceManager's in-memory and on-disk files.
#include "triage/source.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace triage {
namespace {

void ExpectPosition(const SourceFile& file, uint32_t offset, uint32_t line, uint32_t column) {
  const LineColumn position = file.Position(offset);
  EXPECT_EQ(position.line, line) << "offset " << offset;
  EXPECT_EQ(position.column, column) << "offset " << offset;
}

TEST(SourceFileTest, MapsOffsetToOneBasedLineAndColumn) {
  const SourceFile file("a.rules", "ab\ncde\nf");
  ExpectPosition(file, 0, 1, 1);
  ExpectPosition(file, 1, 1, 2);
  ExpectPosition(file, 2, 1, 3);  // the '\n' ending line 1
  ExpectPosition(file, 3, 2, 1);  // start of line 2
  ExpectPosition(file, 5, 2, 3);
  ExpectPosition(file, 6, 2, 4);  // the '\n' ending line 2
  ExpectPosition(file, 7, 3, 1);
  ExpectPosition(file, 8, 3, 2);  // end of text
}

TEST(SourceFileTest, ClampsOffsetPastEnd) {
  const SourceFile file("a.rules", "ab\ncd");
  ExpectPosition(file, 5, 2, 3);
  ExpectPosition(file, 6, 2, 3);
  ExpectPosition(file, 1000000, 2, 3);
}

TEST(SourceFileTest, CountsColumnsInBytes) {
  const SourceFile file("a.rules", "\xc3\xa9t\xc3\xa9 x");  // "été x"
  ExpectPosition(file, 6, 1, 7);
}

TEST(SourceFileTest, HandlesEmptyFile) {
  const SourceFile file("empty.rules", "");
  EXPECT_EQ(file.line_count(), 1U);
  ExpectPosition(file, 0, 1, 1);
  ExpectPosition(file, 10, 1, 1);
  EXPECT_EQ(file.Line(1), "");
  EXPECT_EQ(file.Offset(1, 1), 0U);
  EXPECT_EQ(file.Offset(3, 7), 0U);
}

TEST(SourceFileTest, ReturnsLastLineWithoutNewline) {
  const SourceFile file("a.rules", "one\ntwo");
  EXPECT_EQ(file.line_count(), 2U);
  EXPECT_EQ(file.Line(1), "one");
  EXPECT_EQ(file.Line(2), "two");
}

TEST(SourceFileTest, TrailingNewlineStartsAnEmptyLastLine) {
  const SourceFile file("a.rules", "one\ntwo\n");
  EXPECT_EQ(file.line_count(), 3U);
  EXPECT_EQ(file.Line(2), "two");
  EXPECT_EQ(file.Line(3), "");
  ExpectPosition(file, 8, 3, 1);
}

TEST(SourceFileTest, StripsCarriageReturnOfCrlf) {
  const SourceFile file("a.rules", "ab\r\ncd\r\nef");
  EXPECT_EQ(file.line_count(), 3U);
  EXPECT_EQ(file.Line(1), "ab");
  EXPECT_EQ(file.Line(2), "cd");
  EXPECT_EQ(file.Line(3), "ef");
  ExpectPosition(file, 2, 1, 3);  // the '\r'
  ExpectPosition(file, 4, 2, 1);
  ExpectPosition(file, 9, 3, 2);
  EXPECT_EQ(file.Offset(2, 1), 4U);
  EXPECT_EQ(file.Offset(2, 99), 7U);  // clamped to the line's '\n'
  EXPECT_EQ(file.Line(2).size(), 2U);
}

TEST(SourceFileTest, KeepsLoneCarriageReturnAsText) {
  const SourceFile file("a.rules", "a\rb\nc\r");
  EXPECT_EQ(file.line_count(), 2U);
  EXPECT_EQ(file.Line(1), "a\rb");
  EXPECT_EQ(file.Line(2), "c\r");
}

TEST(SourceFileTest, ReturnsEmptyLineOutOfRange) {
  const SourceFile file("a.rules", "one\ntwo");
  EXPECT_EQ(file.Line(0), "");
  EXPECT_EQ(file.Line(3), "");
}

TEST(SourceFileTest, OffsetInvertsPosition) {
  const std::string text = "rule r {\n\twhen text ~ /x/\r\n}\n";
  const SourceFile file("a.rules", text);
  for (uint32_t offset = 0; offset <= text.size(); ++offset) {
    const LineColumn position = file.Position(offset);
    EXPECT_EQ(file.Offset(position.line, position.column), offset) << "offset " << offset;
  }
}

TEST(SourceFileTest, ClampsOffsetOfLineAndColumn) {
  const SourceFile file("a.rules", "ab\ncde\nf");
  EXPECT_EQ(file.Offset(0, 0), 0U);
  EXPECT_EQ(file.Offset(1, 0), 0U);
  EXPECT_EQ(file.Offset(1, 3), 2U);   // the '\n' after "ab"
  EXPECT_EQ(file.Offset(1, 50), 2U);  // stays on line 1
  EXPECT_EQ(file.Offset(2, 2), 4U);
  EXPECT_EQ(file.Offset(3, 9), 8U);
  EXPECT_EQ(file.Offset(4, 1), 8U);  // past the last line: end of text
}

TEST(SourceManagerTest, AddsAndFindsFilesByName) {
  SourceManager sources;
  const FileId a = sources.AddFile("a.rules", "alpha");
  const FileId b = sources.AddFile("b.rules", "beta");
  EXPECT_TRUE(a.valid());
  EXPECT_TRUE(b.valid());
  EXPECT_NE(a, b);
  EXPECT_EQ(sources.size(), 2U);
  EXPECT_EQ(sources.Find("a.rules"), a);
  EXPECT_EQ(sources.Find("b.rules"), b);
  EXPECT_FALSE(sources.Find("c.rules").valid());
  EXPECT_EQ(sources.file(a).name(), "a.rules");
  EXPECT_EQ(sources.file(b).text(), "beta");
}

TEST(SourceManagerTest, AddFileWithSameNameReplacesAndKeepsOldId) {
  SourceManager sources;
  const FileId old_id = sources.AddFile("a.rules", "old");
  const FileId new_id = sources.AddFile("a.rules", "new");
  EXPECT_EQ(sources.Find("a.rules"), new_id);
  EXPECT_EQ(sources.file(new_id).text(), "new");
  EXPECT_EQ(sources.file(old_id).text(), "old");
}

// A scratch directory under the system temp dir, removed at the end of the test.
class SourceManagerDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("triage_source_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    out << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(SourceManagerDiskTest, LoadsFileFromDisk) {
  const std::string path = WriteFile("a.rules", "one\r\ntwo\n");
  SourceManager sources;
  Result<FileId> id = sources.Load(path);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(sources.file(*id).name(), path);
  EXPECT_EQ(sources.file(*id).text(), "one\r\ntwo\n");  // bytes kept as read
  EXPECT_EQ(sources.Find(path), *id);
  // A second load is served from the manager.
  Result<FileId> again = sources.Load(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  EXPECT_EQ(sources.size(), 1U);
}

TEST_F(SourceManagerDiskTest, LoadsEmptyFile) {
  const std::string path = WriteFile("empty.rules", "");
  SourceManager sources;
  Result<FileId> id = sources.Load(path);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(sources.file(*id).text(), "");
}

TEST_F(SourceManagerDiskTest, ReturnsNotFoundForMissingFile) {
  SourceManager sources;
  Result<FileId> id = sources.Load((dir_ / "missing.rules").string());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(sources.size(), 0U);
}

TEST_F(SourceManagerDiskTest, ReturnsIoErrorForDirectory) {
  SourceManager sources;
  Result<FileId> id = sources.Load(dir_.string());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), Status::Code::kIoError);
  EXPECT_EQ(sources.size(), 0U);
}

TEST_F(SourceManagerDiskTest, PrefersInMemoryFileOverDisk) {
  const std::string path = WriteFile("a.rules", "from disk");
  SourceManager sources;
  const FileId memory = sources.AddFile(path, "from memory");
  Result<FileId> id = sources.Load(path);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, memory);
  EXPECT_EQ(sources.file(*id).text(), "from memory");
}

TEST_F(SourceManagerDiskTest, InMemoryFileNeedsNoDiskFile) {
  SourceManager sources;
  const std::string path = (dir_ / "only_in_memory.rules").string();
  const FileId memory = sources.AddFile(path, "text");
  Result<FileId> id = sources.Load(path);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, memory);
}

}  // namespace
}  // namespace triage
