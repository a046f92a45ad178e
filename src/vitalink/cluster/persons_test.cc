// Persons drawn from the pair posteriors (PersonDraws): each pair joins its
// records about as often as its probability says, the run's clustering rules
// (one-to-one, review constraints) hold in every draw, and a draw depends only
// on (seed, draw).
#include "vitalink/cluster/persons.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "vitalink/ingest/test_project.h"

namespace vitalink::cluster {
namespace {

namespace fs = std::filesystem;

class PersonDrawsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vl_person_draws_" + std::to_string(::getpid()));
    auto result = ingest::testing::IngestRegisterAndBirths(
        dir_, "id,name\nR1,张三\nR2,张三\nR3,李四\nR4,王五\n",
        "id,child\nB1,张三\nB2,李四\nB3,王五\n");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ingest_ = std::move(*result);
    // A births × register job: record-set indices 0–2 are births B1–B3, 3–6
    // register R1–R4 (sources in the job's order).
    job_.settings.name = "births_register";
    job_.settings.mode = link::LinkMode::kLink;
    job_.settings.sources = {"births", "register"};
    job_.settings.one_to_one = true;
    const ingest::SourceData* sources[] = {&ingest_.sources[1], &ingest_.sources[0]};
    auto records = link::RecordSet::Make(sources, std::vector<std::string>{});
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    job_.records = std::move(*records);
    ASSERT_EQ(job_.records.size(), 7);
    // B1–R1 certain; B1–R2 nearly as likely but weaker (one-to-one: never both);
    // B2–R3 uncertain; B3–R4 impossible in practice.
    job_.pairs = {{0, 3, 20.0, 1.0}, {0, 4, 10.0, 0.9999}, {1, 5, 0.0, 0.3}, {2, 6, -20.0, 1e-6}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Global record index (Persons): register rows 0–3, births rows 4–6.
  static constexpr int64_t kR1 = 0, kR2 = 1, kR3 = 2, kR4 = 3, kB1 = 4, kB2 = 5, kB3 = 6;

  fs::path dir_;
  ingest::IngestResult ingest_;
  link::LinkJobResult job_;
};

TEST_F(PersonDrawsTest, PairsJoinAsOftenAsTheirProbability) {
  auto draws = PersonDraws::Make(ingest_, std::span(&job_, 1), {});
  ASSERT_TRUE(draws.ok()) << draws.status().ToString();
  EXPECT_EQ(draws->uncertain_pairs(), 3);  // all but the p = 1 pair
  constexpr int kDraws = 400;
  int b2_r3 = 0, b3_r4 = 0;
  for (int d = 0; d < kDraws; ++d) {
    auto labels = draws->Draw(7, static_cast<uint64_t>(d));
    ASSERT_TRUE(labels.ok());
    ASSERT_EQ(labels->size(), 7u);
    const auto& l = *labels;
    EXPECT_EQ(l[kB1], l[kR1]) << "draw " << d;  // p = 1: every draw
    EXPECT_NE(l[kR1], l[kR2]) << "draw " << d;  // one-to-one: B1 takes one register record
    b2_r3 += l[kB2] == l[kR3];
    b3_r4 += l[kB3] == l[kR4];
  }
  // Binomial(400, 0.3): mean 120, sd 9.2; ±4 sd.
  EXPECT_GT(b2_r3, 83);
  EXPECT_LT(b2_r3, 157);
  EXPECT_LE(b3_r4, 1);
}

TEST_F(PersonDrawsTest, ADrawDependsOnlyOnSeedAndIndex) {
  auto draws = PersonDraws::Make(ingest_, std::span(&job_, 1), {});
  ASSERT_TRUE(draws.ok());
  auto a = draws->Draw(7, 3);
  auto b = draws->Draw(7, 3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  // Over 40 draws the uncertain pair is both joined and apart somewhere.
  bool joined = false, apart = false;
  for (uint64_t d = 0; d < 40; ++d) {
    auto l = draws->Draw(7, d);
    ASSERT_TRUE(l.ok());
    ((*l)[kB2] == (*l)[kR3] ? joined : apart) = true;
  }
  EXPECT_TRUE(joined);
  EXPECT_TRUE(apart);
}

TEST_F(PersonDrawsTest, AHeldJobKeepsTheRunsDecisions) {
  job_.settings.match_threshold = 0.5;
  auto draws = PersonDraws::Make(ingest_, std::span(&job_, 1), {}, "births_register");
  ASSERT_TRUE(draws.ok());
  EXPECT_EQ(draws->uncertain_pairs(), 0);
  for (uint64_t d = 0; d < 30; ++d) {
    auto l = draws->Draw(7, d);
    ASSERT_TRUE(l.ok());
    EXPECT_EQ((*l)[kB1], (*l)[kR1]);  // above the threshold: always, one-to-one as in the run
    EXPECT_NE((*l)[kB2], (*l)[kR3]);  // 0.3 < 0.5: never
  }
}

TEST_F(PersonDrawsTest, ReviewConstraintsHoldInEveryDraw) {
  PersonOptions options;
  options.constraints.cannot_link = {{kB2, kR3}};  // reviewed: not the same child
  options.constraints.must_link = {{kB3, kR4}};    // reviewed: the same child
  auto draws = PersonDraws::Make(ingest_, std::span(&job_, 1), options);
  ASSERT_TRUE(draws.ok());
  for (uint64_t d = 0; d < 50; ++d) {
    auto l = draws->Draw(11, d);
    ASSERT_TRUE(l.ok());
    EXPECT_NE((*l)[kB2], (*l)[kR3]);
    EXPECT_EQ((*l)[kB3], (*l)[kR4]);
  }
}

}  // namespace
}  // namespace vitalink::cluster
