#include "vitalink/ingest/ingest.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"

namespace vitalink::ingest {
namespace {

namespace fs = std::filesystem;

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vl_ingest_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  Result<ProjectConfig> Config(const std::string& text) {
    const std::string path = Write("project.toml", text);
    return LoadProjectConfig(path);
  }

  fs::path dir_;
};

constexpr const char* kRegisterCsv =
    "\xEF\xBB\xBF记录号,公民身份号码,姓名,性别,出生日期,备注\r\n"
    "R1,43018220110113002x,張偉,男,2011-01-13,ok\r\n"
    "R2,430182201101130033,李娜,女,2011/1/13,\r\n"
    "R3,430182201101130041,王芳,2,2011-02-30,impossible date\r\n"
    "R4,430182201101130058,赵敏,X,2011年3月1日,bad sex\r\n"
    "R5,430182201101130066,\"孙, 丽\",1,,missing date is not a reject\r\n"
    "R6,430182201101130074,周强,1,2012-01-01\r\n";  // one field short

constexpr const char* kRegisterToml = R"(
[[sources]]
name = "register"
role = "register"
path = "register.csv"
record_id = "记录号"
[sources.fields]
id_number = "公民身份号码"
name = "姓名"
sex = "性别"
birth_date = "出生日期"
)";

TEST_F(IngestTest, AcceptsNormalizesAndQuarantines) {
  Write("register.csv", kRegisterCsv);
  auto cfg = Config(kRegisterToml);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->sources.size(), 1u);
  const SourceData& reg = result->sources[0];
  const SourceSummary& s = reg.summary;
  EXPECT_EQ(s.rows_read, 6);
  EXPECT_EQ(s.rows_accepted, 3);
  EXPECT_EQ(s.rows_rejected, 3);
  EXPECT_EQ(s.rows_read, s.rows_accepted + s.rows_rejected);
  EXPECT_EQ(s.encoding, "utf-8");
  EXPECT_EQ(s.passthrough_columns, std::vector<std::string>{"备注"});

  const Table& t = reg.table;
  ASSERT_EQ(t.num_rows(), 3);
  const int id = t.FindColumn("id_number"), name = t.FindColumn("name"), sex = t.FindColumn("sex"),
            born = t.FindColumn("birth_date"), rid = t.FindColumn("record_id");
  ASSERT_GE(id, 0);
  EXPECT_EQ(t.ValueAsString(0, rid), "R1");
  EXPECT_EQ(t.ValueAsString(0, id), "43018220110113002X");  // x upper-cased
  EXPECT_EQ(t.ValueAsString(0, name), "张伟");               // traditional → simplified
  EXPECT_EQ(t.ValueAsString(0, sex), "1");
  EXPECT_EQ(t.column(born).date(1), DaysFromCivil({2011, 1, 13}));
  EXPECT_EQ(t.ValueAsString(1, sex), "2");
  EXPECT_EQ(t.ValueAsString(2, name), "孙, 丽");
  EXPECT_TRUE(t.column(born).IsNull(2));
  EXPECT_EQ(t.origin_line(2), 6);

  // The rejects file names file, line, field and reason for each bad row.
  auto rejects = ReadFile(s.rejects_path);
  ASSERT_TRUE(rejects.ok());
  EXPECT_NE(rejects->find("register,"), std::string::npos);
  EXPECT_NE(rejects->find(",4,birth_date,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find(",5,sex,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find(",7,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find("R3,430182201101130041"), std::string::npos) << "raw row kept";

  auto summary = ReadFile((fs::path(cfg->output_dir) / "ingest" / "summary.json").string());
  ASSERT_TRUE(summary.ok());
  const auto j = nlohmann::json::parse(*summary);
  EXPECT_EQ(j["sources"][0]["rows_read"], 6);
  EXPECT_EQ(j["sources"][0]["rows_rejected"], 3);
  EXPECT_EQ(j["totals"]["rows_accepted"], 3);
}

TEST_F(IngestTest, MappedColumnMissingFromHeaderIsAnError) {
  Write("register.csv", "记录号,姓名\nR1,张伟\n");
  auto cfg = Config(kRegisterToml);
  ASSERT_TRUE(cfg.ok());
  auto result = IngestProject(*cfg, {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("column '公民身份号码' (mapped to id_number)"),
            std::string::npos)
      << result.status().message();
  EXPECT_NE(result.status().message().find("register.csv"), std::string::npos);
}

TEST_F(IngestTest, MissingFileIsAnErrorNamingIt) {
  auto cfg = Config(kRegisterToml);
  ASSERT_TRUE(cfg.ok());
  auto result = IngestProject(*cfg, {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("register.csv"), std::string::npos);
}

TEST_F(IngestTest, Gb18030SourceIsDecoded) {
  // "记录号,姓名\nR1,张伟\n" with the names in GBK bytes: 记录号 = BC C7 C2 BC BA C5,
  // 姓名 = D0 D5 C3 FB, 张伟 = D5 C5 CE B0.
  Write("births.csv", "\xBC\xC7\xC2\xBC\xBA\xC5,\xD0\xD5\xC3\xFB\nR1,\xD5\xC5\xCE\xB0\n");
  auto cfg = Config(R"(
[[sources]]
name = "births"
role = "births"
path = "births.csv"
record_id = "记录号"
[sources.fields]
mother_name = "姓名"
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SourceData& b = result->sources[0];
  EXPECT_EQ(b.summary.encoding, "gb18030");
  ASSERT_EQ(b.table.num_rows(), 1);
  EXPECT_EQ(b.table.ValueAsString(0, b.table.FindColumn("mother_name")), "张伟");
}

TEST_F(IngestTest, SqliteTableSource) {
  const std::string db_path = (dir_ / "county.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE persons(rid TEXT, xm TEXT, csrq TEXT, xb INTEGER);"
                         "INSERT INTO persons VALUES('a','張三','20110113',1),('b','李四','2011-13-01',2),"
                         "('c',NULL,NULL,NULL);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto cfg = Config(R"(
[[sources]]
name = "reg"
role = "register"
sqlite = "county.db"
table = "persons"
record_id = "rid"
[sources.fields]
name = "xm"
birth_date = "csrq"
sex = "xb"
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SourceData& s = result->sources[0];
  EXPECT_EQ(s.summary.rows_read, 3);
  EXPECT_EQ(s.summary.rows_accepted, 2);
  EXPECT_EQ(s.summary.rows_rejected, 1);
  ASSERT_EQ(s.table.num_rows(), 2);
  EXPECT_EQ(s.table.ValueAsString(0, s.table.FindColumn("name")), "张三");
  EXPECT_EQ(s.table.ValueAsString(0, s.table.FindColumn("birth_date")), "2011-01-13");
  EXPECT_TRUE(s.table.column(s.table.FindColumn("name")).IsNull(1));
  ASSERT_EQ(s.summary.reasons.size(), 1u);
  EXPECT_EQ(s.summary.reasons[0].field, "birth_date");
  EXPECT_EQ(s.summary.reasons[0].kind, "bad_date");
}

// A database source's digest: the same rows in another order give the same value,
// a changed value or a lost row another; file sources have none.
TEST_F(IngestTest, DatabaseRowsHaveAnOrderFreeDigest) {
  const std::string db_path = (dir_ / "digest.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE p(rid TEXT, xm TEXT);"
                         "INSERT INTO p VALUES('a','张三'),('b','李四'),('c','王五');"
                         "CREATE TABLE q(rid TEXT, xm TEXT);"
                         "INSERT INTO q VALUES('a','张三'),('b','李四'),('c','王六');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto digest = [&](const std::string& what) {
    auto cfg = Config("[[sources]]\nname = \"reg\"\nrole = \"register\"\nsqlite = \"digest.db\"\n" + what +
                      "\nrecord_id = \"rid\"\n[sources.fields]\nname = \"xm\"\n");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    auto r = IngestProject(*cfg, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->sources[0].summary.content_checksum : std::string("error");
  };
  const std::string table = digest("table = \"p\"");
  EXPECT_EQ(table.size(), 32u);
  EXPECT_EQ(table.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(digest("query = \"SELECT * FROM p ORDER BY rid DESC\""), table);
  EXPECT_NE(digest("table = \"q\""), table);                                   // 王五 → 王六
  EXPECT_NE(digest("query = \"SELECT * FROM p WHERE rid <> 'c'\""), table);     // a row fewer
  EXPECT_NE(digest("query = \"SELECT rid, xm AS xm, xm AS x2 FROM p\""), table);  // another column
  Write("f.csv", "rid,xm\na,张三\n");
  auto cfg = Config("[[sources]]\nname = \"f\"\nrole = \"register\"\npath = \"f.csv\"\nrecord_id = \"rid\"\n"
                    "[sources.fields]\nname = \"xm\"\n");
  ASSERT_TRUE(cfg.ok());
  auto r = IngestProject(*cfg, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->sources[0].summary.content_checksum.empty());
}

// A database that cannot be read is an unusable input (exit 4), not an output
// problem; a table the database does not have is a config error (exit 3).
TEST_F(IngestTest, SqliteErrorsSayWhichKind) {
  auto run = [&](const std::string& file, const std::string& table) {
    auto cfg = Config("[[sources]]\nname = \"reg\"\nrole = \"register\"\nsqlite = \"" + file +
                      "\"\ntable = \"" + table + "\"\nrecord_id = \"rid\"\n[sources.fields]\nname = \"xm\"\n");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    auto r = IngestProject(*cfg, {});
    return r.ok() ? Status::OK() : r.status();
  };
  const Status missing = run("nowhere.db", "persons");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  EXPECT_NE(missing.message().find("nowhere.db"), std::string::npos);
  Write("garbage.db", std::string(4096, 'x'));
  const Status garbage = run("garbage.db", "persons");
  EXPECT_EQ(garbage.code(), StatusCode::kFailedPrecondition) << garbage.ToString();
  EXPECT_NE(garbage.message().find("garbage.db"), std::string::npos);
  const std::string db_path = (dir_ / "empty.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE other(rid TEXT);", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  const Status no_table = run("empty.db", "persons");
  EXPECT_EQ(no_table.code(), StatusCode::kInvalidArgument) << no_table.ToString();
  EXPECT_NE(no_table.message().find("persons"), std::string::npos);
}

TEST_F(IngestTest, EveryMalformedRowIsAccountedFor) {
  // Ragged rows, an unbalanced quote, a NUL byte and invalid UTF-8 among good rows.
  std::string csv = "id,name\n1,a\n2\n3,b,extra\n4,\"unclosed\n5,c\n";
  csv += std::string("6,n\0l\n", 6);
  csv += "7,\xFF\xFE\n8,d\n";
  Write("messy.csv", csv);
  auto cfg = Config("[[sources]]\nname = \"m\"\nrole = \"register\"\npath = \"messy.csv\"\nencoding = \"utf-8\"\n"
                    "record_id = \"id\"\n[sources.fields]\nname = \"name\"\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SourceSummary& s = result->sources[0].summary;
  EXPECT_EQ(s.rows_read, s.rows_accepted + s.rows_rejected);
  EXPECT_GE(s.rows_accepted, 3);  // 1, 5 (or its recovery), 8
  EXPECT_GE(s.rows_rejected, 4);
  auto rejects = ReadFile(s.rejects_path);
  ASSERT_TRUE(rejects.ok());
  int64_t lines = 0;
  for (char c : *rejects) lines += c == '\n';
  EXPECT_GE(lines, s.rows_rejected + 1);  // header + one per rejected row (raw may hold newlines)
}

}  // namespace
}  // namespace vitalink::ingest
