#include "vitalink/link/blocking/blocker.h"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/link/derived.h"
#include "vitalink/link/test_records.h"

namespace vitalink::link {
namespace {

using testing::MakeTestRecordSet;
using testing::MakeTestSource;
using Pair = std::pair<int64_t, int64_t>;

std::vector<Pair> Collect(const Blocker& b) {
  std::vector<Pair> out;
  b.ForEachPair([&](int64_t a, int64_t c) { out.emplace_back(a, c); });
  return out;
}

// The naive reference: every pair of the set the mode allows for which some
// rule's keys are all equal and non-null and that rule's block is within the cap.
std::set<Pair> ReferencePairs(const RecordSet& rs, const std::vector<BlockingRule>& rules, LinkMode mode,
                              int64_t cap) {
  const Table& t = rs.table();
  std::vector<std::vector<std::string>> keys(rules.size());  // per rule, per record; "" = null
  for (size_t rule_idx = 0; rule_idx < rules.size(); ++rule_idx) {
    std::map<std::string, int64_t> sizes;
    for (int64_t rec = 0; rec < rs.size(); ++rec) {
      std::string key;
      bool null = false;
      for (const std::string& k : rules[rule_idx].keys) {
        const int col = t.FindColumn(k);
        null = null || t.column(col).IsNull(rec);
        key += t.ValueAsString(rec, col) + '\x1f';
      }
      keys[rule_idx].push_back(null ? "" : key);
      if (!null) ++sizes[key];
    }
    for (std::string& k : keys[rule_idx]) {
      if (!k.empty() && sizes[k] > cap) k.clear();
    }
  }
  std::set<Pair> out;
  for (int64_t a = 0; a < rs.size(); ++a) {
    for (int64_t b = a + 1; b < rs.size(); ++b) {
      if (mode == LinkMode::kLink && rs.source_index(a) == rs.source_index(b)) continue;
      for (size_t rule_idx = 0; rule_idx < rules.size(); ++rule_idx) {
        const std::string& ka = keys[rule_idx][static_cast<size_t>(a)];
        if (!ka.empty() && ka == keys[rule_idx][static_cast<size_t>(b)]) {
          out.emplace(a, b);
          break;
        }
      }
    }
  }
  return out;
}

// Two sources of random people with few distinct keys, so rules overlap.
class BlockerRandomTest : public ::testing::TestWithParam<LinkMode> {
 protected:
  BlockerRandomTest() : pool_(std::make_shared<StringPool>()) {
    std::mt19937 rng(42);
    const std::vector<std::string> surnames = {"张伟", "张卫", "王芳", "李娜", "刘洋", "陈立", "程力", ""};
    const std::vector<std::string> villages = {"430182101001", "430182101002", "430182102001", ""};
    auto make_rows = [&](int n) {
      std::vector<std::vector<std::string>> rows;
      for (int row_idx = 0; row_idx < n; ++row_idx) {
        const int year = 1980 + static_cast<int>(rng() % 6);
        const std::string date = rng() % 10 == 0 ? "" : std::to_string(year) + "-0" + std::to_string(1 + rng() % 9) + "-1" +
                                                               std::to_string(rng() % 9);
        rows.push_back({surnames[rng() % surnames.size()], date, villages[rng() % villages.size()],
                        std::to_string(rng() % 40)});
      }
      return rows;
    };
    const std::vector<testing::TestColumn> cols = {{"name", FieldType::kText},
                                                   {"birth_date", FieldType::kDate},
                                                   {"area_code", FieldType::kCode},
                                                   {"household_id", FieldType::kCode}};
    a_ = std::make_unique<ingest::SourceData>(MakeTestSource(pool_, "a", cols, make_rows(150)));
    b_ = std::make_unique<ingest::SourceData>(MakeTestSource(pool_, "b", cols, make_rows(120)));
    rs_ = std::make_unique<RecordSet>(MakeTestRecordSet({a_.get(), b_.get()}));
  }

  std::shared_ptr<StringPool> pool_;
  std::unique_ptr<ingest::SourceData> a_, b_;
  std::unique_ptr<RecordSet> rs_;
};

TEST_P(BlockerRandomTest, UnionEqualsNaiveReferenceEachPairOnce) {
  const LinkMode mode = GetParam();
  const std::vector<BlockingRule> rules = {
      {{"surname_pinyin(name)", "year(birth_date)"}},
      {{"area_code", "household_id"}},
      {{"pinyin_fuzzy(name)"}},
      {{"month(birth_date)"}},
  };
  for (const int64_t cap : {int64_t{2}, int64_t{7}, int64_t{40}, int64_t{100000}}) {
    BlockingOptions options;
    options.mode = mode;
    options.max_block_size = cap;
    Result<Blocker> blocker = Blocker::Make(*rs_, rules, options);
    ASSERT_TRUE(blocker.ok()) << blocker.status().ToString();
    const std::vector<Pair> pairs = Collect(*blocker);
    const std::set<Pair> unique(pairs.begin(), pairs.end());
    EXPECT_EQ(unique.size(), pairs.size()) << "a pair was generated twice, cap " << cap;
    for (const Pair& p : pairs) {
      ASSERT_LT(p.first, p.second);
      if (mode == LinkMode::kLink) {
        ASSERT_NE(rs_->source_index(p.first), rs_->source_index(p.second));
      }
    }
    const std::set<Pair> expected = ReferencePairs(*rs_, rules, mode, cap);
    EXPECT_EQ(unique, expected) << "cap " << cap;

    const BlockingReport report = blocker->Report();
    EXPECT_EQ(report.total_pairs, static_cast<int64_t>(pairs.size()));
    int64_t cumulative = 0;
    for (const RuleReport& r : report.rules) {
      cumulative += r.pairs;
      EXPECT_EQ(r.cumulative_pairs, cumulative);
      EXPECT_LE(r.largest.size(), 10u);
      for (size_t idx = 1; idx < r.largest.size(); ++idx) EXPECT_GE(r.largest[idx - 1].size, r.largest[idx].size);
      for (const BlockInfo& s : r.skipped) EXPECT_GT(s.size, cap);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, BlockerRandomTest,
                         ::testing::Values(LinkMode::kDedupe, LinkMode::kLink, LinkMode::kLinkAndDedupe));

TEST_F(BlockerRandomTest, OrderIsDeterministicAndBlockRangesConcatenate) {
  const std::vector<BlockingRule> rules = {{{"name"}}, {{"year(birth_date)", "area_code"}}};
  Result<Blocker> b1 = Blocker::Make(*rs_, rules, {});
  Result<Blocker> b2 = Blocker::Make(*rs_, rules, {});
  ASSERT_TRUE(b1.ok() && b2.ok());
  const std::vector<Pair> all = Collect(*b1);
  EXPECT_EQ(all, Collect(*b2));
  // Splitting the blocks into ranges (as threads would) and concatenating in
  // range order gives the same sequence.
  std::vector<Pair> split;
  const int64_t n = b1->num_blocks();
  for (int64_t begin = 0; begin < n; begin += 3) {
    b1->ForEachPairInBlocks(begin, std::min(n, begin + 3), [&](int64_t a, int64_t c) { split.emplace_back(a, c); });
  }
  EXPECT_EQ(split, all);
  // Rules in order, block keys ascending within a rule, records ascending in a block.
  const Table& t = rs_->table();
  const Column& name = *t.GetColumn("name");
  int prev_rule = 0;
  uint32_t prev_key = 0;
  for (int64_t block_idx = 0; block_idx < n; ++block_idx) {
    const int rule = b1->block_rule(block_idx);
    ASSERT_GE(rule, prev_rule);
    std::vector<Pair> in_block;
    b1->ForEachPairInBlocks(block_idx, block_idx + 1, [&](int64_t a, int64_t c) { in_block.emplace_back(a, c); });
    EXPECT_TRUE(std::is_sorted(in_block.begin(), in_block.end()));
    if (rule == 0 && !in_block.empty()) {
      const uint32_t key = name.string_id(in_block.front().first);
      EXPECT_GT(key, prev_key);
      prev_key = key;
    }
    prev_rule = rule;
  }
}

TEST(BlockerTest, NullKeysNeverBlockAndCapsAreReported) {
  auto pool = std::make_shared<StringPool>();
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 6; ++i) rows.push_back({"", "v1"});         // null names: never a block
  for (int i = 0; i < 5; ++i) rows.push_back({"王芳", "v" + std::to_string(i)});  // a giant block
  rows.push_back({"李娜", "v1"});
  rows.push_back({"李娜", "v2"});
  const ingest::SourceData src =
      MakeTestSource(pool, "s", {{"name", FieldType::kText}, {"area_code", FieldType::kCode}}, rows);
  RecordSet rs = MakeTestRecordSet({&src});
  BlockingOptions options;
  options.max_block_size = 4;
  Result<Blocker> blocker = Blocker::Make(rs, {{{"name"}}}, options);
  ASSERT_TRUE(blocker.ok());
  const std::vector<Pair> pairs = Collect(*blocker);
  EXPECT_EQ(pairs, (std::vector<Pair>{{11, 12}}));
  const BlockingReport report = blocker->Report();
  ASSERT_EQ(report.rules.size(), 1u);
  ASSERT_EQ(report.rules[0].skipped.size(), 1u);
  EXPECT_EQ(report.rules[0].skipped[0].key, "王芳");
  EXPECT_EQ(report.rules[0].skipped[0].size, 5);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("王芳"), std::string::npos);
  EXPECT_NE(report.warnings[0].find("5 records"), std::string::npos);
  EXPECT_EQ(report.rules[0].largest.size(), 1u);
  EXPECT_EQ(report.rules[0].largest[0].key, "李娜");
  const std::string text = FormatBlockingReport(report);
  EXPECT_NE(text.find("skipped"), std::string::npos);

  // A second rule pairs records of the capped 王芳 block it agrees on: area
  // v1 holds records 0–5, 7 and 11 (8 > cap: skipped), v2 holds 8 and 12.
  Result<Blocker> two = Blocker::Make(rs, {{{"name"}}, {{"area_code"}}}, options);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(Collect(*two), (std::vector<Pair>{{11, 12}, {8, 12}}));
}

TEST(BlockerTest, LinkModeSkipsWithinSourcePairs) {
  auto pool = std::make_shared<StringPool>();
  const std::vector<testing::TestColumn> cols = {{"name", FieldType::kText}};
  const ingest::SourceData a = MakeTestSource(pool, "a", cols, {{"张伟"}, {"张伟"}, {"李娜"}});
  const ingest::SourceData b = MakeTestSource(pool, "b", cols, {{"张伟"}, {"李娜"}, {"李娜"}});
  RecordSet rs = MakeTestRecordSet({&a, &b});
  BlockingOptions options;
  options.mode = LinkMode::kLink;
  Result<Blocker> link = Blocker::Make(rs, {{{"name"}}}, options);
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(Collect(*link), (std::vector<Pair>{{0, 3}, {1, 3}, {2, 4}, {2, 5}}));
  options.mode = LinkMode::kLinkAndDedupe;
  Result<Blocker> both = Blocker::Make(rs, {{{"name"}}}, options);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(Collect(*both), (std::vector<Pair>{{0, 1}, {0, 3}, {1, 3}, {2, 4}, {2, 5}, {4, 5}}));
}

TEST(BlockerTest, ErrorsNameTheRule) {
  auto pool = std::make_shared<StringPool>();
  const ingest::SourceData a = MakeTestSource(pool, "a", {{"name", FieldType::kText}}, {{"张伟"}});
  RecordSet rs = MakeTestRecordSet({&a});
  EXPECT_FALSE(Blocker::Make(rs, {}, {}).ok());
  EXPECT_FALSE(Blocker::Make(rs, {{{}}}, {}).ok());
  Result<Blocker> bad = Blocker::Make(rs, {{{"name"}}, {{"name", "year(bd)"}}}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("blocking rule 2 (name & year(bd))"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(ParseLinkMode("link_and_dedupe").ValueOr(LinkMode::kDedupe), LinkMode::kLinkAndDedupe);
  EXPECT_FALSE(ParseLinkMode("merge").ok());
}

}  // namespace
}  // namespace vitalink::link
