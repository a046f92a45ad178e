#include "vitalink/link/em/u_sampling.h"

#include <vector>

#include <gtest/gtest.h>

namespace vitalink::link {
namespace {

constexpr int64_t kRecords = 10000;

// Records i hold field A = i % 10, field B = i % 4, field C = i % 3 or null when
// i % 5 == 0. γ = exact (1) / else (0); C is null when either side is.
void Gamma(int64_t a, int64_t b, uint8_t* gamma) {
  gamma[0] = a % 10 == b % 10 ? 1 : 0;
  gamma[1] = a % 4 == b % 4 ? 1 : 0;
  gamma[2] = (a % 5 == 0 || b % 5 == 0) ? kGammaNull : (a % 3 == b % 3 ? 1 : 0);
}

ModelShape Shape() { return ModelShape::FromLevelCounts(std::vector<int>{2, 2, 2}).value(); }

TEST(EstimateUTest, MatchesTheChanceAgreementRates) {
  USamplingOptions opts;
  opts.max_pairs = 200000;
  Result<USample> sample = EstimateU(Shape(), kRecords, Gamma, {}, opts);
  ASSERT_TRUE(sample.ok()) << sample.status().ToString();
  EXPECT_EQ(sample->pairs, 200000);
  // P(a%10 == b%10 | a != b) = (n/10 - 1) / (n - 1).
  EXPECT_NEAR(sample->u[0][1], 999.0 / 9999.0, 0.003);
  EXPECT_NEAR(sample->u[1][1], 2499.0 / 9999.0, 0.005);
  EXPECT_NEAR(sample->u[2][1], 1.0 / 3.0, 0.006);
  EXPECT_NEAR(sample->u[0][0] + sample->u[0][1], 1.0, 1e-15);
  // About 1 - 0.8^2 = 36% of pairs have a null C.
  EXPECT_NEAR(static_cast<double>(sample->counts[2][2]) / 200000.0, 0.36, 0.005);
  EXPECT_EQ(sample->counts[0][2], 0);
}

TEST(EstimateUTest, IsDeterministicForASeed) {
  USamplingOptions opts;
  opts.max_pairs = 5000;
  opts.seed = 99;
  Result<USample> a = EstimateU(Shape(), kRecords, Gamma, {}, opts);
  Result<USample> b = EstimateU(Shape(), kRecords, Gamma, {}, opts);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->counts, b->counts);
  EXPECT_EQ(a->u, b->u);
  opts.seed = 100;
  Result<USample> c = EstimateU(Shape(), kRecords, Gamma, {}, opts);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->counts, c->counts);
}

TEST(EstimateUTest, LinkModeSamplesOnlyCrossSourcePairs) {
  int64_t same_source = 0;
  int64_t self_pairs = 0;
  auto source = [](int64_t rec) { return rec < 3000 ? 0 : 1; };
  auto gamma_fn = [&](int64_t a, int64_t b, uint8_t* gamma) {
    same_source += source(a) == source(b) ? 1 : 0;
    self_pairs += a == b ? 1 : 0;
    Gamma(a, b, gamma);
  };
  USamplingOptions opts;
  opts.max_pairs = 20000;
  Result<USample> sample = EstimateU(
      Shape(), kRecords, gamma_fn, [&](int64_t a, int64_t b) { return source(a) != source(b); },
      opts);
  ASSERT_TRUE(sample.ok());
  EXPECT_EQ(sample->pairs, 20000);
  EXPECT_EQ(same_source, 0);
  EXPECT_EQ(self_pairs, 0);
}

TEST(EstimateUTest, LaplaceFloorKeepsUPositive) {
  USamplingOptions opts;
  opts.max_pairs = 1000;
  // Nothing ever agrees: u(exact) = α / (N + 2α), not 0.
  Result<USample> sample = EstimateU(
      Shape(), 100, [](int64_t, int64_t, uint8_t* gamma) { gamma[0] = gamma[1] = gamma[2] = 0; },
      {}, opts);
  ASSERT_TRUE(sample.ok());
  EXPECT_DOUBLE_EQ(sample->u[0][1], 1.0 / 1002.0);
  // A comparison that is always null gets the uniform distribution.
  Result<USample> nulls = EstimateU(
      Shape(), 100,
      [](int64_t, int64_t, uint8_t* gamma) { gamma[0] = gamma[1] = gamma[2] = kGammaNull; }, {},
      opts);
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(SmoothU(Shape(), nulls->counts, 0.0)[1], (std::vector<double>{0.5, 0.5}));
}

TEST(EstimateUTest, Errors) {
  EXPECT_EQ(EstimateU(Shape(), 1, Gamma, {}).status().code(), StatusCode::kInvalidArgument);
  USamplingOptions opts;
  opts.max_pairs = 0;
  EXPECT_EQ(EstimateU(Shape(), 10, Gamma, {}, opts).status().code(), StatusCode::kInvalidArgument);
  opts.max_pairs = 10;
  EXPECT_EQ(EstimateU(
                Shape(), 10, Gamma, [](int64_t, int64_t) { return false; }, opts)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace vitalink::link
