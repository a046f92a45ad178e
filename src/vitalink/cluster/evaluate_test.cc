#include "vitalink/cluster/evaluate.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/cluster/reference/cluster_reference.h"

namespace vitalink::cluster {
namespace {

constexpr int64_t kNo = kNoEntity;

void ExpectSameMetrics(const PairwiseMetrics& got, const PairwiseMetrics& want) {
  EXPECT_EQ(got.true_positives, want.true_positives);
  EXPECT_EQ(got.false_positives, want.false_positives);
  EXPECT_EQ(got.false_negatives, want.false_negatives);
  EXPECT_DOUBLE_EQ(got.precision, want.precision);
  EXPECT_DOUBLE_EQ(got.recall, want.recall);
  EXPECT_DOUBLE_EQ(got.f1, want.f1);
}

TEST(TruthTest, CountsTruePairsCombinatorially) {
  const std::vector<int64_t> entity = {1, 1, 1, 2, 2, kNo, 3};
  const std::vector<int32_t> source = {0, 0, 1, 0, 1, 1, 0};
  auto all = Truth::Make(entity);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->num_labelled(), 6);
  EXPECT_EQ(all->num_true_pairs(), 3 + 1);
  auto cross = Truth::Make(entity, source, PairScope::kCrossSource);
  ASSERT_TRUE(cross.ok());
  // Entity 1: 3 pairs minus the one within source 0; entity 2: 1 cross pair.
  EXPECT_EQ(cross->num_true_pairs(), 2 + 1);
  EXPECT_FALSE(cross->Counts(0, 1));
  EXPECT_TRUE(cross->Counts(0, 2));
  EXPECT_FALSE(cross->Counts(0, 5));
  EXPECT_EQ(Truth::Make(entity, {0, 1}, PairScope::kCrossSource).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(TruthTest, FromStrings) {
  const std::vector<std::string> ids = {"rec-1", "rec-2", "", "rec-1"};
  auto truth = Truth::FromStrings(ids);
  ASSERT_TRUE(truth.ok());
  EXPECT_EQ(truth->entity(), (std::vector<int64_t>{0, 1, kNo, 0}));
  EXPECT_EQ(truth->num_true_pairs(), 1);
}

TEST(EvaluatePairsTest, HandComputed) {
  // Entities: {0,1,2}, {3,4}, {5}; record 6 unlabelled. True pairs: 3 + 1 = 4.
  auto truth = Truth::Make({1, 1, 1, 2, 2, 3, kNo});
  ASSERT_TRUE(truth.ok());
  const std::vector<ScoredPair> pairs = {
      {0, 1, 9.0, 0.99},  // TP
      {1, 2, 4.0, 0.80},  // TP
      {2, 3, 3.0, 0.70},  // FP
      {3, 4, 1.0, 0.40},  // TP below 0.5
      {5, 6, 8.0, 0.95},  // unlabelled: ignored
  };
  auto m = EvaluatePairs(*truth, pairs, 0.5);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->true_positives, 2);
  EXPECT_EQ(m->false_positives, 1);
  EXPECT_EQ(m->false_negatives, 2);
  EXPECT_DOUBLE_EQ(m->precision, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m->recall, 0.5);
  EXPECT_DOUBLE_EQ(m->f1, 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5));
  // On weights: ≥ 3.5 keeps the first two.
  auto w = EvaluatePairs(*truth, pairs, 3.5, ScoreKind::kWeight);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->true_positives, 2);
  EXPECT_EQ(w->false_positives, 0);
  EXPECT_DOUBLE_EQ(w->precision, 1.0);
  // Nothing predicted: precision 1 by convention, recall 0, F1 0.
  auto none = EvaluatePairs(*truth, pairs, 1.0);
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->precision, 1.0);
  EXPECT_DOUBLE_EQ(none->recall, 0.0);
  EXPECT_DOUBLE_EQ(none->f1, 0.0);
  const std::vector<ScoredPair> bad = {{0, 9, 1.0, 0.9}};
  EXPECT_EQ(EvaluatePairs(*truth, bad, 0.5).status().code(), StatusCode::kInvalidArgument);
}

TEST(EvaluatePairsTest, LinkModeCountsOnlyCrossSourcePairs) {
  const std::vector<int64_t> entity = {1, 1, 1, 2};
  const std::vector<int32_t> source = {0, 0, 1, 1};
  auto truth = Truth::Make(entity, source, PairScope::kCrossSource);
  ASSERT_TRUE(truth.ok());
  const std::vector<ScoredPair> pairs = {{0, 1, 9.0, 0.99}, {0, 2, 9.0, 0.99}, {1, 3, 9.0, 0.9}};
  auto m = EvaluatePairs(*truth, pairs, 0.5);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->true_positives, 1);   // (0,2); (0,1) is within source 0
  EXPECT_EQ(m->false_positives, 1);  // (1,3)
  EXPECT_EQ(m->false_negatives, 1);  // (1,2)
}

// Random truth, sources, pairs and labels for differential tests.
struct RandomCase {
  std::vector<int64_t> entity;
  std::vector<int32_t> source;
  std::vector<ScoredPair> pairs;  // distinct unordered pairs
  std::vector<int64_t> labels;
};

RandomCase MakeRandomCase(std::mt19937_64& rng) {
  RandomCase c;
  const int64_t n = std::uniform_int_distribution<int64_t>(1, 40)(rng);
  const int64_t num_entities = std::uniform_int_distribution<int64_t>(1, n)(rng);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int64_t r = 0; r < n; ++r) {
    c.entity.push_back(unit(rng) < 0.1
                           ? kNoEntity
                           : std::uniform_int_distribution<int64_t>(0, num_entities - 1)(rng));
    c.source.push_back(std::uniform_int_distribution<int32_t>(0, 2)(rng));
    c.labels.push_back(std::uniform_int_distribution<int64_t>(0, num_entities)(rng) * 7 - 3);
  }
  // Make predictions correlated with truth so every metric is exercised.
  for (int64_t a = 0; a < n; ++a) {
    for (int64_t b = a + 1; b < n; ++b) {
      const bool same = c.entity[static_cast<size_t>(a)] == c.entity[static_cast<size_t>(b)];
      if (unit(rng) < (same ? 0.8 : 0.1)) {
        const double prob = std::round(unit(rng) * 100.0) / 100.0;
        c.pairs.push_back({a, b, prob * 20.0 - 10.0, prob});
      }
    }
  }
  return c;
}

TEST(EvaluatePairsTest, PrecisionRecallTableMatchesNaive) {
  std::mt19937_64 rng(23);
  const std::vector<double> thresholds = DefaultProbabilityThresholds();
  ASSERT_EQ(thresholds.size(), 20u);
  EXPECT_DOUBLE_EQ(thresholds.front(), 0.05);
  EXPECT_DOUBLE_EQ(thresholds.back(), 0.99);
  for (int trial = 0; trial < 100; ++trial) {
    const RandomCase c = MakeRandomCase(rng);
    for (const bool cross : {false, true}) {
      auto truth = Truth::Make(c.entity, c.source,
                               cross ? PairScope::kCrossSource : PairScope::kAllPairs);
      ASSERT_TRUE(truth.ok());
      auto table = PrecisionRecallTable(*truth, c.pairs, thresholds);
      ASSERT_TRUE(table.ok());
      ASSERT_EQ(table->size(), thresholds.size());
      for (size_t k = 0; k < thresholds.size(); ++k) {
        const PairwiseMetrics want =
            reference::PairMetrics(c.entity, c.source, cross, c.pairs, thresholds[k]);
        EXPECT_DOUBLE_EQ((*table)[k].threshold, thresholds[k]);
        EXPECT_EQ((*table)[k].predicted, want.true_positives + want.false_positives);
        ExpectSameMetrics((*table)[k].metrics, want);
        ExpectSameMetrics(EvaluatePairs(*truth, c.pairs, thresholds[k]).ValueOr({}), want);
      }
    }
  }
}

TEST(EvaluatePairsTest, TableSortsThresholds) {
  auto truth = Truth::Make({1, 1, 2});
  ASSERT_TRUE(truth.ok());
  const std::vector<ScoredPair> pairs = {{0, 1, 5.0, 0.9}, {1, 2, 1.0, 0.3}};
  const std::vector<double> thresholds = {0.95, 0.2, 0.5};
  auto table = PrecisionRecallTable(*truth, pairs, thresholds);
  ASSERT_TRUE(table.ok());
  EXPECT_DOUBLE_EQ((*table)[0].threshold, 0.2);
  EXPECT_EQ((*table)[0].predicted, 2);
  EXPECT_EQ((*table)[1].predicted, 1);
  EXPECT_EQ((*table)[2].predicted, 0);
}

TEST(EvaluateClustersTest, BCubedTextbookExample) {
  // Bagga & Baldwin (1998), fig. 2: truth {1..5}, {6,7}, {8,9,A,B,C}; the
  // response merges the last two. B-cubed precision = 16/21, recall = 1.
  const std::vector<int64_t> entity = {0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2};
  const std::vector<int64_t> labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1};
  auto truth = Truth::Make(entity);
  ASSERT_TRUE(truth.ok());
  auto m = EvaluateClusters(*truth, labels);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->bcubed_precision, 16.0 / 21.0);
  EXPECT_DOUBLE_EQ(m->bcubed_recall, 1.0);
  EXPECT_DOUBLE_EQ(m->bcubed_f1, 2.0 * (16.0 / 21.0) / (16.0 / 21.0 + 1.0));
  // Pairwise: 21 true pairs (10 + 1 + 10), 31 predicted (10 + 21), all true ones found.
  EXPECT_EQ(m->pairwise.true_positives, 21);
  EXPECT_EQ(m->pairwise.false_positives, 10);
  EXPECT_EQ(m->pairwise.false_negatives, 0);
  EXPECT_EQ(m->num_clusters, 2);
  EXPECT_EQ(m->num_entities, 3);
}

TEST(EvaluateClustersTest, BCubedSplitEntity) {
  // Truth {0,1,2,3}; clusters {0,1}, {2}, {3}: precision 1, recall
  // (2·(2/4) + 1/4 + 1/4) / 4 = 3/8.
  auto truth = Truth::Make({5, 5, 5, 5});
  ASSERT_TRUE(truth.ok());
  auto m = EvaluateClusters(*truth, std::vector<int64_t>{0, 0, 1, 2});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->bcubed_precision, 1.0);
  EXPECT_DOUBLE_EQ(m->bcubed_recall, 3.0 / 8.0);
  EXPECT_EQ(m->pairwise.true_positives, 1);
  EXPECT_EQ(m->pairwise.false_negatives, 5);
  EXPECT_EQ(EvaluateClusters(*truth, std::vector<int64_t>{0}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(EvaluateClustersTest, MatchesNaiveOnRandomCases) {
  std::mt19937_64 rng(29);
  for (int trial = 0; trial < 150; ++trial) {
    const RandomCase c = MakeRandomCase(rng);
    for (const bool cross : {false, true}) {
      auto truth = Truth::Make(c.entity, c.source,
                               cross ? PairScope::kCrossSource : PairScope::kAllPairs);
      ASSERT_TRUE(truth.ok());
      auto got = EvaluateClusters(*truth, c.labels);
      ASSERT_TRUE(got.ok());
      const ClusterMetrics want =
          reference::ClusterMetricsNaive(c.entity, c.source, cross, c.labels);
      ExpectSameMetrics(got->pairwise, want.pairwise);
      EXPECT_NEAR(got->bcubed_precision, want.bcubed_precision, 1e-12);
      EXPECT_NEAR(got->bcubed_recall, want.bcubed_recall, 1e-12);
      EXPECT_NEAR(got->bcubed_f1, want.bcubed_f1, 1e-12);
      EXPECT_EQ(got->num_clusters, want.num_clusters);
      EXPECT_EQ(got->num_entities, want.num_entities);
    }
  }
}

TEST(EvaluateCandidatesTest, RecallCeiling) {
  // True pairs: (0,1), (0,2), (1,2), (3,4) = 4; candidates hold (0,1) twice and (3,4).
  auto truth = Truth::Make({1, 1, 1, 2, 2, 3});
  ASSERT_TRUE(truth.ok());
  const std::vector<ScoredPair> candidates = {
      {0, 1, 0.0, 0.01}, {1, 0, 0.0, 0.01}, {4, 3, 0.0, 0.5}, {2, 5, 0.0, 0.9}};
  auto b = EvaluateCandidates(*truth, candidates);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->true_pairs, 4);
  EXPECT_EQ(b->true_pairs_generated, 2);
  EXPECT_EQ(b->true_pairs_missed, 2);
  EXPECT_DOUBLE_EQ(b->recall_ceiling, 0.5);
}

TEST(EvaluateCandidatesTest, CeilingBoundsRecallAtEveryThreshold) {
  std::mt19937_64 rng(31);
  for (int trial = 0; trial < 50; ++trial) {
    const RandomCase c = MakeRandomCase(rng);
    auto truth = Truth::Make(c.entity);
    ASSERT_TRUE(truth.ok());
    auto b = EvaluateCandidates(*truth, c.pairs);
    ASSERT_TRUE(b.ok());
    // At threshold 0 every candidate is predicted: recall equals the ceiling.
    auto m = EvaluatePairs(*truth, c.pairs, 0.0);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->true_positives, b->true_pairs_generated);
    EXPECT_DOUBLE_EQ(m->recall, b->recall_ceiling);
  }
}

}  // namespace
}  // namespace vitalink::cluster
