#include "vitalink/cluster/union_find.h"

#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/cluster/reference/cluster_reference.h"

namespace vitalink::cluster {
namespace {

TEST(UnionFindTest, UnionsFindsAndSizes) {
  UnionFind uf(6);
  EXPECT_EQ(uf.size(), 6);
  EXPECT_EQ(uf.num_sets(), 6);
  EXPECT_TRUE(uf.Union(0, 3));
  EXPECT_TRUE(uf.Union(3, 4));
  EXPECT_FALSE(uf.Union(4, 0));
  EXPECT_TRUE(uf.Union(5, 2));
  EXPECT_EQ(uf.num_sets(), 3);
  EXPECT_EQ(uf.Find(0), uf.Find(4));
  EXPECT_NE(uf.Find(0), uf.Find(2));
  EXPECT_EQ(uf.SetSize(3), 3);
  EXPECT_EQ(uf.SetSize(2), 2);
  EXPECT_EQ(uf.SetSize(1), 1);
  EXPECT_EQ(uf.Labels(), (std::vector<int64_t>{0, 1, 2, 0, 0, 2}));
}

TEST(UnionFindTest, EmptyAndSingleton) {
  UnionFind empty(0);
  EXPECT_EQ(empty.num_sets(), 0);
  EXPECT_TRUE(empty.Labels().empty());
  UnionFind one(1);
  EXPECT_EQ(one.Labels(), std::vector<int64_t>{0});
}

TEST(UnionFindTest, LongChainCompresses) {
  constexpr int64_t kN = 200000;
  UnionFind uf(kN);
  // Union in the order that builds the deepest tree without union by size.
  for (int64_t i = 1; i < kN; ++i) uf.Union(i, i - 1);
  EXPECT_EQ(uf.num_sets(), 1);
  EXPECT_EQ(uf.SetSize(kN / 2), kN);
  for (int64_t i = 0; i < kN; i += 9973) EXPECT_EQ(uf.Find(i), uf.Find(0));
}

TEST(UnionFindTest, LabelsMatchNaiveComponentsOnRandomGraphs) {
  std::mt19937_64 rng(20240601);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 40)(rng);
    const int64_t m = std::uniform_int_distribution<int64_t>(0, 2 * n)(rng);
    std::vector<ScoredPair> pairs;
    UnionFind uf(n);
    for (int64_t e = 0; e < m && n > 1; ++e) {
      const int64_t a = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
      int64_t b = std::uniform_int_distribution<int64_t>(0, n - 2)(rng);
      if (b >= a) ++b;
      pairs.push_back({a, b, 1.0, 1.0});
      uf.Union(a, b);
    }
    EXPECT_EQ(uf.Labels(), reference::Components(n, pairs, 0.5)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace vitalink::cluster
