// SPDX-License-Identifier: Apache-2.0
// The compiler's shared error budget (compile/reporter.h).
#include "compile/reporter.h"

#include <string>

#include <gtest/gtest.h>

namespace triage::internal {
namespace {

TEST(ReporterTest, StopsReportingAfterTheBudgetWithOneNote) {
  Diagnostics diagnostics;
  Reporter reporter(&diagnostics, 2);
  reporter.Error("a", "first", {}, {});
  reporter.Note("on the first", {}, {});
  reporter.Error("b", "second", {}, {});  // the last one reported, then "too many errors"
  reporter.Error("c", "third", {}, {});
  reporter.Note("on the third", {}, {});
  EXPECT_EQ(reporter.errors(), 3u);  // every error counts
  ASSERT_EQ(diagnostics.items().size(), 4u);
  EXPECT_EQ(diagnostics.items()[0].code, "a");
  EXPECT_EQ(diagnostics.items()[1].message, "on the first");
  EXPECT_EQ(diagnostics.items()[2].code, "b");
  EXPECT_EQ(diagnostics.items()[3].message, "too many errors; stopping after 2");
  EXPECT_EQ(reporter.Fail().code(), Status::Code::kInvalidArgument);
}

TEST(ReporterTest, SuggestsOnlyACloseName) {
  Diagnostics diagnostics;
  Reporter reporter(&diagnostics, 20);
  reporter.SuggestNote("minor_agee", {"minor_age", "unrelated"}, {}, {});
  reporter.SuggestNote("zzzz", {"minor_age"}, {}, {});
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].message, "did you mean 'minor_age'?");
}

TEST(ReporterTest, LocationAndTextOfASpan) {
  SourceManager sources;
  const FileId file = sources.AddFile("a.rules", "rule r {\n  when x\n}\n");
  EXPECT_EQ(SourceLocation(sources, file, SourceSpan{11, 15}), "a.rules:2:3");
  EXPECT_EQ(SourceText(sources, file, SourceSpan{11, 15}), "when");
  EXPECT_EQ(SourceText(sources, file, SourceSpan{11, 999}), "");
}

}  // namespace
}  // namespace triage::internal
