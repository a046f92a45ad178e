#include "vitalink/estimate/dual_system.h"

#include <cmath>

#include <gtest/gtest.h>

#include "vitalink/estimate/loglinear.h"
#include "vitalink/estimate/numeric_internal.h"
#include "vitalink/estimate/reference/profile_reference.h"

namespace vitalink::estimate {
namespace {

TEST(DualSystemTest, MatchesHandComputedFormulas) {
  // n1 = 940 registered, n2 = 925 in hospital records, m = 900 in both.
  DualSystemOptions lognormal;
  lognormal.interval = DualIntervalMethod::kLogNormal;
  auto e = EstimateDualSystem(940, 925, 900, lognormal);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_DOUBLE_EQ(e->lincoln_petersen, 940.0 * 925.0 / 900.0);
  EXPECT_DOUBLE_EQ(e->chapman, 941.0 * 926.0 / 901.0 - 1.0);
  EXPECT_DOUBLE_EQ(e->chapman_variance, 941.0 * 926.0 * 40.0 * 25.0 / (901.0 * 901.0 * 902.0));
  EXPECT_DOUBLE_EQ(e->observed, 965.0);
  // f̂₀ = 40·25/901 and Chao's interval r + f̂₀ / C … r + f̂₀ · C.
  const double f0 = 40.0 * 25.0 / 901.0;
  const double c =
      std::exp(1.959963984540054 * std::sqrt(std::log(1.0 + e->chapman_variance / (f0 * f0))));
  EXPECT_NEAR(e->interval.lower, 965.0 + f0 / c, 1e-9);
  EXPECT_NEAR(e->interval.upper, 965.0 + f0 * c, 1e-9);
  EXPECT_NEAR(e->normal_interval.upper, e->chapman + 1.959963984540054 * e->chapman_se, 1e-9);
  EXPECT_DOUBLE_EQ(e->normal_interval.lower, 965.0);  // truncated at r
  EXPECT_DOUBLE_EQ(e->completeness1, 940.0 / e->chapman);
  EXPECT_NEAR(e->completeness1_interval.lower, 940.0 / e->interval.upper, 1e-12);
  EXPECT_FALSE(e->small_m);
  EXPECT_TRUE(e->interval.Contains(e->chapman));
}

DualSystemOptions lognormal_options() {
  DualSystemOptions o;
  o.interval = DualIntervalMethod::kLogNormal;
  return o;
}

TEST(DualSystemTest, DefaultIsTheProfileIntervalWithNormalFallback) {
  auto e = EstimateDualSystem(120, 80, 31);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->method, DualIntervalMethod::kProfile);
  EXPECT_TRUE(e->has_profile);
  EXPECT_DOUBLE_EQ(e->interval.lower, e->profile_interval.lower);
  EXPECT_GE(e->interval.lower, e->observed);
  auto real_m = EstimateDualSystem(120, 80, 31.4);
  ASSERT_TRUE(real_m.ok());
  EXPECT_EQ(real_m->method, DualIntervalMethod::kNormal);
  EXPECT_FALSE(real_m->note.empty());
}

TEST(DualSystemTest, HandlesNoMatchesAndCompleteLists) {
  auto e = EstimateDualSystem(30, 20, 0);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(std::isinf(e->interval.upper));  // default profile: unbounded
  EXPECT_TRUE(std::isinf(e->lincoln_petersen));
  EXPECT_DOUBLE_EQ(e->chapman, 31.0 * 21.0 - 1.0);
  EXPECT_TRUE(e->small_m);
  EXPECT_FALSE(e->note.empty());
  DualSystemOptions profile;
  profile.interval = DualIntervalMethod::kProfile;
  auto p = EstimateDualSystem(30, 20, 0, profile);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(std::isinf(p->interval.upper));
  // List 2 inside list 1: nobody is estimated missing.
  auto full = EstimateDualSystem(50, 20, 20, lognormal_options());
  ASSERT_TRUE(full.ok());
  EXPECT_DOUBLE_EQ(full->chapman, 50.0);
  EXPECT_DOUBLE_EQ(full->interval.lower, 50.0);
  EXPECT_DOUBLE_EQ(full->interval.upper, 50.0);
}

TEST(DualSystemTest, RejectsImpossibleCounts) {
  EXPECT_FALSE(EstimateDualSystem(10, 5, 6).ok());
  EXPECT_FALSE(EstimateDualSystem(-1, 5, 0).ok());
  EXPECT_FALSE(EstimateDualSystem(10, 5, -0.5).ok());
  DualSystemOptions bad;
  bad.confidence = 1.0;
  EXPECT_FALSE(EstimateDualSystem(10, 5, 3, bad).ok());
  DualSystemOptions negative;
  negative.extra_variance = -1.0;
  EXPECT_FALSE(EstimateDualSystem(10, 5, 3, negative).ok());
}

// Differential: the independence log-linear model on two lists is Lincoln–Petersen.
TEST(DualSystemTest, LogLinearIndependenceIsLincolnPetersen) {
  for (auto [n1, n2, m] : {std::tuple{940, 925, 900}, {120, 80, 31}, {15, 9, 2}}) {
    auto table = CaptureTable::FromTwoSources(n1, n2, m);
    ASSERT_TRUE(table.ok());
    auto fit = FitLogLinear(*table, LogLinearModel::Independence());
    ASSERT_TRUE(fit.ok());
    ASSERT_TRUE(fit->usable()) << fit->message;
    auto dse = EstimateDualSystem(n1, n2, m);
    ASSERT_TRUE(dse.ok());
    EXPECT_NEAR(fit->n_hat, dse->lincoln_petersen, 1e-8 * dse->lincoln_petersen);
  }
}

// Differential: the IRLS-based profile interval against the closed-form twin on a grid.
TEST(DualSystemTest, ProfileIntervalAgreesWithClosedFormGridTwin) {
  for (auto [n1, n2, m] : {std::tuple{940, 925, 900}, {120, 80, 31}, {15, 9, 2}}) {
    auto table = CaptureTable::FromTwoSources(n1, n2, m);
    ASSERT_TRUE(table.ok());
    auto profile = ProfileLikelihoodInterval(*table, LogLinearModel::Independence());
    ASSERT_TRUE(profile.ok()) << profile.status().ToString();
    const double n = static_cast<double>(n1 + n2 - m);
    // The IRLS profile log-likelihood equals the closed form pointwise …
    for (double z : {0.0, 0.7, 3.0, 25.0}) {
      auto ll = ProfileLogLikelihood(*table, LogLinearModel::Independence(), z);
      ASSERT_TRUE(ll.ok());
      EXPECT_NEAR(*ll, reference::TwoSourceProfileLogLik(n1, n2, m, z), 1e-7);
    }
    // … and the root-found interval matches a dense grid scan.
    const double z_end = 4.0 * (profile->interval.upper - n) + 10.0;
    const double step = z_end / 40000.0;
    const auto grid = reference::GridProfile(
        [&](double z) { return reference::TwoSourceProfileLogLik(n1, n2, m, z); }, z_end, step,
        internal::ChiSquare1Quantile(0.95));
    EXPECT_NEAR(profile->n_max - n, grid.z_max, step);
    EXPECT_NEAR(profile->interval.lower - n, grid.lower, 1e-3 * (1 + grid.lower));
    EXPECT_NEAR(profile->interval.upper - n, grid.upper, 1e-3 * (1 + grid.upper));
  }
}

}  // namespace
}  // namespace vitalink::estimate

namespace vitalink::estimate {
namespace {

// When one list holds everyone seen (n1 = m), the log-linear fit sits on the
// boundary; the interval must still be finite and contain the estimate.
TEST(DualSystemBoundaryTest, EveryoneInOneListGivesAFiniteInterval) {
  // Small lists leave more room above the estimate than large ones.
  auto small = EstimateDualSystem(6, 6, 6.0);
  auto large = EstimateDualSystem(300, 300, 300.0);
  ASSERT_TRUE(small.ok() && large.ok());
  EXPECT_GT((small->interval.upper - small->chapman) / small->chapman,
            (large->interval.upper - large->chapman) / large->chapman);
  for (const auto& [n1, n2] : {std::pair<int64_t, int64_t>{22, 22}, {6, 6}, {10, 11}, {300, 280}}) {
    const int64_t m = std::min(n1, n2);
    auto e = EstimateDualSystem(n1, n2, static_cast<double>(m));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_TRUE(std::isfinite(e->interval.upper)) << n1 << "," << n2;
    EXPECT_LE(e->interval.lower, e->chapman + 1e-9);
    EXPECT_GE(e->interval.upper, e->chapman);
    EXPECT_GE(e->interval.lower, static_cast<double>(std::max(n1, n2)) - 1e-9);
  }
}

}  // namespace
}  // namespace vitalink::estimate
