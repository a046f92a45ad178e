// Follow-up outcomes: reading the list staff hand back, and what a run takes from them.
#include "vitalink/review/follow_up.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vitalink/ingest/test_project.h"

namespace vitalink::review {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FollowUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vl_follow_up_" + std::to_string(::getpid()));
    auto result = ingest::testing::IngestRegisterAndBirths(dir_, "id,name\nR1,张三\nR2,李四\n",
                                                           "id,child\nB1,张三\nB2,王五\nB3,赵六\n");
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ingest_ = std::move(*result);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::vector<store::FollowUpOutcome>> Read(const std::string& csv) {
    const fs::path path = dir_ / "outcomes.csv";
    std::ofstream(path, std::ios::binary) << csv;
    return ReadFollowUpOutcomes(path.string(), Options());
  }

  static FollowUpReadOptions Options() {
    FollowUpReadOptions o;
    o.who = "li";
    o.at = "2026-11-20";
    o.default_found_source = "register";
    return o;
  }

  fs::path dir_;
  ingest::IngestResult ingest_;
  const std::vector<int64_t> offsets_ = {0, 2};  // register rows 0–1, births 2–4
};

// The list as the run wrote it, three rows filled in: the list's own columns are ignored,
// unworked rows skipped, a "found" without a source means the register.
TEST_F(FollowUpTest, ReadsTheFilledListSkippingUnworkedRows) {
  auto outcomes = Read(
      "action,person_id,source,record_id,line,name,birth_date,area_code,mother_id_number,outcome,found_source,"
      "found_record_id,note\n"
      "register_birth,P1,births,B1,2,张三,2026-05-01,,,found,,R1,已在户籍库\n"
      "register_birth,P2,births,B2,3,王五,2026-05-02,,,not_found,,,\n"
      "register_birth,P3,births,B3,4,赵六,2026-05-03,,, not_a_birth ,,,日期错误\n"
      "register_birth,P4,births,B4,5,钱七,2026-05-04,,,,,,\n");
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_EQ((*outcomes)[0].outcome, "found");
  EXPECT_EQ((*outcomes)[0].found_source, "register");
  EXPECT_EQ((*outcomes)[0].found_record_id, "R1");
  EXPECT_EQ((*outcomes)[0].note, "已在户籍库");
  EXPECT_EQ((*outcomes)[0].who, "li");
  EXPECT_EQ((*outcomes)[1].outcome, "not_found");
  EXPECT_EQ((*outcomes)[2].outcome, "not_a_birth");
  EXPECT_EQ((*outcomes)[2].record_id, "B3");
}

TEST_F(FollowUpTest, BadRowsNameFileLineAndField) {
  auto unknown = Read("source,record_id,outcome\nbirths,B1,not_found\nbirths,B2,fined\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("outcomes.csv:3: field outcome: 'fined'"));
  auto no_id = Read("source,record_id,outcome\nbirths,B1,found\n");
  ASSERT_FALSE(no_id.ok());
  EXPECT_THAT(no_id.status().message(), HasSubstr(":2: field found_record_id"));
  auto stray = Read("source,record_id,outcome,found_record_id\nbirths,B1,not_found,R1\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(stray.status().message(), HasSubstr("only a 'found' outcome"));
  auto no_record = Read("source,record_id,outcome\nbirths,,not_found\n");
  ASSERT_FALSE(no_record.ok());
  EXPECT_THAT(no_record.status().message(), HasSubstr(":2: field record_id"));
  auto no_column = Read("source,record_id\nbirths,B1\n");
  ASSERT_FALSE(no_column.ok());
  EXPECT_THAT(no_column.status().message(), HasSubstr("no column 'outcome'"));
  auto ragged = Read("source,record_id,outcome\nbirths,B1\n");
  ASSERT_FALSE(ragged.ok());
  EXPECT_THAT(ragged.status().message(), HasSubstr("outcomes.csv:2:"));
}

TEST_F(FollowUpTest, OutcomesBecomeDecisionsAndRecordFlags) {
  auto outcomes = Read(
      "source,record_id,outcome,found_source,found_record_id\n"
      "births,B1,found,,R1\n"
      "births,B2,not_found,,\n"
      "births,B3,not_a_birth,,\n"
      "births,B9,not_found,,\n"          // not ingested this run
      "births,B2,found,register,R7\n");  // R7 is no record of this run
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  // The store keeps the latest per record; here we apply what it would hold.
  std::vector<store::FollowUpOutcome> in_force = {(*outcomes)[0], (*outcomes)[1], (*outcomes)[2], (*outcomes)[3]};
  auto applied = ApplyFollowUps(in_force, ingest_, offsets_, {}, "register");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->outcomes, 4);
  EXPECT_EQ(applied->found, 1);
  EXPECT_EQ(applied->not_found, 1);
  EXPECT_EQ(applied->not_a_birth_records, 1);
  EXPECT_EQ(applied->unknown_records, 1);
  ASSERT_EQ(applied->warnings.size(), 1u);
  // No job scored B1–R1 here, so the match is a "follow_up" decision.
  ASSERT_EQ(applied->decisions.size(), 1u);
  EXPECT_EQ(applied->decisions[0].job, "follow_up");
  EXPECT_EQ(applied->decisions[0].decision, "match");
  EXPECT_EQ(applied->decisions[0].record_id_a, "B1");
  EXPECT_EQ(applied->decisions[0].record_id_b, "R1");
  EXPECT_EQ(applied->not_a_birth, (std::vector<uint8_t>{0, 0, 0, 0, 1}));
  EXPECT_EQ(applied->followed_up, (std::vector<uint8_t>{0, 0, 1, 1, 1}));
  EXPECT_EQ(applied->by_record.at(3).outcome, "not_found");
  // An outcome naming a record not ingested is skipped, not an error.
  const std::vector<store::FollowUpOutcome> r7 = {(*outcomes)[4]};
  auto unknown_found = ApplyFollowUps(r7, ingest_, offsets_, {}, "register");
  ASSERT_TRUE(unknown_found.ok());
  EXPECT_EQ(unknown_found->unknown_records, 1);
  EXPECT_TRUE(unknown_found->decisions.empty());
}

// With a job that scored the pairs: a found pair becomes a label of that job; not_found
// refuses the record's register pairs below the threshold, leaves a pair above it to the
// model (a record registered since), and never refuses a register record found for
// another record on the list.
TEST_F(FollowUpTest, ScoredPairsTakeTheJobAndNotFoundRefusesOnlyWhatTheModelDidNotLink) {
  link::LinkJobResult job;
  job.settings.name = "births_register";
  job.settings.mode = link::LinkMode::kLink;
  job.settings.sources = {"births", "register"};
  job.settings.match_threshold = 0.5;
  const ingest::SourceData* sources[] = {&ingest_.sources[1], &ingest_.sources[0]};
  auto records = link::RecordSet::Make(sources, std::vector<std::string>{});
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  job.records = std::move(*records);
  ASSERT_EQ(job.records.size(), 5);  // B1 B2 B3, then R1 R2
  // B1–R1 below the threshold (found by staff); B2–R2 below (B2 not found: refused);
  // B3–R2 above (B3 not found: left to the model); B3–R1 below, but R1 is B1's child.
  job.pairs = {{0, 3, -2.0, 0.2}, {1, 4, -3.0, 0.1}, {2, 3, -4.0, 0.05}, {2, 4, 3.0, 0.9}};
  auto outcomes = Read(
      "source,record_id,outcome,found_record_id\n"
      "births,B1,found,R1\n"
      "births,B2,not_found,\n"
      "births,B3,not_found,\n");
  ASSERT_TRUE(outcomes.ok()) << outcomes.status().ToString();
  std::vector<link::LinkJobResult> jobs;
  jobs.push_back(std::move(job));
  auto applied = ApplyFollowUps(*outcomes, ingest_, offsets_, jobs, "register");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  std::vector<std::string> got;
  for (const store::Decision& d : applied->decisions) {
    got.push_back(d.job + " " + d.record_id_a + "-" + d.record_id_b + " " + d.decision);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"births_register B1-R1 match", "births_register B2-R2 non_match"}));
  EXPECT_EQ(applied->conflicts, 1);  // B3-R1: R1 is B1's child
  ASSERT_EQ(applied->warnings.size(), 1u);
  EXPECT_THAT(applied->warnings[0], HasSubstr("found outcome was kept"));
}

TEST_F(FollowUpTest, RegisterRowsTakeNoOutcomeAndIdsComeBackExactly) {
  const fs::path path = dir_ / "outcomes.csv";
  std::ofstream(path, std::ios::binary) << "source,record_id,outcome,found_record_id\n"
                                           "births,'-17,found,'=R1\n";
  auto read = ReadFollowUpOutcomes(path.string(), Options());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].record_id, "-17");
  EXPECT_EQ((*read)[0].found_record_id, "=R1");
  std::ofstream(path, std::ios::binary) << "action,source,record_id,outcome\n"
                                           "merge_duplicate,register,R2,not_found\n";
  FollowUpReadOptions options = Options();
  options.register_sources.insert("register");
  auto refused = ReadFollowUpOutcomes(path.string(), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("outcomes.csv:2: field source: 'register' is a register"));
}

}  // namespace
}  // namespace vitalink::review
