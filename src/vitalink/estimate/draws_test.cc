#include "vitalink/estimate/draws.h"

#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace vitalink::estimate {
namespace {

// Rubin's rules over draws: hand-computed mean and sample variance, the
// interval widened on each side in quadrature by z²(1 + 1/M)B.
TEST(DrawSpreadTest, MeanVarianceAndWidenedInterval) {
  const std::vector<double> est = {100.0, 102.0, 101.0, 97.0, std::nan("")};
  const DrawSpread s = SpreadOf(est);
  EXPECT_EQ(s.draws, 4);  // the NaN is skipped
  EXPECT_DOUBLE_EQ(s.mean, 100.0);
  EXPECT_DOUBLE_EQ(s.variance, (0.0 + 4.0 + 1.0 + 9.0) / 3.0);
  EXPECT_DOUBLE_EQ(s.added_variance(), 1.25 * 14.0 / 3.0);
  const double z2a = 1.959963984540054 * 1.959963984540054 * s.added_variance();
  const Interval w = WidenInterval(99.0, {98.0, 103.0}, s);
  EXPECT_NEAR(w.lower, 99.0 - std::sqrt(1.0 + z2a), 1e-9);
  EXPECT_NEAR(w.upper, 99.0 + std::sqrt(16.0 + z2a), 1e-9);
  // No spread: the interval as it was; an open upper end stays open; the floor holds.
  EXPECT_DOUBLE_EQ(WidenInterval(99.0, {98.0, 103.0}, DrawSpread{}).lower, 98.0);
  EXPECT_DOUBLE_EQ(WidenInterval(99.0, {98.0, 103.0}, DrawSpread{}).upper, 103.0);
  const Interval open = WidenInterval(99.0, {98.0, std::numeric_limits<double>::infinity()}, s, 0.95, 96.0);
  EXPECT_TRUE(std::isinf(open.upper));
  EXPECT_DOUBLE_EQ(open.lower, 96.0);
  // One draw has no variance.
  EXPECT_DOUBLE_EQ(SpreadOf(std::vector<double>{5.0}).added_variance(), 0.0);
}

// Chapman over draws, plain and with the matched count adjusted, against the
// formula by hand; a list-3-only person changes neither list.
TEST(DrawSpreadTest, ChapmanOverDrawsByHand) {
  // histories: [_, 100, 010, 110, 001, 101, 011, 111]
  const std::vector<Histories> draws = {Histories{0, 10, 5, 80, 3, 0, 0, 0},
                                        Histories{0, 11, 6, 79, 0, 0, 0, 0}};
  EXPECT_EQ(TwoLists(draws[0]).n1, 90);
  EXPECT_EQ(TwoLists(draws[0]).n2, 85);
  EXPECT_EQ(TwoLists(draws[0]).m, 80);
  const double a = 91.0 * 86.0 / 81.0 - 1.0, b = 91.0 * 86.0 / 80.0 - 1.0;
  const DrawSpread plain = ChapmanOverDraws(draws);
  EXPECT_EQ(plain.draws, 2);
  EXPECT_NEAR(plain.mean, (a + b) / 2.0, 1e-12);
  EXPECT_NEAR(plain.variance, (a - b) * (a - b) / 2.0, 1e-12);
  const LinkageErrorRates rates{.false_match_rate = 0.1, .missed_match_rate = 0.0};
  const DrawSpread adjusted = ChapmanOverDraws(draws, &rates);
  EXPECT_NEAR(adjusted.mean, (91.0 * 86.0 / 73.0 + 91.0 * 86.0 / 72.1) / 2.0 - 1.0, 1e-12);
}

// Three lists: with every draw equal to the run's table there is no spread and
// the published interval is the profile one; with draws that differ it widens.
TEST(DrawSpreadTest, ThreeListsOverDraws) {
  const Histories h{0, 12, 9, 60, 7, 20, 15, 140};
  auto none = EstimateThreeLists(h, std::vector<Histories>(5, h));
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->spread.draws, 5);
  EXPECT_DOUBLE_EQ(none->spread.variance, 0.0);
  EXPECT_DOUBLE_EQ(none->widened.lower, none->fit.profile.interval.lower);
  EXPECT_DOUBLE_EQ(none->widened.upper, none->fit.profile.interval.upper);
  Histories more = h, fewer = h;
  more[4] += 2;
  fewer[1] -= 2;
  auto spread = EstimateThreeLists(h, std::vector<Histories>{h, more, fewer, h});
  ASSERT_TRUE(spread.ok());
  EXPECT_GT(spread->spread.variance, 0.0);
  EXPECT_LT(spread->widened.lower, spread->fit.profile.interval.lower);
  EXPECT_GT(spread->widened.upper, spread->fit.profile.interval.upper);
}

}  // namespace
}  // namespace vitalink::estimate
