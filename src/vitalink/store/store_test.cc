// Tests of the project store: schema creation and refusal of foreign files, runs,
// models, indicators, review decisions, hostile strings, rollback and concurrency.
#include "vitalink/store/store.h"
#include "vitalink/store/schema_internal.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vitalink::store {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// ctest runs each test as its own process, in parallel: the directory names carry the
// process id so no two processes share one.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("vl_store_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "project.vitalink.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  Store OpenOrDie() {
    auto store = Store::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  static RunInfo Info(std::string label) {
    RunInfo info;
    info.config_path = "county/project.toml";
    info.config_hash = "00112233445566778899aabbccddeeff";
    info.label = std::move(label);
    info.started_at = "2026-10-31T08:00:00+08:00";
    info.inputs = {{"births_register", "data/births.csv", "0f0f", 1234},
                   {"hospital", "data/hospital.csv", "abcdef", 0}};
    return info;
  }

  int64_t Begin(Store& store, std::string label) {
    auto run = store.BeginRun(Info(std::move(label)));
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ValueOr(-1);
  }

  // Run `sql` on a second, raw connection; return SQLite's result code.
  int RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  // Return the first column of the first row of `sql` on a raw connection, as text.
  std::string RawQuery(const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out = "<error>";
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        out = p != nullptr ? p : "<null>";
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  fs::path dir_;
  std::string path_;
};

Decision MakeDecision(std::string a, std::string b, std::string verdict, std::string who) {
  Decision d;
  d.job = "births";
  d.source_a = "register";
  d.record_id_a = std::move(a);
  d.source_b = "hospital";
  d.record_id_b = std::move(b);
  d.decision = std::move(verdict);
  d.who = std::move(who);
  d.at = "2026-11-02T10:00:00+08:00";
  return d;
}

// ---- Open, schema, refusal of foreign files.

TEST_F(StoreTest, OpenCreatesFileAndSchema) {
  ASSERT_FALSE(fs::exists(path_));
  Store store = OpenOrDie();
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_EQ(store.path(), path_);
  auto version = store.SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, kSchemaVersion);
  EXPECT_EQ(RawQuery("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawQuery("PRAGMA application_id"), "1447840561");
  EXPECT_EQ(RawQuery("SELECT group_concat(version) FROM schema_version"), "1,2");
  for (const char* table : {"runs", "run_inputs", "models", "area_indicators", "indicator_values",
                            "decisions", "latest_decisions", "follow_up_outcomes", "latest_follow_up"}) {
    EXPECT_EQ(
        RawQuery(std::string("SELECT COUNT(*) FROM sqlite_schema WHERE name = '") + table + "'"),
        "1")
        << table;
  }
}

TEST_F(StoreTest, ReopenKeepsEverythingAndDoesNotMigrateAgain) {
  int64_t run = 0;
  {
    Store store = OpenOrDie();
    run = Begin(store, "2026-10");
    ASSERT_TRUE(store.SaveModel(run, "births", R"({"lambda": 0.01})").ok());
    ASSERT_TRUE(
        store.SaveIndicators(run, {{"430182101", "township", "淳口镇", {{"completeness", 0.93}}}})
            .ok());
    ASSERT_TRUE(store.FinishRun(run, "ok", "2026-10-31T08:05:00+08:00").ok());
    ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "match", "wang")).ok());
  }
  Store store = OpenOrDie();
  EXPECT_EQ(RawQuery("SELECT COUNT(*) FROM schema_version"), "2");
  auto last = store.LastRun();
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ((*last)->run_id, run);
  EXPECT_EQ((*last)->finished_at, "2026-10-31T08:05:00+08:00");
  EXPECT_EQ(store.LoadModel(run, "births")->value_or(""), R"({"lambda": 0.01})");
  auto rows = store.LoadIndicators(run);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].name, "淳口镇");
  EXPECT_EQ(store.LatestDecisions()->size(), 1u);
}

// A file written by a build that knew only version 1 (made here from migration 1 as that
// build ran it) is migrated to the current version on open, its decisions kept.
TEST_F(StoreTest, VersionOneFileIsMigratedKeepingItsDecisions) {
  const auto migrations = internal::Migrations();
  ASSERT_GE(migrations.size(), 2u);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);  // creates the empty file
    sqlite3_close(db);
  }
  ASSERT_EQ(RawExec("PRAGMA application_id = 1447840561;"
                    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL) STRICT;"),
            SQLITE_OK);
  ASSERT_EQ(RawExec(migrations[0].sql), SQLITE_OK);
  ASSERT_EQ(RawExec("INSERT INTO schema_version VALUES (1, 'v1');"
                    "INSERT INTO decisions (job, source_a, record_id_a, source_b, record_id_b, decision, who, at) "
                    "VALUES ('j', 'hospital', 'h1', 'register', 'r1', 'match', 'wang', 't')"),
            SQLITE_OK);
  Store store = OpenOrDie();
  EXPECT_EQ(*store.SchemaVersion(), kSchemaVersion);
  EXPECT_EQ(RawQuery("SELECT group_concat(version) FROM schema_version"), "1,2");
  ASSERT_EQ(store.LatestDecisions()->size(), 1u);
  EXPECT_TRUE(store.LatestFollowUps()->empty());
}

TEST_F(StoreTest, CorruptFileIsRefusedNamingTheFile) {
  {
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is not a SQLite database. ";
  }
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIOError);
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
  EXPECT_THAT(store.status().message(), HasSubstr("not a vitalink project store"));
}

TEST_F(StoreTest, OtherProgramsDatabaseIsRefused) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE customers (id INTEGER)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
  // Nothing of ours was added to it.
  EXPECT_EQ(RawQuery("SELECT COUNT(*) FROM sqlite_schema"), "1");
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  { OpenOrDie(); }
  ASSERT_EQ(RawExec("INSERT INTO schema_version VALUES (99, 'from the future')"), SQLITE_OK);
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(path_));
  EXPECT_THAT(store.status().message(), HasSubstr("version 99"));
}

TEST_F(StoreTest, MissingDirectoryNamesTheFile) {
  const std::string path = (dir_ / "no" / "such" / "dir" / "p.db").string();
  auto store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIOError);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
}

// ---- Runs.

TEST_F(StoreTest, RunLifecycle) {
  Store store = OpenOrDie();
  const int64_t run = Begin(store, "2026-10");
  auto running = store.LastRun("running");
  ASSERT_TRUE(running.ok() && running->has_value());
  const RunRecord& r = **running;
  EXPECT_EQ(r.run_id, run);
  EXPECT_EQ(r.status, "running");
  EXPECT_EQ(r.finished_at, "");
  EXPECT_EQ(r.label, "2026-10");
  EXPECT_EQ(r.config_path, "county/project.toml");
  EXPECT_EQ(r.config_hash, "00112233445566778899aabbccddeeff");
  EXPECT_EQ(r.started_at, "2026-10-31T08:00:00+08:00");
  EXPECT_EQ(r.inputs, Info("").inputs);
  EXPECT_FALSE(store.LastRun()->has_value());  // no ok run yet

  EXPECT_EQ(store.FinishRun(run, "done", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.FinishRun(run + 1, "ok", "x").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.FinishRun(run, "ok", "2026-10-31T08:05:00+08:00").ok());
  const Status again = store.FinishRun(run, "failed", "2026-10-31T09:00:00+08:00");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr(path_));

  auto ok = store.LastRun("ok");
  ASSERT_TRUE(ok.ok() && ok->has_value());
  EXPECT_EQ((*ok)->status, "ok");
  EXPECT_EQ((*ok)->finished_at, "2026-10-31T08:05:00+08:00");
  EXPECT_FALSE(store.LastRun("running")->has_value());
  EXPECT_EQ(store.LastRun("bogus").status().code(), StatusCode::kInvalidArgument);
}

// A PostgreSQL table's digest is known only after it is read: appended to the run.
TEST_F(StoreTest, InputsAddedAfterBeginFollowTheOthers) {
  Store store = OpenOrDie();
  const int64_t run = Begin(store, "2026-10");
  const RunInput pg{"police", "postgresql://stats@db:5432/hukou:public.persons",
                    "ffeeddccbbaa99887766554433221100", 1234};
  ASSERT_TRUE(store.AddRunInput(run, pg).ok());
  RunInput bad = pg;
  bad.checksum = "XYZ";
  EXPECT_EQ(store.AddRunInput(run, bad).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.AddRunInput(run + 1, pg).code(), StatusCode::kNotFound);
  auto running = store.LastRun("running");
  ASSERT_TRUE(running.ok() && running->has_value());
  std::vector<RunInput> want = Info("").inputs;
  want.push_back(pg);
  EXPECT_EQ((*running)->inputs, want);
  ASSERT_TRUE(store.FinishRun(run, "ok", "2026-10-31T08:05:00+08:00").ok());
  EXPECT_EQ(store.AddRunInput(run, pg).code(), StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, BeginRunValidatesAndStoresNothingOnError) {
  Store store = OpenOrDie();
  RunInfo info = Info("2026-10");
  info.config_hash = "ABCDEF";  // upper case
  EXPECT_EQ(store.BeginRun(info).status().code(), StatusCode::kInvalidArgument);
  info = Info("2026-10");
  info.inputs[1].checksum = "not hex";
  EXPECT_EQ(store.BeginRun(info).status().code(), StatusCode::kInvalidArgument);
  info = Info("2026-10");
  info.inputs[0].bytes = -1;
  EXPECT_EQ(store.BeginRun(info).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store.Runs()->empty());
}

TEST_F(StoreTest, PreviousRunIsTheLatestOkRunBefore) {
  Store store = OpenOrDie();
  const int64_t r1 = Begin(store, "2026-08");
  ASSERT_TRUE(store.FinishRun(r1, "ok", "t1").ok());
  const int64_t r2 = Begin(store, "2026-09");
  ASSERT_TRUE(store.FinishRun(r2, "failed", "t2").ok());
  const int64_t r3 = Begin(store, "2026-09");
  ASSERT_TRUE(store.FinishRun(r3, "ok", "t3").ok());
  const int64_t r4 = Begin(store, "2026-10");
  ASSERT_TRUE(r1 < r2 && r2 < r3 && r3 < r4);

  auto previous = [&](int64_t run) -> int64_t {
    auto p = store.PreviousRun(run);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() && p->has_value() ? (*p)->run_id : 0;
  };
  EXPECT_EQ(previous(r4), r3);
  EXPECT_EQ(previous(r3), r1);  // the failed run is skipped
  EXPECT_EQ(previous(r2), r1);
  EXPECT_EQ(previous(r1), 0);
  EXPECT_EQ(store.PreviousRun(r4 + 100).status().code(), StatusCode::kNotFound);

  auto prev = store.PreviousRun(r4);
  ASSERT_TRUE(prev.ok() && prev->has_value());
  EXPECT_EQ((*prev)->inputs.size(), 2u);

  EXPECT_EQ((*store.LastRun())->run_id, r3);
  EXPECT_EQ((*store.LastRun("failed"))->run_id, r2);
  auto runs = store.Runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 4u);
  const std::vector<std::string> statuses = {"ok", "failed", "ok", "running"};
  for (size_t run_idx = 0; run_idx < runs->size(); ++run_idx) {
    EXPECT_EQ((*runs)[run_idx].status, statuses[run_idx]);
    EXPECT_EQ((*runs)[run_idx].inputs, Info("").inputs);
  }
  EXPECT_EQ((*runs)[3].run_id, r4);
}

// ---- Models.

TEST_F(StoreTest, ModelRoundTripKeepsCjkJsonByteForByte) {
  Store store = OpenOrDie();
  const int64_t run = Begin(store, "2026-10");
  const std::string json =
      "{\"job\": \"出生登记\", \"fields\": [{\"name\": \"姓名\", \"m\": [0.95, 0.03], "
      "\"u\": [0.001, 0.01]}], \"note\": \"县卫健委 “试点” \\u0000 end\"}";
  ASSERT_TRUE(store.SaveModel(run, "出生", json).ok());
  EXPECT_EQ(store.LoadModel(run, "出生")->value_or(""), json);

  // A second save of the job replaces the first.
  ASSERT_TRUE(store.SaveModel(run, "出生", "[1, 2, 3]").ok());
  EXPECT_EQ(store.LoadModel(run, "出生")->value_or(""), "[1, 2, 3]");

  EXPECT_FALSE(store.LoadModel(run, "deaths")->has_value());
  EXPECT_FALSE(store.LoadModel(run + 7, "出生")->has_value());
  EXPECT_EQ(store.SaveModel(run, "births", "{not json").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.SaveModel(run, "", "{}").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.SaveModel(run + 7, "births", "{}").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store.FinishRun(run, "ok", "t").ok());
  EXPECT_EQ(store.SaveModel(run, "births", "{}").code(), StatusCode::kFailedPrecondition);
}

// ---- Indicators.

std::vector<AreaIndicator> SampleIndicators() {
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {"430182",
       "county",
       "浏阳市",
       {{"completeness", 0.9123456789012345}, {"estimated_births", 8123.5}}},
      {"430182101",
       "township",
       "淳口镇",
       {{"completeness", 0.87}, {"accuracy_score", 91.25}, {"ratio", inf}}},
      {"430182101201", "village", "鹤源村", {}},
      {"430182102", "township", "高坪镇", {{"completeness", 1e-300}, {"duplicate_rate", -0.0}}},
  };
}

void ExpectSameIndicators(const std::vector<AreaIndicator>& got,
                          const std::vector<AreaIndicator>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t row_idx = 0; row_idx < got.size(); ++row_idx) {
    EXPECT_EQ(got[row_idx].area_code, want[row_idx].area_code);
    EXPECT_EQ(got[row_idx].level, want[row_idx].level);
    EXPECT_EQ(got[row_idx].name, want[row_idx].name);
    ASSERT_EQ(got[row_idx].values.size(), want[row_idx].values.size()) << want[row_idx].area_code;
    for (const auto& [key, value] : want[row_idx].values) {
      auto it = got[row_idx].values.find(key);
      ASSERT_NE(it, got[row_idx].values.end()) << key;
      if (std::isnan(value)) {
        EXPECT_TRUE(std::isnan(it->second)) << key;
      } else {
        EXPECT_EQ(it->second, value) << key;  // bit-exact: REAL is an IEEE double
      }
    }
  }
}

TEST_F(StoreTest, IndicatorsRoundTripExactly) {
  Store store = OpenOrDie();
  const int64_t run = Begin(store, "2026-10");
  std::vector<AreaIndicator> rows = SampleIndicators();
  rows[1].values["undefined_rate"] = std::numeric_limits<double>::quiet_NaN();
  // Given out of order: read back ordered by area code.
  std::swap(rows[0], rows[3]);
  ASSERT_TRUE(store.SaveIndicators(run, rows).ok());
  std::swap(rows[0], rows[3]);
  auto got = store.LoadIndicators(run);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameIndicators(*got, rows);
  EXPECT_TRUE(store.LoadIndicators(run + 1)->empty());
}

TEST_F(StoreTest, SaveIndicatorsReplacesTheRunsRows) {
  Store store = OpenOrDie();
  const int64_t other = Begin(store, "2026-09");
  const int64_t run = Begin(store, "2026-10");
  ASSERT_TRUE(store.SaveIndicators(other, SampleIndicators()).ok());
  ASSERT_TRUE(store.SaveIndicators(run, SampleIndicators()).ok());
  const std::vector<AreaIndicator> fewer = {
      {"430182102", "township", "高坪镇", {{"completeness", 0.5}}}};
  ASSERT_TRUE(store.SaveIndicators(run, fewer).ok());
  ExpectSameIndicators(*store.LoadIndicators(run), fewer);
  ExpectSameIndicators(*store.LoadIndicators(other), SampleIndicators());  // untouched
  EXPECT_EQ(RawQuery("SELECT COUNT(*) FROM indicator_values WHERE run_id = " + std::to_string(run)),
            "1");
  ASSERT_TRUE(store.SaveIndicators(run, {}).ok());
  EXPECT_TRUE(store.LoadIndicators(run)->empty());
}

TEST_F(StoreTest, SaveIndicatorsValidatesAndKeepsOldRowsOnError) {
  Store store = OpenOrDie();
  const int64_t run = Begin(store, "2026-10");
  ASSERT_TRUE(store.SaveIndicators(run, SampleIndicators()).ok());

  std::vector<AreaIndicator> duplicate = SampleIndicators();
  duplicate.push_back(duplicate[1]);
  const Status dup = store.SaveIndicators(run, duplicate);
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dup.message(), HasSubstr("430182101"));
  std::vector<AreaIndicator> bad_level = SampleIndicators();
  bad_level[0].level = "province";
  EXPECT_EQ(store.SaveIndicators(run, bad_level).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.SaveIndicators(run + 5, SampleIndicators()).code(), StatusCode::kNotFound);

  // A failure inside the transaction, after the old rows were deleted and some new ones
  // written, rolls everything back.
  ASSERT_EQ(RawExec("CREATE TRIGGER boom BEFORE INSERT ON indicator_values "
                    "WHEN NEW.indicator = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END"),
            SQLITE_OK);
  std::vector<AreaIndicator> failing = {{"430182101", "township", "淳口镇", {{"a", 1}}},
                                        {"430182102", "township", "高坪镇", {{"boom", 2}}}};
  EXPECT_FALSE(store.SaveIndicators(run, failing).ok());
  ExpectSameIndicators(*store.LoadIndicators(run), SampleIndicators());

  ASSERT_TRUE(store.FinishRun(run, "ok", "t").ok());
  EXPECT_EQ(store.SaveIndicators(run, {}).code(), StatusCode::kFailedPrecondition);
}

TEST_F(StoreTest, IndicatorHistoryFollowsOkRuns) {
  Store store = OpenOrDie();
  const std::vector<std::pair<std::string, std::string>> months = {
      {"2026-08", "ok"}, {"2026-09", "failed"}, {"2026-09", "ok"}, {"2026-10", "running"}};
  double completeness = 0.80;
  for (const auto& [label, status] : months) {
    const int64_t run = Begin(store, label);
    ASSERT_TRUE(
        store
            .SaveIndicators(run,
                            {{"430182101", "township", "淳口镇", {{"completeness", completeness}}}})
            .ok());
    completeness += 0.05;
    if (status != "running") {
      ASSERT_TRUE(store.FinishRun(run, status, "t").ok());
    }
  }
  auto history = store.IndicatorHistory("430182101", "completeness");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].label, "2026-08");
  EXPECT_DOUBLE_EQ((*history)[0].value, 0.80);
  EXPECT_EQ((*history)[1].label, "2026-09");
  EXPECT_DOUBLE_EQ((*history)[1].value, 0.90);
  EXPECT_TRUE(store.IndicatorHistory("430182101", "accuracy_score")->empty());
}

// ---- Review decisions.

TEST_F(StoreTest, LatestDecisionWinsAndHistoryIsKept) {
  Store store = OpenOrDie();
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "unsure", "wang")).ok());
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r2", "h2", "match", "wang")).ok());
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "match", "li")).ok());
  auto latest = store.LatestDecisions();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 2u);
  // Canonical pair order: "hospital" < "register", so the hospital record is `a`.
  EXPECT_EQ((*latest)[0].source_a, "hospital");
  EXPECT_EQ((*latest)[0].record_id_a, "h1");
  EXPECT_EQ((*latest)[0].record_id_b, "r1");
  EXPECT_EQ((*latest)[0].decision, "match");
  EXPECT_EQ((*latest)[0].who, "li");
  EXPECT_EQ((*latest)[1].record_id_a, "h2");

  auto history = store.DecisionHistory();
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].decision, "unsure");
  EXPECT_LT((*history)[0].decision_id, (*history)[2].decision_id);
}

TEST_F(StoreTest, BothOrientationsAreOnePair) {
  Store store = OpenOrDie();
  Decision forward = MakeDecision("r1", "h1", "match", "wang");
  Decision backward = forward;
  std::swap(backward.source_a, backward.source_b);
  std::swap(backward.record_id_a, backward.record_id_b);
  backward.decision = "non_match";
  ASSERT_TRUE(store.SaveDecision(forward).ok());
  ASSERT_TRUE(store.SaveDecision(backward).ok());
  auto latest = store.LatestDecisions();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].decision, "non_match");
}

TEST_F(StoreTest, UndoWithdrawsThatUsersLatestDecision) {
  Store store = OpenOrDie();
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "non_match", "wang")).ok());
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "match", "wang")).ok());
  auto li_id = store.SaveDecision(MakeDecision("r2", "h2", "match", "li"));
  ASSERT_TRUE(li_id.ok());

  // wang's undo skips li's later decision and restores wang's earlier one.
  auto undone = store.UndoLastDecision("wang");
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_TRUE(undone->undone);
  EXPECT_EQ(undone->decision, "match");
  auto latest = store.LatestDecisions();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].decision, "non_match");
  EXPECT_EQ((*latest)[1].decision_id, *li_id);

  // Walking back further removes the pair from the latest view; the history keeps all.
  ASSERT_TRUE(store.UndoLastDecision("wang").ok());
  latest = store.LatestDecisions();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].who, "li");
  const Status none = store.UndoLastDecision("wang").status();
  EXPECT_EQ(none.code(), StatusCode::kNotFound);
  EXPECT_THAT(none.message(), HasSubstr(path_));

  auto history = store.DecisionHistory();
  ASSERT_EQ(history->size(), 3u);
  EXPECT_TRUE((*history)[0].undone);
  EXPECT_TRUE((*history)[1].undone);
  EXPECT_FALSE((*history)[2].undone);
}

TEST_F(StoreTest, DecisionsAreValidatedAndAppendOnly) {
  Store store = OpenOrDie();
  EXPECT_EQ(store.SaveDecision(MakeDecision("r1", "h1", "maybe", "wang")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.SaveDecision(MakeDecision("r1", "h1", "match", "")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store.SaveDecision(MakeDecision("", "h1", "match", "wang")).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(store.SaveDecision(MakeDecision("r1", "h1", "match", "wang")).ok());
  // The file itself refuses edits of the history, whoever writes to it.
  EXPECT_NE(RawExec("DELETE FROM decisions"), SQLITE_OK);
  EXPECT_NE(RawExec("UPDATE decisions SET decision = 'non_match'"), SQLITE_OK);
  ASSERT_TRUE(store.UndoLastDecision("wang").ok());
  EXPECT_NE(RawExec("UPDATE decisions SET undone = 0"), SQLITE_OK);
  EXPECT_EQ(store.DecisionHistory()->size(), 1u);
}

// ---- Hostile strings.

TEST_F(StoreTest, HostileStringsAreStoredVerbatim) {
  const std::string injection = "'); DROP TABLE runs; --";
  const std::string quotes = "O'Brien \"the\" `x` \\ ' '' %_ ?1 :a @b $c";
  const std::string nul("a\0b\0", 4);
  const std::string rtl = "\u202e\u0645\u062d\u0645\u062f <script>alert(1)</script>";
  Store store = OpenOrDie();

  RunInfo info = Info(injection);
  info.config_path = nul;
  info.started_at = quotes;
  info.inputs[0].name = rtl;
  info.inputs[1].path = injection + nul;
  auto run = store.BeginRun(info);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(store.SaveModel(*run, nul, "\"" + injection + "\"").ok());
  ASSERT_TRUE(store
                  .SaveIndicators(
                      *run, {{injection, "village", nul + quotes, {{nul, 1.0}, {injection, 2.0}}}})
                  .ok());
  ASSERT_TRUE(store.FinishRun(*run, "ok", std::string_view(nul)).ok());

  Decision d = MakeDecision(injection, nul, "match", quotes);
  d.job = rtl;
  d.note = nul + injection;
  ASSERT_TRUE(store.SaveDecision(d).ok());

  auto runs = store.Runs();
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  const RunRecord& r = (*runs)[0];
  EXPECT_EQ(r.label, injection);
  EXPECT_EQ(r.config_path, nul);
  EXPECT_EQ(r.config_path.size(), 4u);
  EXPECT_EQ(r.started_at, quotes);
  EXPECT_EQ(r.finished_at, nul);
  EXPECT_EQ(r.inputs, info.inputs);

  EXPECT_EQ(store.LoadModel(*run, nul)->value_or(""), "\"" + injection + "\"");
  EXPECT_FALSE(store.LoadModel(*run, "a")->has_value());  // the NUL is part of the key
  auto rows = store.LoadIndicators(*run);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].area_code, injection);
  EXPECT_EQ((*rows)[0].name, nul + quotes);
  EXPECT_EQ((*rows)[0].values.at(nul), 1.0);
  EXPECT_EQ((*rows)[0].values.at(injection), 2.0);
  EXPECT_EQ(store.IndicatorHistory(injection, nul)->size(), 1u);

  auto latest = store.LatestDecisions();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].job, rtl);
  EXPECT_EQ((*latest)[0].who, quotes);
  EXPECT_EQ((*latest)[0].note, nul + injection);
  EXPECT_TRUE(store.UndoLastDecision(quotes).ok());
  EXPECT_EQ(RawQuery("SELECT COUNT(*) FROM runs"), "1");  // the table is still there
}

// ---- Concurrency.

TEST_F(StoreTest, WriterWaitsForAnotherProcessesLock) {
  Store store = OpenOrDie();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  // WAL: reading does not wait for the other writer.
  const auto read_start = std::chrono::steady_clock::now();
  EXPECT_TRUE(store.LatestDecisions().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - read_start, std::chrono::milliseconds(1000));
  std::atomic<bool> committed{false};
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    committed = true;
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  auto id = store.SaveDecision(MakeDecision("r1", "h1", "match", "wang"));
  const bool waited = committed;
  releaser.join();
  sqlite3_close(other);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_TRUE(waited);  // the write waited on the busy timeout instead of failing
  EXPECT_EQ(store.LatestDecisions()->size(), 1u);
}

TEST_F(StoreTest, ThreadsMayShareOneStoreAndStoresMayShareOneFile) {
  Store shared = OpenOrDie();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      // Half the threads use the shared Store, half their own connection to the same file.
      std::optional<Store> own;
      if (thread_idx % 2 == 1) {
        auto opened = Store::Open(path_);
        if (!opened.ok()) {
          ++failures;
          return;
        }
        own.emplace(std::move(opened).value());
      }
      Store& store = own.has_value() ? *own : shared;
      for (int decision_idx = 0; decision_idx < kPerThread; ++decision_idx) {
        const std::string id = std::to_string(thread_idx) + "_" + std::to_string(decision_idx);
        if (!store.SaveDecision(MakeDecision("r" + id, "h" + id, "match", "u" + id)).ok()) {
          ++failures;
        }
        if (!store.LatestDecisions().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(shared.DecisionHistory()->size(), static_cast<size_t>(kThreads * kPerThread));
}

// ---- Follow-up outcomes.

FollowUpOutcome MakeOutcome(std::string record, std::string outcome, std::string found = "") {
  FollowUpOutcome o;
  o.source = "hospital";
  o.record_id = std::move(record);
  o.outcome = std::move(outcome);
  if (!found.empty()) {
    o.found_source = "register";
    o.found_record_id = std::move(found);
  }
  o.who = "li";
  o.at = "2026-11-20T09:00:00+08:00";
  return o;
}

TEST_F(StoreTest, FollowUpOutcomesLatestPerRecordWins) {
  Store store = OpenOrDie();
  auto saved = store.SaveFollowUps({MakeOutcome("h1", "not_found"), MakeOutcome("h2", "found", "r9"),
                                    MakeOutcome("h3", "not_a_birth")});
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(*saved, 3);
  // A later visit finds h1 registered after all.
  ASSERT_TRUE(store.SaveFollowUps({MakeOutcome("h1", "found", "r7")}).ok());
  auto latest = store.LatestFollowUps();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ((*latest)[0].record_id, "h1");
  EXPECT_EQ((*latest)[0].outcome, "found");
  EXPECT_EQ((*latest)[0].found_record_id, "r7");
  EXPECT_EQ((*latest)[1].found_source, "register");
  EXPECT_EQ((*latest)[2].outcome, "not_a_birth");
  EXPECT_EQ((*latest)[2].found_source, "");
  // The history keeps both outcomes of h1, and nothing can be deleted.
  EXPECT_EQ(RawQuery("SELECT COUNT(*) FROM follow_up_outcomes WHERE record_id = 'h1'"), "2");
  EXPECT_NE(RawExec("DELETE FROM follow_up_outcomes"), SQLITE_OK);
  EXPECT_NE(RawExec("UPDATE follow_up_outcomes SET outcome = 'not_found'"), SQLITE_OK);
}

TEST_F(StoreTest, BadFollowUpOutcomesAreRefusedAndNothingIsSaved) {
  Store store = OpenOrDie();
  auto unknown = store.SaveFollowUps({MakeOutcome("h1", "not_found"), MakeOutcome("h2", "fined")});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("outcome 2 (hospital h2)"));
  EXPECT_THAT(unknown.status().message(), HasSubstr("'fined'"));
  auto found_nothing = store.SaveFollowUps({MakeOutcome("h1", "found")});
  ASSERT_FALSE(found_nothing.ok());
  EXPECT_THAT(found_nothing.status().message(), HasSubstr("needs the source and record id found"));
  auto stray = store.SaveFollowUps({MakeOutcome("h1", "not_found", "r1")});
  ASSERT_FALSE(stray.ok());
  EXPECT_THAT(stray.status().message(), HasSubstr("only a 'found' outcome"));
  FollowUpOutcome nobody = MakeOutcome("h1", "not_found");
  nobody.who.clear();
  EXPECT_FALSE(store.SaveFollowUps({nobody}).ok());
  EXPECT_TRUE(store.LatestFollowUps()->empty());
}

TEST_F(StoreTest, MovedStoreKeepsWorking) {
  Store a = OpenOrDie();
  Store b = std::move(a);
  EXPECT_TRUE(b.SaveDecision(MakeDecision("r1", "h1", "match", "wang")).ok());
  Store c = OpenOrDie();
  c = std::move(b);
  EXPECT_EQ(c.LatestDecisions()->size(), 1u);
}

}  // namespace
}  // namespace vitalink::store
