#include <cmath>

#include <gtest/gtest.h>

#include "vitalink/estimate/capture_table.h"
#include "vitalink/estimate/numeric_internal.h"
#include "vitalink/estimate/simulate.h"

namespace vitalink::estimate {
namespace {

using internal::BrentRoot;
using internal::ChiSquare1Quantile;
using internal::Digamma;
using internal::NormalCdf;
using internal::NormalQuantile;

TEST(NumericTest, NormalQuantileMatchesKnownValues) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361340902404056, 1e-12);
  for (double p : {1e-8, 0.01, 0.2, 0.7, 0.99}) EXPECT_NEAR(NormalCdf(NormalQuantile(p)), p, 1e-14);
  EXPECT_TRUE(std::isinf(NormalQuantile(0.0)));
  EXPECT_NEAR(ChiSquare1Quantile(0.95), 3.841458820694124, 1e-12);
  EXPECT_NEAR(ChiSquare1Quantile(0.99), 6.634896601021214, 1e-11);
}

TEST(NumericTest, DigammaMatchesKnownValues) {
  EXPECT_NEAR(Digamma(1.0), -0.5772156649015329, 1e-14);
  EXPECT_NEAR(Digamma(0.5), -1.963510026021423, 1e-13);
  EXPECT_NEAR(Digamma(10.0), 2.251752589066721, 1e-14);
  // ψ(x + 1) = ψ(x) + 1/x.
  EXPECT_NEAR(Digamma(1234.5) - Digamma(1233.5), 1 / 1233.5, 1e-14);
}

TEST(NumericTest, BrentFindsRootsAndRejectsBadBrackets) {
  auto root = BrentRoot([](double x) { return x * x - 2.0; }, 0.0, 2.0, 1e-14);
  ASSERT_TRUE(root.ok());
  EXPECT_NEAR(*root, std::sqrt(2.0), 1e-13);
  auto steep = BrentRoot([](double x) { return std::exp(x) - 1e6; }, 0.0, 100.0, 1e-12);
  ASSERT_TRUE(steep.ok());
  EXPECT_NEAR(*steep, std::log(1e6), 1e-10);
  EXPECT_FALSE(BrentRoot([](double x) { return x * x + 1; }, -1.0, 1.0, 1e-9).ok());
}

TEST(CaptureTableTest, MakeValidatesAndIndexesHistories) {
  auto t = CaptureTable::FromStrings({"100=5", "011=3", "111=2", "010=1"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->num_sources(), 3);
  EXPECT_EQ(t->count(0b001), 5);  // "100": source 0 only
  EXPECT_EQ(t->count(0b110), 3);  // "011": sources 1 and 2
  EXPECT_EQ(t->observed(), 11);
  EXPECT_EQ(t->source_total(0), 7);
  EXPECT_EQ(t->source_total(1), 6);
  EXPECT_EQ(CaptureTable::HistoryString(0b110, 3), "011");
  EXPECT_FALSE(CaptureTable::Make(3, {1, 2, 3}).ok());
  EXPECT_FALSE(CaptureTable::Make(7, std::vector<int64_t>(127, 1)).ok());
  EXPECT_FALSE(CaptureTable::Make(2, {1, -2, 3}).ok());
  EXPECT_FALSE(CaptureTable::FromTwoSources(10, 5, 6).ok());
  EXPECT_FALSE(CaptureTable::FromStrings({"000=4"}).ok());
  EXPECT_FALSE(CaptureTable::FromStrings({"10=4", "011=2"}).ok());
  EXPECT_FALSE(CaptureTable::ParseHistory("1x0").ok());
}

TEST(SimulateTest, BinomialHasTheRightMomentsAndIsDeterministic) {
  for (double p : {0.03, 0.5, 0.9}) {
    SimRng rng(7);
    const int64_t n = 2000;
    const int draws = 4000;
    double sum = 0.0;
    double sum_sq = 0.0;
    for (int draw_idx = 0; draw_idx < draws; ++draw_idx) {
      const auto x = static_cast<double>(Binomial(rng, n, p));
      sum += x;
      sum_sq += x * x;
    }
    const double mean = sum / draws;
    const double var = sum_sq / draws - mean * mean;
    const double nd = static_cast<double>(n);
    EXPECT_NEAR(mean, nd * p, 4.0 * std::sqrt(nd * p * (1 - p) / draws)) << p;
    EXPECT_NEAR(var / (nd * p * (1 - p)), 1.0, 0.1) << p;
  }
  SimRng a(99);
  SimRng b(99);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Binomial(a, 1000, 0.3), Binomial(b, 1000, 0.3));
  SimRng c(1);
  EXPECT_EQ(Binomial(c, 0, 0.5), 0);
  EXPECT_EQ(Binomial(c, 10, 1.0), 10);
}

TEST(SimulateTest, CapturesAddUpToThePopulationSeen) {
  SimRng rng(3);
  const CaptureTable t = SimulateCaptures(rng, 1000, 3, [](int, uint32_t) { return 0.6; });
  // Expected missed: 1000 · 0.4³ = 64.
  EXPECT_NEAR(static_cast<double>(1000 - t.observed()), 64.0, 30.0);
  EXPECT_NEAR(static_cast<double>(t.source_total(2)), 600.0, 60.0);
}

}  // namespace
}  // namespace vitalink::estimate
