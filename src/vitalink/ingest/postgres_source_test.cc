// PostgreSQL sources against a throwaway server: initdb into a temp dir,
// pg_ctl start with the unix socket in that dir, load tables with edge cases,
// ingest them through a project config, stop the server whatever happened.
//
// The server comes from the Debian package `postgresql` (scripts/install-deps),
// binaries under /usr/lib/postgresql/<version>/bin (VL_PG_BINDIR overrides).
// PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the
// `postgres` system user (runuser) in a temp dir it owns. A server that cannot
// start fails the tests with its log: it is installed by install-deps, so a
// missing server is a broken machine, not a reason to skip.
#include "vitalink/ingest/postgres_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/ingest.h"

namespace vitalink::ingest {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A PostgreSQL server of its own in a temp dir, for one test process.
class ThrowawayPostgres {
 public:
  /// Start a server; on failure return nullptr and say why in `error`.
  static std::unique_ptr<ThrowawayPostgres> Start(std::string* error) {
    std::unique_ptr<ThrowawayPostgres> pg(new ThrowawayPostgres());
    if (!pg->DoStart(error)) return nullptr;
    return pg;
  }

  ~ThrowawayPostgres() {
    if (started_)
      Run("pg_ctl -D " + (dir_ / "data").string() + " -m immediate -w stop", "stop.log");
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  /// Return a libpq connection string for `dbname` (superuser "vl", trust auth).
  std::string Conninfo(const std::string& dbname) const {
    return "host=" + dir_.string() + " port=" + std::to_string(port_) + " user=vl dbname=" + dbname;
  }
  const fs::path& dir() const { return dir_; }
  int port() const { return port_; }

  /// Run SQL statements (UTF-8 text); return the server's error, or "" on success.
  std::string Exec(const std::string& dbname, const std::string& sql) const {
    PGconn* conn = PQconnectdb((Conninfo(dbname) + " client_encoding=UTF8").c_str());
    std::string err;
    if (PQstatus(conn) != CONNECTION_OK) {
      err = PQerrorMessage(conn);
    } else {
      PGresult* res = PQexec(conn, sql.c_str());
      if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        err = PQresultErrorMessage(res);
      }
      PQclear(res);
    }
    PQfinish(conn);
    return err;
  }

 private:
  ThrowawayPostgres() = default;

  static std::string FindBinDir() {
    if (const char* env = std::getenv("VL_PG_BINDIR"); env != nullptr && *env != '\0') return env;
    std::vector<std::pair<int, std::string>> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
      const fs::path bin = e.path() / "bin";
      if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl")) {
        found.emplace_back(std::atoi(e.path().filename().c_str()), bin.string());
      }
    }
    if (found.empty()) return {};
    return std::max_element(found.begin(), found.end())->second;  // the newest version
  }

  static int FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
  }

  // Run a server tool (as `postgres` when we are root) in the temp dir,
  // output into `log` there; return true on exit status 0.
  bool Run(const std::string& args, const std::string& log) const {
    const std::string cmd = "cd " + dir_.string() + " && " + as_user_ + bin_ + "/" + args + " > " +
                            (dir_ / log).string() + " 2>&1";
    const int rc = std::system(cmd.c_str());
    return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
  }

  bool DoStart(std::string* error) {
    bin_ = FindBinDir();
    if (bin_.empty()) {
      *error =
          "no PostgreSQL server under /usr/lib/postgresql/*/bin: run scripts/install-deps "
          "(it installs the Debian package postgresql)";
      return false;
    }
    // /tmp rather than $TMPDIR: the postgres user must be able to reach the
    // dir, and a socket path must stay under 108 bytes.
    const fs::path base = fs::is_directory("/tmp") ? fs::path("/tmp") : fs::temp_directory_path();
    std::string templ = (base / "vl_pg_XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      *error = "mkdtemp failed for " + templ;
      return false;
    }
    dir_ = templ;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) {
        *error =
            "running as root and there is no 'postgres' system user to run the server as "
            "(the Debian package postgresql creates it: run scripts/install-deps)";
        return false;
      }
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        *error = "cannot give " + dir_.string() + " to the postgres user";
        return false;
      }
      // Absolute where it can be: root's PATH under CI may lack the sbin dirs.
      const char* runuser = fs::exists("/usr/sbin/runuser") ? "/usr/sbin/runuser"
                            : fs::exists("/sbin/runuser")   ? "/sbin/runuser"
                                                            : "runuser";
      as_user_ = std::string(runuser) + " -u postgres -- ";
    }
    port_ = FreePort();
    if (port_ == 0) {
      *error = "no free TCP port found";
      return false;
    }
    if (!Run("initdb -D " + (dir_ / "data").string() +
                 " -A trust -U vl -E UTF8 --locale=C --no-sync",
             "initdb.log")) {
      *error = "initdb failed (" + bin_ + "):\n" + Slurp(dir_ / "initdb.log");
      return false;
    }
    // No TCP listener: the socket in the private dir is the only way in.
    const std::string opts = "-c listen_addresses='' -c unix_socket_directories='" + dir_.string() +
                             "' -p " + std::to_string(port_) +
                             " -c fsync=off -c full_page_writes=off";
    if (!Run("pg_ctl -D " + (dir_ / "data").string() + " -l " + (dir_ / "server.log").string() +
                 " -w -t 30 -o \"" + opts + "\" start",
             "pg_ctl.log")) {
      *error = "pg_ctl start failed:\n" + Slurp(dir_ / "pg_ctl.log") + "\nserver log:\n" +
               Slurp(dir_ / "server.log");
      // pg_ctl may have left a postmaster behind after a timeout.
      started_ = true;
      return false;
    }
    started_ = true;
    return true;
  }

  fs::path dir_;
  std::string bin_;
  std::string as_user_;
  int port_ = 0;
  bool started_ = false;
};

class PostgresSourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    start_error_ = new std::string();
    server_ = ThrowawayPostgres::Start(start_error_).release();
  }
  static void TearDownTestSuite() {
    delete server_;  // stops the server, removes its dir
    server_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "the throwaway PostgreSQL server did not start: "
                                << *start_error_;
    dir_ = fs::temp_directory_path() /
           ("vl_pgsrc_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<ProjectConfig> Config(const std::string& text) {
    const fs::path p = dir_ / "project.toml";
    std::ofstream(p, std::ios::binary) << text;
    return LoadProjectConfig(p.string());
  }

  static ThrowawayPostgres* server_;
  static std::string* start_error_;
  fs::path dir_;
};

ThrowawayPostgres* PostgresSourceTest::server_ = nullptr;
std::string* PostgresSourceTest::start_error_ = nullptr;

constexpr const char* kPassword = "s3cret-Pw";

// Hospital birth reports with edge cases in typed columns: NULLs, traditional
// and rare Chinese characters, an impossible date in a text column, a bad sex
// code, an ID that is no valid citizen ID, a numeric column passed through.
constexpr const char* kBirthsSql = R"(
CREATE TABLE birth_reports(
  rid text, mother_id text, child text, mother text, sex integer,
  born date, reported text, weight integer, score numeric(5,2), note text);
INSERT INTO birth_reports VALUES
  ('B1', '43018219900101002x', '張偉', '李娜', 1, '2011-01-13', '2011年1月20日', 3250, 3.50, '龘𠀀 GB18030'),
  ('B2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  ('B3', '430182199001010021', '王芳', '王·芳', 2, '2012-02-29', '2011-02-30', 3000, 1.00, 'impossible report date'),
  ('B4', '430182199001010021', '赵敏', '赵丽', 3, '2012-03-01', '2012-03-02', 2900, 2.25, 'bad sex'),
  ('B5', '4301-8219901345-0011', '孙丽', 'Ａｎｎａ', 2, '2012-04-01', '20120405', 3100, -0.75, 'not a valid ID'),
  ('B6', '430182199001010021', '周强', '周 敏', 1, '2012-05-01', '2012/5/3', 3600, 0, 'ok');
)";

TEST_F(PostgresSourceTest, TableIsIngestedLikeSqliteRows) {
  ASSERT_EQ(server_->Exec("postgres", kBirthsSql), "");
  const std::string conninfo = server_->Conninfo("postgres") + " password=" + kPassword;
  auto cfg = Config(std::string(R"(
[[sources]]
name = "hospital"
role = "births"
postgres = ")") + conninfo +
                    R"("
table = "public.birth_reports"
record_id = "rid"
[sources.fields]
mother_id_number = "mother_id"
child_name = "child"
mother_name = "mother"
sex = "sex"
birth_date = "born"
report_date = "reported"
birth_weight = "weight"
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->sources[0].postgres, conninfo);
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SourceData& src = result->sources[0];
  const SourceSummary& s = src.summary;
  EXPECT_EQ(s.encoding, "postgresql");
  EXPECT_EQ(s.rows_read, 6);
  EXPECT_EQ(s.rows_accepted, 4);
  EXPECT_EQ(s.rows_rejected, 2);
  EXPECT_EQ(s.passthrough_columns, (std::vector<std::string>{"score", "note"}));

  const Table& t = src.table;
  ASSERT_EQ(t.num_rows(), 4);
  auto col = [&t](const char* name) {
    const int c = t.FindColumn(name);
    EXPECT_GE(c, 0) << name;
    return c;
  };
  // B1: typed columns arrive as text and are normalized like CSV and SQLite values.
  EXPECT_EQ(t.ValueAsString(0, col("record_id")), "B1");
  EXPECT_EQ(t.ValueAsString(0, col("mother_id_number")), "43018219900101002X");
  EXPECT_EQ(t.ValueAsString(0, col("child_name")), "张伟");
  EXPECT_EQ(t.ValueAsString(0, col("sex")), "1");
  EXPECT_EQ(t.column(col("birth_date")).date(0), DaysFromCivil({2011, 1, 13}));
  EXPECT_EQ(t.column(col("report_date")).date(0), DaysFromCivil({2011, 1, 20}));
  EXPECT_EQ(t.column(col("birth_weight")).integer(0), 3250);
  EXPECT_EQ(t.ValueAsString(0, col("score")), "3.50");
  EXPECT_EQ(t.ValueAsString(0, col("note")), "龘𠀀 GB18030");
  EXPECT_EQ(t.origin_line(0), 2);
  // B2: every NULL is a missing value, never a reject.
  EXPECT_EQ(t.ValueAsString(1, col("record_id")), "B2");
  for (const char* name : {"mother_id_number", "child_name", "mother_name", "sex", "birth_date",
                           "report_date", "birth_weight", "score", "note"}) {
    EXPECT_TRUE(t.column(col(name)).IsNull(1)) << name;
  }
  // B5: an impossible ID is kept as normalized (the check stage reports it);
  // full-width letters become ASCII; a negative numeric passes through.
  EXPECT_EQ(t.ValueAsString(2, col("record_id")), "B5");
  EXPECT_EQ(t.ValueAsString(2, col("mother_id_number")),
            "4301821990134500"
            "11");
  EXPECT_EQ(t.ValueAsString(2, col("mother_name")), "Anna");
  EXPECT_EQ(t.column(col("report_date")).date(2), DaysFromCivil({2012, 4, 5}));
  EXPECT_EQ(t.ValueAsString(2, col("score")), "-0.75");
  EXPECT_EQ(t.origin_line(2), 6);
  EXPECT_EQ(t.ValueAsString(3, col("record_id")), "B6");
  EXPECT_EQ(t.column(col("report_date")).date(3), DaysFromCivil({2012, 5, 3}));

  // Rejects name source, row number (+1 for the header) and field; the raw row is kept.
  auto rejects = ReadFile(s.rejects_path);
  ASSERT_TRUE(rejects.ok());
  EXPECT_NE(rejects->find("hospital,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find(",4,report_date,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find(",5,sex,"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find("B3,430182199001010021,王芳"), std::string::npos) << *rejects;
  EXPECT_NE(rejects->find(":public.birth_reports"), std::string::npos) << *rejects;
  ASSERT_EQ(s.reasons.size(), 2u);

  // The password appears in no output.
  auto summary = ReadFile((fs::path(cfg->output_dir) / "ingest" / "summary.json").string());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->find(kPassword), std::string::npos);
  EXPECT_EQ(rejects->find(kPassword), std::string::npos);
  const auto j = nlohmann::json::parse(*summary);
  EXPECT_EQ(j["sources"][0]["location"], "postgresql://vl@" + server_->dir().string() + ":" +
                                             std::to_string(server_->port()) +
                                             "/postgres:public.birth_reports");
  EXPECT_EQ(j["sources"][0]["rows_read"], 6);
  EXPECT_EQ(j["sources"][0]["rows_rejected"], 2);
  // What was read is digested (the run records it as the source's input checksum).
  EXPECT_EQ(s.content_checksum.size(), 32u);
  EXPECT_EQ(j["sources"][0]["content_checksum"], s.content_checksum);
}

TEST_F(PostgresSourceTest, QueryOnANonUtf8DatabaseByUri) {
  // A database in EUC_CN (GB 2312): the reader asks for UTF-8 whatever the
  // server or the connection string says, so Chinese text arrives intact.
  ASSERT_EQ(server_->Exec("postgres",
                          "CREATE DATABASE gbdb ENCODING 'EUC_CN' LC_COLLATE 'C' LC_CTYPE 'C' "
                          "TEMPLATE template0"),
            "");
  ASSERT_EQ(
      server_->Exec(
          "gbdb",
          "CREATE TABLE p(id text, xm text, w numeric(6,1));"
          "INSERT INTO p VALUES ('1','张伟',3.0),('2','欧阳娜娜',NULL),('3','李四',3.5);"
          "INSERT INTO p SELECT g::text, '王' || g::text, 3000 FROM generate_series(4, 5003) g;"),
      "");
  const std::string uri = "postgresql://vl:" + std::string(kPassword) +
                          "@/gbdb?host=" + server_->dir().string() +
                          "&port=" + std::to_string(server_->port()) + "&client_encoding=GBK";
  auto cfg = Config(R"(
[[sources]]
name = "survey"
role = "survey"
postgres = ")" + uri +
                    R"("
query = "SELECT id, xm, w::text AS w FROM p ORDER BY id::int"
record_id = "id"
[sources.fields]
name = "xm"
birth_weight = "w"
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  auto result = IngestProject(*cfg, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const SourceSummary& s = result->sources[0].summary;
  EXPECT_EQ(s.rows_read, 5003);
  EXPECT_EQ(s.rows_accepted + s.rows_rejected, s.rows_read);
  // "3.0" and "3.5" are no whole numbers; 3000.0 neither: only the NULL passes.
  EXPECT_EQ(s.rows_accepted, 1);
  ASSERT_EQ(s.reasons.size(), 1u);
  EXPECT_EQ(s.reasons[0].field, "birth_weight");
  EXPECT_EQ(s.reasons[0].kind, "bad_integer");
  const Table& t = result->sources[0].table;
  ASSERT_EQ(t.num_rows(), 1);
  EXPECT_EQ(t.ValueAsString(0, t.FindColumn("name")), "欧阳娜娜");
  EXPECT_EQ(t.origin_line(0), 3);
  auto rejects = ReadFile(s.rejects_path);
  ASSERT_TRUE(rejects.ok());
  EXPECT_NE(rejects->find(",2,birth_weight,"), std::string::npos);
  EXPECT_NE(rejects->find("1,张伟,3.0"), std::string::npos) << rejects->substr(0, 400);
  EXPECT_NE(rejects->find(",5004,birth_weight,"), std::string::npos);
  EXPECT_EQ(rejects->find(kPassword), std::string::npos);
  EXPECT_EQ(s.location.find(kPassword), std::string::npos);
}

TEST_F(PostgresSourceTest, FailuresNameTheSourceAndTheServerMessage) {
  ASSERT_EQ(server_->Exec("postgres", "CREATE TABLE t(a int)"), "");
  auto ingest = [&](const std::string& conninfo, const std::string& what) {
    auto cfg = Config("[[sources]]\nname = \"hosp\"\nrole = \"births\"\npostgres = \"" + conninfo +
                      "\"\n" + what + "\n");
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    IngestOptions opts;
    opts.write_outputs = false;
    return IngestProject(*cfg, opts);
  };
  const std::string good = server_->Conninfo("postgres") + " password=" + kPassword;

  // No such table: the server's message, the source's name, no password.
  auto r = ingest(good, "table = \"no_such_table\"");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("source 'hosp'"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("relation \"no_such_table\" does not exist"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(kPassword), std::string::npos);

  // A bad database name: the connection fails with the server's answer.
  const std::string bad_db = "host=" + server_->dir().string() +
                             " port=" + std::to_string(server_->port()) +
                             " user=vl dbname=nodb password=" + kPassword;
  r = ingest(bad_db, "table = \"t\"");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("source 'hosp'"), std::string::npos);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("\"nodb\" does not exist"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(kPassword), std::string::npos);

  // An error mid-stream (division by zero at the 5th row) fails the source
  // rather than passing off a truncated result as complete.
  r = ingest(good, "query = \"SELECT g, 1 / (5 - g) AS x FROM generate_series(1, 10) g\"");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("division by zero"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("source 'hosp'"), std::string::npos);

  // Two statements are refused: a query source reads, it does not run scripts.
  r = ingest(good, "query = \"SELECT 1 AS a; DROP TABLE t\"");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(server_->Exec("postgres", "SELECT * FROM t"), "") << "t must still exist";

  // Writes are refused too: the session is read-only.
  r = ingest(good, "query = \"INSERT INTO t VALUES (1) RETURNING a\"");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("read-only"), std::string::npos) << r.status().message();
}

TEST(PostgresConfigTest, ConnectionStringIsCheckedAndNeverEchoed) {
  const std::string base = "[[sources]]\nname = \"h\"\nrole = \"births\"\n";
  auto cfg = ParseProjectConfig(base + "postgres = \"host=db dbname=county password=hunter2\"\n",
                                "/p/p.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("exactly one of 'table' or 'query'"), std::string::npos)
      << cfg.status().message();

  cfg = ParseProjectConfig(base +
                               "postgres = \"host=db dbname='unterminated password=hunter2\"\n"
                               "table = \"t\"\n",
                           "/p/p.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("p.toml:4:"), std::string::npos) << cfg.status().message();
  EXPECT_EQ(cfg.status().message().find("hunter2"), std::string::npos) << cfg.status().message();

  cfg = ParseProjectConfig(base + "postgres = \"host=db\"\npath = \"x.csv\"\ntable = \"t\"\n",
                           "/p/p.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("exactly one of 'path'"), std::string::npos);

  cfg = ParseProjectConfig(base +
                               "postgres = \"postgresql://u:hunter2@db.example:5433/county\"\n"
                               "query = \"SELECT 1\"\n",
                           "/p/p.toml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->sources[0].Location(), "postgresql://u@db.example:5433/county:query");
  EXPECT_EQ(PostgresDisplayName("host=/run/pg port=5432 dbname=c user=x password=hunter2"),
            "postgresql://x@/run/pg:5432/c");
}

TEST(PostgresConfigTest, UnreachableServerFailsQuicklyWithItsMessage) {
  // A socket dir with no server in it: libpq's own message, no hang.
  const std::string dir = (fs::temp_directory_path() / "vl_pg_nobody_here").string();
  fs::create_directories(dir);
  auto r = PostgresRowReader::Open("host=" + dir + " port=1 dbname=x password=hunter2", "t", "");
  fs::remove_all(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(".s.PGSQL.1"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace vitalink::ingest
