#include "vitalink/ingest/config.h"

#include <gtest/gtest.h>

namespace vitalink::ingest {
namespace {

constexpr const char* kGood = R"(
[project]
name = "宁乡市"
county = "430182"
seed = 7

[truth]
path = "truth.csv"

[[sources]]
name = "register"
role = "register"
path = "register.csv"
encoding = "auto"
delimiter = ","
record_id = "记录号"
[sources.fields]
id_number = "公民身份号码"
name = "姓名"
birth_date = "出生日期"

[[sources]]
name = "births"
role = "births"
sqlite = "/data/hospital.db"
query = "SELECT * FROM reports"
encoding = "gb18030"
)";

TEST(ConfigTest, ParsesSourcesAndResolvesPaths) {
  auto cfg = ParseProjectConfig(kGood, "/county/project.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->name, "宁乡市");
  EXPECT_EQ(cfg->county, "430182");
  EXPECT_EQ(cfg->seed, 7u);
  EXPECT_EQ(cfg->dir, "/county");
  EXPECT_EQ(cfg->output_dir, "/county/out");
  EXPECT_EQ(cfg->truth_path, "/county/truth.csv");
  ASSERT_EQ(cfg->sources.size(), 2u);
  const SourceConfig& reg = cfg->sources[0];
  EXPECT_EQ(reg.path, "/county/register.csv");
  EXPECT_EQ(reg.delimiter, ',');
  EXPECT_EQ(reg.record_id, "记录号");
  ASSERT_EQ(reg.fields.size(), 3u);
  EXPECT_EQ(reg.fields[1].canonical, "name");
  EXPECT_EQ(reg.fields[1].column, "姓名");
  EXPECT_EQ(cfg->sources[1].sqlite, "/data/hospital.db");
  EXPECT_EQ(cfg->sources[1].encoding, Encoding::kGb18030);
  EXPECT_EQ(cfg->sources[1].Location(), "/data/hospital.db:query");
}

struct BadCase {
  const char* label;
  std::string text;
  std::string expect;  // substring of the message
};

class ConfigErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorTest, NamesLineAndProblem) {
  auto cfg = ParseProjectConfig(GetParam().text, "p.toml");
  ASSERT_FALSE(cfg.ok()) << GetParam().label;
  EXPECT_NE(cfg.status().message().find(GetParam().expect), std::string::npos)
      << GetParam().label << ": " << cfg.status().message();
  EXPECT_EQ(cfg.status().message().rfind("p.toml", 0), 0u) << cfg.status().message();
}

const std::string kSrc = "[[sources]]\nname = \"r\"\nrole = \"register\"\npath = \"r.csv\"\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigErrorTest,
    ::testing::Values(
        BadCase{"syntax", "[project\nname = 1\n", "p.toml:1:"},
        BadCase{"no sources", "[project]\nname = \"x\"\n", "no sources"},
        BadCase{"unknown section", kSrc + "[linkk]\n", "unknown section 'linkk'"},
        BadCase{"unknown key", kSrc + "colour = \"red\"\n", "p.toml:5:1: sources[0]: unknown key 'colour'"},
        BadCase{"bad field", kSrc + "[sources.fields]\nbirthdate = \"出生日期\"\n",
                "did you mean 'birth_date'?"},
        BadCase{"bad role", "[[sources]]\nname = \"r\"\nrole = \"hospital\"\npath = \"r.csv\"\n",
                "p.toml:3:8: sources[0].role: unknown role 'hospital'"},
        BadCase{"no name", "[[sources]]\nrole = \"register\"\npath = \"r.csv\"\n",
                "missing required key 'name'"},
        BadCase{"both inputs", kSrc + "sqlite = \"x.db\"\n", "exactly one of 'path'"},
        BadCase{"sqlite without table", "[[sources]]\nname = \"r\"\nrole = \"register\"\nsqlite = \"x.db\"\n",
                "needs exactly one of 'table' or 'query'"},
        BadCase{"duplicate names", kSrc + kSrc, "duplicate source name 'r'"},
        BadCase{"bad encoding", kSrc + "encoding = \"latin1\"\n", "sources[0].encoding"},
        BadCase{"bad delimiter", kSrc + "delimiter = \"#\"\n", "delimiter"},
        BadCase{"column twice", kSrc + "[sources.fields]\nname = \"姓名\"\nmother_name = \"姓名\"\n",
                "already mapped"},
        BadCase{"seed type", "[project]\nseed = \"one\"\n" + kSrc, "project.seed"}),
    [](const auto& case_info) {
      std::string n = case_info.param.label;
      for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST(ConfigTest, MissingFileIsNotFound) {
  auto cfg = LoadProjectConfig("/nonexistent/project.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().code(), StatusCode::kNotFound);
  EXPECT_NE(cfg.status().message().find("/nonexistent/project.toml"), std::string::npos);
}

}  // namespace
}  // namespace vitalink::ingest
