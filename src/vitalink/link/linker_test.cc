// The link stage entry: [[link]] settings from TOML, a job scoring with a
// saved model (`model = "…"`) exactly as the run that trained it did, and
// parameters fixed in the config ([link.fixed]).
#include "vitalink/link/linker.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/link/test_records.h"

namespace vitalink::link {
namespace {

namespace fs = std::filesystem;

constexpr const char* kConfigHead = R"toml(
[project]
name = "t"
seed = 3

[[sources]]
name = "register"
role = "register"
path = "register.csv"
[sources.fields]
name = "name"
birth_date = "birth_date"
)toml";

Result<std::vector<LinkJobSettings>> ParseJobs(const std::string& link_tables) {
  VL_ASSIGN_OR_RETURN(
      ingest::ProjectConfig config,
      ingest::ParseProjectConfig(std::string(kConfigHead) + link_tables, "/county/project.toml"));
  return ParseLinkSettings(config);
}

TEST(LinkSettingsTest, ArrayIntersectCustomAndModel) {
  auto jobs = ParseJobs(R"toml(
[[link]]
name = "dedupe"
blocking = ["birth_date"]
model = "models/register.json"

[[link.comparisons]]
kind = "array_intersect"
column = "aliases"
delimiter = "|"
thresholds = [1, 2]

[[link.comparisons]]
kind = "custom"
name = "mother_weight"
levels = ["l.mother_id_number == r.mother_id_number and abs(l.birth_weight - r.birth_weight) <= 100",
          "l.mother_id_number == r.mother_id_number"]
labels = ["mother_and_weight", "mother"]
)toml");
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  ASSERT_EQ(jobs->size(), 1u);
  const LinkJobSettings& job = (*jobs)[0];
  EXPECT_EQ(job.model_path, "/county/models/register.json");
  ASSERT_EQ(job.comparisons.size(), 2u);
  EXPECT_EQ(job.comparisons[0].kind, ComparisonKind::kArrayIntersect);
  EXPECT_EQ(job.comparisons[0].delimiter, "|");
  EXPECT_EQ(job.comparisons[0].thresholds, (std::vector<double>{2, 1}));
  EXPECT_EQ(job.comparisons[1].kind, ComparisonKind::kCustom);
  EXPECT_EQ(job.comparisons[1].conditions.size(), 2u);
  EXPECT_EQ(job.comparisons[1].condition_labels,
            (std::vector<std::string>{"mother_and_weight", "mother"}));

  // A blocking rule may generate candidates without training the model.
  auto score_only = ParseJobs(R"toml(
[[link]]
blocking = [["birth_date"], { keys = ["mother_id_number", "year(event_date)"], train = false }]
comparisons_preset = "chinese_persons"
)toml");
  ASSERT_TRUE(score_only.ok()) << score_only.status().ToString();
  ASSERT_EQ((*score_only)[0].blocking.size(), 2u);
  EXPECT_TRUE((*score_only)[0].blocking[0].train);
  EXPECT_FALSE((*score_only)[0].blocking[1].train);
  EXPECT_EQ((*score_only)[0].blocking[1].keys,
            (std::vector<std::string>{"mother_id_number", "year(event_date)"}));
  auto none_trains = ParseJobs(R"toml(
[[link]]
blocking = [{ keys = ["birth_date"], train = false }]
comparisons_preset = "chinese_persons"
)toml");
  ASSERT_FALSE(none_trains.ok());
  EXPECT_NE(none_trains.status().message().find("at least one rule must train"), std::string::npos);

  // The same comparison twice would count one field's evidence twice.
  auto twice = ParseJobs(R"(
[[link]]
blocking = ["birth_date"]
[[link.comparisons]]
kind = "name_zh"
column = "name"
[[link.comparisons]]
kind = "exact"
column = "name"
[[link.comparisons]]
kind = "name_zh"
column = "name"
)");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("comparisons[2]: repeats comparison 'name'"), std::string::npos)
      << twice.status().message();

  // Errors name the place and the problem.
  auto syntax = ParseJobs(R"toml(
[[link]]
blocking = ["birth_date"]
[[link.comparisons]]
kind = "custom"
name = "m"
levels = ["l.mother_id_number = r.mother_id_number"]
)toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("level 1"), std::string::npos)
      << syntax.status().message();
  auto per_rule = ParseJobs(R"toml(
[[link]]
blocking = ["birth_date"]
nonmatch = "per_rule"
model = "m.json"
comparisons_preset = "chinese_persons"
)toml");
  ASSERT_FALSE(per_rule.ok());
  EXPECT_NE(per_rule.status().message().find("per-rule"), std::string::npos)
      << per_rule.status().message();
}

// A register with duplicates (typos in names, a day off in birth dates).
ingest::IngestResult MakeRegister() {
  ingest::IngestResult ingest;
  ingest.pool = std::make_shared<StringPool>();
  const std::vector<std::string> surnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵"};
  const std::u32string given = U"伟芳娜秀英敏静丽强磊军洋勇艳杰娟";
  std::mt19937 rng(5);
  std::vector<std::vector<std::string>> rows;
  for (int person = 0; person < 400; ++person) {
    std::string name = surnames[rng() % surnames.size()];
    for (int k = 0; k < 2; ++k) AppendUtf8(given[rng() % given.size()], name);
    const int32_t birth =
        DaysFromCivil({1980 + static_cast<int>(rng() % 20), 1 + static_cast<int>(rng() % 12),
                       1 + static_cast<int>(rng() % 28)});
    const std::string village = "430182100" + std::to_string(100 + rng() % 8);
    const std::string aliases =
        rng() % 3 == 0 ? "" : name + ";" + surnames[rng() % surnames.size()] + "小";
    rows.push_back({name, FormatDate(birth), village, aliases, std::to_string(person)});
    if (rng() % 4 == 0) {
      std::string typo = surnames[rng() % surnames.size()];
      for (int k = 0; k < 2; ++k) AppendUtf8(given[rng() % given.size()], typo);
      rows.push_back({rng() % 2 == 0 ? name : typo,
                      FormatDate(birth + static_cast<int32_t>(rng() % 2)), village, aliases,
                      std::to_string(person)});
    }
  }
  ingest.sources.push_back(testing::MakeTestSource(ingest.pool, "register",
                                                   {{"name", FieldType::kText},
                                                    {"birth_date", FieldType::kDate},
                                                    {"area_code", FieldType::kCode},
                                                    {"aliases", FieldType::kText},
                                                    {"person", FieldType::kInteger}},
                                                   rows));
  return ingest;
}

LinkJobSettings DedupeSettings() {
  LinkJobSettings s;
  s.name = "dedupe";
  s.mode = LinkMode::kDedupe;
  s.blocking_options.mode = LinkMode::kDedupe;
  s.sources = {"register"};
  s.blocking = {BlockingRule{{"area_code", "year(birth_date)"}}, BlockingRule{{"name"}}};
  auto spec = [](SpecFields f) {
    Result<ComparisonSpec> r = ParseComparisonSpec(f);
    VL_CHECK(r.ok());
    return std::move(r).value();
  };
  SpecFields name;
  name.kind = "name_zh";
  name.column = "name";
  name.tf = true;
  SpecFields date;
  date.kind = "date";
  date.column = "birth_date";
  SpecFields aliases;
  aliases.kind = "array_intersect";
  aliases.column = "aliases";
  SpecFields custom;
  custom.kind = "custom";
  custom.name = "village_and_day";
  custom.levels = {
      "l.area_code == r.area_code and abs(days_between(l.birth_date, r.birth_date)) <= 1"};
  s.comparisons = {spec(name), spec(date), spec(aliases), spec(custom)};
  s.u_sample_pairs = 20000;
  s.threads = 1;
  return s;
}

void ExpectSamePairs(const LinkJobResult& got, const LinkJobResult& want) {
  ASSERT_EQ(got.pairs.size(), want.pairs.size());
  for (size_t idx = 0; idx < want.pairs.size(); ++idx) {
    const LinkedPair& g = got.pairs[idx];
    const LinkedPair& w = want.pairs[idx];
    ASSERT_EQ(g.a, w.a) << idx;
    ASSERT_EQ(g.b, w.b) << idx;
    ASSERT_EQ(g.weight, w.weight) << idx;  // bit-identical, not just close
    ASSERT_EQ(g.probability, w.probability) << idx;
    ASSERT_EQ(g.pattern, w.pattern) << idx;
  }
}

TEST(LinkerTest, SavedModelScoresLikeTheRunThatTrainedIt) {
  const ingest::IngestResult ingest = MakeRegister();
  const LinkJobSettings settings = DedupeSettings();
  Result<LinkJobResult> trained = RunLinkJob(settings, ingest);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  int64_t matches = 0;
  for (const LinkedPair& p : trained->pairs) matches += p.probability >= 0.5 ? 1 : 0;
  ASSERT_GT(matches, 20);  // the model found duplicates: a comparison worth making
  ASSERT_FALSE(trained->fit.log.empty());

  const fs::path dir = fs::path(::testing::TempDir()) / "vitalink_linker_test";
  fs::create_directories(dir);
  const std::string model_file = (dir / "model.json").string();
  const std::string run_file = (dir / "run_model.json").string();
  std::ofstream(model_file) << trained->model.ToJson();
  std::ofstream(run_file) << "{\"jobs\": [" << LinkJobJson(*trained) << "]}";

  for (const std::string& path : {model_file, run_file}) {
    for (const int threads : {1, 2}) {
      LinkJobSettings again = settings;
      again.model_path = path;
      again.threads = threads;
      Result<LinkJobResult> loaded = RunLinkJob(again, ingest);
      ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
      EXPECT_TRUE(loaded->model == trained->model) << path;
      EXPECT_TRUE(loaded->fit.log.empty()) << "no EM with a saved model";
      EXPECT_EQ(loaded->u_pairs_sampled, 0);
      ExpectSamePairs(*loaded, *trained);
      EXPECT_EQ(loaded->weight_histogram, trained->weight_histogram);
    }
  }

  // A model of other comparisons, a missing job or file: refused with a reason.
  LinkJobSettings other = settings;
  other.comparisons.pop_back();
  other.model_path = model_file;
  Result<LinkJobResult> misfit = RunLinkJob(other, ingest);
  ASSERT_FALSE(misfit.ok());
  EXPECT_NE(misfit.status().message().find("does not fit"), std::string::npos)
      << misfit.status().message();
  EXPECT_EQ(LoadLinkModel(run_file, "births_register").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(LoadLinkModel((dir / "absent.json").string(), "dedupe").status().code(),
            StatusCode::kIOError);
  fs::remove_all(dir);
}

// A rule with train = false adds candidates that are scored, but its blocks
// are no EM sample: m is what training on the other rules alone gives.
TEST(LinkerTest, ScoreOnlyBlockingRuleDoesNotTrain) {
  const ingest::IngestResult ingest = MakeRegister();
  LinkJobSettings first_only = DedupeSettings();
  first_only.blocking = {BlockingRule{{"area_code", "year(birth_date)"}}};
  LinkJobSettings both = DedupeSettings();
  both.blocking = {BlockingRule{{"area_code", "year(birth_date)"}},
                   BlockingRule{{"name"}, /*train=*/false}};
  LinkJobSettings both_train = both;
  both_train.blocking[1].train = true;
  Result<LinkJobResult> a = RunLinkJob(first_only, ingest);
  Result<LinkJobResult> b = RunLinkJob(both, ingest);
  Result<LinkJobResult> c = RunLinkJob(both_train, ingest);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  // The name rule adds candidates either way...
  EXPECT_GT(b->candidate_pairs, a->candidate_pairs);
  EXPECT_EQ(b->candidate_pairs, c->candidate_pairs);
  // ...but trains only when asked to.
  EXPECT_EQ(b->fit.log.size(), a->fit.log.size());
  EXPECT_EQ(b->model.m(), a->model.m());
  EXPECT_NE(c->model.m(), a->model.m());
  // Its pairs are scored: every candidate is in the weight histogram.
  int64_t scored = 0;
  for (const int64_t n : b->weight_histogram) scored += n;
  EXPECT_EQ(scored, b->candidate_pairs);
  EXPECT_NE(LinkJobJson(*b).find("\"train\": false"), std::string::npos);
}


// cannot_link: candidate pairs meeting the condition are neither trained on nor
// kept; the rest score as before. Parsed from TOML with errors that name it.
TEST(LinkerTest, CannotLinkRefusesPairsMeetingTheCondition) {
  const ingest::IngestResult ingest = MakeRegister();
  const LinkJobSettings plain = DedupeSettings();
  LinkJobSettings refusing = plain;
  SpecFields f;
  f.name = "cannot_link";
  f.kind = "custom";
  f.levels = {"l.name != r.name"};
  auto spec = ParseComparisonSpec(f);
  ASSERT_TRUE(spec.ok());
  refusing.cannot_link = *spec;
  Result<LinkJobResult> a = RunLinkJob(plain, ingest);
  Result<LinkJobResult> b = RunLinkJob(refusing, ingest);
  ASSERT_TRUE(a.ok() && b.ok()) << b.status().ToString();
  const Table& table = ingest.sources[0].table;
  const Column& name = *table.GetColumn("name");
  auto same_name = [&](const LinkJobResult& r, const LinkedPair& p) {
    return name.string_id(r.records.source_row(p.a)) == name.string_id(r.records.source_row(p.b));
  };
  int64_t kept_differing = 0;
  for (const LinkedPair& p : a->pairs) kept_differing += !same_name(*a, p);
  ASSERT_GT(kept_differing, 0);  // without the condition, pairs with two names are kept
  for (const LinkedPair& p : b->pairs) EXPECT_TRUE(same_name(*b, p));
  EXPECT_GT(b->cannot_link_pairs, 0);
  EXPECT_EQ(a->cannot_link_pairs, 0);
  EXPECT_NE(LinkJobJson(*b).find("\"cannot_link\": \"l.name != r.name\""), std::string::npos);

  auto parsed = ParseJobs(R"toml(
[[link]]
name = "dedupe"
blocking = ["birth_date"]
cannot_link = "l.name != r.name and l.birth_date == r.birth_date"
[[link.comparisons]]
kind = "exact"
column = "name"
)toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE((*parsed)[0].cannot_link.has_value());
  EXPECT_EQ((*parsed)[0].cannot_link->conditions.front(), "l.name != r.name and l.birth_date == r.birth_date");
  auto bad = ParseJobs(R"toml(
[[link]]
name = "dedupe"
blocking = ["birth_date"]
cannot_link = "l.name !="
[[link.comparisons]]
kind = "exact"
column = "name"
)toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot_link"), std::string::npos) << bad.status().ToString();
}

TEST(LinkSettingsTest, FixedParameters) {
  constexpr const char* kJob = R"toml(
[[link]]
name = "dedupe"
blocking = ["birth_date"]
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "date"
column = "birth_date"
levels = ["exact", "day_month_swapped"]
)toml";
  auto jobs = ParseJobs(std::string(kJob) + R"toml(
[link.fixed]
lambda = 0.25
[link.fixed.m]
sex = [0.99, 0.01]
[link.fixed.u]
sex = [0.6, 0.4]
birth_date = [0.5, 0.01, 0.49]
)toml");
  ASSERT_TRUE(jobs.ok()) << jobs.status().ToString();
  const LinkJobSettings& job = (*jobs)[0];
  ASSERT_TRUE(job.fixed_lambda.has_value());
  EXPECT_EQ(*job.fixed_lambda, 0.25);
  EXPECT_EQ(job.fixed_m.at("sex"), (std::vector<double>{0.99, 0.01}));
  EXPECT_EQ(job.fixed_u.at("birth_date"), (std::vector<double>{0.5, 0.01, 0.49}));
  EXPECT_FALSE(job.fixed_m.contains("birth_date"));

  auto error = [&](const std::string& fixed) {
    auto r = ParseJobs(std::string(kJob) + fixed);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_NE(error("[link.fixed.m]\nsx = [0.9, 0.1]\n").find("no comparison of this job is named 'sx'"),
            std::string::npos);
  EXPECT_NE(error("[link.fixed.m]\nsex = [0.9, 0.2]\n").find("sum to"), std::string::npos);
  EXPECT_NE(error("[link.fixed.m]\nsex = [1.0, 0.0]\n").find("in (0, 1)"), std::string::npos);
  // λ among candidates pairs with u among candidates: all of them or none.
  EXPECT_NE(error("[link.fixed]\nlambda = 0.3\n[link.fixed.u]\nsex = [0.6, 0.4]\n").find("missing: 'birth_date'"),
            std::string::npos);
  EXPECT_NE(error("[link.fixed]\nlambda = 1.5\n").find("lambda"), std::string::npos);
  EXPECT_NE(error("[link.fixed]\nlamda = 0.3\n").find("lamda"), std::string::npos);
}

// Every parameter fixed: no u sampling, no EM, and each pair's weight is the
// prior plus Σ log2(m/u) of its levels, as given.
TEST(LinkerTest, FixedParametersScoreAsGiven) {
  const ingest::IngestResult ingest = MakeRegister();
  LinkJobSettings s = DedupeSettings();
  s.comparisons.erase(s.comparisons.begin());  // no name_zh: tf would adjust the exact level
  s.comparisons.erase(s.comparisons.begin() + 1);  // nor aliases
  // Config order: strongest level first, "else" last.
  s.fixed_lambda = 0.2;
  s.fixed_m["birth_date"] = {0.90, 0.04, 0.03, 0.02, 0.01};
  s.fixed_u["birth_date"] = {0.05, 0.01, 0.10, 0.30, 0.54};
  s.fixed_m["village_and_day"] = {0.8, 0.2};
  s.fixed_u["village_and_day"] = {0.1, 0.9};
  Result<LinkJobResult> r = RunLinkJob(s, ingest);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->u_pairs_sampled, 0);
  EXPECT_TRUE(r->fit.log.empty());
  EXPECT_EQ(r->model.lambda(), 0.2);
  // The model keeps them, in its own level order (else first).
  EXPECT_EQ(r->model.m(0), (std::vector<double>{0.01, 0.02, 0.03, 0.04, 0.90}));
  EXPECT_EQ(r->model.u(1), (std::vector<double>{0.9, 0.1}));
  ASSERT_FALSE(r->pairs.empty());
  const ModelShape& shape = r->model.shape();
  std::vector<uint8_t> gamma(2);
  for (const LinkedPair& p : r->pairs) {
    shape.Decode(p.pattern, gamma.data());
    double w = std::log2(0.2 / 0.8);
    for (int k = 0; k < 2; ++k) {
      if (gamma[static_cast<size_t>(k)] == kGammaNull) continue;
      w += std::log2(r->model.m(k)[gamma[static_cast<size_t>(k)]] / r->model.u(k)[gamma[static_cast<size_t>(k)]]);
    }
    ASSERT_NEAR(p.weight, w, 1e-12);
  }
  EXPECT_NE(LinkJobJson(*r).find("\"lambda_among_candidates\": 0.2"), std::string::npos);

  // Fixed u cannot be kept while EM is told to learn u.
  LinkJobSettings learn_u = s;
  learn_u.em.fix_u = false;
  learn_u.fixed_lambda.reset();
  learn_u.fixed_m.clear();
  Result<LinkJobResult> lu = RunLinkJob(learn_u, ingest);
  ASSERT_FALSE(lu.ok());
  EXPECT_NE(lu.status().message().find("fixed u needs fix_u = true"), std::string::npos);

  // A wrong number of levels names the comparison's levels.
  LinkJobSettings bad = s;
  bad.fixed_m["birth_date"] = {0.9, 0.1};
  Result<LinkJobResult> e = RunLinkJob(bad, ingest);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("has 2 values; the comparison has 5 levels (exact, day_month_swapped"),
            std::string::npos)
      << e.status().message();
}

// Only one comparison's m fixed: EM learns the rest and leaves it alone.
TEST(LinkerTest, FixedMIsKeptWhileEmLearnsTheRest) {
  const ingest::IngestResult ingest = MakeRegister();
  LinkJobSettings s = DedupeSettings();
  s.fixed_m["village_and_day"] = {0.7, 0.3};
  Result<LinkJobResult> fixed = RunLinkJob(s, ingest);
  Result<LinkJobResult> free = RunLinkJob(DedupeSettings(), ingest);
  ASSERT_TRUE(fixed.ok() && free.ok());
  ASSERT_FALSE(fixed->fit.log.empty());
  const int k = 3;  // village_and_day
  EXPECT_EQ(fixed->model.m(k), (std::vector<double>{0.3, 0.7}));
  EXPECT_NE(free->model.m(k), fixed->model.m(k));
  EXPECT_NE(fixed->model.m(0), FsModel::Default(fixed->model.shape()).m(0));  // learnt
}

}  // namespace
}  // namespace vitalink::link
