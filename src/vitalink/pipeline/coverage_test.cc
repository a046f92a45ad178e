// Coverage of the births estimate through the real pipeline: synthetic
// counties from the generator (known truth) go through ingest, check, link and
// estimate in-process, and we count how often the 95% intervals hold the true
// number of births of the period, for the county and for each township:
//
//   - two sources (register × hospital births), Chapman on the declared
//     matched count m* (profile interval) and, as published, on the
//     linkage-adjusted count (that interval widened by the linkage variance
//     and by the spread over draws of the persons; docs/ESTIMATION.md);
//   - three sources (register × births × survey), as published: the
//     AIC-chosen log-linear model with its profile interval widened by the
//     spread over the draws, on the linked capture histories.
//
// With the truth it also says why the persons seen differ from the true births
// (Diagnosis: erroneous inclusions, births split or merged by the linkage,
// births lost by the period test, births in neither list).
//
// The survey samples every village here (survey_village_share = 1): a list
// that covers only a tenth of the villages is a valid third list only for those
// villages. CoverageTest runs 12 counties of 2000 persons with loose bounds;
// SlowCoverage.* run 200 counties of 3000–5000 and of 80,000–120,000 persons
// (and 50 between) under the ctest label `slow` (VL_SLOW_TESTS=1) and print the
// tables kept in docs/ESTIMATION.md. There each county is run twice, as a county
// works: the first run's follow-up list is worked by a clerk who knows the truth
// (FollowUpFromTruth), the outcomes go into the project store through
// `vitalink follow-up`'s import, and the second run is the one assessed.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "vitalink/common/csv_writer.h"
#include "vitalink/common/file_io.h"
#include "vitalink/estimate/draws.h"
#include "vitalink/estimate/linkage_error.h"
#include "vitalink/ingest/csv_reader.h"
#include "vitalink/pipeline/follow_up.h"
#include "vitalink/pipeline/pipeline.h"
#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

bool SlowEnabled() {
  const char* v = std::getenv("VL_SLOW_TESTS");
  return v != nullptr && std::string(v) == "1";
}

// One estimator's tally over areas: how many had an estimate, how many of
// those intervals held the truth, and the error of the point estimate.
struct Tally {
  int64_t areas = 0;
  int64_t estimated = 0;
  int64_t covered = 0;
  double sum_error = 0;      // Σ (N̂ − N)
  double sum_truth = 0;      // Σ N over the estimated areas
  double sum_rel_error = 0;  // Σ (N̂ − N)/N over estimated areas with N > 0
  int64_t rel_count = 0;
  double sum_width = 0;

  void Add(bool has_estimate, double n_hat, double lower, double upper, int64_t truth) {
    ++areas;
    if (!has_estimate || !std::isfinite(n_hat)) return;
    ++estimated;
    const auto n = static_cast<double>(truth);
    covered += lower <= n && n <= upper;
    sum_error += n_hat - n;
    sum_truth += n;
    if (truth > 0) {
      sum_rel_error += (n_hat - n) / n;
      ++rel_count;
    }
    if (std::isfinite(upper)) sum_width += upper - lower;
  }
  double coverage() const { return estimated > 0 ? static_cast<double>(covered) / static_cast<double>(estimated) : 0; }
  double bias() const { return sum_truth > 0 ? sum_error / sum_truth : 0; }  // Σ(N̂ − N)/ΣN
  double mean_rel_bias() const { return rel_count > 0 ? sum_rel_error / static_cast<double>(rel_count) : 0; }
};

// Why the persons seen in the period differ from the true births, from the
// generator's truth: seen − N = erroneous + split − merged − lost − unseen.
struct Diagnosis {
  int64_t seen = 0;          // persons (clusters) with a register or births record of the period
  int64_t erroneous = 0;     // … none of whose counted records is a true birth of the period
  int64_t split_link = 0;    // extra persons: a birth seen as a register-only and a births-only person
  int64_t split_dup = 0;     // extra persons: the same birth twice in one list
  int64_t merged = 0;        // true births sharing a person with another true birth
  int64_t lost = 0;          // true births with a record whose person the period test left out
  int64_t unseen = 0;        // true births in neither list
  int64_t true_n1 = 0, true_n2 = 0, true_m = 0;  // true captures (registered, reported, both)
  std::array<int64_t, 8> true_histories{};        // true captures by the three lists ([0]: in none)
  // Persons of the period held by the survey alone (history 001, which the
  // three-list estimate counts): births neither list has (genuine), births one
  // of them has under another person (split), and no birth of the period.
  int64_t survey_only_genuine = 0, survey_only_split = 0, survey_only_erroneous = 0;
};

Diagnosis Diagnose(const RunReport& report, const fs::path& persons_csv) {
  Diagnosis d;
  struct Flags { bool born = false, registered = false, reported = false, surveyed = false; };
  std::map<std::string, Flags> truth_flags;
  {
    auto reader = ingest::CsvReader::Open(persons_csv.string(), {});
    if (!reader.ok()) return d;
    int id = -1, born = -1, reg = -1, rep = -1, sur = -1;
    for (size_t i = 0; i < reader->header().size(); ++i) {
      const std::string& h = reader->header()[i];
      if (h == "person_id") id = static_cast<int>(i);
      if (h == "born_in_period") born = static_cast<int>(i);
      if (h == "registered") reg = static_cast<int>(i);
      if (h == "birth_reported") rep = static_cast<int>(i);
      if (h == "in_survey") sur = static_cast<int>(i);
    }
    ingest::CsvRow row;
    while (reader->Next(row)) {
      auto f = [&row](int c) { return row.fields[static_cast<size_t>(c)] == "1"; };
      if (!f(born)) continue;
      truth_flags[std::string(row.fields[static_cast<size_t>(id)])] = {true, f(reg), f(rep), f(sur)};
    }
  }
  const EstimateSettings& s = report.estimate.settings;
  const std::vector<uint8_t>& period_lists = report.estimate.person_lists;
  std::map<int64_t, std::set<int64_t>> person_entities;  // register and births records' entities per person
  std::map<int64_t, uint8_t> person_lists;
  for (size_t si = 0; si < report.ingest.sources.size(); ++si) {
    const ingest::SourceData& src = report.ingest.sources[si];
    const bool counted = src.config.name == s.register_source || src.config.name == s.births_source;
    if (!counted) continue;
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      const int64_t label = report.persons.labels[static_cast<size_t>(report.persons.offsets[si] + r)];
      const uint8_t l = period_lists[static_cast<size_t>(label)] & 3;
      if (l == 0) continue;
      person_lists[label] = l;
      person_entities[label].insert(report.truth.entity[si][static_cast<size_t>(r)]);
    }
  }
  std::map<std::string, std::vector<uint8_t>> entity_persons;  // lists of each person counting it
  for (const auto& [label, entities] : person_entities) {
    ++d.seen;
    int64_t period = 0;
    for (int64_t e : entities) {
      if (e < 0) continue;
      const std::string& name = report.truth.entity_names[static_cast<size_t>(e)];
      if (!truth_flags.contains(name)) continue;
      ++period;
      entity_persons[name].push_back(person_lists[label]);
    }
    if (period == 0) ++d.erroneous;
    if (period > 1) d.merged += period - 1;
  }
  for (size_t si = 0; si < report.ingest.sources.size(); ++si) {
    const ingest::SourceData& src = report.ingest.sources[si];
    if (src.config.name != s.survey_source) continue;
    std::set<int64_t> done;
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      const int64_t label = report.persons.labels[static_cast<size_t>(report.persons.offsets[si] + r)];
      if ((period_lists[static_cast<size_t>(label)] & 7) != 4 || !done.insert(label).second) continue;
      const int64_t e = report.truth.entity[si][static_cast<size_t>(r)];
      const auto it = e < 0 ? truth_flags.end() : truth_flags.find(report.truth.entity_names[static_cast<size_t>(e)]);
      if (it == truth_flags.end()) {
        ++d.survey_only_erroneous;
      } else {
        (it->second.registered || it->second.reported ? d.survey_only_split : d.survey_only_genuine) += 1;
      }
    }
  }
  for (const auto& [name, f] : truth_flags) {
    d.true_n1 += f.registered;
    d.true_n2 += f.reported;
    d.true_m += f.registered && f.reported;
    ++d.true_histories[(f.registered ? 1 : 0) | (f.reported ? 2 : 0) | (f.surveyed ? 4 : 0)];
    auto it = entity_persons.find(name);
    if (it == entity_persons.end()) {
      (f.registered || f.reported ? d.lost : d.unseen) += 1;
      continue;
    }
    const auto& lists = it->second;
    if (lists.size() < 2) continue;
    if (std::getenv("VL_COVERAGE_VERBOSE") != nullptr) {
      std::string shape;
      for (uint8_t l : lists) shape += fmt::format(" {}", l);
      std::printf("split %s lists%s\n", name.c_str(), shape.c_str());
    }
    const bool reg_only = std::count(lists.begin(), lists.end(), 1) > 0;
    const bool births_only = std::count(lists.begin(), lists.end(), 2) > 0;
    const int64_t extra = static_cast<int64_t>(lists.size()) - 1;
    if (reg_only && births_only && lists.size() == 2) {
      d.split_link += extra;
    } else {
      d.split_dup += extra;
    }
  }
  return d;
}

struct Study {
  Tally county_plain, county_adjusted, county_adjusted_normal, county_true_rates, county_three;
  Tally town_plain, town_adjusted, town_adjusted_normal;
  Tally county_ideal;  // Chapman on the true captures: what perfect processing would give
  Tally county_ideal_three;  // the AIC log-linear model on the true three-list captures
  // Clustering uncertainty: intervals widened by the spread over draws of the
  // persons, around the run's estimate and around the mean of the draws.
  Tally county_widened, county_three_profile, town_widened;
  Diagnosis diagnosis;  // summed over counties
  // With the follow-up (RunCounty's follow_up): the published intervals of the
  // first run, rows the clerk worked, births outside the register left unworked
  // in the second run (listed only then: a split the first run hid).
  Tally county_adjusted_before, county_three_before;
  int64_t followed_up = 0, still_outside = 0;
  int64_t counties = 0;
  int64_t true_births = 0;
  double sum_false_match_rate = 0, sum_missed_match_rate = 0;
  int64_t rate_count = 0;

  std::string Table() const {
    std::string out = fmt::format(
        "{} counties, {} true births\n"
        "mean model rates: false matches {:.4f}, missed matches {:.4f}\n"
        "{:<40} {:>9} {:>9} {:>9} {:>11} {:>11} {:>10}\n",
        counties, true_births, rate_count ? sum_false_match_rate / static_cast<double>(rate_count) : 0,
        rate_count ? sum_missed_match_rate / static_cast<double>(rate_count) : 0, "estimator", "areas",
        "estimated", "coverage", "bias ΣΔ/ΣN", "mean Δ/N", "mean width");
    auto line = [&out](const char* name, const Tally& t) {
      out += fmt::format("{:<40} {:>9} {:>9} {:>9.3f} {:>+11.4f} {:>+11.4f} {:>10.2f}\n", name, t.areas, t.estimated,
                         t.coverage(), t.bias(), t.mean_rel_bias(),
                         t.estimated ? t.sum_width / static_cast<double>(t.estimated) : 0);
    };
    if (county_adjusted_before.areas > 0) {
      out += fmt::format("follow-up: {} rows worked by the clerk between the runs, {} births outside the register "
                         "left unworked after it; the second run is tallied below\n",
                         followed_up, still_outside);
      line("BEFORE follow-up: two sources, published", county_adjusted_before);
      line("BEFORE follow-up: three sources, published", county_three_before);
    }
    line("county, two sources, unadjusted", county_plain);
    line("county, two sources, published", county_adjusted);
    line("  the same, normal interval", county_adjusted_normal);
    line("county, two sources, adjusted, true rates", county_true_rates);
    line("county, three sources (AIC), published", county_three);
    line("  the same, profile interval only", county_three_profile);
    line("county, two sources, true captures", county_ideal);
    line("county, three sources, true captures", county_ideal_three);
    line("county, two sources, unadjusted, draws", county_widened);
    line("township, two sources, unadjusted, draws", town_widened);
    line("township, two sources, unadjusted", town_plain);
    line("township, two sources, linkage-adjusted", town_adjusted);
    line("  the same, normal interval", town_adjusted_normal);
    const Diagnosis& d = diagnosis;
    out += fmt::format(
        "persons seen {} vs true births {}: erroneous {}, split by a missed link {}, split as duplicates {}, "
        "merged {}, lost by the period test {}, in neither list {}\n"
        "survey-only persons: births in neither list {}, births split from their person {}, not births of the "
        "period {}\n",
        d.seen, true_births, d.erroneous, d.split_link, d.split_dup, d.merged, d.lost, d.unseen,
        d.survey_only_genuine, d.survey_only_split, d.survey_only_erroneous);
    return out;
  }
};

// A registration clerk who follows up every birth the run listed outside the
// register (report/follow_up.csv, action register_birth) and, knowing the
// truth as a field visit would, writes the outcome: the record is no birth of
// the period; or the child has another record (the register's first, else any
// source's) the record is not linked to; or not found anywhere else. The
// outcomes go back through the CSV and `vitalink follow-up`'s import, as staff's
// would. Returns how many rows were followed up.
int64_t FollowUpFromTruth(const RunReport& report, const fs::path& persons_csv, const fs::path& config,
                          const fs::path& out_csv) {
  std::set<std::string> births_of_period;
  {
    auto reader = ingest::CsvReader::Open(persons_csv.string(), {});
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) return 0;
    int id = -1, born = -1;
    for (size_t i = 0; i < reader->header().size(); ++i) {
      if (reader->header()[i] == "person_id") id = static_cast<int>(i);
      if (reader->header()[i] == "born_in_period") born = static_cast<int>(i);
    }
    ingest::CsvRow row;
    while (reader->Next(row)) {
      if (row.fields[static_cast<size_t>(born)] == "1") births_of_period.emplace(row.fields[static_cast<size_t>(id)]);
    }
  }
  // (source, record id) → global record; entity → its records, register first.
  std::map<std::pair<std::string, std::string>, int64_t> global;
  std::map<int64_t, std::vector<std::pair<size_t, int64_t>>> records_of;
  const auto& sources = report.ingest.sources;
  for (size_t si = 0; si < sources.size(); ++si) {
    const Table& t = sources[si].table;
    for (int64_t r = 0; r < t.num_rows(); ++r) {
      global[{sources[si].config.name, std::string(t.pool().Get(t.column(0).string_id(r)))}] =
          report.persons.offsets[si] + r;
      const int64_t e = report.truth.entity[si][static_cast<size_t>(r)];
      if (e >= 0) records_of[e].emplace_back(si, r);
    }
  }
  for (auto& [e, recs] : records_of) {
    std::stable_partition(recs.begin(), recs.end(),
                          [&](const auto& x) { return sources[x.first].config.role == "register"; });
  }
  auto reader = ingest::CsvReader::Open((fs::path(report.output_dir) / "report" / "follow_up.csv").string(), {});
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return 0;
  // VL_COVERAGE_FOLLOW_UP_SHARE=x (0–1, default 1): the clerk works only that share of
  // the rows, chosen by a hash of the record id (to measure a list half worked).
  double share = 1;
  if (const char* v = std::getenv("VL_COVERAGE_FOLLOW_UP_SHARE"); v != nullptr) share = std::atof(v);
  auto chosen = [share](std::string_view id) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    return static_cast<double>(h % 10000) < share * 10000;
  };
  std::string out = "source,record_id,outcome,found_source,found_record_id\n";
  int64_t rows = 0;
  ingest::CsvRow row;
  while (reader->Next(row)) {
    if (row.fields[0] != "register_birth") continue;
    const std::string source(row.fields[2]), id(FromSpreadsheetText(row.fields[3]));
    if (!chosen(id)) continue;
    const auto g = global.find({source, id});
    EXPECT_NE(g, global.end()) << source << " " << id;
    if (g == global.end()) continue;
    size_t si = 0;
    while (si + 1 < sources.size() && report.persons.offsets[si + 1] <= g->second) ++si;
    const int64_t r = g->second - report.persons.offsets[si];
    const int64_t e = report.truth.entity[si][static_cast<size_t>(r)];
    const int64_t person = report.persons.labels[static_cast<size_t>(g->second)];
    ++rows;
    if (e < 0 || !births_of_period.contains(report.truth.entity_names[static_cast<size_t>(e)])) {
      out += source + "," + id + ",not_a_birth,,\n";
      continue;
    }
    std::string found;
    for (const auto& [osi, orow] : records_of[e]) {
      if (report.persons.labels[static_cast<size_t>(report.persons.offsets[osi] + orow)] == person) continue;
      const Table& t = sources[osi].table;
      found = sources[osi].config.name + "," + std::string(t.pool().Get(t.column(0).string_id(orow)));
      break;
    }
    out += source + "," + id + (found.empty() ? ",not_found,,\n" : ",found," + found + "\n");
  }
  EXPECT_TRUE(WriteFileAtomic(out_csv.string(), out).ok());
  auto imported = ImportFollowUps(config.string(), out_csv.string(), "clerk");
  EXPECT_TRUE(imported.ok()) << imported.status().ToString();
  return rows;
}

// Generate county `seed` into `root`, run every stage on it and add its areas
// to `study`; the county's files are removed afterwards. With `follow_up`, the
// clerk above works the run's follow-up list and the county is run again: the
// study then tallies the second run, and the first under `*_before`.
void RunCounty(const fs::path& root, uint64_t seed, int64_t persons, Study& study, bool follow_up) {
  const fs::path dir = root / fmt::format("county_{}", seed);
  synth::GenerateOptions gen;
  gen.out_dir = dir.string();
  gen.persons = persons;
  gen.seed = seed;
  gen.survey_village_share = 1.0;
  auto summary = synth::GenerateCounty(gen);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  // u from 200 000 random pairs per job instead of 1 000 000: for a county of a
  // few thousand records that is still a large share of all pairs, and the
  // study runs five times faster (the u sampling dominates a small county).
  {
    auto text = ReadFile((dir / "project.toml").string());
    ASSERT_TRUE(text.ok());
    std::string config = *text;
    for (size_t at = config.find("\n[[link]]\n"); at != std::string::npos; at = config.find("\n[[link]]\n", at + 1)) {
      config.insert(at + 10, "u_sample_pairs = 200000\n");
    }
    ASSERT_TRUE(WriteFileAtomic((dir / "project.toml").string(), config).ok());
  }
  RunOptions run;
  run.threads = 1;
  auto report = RunProject((dir / "project.toml").string(), run);
  ASSERT_TRUE(report.ok()) << "seed " << seed << ": " << report.status().ToString();
  ASSERT_TRUE(report->estimated);
  if (follow_up) {
    const EstimateStep& b = report->estimate;
    ASSERT_TRUE(b.county.true_births.has_value());
    study.county_adjusted_before.Add(b.county.has_estimate, b.county.dse.chapman, b.county.dse.interval.lower,
                                     b.county.dse.interval.upper, *b.county.true_births);
    auto three = estimate::EstimateThreeLists(b.county.histories, b.county.draw_histories);
    study.county_three_before.Add(three.ok(), three.ok() ? three->fit.n_hat : 0,
                                  three.ok() ? three->widened.lower : 0, three.ok() ? three->widened.upper : 0,
                                  *b.county.true_births);
    study.followed_up += FollowUpFromTruth(*report, dir / "persons.csv", dir / "project.toml",
                                           dir / "follow_up_outcomes.csv");
    ASSERT_FALSE(::testing::Test::HasFailure());
    report = RunProject((dir / "project.toml").string(), run);
    ASSERT_TRUE(report.ok()) << "seed " << seed << ": " << report.status().ToString();
    ASSERT_TRUE(report->estimated);
    study.still_outside += report->estimate.follow_up.outside_register - report->estimate.follow_up.followed_up;
  }
  const EstimateStep& e = report->estimate;
  ASSERT_TRUE(e.county.true_births.has_value());
  // The truth the generator reports and the truth the step reads agree.
  ASSERT_EQ(*e.county.true_births, summary->births);
  ++study.counties;
  study.true_births += *e.county.true_births;
  if (e.linkage.source == "model") {
    study.sum_false_match_rate += e.linkage.rates.false_match_rate;
    study.sum_missed_match_rate += e.linkage.rates.missed_match_rate;
    ++study.rate_count;
  }
  auto add_two = [](Tally& plain, Tally& adjusted, Tally& normal, const AreaBirths& a, int64_t truth) {
    plain.Add(a.has_estimate, a.unadjusted.chapman, a.unadjusted.interval.lower, a.unadjusted.interval.upper, truth);
    adjusted.Add(a.has_estimate, a.dse.chapman, a.dse.interval.lower, a.dse.interval.upper, truth);
    normal.Add(a.has_estimate, a.dse.chapman, a.dse.normal_interval.lower, a.dse.normal_interval.upper, truth);
  };
  add_two(study.county_plain, study.county_adjusted, study.county_adjusted_normal, e.county, *e.county.true_births);
  // The unadjusted estimate with its interval widened by the clustering draws
  // (every job's decisions drawn).
  study.county_widened.Add(e.county.has_estimate && e.county.draw_spread.draws > 1, e.county.unadjusted.chapman,
                           e.county.widened.lower, e.county.widened.upper, *e.county.true_births);
  // The adjustment with the actual rates, as a complete clerical review would
  // give them (RunOptions::reviewed_rates): what the adjustment can do when the
  // rates are right.
  if (e.linkage.true_rates && e.county.has_estimate) {
    auto t = estimate::EstimateDualSystemAdjustedProfile(e.county.in_register, e.county.in_births,
                                                         e.county.in_both, *e.linkage.true_rates);
    study.county_true_rates.Add(t.ok(), t.ok() ? t->chapman : 0, t.ok() ? t->interval.lower : 0,
                                t.ok() ? t->interval.upper : 0, *e.county.true_births);
  }
  const Diagnosis d = Diagnose(*report, dir / "persons.csv");
  for (auto [sum, add] : {std::pair{&study.diagnosis.seen, d.seen}, {&study.diagnosis.erroneous, d.erroneous},
                          {&study.diagnosis.split_link, d.split_link}, {&study.diagnosis.split_dup, d.split_dup},
                          {&study.diagnosis.merged, d.merged}, {&study.diagnosis.lost, d.lost},
                          {&study.diagnosis.unseen, d.unseen},
                          {&study.diagnosis.survey_only_genuine, d.survey_only_genuine},
                          {&study.diagnosis.survey_only_split, d.survey_only_split},
                          {&study.diagnosis.survey_only_erroneous, d.survey_only_erroneous}}) {
    *sum += add;
  }
  if (auto ideal = estimate::EstimateDualSystem(d.true_n1, d.true_n2, static_cast<double>(d.true_m)); ideal.ok()) {
    study.county_ideal.Add(true, ideal->chapman, ideal->interval.lower, ideal->interval.upper, *e.county.true_births);
  }
  {
    std::array<int64_t, 8> seen = d.true_histories;
    seen[0] = 0;  // the births in no list are what the model estimates
    auto ideal = estimate::EstimateThreeLists(seen, {});
    study.county_ideal_three.Add(ideal.ok(), ideal.ok() ? ideal->fit.n_hat : 0,
                                 ideal.ok() ? ideal->fit.profile.interval.lower : 0,
                                 ideal.ok() ? ideal->fit.profile.interval.upper : 0, *e.county.true_births);
  }
  if (std::getenv("VL_COVERAGE_VERBOSE") != nullptr) {
    std::printf("seed %llu diagnosis seen %lld truth %lld erroneous %lld split_link %lld split_dup %lld merged %lld "
                "lost %lld unseen %lld true n1 %lld n2 %lld m %lld\n",
                static_cast<unsigned long long>(seed), static_cast<long long>(d.seen),
                static_cast<long long>(*e.county.true_births), static_cast<long long>(d.erroneous),
                static_cast<long long>(d.split_link), static_cast<long long>(d.split_dup),
                static_cast<long long>(d.merged), static_cast<long long>(d.lost), static_cast<long long>(d.unseen),
                static_cast<long long>(d.true_n1), static_cast<long long>(d.true_n2), static_cast<long long>(d.true_m));
    const AreaBirths& c = e.county;
    const auto& h = c.histories;
    std::printf("seed %llu persons %lld truth %lld n1 %lld n2 %lld m %lld plain %.2f [%.2f, %.2f] adjusted %.2f [%.2f, %.2f] "
                "rates %.4f %.4f true rates %.4f %.4f histories %lld %lld %lld %lld %lld %lld %lld\n",
                static_cast<unsigned long long>(seed), static_cast<long long>(persons),
                static_cast<long long>(*c.true_births), static_cast<long long>(c.in_register),
                static_cast<long long>(c.in_births), static_cast<long long>(c.in_both), c.unadjusted.chapman,
                c.unadjusted.interval.lower, c.unadjusted.interval.upper, c.dse.chapman, c.dse.interval.lower,
                c.dse.interval.upper, e.linkage.rates.false_match_rate, e.linkage.rates.missed_match_rate,
                e.linkage.true_rates ? e.linkage.true_rates->false_match_rate : -1.0,
                e.linkage.true_rates ? e.linkage.true_rates->missed_match_rate : -1.0, static_cast<long long>(h[1]),
                static_cast<long long>(h[2]), static_cast<long long>(h[3]), static_cast<long long>(h[4]),
                static_cast<long long>(h[5]), static_cast<long long>(h[6]), static_cast<long long>(h[7]));
    std::fflush(stdout);
  }
  // Townships: every township with a true birth or an observed one. A
  // township with births nobody recorded has no row and no estimate.
  int64_t towns_with_truth = 0;
  for (const AreaBirths& t : e.townships) {
    if (t.code.size() != 9) continue;  // "unknown": births without an area code
    const int64_t truth = t.true_births.value_or(0);
    towns_with_truth += t.true_births.has_value();
    add_two(study.town_plain, study.town_adjusted, study.town_adjusted_normal, t, truth);
    study.town_widened.Add(t.has_estimate && t.draw_spread.draws > 1, t.unadjusted.chapman, t.widened.lower,
                           t.widened.upper, truth);
  }
  (void)towns_with_truth;
  // Three sources on the county's linked capture histories, as the survey
  // domain publishes them: the AIC model's profile interval widened by the
  // chosen model's spread over the clustering draws.
  auto three = estimate::EstimateThreeLists(e.county.histories, e.county.draw_histories);
  study.county_three.Add(three.ok(), three.ok() ? three->fit.n_hat : 0, three.ok() ? three->widened.lower : 0,
                         three.ok() ? three->widened.upper : 0, *e.county.true_births);
  study.county_three_profile.Add(three.ok(), three.ok() ? three->fit.n_hat : 0,
                                 three.ok() ? three->fit.profile.interval.lower : 0,
                                 three.ok() ? three->fit.profile.interval.upper : 0, *e.county.true_births);
  if (std::getenv("VL_COVERAGE_VERBOSE") != nullptr && three.ok()) {
    const AreaBirths& c = e.county;
    std::printf("seed %llu draws two lists sd %.2f widened [%.2f, %.2f] published [%.2f, %.2f] three lists %s%s "
                "%.2f sd %.2f profile [%.2f, %.2f] widened [%.2f, %.2f]\n",
                static_cast<unsigned long long>(seed), std::sqrt(c.draw_spread.variance), c.widened.lower,
                c.widened.upper, c.dse.interval.lower, c.dse.interval.upper, three->fit.model.Name(3).c_str(),
                three->fit.extended ? " (extended)" : "", three->fit.n_hat, std::sqrt(three->spread.variance),
                three->fit.profile.interval.lower, three->fit.profile.interval.upper, three->widened.lower,
                three->widened.upper);
  }
  fs::remove_all(dir);
}

Study RunStudy(const std::string& name, int counties, int64_t min_persons, int64_t max_persons,
               uint64_t first_seed, bool follow_up = false) {
  const fs::path root = fs::temp_directory_path() / ("vl_coverage_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  Study study;
  // VL_COVERAGE_RANGE=begin:end runs only those county indices (to split a
  // study over processes while measuring; the targets are then not asserted).
  int begin = 0, end = counties;
  if (const char* range = std::getenv("VL_COVERAGE_RANGE"); range != nullptr) {
    std::sscanf(range, "%d:%d", &begin, &end);
  }
  for (int i = begin; i < std::min(end, counties); ++i) {
    const uint64_t seed = first_seed + static_cast<uint64_t>(i);
    // Sizes spread evenly over [min, max], a function of the index only.
    const int64_t persons =
        counties > 1 ? min_persons + (max_persons - min_persons) * i / (counties - 1) : min_persons;
    RunCounty(root, seed, persons, study, follow_up);
    if (::testing::Test::HasFatalFailure()) break;
  }
  fs::remove_all(root);
  return study;
}

// Twelve counties of 2000 persons (about 7 births each; ~25 s in a release
// build): bounds loose enough for the sampling noise of 12 counties, tight
// enough to catch an interval that lost its meaning or an adjustment that
// went the wrong way.
TEST(CoverageTest, TwelveSmallCountiesThroughThePipeline) {
#ifndef NDEBUG
  // Unoptimised, the twelve pipeline runs take minutes: the default suite of a
  // debug build skips them (make test uses the release preset, where they run).
  if (!SlowEnabled()) GTEST_SKIP() << "debug build: set VL_SLOW_TESTS=1 to run";
#endif
  const Study s = RunStudy("small", 12, 2000, 2000, 9100);
  ASSERT_FALSE(HasFatalFailure());
  std::printf("%s", s.Table().c_str());
  ASSERT_EQ(s.counties, 12);
  EXPECT_EQ(s.county_adjusted.estimated, 12);
  // With nominal 95%, 8 or fewer of 12 covered has probability 0.2%.
  EXPECT_GE(s.county_plain.coverage(), 0.75);
  EXPECT_GE(s.county_adjusted.coverage(), 0.75);
  // Three sources: births × survey linked, every county's table has a usable
  // model (one list often holds everyone seen: the extended MLE).
  EXPECT_EQ(s.county_three.estimated, 12);
  EXPECT_GE(s.county_three.coverage(), 0.75);
  // The diagnosis adds up: seen − N = erroneous + split − merged − lost − unseen.
  const Diagnosis& d = s.diagnosis;
  EXPECT_EQ(d.seen - s.true_births, d.erroneous + d.split_link + d.split_dup - d.merged - d.lost - d.unseen);
  EXPECT_GE(s.town_plain.coverage(), 0.85);
  EXPECT_GE(s.town_adjusted.coverage(), 0.85);
  // The adjusted interval stays as narrow as the counts allow (a linkage
  // variance that blew up when every birth report is linked gave widths of 10⁵).
  EXPECT_LT(s.county_adjusted.sum_width / static_cast<double>(s.county_adjusted.estimated), 10.0);
  // The point estimates are near the truth.
  EXPECT_LT(std::abs(s.county_plain.bias()), 0.1);
  EXPECT_LT(std::abs(s.county_adjusted.bias()), 0.1);
  // With the right rates the adjustment never moves the estimate away from the truth
  // (with a blocking rule free of the birth date, small counties often link perfectly,
  // and then both biases are zero).
  ASSERT_EQ(s.county_true_rates.estimated, 12);
  EXPECT_LE(std::abs(s.county_true_rates.bias()), std::abs(s.county_plain.bias()) + 1e-12);
  EXPECT_GE(s.county_true_rates.coverage(), 0.75);
}

// The issue's targets (docs/ESTIMATION.md, "Coverage through the pipeline"): the
// published interval and the three-list one hold the truth in 92–98% of counties,
// every county has a three-list estimate, and the diagnosis adds up. Where perfect
// processing (the same estimator on the true captures of the same counties) itself
// covers more than 98% — a dozen births a county make every interval conservative —
// the pipeline may too, by at most two counties in 200 more than it.
void ExpectIssueTargets(const Study& s) {
  const double slack = 2.0 / 200;
  EXPECT_GE(s.county_adjusted.coverage(), 0.92);
  EXPECT_LE(s.county_adjusted.coverage(), std::max(0.98, s.county_ideal.coverage() + slack));
  EXPECT_EQ(s.county_three.estimated, s.counties);
  EXPECT_GE(s.county_three.coverage(), 0.92);
  EXPECT_LE(s.county_three.coverage(), std::max(0.98, s.county_ideal_three.coverage() + slack));
  const Diagnosis& d = s.diagnosis;
  EXPECT_EQ(d.seen - s.true_births, d.erroneous + d.split_link + d.split_dup - d.merged - d.lost - d.unseen);
}

// 200 counties of 3000–5000 persons; the numbers in docs/ESTIMATION.md.
TEST(SlowCoverage, TwoHundredCountiesThroughThePipeline) {
  if (!SlowEnabled()) GTEST_SKIP() << "set VL_SLOW_TESTS=1 (ctest -L slow)";
  const Study s = RunStudy("slow", 200, 3000, 5000, 20261001, /*follow_up=*/true);
  ASSERT_FALSE(HasFatalFailure());
  std::printf("%s", s.Table().c_str());
  if (std::getenv("VL_COVERAGE_RANGE") != nullptr) GTEST_SKIP() << "VL_COVERAGE_RANGE: part of the study only";
  ASSERT_EQ(s.counties, 200);
  // A dozen births a county make the intervals conservative: perfect processing
  // covers above the band too (ExpectIssueTargets). With linkage this good the
  // unadjusted bias is about 0, so the adjustment has nothing to reduce here;
  // SimulationTest asserts that it does where linkage errors are.
  ExpectIssueTargets(s);
}

// 200 counties of 80,000–120,000 persons (about 240–360 births each in six
// months, the size of the demo county): where the estimator is no longer made
// conservative by a dozen births, and processing errors have room to show.
TEST(SlowCoverage, TwoHundredCountiesOf100kPersons) {
  if (!SlowEnabled()) GTEST_SKIP() << "set VL_SLOW_TESTS=1 (ctest -L slow)";
  const Study s = RunStudy("100k", 200, 80000, 120000, 20263001, /*follow_up=*/true);
  ASSERT_FALSE(HasFatalFailure());
  std::printf("%s", s.Table().c_str());
  if (std::getenv("VL_COVERAGE_RANGE") != nullptr) GTEST_SKIP() << "VL_COVERAGE_RANGE: part of the study only";
  ASSERT_EQ(s.counties, 200);
  // The second run, after the clerk worked the follow-up list (docs/ESTIMATION.md,
  // "Measured, 2026-11-29, with the follow-up"); the first run's three-list interval
  // covers about 0.69 (links the model is sure are absent), printed in the table.
  ExpectIssueTargets(s);
}

// 50 counties of 20,000–40,000 persons (about 65–130 births each): more births per
// county means more processing errors per county while the interval grows slowly.
TEST(SlowCoverage, FiftyLargerCountiesThroughThePipeline) {
  if (!SlowEnabled()) GTEST_SKIP() << "set VL_SLOW_TESTS=1 (ctest -L slow)";
  const Study s = RunStudy("larger", 50, 20000, 40000, 20262001, /*follow_up=*/true);
  ASSERT_FALSE(HasFatalFailure());
  std::printf("%s", s.Table().c_str());
  if (std::getenv("VL_COVERAGE_RANGE") != nullptr) GTEST_SKIP() << "VL_COVERAGE_RANGE: part of the study only";
  ASSERT_EQ(s.counties, 50);
}

}  // namespace
}  // namespace vitalink::pipeline
