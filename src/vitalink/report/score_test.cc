#include <cmath>

#include <gtest/gtest.h>

#include "vitalink/report/bulletin.h"

namespace vitalink::report {
namespace {

AreaRow Row(std::string code, double wrong, double missing, double dup, int64_t records = 1000) {
  AreaRow row;
  row.code = std::move(code);
  row.name = row.code;
  row.register_records = records;
  row.wrong_items_per_100 = wrong;
  row.missing_items_per_100 = missing;
  row.duplicates_per_100 = dup;
  return row;
}

TEST(AccuracyScore, IsHundredMinusItemsPerHundred) {
  EXPECT_DOUBLE_EQ(AccuracyScore(Row("a", 2.5, 1.25, 0.5)), 95.75);
  EXPECT_DOUBLE_EQ(AccuracyScore(Row("a", 0, 0, 0)), 100.0);
}

TEST(AccuracyScore, ClampsToZero) { EXPECT_DOUBLE_EQ(AccuracyScore(Row("a", 80, 30, 5)), 0.0); }

TEST(AccuracyScore, NaNWithoutRecordsOrWithNaNRate) {
  EXPECT_TRUE(std::isnan(AccuracyScore(Row("a", 1, 1, 1, 0))));
  EXPECT_TRUE(std::isnan(AccuracyScore(Row("a", kNaN, 1, 1))));
  EXPECT_TRUE(std::isnan(AccuracyScore(Row("a", 1, 1, kNaN))));
}

TEST(ProgressScore, SumsBothChanges) {
  AreaRow row = Row("a", 2, 1, 1);
  row.accuracy_score = 96.0;
  row.completeness = 0.93;
  row.previous_accuracy_score = 94.5;
  row.previous_completeness = 0.90;
  EXPECT_NEAR(ProgressScore(row), 1.5 + 3.0, 1e-12);
}

TEST(ProgressScore, NegativeWhenWorse) {
  AreaRow row = Row("a", 2, 1, 1);
  row.accuracy_score = 90.0;
  row.completeness = 0.80;
  row.previous_accuracy_score = 92.0;
  row.previous_completeness = 0.85;
  EXPECT_NEAR(ProgressScore(row), -2.0 - 5.0, 1e-12);
}

TEST(ProgressScore, NaNWithoutPreviousRun) {
  AreaRow row = Row("a", 2, 1, 1);
  row.accuracy_score = 96.0;
  row.completeness = 0.93;
  EXPECT_TRUE(std::isnan(ProgressScore(row)));
}

TEST(ProgressScore, UsesOnlyTheTermsWithBothValues) {
  AreaRow row = Row("a", 2, 1, 1);
  row.accuracy_score = 96.0;
  row.completeness = kNaN;  // not estimated this run
  row.previous_accuracy_score = 95.0;
  row.previous_completeness = 0.9;
  EXPECT_NEAR(ProgressScore(row), 1.0, 1e-12);
  row.previous_accuracy_score = kNaN;
  EXPECT_TRUE(std::isnan(ProgressScore(row)));
}

TEST(ProgressScore, ClampsCompletenessAndTheTotal) {
  AreaRow row = Row("a", 0, 0, 0);
  row.accuracy_score = 100.0;
  row.completeness = 1.30;  // an estimate below the registered count: counts as 100%
  row.previous_accuracy_score = 0.0;
  row.previous_completeness = 0.0;
  EXPECT_DOUBLE_EQ(ProgressScore(row), 100.0);
  row.accuracy_score = 0.0;
  row.completeness = 0.0;
  row.previous_accuracy_score = 100.0;
  row.previous_completeness = 1.0;
  EXPECT_DOUBLE_EQ(ProgressScore(row), -100.0);
}

TEST(ScoreAndRank, RanksByScoreThenCode) {
  Bulletin b;
  b.townships = {Row("430182003", 1, 1, 1),    // 97
                 Row("430182001", 2, 2, 2),    // 94
                 Row("430182002", 1, 1, 1),    // 97, ties with 003, smaller code first
                 Row("430182004", 0.5, 0, 0)};  // 99.5
  ScoreAndRank(b);
  EXPECT_EQ(b.townships[0].rank, 3);
  EXPECT_EQ(b.townships[1].rank, 4);
  EXPECT_EQ(b.townships[2].rank, 2);
  EXPECT_EQ(b.townships[3].rank, 1);
  EXPECT_EQ(b.townships[0].code, "430182003") << "rows keep their order";
  EXPECT_DOUBLE_EQ(b.townships[3].accuracy_score, 99.5);
}

TEST(ScoreAndRank, TiesAreJudgedOnTheShownDecimal) {
  Bulletin b;
  b.townships = {Row("2", 1.0, 1.0, 1.02),   // 96.98, shown 97.0
                 Row("1", 1.0, 1.0, 1.04)};  // 96.96, shown 97.0: tie, code "1" first
  ScoreAndRank(b);
  EXPECT_EQ(b.townships[1].rank, 1);
  EXPECT_EQ(b.townships[0].rank, 2);
}

TEST(ScoreAndRank, RowsWithoutScoreAreUnranked) {
  Bulletin b;
  b.townships = {Row("1", 1, 1, 1, 0), Row("2", 5, 5, 5), Row("3", kNaN, 0, 0)};
  ScoreAndRank(b);
  EXPECT_EQ(b.townships[0].rank, 0);
  EXPECT_TRUE(std::isnan(b.townships[0].accuracy_score));
  EXPECT_EQ(b.townships[1].rank, 1);
  EXPECT_EQ(b.townships[2].rank, 0);
}

TEST(ScoreAndRank, ScoresCountyAndRanksVillagesWithinTownship) {
  Bulletin b;
  b.county = Row("430182", 2, 2, 1);
  b.county.previous_accuracy_score = 94.0;
  b.county.rank = 7;
  AreaRow t = Row("430182001", 1, 1, 1);
  t.villages = {Row("430182001201", 3, 0, 0), Row("430182001202", 1, 0, 0)};
  b.townships = {t};
  ScoreAndRank(b);
  EXPECT_DOUBLE_EQ(b.county.accuracy_score, 95.0);
  EXPECT_DOUBLE_EQ(b.county.progress_score, 1.0);
  EXPECT_EQ(b.county.rank, 0);
  EXPECT_EQ(b.townships[0].rank, 1);
  EXPECT_EQ(b.townships[0].villages[0].rank, 2);
  EXPECT_EQ(b.townships[0].villages[1].rank, 1);
  EXPECT_DOUBLE_EQ(b.townships[0].villages[1].accuracy_score, 99.0);
}

TEST(ScoreAndRank, IsIdempotent) {
  Bulletin b;
  b.townships = {Row("1", 1, 2, 3), Row("2", 3, 2, 1)};
  b.townships[0].previous_accuracy_score = 90;
  ScoreAndRank(b);
  const double progress = b.townships[0].progress_score;
  ScoreAndRank(b);
  EXPECT_DOUBLE_EQ(b.townships[0].progress_score, progress);
  EXPECT_DOUBLE_EQ(progress, 4.0);
}

TEST(ParseLang, KnowsZhAndEn) {
  EXPECT_EQ(ParseLang("zh"), Lang::kZh);
  EXPECT_EQ(ParseLang("zh-CN"), Lang::kZh);
  EXPECT_EQ(ParseLang("en"), Lang::kEn);
  EXPECT_FALSE(ParseLang("fr").has_value());
}

}  // namespace
}  // namespace vitalink::report
