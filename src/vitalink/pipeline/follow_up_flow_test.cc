// Follow-up through the pipeline: a run lists the births outside the register, staff's
// outcomes are imported into the project store, and the next run obeys them.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/csv_reader.h"
#include "vitalink/pipeline/follow_up.h"
#include "vitalink/pipeline/pipeline.h"
#include "vitalink/store/store.h"
#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct ListRow {
  std::vector<std::string> fields;
};

std::vector<std::string> ReadHeader(const fs::path& csv) {
  auto reader = ingest::CsvReader::Open(csv.string(), {});
  EXPECT_TRUE(reader.ok());
  return reader.ok() ? reader->header() : std::vector<std::string>{};
}

std::vector<ListRow> ReadRows(const fs::path& csv) {
  std::vector<ListRow> out;
  auto reader = ingest::CsvReader::Open(csv.string(), {});
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return out;
  ingest::CsvRow row;
  while (reader->Next(row)) out.push_back({std::vector<std::string>(row.fields.begin(), row.fields.end())});
  return out;
}

// Global record index of (source, record id) in a run, or -1.
int64_t GlobalRecord(const RunReport& report, const std::string& source, const std::string& id) {
  for (size_t si = 0; si < report.ingest.sources.size(); ++si) {
    const ingest::SourceData& s = report.ingest.sources[si];
    if (s.config.name != source) continue;
    for (int64_t r = 0; r < s.table.num_rows(); ++r) {
      if (s.table.pool().Get(s.table.column(0).string_id(r)) == id) return report.persons.offsets[si] + r;
    }
  }
  return -1;
}

TEST(FollowUpFlowTest, OutcomesBindTheNextRun) {
  const fs::path dir = fs::temp_directory_path() / ("vl_follow_up_flow_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  synth::GenerateOptions gen;
  gen.out_dir = dir.string();
  gen.persons = 20000;
  gen.seed = 3;
  ASSERT_TRUE(synth::GenerateCounty(gen).ok());
  const std::string config = (dir / "project.toml").string();
  RunOptions options;
  options.threads = 2;
  auto first = RunProject(config, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const fs::path list = dir / "out" / "report" / "follow_up.csv";
  const std::vector<std::string> header = ReadHeader(list);
  ASSERT_EQ(header.size(), 13u);
  EXPECT_EQ(header[9], "outcome");
  EXPECT_EQ(header[11], "found_record_id");

  // Three births reports outside the register: one staff find registered after all (as the
  // register's first record, whoever that is: the run must obey), one they do not find, one
  // that is no birth of the period.
  std::vector<ListRow> rows = ReadRows(list);
  std::vector<size_t> births_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].fields[0] == "register_birth" && rows[i].fields[2] == "births") births_rows.push_back(i);
    EXPECT_EQ(rows[i].fields[9], "") << "nothing followed up yet";
  }
  ASSERT_GE(births_rows.size(), 3u);
  const ingest::SourceData& reg = first->ingest.sources[0];
  ASSERT_EQ(reg.config.role, "register");
  const std::string found_in_register(reg.table.pool().Get(reg.table.column(0).string_id(0)));
  const std::string found_id = rows[births_rows[0]].fields[3];
  const std::string not_found_id = rows[births_rows[1]].fields[3];
  const std::string no_birth_id = rows[births_rows[2]].fields[3];
  rows[births_rows[0]].fields[9] = "found";
  rows[births_rows[0]].fields[11] = found_in_register;  // found_source empty: the register
  rows[births_rows[1]].fields[9] = "not_found";
  rows[births_rows[2]].fields[9] = "not_a_birth";
  rows[births_rows[2]].fields[12] = "出生日期录错, 2025 年出生";
  std::string filled;
  auto append = [&filled](const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) filled += ',';
      AppendCsvField(filled, fields[i]);
    }
    filled += '\n';
  };
  append(header);
  for (const ListRow& r : rows) append(r.fields);
  ASSERT_TRUE(WriteFileAtomic((dir / "worked.csv").string(), filled).ok());
  auto imported = ImportFollowUps(config, (dir / "worked.csv").string(), "li");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->saved, 3);

  // A bad list is refused whole, naming its line and field.
  ASSERT_TRUE(WriteFileAtomic((dir / "bad.csv").string(),
                              "source,record_id,outcome\nbirths," + found_id + ",not_found\nbirths,x,fine\n")
                  .ok());
  auto bad = ImportFollowUps(config, (dir / "bad.csv").string(), "li");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.csv:3: field outcome"));
  {
    auto db = store::Store::Open(imported->store_path);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(db->LatestFollowUps()->size(), 3u);
  }

  auto second = RunProject(config, options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const review::AppliedFollowUps& f = second->follow_ups;
  EXPECT_EQ(f.outcomes, 3);
  EXPECT_EQ(f.found, 1);
  EXPECT_EQ(f.not_found, 1);
  EXPECT_EQ(f.not_a_birth_records, 1);
  EXPECT_EQ(f.unknown_records, 0);
  // The found report joined the register record's person.
  const int64_t report_rec = GlobalRecord(*second, "births", found_id);
  const int64_t register_rec = GlobalRecord(*second, reg.config.name, found_in_register);
  ASSERT_GE(report_rec, 0);
  ASSERT_GE(register_rec, 0);
  EXPECT_EQ(second->persons.labels[static_cast<size_t>(report_rec)],
            second->persons.labels[static_cast<size_t>(register_rec)]);
  // The estimate left the record that is no birth out and counts what was followed up.
  EXPECT_EQ(second->estimate.follow_up.not_a_birth, 1);
  const int64_t no_birth_rec = GlobalRecord(*second, "births", no_birth_id);
  ASSERT_GE(no_birth_rec, 0);
  EXPECT_EQ(second->follow_ups.not_a_birth[static_cast<size_t>(no_birth_rec)], 1);
  // The not_found report is still outside the register: nothing joined it to a register record.
  const int64_t not_found_rec = GlobalRecord(*second, "births", not_found_id);
  ASSERT_GE(not_found_rec, 0);
  EXPECT_NE(second->estimate.person_lists[static_cast<size_t>(second->persons.labels[static_cast<size_t>(not_found_rec)])] & 1, 1);
  EXPECT_GE(second->estimate.follow_up.followed_up, 1);
  EXPECT_LT(second->estimate.follow_up.outside_register, first->estimate.follow_up.outside_register);
  EXPECT_EQ(first->estimate.follow_up.followed_up, 0);
  auto summary = ReadFile((dir / "out" / "estimate" / "summary.json").string());
  ASSERT_TRUE(summary.ok());
  EXPECT_THAT(*summary, HasSubstr("\"records_found_no_birth\": 1"));
  // The next list shows the outcomes in force and no longer lists the found report.
  bool listed_not_found = false;
  for (const ListRow& r : ReadRows(list)) {
    if (r.fields[0] != "register_birth" || r.fields[2] != "births") continue;
    EXPECT_NE(r.fields[3], found_id);
    if (r.fields[3] == not_found_id) {
      listed_not_found = true;
      EXPECT_EQ(r.fields[9], "not_found");
    }
    // The record that is no birth left its person out of the period: unless that
    // person has another record of the period, it is no longer listed.
    if (r.fields[3] == no_birth_id) {
      EXPECT_EQ(r.fields[9], "not_a_birth");
    }
  }
  EXPECT_TRUE(listed_not_found);
  // Handing back the new list as it is changes nothing.
  auto again = ImportFollowUps(config, list.string(), "li");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->saved, 0);
  EXPECT_GE(again->unchanged, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vitalink::pipeline
