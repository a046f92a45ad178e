// Simulation studies of the "Must show": 95% intervals cover the true N
// in 92–98% of simulated counties (two and three sources), and the linkage-error
// adjustment removes most of the bias of the matched count. The default suite
// runs 1000 populations per study (fixed seeds, ~1 s); SlowSimulation* repeats
// them with 10 000 populations under the ctest label `slow` (VL_SLOW_TESTS=1).
// Figures are printed as "[coverage] …" lines and recorded in docs/ESTIMATION.md.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include <gtest/gtest.h>

#include "vitalink/estimate/dual_system.h"
#include "vitalink/estimate/linkage_error.h"
#include "vitalink/estimate/loglinear.h"
#include "vitalink/estimate/simulate.h"

namespace vitalink::estimate {
namespace {

struct Rate {
  int hits = 0;
  int runs = 0;
  void Add(bool hit) {
    hits += hit ? 1 : 0;
    ++runs;
  }
  double value() const { return runs ? static_cast<double>(hits) / runs : 0.0; }
};

// ---- two sources: Chapman with normal, Chao log-normal and profile intervals ----

struct TwoSourceStudy {
  Rate lognormal, normal, profile;
  double mean_relative_bias = 0.0;
};

TwoSourceStudy RunTwoSource(int populations, uint64_t seed) {
  SimRng rng(seed, /*stream=*/1);
  TwoSourceStudy study;
  DualSystemOptions options;
  options.interval = DualIntervalMethod::kProfile;  // computes all three
  for (int pop_idx = 0; pop_idx < populations; ++pop_idx) {
    const int64_t n = rng.UniformInt(300, 3000);
    const double p1 = rng.Uniform(0.85, 0.97);
    const double p2 = rng.Uniform(0.85, 0.97);
    const TwoSourceSample s = SimulateTwoSources(rng, n, p1, p2);
    auto e = EstimateDualSystem(s.n1, s.n2, static_cast<double>(s.m), options);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (!e.ok()) continue;
    const auto truth = static_cast<double>(n);
    study.lognormal.Add(e->lognormal_interval.Contains(truth));
    study.normal.Add(e->normal_interval.Contains(truth));
    study.profile.Add(e->profile_interval.Contains(truth));
    study.mean_relative_bias += (e->chapman - truth) / truth / populations;
  }
  std::printf(
      "[coverage] two sources, %d populations: Chao log-normal %.3f, normal %.3f, "
      "profile %.3f; Chapman mean relative bias %+.5f\n",
      populations, study.lognormal.value(), study.normal.value(), study.profile.value(),
      study.mean_relative_bias);
  return study;
}

// ---- three sources: log-linear models with profile-likelihood intervals ----

enum class Scenario { kIndependent, kListDependence, kHeterogeneity };

struct ThreeSourceStudy {
  Rate fixed_profile, fixed_wald, aic_profile;
  int unusable = 0;
  double fixed_relative_bias = 0.0;
};

// `fixed` is the model fitted in every population (the true one when it exists).
ThreeSourceStudy RunThreeSource(int populations, uint64_t seed, Scenario scenario,
                                const LogLinearModel& fixed) {
  SimRng rng(seed, /*stream=*/2);
  ThreeSourceStudy study;
  for (int pop_idx = 0; pop_idx < populations; ++pop_idx) {
    const int64_t n = rng.UniformInt(300, 3000);
    // Register, hospital records, household survey.
    const double p_reg = rng.Uniform(0.75, 0.95);
    const double p_hosp = rng.Uniform(0.70, 0.95);
    const double p_survey = rng.Uniform(0.30, 0.70);
    CaptureTable table = [&] {
      switch (scenario) {
        case Scenario::kIndependent:
          return SimulateCaptures(rng, n, 3, [&](int s, uint32_t) {
            return s == 0 ? p_reg : s == 1 ? p_hosp : p_survey;
          });
        case Scenario::kListDependence:
          // Hospital births are registered more often (the hospital notifies).
          return SimulateCaptures(rng, n, 3, [&](int s, uint32_t earlier) {
            if (s == 0) return p_reg;
            if (s == 1) return (earlier & 1U) ? p_hosp : 0.6 * p_hosp;
            return p_survey;
          });
        case Scenario::kHeterogeneity: {
          // A hard-to-reach third (migrants) is caught less by every source.
          const int64_t hard = Binomial(rng, n, 0.3);
          const CaptureTable easy = SimulateCaptures(rng, n - hard, 3, [&](int s, uint32_t) {
            return s == 0 ? p_reg : s == 1 ? p_hosp : p_survey;
          });
          const CaptureTable low = SimulateCaptures(rng, hard, 3, [&](int s, uint32_t) {
            return 0.6 * (s == 0 ? p_reg : s == 1 ? p_hosp : p_survey);
          });
          std::vector<int64_t> sum = easy.counts();
          for (size_t cell_idx = 0; cell_idx < sum.size(); ++cell_idx)
            sum[cell_idx] += low.counts()[cell_idx];
          return CaptureTable::Make(3, sum).value();
        }
      }
      return CaptureTable::Make(3, std::vector<int64_t>(7, 1)).value();
    }();
    const auto truth = static_cast<double>(n);
    auto fit = FitLogLinear(table, fixed);
    // A population can leave the fixed model without an MLE (say "001" = 0 under
    // s1:s2, which sends N̂₀ to 0): it is counted, not covered or missed.
    EXPECT_TRUE(fit.ok());
    if (!fit.ok() || !fit->has_profile) ++study.unusable;
    if (fit.ok() && fit->has_profile) {
      study.fixed_profile.Add(fit->profile.interval.Contains(truth));
      study.fixed_wald.Add(fit->wald_interval.Contains(truth));
      study.fixed_relative_bias += (fit->n_hat - truth) / truth / populations;
    }
    auto chosen = EstimateMultipleSystems(table);
    EXPECT_TRUE(chosen.ok());
    if (chosen.ok() && chosen->best().has_profile) {
      study.aic_profile.Add(chosen->best().profile.interval.Contains(truth));
    }
  }
  const char* names[] = {"independent", "list dependence (hospital|register)",
                         "heterogeneity (30% hard to reach)"};
  std::printf(
      "[coverage] three sources, %s, %d populations: model %s profile %.3f, Wald %.3f, "
      "mean relative bias %+.5f (%d without MLE); AIC-chosen model profile %.3f\n",
      names[static_cast<int>(scenario)], populations, fixed.Name(3).c_str(),
      study.fixed_profile.value(), study.fixed_wald.value(), study.fixed_relative_bias,
      study.unusable, study.aic_profile.value());
  return study;
}

// ---- linkage errors: naive vs Ding–Fienberg-adjusted Chapman ----

struct LinkageStudy {
  double naive_bias = 0.0;     // mean (N̂ − N)/N with the declared m*
  double adjusted_bias = 0.0;  // M̂ = (m* − β n2)/(1 − α − β), α and β known
  double model_bias = 0.0;     // M̂ = m*(1 − φ)/(1 − ψ), the linkage model's expected rates
  double review_bias = 0.0;    // the same with the rates realised in this run (full review)
  Rate naive_cover, model_cover, model_seber_only_cover;
};

LinkageStudy RunLinkage(int populations, uint64_t seed, double alpha, double beta) {
  SimRng rng(seed, /*stream=*/3);
  LinkageStudy study;
  for (int pop_idx = 0; pop_idx < populations; ++pop_idx) {
    const int64_t n = rng.UniformInt(300, 3000);
    const TwoSourceSample s =
        SimulateTwoSources(rng, n, rng.Uniform(0.85, 0.97), rng.Uniform(0.85, 0.97));
    const int64_t correct = Binomial(rng, s.m, 1.0 - alpha);
    const int64_t declared = correct + Binomial(rng, s.n2 - s.m, beta);
    const auto truth = static_cast<double>(n);
    const auto m_true = static_cast<double>(s.m);
    const auto unmatched = static_cast<double>(s.n2 - s.m);
    const auto m_declared = static_cast<double>(declared);
    auto naive = EstimateDualSystem(
        s.n1, s.n2, std::min(m_declared, static_cast<double>(std::min(s.n1, s.n2))));
    auto m_df = AdjustMatchedCountDingFienberg(m_declared, s.n1, s.n2, alpha, beta);
    auto adjusted = EstimateDualSystem(s.n1, s.n2, m_df.ValueOr(0.0));
    // The linkage model's rates are expectations: φ = E[false] / E[declared].
    const double expected_false = beta * unmatched;
    const LinkageErrorRates model_rates{expected_false / ((1 - alpha) * m_true + expected_false),
                                        alpha};
    auto model = EstimateDualSystemAdjusted(s.n1, s.n2, m_declared, model_rates);
    auto model_seber = EstimateDualSystem(s.n1, s.n2, model.ok() ? model->m : 0.0);
    // A review of every link measures the realised rates; then M̂ = M exactly.
    const LinkageErrorRates review_rates{1.0 - static_cast<double>(correct) / m_declared,
                                         1.0 - static_cast<double>(correct) / m_true};
    auto review = EstimateDualSystemAdjusted(s.n1, s.n2, m_declared, review_rates);
    EXPECT_TRUE(naive.ok() && m_df.ok() && adjusted.ok() && model.ok() && model_seber.ok() &&
                review.ok());
    if (!naive.ok() || !adjusted.ok() || !model.ok() || !model_seber.ok() || !review.ok()) continue;
    study.naive_bias += (naive->chapman - truth) / truth / populations;
    study.adjusted_bias += (adjusted->chapman - truth) / truth / populations;
    study.model_bias += (model->chapman - truth) / truth / populations;
    study.review_bias += (review->chapman - truth) / truth / populations;
    study.naive_cover.Add(naive->interval.Contains(truth));
    study.model_cover.Add(model->interval.Contains(truth));
    study.model_seber_only_cover.Add(model_seber->interval.Contains(truth));
  }
  std::printf(
      "[coverage] linkage errors alpha=%.3f beta=%.3f, %d populations: mean relative bias "
      "naive %+.5f, Ding-Fienberg (alpha, beta known) %+.5f, model rates %+.5f, reviewed "
      "rates %+.5f; coverage naive %.3f, model-rate adjusted %.3f (Seber's variance only "
      "%.3f)\n",
      alpha, beta, populations, study.naive_bias, study.adjusted_bias, study.model_bias,
      study.review_bias, study.naive_cover.value(), study.model_cover.value(),
      study.model_seber_only_cover.value());
  return study;
}

// 1000 populations: the binomial SE of a 95% coverage is 0.7 points, so the
// 92–98% band is ±4 SE; the slow suite uses 10 000.
constexpr int kDefaultPops = 1000;
constexpr double kLow = 0.92;
constexpr double kHigh = 0.98;

TEST(SimulationTest, TwoSourceChapmanIntervalsCover) {
  const TwoSourceStudy s = RunTwoSource(kDefaultPops, 20240501);
  EXPECT_GE(s.profile.value(), kLow);  // the default interval
  EXPECT_LE(s.profile.value(), kHigh);
  EXPECT_GE(s.normal.value(), kLow);
  EXPECT_LE(s.normal.value(), kHigh);
  EXPECT_NEAR(s.mean_relative_bias, 0.0, 0.002);
}

TEST(SimulationTest, ThreeSourceIndependenceProfileIntervalsCover) {
  const ThreeSourceStudy s = RunThreeSource(kDefaultPops, 20240502, Scenario::kIndependent,
                                            LogLinearModel::Independence());
  EXPECT_GE(s.fixed_profile.value(), kLow);
  EXPECT_LE(s.fixed_profile.value(), kHigh);
}

TEST(SimulationTest, ThreeSourceDependenceNeedsItsInteraction) {
  const ThreeSourceStudy right =
      RunThreeSource(kDefaultPops, 20240503, Scenario::kListDependence, LogLinearModel{{{0, 1}}});
  EXPECT_GE(right.fixed_profile.value(), kLow);
  EXPECT_LE(right.fixed_profile.value(), kHigh);
  // Ignoring the dependence underestimates N and the intervals miss.
  const ThreeSourceStudy wrong = RunThreeSource(kDefaultPops, 20240503, Scenario::kListDependence,
                                                LogLinearModel::Independence());
  EXPECT_LT(wrong.fixed_relative_bias, -0.005);
  EXPECT_LT(wrong.fixed_profile.value(), kLow);
}

TEST(SimulationTest, LinkageAdjustmentRemovesMostOfTheBias) {
  const LinkageStudy s = RunLinkage(kDefaultPops, 20240504, /*alpha=*/0.05, /*beta=*/0.02);
  EXPECT_GT(s.naive_bias, 0.02);  // missed matches inflate N̂
  EXPECT_LT(std::fabs(s.adjusted_bias), 0.2 * s.naive_bias);
  EXPECT_LT(std::fabs(s.model_bias), 0.2 * s.naive_bias);
  EXPECT_LT(std::fabs(s.review_bias), 0.2 * s.naive_bias);
  EXPECT_GE(s.model_cover.value(), kLow);
  EXPECT_LE(s.model_cover.value(), kHigh);
}

// ---- slow: the same studies with 10 000 populations each ----

bool SlowEnabled() {
  const char* v = std::getenv("VL_SLOW_TESTS");
  return v != nullptr && std::string(v) == "1";
}

TEST(SlowSimulationTest, CoverageWithManyPopulations) {
  if (!SlowEnabled()) GTEST_SKIP() << "set VL_SLOW_TESTS=1 (ctest -L slow)";
  constexpr int kPops = 10000;
  const TwoSourceStudy two = RunTwoSource(kPops, 1);
  EXPECT_GE(two.profile.value(), kLow);
  EXPECT_LE(two.profile.value(), kHigh);
  const ThreeSourceStudy ind =
      RunThreeSource(kPops, 2, Scenario::kIndependent, LogLinearModel::Independence());
  EXPECT_GE(ind.fixed_profile.value(), kLow);
  EXPECT_LE(ind.fixed_profile.value(), kHigh);
  const ThreeSourceStudy dep =
      RunThreeSource(kPops, 3, Scenario::kListDependence, LogLinearModel{{{0, 1}}});
  EXPECT_GE(dep.fixed_profile.value(), kLow);
  EXPECT_LE(dep.fixed_profile.value(), kHigh);
  RunThreeSource(kPops, 4, Scenario::kHeterogeneity, LogLinearModel::AllTwoWay(3));
  RunThreeSource(kPops, 4, Scenario::kHeterogeneity, LogLinearModel::Independence());
  const LinkageStudy link = RunLinkage(kPops, 5, 0.05, 0.02);
  EXPECT_LT(std::fabs(link.adjusted_bias), 0.2 * link.naive_bias);
  const LinkageStudy false_only = RunLinkage(kPops, 6, 0.0, 0.05);
  EXPECT_LT(std::fabs(false_only.adjusted_bias), 0.2 * std::fabs(false_only.naive_bias));
}

}  // namespace
}  // namespace vitalink::estimate
