#include "vitalink/pipeline/review_step.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "vitalink/common/area_codes.h"
#include "vitalink/common/file_io.h"
#include "vitalink/ingest/config_toml.h"
#include "vitalink/pipeline/pipeline.h"
#include "vitalink/review/decisions.h"

namespace vitalink::pipeline {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Result<review::QueueOptions> ParseReviewSettings(const ingest::ProjectConfig& config) {
  review::QueueOptions q;
  VL_ASSIGN_OR_RETURN(toml::table root, ingest::ParseConfigToml(config));
  const toml::table* t = root["review"].as_table();
  if (t == nullptr) return q;
  for (const auto& [key, node] : *t) {
    const std::string k(key.str());
    const std::string where = ingest::ConfigWhere(config, node.source());
    if (k == "low" || k == "high") {
      const std::optional<double> v = node.value<double>();
      if (!v || *v < 0 || *v > 1)
        return Status::InvalidArgument(where + ": review." + k + ": expected a number in [0, 1]");
      (k == "low" ? q.low : q.high) = *v;
    } else if (k == "max_items") {
      const std::optional<int64_t> v = node.value<int64_t>();
      if (!v || *v < 1)
        return Status::InvalidArgument(where + ": review.max_items: expected a positive integer");
      q.max_items = *v;
    } else {
      return Status::InvalidArgument(where + ": review: unknown key '" + k +
                                     "' (known: low, high, max_items)");
    }
  }
  if (q.low > q.high)
    return Status::InvalidArgument(config.path + ": review: low must not exceed high");
  return q;
}

namespace {

Json NumberOrNull(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

}  // namespace

Status WriteReviewOutputs(const RunReport& report, const std::string& dir) {
  VL_ASSIGN_OR_RETURN(review::QueueOptions options, ParseReviewSettings(report.config));
  // Township names only where records carry area codes: FEBRL-like projects then never
  // load the national table.
  bool has_areas = false;
  for (const ingest::SourceData& s : report.ingest.sources) has_areas |= s.table.FindColumn("area_code") >= 0;
  const AreaTable* areas = nullptr;
  if (has_areas) {
    if (auto table = DefaultAreaTable(); table.ok()) areas = *table;
  }
  VL_ASSIGN_OR_RETURN(review::ReviewQueue queue,
                      review::BuildReviewQueue(report.ingest, report.link_jobs, report.persons,
                                               areas, options));
  queue.run_label = report.run_label;
  VL_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(dir) / "review.json").string(), review::ReviewQueueJson(queue)));

  const review::AppliedDecisions& applied = report.review;
  Json jobs = Json::array();
  for (size_t i = 0; i < report.labels.size() && i < report.label_error_rates.size(); ++i) {
    const review::LabelMetrics& l = report.labels[i];
    Json rows = Json::array();
    for (const review::LabelThresholdRow& r : l.by_threshold) {
      rows.push_back(Json{{"threshold", r.threshold},
                          {"true_positives", r.true_positives},
                          {"false_positives", r.false_positives},
                          {"false_negatives", r.false_negatives},
                          {"precision", NumberOrNull(r.precision)},
                          {"recall", NumberOrNull(r.recall)}});
    }
    const review::JobErrorRates& rates = report.label_error_rates[i];
    jobs.push_back(Json{{"job", l.job},
                        {"labelled_matches", l.matches},
                        {"labelled_non_matches", l.non_matches},
                        {"error_rates", Json{{"false_match_rate", rates.false_match_rate},
                                             {"missed_match_rate", rates.missed_match_rate},
                                             {"declared", rates.declared},
                                             {"expected_false", rates.expected_false},
                                             {"expected_missed", rates.expected_missed},
                                             {"labels_used", rates.labels_used}}},
                        {"by_threshold", std::move(rows)}});
  }
  Json j{{"decisions", applied.decisions},
         {"must_link", applied.must_link},
         {"cannot_link", applied.cannot_link},
         {"unsure", applied.unsure},
         {"unknown_records", applied.unknown_records},
         {"conflicts_dropped", applied.conflicts_dropped},
         {"doubtful_pairs", queue.doubtful_pairs},
         {"queue_items", queue.items.size()},
         {"jobs", std::move(jobs)}};
  return WriteFileAtomic((fs::path(dir) / "labels.json").string(), j.dump(2) + "\n");
}

}  // namespace vitalink::pipeline
