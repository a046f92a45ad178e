#include "vitalink/pipeline/pipeline.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <filesystem>

#include <fmt/format.h>

#include "vitalink/common/date.h"
#include "vitalink/pipeline/follow_up.h"
#include "vitalink/pipeline/report_step.h"
#include "vitalink/common/file_io.h"
#include "vitalink/store/checksum.h"
#include "vitalink/pipeline/review_step.h"
#include "vitalink/store/store.h"

#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {

Result<Stage> ParseStage(std::string_view name) {
  if (name == "ingest") return Stage::kIngest;
  if (name == "check") return Stage::kCheck;
  if (name == "link") return Stage::kLink;
  if (name == "estimate") return Stage::kEstimate;
  return Status::InvalidArgument("unknown stage '" + std::string(name) +
                                 "' (known: ingest, check, link, estimate)");
}

namespace {

// Per-area indicators kept in the store for progress month over month.
std::vector<store::AreaIndicator> Indicators(const RunReport& report) {
  std::vector<store::AreaIndicator> out;
  std::map<std::string, store::AreaIndicator> by_code;
  auto area = [&](const std::string& code, const char* level) -> store::AreaIndicator& {
    store::AreaIndicator& a = by_code[code];
    a.area_code = code;
    a.level = level;
    return a;
  };
  if (report.estimated) {
    auto put = [](store::AreaIndicator& a, const AreaBirths& b) {
      a.values["births_in_register"] = static_cast<double>(b.in_register);
      a.values["births_in_reports"] = static_cast<double>(b.in_births);
      a.values["births_only_elsewhere"] = static_cast<double>(b.only_elsewhere);
      if (b.has_estimate) {
        a.values["estimated_births"] = b.dse.chapman;
        a.values["estimated_births_low"] = b.dse.interval.lower;
        a.values["estimated_births_high"] = b.dse.interval.upper;
        a.values["completeness"] = b.dse.completeness1;
      }
    };
    put(area(report.config.county.empty() ? "county" : report.config.county, "county"), report.estimate.county);
    for (const AreaBirths& b : report.estimate.townships) {
      if (b.code.size() == 9) put(area(b.code, "township"), b);
    }
    for (const AreaBirths& b : report.estimate.villages) put(area(b.code, "village"), b);
  }
  for (auto& [code, a] : by_code) out.push_back(std::move(a));
  return out;
}

Status RunStages(RunReport& report, const RunOptions& options, store::Store& db);

}  // namespace

Result<RunReport> RunProject(const std::string& config_path, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RunReport report;
  VL_ASSIGN_OR_RETURN(report.config, ingest::LoadProjectConfig(config_path));
  report.output_dir = options.output_dir.empty() ? report.config.output_dir : options.output_dir;
  // Every run is recorded in the project store: what went in, and per area
  // what came out, so the next run's bulletin can show progress.
  VL_RETURN_IF_ERROR(EnsureDirectory(report.output_dir));
  VL_ASSIGN_OR_RETURN(store::Store db, store::Store::Open(
                                           (std::filesystem::path(report.output_dir) / "project.sqlite").string()));
  store::RunInfo info;
  info.config_path = report.config.path;
  info.config_hash = store::TextChecksum(report.config.text);
  info.started_at = UtcNowIso8601();
  for (const ingest::SourceConfig& src : report.config.sources) {
    const std::string path = src.path.empty() ? src.sqlite : src.path;
    auto input = store::DescribeInput(src.name, path);
    if (input.ok()) info.inputs.push_back(std::move(*input));
  }
  VL_ASSIGN_OR_RETURN(auto settings_for_label, ParseEstimateSettings(report.config));
  info.label = settings_for_label.enabled ? FormatDate(settings_for_label.period_end).substr(0, 7)
                                          : info.started_at.substr(0, 10);
  report.run_label = info.label;
  VL_ASSIGN_OR_RETURN(report.run_id, db.BeginRun(info));
  VL_ASSIGN_OR_RETURN(auto previous, db.PreviousRun(report.run_id));
  if (previous) report.previous_run_id = previous->run_id;
  Status stages = RunStages(report, options, db);
  VL_RETURN_IF_ERROR(db.FinishRun(report.run_id, stages.ok() ? store::kRunOk : store::kRunFailed, UtcNowIso8601()));
  VL_RETURN_IF_ERROR(stages);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace {

Status RunStages(RunReport& report, const RunOptions& options, store::Store& db) {
  auto say = [&](const std::string& what) {
    if (options.progress) options.progress(what);
  };
  say("reading " + std::to_string(report.config.sources.size()) + " sources");
  ingest::IngestOptions ingest_options;
  ingest_options.output_dir = report.output_dir;
  VL_ASSIGN_OR_RETURN(report.ingest, ingest::IngestProject(report.config, ingest_options));
  // A PostgreSQL table has no file to checksum before the run: record what was read.
  for (const ingest::SourceData& s : report.ingest.sources) {
    if (s.config.postgres.empty() || s.summary.content_checksum.empty()) continue;
    VL_RETURN_IF_ERROR(db.AddRunInput(report.run_id, {s.config.name, s.summary.location,
                                                      s.summary.content_checksum, s.summary.bytes}));
  }

  if (ingest::HasTruth(report.config)) {
    VL_ASSIGN_OR_RETURN(report.truth, ingest::LoadTruth(report.config, report.ingest));
  }
  if (options.last_stage >= Stage::kCheck) {
    say("checking records against their rules");
    VL_ASSIGN_OR_RETURN(report.check,
                        RunCheckStep(report.config, report.ingest, report.truth.empty() ? nullptr : &report.truth,
                                     (std::filesystem::path(report.output_dir) / "check").string(), options.threads));
    report.checked = !report.check.results.empty();
  }
  if (options.last_stage >= Stage::kLink) {
    VL_ASSIGN_OR_RETURN(std::vector<link::LinkJobSettings> jobs, link::ParseLinkSettings(report.config));
    for (link::LinkJobSettings& job : jobs) {
      if (options.threads > 0) job.threads = options.threads;
      say("linking " + job.name);
      VL_ASSIGN_OR_RETURN(link::LinkJobResult r,
                          link::RunLinkJob(job, report.ingest,
                                           report.truth.empty() ? nullptr : &report.truth.entity));
      report.link_jobs.push_back(std::move(r));
    }
    if (!report.link_jobs.empty()) {
      report.linked = true;
      // Clerical review decisions stored since earlier runs bind this one.
      VL_ASSIGN_OR_RETURN(std::vector<store::Decision> decisions, db.LatestDecisions());
      std::vector<int64_t> offsets;
      int64_t rows = 0;
      for (const ingest::SourceData& s : report.ingest.sources) {
        offsets.push_back(rows);
        rows += s.table.num_rows();
      }
      // What staff found following up last runs' births outside the register binds it too,
      // as pair decisions (review/follow_up.h).
      VL_ASSIGN_OR_RETURN(std::vector<store::FollowUpOutcome> outcomes, db.LatestFollowUps());
      if (!outcomes.empty()) {
        VL_ASSIGN_OR_RETURN(report.follow_ups,
                            review::ApplyFollowUps(outcomes, report.ingest, offsets, report.link_jobs,
                                                   FollowUpRegisterSource(report.config)));
        for (const std::string& w : report.follow_ups.warnings) say("follow-up: " + w);
        decisions.insert(decisions.end(), report.follow_ups.decisions.begin(), report.follow_ups.decisions.end());
      }
      VL_ASSIGN_OR_RETURN(report.review, review::ApplyDecisions(decisions, report.ingest, offsets));
      for (const std::string& w : report.review.warnings) say("review: " + w);
      for (const link::LinkJobResult& r : report.link_jobs) {
        report.labels.push_back(review::ComputeLabelMetrics(r, decisions));
        report.label_error_rates.push_back(review::ComputeJobErrorRates(r, report.labels.back()));
      }
      say("building persons");
      cluster::PersonOptions person_options;
      person_options.constraints = report.review.constraints;
      VL_ASSIGN_OR_RETURN(report.persons, cluster::BuildPersons(report.ingest, report.link_jobs, person_options));
      for (const link::LinkJobResult& r : report.link_jobs) {
        if (r.entity.empty()) continue;
        VL_ASSIGN_OR_RETURN(cluster::JobMetrics m, cluster::EvaluateJob(r));
        report.link_metrics.push_back(std::move(m));
      }
      VL_RETURN_IF_ERROR(cluster::WriteLinkOutputs(
          (std::filesystem::path(report.output_dir) / "link").string(), report.ingest,
          report.link_jobs, report.persons, report.truth.empty() ? nullptr : &report.truth));
      VL_RETURN_IF_ERROR(WriteReviewOutputs(report, (std::filesystem::path(report.output_dir) / "link").string()));
    }
  }
  if (options.last_stage >= Stage::kEstimate && report.linked) {
    say("estimating births per township");
    EstimateInputs inputs;
    inputs.link_jobs = report.link_jobs;
    inputs.reviewed_rates = options.reviewed_rates;
    inputs.person_options.constraints = report.review.constraints;
    inputs.threads = options.threads;
    if (!report.follow_ups.not_a_birth.empty()) inputs.not_a_birth = report.follow_ups.not_a_birth;
    if (!report.follow_ups.followed_up.empty()) inputs.followed_up = report.follow_ups.followed_up;
    if (!report.truth.empty()) inputs.truth = &report.truth;
    for (const review::LabelMetrics& l : report.labels) {
      PairLabels& labels = inputs.labels[l.job];
      for (const review::LabelledPair& p : l.pairs) {
        if (p.a >= 0) labels[{p.a, p.b}] = p.match;
      }
    }
    VL_ASSIGN_OR_RETURN(report.estimate,
                        RunEstimateStep(report.config, report.ingest, report.persons,
                                        (std::filesystem::path(report.output_dir) / "estimate").string(), inputs));
    report.estimated = report.estimate.settings.enabled;
    VL_RETURN_IF_ERROR(WriteFollowUp(report, (std::filesystem::path(report.output_dir) / "report" / "follow_up.csv").string()));
  }
  for (const link::LinkJobResult& job : report.link_jobs) {
    VL_RETURN_IF_ERROR(db.SaveModel(report.run_id, job.settings.name, link::LinkJobJson(job)));
  }
  std::vector<store::AreaIndicator> indicators = Indicators(report);
  if (report.estimated) {
    say("writing the bulletin");
    const auto lang = report::ParseLang(options.lang);
    if (!lang) return Status::InvalidArgument("unknown bulletin language '" + options.lang + "' (known: zh, en)");
    VL_ASSIGN_OR_RETURN(report::Bulletin bulletin, BuildBulletin(report, db, *lang));
    VL_ASSIGN_OR_RETURN(report.bulletin_path,
                        WriteBulletin(bulletin, *lang, (std::filesystem::path(report.output_dir) / "report").string()));
    // Each run's bulletin stays readable in `vitalink serve` after later runs replace it.
    {
      VL_ASSIGN_OR_RETURN(std::string html, ReadFile(report.bulletin_path));
      const auto runs_dir = std::filesystem::path(report.output_dir) / "report" / "runs";
      VL_RETURN_IF_ERROR(EnsureDirectory(runs_dir.string()));
      VL_RETURN_IF_ERROR(WriteFileAtomic((runs_dir / (std::to_string(report.run_id) + ".html")).string(), html));
    }
    // Keep the scores, so the next run shows progress; villages without births
    // of the period have a score too.
    std::set<std::string> known;
    for (const store::AreaIndicator& a : indicators) known.insert(a.area_code);
    for (const report::AreaRow& t : bulletin.townships) {
      for (const report::AreaRow& v : t.villages) {
        if (known.insert(v.code).second) indicators.push_back({v.code, "village", "", {}});
      }
    }
    for (store::AreaIndicator& a : indicators) {
      const report::AreaRow* row = a.area_code == bulletin.county.code ? &bulletin.county : nullptr;
      for (const report::AreaRow& t : bulletin.townships) {
        if (t.code == a.area_code) row = &t;
        if (a.area_code.size() == 12 && a.area_code.starts_with(t.code)) {
          for (const report::AreaRow& v : t.villages) {
            if (v.code == a.area_code) row = &v;
          }
        }
      }
      if (row != nullptr) a.values["accuracy_score"] = row->accuracy_score;
    }
  }
  return db.SaveIndicators(report.run_id, indicators);
}

}  // namespace

std::string FormatRunReport(const RunReport& report) {
  std::string out;
  out += fmt::format("{:<12} {:<9} {:>10} {:>10} {:>9}  {}\n", "source", "role", "read",
                     "accepted", "rejected", "top reject reasons");
  for (const ingest::SourceData& s : report.ingest.sources) {
    const ingest::SourceSummary& m = s.summary;
    std::string reasons;
    for (size_t i = 0; i < m.reasons.size() && i < 3; ++i) {
      const auto& r = m.reasons[i];
      reasons += fmt::format("{}{}{}{} ×{}", i ? ", " : "", r.field, r.field.empty() ? "" : ":",
                             r.kind, r.count);
    }
    out += fmt::format("{:<12} {:<9} {:>10} {:>10} {:>9}  {}\n", m.name, m.role, m.rows_read,
                       m.rows_accepted, m.rows_rejected, reasons.empty() ? "-" : reasons);
  }
  if (report.checked) {
    out += fmt::format("\n{:<12} {:>10} {:>10} {:>16}  {}\n", "checks", "records", "findings",
                       "records failing", "most failed rules");
    for (size_t i = 0; i < report.check.results.size(); ++i) {
      const check::CheckResult& r = report.check.results[i];
      std::vector<const check::RuleSummary*> rules;
      for (const check::RuleSummary& rs : r.summaries) {
        if (rs.fails > 0) rules.push_back(&rs);
      }
      std::stable_sort(rules.begin(), rules.end(), [](const auto* a, const auto* b) { return a->fails > b->fails; });
      std::string top;
      for (size_t k = 0; k < rules.size() && k < 3; ++k) {
        top += fmt::format("{}{} ×{}", k ? ", " : "", rules[k]->rule_id, rules[k]->fails);
      }
      int64_t failing = 0;
      int64_t last_row = -1;
      for (const check::Finding& f : r.findings) {
        failing += f.row != last_row;
        last_row = f.row;
      }
      out += fmt::format("{:<12} {:>10} {:>10} {:>16}  {}\n", report.check.sources[i], r.num_rows,
                         r.findings.size(), failing, top.empty() ? "-" : top);
    }
  }
  if (report.linked) {
    out += fmt::format("\n{:<22} {:>9} {:>12} {:>9}  {}\n", "link job", "records", "candidates",
                       "matches", "accuracy of pairs >= threshold, and after clustering (against truth)");
    for (const link::LinkJobResult& job : report.link_jobs) {
      int64_t matches = 0;
      for (const link::LinkedPair& p : job.pairs) matches += p.probability >= job.settings.match_threshold;
      std::string accuracy = "-";
      for (const cluster::JobMetrics& m : report.link_metrics) {
        if (m.job != job.settings.name) continue;
        accuracy = fmt::format("precision {:.4f} recall {:.4f} F1 {:.4f} (clustered: F1 {:.4f})",
                               m.pairs.precision, m.pairs.recall, m.pairs.f1, m.clusters.pairwise.f1);
      }
      out += fmt::format("{:<22} {:>9} {:>12} {:>9}  {}\n", job.settings.name, job.records.size(),
                         job.candidate_pairs, matches, accuracy);
      // The blocking report: what each rule added, and its largest block.
      for (const link::RuleReport& rule : job.blocking.rules) {
        out += fmt::format("    block on {:<44} +{:>9} pairs (total {:>9}){}\n", rule.rule, rule.pairs,
                           rule.cumulative_pairs,
                           rule.largest.empty() ? std::string()
                                                : fmt::format(", largest block {}", rule.largest.front().size));
      }
      for (const std::string& w : job.blocking.warnings) out += "    warning: " + w + "\n";
    }
    out += fmt::format("persons: {} from {} records\n", report.persons.num_persons,
                       report.persons.num_records());
  }
  if (report.estimated) {
    const AreaBirths& c = report.estimate.county;
    out += fmt::format("\nbirths {} to {}: {} in the register, {} in hospital reports, {} in both, {} only outside the register\n",
                       FormatDate(report.estimate.settings.period_start),
                       FormatDate(report.estimate.settings.period_end), c.in_register, c.in_births,
                       c.in_both, c.only_elsewhere);
    if (c.has_estimate) {
      out += fmt::format("estimated births: {:.0f} (95% interval {:.0f} to {:.0f}); register completeness {:.1f}%{}\n",
                         c.dse.chapman, c.dse.interval.lower, c.dse.interval.upper, 100 * c.dse.completeness1,
                         c.true_births ? fmt::format(" (true births: {})", *c.true_births) : std::string());
      const LinkageAdjustment& l = report.estimate.linkage;
      if (c.adjusted) {
        out += fmt::format("  adjusted for linkage errors ({} rates of {}: false matches {:.2f}%, missed {:.2f}%{}); unadjusted {:.0f} ({:.0f} to {:.0f})\n",
                           l.source, l.job, 100 * l.rates.false_match_rate, 100 * l.rates.missed_match_rate,
                           l.true_rates ? fmt::format("; true {:.2f}%, {:.2f}%", 100 * l.true_rates->false_match_rate,
                                                      100 * l.true_rates->missed_match_rate)
                                        : std::string(),
                           c.unadjusted.chapman, c.unadjusted.interval.lower, c.unadjusted.interval.upper);
      } else if (!l.note.empty()) {
        out += "  not adjusted for linkage errors: " + l.note + "\n";
      }
      if (c.published_spread.draws > 1) {
        out += fmt::format("  clustering uncertainty: sd {:.2f} births over {} draws of the persons{} ({:.2f} s)\n",
                           std::sqrt(c.published_spread.variance), c.published_spread.draws,
                           c.adjusted ? " (" + l.job + " as linked)" : std::string(), report.estimate.draws_seconds);
      }
    }
    {
      const FollowUpTally& f = report.estimate.follow_up;
      out += fmt::format("follow-up: {} of {} births outside the register followed up{}\n", f.followed_up,
                         f.outside_register,
                         f.not_a_birth > 0 ? fmt::format(", {} records found to be no birth left out", f.not_a_birth)
                                           : std::string());
    }
    if (const SurveyDomain& d = report.estimate.survey; d.has_estimate) {
      out += fmt::format("in the {} villages the survey visited: {} births seen; three lists ({}) {:.1f} ({:.1f} to {:.1f}){}{}\n",
                         d.villages.size(), d.persons_seen, d.model, d.estimated_births, d.interval.lower,
                         d.interval.upper,
                         d.has_two_source ? fmt::format(", register and births only {:.1f} ({:.1f} to {:.1f})",
                                                        d.two_source.chapman, d.two_source.interval.lower,
                                                        d.two_source.interval.upper)
                                          : std::string(),
                         d.true_births ? fmt::format(" (true births: {})", *d.true_births) : std::string());
    }
  }
  out += fmt::format("\ningest summary: {}/ingest/summary.json\n", report.output_dir);
  out += fmt::format("rejected rows:  {}/ingest/rejects/\n", report.output_dir);
  if (report.checked) out += fmt::format("checks:         {}/check/ (findings.csv and .json, summary.json{})\n", report.output_dir, report.truth.empty() ? "" : ", metrics.json");
  if (!report.bulletin_path.empty()) out += fmt::format("bulletin:       {}\n", report.bulletin_path);
  if (report.estimated) out += fmt::format("follow-up list: {}/report/follow_up.csv (births to register, duplicates to merge; fill outcome, then vitalink follow-up)\n", report.output_dir);
  if (report.estimated) out += fmt::format("estimates:      {}/estimate/ (births.csv, summary.json)\n", report.output_dir);
  if (report.linked) out += fmt::format("linkage:        {}/link/ (pairs.csv, clusters.csv, model.json, metrics.json)\n", report.output_dir);
  out += fmt::format("finished in {:.2f} s\n", report.seconds);
  return out;
}

Result<RunReport> RunDemo(const DemoOptions& options) {
  if (options.months < 1 || options.months > 12) {
    return Status::InvalidArgument("demo months must be 1 to 12");
  }
  constexpr int kLastYear = 2026, kLastMonth = 10;
  // The demo's own store starts afresh, so its trend shows these months only.
  for (const char* f : {"project.sqlite", "project.sqlite-wal", "project.sqlite-shm"}) {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(options.dir) / "out" / f, ec);
  }
  Result<RunReport> last = Status::Internal("no month ran");
  for (int i = options.months - 1; i >= 0; --i) {
    const int index = kLastYear * 12 + (kLastMonth - 1) - i;
    const std::string month = fmt::format("{:04d}-{:02d}", index / 12, index % 12 + 1);
    synth::GenerateOptions gen;
    gen.out_dir = (std::filesystem::path(options.dir) / month).string();
    gen.persons = options.persons;
    gen.seed = options.seed;
    gen.end_month = month;
    gen.rates = synth::ErrorRates{}.Scaled(std::pow(0.8, options.months - 1 - i));
    if (options.progress) options.progress("month " + month + ": generating the county");
    VL_RETURN_IF_ERROR(synth::GenerateCounty(gen).status());
    RunOptions run;
    run.output_dir = (std::filesystem::path(options.dir) / "out").string();
    run.lang = options.lang;
    if (options.progress) {
      run.progress = [&options, month](std::string_view what) {
        options.progress("month " + month + ": " + std::string(what));
      };
    }
    last = RunProject((std::filesystem::path(gen.out_dir) / "project.toml").string(), run);
    if (!last.ok()) return last.status().WithContext("demo month " + month);
  }
  return last;
}

}  // namespace vitalink::pipeline
