#include "vitalink/review/queue.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace vitalink::review {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kFormat = "vitalink-review-queue/1";

ReviewRecord MakeRecord(const ingest::SourceData& src, int64_t row, const AreaTable* areas) {
  ReviewRecord r;
  r.source = src.config.name;
  r.role = src.config.role;
  r.line = src.table.origin_line(row);
  for (int c = 0; c < src.table.num_columns(); ++c) {
    const std::string& name = src.table.column(c).name();
    std::string value =
        src.table.column(c).IsNull(row) ? std::string() : src.table.ValueAsString(row, c);
    if (name == "record_id") {
      r.record_id = std::move(value);
      continue;
    }
    if (name == "area_code" && value.size() >= 9) {
      r.township_code = value.substr(0, 9);
      if (areas != nullptr) {
        if (const AreaInfo* t = areas->Find(r.township_code)) r.township_name = t->name;
      }
    }
    r.fields.emplace_back(name, std::move(value));
  }
  return r;
}

ReviewRecord ParseRecord(const Json& j) {
  ReviewRecord r;
  r.source = j.at("source").get<std::string>();
  r.role = j.at("role").get<std::string>();
  r.record_id = j.at("record_id").get<std::string>();
  r.line = j.at("line").get<int64_t>();
  r.township_code = j.at("township").get<std::string>();
  r.township_name = j.at("township_name").get<std::string>();
  for (const Json& f : j.at("fields"))
    r.fields.emplace_back(f.at(0).get<std::string>(), f.at(1).get<std::string>());
  return r;
}

}  // namespace

std::string PairKey(std::string_view job, std::string_view source_a, std::string_view id_a,
                    std::string_view source_b, std::string_view id_b) {
  if (std::tie(source_b, id_b) < std::tie(source_a, id_a)) {
    std::swap(source_a, source_b);
    std::swap(id_a, id_b);
  }
  std::string key;
  key.reserve(job.size() + source_a.size() + id_a.size() + source_b.size() + id_b.size() + 4);
  for (std::string_view part : {job, source_a, id_a, source_b, id_b}) {
    if (!key.empty()) key.push_back('|');
    key.append(part);
  }
  return key;
}

Result<ReviewQueue> BuildReviewQueue(const ingest::IngestResult& ingest,
                                     std::span<const link::LinkJobResult> jobs,
                                     const cluster::Persons& persons, const AreaTable* areas,
                                     const QueueOptions& options) {
  if (persons.offsets.size() != ingest.sources.size()) {
    return Status::InvalidArgument("review queue: the persons do not cover the ingested sources");
  }
  if (!(options.low >= 0 && options.high <= 1 && options.low <= options.high)) {
    return Status::InvalidArgument("review band [" + std::to_string(options.low) + ", " +
                                   std::to_string(options.high) +
                                   "] must lie in [0, 1] with low ≤ high");
  }
  std::map<std::string, size_t, std::less<>> source_by_name;
  for (size_t s = 0; s < ingest.sources.size(); ++s)
    source_by_name[ingest.sources[s].config.name] = s;

  ReviewQueue queue;
  queue.options = options;
  std::vector<uint8_t> gamma;
  for (const link::LinkJobResult& job : jobs) {
    const link::RecordSet& rs = job.records;
    const link::ModelShape& shape = job.model.shape();
    gamma.resize(static_cast<size_t>(shape.num_comparisons()));
    auto global = [&](int64_t rec) -> Result<int64_t> {
      const auto it = source_by_name.find(rs.source_name(rs.source_index(rec)));
      if (it == source_by_name.end()) {
        return Status::Internal("link job '" + job.settings.name +
                                "' names a source the ingest lacks");
      }
      return persons.offsets[it->second] + rs.source_row(rec);
    };
    auto record = [&](int64_t rec) {
      const auto it = source_by_name.find(rs.source_name(rs.source_index(rec)));
      return MakeRecord(ingest.sources[it->second], rs.source_row(rec), areas);
    };
    for (const link::LinkedPair& lp : job.pairs) {
      if (lp.probability < options.low || lp.probability > options.high) continue;
      ++queue.doubtful_pairs;
      ReviewItem item;
      VL_ASSIGN_OR_RETURN(const int64_t ga, global(lp.a));  // checks the sources exist
      VL_ASSIGN_OR_RETURN(const int64_t gb, global(lp.b));
      item.a = record(lp.a);
      item.job = job.settings.name;
      item.b = record(lp.b);
      if (std::tie(item.b.source, item.b.record_id) < std::tie(item.a.source, item.a.record_id)) {
        std::swap(item.a, item.b);
      }
      item.key =
          PairKey(item.job, item.a.source, item.a.record_id, item.b.source, item.b.record_id);
      item.weight = lp.weight;
      item.probability = lp.probability;
      item.threshold = job.settings.match_threshold;
      item.linked =
          persons.labels.at(static_cast<size_t>(ga)) == persons.labels.at(static_cast<size_t>(gb));
      const bool births = item.a.role == "births" || item.b.role == "births";
      item.priority = (item.linked ? 1.0 - lp.probability : lp.probability) * (births ? 2.0 : 1.0);
      shape.Decode(lp.pattern, gamma.data());
      const link::WeightExplanation why = job.model.Explain(gamma.data());
      item.waterfall.push_back({"prior", "", why.prior_weight});
      for (const link::WeightTerm& t : why.terms)
        item.waterfall.push_back({t.comparison, t.level_label, t.weight()});
      // Term-frequency adjustments and per-rule non-match models score on top of the
      // shared model; show their sum as one bar so the bars add up to the pair's weight.
      const double rest = lp.weight - why.total_weight;
      if (std::abs(rest) > 1e-9) item.waterfall.push_back({"adjustment", "", rest});
      queue.items.push_back(std::move(item));
    }
  }
  std::sort(queue.items.begin(), queue.items.end(), [](const ReviewItem& x, const ReviewItem& y) {
    if (x.priority != y.priority) return x.priority > y.priority;
    return x.key < y.key;
  });
  if (static_cast<int64_t>(queue.items.size()) > options.max_items) {
    queue.items.resize(static_cast<size_t>(options.max_items));
  }
  return queue;
}

Json RecordJson(const ReviewRecord& r) {
  Json fields = Json::array();
  for (const auto& [name, value] : r.fields) fields.push_back(Json::array({name, value}));
  return Json{{"source", r.source},          {"role", r.role},
              {"record_id", r.record_id},    {"line", r.line},
              {"township", r.township_code}, {"township_name", r.township_name},
              {"fields", std::move(fields)}};
}

Json ItemJson(const ReviewItem& it, bool bars_as_objects) {
  Json bars = Json::array();
  for (const WeightBar& b : it.waterfall) {
    bars.push_back(bars_as_objects ? Json{{"label", b.label}, {"level", b.level}, {"weight", b.weight}}
                                   : Json::array({b.label, b.level, b.weight}));
  }
  return Json{{"key", it.key},
              {"job", it.job},
              {"weight", it.weight},
              {"probability", it.probability},
              {"threshold", it.threshold},
              {"linked", it.linked},
              {"priority", it.priority},
              {"a", RecordJson(it.a)},
              {"b", RecordJson(it.b)},
              {"waterfall", std::move(bars)}};
}

std::string ReviewQueueJson(const ReviewQueue& queue) {
  Json items = Json::array();
  for (const ReviewItem& it : queue.items) items.push_back(ItemJson(it, false));
  Json j{{"format", kFormat},
         {"run_label", queue.run_label},
         {"band", Json::array({queue.options.low, queue.options.high})},
         {"max_items", queue.options.max_items},
         {"doubtful_pairs", queue.doubtful_pairs},
         {"items", std::move(items)}};
  return j.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<ReviewQueue> ParseReviewQueue(std::string_view text) {
  try {
    const Json j = Json::parse(text);
    if (!j.is_object() || j.value("format", "") != kFormat) {
      return Status::ParseError("not a review queue (format tag '" + std::string(kFormat) +
                                "' expected)");
    }
    ReviewQueue q;
    q.run_label = j.at("run_label").get<std::string>();
    q.options.low = j.at("band").at(0).get<double>();
    q.options.high = j.at("band").at(1).get<double>();
    q.options.max_items = j.at("max_items").get<int64_t>();
    q.doubtful_pairs = j.at("doubtful_pairs").get<int64_t>();
    for (const Json& it : j.at("items")) {
      ReviewItem item;
      item.key = it.at("key").get<std::string>();
      item.job = it.at("job").get<std::string>();
      item.weight = it.at("weight").get<double>();
      item.probability = it.at("probability").get<double>();
      item.threshold = it.at("threshold").get<double>();
      item.linked = it.at("linked").get<bool>();
      item.priority = it.at("priority").get<double>();
      item.a = ParseRecord(it.at("a"));
      item.b = ParseRecord(it.at("b"));
      for (const Json& b : it.at("waterfall")) {
        item.waterfall.push_back(
            {b.at(0).get<std::string>(), b.at(1).get<std::string>(), b.at(2).get<double>()});
      }
      q.items.push_back(std::move(item));
    }
    return q;
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(std::string("review queue: ") + e.what());
  }
}

}  // namespace vitalink::review
