// Clerical review through the pipeline: a run writes the review queue, decisions stored in
// the project bind the next run's clustering, labels give precision/recall and the
// estimate's linkage-error rates.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "vitalink/common/file_io.h"
#include "vitalink/pipeline/pipeline.h"
#include "vitalink/review/queue.h"
#include "vitalink/store/store.h"
#include "vitalink/synth/generator.h"

namespace vitalink::pipeline {
namespace {

namespace fs = std::filesystem;

class ReviewFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("vl_review_flow_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    synth::GenerateOptions gen;
    gen.out_dir = dir_.string();
    gen.persons = 20000;
    gen.seed = 1;
    auto summary = synth::GenerateCounty(gen);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static Result<RunReport> Run() {
    RunOptions options;
    options.threads = 2;
    return RunProject((dir_ / "project.toml").string(), options);
  }

  // source|record_id → person id, from clusters.csv.
  static std::map<std::string, std::string> Persons() {
    std::map<std::string, std::string> out;
    auto text = ReadFile((dir_ / "out" / "link" / "clusters.csv").string());
    EXPECT_TRUE(text.ok());
    size_t pos = text->find('\n') + 1;
    while (pos < text->size()) {
      const size_t end = text->find('\n', pos);
      const std::string line = text->substr(pos, end - pos);
      const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
      out[line.substr(0, c1) + "|" + line.substr(c1 + 1, c2 - c1 - 1)] = line.substr(c2 + 1);
      pos = end + 1;
    }
    return out;
  }

  static fs::path dir_;
};

fs::path ReviewFlowTest::dir_;

TEST_F(ReviewFlowTest, DecisionsBindTheNextRun) {
  auto first = Run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto text = ReadFile((dir_ / "out" / "link" / "review.json").string());
  ASSERT_TRUE(text.ok());
  auto queue = review::ParseReviewQueue(*text);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_GE(queue->items.size(), 10u) << "the 20,000-person county should have doubtful pairs";
  EXPECT_EQ(queue->run_label, "2026-10");

  // Every item is in the band, ordered by priority, and its waterfall adds up to its weight.
  for (size_t i = 0; i < queue->items.size(); ++i) {
    const review::ReviewItem& it = queue->items[i];
    EXPECT_GE(it.probability, queue->options.low);
    EXPECT_LE(it.probability, queue->options.high);
    if (i > 0) {
      EXPECT_GE(queue->items[i - 1].priority, it.priority);
    }
    double sum = 0;
    for (const review::WeightBar& b : it.waterfall) sum += b.weight;
    EXPECT_NEAR(sum, it.weight, 1e-9) << it.key;
    EXPECT_EQ(it.key,
              review::PairKey(it.job, it.a.source, it.a.record_id, it.b.source, it.b.record_id));
    const bool births = it.a.role == "births" || it.b.role == "births";
    EXPECT_NEAR(it.priority, (it.linked ? 1 - it.probability : it.probability) * (births ? 2 : 1),
                1e-12);
  }

  // Overrule the run: split what it linked, join what it did not. The births job rarely has
  // doubtful pairs, so its least likely kept pair (from pairs.csv) is labelled too.
  std::vector<review::ReviewItem> chosen(queue->items.begin(), queue->items.begin() + 8);
  {
    auto pairs = ReadFile((dir_ / "out" / "link" / "pairs.csv").string());
    ASSERT_TRUE(pairs.ok());
    review::ReviewItem births;
    births.probability = 2;
    size_t pos = pairs->find('\n') + 1;
    while (pos < pairs->size()) {
      const size_t end = pairs->find('\n', pos);
      std::vector<std::string> f;
      for (size_t a = pos, b; a <= end; a = b + 1) {
        b = std::min(pairs->find(',', a), end);
        f.push_back(pairs->substr(a, b - a));
      }
      pos = end + 1;
      if (f[0] != "births_register" || std::stod(f[6]) >= births.probability) continue;
      births.job = f[0];
      births.a.source = f[1];
      births.a.record_id = f[2];
      births.b.source = f[3];
      births.b.record_id = f[4];
      births.probability = std::stod(f[6]);
      births.linked = false;  // set below from the persons
    }
    ASSERT_EQ(births.job, "births_register");
    chosen.push_back(births);
  }
  {
    auto db = store::Store::Open((dir_ / "out" / "project.sqlite").string());
    ASSERT_TRUE(db.ok());
    for (const review::ReviewItem& it : chosen) {
      store::Decision d{it.job,
                        it.a.source,
                        it.a.record_id,
                        it.b.source,
                        it.b.record_id,
                        it.linked ? "non_match" : "match",
                        "tester",
                        "2026-11-29T10:00:00Z",
                        ""};
      ASSERT_TRUE(db->SaveDecision(d).ok());
    }
  }
  const auto before = Persons();
  chosen.back().linked = before.at(chosen.back().a.source + "|" + chosen.back().a.record_id) ==
                         before.at(chosen.back().b.source + "|" + chosen.back().b.record_id);
  for (const review::ReviewItem& it : chosen) {
    EXPECT_EQ(before.at(it.a.source + "|" + it.a.record_id) ==
                  before.at(it.b.source + "|" + it.b.record_id),
              it.linked)
        << it.key;
  }

  auto second = Run();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const auto after = Persons();
  int64_t matches = 0;
  for (const review::ReviewItem& it : chosen) {
    const bool same = after.at(it.a.source + "|" + it.a.record_id) ==
                      after.at(it.b.source + "|" + it.b.record_id);
    EXPECT_EQ(same, !it.linked) << "the decision on " << it.key << " was not obeyed";
    matches += it.linked ? 0 : 1;
  }
  EXPECT_EQ(second->review.decisions, static_cast<int64_t>(chosen.size()));
  EXPECT_EQ(second->review.must_link, matches);
  EXPECT_EQ(second->review.cannot_link + second->review.conflicts_dropped,
            static_cast<int64_t>(chosen.size()) - matches);

  // Labels: per job, precision/recall among labelled pairs, written to labels.json.
  auto labels_text = ReadFile((dir_ / "out" / "link" / "labels.json").string());
  ASSERT_TRUE(labels_text.ok());
  const auto labels = nlohmann::json::parse(*labels_text);
  EXPECT_EQ(labels["decisions"].get<int64_t>(), static_cast<int64_t>(chosen.size()));
  int64_t labelled = 0;
  for (const auto& job : labels["jobs"]) {
    const int64_t m = job["labelled_matches"].get<int64_t>();
    labelled += m + job["labelled_non_matches"].get<int64_t>();
    for (const auto& row : job["by_threshold"]) {
      EXPECT_EQ(row["true_positives"].get<int64_t>() + row["false_negatives"].get<int64_t>(), m);
    }
  }
  EXPECT_EQ(labelled, static_cast<int64_t>(chosen.size()));
  // The births job was labelled, so its linkage-error rates come from the review: its
  // labelled pairs count as certain in the record-level rates.
  int64_t births_labels = 0;
  for (const review::LabelMetrics& l : second->labels) {
    if (l.job != "births_register") continue;
    for (const review::LabelledPair& p : l.pairs) births_labels += p.a >= 0;
  }
  ASSERT_GT(births_labels, 0);
  EXPECT_EQ(second->estimate.linkage.source, "review");
  EXPECT_EQ(second->estimate.linkage.labels_used, births_labels);
}

}  // namespace
}  // namespace vitalink::pipeline
