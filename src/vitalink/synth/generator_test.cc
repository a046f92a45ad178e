#include "vitalink/synth/generator.h"

#include <unicode/ucnv.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "vitalink/common/area_codes.h"
#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"

namespace vitalink::synth {
namespace {

namespace fs = std::filesystem;

using Row = std::vector<std::string>;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A strict RFC 4180 reader for the test: fails the test on a malformed file.
std::vector<Row> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Row> rows;
  Row row;
  std::string field;
  size_t pos = 0;
  bool quoted = false;
  bool field_started = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          field.push_back('"');
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r') {
        EXPECT_TRUE(pos < text.size() && text[pos] == '\n') << "bare CR";
        ++pos;
      }
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      rows.push_back(std::move(row));
      row.clear();
    } else {
      EXPECT_NE(c, '"') << "quote inside an unquoted field";
      field.push_back(c);
      field_started = true;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quote";
  EXPECT_TRUE(row.empty() && field.empty()) << "last row lacks a line end";
  return rows;
}

std::string DecodeGb18030(const std::string& bytes) {
  std::string out(bytes.size() * 2 + 16, '\0');
  UErrorCode err = U_ZERO_ERROR;
  const int32_t n = ucnv_convert("UTF-8", "GB18030", out.data(), static_cast<int32_t>(out.size()), bytes.data(),
                                 static_cast<int32_t>(bytes.size()), &err);
  EXPECT_FALSE(U_FAILURE(err)) << u_errorName(err);
  out.resize(static_cast<size_t>(n));
  return out;
}

size_t Column(const Row& header, std::string_view name) {
  for (size_t idx = 0; idx < header.size(); ++idx) {
    if (header[idx] == name) return idx;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

const char* const kFiles[] = {"register.csv", "births.csv", "survey.csv", "migrants.csv",
                              "truth.csv",    "persons.csv", "project.toml"};

class GeneratorTest : public ::testing::Test {
 protected:
  // A small area table (Hunan and Jiangxi) keeps each run well under a second.
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() / ("vl_synth_test_" + std::to_string(::getpid())));
    fs::create_directories(*root_ / "data");
    std::ifstream in(DefaultDataDir() + "/areas.tsv");
    ASSERT_TRUE(in) << "areas.tsv missing: run scripts/install-deps";
    std::ofstream out(*root_ / "data" / "areas.tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("43", 0) == 0 || line.rfind("36", 0) == 0) out << line << '\n';
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*root_, ec);
    delete root_;
  }

  static GenerateOptions Options(std::string_view name, uint64_t seed = 1, double scale = 1.0) {
    GenerateOptions opt;
    opt.out_dir = (*root_ / name).string();
    opt.persons = 5000;
    opt.seed = seed;
    opt.data_dir = (*root_ / "data").string();
    opt.rates = ErrorRates{}.Scaled(scale);
    return opt;
  }

  // Generate once per (name) and cache: several tests read the same county.
  static const GenerateSummary& Generated(std::string_view name, uint64_t seed = 1, double scale = 1.0,
                                          int64_t persons = 5000) {
    static std::map<std::string, GenerateSummary>* cache = new std::map<std::string, GenerateSummary>;
    auto it = cache->find(std::string(name));
    if (it == cache->end()) {
      GenerateOptions opt = Options(name, seed, scale);
      opt.persons = persons;
      auto result = GenerateCounty(opt);
      EXPECT_TRUE(result.ok()) << result.status().ToString();
      it = cache->emplace(std::string(name), result.ok() ? *result : GenerateSummary{}).first;
    }
    return it->second;
  }

  static fs::path Dir(std::string_view name) { return *root_ / name; }
  static std::vector<Row> Csv(std::string_view name, std::string_view file) {
    std::string bytes = ReadFile(Dir(name) / file);
    if (file == "births.csv") bytes = DecodeGb18030(bytes);
    return ParseCsv(bytes);
  }

  static fs::path* root_;
};

fs::path* GeneratorTest::root_ = nullptr;

TEST_F(GeneratorTest, SameSeedGivesIdenticalBytes) {
  Generated("a");
  Generated("a_again");
  Generated("b", 2);
  for (const char* file : kFiles) {
    const std::string a = ReadFile(Dir("a") / file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_EQ(a, ReadFile(Dir("a_again") / file)) << file;
    if (std::string_view(file) != "project.toml") {
      EXPECT_NE(a, ReadFile(Dir("b") / file)) << file;
    }
  }
}

TEST_F(GeneratorTest, ErrorRatesDoNotChangeThePopulation) {
  Generated("a");
  Generated("clean", 1, 0.0);
  // Registration and coverage flags differ by design; the people themselves do not.
  const auto a = Csv("a", "persons.csv");
  const auto c = Csv("clean", "persons.csv");
  ASSERT_EQ(a.size(), c.size());
  for (size_t row_idx = 0; row_idx < a.size(); ++row_idx) {
    for (size_t col : {0u, 2u, 3u, 4u, 7u, 8u, 10u}) ASSERT_EQ(a[row_idx][col], c[row_idx][col]) << row_idx;
  }
}

TEST_F(GeneratorTest, WritesEverySourceWithUniqueRecordIds) {
  const GenerateSummary& s = Generated("a");
  ASSERT_EQ(s.sources.size(), 4u);
  EXPECT_EQ(s.persons, 5000);
  EXPECT_GT(s.births, 5);
  EXPECT_GT(s.migrants, 100);
  const char* const id_columns[] = {"记录号", "出生证编号", "记录号", "记录号"};
  for (size_t src_idx = 0; src_idx < 4; ++src_idx) {
    const SourceSummary& src = s.sources[src_idx];
    const auto rows = Csv("a", fs::path(src.path).filename().string());
    ASSERT_GE(rows.size(), 2u) << src.name;
    EXPECT_EQ(static_cast<int64_t>(rows.size()) - 1, src.rows);
    const size_t id_col = Column(rows[0], id_columns[src_idx]);
    std::set<std::string> ids;
    for (size_t row_idx = 1; row_idx < rows.size(); ++row_idx) {
      ASSERT_EQ(rows[row_idx].size(), rows[0].size()) << src.name << " row " << row_idx;
      EXPECT_TRUE(ids.insert(rows[row_idx][id_col]).second) << src.name << " " << rows[row_idx][id_col];
    }
  }
  EXPECT_EQ(ReadFile(Dir("a") / "register.csv").substr(0, 3), "\xEF\xBB\xBF");
}

TEST_F(GeneratorTest, TruthCoversEveryRecordOnceAndNamesRealPersons) {
  const GenerateSummary& s = Generated("a");
  const auto truth = Csv("a", "truth.csv");
  ASSERT_EQ(truth[0], (Row{"source", "record_id", "person_id", "errors"}));
  EXPECT_EQ(static_cast<int64_t>(truth.size()) - 1, s.truth_rows);
  const auto persons = Csv("a", "persons.csv");
  std::set<std::string> person_ids;
  for (size_t row_idx = 1; row_idx < persons.size(); ++row_idx) person_ids.insert(persons[row_idx][0]);
  ASSERT_EQ(person_ids.size(), 5000u);
  std::map<std::pair<std::string, std::string>, int> seen;
  for (size_t row_idx = 1; row_idx < truth.size(); ++row_idx) {
    const Row& r = truth[row_idx];
    ASSERT_EQ(r.size(), 4u);
    EXPECT_EQ(++seen[std::make_pair(r[0], r[1])], 1) << r[0] << " " << r[1];
    EXPECT_TRUE(person_ids.count(r[2])) << r[2];
  }
  const char* const id_columns[] = {"记录号", "出生证编号", "记录号", "记录号"};
  int64_t records = 0;
  for (size_t src_idx = 0; src_idx < 4; ++src_idx) {
    const auto rows = Csv("a", fs::path(s.sources[src_idx].path).filename().string());
    const size_t id_col = Column(rows[0], id_columns[src_idx]);
    for (size_t row_idx = 1; row_idx < rows.size(); ++row_idx) {
      EXPECT_EQ(seen.count({s.sources[src_idx].name, rows[row_idx][id_col]}), 1u);
      ++records;
    }
  }
  EXPECT_EQ(records, static_cast<int64_t>(seen.size()));
}

TEST_F(GeneratorTest, TrueIdsAreValidUniqueAndAgreeWithPerson) {
  Generated("a");
  const auto persons = Csv("a", "persons.csv");
  const Row& h = persons[0];
  const size_t id_col = Column(h, "id_number"), sex_col = Column(h, "sex"), bd_col = Column(h, "birth_date");
  const size_t reg_col = Column(h, "registered"), mig_col = Column(h, "migrant"),
               origin_col = Column(h, "origin_area_code"), period_col = Column(h, "born_in_period");
  std::set<std::string> ids;
  int64_t without_id = 0;
  for (size_t row_idx = 1; row_idx < persons.size(); ++row_idx) {
    const Row& p = persons[row_idx];
    if (p[id_col].empty()) {
      // Only unregistered births of the period lack an ID.
      EXPECT_EQ(p[reg_col], "0");
      EXPECT_EQ(p[period_col], "1");
      ++without_id;
      continue;
    }
    const CitizenIdInfo info = ParseCitizenId(p[id_col]);
    ASSERT_EQ(info.status, IdStatus::kValid) << p[id_col];
    EXPECT_EQ(info.sex, std::stoi(p[sex_col]));
    EXPECT_EQ(FormatDate(info.birth_days), p[bd_col]);
    EXPECT_EQ(std::to_string(info.area_code), p[mig_col] == "1" ? p[origin_col] : "430182");
    EXPECT_TRUE(ids.insert(p[id_col]).second) << "duplicate ID " << p[id_col];
  }
  EXPECT_LT(without_id, 50);
}

// Every tally matches truth.csv exactly, and injected counts sit within a
// binomial tolerance of (rate × eligible).
TEST_F(GeneratorTest, MeasuredErrorRatesMatchConfiguredRates) {
  const GenerateSummary& s = Generated("big", 7, 1.0, 20000);
  const auto truth = Csv("big", "truth.csv");
  std::map<std::string, int64_t> truth_kinds;
  for (size_t row_idx = 1; row_idx < truth.size(); ++row_idx) {
    std::string_view errors = truth[row_idx][3];
    while (!errors.empty()) {
      const size_t semi = errors.find(';');
      const std::string_view entry = errors.substr(0, semi);
      const size_t colon = entry.find(':');
      ASSERT_NE(colon, std::string_view::npos) << entry;
      ++truth_kinds[std::string(entry.substr(colon + 1))];
      errors = semi == std::string_view::npos ? std::string_view() : errors.substr(semi + 1);
    }
  }
  std::map<std::string, int64_t> tally_kinds;
  for (const ErrorTallyRow& row : s.errors) {
    if (!row.truth_kind.empty()) tally_kinds[row.truth_kind] += row.injected;
    if (row.eligible == 0) {
      ADD_FAILURE() << row.rate_name << " never eligible";
      continue;
    }
    const double sd = std::sqrt(row.expected * (1 - std::min(row.rate, 0.99)));
    EXPECT_NEAR(static_cast<double>(row.injected), row.expected, 4.5 * sd + 2)
        << row.rate_name << ": " << row.injected << " of " << row.eligible;
    if (row.rate_name != "birth_unregistered") {
      EXPECT_NEAR(row.expected, row.rate * static_cast<double>(row.eligible), 1e-6 * row.expected + 1e-9)
          << row.rate_name;
    }
  }
  EXPECT_EQ(truth_kinds, tally_kinds);
  EXPECT_GT(truth_kinds["homophone"], 100);
}

TEST_F(GeneratorTest, BirthsFileIsGb18030) {
  Generated("a");
  const std::string bytes = ReadFile(Dir("a") / "births.csv");
  EXPECT_FALSE(IsValidUtf8(bytes));
  const std::string text = DecodeGb18030(bytes);
  EXPECT_EQ(text.substr(0, text.find('\r')),
            "出生证编号,新生儿姓名,性别,出生日期,出生体重(克),接生机构,母亲姓名,母亲身份证号,父亲姓名,"
            "住址区划代码,报告日期");
  // Reports map to children born in the period.
  const auto persons = Csv("a", "persons.csv");
  std::set<std::string> born;
  for (const Row& p : persons) {
    if (p[Column(persons[0], "born_in_period")] == "1") born.insert(p[0]);
  }
  const auto truth = Csv("a", "truth.csv");
  for (const Row& r : truth) {
    if (r[0] == "births") {
      EXPECT_TRUE(born.count(r[2])) << r[2];
    }
  }
}

TEST_F(GeneratorTest, ErrorScaleZeroGivesCleanData) {
  const GenerateSummary& s = Generated("clean", 1, 0.0);
  const auto truth = Csv("clean", "truth.csv");
  for (size_t row_idx = 1; row_idx < truth.size(); ++row_idx) EXPECT_EQ(truth[row_idx][3], "") << row_idx;
  EXPECT_EQ(s.births, s.births_registered);
  EXPECT_EQ(s.births, s.births_reported);
  for (const char* file : {"register.csv", "births.csv", "migrants.csv"}) {
    const auto rows = Csv("clean", file);
    const size_t col = Column(rows[0], std::string_view(file) == "births.csv" ? "母亲身份证号" : "公民身份号码");
    for (size_t row_idx = 1; row_idx < rows.size(); ++row_idx) {
      EXPECT_EQ(ParseCitizenId(rows[row_idx][col]).status, IdStatus::kValid) << file << " " << rows[row_idx][col];
    }
  }
  // Register dates are all ISO and real.
  const auto reg = Csv("clean", "register.csv");
  const size_t bd = Column(reg[0], "出生日期");
  for (size_t row_idx = 1; row_idx < reg.size(); ++row_idx) {
    EXPECT_TRUE(ParseIsoDate(reg[row_idx][bd]).has_value()) << reg[row_idx][bd];
  }
  // No duplicates: one register row per registered person.
  const auto persons = Csv("clean", "persons.csv");
  const size_t registered = Column(persons[0], "registered");
  int64_t n = 0;
  for (size_t row_idx = 1; row_idx < persons.size(); ++row_idx) n += persons[row_idx][registered] == "1";
  EXPECT_EQ(s.sources[0].rows, n);
}

TEST_F(GeneratorTest, ProjectTomlParsesAndNamesExistingFiles) {
  const GenerateSummary& s = Generated("a");
  toml::table config;
  try {
    config = toml::parse_file(s.config_path);
  } catch (const toml::parse_error& e) {
    FAIL() << e.what();
  }
  EXPECT_EQ(config["project"]["county"].value_or(std::string()), "430182");
  EXPECT_EQ(config["project"]["seed"].value_or(int64_t{0}), 1);
  EXPECT_EQ(config["project"]["name"].value_or(std::string()), "宁乡市 synthetic county (seed 1)");
  EXPECT_TRUE(fs::exists(Dir("a") / config["truth"]["path"].value_or(std::string("?"))));
  EXPECT_TRUE(fs::exists(Dir("a") / config["truth"]["persons"].value_or(std::string("?"))));
  const toml::array* sources = config["sources"].as_array();
  ASSERT_NE(sources, nullptr);
  ASSERT_EQ(sources->size(), 4u);
  const std::set<std::string> canonical = {
      "id_number", "name",         "sex",        "birth_date",  "ethnicity",       "household_id",
      "relation",  "area_code",    "registration_date", "mother_id_number", "father_id_number", "status",
      "child_name", "birth_weight", "hospital",  "mother_name", "father_name",     "report_date",
      "visit_date", "origin_area_code", "arrival_date"};
  std::set<std::string> roles;
  for (const toml::node& node : *sources) {
    const toml::table& src = *node.as_table();
    const std::string path = src["path"].value_or(std::string());
    ASSERT_TRUE(fs::exists(Dir("a") / path)) << path;
    roles.insert(src["role"].value_or(std::string()));
    const auto rows = Csv("a", path);
    const Row& header = rows[0];
    auto has = [&](const std::string& col) { return std::find(header.begin(), header.end(), col) != header.end(); };
    EXPECT_TRUE(has(src["record_id"].value_or(std::string()))) << path;
    const toml::table* fields = src["fields"].as_table();
    ASSERT_NE(fields, nullptr);
    for (const auto& [key, value] : *fields) {
      EXPECT_TRUE(canonical.count(std::string(key.str()))) << key.str();
      EXPECT_TRUE(has(value.value_or(std::string()))) << path << ": " << key.str();
    }
  }
  EXPECT_EQ(roles, (std::set<std::string>{"register", "births", "survey", "migrants"}));
}

TEST_F(GeneratorTest, RejectsBadOptions) {
  GenerateOptions opt = Options("bad");
  opt.end_month = "2026-13";
  EXPECT_EQ(GenerateCounty(opt).status().code(), StatusCode::kInvalidArgument);
  opt = Options("bad");
  opt.county = "999999";
  EXPECT_EQ(GenerateCounty(opt).status().code(), StatusCode::kNotFound);
  opt = Options("bad");
  opt.rates.name_typo = 1.5;
  EXPECT_EQ(GenerateCounty(opt).status().code(), StatusCode::kInvalidArgument);
  opt = Options("bad");
  opt.out_dir.clear();
  EXPECT_EQ(GenerateCounty(opt).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitalink::synth
