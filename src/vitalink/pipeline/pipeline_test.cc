// End-to-end tests of the pipeline: a small synthetic county through every
// stage, determinism across thread counts, and FEBRL accuracy.
#include "vitalink/pipeline/pipeline.h"

#include <cmath>
#include <filesystem>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/file_io.h"
#include "vitalink/estimate/linkage_error.h"
#include "vitalink/ingest/csv_reader.h"
#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

// ctest runs each test as its own process, in parallel: the directory names
// carry the process id so no two processes share one.
fs::path TempDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("vl_pipeline_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Read(const fs::path& p) {
  auto r = ReadFile(p.string());
  return r.ok() ? *r : std::string("<missing " + p.string() + ">");
}

// Drop timing fields, which are the only parts of a JSON output allowed to vary.
nlohmann::json WithoutTimings(nlohmann::json j) {
  if (j.is_object()) {
    for (const char* key : {"seconds", "mb_per_second"}) j.erase(key);
    for (auto& [k, v] : j.items()) v = WithoutTimings(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = WithoutTimings(v);
  }
  return j;
}

class CountyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = TempDir("county");
    synth::GenerateOptions gen;
    gen.out_dir = dir_.string();
    gen.persons = 6000;
    gen.seed = 7;
    auto summary = synth::GenerateCounty(gen);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static Result<RunReport> Run(const std::string& out, int threads) {
    RunOptions o;
    o.output_dir = (dir_ / out).string();
    o.threads = threads;
    return RunProject((dir_ / "project.toml").string(), o);
  }

  static fs::path dir_;
};
fs::path CountyTest::dir_;

TEST_F(CountyTest, EveryStageRunsAndRowsReconcile) {
  auto report = Run("out1", 1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->ingest.sources.size(), 4u);
  for (const ingest::SourceData& s : report->ingest.sources) {
    EXPECT_EQ(s.summary.rows_read, s.summary.rows_accepted + s.summary.rows_rejected) << s.config.name;
    EXPECT_GT(s.summary.rows_accepted, 0) << s.config.name;
  }
  EXPECT_TRUE(report->checked);
  EXPECT_EQ(report->check.results.size(), 4u);
  ASSERT_TRUE(report->linked);
  ASSERT_EQ(report->link_jobs.size(), 6u);  // the generator's six jobs (docs/GENERATOR.md)
  ASSERT_EQ(report->link_metrics.size(), 6u);
  for (const cluster::JobMetrics& m : report->link_metrics) {
    // Small counties give noisier models than the 100k-person demo measured in
    // docs/ACCURACY.md; these floors catch a broken stage, not a regression of a point.
    EXPECT_GT(m.pairs.f1, 0.9) << m.job;
    EXPECT_GT(m.blocking_recall_ceiling, 0.95) << m.job;
  }
  const fs::path out = dir_ / "out1";
  for (const char* f : {"ingest/summary.json", "check/findings.csv", "check/summary.json",
                        "check/metrics.json", "link/pairs.csv", "link/clusters.csv",
                        "link/model.json", "link/metrics.json"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  // Every accepted record has exactly one person.
  int64_t accepted = 0;
  for (const ingest::SourceData& s : report->ingest.sources) accepted += s.summary.rows_accepted;
  EXPECT_EQ(report->persons.num_records(), accepted);
  const std::string clusters = Read(out / "link/clusters.csv");
  EXPECT_EQ(std::count(clusters.begin(), clusters.end(), '\n'), accepted + 1);
}

TEST_F(CountyTest, OutputsAreIdenticalForOneAndTwoThreads) {
  auto one = Run("t1", 1);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  auto two = Run("t2", 2);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  for (const char* f : {"link/pairs.csv", "link/clusters.csv", "link/model.json",
                        "check/findings.csv", "check/metrics.json", "ingest/rejects/register.csv",
                        "ingest/rejects/births.csv", "estimate/births.csv", "estimate/summary.json",
                        "report/bulletin.csv", "report/bulletin.json"}) {
    EXPECT_EQ(Read(dir_ / "t1" / f), Read(dir_ / "t2" / f)) << f;
  }
  for (const char* f : {"ingest/summary.json", "link/metrics.json", "check/summary.json"}) {
    EXPECT_EQ(WithoutTimings(nlohmann::json::parse(Read(dir_ / "t1" / f))),
              WithoutTimings(nlohmann::json::parse(Read(dir_ / "t2" / f))))
        << f;
  }
}

// nonmatch = "per_rule" learns a non-match model per blocking rule, so a rule
// whose non-matches share more than its keys (siblings under one mother's ID
// share the household) does not pull them into the match class as the
// random-pairs model does.
TEST_F(CountyTest, PerRuleNonMatchModelKeepsSiblingsApart) {
  auto run = [&](bool per_rule) -> Result<RunReport> {
    std::string text = Read(dir_ / "project.toml");
    const std::string mode = "name = \"births_register\"\nmode = \"link\"\n";
    const size_t at = text.find(mode);
    if (at == std::string::npos) return Status::Internal("no births job");
    if (per_rule) text.insert(at + mode.size(), "nonmatch = \"per_rule\"\n");
    const std::string rule = "  [\"pinyin(name)\", \"year(birth_date)\"],\n";
    const size_t r = text.find(rule, at);
    if (r == std::string::npos) return Status::Internal("no blocking rule");
    text.insert(r + rule.size(), "  [\"mother_id_number\", \"prefix(area_code, 9)\"],\n");
    const std::string name = per_rule ? "per_rule" : "random_pairs";
    const fs::path config = dir_ / (name + ".toml");
    VL_RETURN_IF_ERROR(WriteFileAtomic(config.string(), text));
    RunOptions o;
    o.output_dir = (dir_ / name).string();
    o.last_stage = Stage::kLink;
    return RunProject(config.string(), o);
  };
  auto births = [](const RunReport& report) {
    const cluster::JobMetrics* out = nullptr;
    for (const cluster::JobMetrics& m : report.link_metrics) {
      if (m.job == "births_register") out = &m;
    }
    return out;
  };
  auto random_pairs = run(false);
  ASSERT_TRUE(random_pairs.ok()) << random_pairs.status().ToString();
  auto per_rule = run(true);
  ASSERT_TRUE(per_rule.ok()) << per_rule.status().ToString();
  const link::LinkJobResult* job = nullptr;
  for (const link::LinkJobResult& j : per_rule->link_jobs) {
    if (j.settings.name == "births_register") job = &j;
  }
  ASSERT_NE(job, nullptr);
  ASSERT_EQ(job->rule_lambda.size(), 5u);
  // The mother's-ID rule finds mostly siblings: its λ is far below the
  // mother-and-birth-year rule's, where nearly every candidate is the child.
  EXPECT_LT(job->rule_lambda[3], job->rule_lambda[0]);
  ASSERT_NE(births(*random_pairs), nullptr);
  ASSERT_NE(births(*per_rule), nullptr);
  EXPECT_GT(births(*per_rule)->pairs.precision, births(*random_pairs)->pairs.precision);
}

// The births estimate corrects the declared matched count for linkage errors
// with the register × births job's own rates, writes both estimates, and takes
// reviewed rates instead when given (docs/ESTIMATION.md).
TEST_F(CountyTest, BirthsEstimateIsAdjustedForLinkageErrors) {
  auto report = Run("adjusted", 1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->estimated);
  const EstimateStep& e = report->estimate;
  EXPECT_EQ(e.linkage.job, "births_register");
  ASSERT_EQ(e.linkage.source, "model") << e.linkage.note;
  EXPECT_GT(e.linkage.declared_links, 0);
  EXPECT_GE(e.linkage.rates.false_match_rate, 0.0);
  EXPECT_LT(e.linkage.rates.false_match_rate, 0.5);
  EXPECT_GE(e.linkage.rates.missed_match_rate, 0.0);
  EXPECT_LT(e.linkage.rates.missed_match_rate, 0.5);
  // With truth the step reports the actual rates of the matched count; the
  // model's estimates are near them.
  ASSERT_TRUE(e.linkage.true_rates.has_value());
  EXPECT_NEAR(e.linkage.rates.false_match_rate, e.linkage.true_rates->false_match_rate, 0.05);
  EXPECT_NEAR(e.linkage.rates.missed_match_rate, e.linkage.true_rates->missed_match_rate, 0.05);
  const AreaBirths& c = e.county;
  ASSERT_TRUE(c.has_estimate);
  ASSERT_TRUE(c.adjusted);
  auto m_hat = estimate::AdjustMatchedCount(static_cast<double>(c.in_both), e.linkage.rates);
  ASSERT_TRUE(m_hat.ok());
  EXPECT_NEAR(c.dse.m, std::min<double>(*m_hat, static_cast<double>(std::min(c.in_register, c.in_births))), 1e-9);
  auto plain = estimate::EstimateDualSystem(c.in_register, c.in_births, static_cast<double>(c.in_both));
  ASSERT_TRUE(plain.ok());
  EXPECT_DOUBLE_EQ(c.unadjusted.chapman, plain->chapman);
  // Both estimates and the rates are in the outputs.
  const auto summary = nlohmann::json::parse(Read(dir_ / "adjusted" / "estimate" / "summary.json"));
  EXPECT_EQ(summary["linkage_adjustment"]["rates_from"], "model");
  EXPECT_DOUBLE_EQ(summary["county"]["estimated_births"].get<double>(), c.dse.chapman);
  EXPECT_DOUBLE_EQ(summary["county"]["unadjusted"]["estimated_births"].get<double>(), c.unadjusted.chapman);
  const std::string csv = Read(dir_ / "adjusted" / "estimate" / "births.csv");
  EXPECT_NE(csv.find("unadjusted_births"), std::string::npos);
  EXPECT_NE(csv.find("missed_match_rate"), std::string::npos);

  // Reviewed rates replace the model's: 20% false links lower m̂ to 0.8 m*
  // (so the estimate rises), 10% missed raise it again by 1/0.9.
  RunOptions o;
  o.output_dir = (dir_ / "reviewed").string();
  o.threads = 1;
  o.reviewed_rates["births_register"] = {.false_match_rate = 0.2, .missed_match_rate = 0.1};
  auto reviewed = RunProject((dir_ / "project.toml").string(), o);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  const AreaBirths& rc = reviewed->estimate.county;
  EXPECT_EQ(reviewed->estimate.linkage.source, "review");
  ASSERT_TRUE(rc.adjusted);
  EXPECT_NEAR(rc.dse.m, static_cast<double>(rc.in_both) * 0.8 / 0.9, 1e-9);
  EXPECT_GT(rc.dse.chapman, rc.unadjusted.chapman);
  const auto reviewed_summary = nlohmann::json::parse(Read(dir_ / "reviewed" / "estimate" / "summary.json"));
  EXPECT_EQ(reviewed_summary["linkage_adjustment"]["rates_from"], "review");
  EXPECT_DOUBLE_EQ(reviewed_summary["linkage_adjustment"]["false_match_rate"].get<double>(), 0.2);
  EXPECT_GT(rc.dse.chapman_se, 0.0);
}

// Clustering uncertainty: the persons drawn again from the pair posteriors
// widen every interval by their spread; without draws the intervals are the
// sampling ones; the draws are recomputed from (seed, draw), so a rerun gives
// the same spread.
TEST_F(CountyTest, IntervalsHoldTheClusteringUncertainty) {
  auto report = Run("draws", 1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const EstimateStep& e = report->estimate;
  const AreaBirths& c = e.county;
  ASSERT_TRUE(c.has_estimate);
  ASSERT_EQ(c.draw_histories.size(), 40u);
  ASSERT_EQ(c.draw_spread.draws, 40);
  EXPECT_EQ(c.published_spread.draws, 40);
  // Each draw's county histories count the persons of the period that draw sees:
  // about the run's number (a dozen decisions move at most a few).
  int64_t run_seen = 0;
  for (int h = 1; h < 8; ++h) run_seen += c.histories[static_cast<size_t>(h)];
  for (const auto& h : c.draw_histories) {
    int64_t seen = 0;
    for (int k = 1; k < 8; ++k) seen += h[static_cast<size_t>(k)];
    EXPECT_NEAR(static_cast<double>(seen), static_cast<double>(run_seen), 0.1 * static_cast<double>(run_seen));
  }
  // The unadjusted interval widened by the spread, as WidenInterval says.
  const estimate::Interval w = estimate::WidenInterval(c.unadjusted.chapman, c.unadjusted.interval, c.draw_spread);
  EXPECT_DOUBLE_EQ(c.widened.lower, w.lower);
  EXPECT_DOUBLE_EQ(c.widened.upper, w.upper);
  EXPECT_LE(c.widened.lower, c.unadjusted.interval.lower);
  EXPECT_GE(c.widened.upper, c.unadjusted.interval.upper);
  // The published interval contains the adjusted one before widening.
  ASSERT_TRUE(c.adjusted);
  EXPECT_LE(c.dse.interval.lower, c.dse.profile_interval.lower);
  EXPECT_GE(c.dse.interval.upper, c.dse.profile_interval.upper);
  // Every township has its draws too.
  for (const AreaBirths& t : e.townships) EXPECT_EQ(t.draw_histories.size(), 40u) << t.code;
  const auto summary = nlohmann::json::parse(Read(dir_ / "draws" / "estimate" / "summary.json"));
  EXPECT_EQ(summary["clustering_draws"], 40);
  EXPECT_EQ(summary["county"]["clustering"]["draws"], 40);
  EXPECT_DOUBLE_EQ(summary["county"]["clustering"]["sd"].get<double>(), std::sqrt(c.published_spread.variance));
  EXPECT_DOUBLE_EQ(summary["county"]["interval"][0].get<double>(), c.dse.interval.lower);

  // linkage_draws = 0: no draws, the intervals as sampling gives them.
  const fs::path config = dir_ / "nodraws.toml";
  {
    std::string text = Read(dir_ / "project.toml");
    const size_t at = text.find("[estimate]\n");
    ASSERT_NE(at, std::string::npos);
    text.insert(at + 11, "linkage_draws = 0\n");
    ASSERT_TRUE(WriteFileAtomic(config.string(), text).ok());
  }
  RunOptions o;
  o.output_dir = (dir_ / "nodraws").string();
  o.threads = 1;
  auto plain = RunProject(config.string(), o);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  const AreaBirths& pc = plain->estimate.county;
  EXPECT_TRUE(pc.draw_histories.empty());
  EXPECT_EQ(pc.published_spread.draws, 0);
  EXPECT_DOUBLE_EQ(pc.dse.interval.lower, pc.dse.profile_interval.lower);
  EXPECT_DOUBLE_EQ(pc.dse.chapman, c.dse.chapman);  // the point estimate is not the draws'
  // A bad value is refused with its place in the file.
  {
    std::string text = Read(dir_ / "project.toml");
    text.insert(text.find("[estimate]\n") + 11, "linkage_draws = -3\n");
    ASSERT_TRUE(WriteFileAtomic((dir_ / "bad.toml").string(), text).ok());
  }
  o.output_dir = (dir_ / "bad").string();
  auto bad = RunProject((dir_ / "bad.toml").string(), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("linkage_draws"), std::string::npos) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("bad.toml"), std::string::npos) << bad.status().ToString();
}

// The survey samples villages: the step finds the ones it visited (stray records
// with a wrong village code do not count) and estimates births there from three
// lists, beside the two-list estimate on the same villages.
TEST_F(CountyTest, SurveyVillagesGetAThreeListEstimate) {
  auto report = Run("survey", 1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const SurveyDomain& d = report->estimate.survey;
  // The villages of the persons the generator put in the survey, with their counts.
  std::map<std::string, int64_t> visited;
  {
    auto reader = ingest::CsvReader::Open((dir_ / "persons.csv").string(), {});
    ASSERT_TRUE(reader.ok());
    int in_survey = -1, village = -1;
    for (size_t i = 0; i < reader->header().size(); ++i) {
      if (reader->header()[i] == "in_survey") in_survey = static_cast<int>(i);
      if (reader->header()[i] == "village_code") village = static_cast<int>(i);
    }
    ASSERT_GE(in_survey, 0);
    ASSERT_GE(village, 0);
    ingest::CsvRow row;
    while (reader->Next(row)) {
      if (row.fields[static_cast<size_t>(in_survey)] == "1") ++visited[std::string(row.fields[static_cast<size_t>(village)])];
    }
  }
  ASSERT_FALSE(visited.empty());
  // Every village found was visited; the visited ones missed are hamlets with one or
  // two persons surveyed, which look like stray codes. Nearly all surveyed persons
  // live in the villages found.
  int64_t surveyed = 0, in_found = 0;
  for (const auto& [v, n] : visited) surveyed += n;
  for (const std::string& v : d.villages) {
    ASSERT_TRUE(visited.contains(v)) << v << " was not visited";
    in_found += visited.at(v);
  }
  EXPECT_GE(static_cast<double>(in_found), 0.98 * static_cast<double>(surveyed)) << in_found << " of " << surveyed;
  EXPECT_GE(d.villages.size() * 10, visited.size() * 9);
  ASSERT_TRUE(d.has_estimate) << d.note;
  ASSERT_TRUE(d.has_two_source);
  int64_t seen = 0;
  for (int h = 1; h < 8; ++h) seen += d.histories[static_cast<size_t>(h)];
  EXPECT_EQ(seen, d.persons_seen);
  EXPECT_GE(d.estimated_births, static_cast<double>(d.persons_seen) - 1e-9);
  EXPECT_LE(d.interval.lower, d.estimated_births);
  EXPECT_GE(d.interval.upper, d.estimated_births);
  ASSERT_TRUE(d.true_births.has_value());
  // In the summary and the bulletin's notes.
  const auto summary = nlohmann::json::parse(Read(dir_ / "survey" / "estimate" / "summary.json"));
  EXPECT_EQ(summary["survey_domain"]["villages"].size(), d.villages.size());
  EXPECT_DOUBLE_EQ(summary["survey_domain"]["estimated_births"].get<double>(), d.estimated_births);
  EXPECT_NE(Read(dir_ / "survey" / "report" / "bulletin.html").find("调查核对"), std::string::npos);

  // An English bulletin has its methods notes in English too.
  RunOptions en;
  en.output_dir = (dir_ / "survey_en").string();
  en.threads = 1;
  en.lang = "en";
  ASSERT_TRUE(RunProject((dir_ / "project.toml").string(), en).ok());
  const std::string html = Read(dir_ / "survey_en" / "report" / "bulletin.html");
  EXPECT_NE(html.find("Survey check: in the"), std::string::npos);
  EXPECT_NE(html.find("Record linkage: Fellegi–Sunter"), std::string::npos);
  EXPECT_EQ(html.find("调查核对"), std::string::npos);
  EXPECT_EQ(html.find("记录连接"), std::string::npos);
}

TEST_F(CountyTest, RunUntilIngestStopsThere) {
  RunOptions o;
  o.output_dir = (dir_ / "ingest_only").string();
  o.last_stage = Stage::kIngest;
  auto report = RunProject((dir_ / "project.toml").string(), o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->checked);
  EXPECT_FALSE(report->linked);
  EXPECT_FALSE(fs::exists(dir_ / "ingest_only" / "link"));
}

// FEBRL accuracy, unsupervised, with the shipped example configs.
struct FebrlCase {
  const char* config;
  const char* data;
  double min_f1;
};

class FebrlTest : public ::testing::TestWithParam<FebrlCase> {};

TEST_P(FebrlTest, PairwiseF1) {
  const FebrlCase& c = GetParam();
  const fs::path data = fs::path(VL_SHARED_DATASETS_DIR) / "febrl" / c.data;
  if (!fs::exists(data)) GTEST_SKIP() << data << " is absent (../shared/datasets not beside the repository)";
  const fs::path out = TempDir(c.data);
  RunOptions o;
  o.output_dir = out.string();
  auto report = RunProject((fs::path(VL_SOURCE_DIR) / "examples" / "febrl" / c.config).string(), o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->link_metrics.size(), 1u);
  EXPECT_GE(report->link_metrics[0].pairs.f1, c.min_f1);
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Febrl, FebrlTest,
                         ::testing::Values(FebrlCase{"febrl4.toml", "dataset4a.csv", 0.998},
                                           FebrlCase{"febrl3.toml", "dataset3.csv", 0.993}),
                         [](const auto& tinfo) { return std::string(tinfo.param.config).substr(0, 6); });

}  // namespace
}  // namespace vitalink::pipeline
