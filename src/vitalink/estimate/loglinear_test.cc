#include "vitalink/estimate/loglinear.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/estimate/simulate.h"

namespace vitalink::estimate {
namespace {

// ---- R cross-check: testdata/estimate/r/{tables,fits}.csv made by fit.R ----

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

struct RFit {
  std::map<std::string, double> values;  // quantity -> value
};

struct RFixtures {
  std::map<std::string, std::vector<std::string>> tables;    // name -> "history=count"
  std::map<std::pair<std::string, std::string>, RFit> fits;  // (table, model)
};

const RFixtures& Fixtures() {
  static const RFixtures fixtures = [] {
    RFixtures f;
    const std::string dir = std::string(VL_TESTDATA_DIR) + "/estimate/r/";
    for (const auto& row : ReadCsv(dir + "tables.csv")) {
      f.tables[row.at(0)].push_back(row.at(1) + "=" + row.at(2));
    }
    for (const auto& row : ReadCsv(dir + "fits.csv")) {
      f.fits[{row.at(0), row.at(1)}].values[row.at(2)] = std::stod(row.at(3));
    }
    return f;
  }();
  return fixtures;
}

void ExpectRelNear(double actual, double expected, double floor, const std::string& what) {
  EXPECT_LE(std::fabs(actual - expected), 1e-6 * std::max(std::fabs(expected), floor))
      << what << ": vitalink " << actual << " vs R " << expected;
}

TEST(LogLinearRTest, FixturesArePresent) {
  EXPECT_EQ(Fixtures().tables.size(), 6u);
  EXPECT_GE(Fixtures().fits.size(), 150u);
}

TEST(LogLinearRTest, EveryModelAgreesWithGlmPoisson) {
  int compared = 0;
  int rank_deficient = 0;
  int boundary = 0;
  for (const auto& [key, r] : Fixtures().fits) {
    const auto& [table_name, formula] = key;
    SCOPED_TRACE(table_name + " " + formula);
    auto table = CaptureTable::FromStrings(Fixtures().tables.at(table_name));
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    auto model = LogLinearModel::Parse(formula, table->num_sources());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    EXPECT_EQ(model->Name(table->num_sources()), formula);
    LogLinearOptions options;
    options.profile_interval = false;
    auto fit = FitLogLinear(*table, *model, options);
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    const auto& v = r.values;
    if (v.at("rank") < v.at("parameters")) {
      EXPECT_EQ(fit->outcome, GlmOutcome::kRankDeficient);
      ++rank_deficient;
      continue;
    }
    if (v.at("min_fitted") < 1e-7) {
      // R drifts towards a fitted zero (the MLE does not exist); we refuse the model.
      EXPECT_EQ(fit->outcome, GlmOutcome::kBoundary) << fit->message;
      ++boundary;
      continue;
    }
    ASSERT_TRUE(fit->usable()) << fit->message;
    ASSERT_EQ(fit->terms.size(), fit->coefficients.size());
    for (size_t term_idx = 0; term_idx < fit->terms.size(); ++term_idx) {
      const std::string& term = fit->terms[term_idx];
      ExpectRelNear(fit->coefficients[term_idx], v.at("coef:" + term), 1e-3, "coef " + term);
      ExpectRelNear(fit->standard_errors[term_idx], v.at("se:" + term), 1e-3, "se " + term);
    }
    // A saturated fit has deviance ~1e-13 in both: compare on the scale of 1.
    ExpectRelNear(fit->deviance, v.at("deviance"), 1.0, "deviance");
    ExpectRelNear(fit->aic, v.at("aic"), 1.0, "aic");
    ExpectRelNear(fit->log_likelihood, v.at("loglik"), 1.0, "loglik");
    ExpectRelNear(fit->unobserved, v.at("n0"), 1e-6, "n0");
    ++compared;
  }
  // Keep the fixture honest: most models are compared, and both refusals occur.
  EXPECT_GE(compared, 120);
  EXPECT_GE(rank_deficient, 1);
  EXPECT_GE(boundary, 1);
}

// ---- models, design, search ----

TEST(LogLinearTest, ParseAndNameRoundTrip) {
  auto m = LogLinearModel::Parse("s1 + s2 + s3 + s2:s3 + s1:s2", 3);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Canonical().Name(3), "s1+s2+s3+s1:s2+s2:s3");
  EXPECT_FALSE(LogLinearModel::Parse("s1+s2", 3).ok());           // missing main effect
  EXPECT_FALSE(LogLinearModel::Parse("s1+s2+s3+s1:s4", 3).ok());  // no source 4
  EXPECT_FALSE(LogLinearModel::Parse("s1+s2+s3+s1:s1", 3).ok());
  EXPECT_FALSE(LogLinearModel::Parse("s1+s2+s3+x", 3).ok());
  EXPECT_EQ(LogLinearModel::AllTwoWay(4).interactions.size(), 6u);
  auto x = DesignMatrix(3, LogLinearModel::AllTwoWay(3), true);
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(x->rows(), 8);
  EXPECT_EQ(x->cols(), 7);
  EXPECT_EQ(x->row(0).sum(), 1.0);  // the unobserved cell: intercept only
  EXPECT_EQ(x->row(7).sum(), 7.0);  // "111"
}

TEST(LogLinearTest, SaturatedThreeSourceModelHasItsClosedForm) {
  auto t = CaptureTable::FromStrings(
      {"100=60", "010=45", "110=820", "001=8", "101=22", "011=15", "111=190"});
  ASSERT_TRUE(t.ok());
  auto fit = FitLogLinear(*t, LogLinearModel::AllTwoWay(3));
  ASSERT_TRUE(fit.ok());
  ASSERT_TRUE(fit->usable());
  // No three-way term: n₀ = n111·n100·n010·n001 / (n110·n101·n011).
  EXPECT_NEAR(fit->unobserved, 190.0 * 60 * 45 * 8 / (820.0 * 22 * 15), 1e-8);
  EXPECT_EQ(fit->df_residual, 0);
}

TEST(LogLinearTest, ChoosesAmongEightModelsAndGivesAProfileInterval) {
  auto t = CaptureTable::FromStrings(
      {"100=60", "010=45", "110=820", "001=8", "101=22", "011=15", "111=190"});
  ASSERT_TRUE(t.ok());
  auto e = EstimateMultipleSystems(*t);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->fits.size(), 8u);
  EXPECT_EQ(e->search, "exhaustive");
  const LogLinearFit& best = e->best();
  for (const auto& fit : e->fits) {
    if (fit.usable()) {
      EXPECT_GE(fit.aic, best.aic);
    }
  }
  ASSERT_TRUE(best.has_profile) << best.message;
  EXPECT_LT(best.profile.interval.lower, best.n_hat);
  EXPECT_GT(best.profile.interval.upper, best.n_hat);
  EXPECT_GE(best.profile.interval.lower, static_cast<double>(t->observed()));
  // Cormack's multinomial maximiser sits a little below the Poisson N̂ (by about
  // ½ / (1 − leverage of the missing cell)), and is a maximum.
  EXPECT_NEAR(best.profile.n_max, best.n_hat, 0.01 * best.n_hat);
  const double z_max = best.profile.n_max - static_cast<double>(t->observed());
  for (double dz : {-0.05, 0.05}) {
    auto ll = ProfileLogLikelihood(*t, best.model, z_max + dz);
    ASSERT_TRUE(ll.ok());
    EXPECT_LT(*ll, best.profile.log_lik_max);
  }
  ASSERT_EQ(e->completeness.size(), 3u);
  EXPECT_NEAR(e->completeness[0], static_cast<double>(t->source_total(0)) / best.n_hat, 1e-12);
  MultipleSystemsOptions bic;
  bic.criterion = InformationCriterion::kBic;
  auto eb = EstimateMultipleSystems(*t, bic);
  ASSERT_TRUE(eb.ok());
  for (const auto& fit : eb->fits) {
    if (fit.usable()) {
      EXPECT_GE(fit.bic, eb->best().bic);
    }
  }
}

TEST(LogLinearTest, ProfileLikelihoodCrossesTheCutAtBothEnds) {
  auto t =
      CaptureTable::FromStrings({"100=7", "010=5", "110=9", "001=3", "101=4", "011=2", "111=6"});
  ASSERT_TRUE(t.ok());
  auto p = ProfileLikelihoodInterval(*t, LogLinearModel::Independence());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const double n = static_cast<double>(t->observed());
  for (double end : {p->interval.lower, p->interval.upper}) {
    if (end <= n) continue;  // lower end clamped at n
    auto ll = ProfileLogLikelihood(*t, LogLinearModel::Independence(), end - n);
    ASSERT_TRUE(ll.ok());
    EXPECT_NEAR(p->log_lik_max - *ll, 3.841458820694124 / 2, 1e-6);
  }
}

// A small county: every birth seen is in the hospital reports (no history
// without source 2). No finite MLE (u_2 → ∞), but the fit converges to a
// limit with N̂₀ → 0, and the profile likelihood over N exists: N̂ = n with a
// bounded interval [n, U] whose upper end is on the χ² cut.
TEST(LogLinearTest, ExtendedMleWhenOneListHoldsEveryoneSeen) {
  auto t = CaptureTable::FromStrings({"100=0", "010=0", "110=3", "001=0", "101=0", "011=1", "111=12"});
  ASSERT_TRUE(t.ok());
  const double n = static_cast<double>(t->observed());
  auto fit = FitLogLinear(*t, LogLinearModel::Independence());
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->outcome, GlmOutcome::kBoundary);
  ASSERT_TRUE(fit->usable()) << fit->message;
  EXPECT_TRUE(fit->extended);
  EXPECT_NEAR(fit->n_hat, n, 1e-6);
  ASSERT_TRUE(fit->has_profile);
  EXPECT_EQ(fit->profile.interval.lower, n);
  EXPECT_GT(fit->profile.interval.upper, n);
  EXPECT_LT(fit->profile.interval.upper, n + 5);
  EXPECT_FALSE(fit->profile.upper_unbounded);
  std::printf("[extended MLE] N = %.4f, profile interval [%.4f, %.4f]\n", fit->n_hat, fit->profile.interval.lower,
              fit->profile.interval.upper);
  auto at_upper = ProfileLogLikelihood(*t, LogLinearModel::Independence(), fit->profile.interval.upper - n);
  ASSERT_TRUE(at_upper.ok());
  EXPECT_NEAR(fit->profile.log_lik_max - *at_upper, 3.841458820694124 / 2, 1e-6);
  // The same interval through the public entry point, and a model is chosen.
  auto p = ProfileLikelihoodInterval(*t, LogLinearModel::Independence());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->interval.upper, fit->profile.interval.upper);
  auto e = EstimateMultipleSystems(*t);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->best().has_profile);
  EXPECT_GE(e->best().profile.interval.lower, n);
}

TEST(LogLinearTest, RefusesUnidentifiableAndBoundaryModels) {
  // Two lists cannot carry an interaction: 4 parameters for 3 cells.
  auto two = CaptureTable::FromTwoSources(50, 40, 30);
  ASSERT_TRUE(two.ok());
  auto fit = FitLogLinear(*two, LogLinearModel::AllTwoWay(2));
  ASSERT_TRUE(fit.ok());
  EXPECT_EQ(fit->outcome, GlmOutcome::kRankDeficient);
  EXPECT_NE(fit->message.find("rank"), std::string::npos);
  // "110" = 0: the saturated model would need log 0 (N̂₀ = ∞).
  auto zero =
      CaptureTable::FromStrings({"100=10", "010=12", "110=0", "001=9", "101=4", "011=3", "111=5"});
  ASSERT_TRUE(zero.ok());
  auto sat = FitLogLinear(*zero, LogLinearModel::AllTwoWay(3));
  ASSERT_TRUE(sat.ok());
  EXPECT_EQ(sat->outcome, GlmOutcome::kBoundary);
  EXPECT_FALSE(sat->usable()) << sat->message;  // its limit has N̂₀ = ∞: not an extended MLE
  auto e = EstimateMultipleSystems(*zero);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->best().usable());
  // Nothing usable: two lists, no overlap.
  auto disjoint = CaptureTable::FromTwoSources(20, 10, 0);
  ASSERT_TRUE(disjoint.ok());
  EXPECT_EQ(EstimateMultipleSystems(*disjoint).status().code(), StatusCode::kFailedPrecondition);
}

TEST(LogLinearTest, SixSourcesUseForwardStepwiseSearch) {
  SimRng rng(11);
  const CaptureTable t = SimulateCaptures(rng, 3000, 6, [](int s, uint32_t earlier) {
    // Source 1 depends on source 0; the rest are independent.
    if (s == 1) return (earlier & 1U) ? 0.8 : 0.4;
    return 0.3 + 0.08 * s;
  });
  auto e = EstimateMultipleSystems(t);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->search, "forward stepwise");
  const auto& best = e->best().model.interactions;
  EXPECT_NE(std::find(best.begin(), best.end(), std::pair{0, 1}), best.end());
  EXPECT_LT(e->fits.size(), 200u);
  ASSERT_TRUE(e->best().has_profile);
  EXPECT_TRUE(e->best().profile.interval.Contains(3000.0));
}

TEST(LogLinearTest, GivenModelsAreFittedAsListed) {
  auto t =
      CaptureTable::FromStrings({"100=7", "010=5", "110=9", "001=3", "101=4", "011=2", "111=6"});
  ASSERT_TRUE(t.ok());
  MultipleSystemsOptions options;
  options.models = {LogLinearModel::Independence(), LogLinearModel{{{0, 1}}}};
  options.profile_all = true;
  auto e = EstimateMultipleSystems(*t, options);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->search, "given");
  ASSERT_EQ(e->fits.size(), 2u);
  EXPECT_TRUE(e->fits[0].has_profile);
  EXPECT_TRUE(e->fits[1].has_profile);
  options.models = {LogLinearModel{{{0, 3}}}};
  EXPECT_EQ(EstimateMultipleSystems(*t, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitalink::estimate
