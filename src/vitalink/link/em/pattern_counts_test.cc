#include "vitalink/link/em/pattern_counts.h"

#include <algorithm>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/link/em/random.h"

namespace vitalink::link {
namespace {

ModelShape Shape(std::vector<int> levels) { return ModelShape::FromLevelCounts(levels).value(); }

std::vector<uint8_t> RandomRows(const ModelShape& shape, int64_t rows, uint64_t seed,
                                int max_level_cap) {
  Xoshiro256 rng(seed);
  const auto kk = static_cast<size_t>(shape.num_comparisons());
  std::vector<uint8_t> out(static_cast<size_t>(rows) * kk);
  for (size_t i = 0; i < out.size(); ++i) {
    const int k = static_cast<int>(i % kk);
    const auto choices = static_cast<uint64_t>(std::min(shape.num_levels(k), max_level_cap) + 1);
    const uint64_t draw = rng.UniformBelow(choices);
    out[i] = draw + 1 == choices ? kGammaNull : static_cast<uint8_t>(draw);
  }
  return out;
}

TEST(ModelShapeTest, EncodeDecodeRoundTripInLexicographicOrder) {
  ModelShape shape = Shape({2, 3, 1});
  EXPECT_EQ(shape.num_keys(), 3u * 4u * 2u);
  std::vector<uint8_t> previous;
  for (uint64_t key = 0; key < shape.num_keys(); ++key) {
    uint8_t gamma[3];
    shape.Decode(key, gamma);
    EXPECT_TRUE(shape.IsValid(gamma));
    EXPECT_EQ(shape.Encode(gamma), key);
    // Null sorts after every level: compare with null mapped to 254.
    std::vector<uint8_t> sortable(gamma, gamma + 3);
    for (uint8_t& v : sortable) v = v == kGammaNull ? 254 : v;
    if (!previous.empty()) {
      EXPECT_LT(previous, sortable);
    }
    previous = sortable;
  }
  uint8_t all_null[3] = {kGammaNull, kGammaNull, kGammaNull};
  EXPECT_EQ(shape.Encode(all_null), shape.num_keys() - 1);
  uint8_t bad[3] = {2, 0, 0};
  EXPECT_FALSE(shape.IsValid(bad));
}

TEST(ModelShapeTest, RejectsBadShapes) {
  EXPECT_FALSE(ModelShape::FromLevelCounts(std::vector<int>{2, 0}).ok());
  EXPECT_FALSE(ModelShape::FromLevelCounts(std::vector<int>(20, 254)).ok());  // 255^20 > 2^63
  ComparisonShape cmp{"name", {"else", "exact"}, {}};
  cmp.tf.enabled = true;
  cmp.tf.exact_level = 2;
  EXPECT_FALSE(ModelShape::Make({cmp}).ok());
  cmp.tf.exact_level = -1;
  Result<ModelShape> ok = ModelShape::Make({cmp});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->comparison(0).tf.exact_level, 1);
}

void ExpectMatchesMap(const PatternCounts& counts, const std::vector<uint8_t>& rows) {
  const auto kk = static_cast<size_t>(counts.shape().num_comparisons());
  std::map<uint64_t, int64_t> expected;
  for (size_t row = 0; row < rows.size() / kk; ++row)
    ++expected[counts.shape().Encode(&rows[row * kk])];
  std::vector<PatternCount> sorted = counts.Sorted();
  ASSERT_EQ(sorted.size(), expected.size());
  EXPECT_EQ(counts.size(), static_cast<int64_t>(expected.size()));
  EXPECT_EQ(counts.total(), static_cast<int64_t>(rows.size() / kk));
  size_t idx = 0;
  for (const auto& [key, n] : expected) {
    EXPECT_EQ(sorted[idx].key, key);
    EXPECT_EQ(sorted[idx].count, n);
    EXPECT_EQ(counts.Count(key), n);
    ++idx;
  }
  std::vector<PatternCount> visited;
  counts.ForEach([&](const PatternCount& p) { visited.push_back(p); });
  EXPECT_EQ(visited, sorted);
}

TEST(PatternCountsTest, DenseCountsMatchAMap) {
  ModelShape shape = Shape({3, 3, 4, 2, 4, 3});
  const std::vector<uint8_t> rows = RandomRows(shape, 5000, 1, 254);
  PatternCounts counts(shape);
  EXPECT_TRUE(counts.dense());
  counts.AddRows(rows.data(), 5000);
  ExpectMatchesMap(counts, rows);
}

TEST(PatternCountsTest, SparseCountsMatchAMap) {
  ModelShape shape = Shape(std::vector<int>(12, 5));  // 6^12 keys: hash table
  const std::vector<uint8_t> rows = RandomRows(shape, 20000, 2, 2);
  PatternCounts counts(shape);
  EXPECT_FALSE(counts.dense());
  counts.AddRows(rows.data(), 20000);
  ExpectMatchesMap(counts, rows);
  EXPECT_EQ(counts.Count(12345), 0);
}

TEST(PatternCountsTest, AddWithMultiplicityAndZero) {
  ModelShape shape = Shape({2, 2});
  PatternCounts counts(shape);
  uint8_t gamma[2] = {1, kGammaNull};
  counts.Add(gamma, 5);
  counts.Add(gamma, 0);
  counts.Add(gamma);
  EXPECT_EQ(counts.size(), 1);
  EXPECT_EQ(counts.total(), 6);
  EXPECT_EQ(counts.Count(shape.Encode(gamma)), 6);
}

// Split rows into chunks counted separately, merged in several orders: the
// merged counts must not depend on the chunking or the order.
void CheckMergeOrderIndependence(const ModelShape& shape, int cap) {
  const int64_t num_rows = 12000;
  const auto kk = static_cast<size_t>(shape.num_comparisons());
  const std::vector<uint8_t> rows = RandomRows(shape, num_rows, 7, cap);
  PatternCounts whole(shape);
  whole.AddRows(rows.data(), num_rows);
  const std::vector<PatternCount> expected = whole.Sorted();
  for (int chunks : {1, 2, 3, 8}) {
    std::vector<PatternCounts> parts(static_cast<size_t>(chunks), PatternCounts(shape));
    for (int64_t row = 0; row < num_rows; ++row) {
      parts[static_cast<size_t>(row % chunks)].Add(&rows[static_cast<size_t>(row) * kk]);
    }
    for (bool reverse : {false, true}) {
      PatternCounts merged(shape);
      for (int c = 0; c < chunks; ++c)
        merged.Merge(parts[static_cast<size_t>(reverse ? chunks - 1 - c : c)]);
      EXPECT_EQ(merged.Sorted(), expected) << chunks << " chunks, reverse " << reverse;
      EXPECT_EQ(merged.size(), whole.size());
      EXPECT_EQ(merged.total(), whole.total());
    }
  }
}

TEST(PatternCountsTest, MergeOrderIndependenceDense) {
  CheckMergeOrderIndependence(Shape({3, 3, 4, 2, 4, 3}), 254);
}

TEST(PatternCountsTest, MergeOrderIndependenceSparse) {
  CheckMergeOrderIndependence(Shape(std::vector<int>(12, 5)), 2);
}

}  // namespace
}  // namespace vitalink::link
