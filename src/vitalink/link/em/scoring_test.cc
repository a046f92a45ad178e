#include "vitalink/link/em/scoring.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace vitalink::link {
namespace {

// surname (tf, exact = level 2), birth year (no tf).
FsModel SurnameModel(double tf_weight, double min_frequency) {
  std::vector<ComparisonShape> comparisons = {{"surname", {"else", "pinyin", "exact"}, {}},
                                              {"birth_year", {"else", "exact"}, {}}};
  comparisons[0].tf.enabled = true;
  comparisons[0].tf.weight = tf_weight;
  comparisons[0].tf.min_frequency = min_frequency;
  ModelShape shape = ModelShape::Make(comparisons).value();
  return FsModel::Make(shape, 0.01, {{0.05, 0.10, 0.85}, {0.1, 0.9}},
                       {{0.90, 0.05, 0.05}, {0.95, 0.05}})
      .value();
}

TEST(TermFrequenciesTest, CountsSharesAndSkipsNulls) {
  const std::vector<uint32_t> ids = {0, 0, 0, 1, 2, kNullValueId, 0, 2};
  TermFrequencies tf = TermFrequencies::FromValueIds(ids);
  EXPECT_EQ(tf.total(), 7);
  EXPECT_DOUBLE_EQ(tf.frequency(0), 4.0 / 7.0);
  EXPECT_DOUBLE_EQ(tf.frequency(1), 1.0 / 7.0);
  EXPECT_EQ(tf.frequency(3), 0.0);
  EXPECT_EQ(tf.frequency(kNullValueId), 0.0);
}

TEST(TermFrequenciesTest, SparseIdsUseAHashTable) {
  const std::vector<uint32_t> ids = {4000000000u, 7, 4000000000u, 123456789u};
  TermFrequencies tf = TermFrequencies::FromValueIds(ids);
  EXPECT_DOUBLE_EQ(tf.frequency(4000000000u), 0.5);
  EXPECT_DOUBLE_EQ(tf.frequency(7), 0.25);
  EXPECT_EQ(tf.frequency(8), 0.0);
  EXPECT_EQ(TermFrequencies().frequency(0), 0.0);
}

TEST(PairScorerTest, RareSharedValueWeighsMoreThanCommon) {
  // 王 (id 0) held by 40% of records, 欧阳 (id 1) by 0.1%.
  std::vector<uint32_t> column(1000, 2);
  for (size_t i = 0; i < 400; ++i) column[i] = 0;
  column[400] = 1;
  TermFrequencies tf = TermFrequencies::FromValueIds(column);
  FsModel model = SurnameModel(1.0, 0.0);
  PairScorer scorer = PairScorer::Make(model, {&tf, nullptr}).value();
  const uint8_t gamma[2] = {2, 1};
  const uint32_t common[2] = {0, kNullValueId};
  const uint32_t rare[2] = {1, kNullValueId};
  const double w_common = scorer.MatchWeight(gamma, common);
  const double w_rare = scorer.MatchWeight(gamma, rare);
  EXPECT_GT(w_rare, model.MatchWeight(gamma));
  EXPECT_LT(w_common, model.MatchWeight(gamma));
  EXPECT_NEAR(w_rare - w_common, std::log2(0.4 / 0.001), 1e-12);
  // The adjusted exact-level Bayes factor is m / tf(v).
  EXPECT_NEAR(w_rare - model.prior_weight() - model.BayesFactorLog2(1, 1), std::log2(0.85 / 0.001),
              1e-12);
  EXPECT_GT(scorer.MatchProbability(gamma, rare), scorer.MatchProbability(gamma, common));
}

TEST(PairScorerTest, AdjustmentOnlyAtTheExactLevelAndForKnownValues) {
  TermFrequencies tf = TermFrequencies::FromValueIds(std::vector<uint32_t>{0, 1, 1, 1});
  FsModel model = SurnameModel(1.0, 0.0);
  PairScorer scorer = PairScorer::Make(model, {&tf, nullptr}).value();
  const uint32_t ids[2] = {0, kNullValueId};
  const uint8_t fuzzy[2] = {1, 0};
  EXPECT_EQ(scorer.MatchWeight(fuzzy, ids), model.MatchWeight(fuzzy));
  const uint8_t null_level[2] = {kGammaNull, 0};
  EXPECT_EQ(scorer.MatchWeight(null_level, ids), model.MatchWeight(null_level));
  const uint8_t exact[2] = {2, 0};
  const uint32_t unseen[2] = {9, kNullValueId};
  EXPECT_EQ(scorer.MatchWeight(exact, unseen), model.MatchWeight(exact));
}

TEST(PairScorerTest, MinimumFrequencyAndWeight) {
  TfSettings settings;
  settings.weight = 1.0;
  EXPECT_NEAR(TfAdjustment(0.05, 0.001, settings), std::log2(50.0), 1e-12);
  settings.min_frequency = 0.01;
  EXPECT_NEAR(TfAdjustment(0.05, 0.001, settings), std::log2(5.0), 1e-12);
  EXPECT_NEAR(TfAdjustment(0.05, 0.0, settings), std::log2(5.0), 1e-12);
  settings.weight = 0.5;
  EXPECT_NEAR(TfAdjustment(0.05, 0.001, settings), 0.5 * std::log2(5.0), 1e-12);
  settings.weight = 0.0;
  EXPECT_EQ(TfAdjustment(0.05, 0.001, settings), 0.0);
  settings.min_frequency = 0.0;
  EXPECT_EQ(TfAdjustment(0.05, 0.0, TfSettings{}), 0.0);
}

TEST(PairScorerTest, ExplanationWithTfSumsToTheWeight) {
  TermFrequencies tf = TermFrequencies::FromValueIds(std::vector<uint32_t>{0, 1, 1, 1, 2, 2});
  FsModel model = SurnameModel(0.8, 1e-4);
  PairScorer scorer = PairScorer::Make(model, {&tf, nullptr}).value();
  const uint8_t gamma[2] = {2, 0};
  const uint32_t ids[2] = {0, kNullValueId};
  WeightExplanation why = scorer.Explain(gamma, ids);
  double sum = why.prior_weight;
  for (const WeightTerm& term : why.terms) sum += term.weight();
  EXPECT_EQ(sum, why.total_weight);
  EXPECT_NEAR(why.total_weight, scorer.MatchWeight(gamma, ids), 1e-12);
  EXPECT_NEAR(why.terms[0].tf_adjustment, 0.8 * std::log2(0.05 * 6.0), 1e-12);
  EXPECT_EQ(why.terms[1].tf_adjustment, 0.0);
}

TEST(PairScorerTest, TfComparisonNeedsATable) {
  FsModel model = SurnameModel(1.0, 0.0);
  EXPECT_EQ(PairScorer::Make(model, {nullptr, nullptr}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PairScorer::Make(model, {nullptr}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitalink::link
