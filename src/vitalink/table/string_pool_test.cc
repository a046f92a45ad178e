#include "vitalink/table/string_pool.h"

#include <string>

#include <gtest/gtest.h>

namespace vitalink {
namespace {

TEST(StringPoolTest, InternIsIdempotentAndNullReserved) {
  StringPool pool;
  EXPECT_EQ(pool.size(), 1u);
  const uint32_t a = pool.Intern("张伟");
  const uint32_t b = pool.Intern("李娜");
  const uint32_t empty = pool.Intern("");
  EXPECT_NE(a, StringPool::kNull);
  EXPECT_NE(empty, StringPool::kNull);
  EXPECT_NE(a, b);
  EXPECT_EQ(pool.Intern("张伟"), a);
  EXPECT_EQ(pool.Get(a), "张伟");
  EXPECT_EQ(pool.Get(empty), "");
  EXPECT_EQ(pool.Find("李娜"), b);
  EXPECT_EQ(pool.Find("王芳"), StringPool::kNull);
}

TEST(StringPoolTest, ManyStringsSurviveGrowth) {
  StringPool pool;
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(pool.Intern(std::to_string(i)), uint32_t(i + 1));
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(pool.Get(uint32_t(i + 1)), std::to_string(i));
  const std::string big(3 << 20, 'x');  // larger than a chunk
  const uint32_t id = pool.Intern(big);
  EXPECT_EQ(pool.Get(id), big);
}

}  // namespace
}  // namespace vitalink
