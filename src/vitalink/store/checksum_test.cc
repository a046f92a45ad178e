// Tests of the run-record checksums: known values, streaming equals one-shot.
#include "vitalink/store/checksum.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vitalink::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ChecksumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("vl_checksum_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
  }

  fs::path dir_;
};

// Bytes that never repeat with a short period, so a chunking bug cannot hide.
std::string Pseudorandom(size_t n) {
  std::string s(n, '\0');
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (size_t byte_idx = 0; byte_idx < n; ++byte_idx) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[byte_idx] = static_cast<char>(x & 0xff);
  }
  return s;
}

TEST(TextChecksumTest, KnownValues) {
  // XXH3-128 of the empty input, seed 0, as `xxhsum -H2` prints it (xxHash's test vectors).
  EXPECT_EQ(TextChecksum(""), "99aa06d3014798d86001c324468d497f");
  // Computed once with this build and pinned: the digest must never change between
  // versions, or every stored run would look as if its inputs changed.
  EXPECT_EQ(TextChecksum("vitalink"), "453c36e447c8314eb29ed64d3c97127e");
  EXPECT_EQ(TextChecksum("县"), TextChecksum("\xe5\x8e\xbf"));
  EXPECT_NE(TextChecksum("a"), TextChecksum(std::string("a\0", 2)));
}

TEST(TextChecksumTest, IsLowerCaseHexOf32Characters) {
  const std::string sum = TextChecksum("浏阳市 2026-10");
  ASSERT_EQ(sum.size(), 32u);
  for (char ch : sum) EXPECT_TRUE((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')) << sum;
}

TEST_F(ChecksumTest, FileStreamingEqualsTextAtChunkBoundaries) {
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t n : {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 3 * kChunk}) {
    const std::string content = Pseudorandom(n);
    auto sum = FileChecksum(Write("f" + std::to_string(n), content));
    ASSERT_TRUE(sum.ok()) << sum.status().ToString();
    EXPECT_EQ(*sum, TextChecksum(content)) << n;
  }
}

TEST_F(ChecksumTest, TenMegabyteFile) {
  const std::string content = Pseudorandom(10u << 20);
  const std::string path = Write("big.bin", content);
  auto sum = FileChecksum(path);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  EXPECT_EQ(*sum, TextChecksum(content));
  auto input = DescribeInput("births", path);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(input->name, "births");
  EXPECT_EQ(input->path, path);
  EXPECT_EQ(input->checksum, *sum);
  EXPECT_EQ(input->bytes, static_cast<int64_t>(content.size()));
}

TEST_F(ChecksumTest, MissingFileIsNotFoundNamingIt) {
  const std::string path = (dir_ / "missing.csv").string();
  auto sum = FileChecksum(path);
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(sum.status().message(), HasSubstr(path));
  EXPECT_EQ(DescribeInput("x", path).status().code(), StatusCode::kNotFound);
}

TEST_F(ChecksumTest, DirectoryIsAnError) {
  auto sum = FileChecksum(dir_.string());
  EXPECT_FALSE(sum.ok());
}

}  // namespace
// Rows in any order give one digest; a field border moved, a value changed or a
// row lost give another.
TEST(RowsDigestTest, OrderFreeButBorderAndValueSensitive) {
  const std::vector<std::string> header = {"id", "name"};
  auto digest = [&](std::vector<std::vector<std::string_view>> rows) {
    RowsDigest d(header);
    for (const auto& r : rows) d.AddRow(r);
    return d.Hex();
  };
  const std::string ab = digest({{"1", "张三"}, {"2", "李四"}});
  EXPECT_EQ(ab.size(), 32u);
  EXPECT_EQ(digest({{"2", "李四"}, {"1", "张三"}}), ab);
  EXPECT_NE(digest({{"1", "张三"}, {"2", "李五"}}), ab);
  EXPECT_NE(digest({{"1", "张三"}}), ab);
  EXPECT_NE(digest({{"12", "张三"}, {"", "李四"}}), digest({{"1", "2张三"}, {"", "李四"}}));
  const std::vector<std::string> header2 = {"id", "name2"};
  RowsDigest other(header2);
  EXPECT_NE(other.Hex(), RowsDigest(header).Hex());
  RowsDigest bytes(header);
  bytes.AddRow(std::vector<std::string_view>{"12", "ab"});
  EXPECT_EQ(bytes.bytes(), 4);
}

}  // namespace vitalink::store
