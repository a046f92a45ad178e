// Review decisions → clustering constraints, and the review queue's file format.
#include "vitalink/review/decisions.h"

#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "vitalink/ingest/test_project.h"
#include "vitalink/review/queue.h"

namespace vitalink::review {
namespace {

namespace fs = std::filesystem;

class DecisionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vl_review_" + std::to_string(::getpid()));
    auto result = ingest::testing::IngestRegisterAndBirths(
        dir_, "id,name\nR1,张三\nR2,张三\nR3,李四\nR4,王五\n",
        "id,child\nB1,张三\nB2,李四\n");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ingest_ = std::move(*result);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static store::Decision D(std::string sa, std::string ia, std::string sb, std::string ib,
                           std::string what) {
    store::Decision d;
    d.job = "j";
    d.source_a = std::move(sa);
    d.record_id_a = std::move(ia);
    d.source_b = std::move(sb);
    d.record_id_b = std::move(ib);
    d.decision = std::move(what);
    d.who = "t";
    return d;
  }

  fs::path dir_;
  ingest::IngestResult ingest_;
  const std::vector<int64_t> offsets_ = {0, 4};  // register rows 0–3, births 4–5
};

TEST_F(DecisionsTest, MatchBecomesMustLinkAndNonMatchCannotLink) {
  const std::vector<store::Decision> ds = {
      D("births", "B1", "register", "R1", "match"),
      D("register", "R1", "register", "R2", "non_match"),
      D("register", "R3", "register", "R4", "unsure"),
  };
  auto applied = ApplyDecisions(ds, ingest_, offsets_);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->decisions, 3);
  EXPECT_EQ(applied->must_link, 1);
  EXPECT_EQ(applied->cannot_link, 1);
  EXPECT_EQ(applied->unsure, 1);
  EXPECT_EQ(applied->constraints.must_link, (std::vector<std::pair<int64_t, int64_t>>{{0, 4}}));
  EXPECT_EQ(applied->constraints.cannot_link, (std::vector<std::pair<int64_t, int64_t>>{{0, 1}}));
  EXPECT_TRUE(applied->warnings.empty());
}

TEST_F(DecisionsTest, UnknownRecordsAreCountedAndSkipped) {
  const std::vector<store::Decision> ds = {
      D("register", "R1", "register", "R9", "match"),  // R9 is gone this month
      D("migrants", "M1", "register", "R1", "match"),  // no such source
      D("register", "R3", "births", "B2", "match"),
  };
  auto applied = ApplyDecisions(ds, ingest_, offsets_);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->unknown_records, 2);
  EXPECT_EQ(applied->must_link, 1);
  EXPECT_EQ(applied->constraints.must_link, (std::vector<std::pair<int64_t, int64_t>>{{2, 5}}));
  ASSERT_EQ(applied->warnings.size(), 1u);
  EXPECT_NE(applied->warnings[0].find("2 review decisions"), std::string::npos);
}

TEST_F(DecisionsTest, ContradictionsKeepTheMatchDecisions) {
  // R1 = B1 and B1 = R2 make R1 and R2 one person, so "R1 ≠ R2" cannot hold.
  const std::vector<store::Decision> ds = {
      D("births", "B1", "register", "R1", "match"),
      D("births", "B1", "register", "R2", "match"),
      D("register", "R1", "register", "R2", "non_match"),
      D("register", "R3", "register", "R4", "non_match"),
  };
  auto applied = ApplyDecisions(ds, ingest_, offsets_);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->must_link, 2);
  EXPECT_EQ(applied->conflicts_dropped, 1);
  EXPECT_EQ(applied->constraints.cannot_link, (std::vector<std::pair<int64_t, int64_t>>{{2, 3}}));
}

TEST_F(DecisionsTest, OffsetsMustCoverEverySource) {
  EXPECT_FALSE(ApplyDecisions({}, ingest_, std::vector<int64_t>{0}).ok());
}

TEST(PairKeyTest, EndpointsInCanonicalOrder) {
  EXPECT_EQ(PairKey("j", "register", "R2", "births", "B1"), "j|births|B1|register|R2");
  EXPECT_EQ(PairKey("j", "births", "B1", "register", "R2"), "j|births|B1|register|R2");
  EXPECT_EQ(PairKey("j", "register", "R2", "register", "R10"), "j|register|R10|register|R2");
}

TEST(ReviewQueueTest, JsonRoundTripKeepsHostileText) {
  ReviewQueue q;
  q.run_label = "2026-10";
  q.options = {0.1, 0.9, 7};
  q.doubtful_pairs = 3;
  ReviewItem it;
  it.job = "births_register";
  it.a = {"births",
          "births",
          "B\"1",
          12,
          {{"child_name", "<script>alert(1)</script>"}, {"note", "\u202e\n\t'\""}},
          "430182001",
          "道林镇"};
  it.b = {"register", "register", "R1", 3, {{"name", std::string(5000, 'x')}, {"sex", ""}}, "", ""};
  it.key = PairKey(it.job, it.a.source, it.a.record_id, it.b.source, it.b.record_id);
  it.weight = -1.25;
  it.probability = 0.2962962962962963;
  it.priority = 0.5925925925925926;
  it.waterfall = {{"prior", "", -10.5}, {"name", "exact", 9.25}};
  q.items.push_back(it);
  auto back = ParseReviewQueue(ReviewQueueJson(q));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->run_label, q.run_label);
  EXPECT_EQ(back->options.max_items, 7);
  EXPECT_EQ(back->doubtful_pairs, 3);
  ASSERT_EQ(back->items.size(), 1u);
  EXPECT_EQ(back->items[0], it);
}

TEST(ReviewQueueTest, RejectsOtherFiles) {
  EXPECT_EQ(ParseReviewQueue("{\"format\":\"something-else\"}").status().code(),
            StatusCode::kParseError);
  EXPECT_EQ(ParseReviewQueue("not json").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseReviewQueue("{\"format\":\"vitalink-review-queue/1\"}").status().code(),
            StatusCode::kParseError);
}

}  // namespace
}  // namespace vitalink::review
