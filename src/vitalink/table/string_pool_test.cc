#include "vitalink/table/string_pool.h"

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// The batch entry point must give exactly the ids of one-at-a-time Intern:
// duplicates inside a batch, strings already present, growth (rehash) in the
// middle of a batch, empty strings, and after Reserve.
TEST(StringPoolTest, InternBatchAgreesWithIntern) {
  std::vector<std::string> values;
  for (int i = 0; i < 20000; ++i) {
    values.push_back("id" + std::to_string(i * 7919 % 5003));  // many repeats
    values.push_back(std::to_string(i));                       // unique
    if (i % 97 == 0) values.emplace_back();
  }
  for (const bool reserve : {false, true}) {
    StringPool one;
    StringPool batch;
    if (reserve) batch.Reserve(1000);
    // Some strings are present before the batch runs.
    for (int i = 0; i < 300; ++i) {
      const std::string s = "id" + std::to_string(i);
      ASSERT_EQ(batch.Intern(s), one.Intern(s));
    }
    std::vector<uint32_t> expected;
    for (const std::string& v : values) expected.push_back(one.Intern(v));
    std::vector<std::string_view> views(values.begin(), values.end());
    std::vector<uint32_t> got(views.size(), 12345);
    // Uneven batch sizes, shorter and longer than the prefetch pipeline.
    size_t begin = 0;
    for (size_t len : {size_t{0}, size_t{1}, size_t{5}, size_t{31}, size_t{1000}, views.size()}) {
      len = std::min(len, views.size() - begin);
      batch.InternBatch(std::span<const std::string_view>(views.data() + begin, len), got.data() + begin);
      begin += len;
    }
    ASSERT_EQ(begin, views.size());
    EXPECT_EQ(got, expected) << "reserve " << reserve;
    EXPECT_EQ(batch.size(), one.size());
    for (uint32_t id = 0; id < one.size(); ++id) ASSERT_EQ(batch.Get(id), one.Get(id));
    for (const std::string& v : values) ASSERT_EQ(batch.Find(v), one.Find(v));
  }
}

}  // namespace
}  // namespace vitalink
