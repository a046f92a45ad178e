#include "vitalink/link/em/em.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/link/em/reference/em_reference.h"
#include "vitalink/link/em/simulation_for_test.h"

namespace vitalink::link {
namespace {

const std::vector<double> kNullRates = {0.10, 0.0, 0.20, 0.05, 0.0};

PatternCounts Count(const testing::SimulatedPairs& sim, const ModelShape& shape) {
  PatternCounts counts(shape);
  counts.AddRows(sim.gammas.data(), sim.num_pairs);
  return counts;
}

double MaxAbsDiff(const std::vector<std::vector<double>>& a,
                  const std::vector<std::vector<double>>& b) {
  double out = 0.0;
  for (size_t k = 0; k < a.size(); ++k) {
    for (size_t l = 0; l < a[k].size(); ++l) out = std::max(out, std::fabs(a[k][l] - b[k][l]));
  }
  return out;
}

void ExpectSameFit(const EmResult& fast, const EmResult& slow, double tol) {
  EXPECT_NEAR(fast.model.lambda(), slow.model.lambda(), tol);
  EXPECT_LE(MaxAbsDiff(fast.model.m(), slow.model.m()), tol);
  EXPECT_LE(MaxAbsDiff(fast.model.u(), slow.model.u()), tol);
  ASSERT_EQ(fast.log.size(), slow.log.size());
  EXPECT_EQ(fast.converged, slow.converged);
  for (size_t i = 0; i < fast.log.size(); ++i) {
    EXPECT_NEAR(fast.log[i].lambda, slow.log[i].lambda, tol);
    EXPECT_NEAR(fast.log[i].max_change, slow.log[i].max_change, tol);
    EXPECT_NEAR(fast.log[i].log_likelihood, slow.log[i].log_likelihood,
                1e-12 * std::fabs(slow.log[i].log_likelihood));
  }
}

TEST(TrainEmTest, PatternCountsAgreeWithNaiveTwinLearningEverything) {
  FsModel truth = testing::FiveComparisonTruth(0.08);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 20000, 11);
  EmOptions opts;
  opts.fix_u = false;
  opts.max_iterations = 40;
  opts.tolerance = 0.0;
  FsModel init = FsModel::Default(truth.shape(), 0.02);
  Result<EmResult> fast = TrainEm(Count(sim, truth.shape()), init, opts);
  Result<EmResult> slow = reference::TrainEmNaive(sim.gammas.data(), sim.num_pairs, init, opts);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  EXPECT_EQ(fast->log.size(), 40u);
  ExpectSameFit(*fast, *slow, 1e-12);
}

TEST(TrainEmTest, PatternCountsAgreeWithNaiveTwinWithFixedParameters) {
  FsModel truth = testing::FiveComparisonTruth(0.03);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 30000, 12);
  FsModel init = FsModel::Default(truth.shape(), 0.01);
  for (int k = 0; k < 5; ++k) ASSERT_TRUE(init.set_u(k, truth.u(k)).ok());
  for (int variant = 0; variant < 3; ++variant) {
    EmOptions opts;
    opts.tolerance = 1e-9;
    if (variant == 1) opts.fix_m = {false, true, false, false, true};
    if (variant == 2) {
      opts.fix_lambda = true;
      opts.probability_floor = 1e-3;
    }
    Result<EmResult> fast = TrainEm(Count(sim, truth.shape()), init, opts);
    Result<EmResult> slow = reference::TrainEmNaive(sim.gammas.data(), sim.num_pairs, init, opts);
    ASSERT_TRUE(fast.ok() && slow.ok());
    EXPECT_TRUE(fast->converged) << variant;
    ExpectSameFit(*fast, *slow, 1e-12);
    EXPECT_EQ(fast->model.u(), init.u());
    if (variant == 1) {
      EXPECT_EQ(fast->model.m(1), init.m(1));
      EXPECT_EQ(fast->model.m(4), init.m(4));
    }
    if (variant == 2) {
      EXPECT_EQ(fast->model.lambda(), init.lambda());
    }
  }
}

TEST(TrainEmTest, RecoversMAndLambdaWithGivenU) {
  FsModel truth = testing::FiveComparisonTruth(0.01);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 500000, 21);
  FsModel init = FsModel::Default(truth.shape(), 0.05);
  for (int k = 0; k < 5; ++k) ASSERT_TRUE(init.set_u(k, truth.u(k)).ok());
  Result<EmResult> fit = TrainEm(Count(sim, truth.shape()), init);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(fit->converged);
  EXPECT_NEAR(fit->model.lambda(), 0.01, 0.001);
  EXPECT_LT(MaxAbsDiff(fit->model.m(), truth.m()), 0.02);
}

TEST(TrainEmTest, RecoversLambdaMAndUFromDefaultStarts) {
  FsModel truth = testing::FiveComparisonTruth(0.05);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 200000, 22);
  PatternCounts counts = Count(sim, truth.shape());
  FsModel init = FsModel::Default(truth.shape(), 0.01);
  const auto u_start = LevelSharesOfPatterns(counts);
  for (int k = 0; k < 5; ++k) ASSERT_TRUE(init.set_u(k, u_start[static_cast<size_t>(k)]).ok());
  EmOptions opts;
  opts.fix_u = false;
  Result<EmResult> fit = TrainEm(counts, init, opts);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(fit->converged);
  EXPECT_NEAR(fit->model.lambda(), 0.05, 0.005);
  EXPECT_LT(MaxAbsDiff(fit->model.m(), truth.m()), 0.02);
  EXPECT_LT(MaxAbsDiff(fit->model.u(), truth.u()), 0.01);
  // EM never lowers the likelihood (floors aside, which do not bind here).
  for (size_t i = 1; i < fit->log.size(); ++i) {
    EXPECT_GE(fit->log[i].log_likelihood, fit->log[i - 1].log_likelihood - 1e-9);
  }
  // Weights grow with agreement on every comparison.
  for (int k = 0; k < 5; ++k) {
    for (int l = 1; l < truth.shape().num_levels(k); ++l) {
      EXPECT_GT(fit->model.BayesFactorLog2(k, static_cast<uint8_t>(l)),
                fit->model.BayesFactorLog2(k, static_cast<uint8_t>(l - 1)));
    }
  }
  // And the trained model separates the simulated classes.
  int64_t right = 0;
  for (int64_t pair = 0; pair < sim.num_pairs; ++pair) {
    const bool predicted =
        fit->model.MatchProbability(&sim.gammas[static_cast<size_t>(pair) * 5]) > 0.5;
    right += predicted == sim.is_match[static_cast<size_t>(pair)] ? 1 : 0;
  }
  EXPECT_GT(static_cast<double>(right) / static_cast<double>(sim.num_pairs), 0.97);
}

TEST(TrainEmTest, ResultDoesNotDependOnHowCountsWereMerged) {
  FsModel truth = testing::FiveComparisonTruth(0.05);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 40000, 31);
  FsModel init = FsModel::Default(truth.shape(), 0.01);
  EmOptions opts;
  opts.fix_u = false;
  Result<EmResult> one = TrainEm(Count(sim, truth.shape()), init, opts);
  ASSERT_TRUE(one.ok());
  std::vector<PatternCounts> parts(3, PatternCounts(truth.shape()));
  for (int64_t pair = 0; pair < sim.num_pairs; ++pair) {
    parts[static_cast<size_t>(pair % 3)].Add(&sim.gammas[static_cast<size_t>(pair) * 5]);
  }
  PatternCounts merged(truth.shape());
  for (int idx = 2; idx >= 0; --idx) merged.Merge(parts[static_cast<size_t>(idx)]);
  Result<EmResult> three = TrainEm(merged, init, opts);
  ASSERT_TRUE(three.ok());
  EXPECT_TRUE(one->model == three->model);
  EXPECT_EQ(one->log.size(), three->log.size());
}

TEST(TrainEmTest, ZeroIterationsReturnsTheStart) {
  FsModel truth = testing::FiveComparisonTruth(0.05);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 100, 1);
  EmOptions opts;
  opts.max_iterations = 0;
  Result<EmResult> fit = TrainEm(Count(sim, truth.shape()), truth, opts);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(fit->model == truth);
  EXPECT_TRUE(fit->log.empty());
  EXPECT_FALSE(fit->converged);
}

TEST(TrainEmTest, AllNullComparisonKeepsItsStart) {
  FsModel truth = testing::FiveComparisonTruth(0.05);
  std::vector<double> rates = kNullRates;
  rates[3] = 1.0;
  testing::SimulatedPairs sim = testing::Simulate(truth, rates, 5000, 2);
  FsModel init = FsModel::Default(truth.shape(), 0.02);
  EmOptions opts;
  opts.fix_u = false;
  Result<EmResult> fit = TrainEm(Count(sim, truth.shape()), init, opts);
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->model.m(3), init.m(3));
  EXPECT_EQ(fit->model.u(3), init.u(3));
}

TEST(TrainEmTest, LambdaFromRule) {
  EXPECT_DOUBLE_EQ(LambdaFromRule(50, 10000).value(), 0.005);
  EXPECT_DOUBLE_EQ(LambdaFromRule(50, 10000, 0.5).value(), 0.01);
  EXPECT_EQ(LambdaFromRule(0, 10).value(), kMinLambda);
  EXPECT_EQ(LambdaFromRule(20, 10).value(), kMaxLambda);
  EXPECT_FALSE(LambdaFromRule(1, 0).ok());
  EXPECT_FALSE(LambdaFromRule(1, 10, 0.0).ok());
}

TEST(TrainEmTest, RejectsBadInputs) {
  FsModel truth = testing::FiveComparisonTruth(0.05);
  PatternCounts empty(truth.shape());
  EXPECT_EQ(TrainEm(empty, truth).status().code(), StatusCode::kFailedPrecondition);
  testing::SimulatedPairs sim = testing::Simulate(truth, kNullRates, 100, 1);
  PatternCounts counts = Count(sim, truth.shape());
  EmOptions opts;
  opts.fix_m = {true};
  EXPECT_EQ(TrainEm(counts, truth, opts).status().code(), StatusCode::kInvalidArgument);
  opts = {};
  opts.probability_floor = 0.5;
  EXPECT_EQ(TrainEm(counts, truth, opts).status().code(), StatusCode::kInvalidArgument);
  opts = {};
  opts.probability_floor = 0.0;
  EXPECT_EQ(TrainEm(counts, truth, opts).status().code(), StatusCode::kInvalidArgument);
  PatternCounts other(ModelShape::FromLevelCounts(std::vector<int>{2, 2}).value());
  uint8_t gamma[2] = {0, 1};
  other.Add(gamma);
  EXPECT_EQ(TrainEm(other, truth).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitalink::link
