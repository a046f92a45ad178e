#include "vitalink/ingest/truth.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace vitalink::ingest {
namespace {

namespace fs = std::filesystem;

class TruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vl_truth_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  Result<IngestResult> Ingest(const ProjectConfig& cfg) {
    IngestOptions o;
    o.write_outputs = false;
    return IngestProject(cfg, o);
  }
  fs::path dir_;
};

TEST_F(TruthTest, FromColumnWithPattern) {
  Write("a.csv", "rec_id, given_name\nrec-1-org, ann\nrec-2-org, bob\nnoise, eve\n");
  Write("b.csv", "rec_id, given_name\nrec-2-dup-0, bobb\nrec-1-dup-3, an\n");
  Write("p.toml", R"(
[truth]
column = "rec_id"
pattern = "^rec-([0-9]+)-"
[[sources]]
name = "a"
role = "register"
path = "a.csv"
record_id = "rec_id"
[[sources]]
name = "b"
role = "register"
path = "b.csv"
record_id = "rec_id"
)");
  auto cfg = LoadProjectConfig((dir_ / "p.toml").string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(HasTruth(*cfg));
  auto ingest = Ingest(*cfg);
  ASSERT_TRUE(ingest.ok()) << ingest.status().ToString();
  auto truth = LoadTruth(*cfg, *ingest);
  ASSERT_TRUE(truth.ok()) << truth.status().ToString();
  EXPECT_EQ(truth->records_with_truth, 4);
  EXPECT_EQ(truth->entity[0][0], truth->entity[1][1]);  // rec-1
  EXPECT_EQ(truth->entity[0][1], truth->entity[1][0]);  // rec-2
  EXPECT_NE(truth->entity[0][0], truth->entity[0][1]);
  EXPECT_EQ(truth->entity[0][2], -1);  // no match for the pattern
  EXPECT_EQ(truth->entity_names[static_cast<size_t>(truth->entity[0][1])], "2");
}

TEST_F(TruthTest, FromTruthFile) {
  Write("r.csv", "id,name\nr1,张三\nr2,李四\nr3,王五\n");
  Write("truth.csv",
        "source,record_id,person_id,errors\nr,r1,P1,\nr,r3,P1,name:homophone\nr,r2,P2,\n"
        "other,x,P9,\nr,missing,P3,\n");
  Write("p.toml", "[truth]\npath = \"truth.csv\"\n[[sources]]\nname = \"r\"\nrole = \"register\"\n"
                  "path = \"r.csv\"\nrecord_id = \"id\"\n[sources.fields]\nname = \"name\"\n");
  auto cfg = LoadProjectConfig((dir_ / "p.toml").string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto ingest = Ingest(*cfg);
  ASSERT_TRUE(ingest.ok());
  auto truth = LoadTruth(*cfg, *ingest);
  ASSERT_TRUE(truth.ok()) << truth.status().ToString();
  EXPECT_EQ(truth->records_with_truth, 3);
  EXPECT_EQ(truth->entity[0][0], truth->entity[0][2]);
  EXPECT_NE(truth->entity[0][0], truth->entity[0][1]);
  EXPECT_EQ(truth->errors[0][2], "name:homophone");
  EXPECT_EQ(truth->errors[0][0], "");
}

TEST_F(TruthTest, UnknownColumnIsAnError) {
  Write("r.csv", "id,name\nr1,x\n");
  Write("p.toml", "[truth]\ncolumn = \"cluster\"\n[[sources]]\nname = \"r\"\nrole = \"register\"\n"
                  "path = \"r.csv\"\n");
  auto cfg = LoadProjectConfig((dir_ / "p.toml").string());
  ASSERT_TRUE(cfg.ok());
  auto ingest = Ingest(*cfg);
  ASSERT_TRUE(ingest.ok());
  auto truth = LoadTruth(*cfg, *ingest);
  ASSERT_FALSE(truth.ok());
  EXPECT_NE(truth.status().message().find("'cluster'"), std::string::npos);
}

}  // namespace
}  // namespace vitalink::ingest
