// The review queue: the doubtful pairs of a run's link jobs, explained and ordered for
// clerical review.
//
// A pair is doubtful when its match probability p lies in [low, high]. Each item carries
// both records (every field of the ingested row, as text), the match weight split into a
// waterfall (prior, one term per comparison, and whatever the scoring added on top: term
// frequencies or a per-rule non-match model), the township of each record and a priority:
//
//   priority = P(a decision flips the pair) × (1 + [a births record is involved])
//
// where P(flip) = 1 − p for a pair the run put in one person (a "non-match" would split it)
// and p for one it did not. Whether the run linked a pair is read from its persons, not
// from p alone: one-to-one linking and constraints can keep apart a pair above the threshold.
// Splitting or joining two records changes the person count by one; when a birth report is involved
// it also changes the births found outside the register, the headline figure, so those pairs count
// twice. Items are sorted by descending priority, then job and pair key, so the order is
// deterministic.
//
//   VL_ASSIGN_OR_RETURN(ReviewQueue q, BuildReviewQueue(ingest, jobs, persons, &areas, {}));
//   VL_RETURN_IF_ERROR(WriteFileAtomic(out + "/link/review.json", ReviewQueueJson(q)));
//   VL_ASSIGN_OR_RETURN(ReviewQueue again, ParseReviewQueue(text));   // vitalink serve
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vitalink/cluster/persons.h"
#include "vitalink/common/area_codes.h"
#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/link/linker.h"

namespace vitalink::review {

struct QueueOptions {
  double low = 0.05;          // lowest match probability reviewed
  double high = 0.95;         // highest
  int64_t max_items = 50000;  // the queue keeps the highest-priority items
};

/// One record as a reviewer sees it.
struct ReviewRecord {
  std::string source;
  std::string role;
  std::string record_id;
  int64_t line = 0;                                         // line in the source file
  std::vector<std::pair<std::string, std::string>> fields;  // canonical name → text, "" for null
  std::string township_code;  // 9-digit code from area_code, "" when unknown
  std::string township_name;

  bool operator==(const ReviewRecord&) const = default;
};

/// One bar of the waterfall.
struct WeightBar {
  std::string label;  // "prior", a comparison's name, or "adjustment"
  std::string level;  // the comparison's level label ("exact", "null", ...)
  double weight = 0;  // log2 Bayes factor

  bool operator==(const WeightBar&) const = default;
};

struct ReviewItem {
  std::string key;  // job|source_a|id_a|source_b|id_b, endpoints in canonical order
  std::string job;
  ReviewRecord a;  // a has the smaller (source, record_id), as store::Decision
  ReviewRecord b;
  double weight = 0;
  double probability = 0;
  double threshold = 0.5;
  bool linked = false;  // the run put both records in one person
  double priority = 0;
  std::vector<WeightBar> waterfall;

  bool operator==(const ReviewItem&) const = default;
};

struct ReviewQueue {
  std::string run_label;  // the run's period, e.g. "2026-10"
  QueueOptions options;
  int64_t doubtful_pairs = 0;  // in the band before max_items
  std::vector<ReviewItem> items;
};

/// Return the canonical key of a pair: the endpoint with the smaller (source, record id)
/// first, as store::SaveDecision orders it.
std::string PairKey(std::string_view job, std::string_view source_a, std::string_view id_a,
                    std::string_view source_b, std::string_view id_b);

/// Build the queue from a run's link jobs and the persons clustered from them. `areas`
/// (may be null) names townships.
/// InvalidArgument when low > high or either is outside [0, 1].
Result<ReviewQueue> BuildReviewQueue(const ingest::IngestResult& ingest,
                                     std::span<const link::LinkJobResult> jobs,
                                     const cluster::Persons& persons, const AreaTable* areas,
                                     const QueueOptions& options);

/// Return a record as the JSON object the queue file and the server's API share: source,
/// role, record_id, line, township, township_name, fields ([name, value] pairs, in order).
nlohmann::ordered_json RecordJson(const ReviewRecord& record);

/// Return an item as the JSON object the queue file and the server's API share: key, job,
/// weight, probability, threshold, linked, priority, a, b (RecordJson) and the waterfall —
/// compact [label, level, weight] triples for the file, {label, level, weight} objects
/// for the API (`bars_as_objects`).
nlohmann::ordered_json ItemJson(const ReviewItem& item, bool bars_as_objects);

/// Return the queue as JSON (format "vitalink-review-queue/1").
std::string ReviewQueueJson(const ReviewQueue& queue);

/// Parse what ReviewQueueJson wrote. ParseError on malformed JSON or a wrong format tag.
Result<ReviewQueue> ParseReviewQueue(std::string_view text);

}  // namespace vitalink::review
