#include "vitalink/estimate/linkage_error.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace vitalink::estimate {
namespace {

TEST(LinkageErrorTest, PrecisionRecallFormMatchesHandComputation) {
  auto m = AdjustMatchedCount(900, {.false_match_rate = 0.02, .missed_match_rate = 0.05});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(*m, 900 * 0.98 / 0.95);
  EXPECT_FALSE(AdjustMatchedCount(900, {.false_match_rate = 1.0}).ok());
  EXPECT_FALSE(AdjustMatchedCount(-1, {}).ok());
}

// With consistent rates the Ding–Fienberg and precision/recall forms agree exactly.
TEST(LinkageErrorTest, DingFienbergAndPrecisionRecallFormsCoincide) {
  const double true_m = 800;
  const int64_t n1 = 950;
  const int64_t n2 = 900;
  const double alpha = 0.06;
  const double beta = 0.03;
  const double correct = (1 - alpha) * true_m;
  const double declared = correct + beta * (static_cast<double>(n2) - true_m);
  auto df = AdjustMatchedCountDingFienberg(declared, n1, n2, alpha, beta);
  ASSERT_TRUE(df.ok());
  EXPECT_NEAR(*df, true_m, 1e-9);
  auto pr = AdjustMatchedCount(declared, {1 - correct / declared, alpha});
  ASSERT_TRUE(pr.ok());
  EXPECT_NEAR(*pr, true_m, 1e-9);
  EXPECT_FALSE(AdjustMatchedCountDingFienberg(declared, n1, n2, 0.6, 0.5).ok());
}

TEST(LinkageErrorTest, AdjustedEstimateIsClampedAndUsesChapman) {
  auto e =
      EstimateDualSystemAdjusted(100, 90, 88, {.false_match_rate = 0.0, .missed_match_rate = 0.2});
  ASSERT_TRUE(e.ok());
  EXPECT_DOUBLE_EQ(e->m, 90.0);  // 110 clamped to min(n1, n2)
  DualSystemOptions profile;
  profile.interval = DualIntervalMethod::kProfile;
  auto p = EstimateDualSystemAdjusted(100, 90, 70, {0.01, 0.03}, profile);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->method, DualIntervalMethod::kNormal);
  // Linkage noise widens the interval: α = 0.03, β = 0.7/(90 − M̂), M̂ = 70·0.99/0.97.
  const double m_hat = 70 * 0.99 / 0.97;
  const double beta = 0.7 / (90 - m_hat);
  const double var_m = (m_hat * 0.03 * 0.97 + (90 - m_hat) * beta * (1 - beta)) /
                       ((1 - 0.03 - beta) * (1 - 0.03 - beta));
  const double slope = 101.0 * 91.0 / ((m_hat + 1) * (m_hat + 1));
  EXPECT_NEAR(p->extra_variance, slope * slope * var_m, 1e-9);
  EXPECT_NEAR(p->chapman_se * p->chapman_se, p->chapman_variance + p->extra_variance, 1e-9);
}

TEST(LinkageErrorTest, RatesFromPosteriorsAndReview) {
  const std::vector<double> declared = {0.99, 0.95, 0.9, 0.96};
  const std::vector<double> undeclared = {0.2, 0.1};
  auto r = RatesFromPosteriors(declared, undeclared);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->false_match_rate, 1 - 3.8 / 4, 1e-12);
  EXPECT_NEAR(r->missed_match_rate, 0.3 / 4.1, 1e-12);
  EXPECT_FALSE(RatesFromPosteriors({}, undeclared).ok());
  const std::vector<double> bad = {1.2};
  EXPECT_FALSE(RatesFromPosteriors(bad, undeclared).ok());
  auto review = RatesFromReview(200, 4, 150, 9);
  ASSERT_TRUE(review.ok());
  EXPECT_DOUBLE_EQ(review->false_match_rate, 0.02);
  EXPECT_DOUBLE_EQ(review->missed_match_rate, 0.06);
  EXPECT_FALSE(RatesFromReview(0, 0, 10, 1).ok());
}

// The pipeline's interval: the declared count's profile interval around the
// adjusted estimate, widened by the (φ, ψ)-form linkage variance.
TEST(LinkageErrorTest, AdjustedProfileIntervalKeepsTheProfileShape) {
  const LinkageErrorRates rates{.false_match_rate = 0.01, .missed_match_rate = 0.03};
  auto adj = EstimateDualSystemAdjustedProfile(100, 90, 70, rates);
  ASSERT_TRUE(adj.ok());
  auto normal = EstimateDualSystemAdjusted(100, 90, 70.0, rates);
  ASSERT_TRUE(normal.ok());
  EXPECT_DOUBLE_EQ(adj->chapman, normal->chapman);  // same point estimate
  EXPECT_EQ(adj->method, DualIntervalMethod::kProfile);
  auto plain = EstimateDualSystem(100, 90, 70.0);
  ASSERT_TRUE(plain.ok());
  const double m_hat = 70 * 0.99 / 0.97;
  const double var_m = (m_hat * 0.03 * 0.97 + 70 * 0.01 * 0.99) * (0.99 / 0.97) * (0.99 / 0.97);
  const double slope = 101.0 * 91.0 / ((m_hat + 1) * (m_hat + 1));
  EXPECT_NEAR(adj->extra_variance, slope * slope * var_m, 1e-9);
  const double z2v = 1.959963984540054 * 1.959963984540054 * adj->extra_variance;
  const double below = plain->chapman - plain->interval.lower;
  const double above = plain->interval.upper - plain->chapman;
  EXPECT_NEAR(adj->interval.lower, std::min(120.0, adj->chapman - std::sqrt(below * below + z2v)), 1e-6);
  EXPECT_NEAR(adj->interval.upper, adj->chapman + std::sqrt(above * above + z2v), 1e-6);
  // Zero rates: the plain profile interval, its lower end lowered to r* = 120
  // (never above the persons seen under the declared links).
  auto zero = EstimateDualSystemAdjustedProfile(100, 90, 70, {});
  ASSERT_TRUE(zero.ok());
  EXPECT_GT(plain->interval.lower, 120.0);
  EXPECT_DOUBLE_EQ(zero->interval.lower, 120.0);
  EXPECT_NEAR(zero->interval.upper, plain->interval.upper, 1e-9);
  // A small township where every birth report is linked (n2 = m*): the
  // Ding–Fienberg β is 1 there and its normal interval explodes; this one stays
  // a few births wide and keeps r* = n1 + n2 − m* inside.
  auto small = EstimateDualSystemAdjustedProfile(6, 6, 6, {.false_match_rate = 0.0003, .missed_match_rate = 0.0});
  ASSERT_TRUE(small.ok());
  EXPECT_LE(small->interval.lower, 6.0);
  EXPECT_GE(small->interval.upper, 6.0);
  EXPECT_LT(small->interval.width(), 2.0);
}

}  // namespace
}  // namespace vitalink::estimate
