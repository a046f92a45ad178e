#include "vitalink/cluster/clustering.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/cluster/bridges.h"
#include "vitalink/cluster/reference/cluster_reference.h"

namespace vitalink::cluster {
namespace {

using Labels = std::vector<int64_t>;

ScoredPair P(int64_t a, int64_t b, double probability, double weight = 0.0) {
  // Default weight follows probability so descending weight = descending probability.
  return {a, b, weight == 0.0 ? probability * 10.0 : weight, probability};
}

// Two triangles {0,1,2} and {3,4,5} joined by the pair (2, 3).
std::vector<ScoredPair> Barbell(double bridge_probability) {
  return {P(0, 1, 0.999), P(1, 2, 0.999), P(0, 2, 0.999), P(2, 3, bridge_probability),
          P(3, 4, 0.999), P(4, 5, 0.999), P(3, 5, 0.999)};
}

// A random multigraph on n vertices with m edges of random probability.
std::vector<ScoredPair> RandomPairs(std::mt19937_64& rng, int64_t n, int64_t m) {
  std::vector<ScoredPair> pairs;
  if (n < 2) return pairs;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int64_t e = 0; e < m; ++e) {
    const int64_t a = std::uniform_int_distribution<int64_t>(0, n - 1)(rng);
    int64_t b = std::uniform_int_distribution<int64_t>(0, n - 2)(rng);
    if (b >= a) ++b;
    // Coarse probabilities make ties, exercising the tie-breaks.
    const double prob = std::round(unit(rng) * 20.0) / 20.0;
    pairs.push_back({std::min(a, b), std::max(a, b), prob * 8.0 - 4.0, prob});
  }
  return pairs;
}

// ---------------------------------------------------------------------------
// Connected components.

TEST(ConnectedComponentsTest, HandComputedAtThresholds) {
  const std::vector<ScoredPair> pairs = {P(0, 1, 0.9), P(1, 2, 0.6), P(3, 4, 0.95), P(5, 6, 0.3)};
  auto at = [&](double threshold) { return ConnectedComponents(8, pairs, threshold).ValueOr({}); };
  EXPECT_EQ(at(0.5), (Labels{0, 0, 0, 1, 1, 2, 3, 4}));
  EXPECT_EQ(at(0.6), (Labels{0, 0, 0, 1, 1, 2, 3, 4}));  // threshold is inclusive
  EXPECT_EQ(at(0.7), (Labels{0, 0, 1, 2, 2, 3, 4, 5}));
  EXPECT_EQ(at(0.0), (Labels{0, 0, 0, 1, 1, 2, 2, 3}));
  EXPECT_EQ(at(0.99), (Labels{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(ConnectedComponentsTest, ThresholdOnWeight) {
  const std::vector<ScoredPair> pairs = {{0, 1, 12.0, 0.4}, {1, 2, -3.0, 0.95}};
  ClusterOptions opts;
  opts.score = ScoreKind::kWeight;
  opts.threshold = 5.0;
  auto c = Cluster(3, pairs, opts);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->labels, (Labels{0, 0, 1}));
  EXPECT_EQ(c->num_clusters, 2);
  EXPECT_EQ(c->kept_pairs, std::vector<int64_t>{0});
  EXPECT_EQ(c->pairs_above_threshold, 1);
}

TEST(ConnectedComponentsTest, RejectsMalformedPairs) {
  const std::vector<std::vector<ScoredPair>> bad = {
      {{0, 3, 1.0, 0.9}}, {{-1, 1, 1.0, 0.9}}, {{1, 1, 1.0, 0.9}},
      {{0, 1, std::nan(""), 0.9}}, {{0, 1, 1.0, 1.5}}, {{0, 1, 1.0, std::nan("")}}};
  for (const auto& pairs : bad) {
    auto r = ConnectedComponents(3, pairs, 0.5);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(ConnectedComponents(0, {}, 0.5).ok());
}

TEST(ConnectedComponentsTest, MatchesNaiveAndIgnoresPairOrder) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 150; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 35)(rng);
    std::vector<ScoredPair> pairs =
        RandomPairs(rng, n, std::uniform_int_distribution<int64_t>(0, 2 * n)(rng));
    const double threshold = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    auto fast = ConnectedComponents(n, pairs, threshold);
    ASSERT_TRUE(fast.ok());
    EXPECT_EQ(*fast, reference::Components(n, pairs, threshold)) << "trial " << trial;
    std::shuffle(pairs.begin(), pairs.end(), rng);
    EXPECT_EQ(ConnectedComponents(n, pairs, threshold).ValueOr({}), *fast);
  }
}

// ---------------------------------------------------------------------------
// Bridges.

TEST(BridgesTest, BarbellHasOneBridge) {
  EXPECT_EQ(FindBridges(6, Barbell(0.5)), std::vector<int64_t>{3});
}

TEST(BridgesTest, PathTreeAndParallelEdges) {
  const std::vector<ScoredPair> path = {P(0, 1, 1), P(1, 2, 1), P(2, 3, 1)};
  EXPECT_EQ(FindBridges(5, path), (std::vector<int64_t>{0, 1, 2}));
  // A second (0, 1) pair makes a 2-cycle: neither copy is a bridge.
  const std::vector<ScoredPair> doubled = {P(0, 1, 1), P(1, 2, 1), P(1, 0, 1)};
  EXPECT_EQ(FindBridges(3, doubled), std::vector<int64_t>{1});
  EXPECT_TRUE(FindBridges(4, {}).empty());
}

TEST(BridgesTest, DeepPathNeedsNoRecursion) {
  // A recursive DFS would overflow the stack on a path this long.
  constexpr int64_t kN = 1000000;
  std::vector<ScoredPair> path;
  for (int64_t v = 1; v < kN; ++v) path.push_back({v - 1, v, 1.0, 0.5});
  EXPECT_EQ(static_cast<int64_t>(FindBridges(kN, path).size()), kN - 1);
  path.push_back({0, kN - 1, 1.0, 0.5});  // close the cycle
  EXPECT_TRUE(FindBridges(kN, path).empty());
}

TEST(BridgesTest, MatchesNaiveOnRandomGraphs) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 25)(rng);
    const auto pairs =
        RandomPairs(rng, n, std::uniform_int_distribution<int64_t>(0, 2 * n)(rng));
    EXPECT_EQ(FindBridges(n, pairs), reference::Bridges(n, pairs)) << "trial " << trial;
  }
}

TEST(WeakBridgesTest, MatchesNaiveOnRandomGraphs) {
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 400; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 25)(rng);
    // Sparse graphs have many bridges; denser ones have cycles.
    const int64_t m = std::uniform_int_distribution<int64_t>(0, n + n / 2)(rng);
    const auto pairs = RandomPairs(rng, n, m);
    const int64_t min_side = std::uniform_int_distribution<int64_t>(1, 4)(rng);
    const double threshold = trial % 5 == 0 ? 1.01 : 0.7;
    BridgeOptions opts{.bridge_threshold = threshold, .min_side_size = min_side};
    EXPECT_EQ(WeakBridgesToSplit(n, pairs, opts),
              reference::WeakBridgesToSplit(n, pairs, threshold, min_side))
        << "trial " << trial << " n " << n << " min_side " << min_side;
  }
}

ClusterOptions BridgeRefusal(int64_t min_side = 2) {
  ClusterOptions opts;
  opts.threshold = 0.5;
  opts.refuse_weak_bridges = true;
  opts.bridges = {.bridge_threshold = 0.99, .min_side_size = min_side};
  return opts;
}

TEST(WeakBridgesTest, BarbellWithWeakBridgeIsSplit) {
  const auto pairs = Barbell(0.8);
  auto c = Cluster(6, pairs, BridgeRefusal());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(c->weak_bridges_cut, 1);
  EXPECT_EQ(c->kept_pairs, (std::vector<int64_t>{0, 1, 2, 4, 5, 6}));
  // Without refusal the barbell is one person.
  EXPECT_EQ(ConnectedComponents(6, pairs, 0.5).ValueOr({}), (Labels{0, 0, 0, 0, 0, 0}));
}

TEST(WeakBridgesTest, BarbellWithStrongBridgeStays) {
  auto c = Cluster(6, Barbell(0.995), BridgeRefusal());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(c->weak_bridges_cut, 0);
}

TEST(WeakBridgesTest, PendantRecordNeedsMinSideOne) {
  // Triangle {0,1,2} plus record 3 hanging off 2 by one weak pair.
  const std::vector<ScoredPair> pairs = {P(0, 1, 0.999), P(1, 2, 0.999), P(0, 2, 0.999),
                                         P(2, 3, 0.7)};
  EXPECT_EQ(Cluster(4, pairs, BridgeRefusal(2)).ValueOr({}).labels, (Labels{0, 0, 0, 0}));
  EXPECT_EQ(Cluster(4, pairs, BridgeRefusal(1)).ValueOr({}).labels, (Labels{0, 0, 0, 1}));
}

TEST(WeakBridgesTest, WeakestBridgeGoesFirst) {
  // Triangle {0,1,2} –0.6– record 3 –0.8– triangle {4,5,6}: cutting the 0.6 pair
  // leaves {3,4,5,6}; the 0.8 pair would then leave 3 alone, so it stays.
  const std::vector<ScoredPair> pairs = {
      P(0, 1, 0.999), P(1, 2, 0.999), P(0, 2, 0.999), P(2, 3, 0.6),
      P(3, 4, 0.8),   P(4, 5, 0.999), P(5, 6, 0.999), P(4, 6, 0.999)};
  auto c = Cluster(7, pairs, BridgeRefusal());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(c->weak_bridges_cut, 1);
}

TEST(WeakBridgesTest, ChainOfTrianglesSplitsEverywhere) {
  std::vector<ScoredPair> pairs;
  for (int64_t t = 0; t < 4; ++t) {
    const int64_t base = 3 * t;
    pairs.push_back(P(base, base + 1, 0.999));
    pairs.push_back(P(base + 1, base + 2, 0.999));
    pairs.push_back(P(base, base + 2, 0.999));
    if (t > 0) pairs.push_back(P(base - 1, base, 0.9));
  }
  auto c = Cluster(12, pairs, BridgeRefusal());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}));
}

TEST(WeakBridgesTest, MustLinkIsNeverCut) {
  // The only link between the triangles is a must-link.
  std::vector<ScoredPair> pairs = Barbell(0.8);
  pairs.erase(pairs.begin() + 3);
  Constraints constraints;
  constraints.must_link = {{2, 3}};
  ClusterOptions opts = BridgeRefusal();
  opts.bridges.bridge_threshold = 2.0;  // every scored pair is weak
  auto c = Cluster(6, pairs, opts, {}, constraints);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 0, 0, 0}));
}

// ---------------------------------------------------------------------------
// One-to-one linking.

ClusterOptions OneToOne(LinkMode mode = LinkMode::kLink) {
  ClusterOptions opts;
  opts.threshold = 0.5;
  opts.mode = mode;
  opts.one_to_one = true;
  return opts;
}

TEST(OneToOneTest, GreedyByDescendingWeight) {
  // A = {0, 1}, B = {2, 3}.
  const std::vector<int32_t> source = {0, 0, 1, 1};
  const std::vector<ScoredPair> pairs = {
      {0, 2, 10.0, 0.9}, {0, 3, 9.0, 0.9}, {1, 2, 8.0, 0.9}, {1, 3, 2.0, 0.9}};
  auto c = Cluster(4, pairs, OneToOne(), source);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->labels, (Labels{0, 1, 0, 1}));
  EXPECT_EQ(c->kept_pairs, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(c->refused_by_one_to_one, 2);
}

TEST(OneToOneTest, GreedyIsNotTheOptimalAssignment) {
  // Greedy takes (0,2) at 10 and strands 1 and 3; the optimal assignment
  // (0,3) + (1,2) would total 17.
  const std::vector<int32_t> source = {0, 0, 1, 1};
  const std::vector<ScoredPair> pairs = {{0, 2, 10.0, 0.9}, {0, 3, 9.0, 0.9}, {1, 2, 8.0, 0.9}};
  auto c = Cluster(4, pairs, OneToOne(), source);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 1, 0, 2}));
}

TEST(OneToOneTest, TiesBreakOnAThenB) {
  const std::vector<int32_t> source = {0, 0, 1, 1};
  // All equal: (0,2) wins by a; then 1 may only take 3.
  const std::vector<ScoredPair> pairs = {
      {1, 2, 5.0, 0.9}, {1, 3, 5.0, 0.9}, {0, 3, 5.0, 0.9}, {0, 2, 5.0, 0.9}};
  auto c = Cluster(4, pairs, OneToOne(), source);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 1, 0, 1}));
  EXPECT_EQ(c->kept_pairs, (std::vector<int64_t>{1, 3}));
}

TEST(OneToOneTest, LinkModeIgnoresWithinSourcePairs) {
  const std::vector<int32_t> source = {0, 0, 1};
  const std::vector<ScoredPair> pairs = {{0, 1, 20.0, 0.99}, {0, 2, 5.0, 0.9}};
  ClusterOptions opts = OneToOne();
  EXPECT_EQ(Cluster(3, pairs, opts, source).ValueOr({}).labels, (Labels{0, 1, 0}));
  opts.one_to_one = false;
  EXPECT_EQ(Cluster(3, pairs, opts, source).ValueOr({}).labels, (Labels{0, 1, 0}));
}

TEST(OneToOneTest, LinkAndDedupeMatchesDeduplicatedClusters) {
  // Source A: 0, 1 (duplicates of one person), 4. Source B: 2, 3.
  const std::vector<int32_t> source = {0, 0, 1, 1, 0};
  const std::vector<ScoredPair> pairs = {
      {0, 1, 3.0, 0.9},    // within A: merged first despite the low weight
      {1, 2, 12.0, 0.99},  // A-cluster {0,1} takes B record 2
      {0, 2, 11.0, 0.99},  // same cluster already: kept
      {0, 3, 10.0, 0.98},  // would give the cluster a second B record: refused
      {3, 4, 9.0, 0.97}};
  auto c = Cluster(5, pairs, OneToOne(LinkMode::kLinkAndDedupe), source);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->labels, (Labels{0, 0, 0, 1, 1}));
  EXPECT_EQ(c->kept_pairs, (std::vector<int64_t>{0, 1, 2, 4}));
  EXPECT_EQ(c->refused_by_one_to_one, 1);
}

TEST(OneToOneTest, MatchesNaiveGreedyOnRandomBipartiteGraphs) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(2, 30)(rng);
    std::vector<int32_t> source(static_cast<size_t>(n));
    for (auto& s : source) s = std::uniform_int_distribution<int32_t>(0, 1)(rng);
    auto pairs = RandomPairs(rng, n, std::uniform_int_distribution<int64_t>(0, 3 * n)(rng));
    // Distinct (a, b): the naive twin treats pairs as a set.
    std::set<std::pair<int64_t, int64_t>> seen;
    std::erase_if(pairs, [&](const ScoredPair& p) { return !seen.insert({p.a, p.b}).second; });
    auto c = Cluster(n, pairs, OneToOne(), source);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->kept_pairs, reference::GreedyOneToOne(pairs, source, 0.5)) << "trial " << trial;
    // Every cluster has at most one record per source.
    std::map<std::pair<int64_t, int32_t>, int> per_cluster_source;
    for (int64_t r = 0; r < n; ++r) {
      const std::pair<int64_t, int32_t> key(c->labels[static_cast<size_t>(r)],
                                            source[static_cast<size_t>(r)]);
      EXPECT_EQ(++per_cluster_source[key], 1);
    }
  }
}

TEST(OneToOneTest, RejectsBadConfiguration) {
  const std::vector<ScoredPair> pairs = {{0, 1, 5.0, 0.9}};
  ClusterOptions opts = OneToOne();
  EXPECT_EQ(Cluster(2, pairs, opts).status().code(), StatusCode::kInvalidArgument);
  const std::vector<int32_t> far = {0, 64};
  EXPECT_EQ(Cluster(2, pairs, opts, far).status().code(), StatusCode::kInvalidArgument);
  opts.mode = LinkMode::kDedupe;
  const std::vector<int32_t> ok_sources = {0, 1};
  EXPECT_EQ(Cluster(2, pairs, opts, ok_sources).status().code(), StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Must-link / cannot-link.

TEST(ConstraintsTest, MustLinkMergesWithoutPairs) {
  Constraints constraints;
  constraints.must_link = {{0, 3}};
  auto c = Cluster(4, {}, ClusterOptions{}, {}, constraints);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 1, 2, 0}));
}

TEST(ConstraintsTest, CannotLinkSkipsTheWeakerPair) {
  Constraints constraints;
  constraints.cannot_link = {{0, 2}};
  std::vector<ScoredPair> pairs = {{0, 1, 10.0, 0.9}, {1, 2, 5.0, 0.8}};
  auto c = Cluster(3, pairs, ClusterOptions{}, {}, constraints);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 1}));
  EXPECT_EQ(c->refused_by_cannot_link, 1);
  EXPECT_EQ(c->kept_pairs, std::vector<int64_t>{0});
  // Stronger evidence for (1, 2) wins instead.
  pairs[1].weight = 20.0;
  EXPECT_EQ(Cluster(3, pairs, ClusterOptions{}, {}, constraints).ValueOr({}).labels,
            (Labels{0, 1, 1}));
}

TEST(ConstraintsTest, CannotLinkAcrossGrownClusters) {
  // {0,1} and {2,3} grow first; the pair joining them would unite 0 and 3.
  Constraints constraints;
  constraints.cannot_link = {{3, 0}};
  const std::vector<ScoredPair> pairs = {{0, 1, 9.0, 0.9}, {2, 3, 8.0, 0.9}, {1, 2, 7.0, 0.9}};
  auto c = Cluster(4, pairs, ClusterOptions{}, {}, constraints);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->labels, (Labels{0, 0, 1, 1}));
}

TEST(ConstraintsTest, ContradictionsAndBadIndicesAreErrors) {
  Constraints constraints;
  constraints.must_link = {{0, 1}, {1, 2}};
  constraints.cannot_link = {{0, 2}};
  EXPECT_EQ(Cluster(3, {}, ClusterOptions{}, {}, constraints).status().code(),
            StatusCode::kInvalidArgument);
  Constraints self;
  self.cannot_link = {{1, 1}};
  EXPECT_EQ(Cluster(3, {}, ClusterOptions{}, {}, self).status().code(),
            StatusCode::kInvalidArgument);
  Constraints outside;
  outside.must_link = {{0, 3}};
  EXPECT_EQ(Cluster(3, {}, ClusterOptions{}, {}, outside).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ConstraintsTest, RandomizedInvariantsAndDeterminism) {
  std::mt19937_64 rng(19);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t n = std::uniform_int_distribution<int64_t>(2, 30)(rng);
    auto pairs = RandomPairs(rng, n, 2 * n);
    // Distinct weights except deliberate ties resolved by (a, b).
    for (auto& p : pairs) p.weight = std::round(p.weight);
    Constraints constraints;
    std::uniform_int_distribution<int64_t> rec(0, n - 1);
    for (int k = 0; k < 3; ++k) {
      const int64_t x = rec(rng), y = rec(rng);
      if (x != y) constraints.cannot_link.push_back({x, y});
    }
    // Must-links that cannot contradict: between records never in a cannot-link.
    std::set<int64_t> constrained;
    for (const auto& [x, y] : constraints.cannot_link) constrained.insert({x, y});
    const int64_t u = rec(rng), v = rec(rng);
    if (u != v && !constrained.count(u) && !constrained.count(v)) {
      constraints.must_link.push_back({u, v});
    }
    auto c = Cluster(n, pairs, ClusterOptions{}, {}, constraints);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    for (const auto& [x, y] : constraints.cannot_link) {
      EXPECT_NE(c->labels[static_cast<size_t>(x)], c->labels[static_cast<size_t>(y)]);
    }
    for (const auto& [x, y] : constraints.must_link) {
      EXPECT_EQ(c->labels[static_cast<size_t>(x)], c->labels[static_cast<size_t>(y)]);
    }
    // Kept pairs never straddle clusters; refused ones always do.
    std::set<int64_t> kept(c->kept_pairs.begin(), c->kept_pairs.end());
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (pairs[i].probability < 0.5) continue;
      const bool same =
          c->labels[static_cast<size_t>(pairs[i].a)] == c->labels[static_cast<size_t>(pairs[i].b)];
      EXPECT_EQ(kept.count(static_cast<int64_t>(i)) == 1, same) << "pair " << i;
    }
    // The partition does not depend on the order the pairs arrive in.
    auto shuffled = pairs;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto c2 = Cluster(n, shuffled, ClusterOptions{}, {}, constraints);
    ASSERT_TRUE(c2.ok());
    EXPECT_EQ(c2->labels, c->labels) << "trial " << trial;
  }
}

// ---------------------------------------------------------------------------
// Stable person ids.

TEST(PersonIdTest, FormatAndKey) {
  const std::string id = PersonIdFromKey(MemberKey("register", "0001"));
  ASSERT_EQ(id.size(), 17u);
  EXPECT_EQ(id[0], 'P');
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 1), std::string::npos);
  EXPECT_EQ(id, PersonIdFromKey(std::string("register\x1f") + "0001"));
  EXPECT_NE(id, PersonIdFromKey(MemberKey("registe", "r0001")));
  EXPECT_LT(MemberKey("births", "9"), MemberKey("register", "0"));
}

TEST(PersonIdTest, IdIsTheSmallestMemberKeyHashed) {
  const std::vector<std::string> keys = {MemberKey("reg", "7"), MemberKey("births", "3"),
                                         MemberKey("reg", "2")};
  const Labels labels = {0, 0, 1};
  auto ids = AssignPersonIds(labels, [&](int64_t r) { return keys[static_cast<size_t>(r)]; });
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ((*ids)[0], PersonIdFromKey(MemberKey("births", "3")));
  EXPECT_EQ((*ids)[1], (*ids)[0]);
  EXPECT_EQ((*ids)[2], PersonIdFromKey(MemberKey("reg", "2")));
}

TEST(PersonIdTest, UnrelatedRecordsDoNotChangeIds) {
  // Persons by record key; the second run inserts unrelated records at the
  // front and in the middle, shifting every record index.
  struct Rec {
    std::string source, id;
    int person;
  };
  const std::vector<Rec> before = {{"reg", "01", 1}, {"reg", "02", 2}, {"births", "10", 1},
                                   {"reg", "03", 3}, {"births", "11", 2}};
  std::vector<Rec> after = before;
  after.insert(after.begin(), {"reg", "00", 4});
  after.insert(after.begin() + 3, {"births", "05", 5});
  after.push_back({"reg", "04", 2});  // person 2 gains a member with a larger key
  const auto run = [](const std::vector<Rec>& recs) {
    // Cluster from pairs linking records of the same person.
    std::vector<ScoredPair> pairs;
    for (size_t i = 0; i < recs.size(); ++i) {
      for (size_t j = i + 1; j < recs.size(); ++j) {
        if (recs[i].person == recs[j].person) {
          pairs.push_back({static_cast<int64_t>(i), static_cast<int64_t>(j), 10.0, 0.99});
        }
      }
    }
    const auto n = static_cast<int64_t>(recs.size());
    const Labels labels = ConnectedComponents(n, pairs, 0.5).ValueOr({});
    const auto ids = AssignPersonIds(labels, [&](int64_t r) {
                       return MemberKey(recs[static_cast<size_t>(r)].source,
                                        recs[static_cast<size_t>(r)].id);
                     }).ValueOr({});
    std::map<std::string, std::string> by_key;
    for (size_t r = 0; r < recs.size(); ++r) by_key[recs[r].source + recs[r].id] = ids[r];
    return by_key;
  };
  const auto ids_before = run(before);
  const auto ids_after = run(after);
  for (const auto& [key, id] : ids_before) EXPECT_EQ(ids_after.at(key), id) << key;
  std::set<std::string> distinct;
  for (const auto& [key, id] : ids_after) distinct.insert(id);
  EXPECT_EQ(distinct.size(), 5u);
}

TEST(PersonIdTest, DuplicateKeysGetSuffixes) {
  const Labels labels = {1, 0, 2};
  auto ids = AssignPersonIds(labels, [](int64_t) { return MemberKey("reg", "dup"); });
  ASSERT_TRUE(ids.ok());
  const std::string base = PersonIdFromKey(MemberKey("reg", "dup"));
  EXPECT_EQ(*ids, (std::vector<std::string>{base, base + "-2", base + "-3"}));
}

TEST(PersonIdTest, RejectsLabelsOutOfRange) {
  const Labels labels = {0, 2};
  EXPECT_EQ(AssignPersonIds(labels, [](int64_t) { return std::string("x"); }).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitalink::cluster
