#include "vitalink/link/em/model.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/link/em/random.h"
#include "vitalink/link/em/simulation_for_test.h"

namespace vitalink::link {
namespace {

TEST(FsModelTest, DefaultStartsAreOrderedProbabilities) {
  ModelShape shape = ModelShape::FromLevelCounts(std::vector<int>{2, 3, 4}).value();
  FsModel model = FsModel::Default(shape, 0.02);
  EXPECT_EQ(model.lambda(), 0.02);
  for (int k = 0; k < 3; ++k) {
    double sum_m = 0.0;
    double sum_u = 0.0;
    for (int l = 0; l < shape.num_levels(k); ++l) {
      sum_m += model.m(k)[static_cast<size_t>(l)];
      sum_u += model.u(k)[static_cast<size_t>(l)];
      if (l > 0) {
        EXPECT_GT(model.m(k)[static_cast<size_t>(l)], model.m(k)[static_cast<size_t>(l - 1)]);
        EXPECT_LT(model.u(k)[static_cast<size_t>(l)], model.u(k)[static_cast<size_t>(l - 1)]);
      }
    }
    EXPECT_NEAR(sum_m, 1.0, 1e-15);
    EXPECT_NEAR(sum_u, 1.0, 1e-15);
    EXPECT_GT(model.m(k).back(), 0.88);
  }
}

TEST(FsModelTest, MatchWeightFollowsTheFormulaAndSkipsNulls) {
  FsModel model = testing::FiveComparisonTruth(0.05);
  const uint8_t gamma[5] = {1, kGammaNull, 0, 2, kGammaNull};
  const double expected = std::log2(0.05 / 0.95) + std::log2(0.92 / 0.10) + std::log2(0.03 / 0.70) +
                          std::log2(0.65 / 0.10);
  EXPECT_NEAR(model.MatchWeight(gamma), expected, 1e-12);
  const double p = model.MatchProbability(gamma);
  EXPECT_NEAR(p, std::exp2(expected) / (1.0 + std::exp2(expected)), 1e-14);
  EXPECT_EQ(WeightToProbability(5000.0), 1.0);
  EXPECT_EQ(WeightToProbability(-5000.0), 0.0);
}

TEST(FsModelTest, ExplanationTermsSumToTheTotalWeight) {
  FsModel model = testing::FiveComparisonTruth(0.05);
  const uint8_t gamma[5] = {1, 2, kGammaNull, 0, 1};
  WeightExplanation why = model.Explain(gamma);
  ASSERT_EQ(why.terms.size(), 5u);
  double sum = why.prior_weight;
  for (const WeightTerm& term : why.terms) sum += term.weight();
  EXPECT_EQ(sum, why.total_weight);
  EXPECT_EQ(why.total_weight, model.MatchWeight(gamma));
  EXPECT_EQ(why.match_probability, model.MatchProbability(gamma));
  EXPECT_EQ(why.terms[2].level_label, "null");
  EXPECT_EQ(why.terms[2].log2_bayes_factor, 0.0);
  EXPECT_EQ(why.terms[1].level_label, "level 2");
  EXPECT_EQ(why.terms[1].comparison, "c1");
  EXPECT_EQ(why.terms[1].m, 0.80);
  EXPECT_EQ(why.terms[1].u, 0.05);
}

TEST(FsModelTest, JsonRoundTripIsBitExact) {
  std::vector<ComparisonShape> comparisons = {
      {"surname", {"else", "jaro_winkler>=0.9", "exact"}, {}},
      {"birth_date", {"else", "within a year", "exact"}, {}},
      {"名字", {"else", "拼音相同"}, {}}};
  comparisons[0].tf.enabled = true;
  comparisons[0].tf.weight = 0.7;
  comparisons[0].tf.min_frequency = 1e-5;
  ModelShape shape = ModelShape::Make(comparisons).value();
  Xoshiro256 rng(3);
  std::vector<std::vector<double>> m;
  std::vector<std::vector<double>> u;
  for (int k = 0; k < shape.num_comparisons(); ++k) {
    for (auto* probs : {&m, &u}) {
      std::vector<double> p(static_cast<size_t>(shape.num_levels(k)));
      double sum = 0.0;
      for (double& v : p) sum += (v = rng.NextDouble() + 1e-9);
      for (double& v : p) v /= sum;
      probs->push_back(p);
    }
  }
  FsModel model = FsModel::Make(shape, 1.0 / 3.0, m, u).value();
  const std::string text = model.ToJson();
  Result<FsModel> back = FsModel::FromJson(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == model);
  EXPECT_EQ(back->shape().comparison(0).tf, shape.comparison(0).tf);
  EXPECT_EQ(back->ToJson(), text);
  EXPECT_EQ(FsModel::FromJson(back->ToJson(-1)).value(), model);
}

TEST(FsModelTest, FromJsonRejectsBadInput) {
  EXPECT_EQ(FsModel::FromJson("{not json").status().code(), StatusCode::kParseError);
  EXPECT_EQ(FsModel::FromJson(R"({"format":"other","version":1})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(FsModel::FromJson(R"({"format":"vitalink.fs_model","version":1})").status().code(),
            StatusCode::kParseError);  // no comparisons
  const char* negative = R"({"format":"vitalink.fs_model","version":1,"lambda":0.1,
    "comparisons":[{"name":"a","levels":[{"label":"else","m":-0.1,"u":0.5},
                                          {"label":"exact","m":1.1,"u":0.5}]}]})";
  EXPECT_EQ(FsModel::FromJson(negative).status().code(), StatusCode::kInvalidArgument);
  const char* string_m = R"({"format":"vitalink.fs_model","version":1,"lambda":0.1,
    "comparisons":[{"name":"a","levels":[{"label":"else","m":"x","u":0.5}]}]})";
  EXPECT_EQ(FsModel::FromJson(string_m).status().code(), StatusCode::kParseError);
}

TEST(FsModelTest, SettersValidate) {
  FsModel model = testing::FiveComparisonTruth(0.05);
  EXPECT_FALSE(model.set_lambda(0.0).ok());
  EXPECT_FALSE(model.set_m(0, {0.5, 0.6}).ok());
  EXPECT_FALSE(model.set_m(0, {1.0}).ok());
  EXPECT_FALSE(model.set_u(7, {0.5, 0.5}).ok());
  ASSERT_TRUE(model.set_m(0, {0.25, 0.75}).ok());
  EXPECT_NEAR(model.BayesFactorLog2(0, 1), std::log2(0.75 / 0.10), 1e-15);
}

}  // namespace
}  // namespace vitalink::link
