#include "vitalink/pipeline/estimate_step.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/csv_writer.h"
#include "vitalink/common/date.h"
#include "vitalink/common/file_io.h"
#include "vitalink/estimate/capture_table.h"
#include "vitalink/ingest/config_toml.h"
#include "vitalink/ingest/csv_reader.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

// True births of the period per township and per village (the two code
// lengths never collide), from the generator's persons.csv.
Result<std::map<std::string, int64_t>> TrueBirths(const std::string& path) {
  std::map<std::string, int64_t> out;
  VL_ASSIGN_OR_RETURN(ingest::CsvReader reader, ingest::CsvReader::Open(path, {}));
  int born = -1, town = -1, village = -1;
  for (size_t i = 0; i < reader.header().size(); ++i) {
    if (reader.header()[i] == "born_in_period") born = static_cast<int>(i);
    if (reader.header()[i] == "township_code") town = static_cast<int>(i);
    if (reader.header()[i] == "village_code") village = static_cast<int>(i);
  }
  if (born < 0 || town < 0) return out;
  ingest::CsvRow row;
  while (reader.Next(row)) {
    if (row.error != ingest::CsvRowError::kNone) continue;
    if (row.fields[static_cast<size_t>(born)] != "1") continue;
    ++out[std::string(row.fields[static_cast<size_t>(town)])];
    if (village >= 0 && !row.fields[static_cast<size_t>(village)].empty()) {
      ++out[std::string(row.fields[static_cast<size_t>(village)])];
    }
  }
  return out;
}

const char* IntervalMethodName(estimate::DualIntervalMethod m) {
  switch (m) {
    case estimate::DualIntervalMethod::kNormal: return "normal";
    case estimate::DualIntervalMethod::kLogNormal: return "lognormal";
    case estimate::DualIntervalMethod::kProfile: return "profile";
  }
  return "profile";
}

nlohmann::ordered_json AreaJson(const AreaBirths& a) {
  nlohmann::ordered_json j;
  j["code"] = a.code;
  j["in_register"] = a.in_register;
  j["in_births_reports"] = a.in_births;
  j["in_both"] = a.in_both;
  j["only_elsewhere"] = a.only_elsewhere;
  if (a.has_estimate) {
    // The published (adjusted when an adjustment applies) estimate first.
    j["estimated_births"] = a.dse.chapman;
    j["interval"] = {a.dse.interval.lower, a.dse.interval.upper};
    j["interval_method"] = IntervalMethodName(a.dse.method);
    j["linkage_adjusted"] = a.adjusted;
    if (a.adjusted) j["adjusted_in_both"] = a.dse.m;
    j["register_completeness"] = a.dse.completeness1;
    j["register_completeness_interval"] = {a.dse.completeness1_interval.lower,
                                           a.dse.completeness1_interval.upper};
    if (!a.dse.note.empty()) j["note"] = a.dse.note;
    if (a.published_spread.draws > 0) {
      j["clustering"] = {{"draws", a.published_spread.draws},
                         {"mean", a.published_spread.mean},
                         {"sd", std::sqrt(a.published_spread.variance)},
                         {"linkage_job_held", a.adjusted}};
    }
    nlohmann::ordered_json u;
    u["estimated_births"] = a.unadjusted.chapman;
    u["interval"] = {a.unadjusted.interval.lower, a.unadjusted.interval.upper};
    u["interval_method"] = IntervalMethodName(a.unadjusted.method);
    u["register_completeness"] = a.unadjusted.completeness1;
    if (a.draw_spread.draws > 0) {
      u["clustering"] = {{"draws", a.draw_spread.draws},
                         {"mean", a.draw_spread.mean},
                         {"sd", std::sqrt(a.draw_spread.variance)},
                         {"interval", {a.widened.lower, a.widened.upper}}};
    }
    j["unadjusted"] = std::move(u);
  }
  if (a.true_births) j["true_births"] = *a.true_births;
  return j;
}

// The link job between exactly the register and the births sources, if any.
const link::LinkJobResult* FindRegisterBirthsJob(std::span<const link::LinkJobResult> jobs,
                                                 const EstimateSettings& s) {
  for (const link::LinkJobResult& job : jobs) {
    const auto& names = job.settings.sources;
    if (names.size() != 2) continue;
    if ((names[0] == s.register_source && names[1] == s.births_source) ||
        (names[0] == s.births_source && names[1] == s.register_source)) {
      return &job;
    }
  }
  return nullptr;
}

constexpr uint8_t kRegister = 1, kBirths = 2, kSurvey = 4, kOther = 8;

// What each record tells about its person: the list it is in, its vote on the
// period (in − out), and its area code with the rank of its source (the
// register says best where a person lives, then the birth report). Computed
// once per run; a clustering — the run's or a draw's — then only adds them up.
// Indexed by global record (Persons::offsets[source] + row).
struct RecordFacts {
  std::vector<uint8_t> bit;
  std::vector<int8_t> vote;
  std::vector<uint32_t> area;
  std::vector<uint8_t> rank;
};

// A record staff found is no birth of the period (`not_a_birth`, by global record)
// is in no list and casts no vote.
RecordFacts CollectRecordFacts(const EstimateSettings& s, const ingest::IngestResult& ingest,
                               std::span<const uint8_t> not_a_birth) {
  RecordFacts f;
  auto in_period = [&s](int32_t d) { return d >= s.period_start && d <= s.period_end; };
  for (const ingest::SourceData& src : ingest.sources) {
    const uint8_t bit = src.config.name == s.register_source ? kRegister
                        : src.config.name == s.births_source ? kBirths
                        : src.config.name == s.survey_source ? kSurvey
                                                             : kOther;
    const uint8_t rank = bit == kRegister ? 0 : bit == kBirths ? 1 : bit == kSurvey ? 2 : 3;
    const Column* born = src.table.GetColumn("birth_date");
    const Column* code = src.table.GetColumn("area_code");
    const Column* id = src.table.GetColumn("id_number");
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      int vote = 0;  // −2 … 2
      if (born != nullptr) {
        const int32_t d = born->date(r);
        if (d != kNullDate) {
          vote += in_period(d) ? 1 : -1;
        } else if (bit == kBirths) {
          ++vote;
        }
      }
      if (id != nullptr && id->is_string() && !id->IsNull(r)) {
        const CitizenIdInfo info = ParseCitizenId(ingest.pool->Get(id->string_id(r)));
        if (info.status == IdStatus::kValid) vote += in_period(info.birth_days) ? 1 : -1;
      }
      const size_t global = f.bit.size();
      if (global < not_a_birth.size() && not_a_birth[global] != 0) {
        f.bit.push_back(0);
        f.vote.push_back(0);
        f.area.push_back(StringPool::kNull);
        f.rank.push_back(255);
        continue;
      }
      f.bit.push_back(bit);
      f.vote.push_back(static_cast<int8_t>(vote));
      const bool coded = code != nullptr && !code->IsNull(r);
      f.area.push_back(coded ? code->string_id(r) : StringPool::kNull);
      f.rank.push_back(coded ? rank : 255);
    }
  }
  return f;
}

// Per person of a clustering: the lists holding it when it is a birth of the
// period (else 0), and its best area code.
struct PersonFacts {
  std::vector<uint8_t> lists;
  std::vector<uint32_t> area;
};

PersonFacts AddUpPersons(const RecordFacts& f, std::span<const int64_t> labels, int64_t num_persons) {
  const auto n = static_cast<size_t>(num_persons);
  std::vector<uint8_t> held(n, 0), area_rank(n, 255);
  std::vector<int32_t> votes(n, 0);
  PersonFacts out;
  out.area.assign(n, StringPool::kNull);
  for (size_t r = 0; r < labels.size(); ++r) {
    const auto p = static_cast<size_t>(labels[r]);
    held[p] |= f.bit[r];
    votes[p] += f.vote[r];
    if (f.rank[r] < area_rank[p]) {
      area_rank[p] = f.rank[r];
      out.area[p] = f.area[r];
    }
  }
  out.lists.assign(n, 0);
  for (size_t p = 0; p < n; ++p) {
    const bool period = votes[p] > 0 || (votes[p] == 0 && (held[p] & kBirths) != 0);
    if (period) out.lists[p] = held[p];
  }
  return out;
}

// Capture histories (index = lists & 7) per area of one clustering: the county
// under `county`, townships by 9-digit code ("unknown" without one), villages by
// 12-digit code, and the surveyed villages together under "survey".
std::unordered_map<std::string, std::array<int64_t, 8>> AreaHistories(
    const PersonFacts& pf, const StringPool& pool, const std::string& county,
    const std::vector<std::string>& survey_villages) {
  std::unordered_map<std::string, std::array<int64_t, 8>> out;
  for (size_t p = 0; p < pf.lists.size(); ++p) {
    const uint8_t h = pf.lists[p] & 7;
    if (h == 0) continue;
    ++out[county][h];
    std::string_view c;
    if (pf.area[p] != StringPool::kNull) c = pool.Get(pf.area[p]);
    ++out[c.size() >= 9 ? std::string(c.substr(0, 9)) : std::string("unknown")][h];
    if (c.size() >= 12) {
      const std::string_view v = c.substr(0, 12);
      ++out[std::string(v)][h];
      if (std::binary_search(survey_villages.begin(), survey_villages.end(), v)) ++out["survey"][h];
    }
  }
  return out;
}

// The villages the survey visited and, over them, the three-source estimate
// (SurveyDomain). `lists` and `area` are per person, as in RunEstimateStep.
SurveyDomain EstimateSurveyDomain(const EstimateSettings& s, const ingest::IngestResult& ingest,
                                  const std::vector<uint8_t>& lists, const std::vector<uint32_t>& area) {
  SurveyDomain dom;
  const ingest::SourceData* survey = nullptr;
  const ingest::SourceData* reg = nullptr;
  for (const ingest::SourceData& src : ingest.sources) {
    if (src.config.name == s.survey_source) survey = &src;
    if (src.config.name == s.register_source) reg = &src;
  }
  if (s.survey_source.empty() || survey == nullptr) {
    dom.note = "no survey source";
    return dom;
  }
  // Records per village: counted per interned code first (one hash increment a
  // row), then folded to 12-digit villages over the few distinct codes.
  auto village_counts = [&](const ingest::SourceData& src) {
    std::map<std::string, int64_t> counts;
    const Column* code = src.table.GetColumn("area_code");
    if (code == nullptr) return counts;
    std::unordered_map<uint32_t, int64_t> per_code;
    for (int64_t r = 0; r < src.table.num_rows(); ++r) {
      if (!code->IsNull(r)) ++per_code[code->string_id(r)];
    }
    for (const auto& [id, n] : per_code) {
      const std::string_view c = ingest.pool->Get(id);
      if (c.size() >= 12) counts[std::string(c.substr(0, 12))] += n;
    }
    return counts;
  };
  const std::map<std::string, int64_t> in_survey = village_counts(*survey);
  const std::map<std::string, int64_t> in_register =
      reg != nullptr ? village_counts(*reg) : std::map<std::string, int64_t>{};
  for (const auto& [code, n] : in_survey) {
    const auto it = in_register.find(code);
    const int64_t registered = it == in_register.end() ? 0 : it->second;
    if (n >= 3 && 2 * n >= registered) dom.villages.push_back(code);
  }
  for (size_t p = 0; p < lists.size(); ++p) {
    if ((lists[p] & 7) == 0 || area[p] == StringPool::kNull) continue;
    const std::string_view c = ingest.pool->Get(area[p]);
    if (c.size() < 12 || !std::binary_search(dom.villages.begin(), dom.villages.end(), c.substr(0, 12))) continue;
    ++dom.histories[lists[p] & 7];
    ++dom.persons_seen;
  }
  if (dom.villages.empty()) {
    dom.note = "the survey visited no village (none with 3 survey records and half the register's)";
    return dom;
  }
  if (dom.persons_seen == 0) {
    dom.note = "no birth of the period seen in the surveyed villages";
    return dom;
  }
  if (auto three = estimate::EstimateThreeLists(dom.histories, {}); three.ok()) {
    const estimate::LogLinearFit& f = three->fit;
    dom.has_estimate = true;
    dom.model = f.model.Name(3);
    dom.estimated_births = f.n_hat;
    dom.interval = f.profile.interval;
    dom.extended = f.extended;
  } else {
    dom.note = three.status().message();
  }
  const estimate::TwoListCounts c = estimate::TwoLists(dom.histories);
  if (auto two = estimate::EstimateDualSystem(c.n1, c.n2, static_cast<double>(c.m)); two.ok()) {
    dom.two_source = std::move(*two);
    dom.has_two_source = true;
  }
  return dom;
}

}  // namespace

Result<EstimateSettings> ParseEstimateSettings(const ingest::ProjectConfig& config) {
  EstimateSettings s;
  VL_ASSIGN_OR_RETURN(toml::table root, ingest::ParseConfigToml(config));
  const toml::table* t = root["estimate"].as_table();
  if (t == nullptr) return s;
  s.enabled = true;
  auto where = [&](const toml::node* n) {
    return n != nullptr ? ingest::ConfigWhere(config, n->source()) : config.path;
  };
  for (const auto& [key, node] : *t) {
    const std::string k(key.str());
    if (k == "linkage_draws") {
      const auto v = node.value<int64_t>();
      if (!node.is_integer() || !v || *v < 0 || *v > 1000) {
        return Status::InvalidArgument(where(&node) + ": estimate.linkage_draws: expected an integer 0-1000");
      }
      s.linkage_draws = static_cast<int>(*v);
      continue;
    }
    if (!node.is_string()) return Status::InvalidArgument(where(&node) + ": estimate." + k + ": expected a string");
    const std::string v = node.as_string()->get();
    if (k == "period_start" || k == "period_end") {
      auto d = ParseIsoDate(v);
      if (!d) return Status::InvalidArgument(where(&node) + ": estimate." + k + ": expected YYYY-MM-DD");
      (k == "period_start" ? s.period_start : s.period_end) = *d;
    } else if (k == "register") {
      s.register_source = v;
    } else if (k == "births") {
      s.births_source = v;
    } else if (k == "survey") {
      s.survey_source = v;
    } else if (k == "linkage_adjustment") {
      if (v != "model" && v != "none") {
        return Status::InvalidArgument(where(&node) + ": estimate.linkage_adjustment: expected \"model\" or \"none\"");
      }
      s.adjust_linkage = v == "model";
    } else {
      return Status::InvalidArgument(where(&node) + ": estimate: unknown key '" + k +
                                     "' (known: period_start, period_end, register, births, survey, linkage_adjustment, "
                                     "linkage_draws)");
    }
  }
  if (s.period_start == 0 || s.period_end == 0 || s.period_end < s.period_start) {
    return Status::InvalidArgument(config.path + ": [estimate] needs period_start <= period_end");
  }
  for (const auto& src : config.sources) {
    if (s.register_source.empty() && src.role == "register") s.register_source = src.name;
    if (s.births_source.empty() && src.role == "births") s.births_source = src.name;
    if (s.survey_source.empty() && src.role == "survey") s.survey_source = src.name;
  }
  if (s.register_source.empty() || s.births_source.empty()) {
    return Status::InvalidArgument(config.path + ": [estimate] needs a register and a births source");
  }
  return s;
}

Result<LinkageAdjustment> LinkageRatesFromJob(const link::LinkJobResult& job,
                                              const ingest::IngestResult& ingest,
                                              const cluster::Persons& persons,
                                              const std::string& register_source,
                                              const std::string& births_source,
                                              const PairLabels* labels) {
  LinkageAdjustment out;
  out.job = job.settings.name;
  // Record-set source index → ingest source index.
  std::vector<int> ingest_index(static_cast<size_t>(job.records.num_sources()), -1);
  int register_si = -1, births_si = -1;
  for (size_t si = 0; si < ingest.sources.size(); ++si) {
    const std::string& name = ingest.sources[si].config.name;
    if (name == register_source) register_si = static_cast<int>(si);
    if (name == births_source) births_si = static_cast<int>(si);
    for (int k = 0; k < job.records.num_sources(); ++k) {
      if (job.records.source_name(k) == name) ingest_index[static_cast<size_t>(k)] = static_cast<int>(si);
    }
  }
  if (register_si < 0 || births_si < 0) {
    return Status::FailedPrecondition("linkage rates: register or births source not ingested");
  }
  // Persons holding a register record.
  std::vector<uint8_t> has_register(static_cast<size_t>(persons.num_persons), 0);
  const int64_t register_rows = ingest.sources[static_cast<size_t>(register_si)].table.num_rows();
  const int64_t register_offset = persons.offsets[static_cast<size_t>(register_si)];
  for (int64_t r = 0; r < register_rows; ++r) {
    has_register[static_cast<size_t>(persons.labels[static_cast<size_t>(register_offset + r)])] = 1;
  }
  // Per births row, the chance that it has a true partner in the register:
  // min(1, Σ P) over its candidate pairs to register records. The count m*
  // needs only that: a births record declared linked (its person holds a
  // register record) is an error for m* when it has no partner at all, and a
  // record left unlinked when it has one. Which register record it went to
  // does not matter for the count — twins linked crosswise still make two
  // matches — so all its pairs add to the chance, not only those to its own
  // person.
  const int64_t births_rows = ingest.sources[static_cast<size_t>(births_si)].table.num_rows();
  const int64_t births_offset = persons.offsets[static_cast<size_t>(births_si)];
  std::vector<double> partner_sum(static_cast<size_t>(births_rows), 0.0);
  std::vector<uint8_t> has_pair(static_cast<size_t>(births_rows), 0);
  for (const link::LinkedPair& pair : job.pairs) {
    const int sa = ingest_index[static_cast<size_t>(job.records.source_index(pair.a))];
    const int sb = ingest_index[static_cast<size_t>(job.records.source_index(pair.b))];
    int64_t birth_rec = -1;
    if (sa == births_si && sb == register_si) {
      birth_rec = pair.a;
    } else if (sa == register_si && sb == births_si) {
      birth_rec = pair.b;
    } else {
      continue;
    }
    double p = pair.probability;
    if (labels != nullptr) {
      if (auto it = labels->find({pair.a, pair.b}); it != labels->end()) {
        p = it->second ? 1.0 : 0.0;
        ++out.labels_used;
      }
    }
    const auto row = static_cast<size_t>(job.records.source_row(birth_rec));
    partner_sum[row] += p;
    has_pair[row] = 1;
  }
  std::vector<double> declared, undeclared;
  for (int64_t r = 0; r < births_rows; ++r) {
    const auto row = static_cast<size_t>(r);
    const auto label = persons.labels[static_cast<size_t>(births_offset + r)];
    const double p = std::min(1.0, partner_sum[row]);
    if (!has_pair[row]) continue;  // no pair here (linked, if at all, through other jobs): no evidence
    if (has_register[static_cast<size_t>(label)]) {
      declared.push_back(p);  // 0 when every pair was labelled a non-match: a certain false link
    } else if (p > 0.0) {
      undeclared.push_back(p);
      out.expected_missed += p;
    }
  }
  if (declared.empty()) return Status::FailedPrecondition("linkage rates: the job declared no link");
  VL_ASSIGN_OR_RETURN(out.rates, estimate::RatesFromPosteriors(declared, undeclared));
  out.declared_links = static_cast<int64_t>(declared.size());
  out.source = out.labels_used > 0 ? "review" : "model";
  return out;
}

Result<estimate::LinkageErrorRates> TrueLinkageRates(const ingest::IngestResult& ingest,
                                                     const cluster::Persons& persons,
                                                     const ingest::Truth& truth,
                                                     const std::string& register_source,
                                                     const std::string& births_source) {
  int register_si = -1, births_si = -1;
  for (size_t si = 0; si < ingest.sources.size(); ++si) {
    if (ingest.sources[si].config.name == register_source) register_si = static_cast<int>(si);
    if (ingest.sources[si].config.name == births_source) births_si = static_cast<int>(si);
  }
  if (register_si < 0 || births_si < 0 || truth.entity.size() <= static_cast<size_t>(std::max(register_si, births_si))) {
    return Status::FailedPrecondition("true linkage rates: no truth for the register or births source");
  }
  const auto& reg_entity = truth.entity[static_cast<size_t>(register_si)];
  const auto& birth_entity = truth.entity[static_cast<size_t>(births_si)];
  const int64_t reg_offset = persons.offsets[static_cast<size_t>(register_si)];
  const int64_t birth_offset = persons.offsets[static_cast<size_t>(births_si)];
  // Per person: does it hold a register record; per entity: is it registered.
  // As for the model's rates, an error for the count m* is a births record
  // declared linked without any true register partner (false) or left
  // unlinked with one (missed); twins linked crosswise are neither.
  std::vector<uint8_t> person_has_register(static_cast<size_t>(persons.num_persons), 0);
  std::map<int64_t, uint8_t> entity_registered;
  for (size_t r = 0; r < reg_entity.size(); ++r) {
    const int64_t label = persons.labels[static_cast<size_t>(reg_offset) + r];
    person_has_register[static_cast<size_t>(label)] = 1;
    if (reg_entity[r] >= 0) entity_registered[reg_entity[r]] = 1;
  }
  int64_t declared = 0, declared_false = 0, true_matches = 0, missed = 0;
  for (size_t r = 0; r < birth_entity.size(); ++r) {
    const int64_t label = persons.labels[static_cast<size_t>(birth_offset) + r];
    const int64_t entity = birth_entity[r];
    const bool linked = person_has_register[static_cast<size_t>(label)] != 0;
    const bool registered = entity >= 0 && entity_registered.contains(entity);
    if (linked) {
      ++declared;
      declared_false += !registered;
    }
    if (registered) {
      ++true_matches;
      missed += !linked;
    }
  }
  estimate::LinkageErrorRates rates;
  if (declared > 0) rates.false_match_rate = static_cast<double>(declared_false) / static_cast<double>(declared);
  if (true_matches > 0) rates.missed_match_rate = static_cast<double>(missed) / static_cast<double>(true_matches);
  return rates;
}

Result<EstimateStep> RunEstimateStep(const ingest::ProjectConfig& config,
                                     const ingest::IngestResult& ingest,
                                     const cluster::Persons& persons, const std::string& dir,
                                     const EstimateInputs& inputs) {
  const auto start = std::chrono::steady_clock::now();
  EstimateStep step;
  VL_ASSIGN_OR_RETURN(step.settings, ParseEstimateSettings(config));
  if (!step.settings.enabled) return step;
  const EstimateSettings& s = step.settings;

  // Per person (cluster label): is it a birth of the period, which lists hold it,
  // and where (RecordFacts, AddUpPersons). The period is decided per person, not
  // per record: each dated record votes in or out (a register's valid citizen ID
  // casts a second vote with the date it encodes), so one record's date typo
  // neither drops a list's capture (错项 is not 漏报) nor brings an older child
  // into the period; a tie goes to "in" when the person has a birth report
  // (reports are the period's), a report without a date votes in. A person of
  // the period is then captured by every list holding any of its records.
  const RecordFacts facts = CollectRecordFacts(s, ingest, inputs.not_a_birth);
  const PersonFacts person_facts = AddUpPersons(facts, persons.labels, persons.num_persons);
  const std::vector<uint8_t>& lists = person_facts.lists;
  const std::vector<uint32_t>& area = person_facts.area;
  step.person_lists = lists;
  {
    // The births outside the register and how many staff have followed up: a person
    // counts when every record of theirs the follow-up list names has an outcome.
    std::vector<uint8_t> followed(lists.size(), 1);
    for (size_t r = 0; r < persons.labels.size(); ++r) {
      const bool listed = facts.bit[r] != 0 && (facts.bit[r] & kRegister) == 0;
      const bool worked = r < inputs.followed_up.size() && inputs.followed_up[r] != 0;
      if (listed && !worked) followed[static_cast<size_t>(persons.labels[r])] = 0;
    }
    for (size_t p = 0; p < lists.size(); ++p) {
      if (lists[p] == 0 || (lists[p] & kRegister) != 0) continue;
      ++step.follow_up.outside_register;
      step.follow_up.followed_up += followed[p];
    }
    for (uint8_t x : inputs.not_a_birth) step.follow_up.not_a_birth += x != 0;
  }
  std::map<std::string, AreaBirths> by_town;
  std::map<std::string, AreaBirths> by_village;
  AreaBirths& county = step.county;
  county.code = config.county;
  AreaBirths no_village;  // births whose best code names the township only
  for (size_t p = 0; p < lists.size(); ++p) {
    const uint8_t l = lists[p];
    if (l == 0) continue;
    std::string town = "unknown";
    AreaBirths* village = &no_village;
    if (area[p] != StringPool::kNull) {
      const std::string_view c = ingest.pool->Get(area[p]);
      if (c.size() >= 9) town = std::string(c.substr(0, 9));
      if (c.size() >= 12) village = &by_village[std::string(c.substr(0, 12))];
    }
    for (AreaBirths* a : {&by_town[town], village, &county}) {
      a->in_register += (l & kRegister) != 0;
      a->in_births += (l & kBirths) != 0;
      a->in_both += (l & kRegister) && (l & kBirths);
      a->only_elsewhere += (l & kRegister) == 0;
      if ((l & 7) != 0) ++a->histories[l & 7];
    }
  }
  std::map<std::string, int64_t> truth;
  if (!config.persons_path.empty() && fs::exists(config.persons_path)) {
    VL_ASSIGN_OR_RETURN(truth, TrueBirths(config.persons_path));
    int64_t total = 0;
    for (const auto& [code, n] : truth) {
      if (code.size() != 12) total += n;  // townships (villages are within them)
    }
    county.true_births = total;
  }
  // The survey's villages: a three-source estimate where the survey is a list.
  step.survey = EstimateSurveyDomain(s, ingest, lists, area);
  // The linkage-error rates of the matched count: a review's when given, else
  // the register × births job's own (docs/ESTIMATION.md).
  LinkageAdjustment& linkage = step.linkage;
  if (const link::LinkJobResult* job = FindRegisterBirthsJob(inputs.link_jobs, s); job == nullptr) {
    linkage.note = "no link job between " + s.register_source + " and " + s.births_source;
  } else if (!s.adjust_linkage) {
    linkage.job = job->settings.name;
    linkage.note = "linkage_adjustment = \"none\" in [estimate]";
  } else if (auto it = inputs.reviewed_rates.find(job->settings.name); it != inputs.reviewed_rates.end()) {
    linkage.job = job->settings.name;
    linkage.source = "review";
    linkage.rates = it->second;
  } else {
    const auto labelled = inputs.labels.find(job->settings.name);
    auto model = LinkageRatesFromJob(*job, ingest, persons, s.register_source, s.births_source,
                                     labelled == inputs.labels.end() ? nullptr : &labelled->second);
    if (model.ok()) {
      linkage = std::move(*model);
    } else {
      linkage.job = job->settings.name;
      linkage.note = model.status().message();
    }
  }
  if (inputs.truth != nullptr && !inputs.truth->empty()) {
    auto t = TrueLinkageRates(ingest, persons, *inputs.truth, s.register_source, s.births_source);
    if (t.ok()) linkage.true_rates = *t;
  }
  auto estimate = [&linkage](AreaBirths& a) {
    auto dse = estimate::EstimateDualSystem(a.in_register, a.in_births, static_cast<double>(a.in_both));
    if (!dse.ok()) return;
    a.unadjusted = std::move(*dse);
    a.dse = a.unadjusted;
    a.has_estimate = true;
    if (linkage.source == "none") return;
    auto adj = estimate::EstimateDualSystemAdjustedProfile(a.in_register, a.in_births, a.in_both,
                                                           linkage.rates);
    if (adj.ok()) {
      a.dse = std::move(*adj);
      a.adjusted = true;
    }
  };
  estimate(county);
  for (auto& [code, a] : by_town) {
    a.code = code;
    if (auto it = truth.find(code); it != truth.end()) a.true_births = it->second;
    estimate(a);
    step.townships.push_back(a);
  }
  if (!truth.empty() && !step.survey.villages.empty()) {
    int64_t n = 0;
    for (const std::string& v : step.survey.villages) {
      if (auto it = truth.find(v); it != truth.end()) n += it->second;
    }
    step.survey.true_births = n;
  }
  for (auto& [code, a] : by_village) {
    a.code = code;
    if (auto it = truth.find(code); it != truth.end()) a.true_births = it->second;
    estimate(a);
    step.villages.push_back(a);
  }

  // Clustering uncertainty (docs/ESTIMATION.md): the persons drawn again from the
  // pair posteriors, each draw's capture histories per area, and every estimate's
  // spread over the draws widening its interval.
  if (s.linkage_draws > 0 && !inputs.link_jobs.empty()) {
    const auto draws_start = std::chrono::steady_clock::now();
    std::vector<AreaBirths*> areas{&county};
    for (AreaBirths& a : step.townships) areas.push_back(&a);
    for (AreaBirths& a : step.villages) areas.push_back(&a);
    const std::string county_key = "county";
    const int threads = std::clamp(inputs.threads > 0 ? inputs.threads
                                                      : static_cast<int>(std::thread::hardware_concurrency()),
                                   1, s.linkage_draws);
    using Histories = std::unordered_map<std::string, estimate::Histories>;
    // Draws are independent: each thread takes the next draw index and keeps its
    // histories by index, so the result does not depend on the thread count.
    auto run_draws = [&](const std::string& held_job) -> Result<std::vector<Histories>> {
      VL_ASSIGN_OR_RETURN(cluster::PersonDraws draws,
                          cluster::PersonDraws::Make(ingest, inputs.link_jobs, inputs.person_options, held_job));
      std::vector<Result<Histories>> per_draw(static_cast<size_t>(s.linkage_draws), Histories{});
      std::atomic<int> next{0};
      auto work = [&] {
        for (int d = next.fetch_add(1); d < s.linkage_draws; d = next.fetch_add(1)) {
          auto labels = draws.Draw(config.seed, static_cast<uint64_t>(d));
          if (!labels.ok()) {
            per_draw[static_cast<size_t>(d)] = labels.status();
            continue;
          }
          const int64_t n = labels->empty() ? 0 : *std::max_element(labels->begin(), labels->end()) + 1;
          per_draw[static_cast<size_t>(d)] =
              AreaHistories(AddUpPersons(facts, *labels, n), *ingest.pool, county_key, step.survey.villages);
        }
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < threads; ++t) pool.emplace_back(work);
      work();
      for (std::thread& t : pool) t.join();
      std::vector<Histories> out;
      for (auto& r : per_draw) {
        VL_RETURN_IF_ERROR(r.status());
        out.push_back(std::move(*r));
      }
      return out;
    };
    auto cells = [](const Histories& hist, const std::string& key) {
      const auto it = hist.find(key);
      return it == hist.end() ? std::array<int64_t, 8>{} : it->second;
    };
    auto key_of = [&](const AreaBirths* a) { return a == &county ? county_key : a->code; };
    // Every decision drawn: the unadjusted estimates and the three lists.
    VL_ASSIGN_OR_RETURN(std::vector<Histories> all, run_draws(""));
    for (const Histories& hist : all) {
      for (AreaBirths* a : areas) a->draw_histories.push_back(cells(hist, key_of(a)));
      step.survey.draw_histories.push_back(cells(hist, "survey"));
    }
    for (AreaBirths* a : areas) {
      if (!a->has_estimate) continue;
      a->draw_spread = estimate::ChapmanOverDraws(a->draw_histories);
      a->widened = estimate::WidenInterval(a->unadjusted.chapman, a->unadjusted.interval, a->draw_spread);
    }
    if (step.survey.has_estimate) {
      auto three = estimate::EstimateThreeLists(step.survey.histories, step.survey.draw_histories);
      if (three.ok()) {
        step.survey.draw_spread = three->spread;
        step.survey.widened = three->widened;
        step.survey.interval = three->widened;
      }
    }
    // The published two-list estimate: adjusted by Ding–Fienberg for the register ×
    // births links, whose variance its interval holds already; the draws then keep
    // that job's decisions and vary the rest (the dedupes, the period, the links
    // that bring records in through other lists).
    const bool any_adjusted = std::any_of(areas.begin(), areas.end(), [](const AreaBirths* a) { return a->adjusted; });
    std::vector<Histories> held;
    if (any_adjusted) {
      VL_ASSIGN_OR_RETURN(held, run_draws(linkage.job));
    }
    for (AreaBirths* a : areas) {
      if (!a->has_estimate) continue;
      if (!a->adjusted) {
        a->published_spread = a->draw_spread;
        a->dse.interval = a->widened;
        continue;
      }
      std::vector<estimate::Histories> per_draw;
      for (const Histories& hist : held) per_draw.push_back(cells(hist, key_of(a)));
      a->published_spread = estimate::ChapmanOverDraws(per_draw, &linkage.rates);
      a->dse.interval = estimate::WidenInterval(a->dse.chapman, a->dse.interval, a->published_spread);
    }
    for (AreaBirths* a : areas) {
      if (!a->has_estimate) continue;
      const auto n1 = static_cast<double>(a->in_register);
      const estimate::Interval& i = a->dse.interval;
      a->dse.completeness1_interval = {i.upper > 0.0 ? n1 / i.upper : 0.0,
                                       i.lower > 0.0 ? std::min(1.0, n1 / i.lower) : 1.0};
    }
    step.draws_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - draws_start).count();
  }

  // Outputs.
  std::string csv =
      "area,in_register,in_births_reports,in_both,only_elsewhere,estimated_births,low,high,"
      "register_completeness,adjusted_in_both,unadjusted_births,unadjusted_low,unadjusted_high,"
      "false_match_rate,missed_match_rate,rates_from,true_births,clustering_draws,clustering_sd\n";
  auto row = [&csv, &linkage](const AreaBirths& a) {
    std::string line;
    auto fixed = [&a](double v, int digits) { return a.has_estimate ? fmt::format("{:.{}f}", v, digits) : ""; };
    AppendCsvRow(line, {a.code, std::to_string(a.in_register), std::to_string(a.in_births),
                        std::to_string(a.in_both), std::to_string(a.only_elsewhere),
                        fixed(a.dse.chapman, 2), fixed(a.dse.interval.lower, 2),
                        fixed(a.dse.interval.upper, 2), fixed(a.dse.completeness1, 4),
                        fixed(a.dse.m, 2), fixed(a.unadjusted.chapman, 2),
                        fixed(a.unadjusted.interval.lower, 2), fixed(a.unadjusted.interval.upper, 2),
                        a.adjusted ? fmt::format("{:.6f}", linkage.rates.false_match_rate) : "",
                        a.adjusted ? fmt::format("{:.6f}", linkage.rates.missed_match_rate) : "",
                        a.adjusted ? linkage.source : "none",
                        a.true_births ? std::to_string(*a.true_births) : "",
                        a.published_spread.draws > 0 ? std::to_string(a.published_spread.draws) : "",
                        a.published_spread.draws > 1 ? fmt::format("{:.4f}", std::sqrt(a.published_spread.variance))
                                                     : ""});
    csv += line;
  };
  row(county);
  for (const AreaBirths& a : step.townships) row(a);
  for (const AreaBirths& a : step.villages) row(a);
  nlohmann::ordered_json j;
  j["period"] = {FormatDate(s.period_start), FormatDate(s.period_end)};
  j["lists"] = {s.register_source, s.births_source};
  j["method"] =
      "Chapman dual-system estimate on the linkage-adjusted matched count m* (1 - phi) / (1 - psi); "
      "95% interval: the profile-likelihood interval of the declared count around it, widened by the "
      "linkage variance and by the spread over draws of the persons from the pair posteriors "
      "(clustering); unadjusted: Chapman on m*, 95% profile-likelihood interval (docs/ESTIMATION.md)";
  j["clustering_draws"] = s.linkage_draws;
  nlohmann::ordered_json lj;
  lj["job"] = linkage.job;
  lj["rates_from"] = linkage.source;
  if (linkage.source != "none") {
    lj["false_match_rate"] = linkage.rates.false_match_rate;
    lj["missed_match_rate"] = linkage.rates.missed_match_rate;
  }
  if (linkage.declared_links > 0) {
    lj["declared_links"] = linkage.declared_links;
    lj["expected_missed_matches"] = linkage.expected_missed;
    lj["labels_used"] = linkage.labels_used;
  }
  if (!linkage.note.empty()) lj["note"] = linkage.note;
  if (linkage.true_rates) {
    lj["true_false_match_rate"] = linkage.true_rates->false_match_rate;
    lj["true_missed_match_rate"] = linkage.true_rates->missed_match_rate;
  }
  j["linkage_adjustment"] = std::move(lj);
  j["follow_up"] = {{"births_outside_register", step.follow_up.outside_register},
                    {"followed_up", step.follow_up.followed_up},
                    {"records_found_no_birth", step.follow_up.not_a_birth}};
  {
    const SurveyDomain& d = step.survey;
    nlohmann::ordered_json sj;
    sj["villages"] = d.villages;
    sj["persons_seen"] = d.persons_seen;
    nlohmann::ordered_json hist;
    for (int h = 1; h < 8; ++h) {
      // Capture history as register, births, survey bits: "110" = register and births.
      const std::string key{static_cast<char>('0' + (h & 1)), static_cast<char>('0' + ((h >> 1) & 1)),
                            static_cast<char>('0' + ((h >> 2) & 1))};
      hist[key] = d.histories[static_cast<size_t>(h)];
    }
    sj["histories"] = std::move(hist);
    if (d.has_estimate) {
      sj["model"] = d.model;
      sj["estimated_births"] = d.estimated_births;
      sj["interval"] = {d.interval.lower, d.interval.upper};
      sj["interval_method"] = d.draw_spread.draws > 0 ? "profile, widened by the clustering draws" : "profile";
      if (d.draw_spread.draws > 0) {
        sj["clustering"] = {{"draws", d.draw_spread.draws},
                            {"mean", d.draw_spread.mean},
                            {"sd", std::sqrt(d.draw_spread.variance)}};
      }
      sj["extended_mle"] = d.extended;
    }
    if (d.has_two_source) {
      sj["two_source"] = {{"estimated_births", d.two_source.chapman},
                          {"interval", {d.two_source.interval.lower, d.two_source.interval.upper}}};
    }
    if (d.true_births) sj["true_births"] = *d.true_births;
    if (!d.note.empty()) sj["note"] = d.note;
    j["survey_domain"] = std::move(sj);
  }
  j["county"] = AreaJson(county);
  nlohmann::ordered_json towns = nlohmann::ordered_json::array();
  for (const AreaBirths& a : step.townships) towns.push_back(AreaJson(a));
  j["townships"] = std::move(towns);
  nlohmann::ordered_json villages = nlohmann::ordered_json::array();
  for (const AreaBirths& a : step.villages) villages.push_back(AreaJson(a));
  j["villages"] = std::move(villages);
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "births.csv").string(), csv));
  VL_RETURN_IF_ERROR(WriteFileAtomic((fs::path(dir) / "summary.json").string(), j.dump(2) + "\n"));
  step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return step;
}

}  // namespace vitalink::pipeline
