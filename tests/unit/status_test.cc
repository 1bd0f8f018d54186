// SPDX-License-Identifier: Apache-2.0
// Tests of Status (codes, messages, ToString) and of Result<T> with the TRIAGE_RETURN_IF_ERROR and
// TRIAGE_ASSIGN_OR_RETURN macros.
#include "triage/status.h"

#include <string>

#include <gtest/gtest.h>

namespace triage {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kOk);
  EXPECT_EQ(status.ToString(), "OK");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ToStringNamesCodeAndMessage) {
  EXPECT_EQ(Status::InvalidArgument("3 errors").ToString(), "InvalidArgument: 3 errors");
  EXPECT_EQ(Status::NotFound("no such file").ToString(), "NotFound: no such file");
  EXPECT_EQ(Status::IoError("read failed").ToString(), "IoError: read failed");
  EXPECT_EQ(Status::Internal("bug").ToString(), "Internal: bug");
}

TEST(StatusTest, InvalidRecordShowsRecordCode) {
  const Status status = Status::InvalidRecord("invalid_json", "expected ':' at byte 17");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kInvalidRecord);
  EXPECT_EQ(status.record_code(), "invalid_json");
  EXPECT_EQ(status.message(), "expected ':' at byte 17");
  EXPECT_EQ(status.ToString(), "InvalidRecord(invalid_json): expected ':' at byte 17");
}

TEST(StatusTest, RecordCodeIsEmptyForOtherCodes) {
  EXPECT_EQ(Status::InvalidArgument("x").record_code(), "");
}

Status FailIf(bool fail) { return fail ? Status::NotFound("gone") : Status::Ok(); }

Status Chain(bool fail, int* reached) {
  TRIAGE_RETURN_IF_ERROR(FailIf(fail));
  *reached = 1;
  return Status::Ok();
}

TEST(StatusTest, ReturnIfErrorPropagatesFailure) {
  int reached = 0;
  EXPECT_EQ(Chain(true, &reached).code(), Status::Code::kNotFound);
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Chain(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("odd");
  return n / 2;
}

Result<std::string> Describe(int n) {
  TRIAGE_ASSIGN_OR_RETURN(int half, Half(n));
  return std::to_string(half);
}

TEST(ResultTest, HoldsValueOrStatus) {
  const Result<int> value = Half(8);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 4);
  EXPECT_TRUE(value.status().ok());

  const Result<int> error = Half(3);
  EXPECT_FALSE(error.ok());
  EXPECT_EQ(error.status().ToString(), "InvalidArgument: odd");
}

TEST(ResultTest, AssignOrReturnPropagates) {
  const Result<std::string> good = Describe(10);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, "5");
  EXPECT_EQ(Describe(7).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace triage
