#include "vitalink/common/status.h"

#include <gtest/gtest.h>

namespace vitalink {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd value " + std::to_string(v));
  return v / 2;
}

Result<int> Quarter(int v) {
  VL_ASSIGN_OR_RETURN(int h, Half(v));
  VL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  VL_RETURN_IF_ERROR(Half(v).status());
  return Status::OK();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(Status::OK().ToString(), "ok");
  const Status s = Status::ParseError("a.csv:3:7: unbalanced quote");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.ToString(), "parse_error: a.csv:3:7: unbalanced quote");
  EXPECT_EQ(s.WithContext("source register").message(),
            "source register: a.csv:3:7: unbalanced quote");
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  const auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd value 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(6).ValueOr(-1), -1);
}

}  // namespace
}  // namespace vitalink
