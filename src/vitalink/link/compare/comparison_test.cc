#include "vitalink/link/compare/comparison.h"

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/common/utf8.h"
#include "vitalink/link/compare/reference/comparison_reference.h"
#include "vitalink/link/test_records.h"

namespace vitalink::link {
namespace {

using testing::MakeTestRecordSet;
using testing::MakeTestSource;

ComparisonSpec Spec(SpecFields f) {
  Result<ComparisonSpec> s = ParseComparisonSpec(f);
  VL_CHECK(s.ok());
  return std::move(s).value();
}

SpecFields Fields(std::string kind, std::string column) {
  SpecFields f;
  f.kind = std::move(kind);
  f.column = std::move(column);
  return f;
}

// Records 0..n-1 of one source; each test compares record 0 with the others.
class ComparisonTest : public ::testing::Test {
 protected:
  ComparisonTest() : pool_(std::make_shared<StringPool>()) {}

  void Load(const std::vector<testing::TestColumn>& cols, const std::vector<std::vector<std::string>>& rows) {
    src_ = std::make_unique<ingest::SourceData>(MakeTestSource(pool_, "s", cols, rows));
    rs_ = std::make_unique<RecordSet>(MakeTestRecordSet({src_.get()}));
  }

  // Return the level of `spec` for (0, rec) for every rec, checking the reference agrees.
  std::vector<int> LevelsAgainstFirst(const ComparisonSpec& spec) {
    Result<Comparator> cmp = Comparator::Make(*rs_, {spec});
    VL_CHECK(cmp.ok());
    std::vector<int> out;
    for (int64_t rec = 1; rec < rs_->size(); ++rec) {
      uint8_t gamma = 0;
      cmp->Compare(0, rec, &gamma);
      EXPECT_EQ(gamma, ReferenceComparisonLevel(*rs_, spec, 0, rec)) << "record " << rec;
      EXPECT_EQ(gamma, cmp->CompareOne(0, rec, 0));
      out.push_back(gamma);
    }
    return out;
  }

  std::shared_ptr<StringPool> pool_;
  std::unique_ptr<ingest::SourceData> src_;
  std::unique_ptr<RecordSet> rs_;
};

constexpr int kNull = kNullLevel;

TEST_F(ComparisonTest, Exact) {
  Load({{"sex", FieldType::kCode}, {"birth_weight", FieldType::kInteger}, {"birth_date", FieldType::kDate}},
       {{"1", "3200", "1990-01-01"}, {"1", "3200", "1990-01-01"}, {"2", "3100", "1990-01-02"}, {"", "", ""}});
  EXPECT_EQ(LevelsAgainstFirst(Spec(Fields("exact", "sex"))), (std::vector<int>{1, 0, kNull}));
  EXPECT_EQ(LevelsAgainstFirst(Spec(Fields("exact", "birth_weight"))), (std::vector<int>{1, 0, kNull}));
  EXPECT_EQ(LevelsAgainstFirst(Spec(Fields("exact", "birth_date"))), (std::vector<int>{1, 0, kNull}));
}

TEST_F(ComparisonTest, StringMetrics) {
  Load({{"surname", FieldType::kText}},
       {{"MARTHA"}, {"MARTHA"}, {"MARHTA"}, {"MARTA"}, {"MARTIN"}, {"JONES"}, {""}});
  // JW(MARTHA, MARHTA) = 0.961, (MARTHA, MARTA) = 0.961, (MARTHA, MARTIN) = 0.867.
  SpecFields jw = Fields("string", "surname");
  jw.thresholds = {0.8, 0.92};
  EXPECT_EQ(LevelsAgainstFirst(Spec(jw)), (std::vector<int>{3, 2, 2, 1, 0, kNull}));
  SpecFields lev = Fields("string", "surname");
  lev.metric = "levenshtein";
  lev.thresholds = {1, 2};
  EXPECT_EQ(LevelsAgainstFirst(Spec(lev)), (std::vector<int>{3, 1, 2, 1, 0, kNull}));
  SpecFields dl = lev;
  dl.metric = "damerau_levenshtein";
  EXPECT_EQ(LevelsAgainstFirst(Spec(dl)), (std::vector<int>{3, 2, 2, 1, 0, kNull}));
  SpecFields jac = Fields("string", "surname");
  jac.metric = "jaccard";
  jac.thresholds = {0.7};
  EXPECT_EQ(LevelsAgainstFirst(Spec(jac))[1], 1);  // same characters
  SpecFields jaro = Fields("string", "surname");
  jaro.metric = "jaro";
  LevelsAgainstFirst(Spec(jaro));  // agrees with the reference
}

TEST_F(ComparisonTest, ChineseNames) {
  Load({{"name", FieldType::kText}},
       {{"张伟"}, {"张伟"}, {"张卫"}, {"章伟"}, {"张维"}, {"张伟强"}, {"李娜"}, {""}});
  SpecFields f = Fields("name_zh", "name");
  f.thresholds = {0.85};
  const ComparisonSpec spec = Spec(f);
  // exact 4, pinyin 3 (张卫 zhang wei), pinyin also for 章伟, 张维; JW of pinyin for 张伟强.
  EXPECT_EQ(LevelsAgainstFirst(spec), (std::vector<int>{4, 3, 3, 3, 1, 0, kNull}));

  Load({{"name", FieldType::kText}}, {{"陈立"}, {"程力"}, {"沈力"}, {"刘洋"}, {"牛洋"}});
  // 陈立 chen li ≡ 程力 cheng li ≡ 沈力 shen li? No: ch→c and sh→s differ.
  const std::vector<int> levels = LevelsAgainstFirst(spec);
  EXPECT_EQ(levels[0], 2);  // fuzzy pinyin
  EXPECT_LT(levels[1], 2);
}

// levels = ["one_character"]: three or more characters, one of them different
// (a 错别字), between the fuzzy-pinyin and the Jaro–Winkler levels.
TEST_F(ComparisonTest, ChineseNamesOneCharacterApart) {
  Load({{"name", FieldType::kText}},
       {{"郭露欣"}, {"郭露欣"}, {"璐露欣"}, {"郭露心"}, {"郭路欣"}, {"郭欣露"}, {"郭露"}, {"王语桐"}, {"郭露欣然"}, {""}});
  SpecFields f = Fields("name_zh", "name");
  f.thresholds = {0.95};
  f.levels = {"one_character"};
  const ComparisonSpec spec = Spec(f);
  EXPECT_TRUE(spec.one_character);
  // exact 5, pinyin 4 (郭路欣 guo lu xin), one character 2 (璐露欣; 郭露心 is guo lu xin: pinyin),
  // a swap of two characters is not one character, nor is a shorter or longer name.
  EXPECT_EQ(LevelsAgainstFirst(spec), (std::vector<int>{5, 2, 4, 4, 0, 0, 0, 0, kNull}));
  // Without the level the typo is "else" (JW of luluxin / guoluxin < 0.95).
  f.levels.clear();
  EXPECT_EQ(LevelsAgainstFirst(Spec(f))[1], 0);
  // Two-character names differing in one character share only a surname: no level.
  Load({{"name", FieldType::kText}}, {{"王伟"}, {"王强"}});
  f.levels = {"one_character"};
  EXPECT_EQ(LevelsAgainstFirst(Spec(f))[0], 0);
  // An unknown level is refused by name.
  f.levels = {"one_char"};
  auto bad = ParseComparisonSpec(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("one_char"), std::string::npos);
}

TEST_F(ComparisonTest, NamesSwapped) {
  Load({{"surname", FieldType::kText}, {"given_name", FieldType::kText}},
       {{"smith", "john"}, {"smith", "john"}, {"john", "smith"}, {"smith", "jon"}, {"", "john"}});
  SpecFields f = Fields("names_swapped", "surname");
  f.column2 = "given_name";
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{4, 1, 0, kNull}));
  Load({{"surname", FieldType::kText}, {"given_name", FieldType::kText}},
       {{"张", "伟"}, {"章", "伟"}, {"陈", "立"}, {"伟", "张"}});
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{3, 0, 1}));
}

TEST_F(ComparisonTest, Dates) {
  Load({{"birth_date", FieldType::kDate}},
       {{"1990-03-05"}, {"1990-03-05"}, {"1990-05-03"}, {"1990-03-30"}, {"1990-11-20"}, {"1992-03-05"}, {""}});
  EXPECT_EQ(LevelsAgainstFirst(Spec(Fields("date", "birth_date"))), (std::vector<int>{4, 3, 2, 1, 0, kNull}));
  SpecFields some = Fields("date", "birth_date");
  some.levels = {"within_1_year", "day_month_swapped"};
  const ComparisonSpec spec = Spec(some);
  EXPECT_EQ(LevelsAgainstFirst(spec), (std::vector<int>{3, 2, 1, 1, 0, kNull}));
  Result<Comparator> cmp = Comparator::Make(*rs_, {spec});
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->level_labels(0), (std::vector<std::string>{"else", "within_1_year", "day_month_swapped", "exact"}));
}

TEST_F(ComparisonTest, CitizenIds) {
  const std::string id = MakeCitizenId(430182, DaysFromCivil({1990, 3, 15}), 21);  // 430182199003150...
  std::string one_digit = id;
  one_digit[3] = one_digit[3] == '9' ? '8' : '9';
  std::string swapped = id;
  std::swap(swapped[14], swapped[15]);  // sequence digits "02" → "20"
  std::string same_birth = MakeCitizenId(110105, DaysFromCivil({1990, 3, 15}), 555);
  const std::string other = MakeCitizenId(110105, DaysFromCivil({1991, 3, 15}), 555);
  const std::string old15 = "430182900315021";
  Load({{"id_number", FieldType::kCode}},
       {{id}, {id}, {one_digit}, {swapped}, {same_birth}, {other}, {old15}, {""}});
  ASSERT_NE(swapped, id);
  EXPECT_EQ(LevelsAgainstFirst(Spec(Fields("citizen_id", "id_number"))), (std::vector<int>{4, 3, 2, 1, 0, 1, kNull}));
  EXPECT_EQ(HammingDistance(id, one_digit), 1);
  EXPECT_TRUE(IsAdjacentTransposition(id, swapped));
  EXPECT_FALSE(IsAdjacentTransposition(id, one_digit));
  SpecFields no_birth = Fields("citizen_id", "id_number");
  no_birth.levels = {"one_digit"};
  EXPECT_EQ(LevelsAgainstFirst(Spec(no_birth)), (std::vector<int>{2, 1, 0, 0, 0, 0, kNull}));
}

TEST_F(ComparisonTest, NumericAndPrefix) {
  Load({{"birth_weight", FieldType::kInteger}, {"area_code", FieldType::kCode}},
       {{"3000", "430182101001"}, {"3000", "430182101001"}, {"3040", "430182101002"}, {"3290", "430182102001"},
        {"5000", "430183101001"}, {"", ""}});
  SpecFields abs = Fields("numeric", "birth_weight");
  abs.thresholds = {300, 50};
  EXPECT_EQ(LevelsAgainstFirst(Spec(abs)), (std::vector<int>{3, 2, 1, 0, kNull}));
  SpecFields pct = Fields("numeric", "birth_weight");
  pct.mode = "percentage";
  pct.thresholds = {0.05};
  EXPECT_EQ(LevelsAgainstFirst(Spec(pct)), (std::vector<int>{2, 1, 0, 0, kNull}));
  SpecFields pre = Fields("prefix", "area_code");
  pre.lengths = {6, 9};
  const ComparisonSpec spec = Spec(pre);
  EXPECT_EQ(LevelsAgainstFirst(spec), (std::vector<int>{3, 2, 1, 0, kNull}));
  Result<Comparator> cmp = Comparator::Make(*rs_, {spec});
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->level_labels(0), (std::vector<std::string>{"else", "prefix_6", "prefix_9", "exact"}));
}

TEST(ComparisonSpecTest, ParsingDefaultsAndErrors) {
  SpecFields f = Fields("string", "surname");
  f.thresholds = {0.8, 0.92, 0.8};
  f.tf = true;
  Result<ComparisonSpec> s = ParseComparisonSpec(f);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->metric, StringMetric::kJaroWinkler);
  EXPECT_EQ(s->thresholds, (std::vector<double>{0.92, 0.8}));
  EXPECT_TRUE(s->tf);
  EXPECT_EQ(ParseComparisonSpec(Fields("date", "birth_date"))->date_levels.size(), 4u);

  struct Case {
    SpecFields fields;
    const char* message_part;
  };
  SpecFields bad_kind = Fields("fuzzy", "name");
  SpecFields bad_metric = Fields("string", "name");
  bad_metric.metric = "cosine";
  SpecFields bad_threshold = Fields("string", "name");
  bad_threshold.thresholds = {1.5};
  SpecFields bad_distance = Fields("string", "name");
  bad_distance.metric = "levenshtein";
  bad_distance.thresholds = {1.5};
  SpecFields no_column2 = Fields("names_swapped", "surname");
  SpecFields bad_level = Fields("date", "birth_date");
  bad_level.levels = {"within_1_week"};
  SpecFields no_lengths = Fields("prefix", "area_code");
  SpecFields numeric_no_thresholds = Fields("numeric", "birth_weight");
  SpecFields stray = Fields("exact", "sex");
  stray.metric = "jaro";
  for (const Case& c : {Case{bad_kind, "unknown kind 'fuzzy'"}, Case{bad_metric, "unknown metric 'cosine'"},
                        Case{bad_threshold, "(0, 1]"}, Case{bad_distance, "whole numbers"},
                        Case{no_column2, "column2"}, Case{bad_level, "within_1_week"}, Case{no_lengths, "lengths"},
                        Case{numeric_no_thresholds, "thresholds"}, Case{stray, "metric"},
                        Case{Fields("exact", ""), "'column' is required"}}) {
    Result<ComparisonSpec> r = ParseComparisonSpec(c.fields);
    ASSERT_FALSE(r.ok()) << c.message_part;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << r.status().message();
  }
}

TEST_F(ComparisonTest, ComparatorLevelsLabelsAndErrors) {
  Load({{"name", FieldType::kText}, {"sex", FieldType::kCode}, {"birth_date", FieldType::kDate}},
       {{"张伟", "1", "1990-01-01"}, {"张卫", "1", "1990-01-02"}});
  SpecFields name = Fields("name_zh", "name");
  name.tf = true;
  SpecFields jw = Fields("string", "name");
  jw.name = "name_jw";
  Result<Comparator> cmp =
      Comparator::Make(*rs_, {Spec(name), Spec(jw), Spec(Fields("exact", "sex")), Spec(Fields("date", "birth_date"))});
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  ASSERT_EQ(cmp->num_comparisons(), 4);
  EXPECT_EQ(cmp->num_levels(0), 5);
  EXPECT_EQ(cmp->level_labels(0),
            (std::vector<std::string>{"else", "pinyin_jaro_winkler>=0.88", "pinyin_fuzzy", "pinyin", "exact"}));
  EXPECT_EQ(cmp->level_labels(1),
            (std::vector<std::string>{"else", "jaro_winkler>=0.8", "jaro_winkler>=0.92", "exact"}));
  EXPECT_EQ(cmp->name(1), "name_jw");
  EXPECT_EQ(cmp->num_levels(2), 2);
  EXPECT_EQ(cmp->num_levels(3), 5);
  EXPECT_EQ(cmp->level_label(2, kNullLevel), "null");
  EXPECT_EQ(cmp->tf_level(0), 4);
  EXPECT_EQ(cmp->tf_column(0), "name");
  EXPECT_EQ(cmp->tf_level(2), -1);
  uint8_t gamma[4];
  cmp->Compare(0, 1, gamma);
  EXPECT_EQ(gamma[0], 3);  // 张伟 / 张卫: homophones
  EXPECT_EQ(gamma[2], 1);
  EXPECT_EQ(gamma[3], 2);  // one day apart

  Result<Comparator> missing = Comparator::Make(*rs_, {Spec(Fields("exact", "mother_id_number"))});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("mother_id_number"), std::string::npos);
  Result<Comparator> wrong = Comparator::Make(*rs_, {Spec(Fields("date", "name"))});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("type text"), std::string::npos) << wrong.status().message();
}

TEST_F(ComparisonTest, ArrayIntersect) {
  // Former names and aliases, ';'-separated; order, repeats and blanks do not matter.
  Load({{"aliases", FieldType::kText}},
       {{"张伟;张卫东;小伟"},
        {"小伟; 张卫东 ;张伟"},  // the same set
        {"张伟;张卫东"},          // two shared
        {"小伟;李雷"},            // one shared
        {"李雷;韩梅梅"},          // none
        {"张伟;张卫东;小伟;李雷"},  // three shared, not equal
        {";;"},                   // no value
        {""}});
  SpecFields f = Fields("array_intersect", "aliases");
  f.thresholds = {1, 2};
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{3, 2, 1, 0, 2, kNull, kNull}));
  f.thresholds = {3};
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{2, 0, 0, 0, 1, kNull, kNull}));
  f.thresholds = {};  // default: at least one shared value
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{2, 1, 1, 0, 1, kNull, kNull}));

  Load({{"aliases", FieldType::kText}}, {{"a|b"}, {"b|c"}, {"a;b"}, {"b|a|"}});
  f.delimiter = "|";
  EXPECT_EQ(LevelsAgainstFirst(Spec(f)), (std::vector<int>{1, 0, 2}));  // "a;b" is one value here
  Result<Comparator> cmp = Comparator::Make(*rs_, {Spec(f)});
  ASSERT_TRUE(cmp.ok());
  EXPECT_EQ(cmp->level_labels(0), (std::vector<std::string>{"else", "shared>=1", "exact"}));

  SpecFields bad = Fields("array_intersect", "aliases");
  bad.thresholds = {0.5};
  EXPECT_FALSE(ParseComparisonSpec(bad).ok());
  bad.thresholds = {};
  bad.metric = "jaro";
  EXPECT_FALSE(ParseComparisonSpec(bad).ok());
  SpecFields delim = Fields("exact", "aliases");
  delim.delimiter = "|";
  EXPECT_FALSE(ParseComparisonSpec(delim).ok());
}

TEST_F(ComparisonTest, Custom) {
  Load({{"mother_id_number", FieldType::kCode}, {"birth_weight", FieldType::kInteger}, {"name", FieldType::kText}},
       {{"M1", "3200", "张伟"},
        {"M1", "3250", "张卫"},  // same mother, 50 g apart
        {"M1", "3500", "张伟"},  // same mother, 300 g apart
        {"M2", "3200", "张伟"},  // another mother
        {"M1", "", "张伟"},      // same mother, weight missing: level 1 at least
        {"", "3200", "张伟"},    // mother missing, nothing passes: null
        {"", "", ""}});
  SpecFields f;
  f.kind = "custom";
  f.name = "mother_weight";
  f.levels = {"l.mother_id_number == r.mother_id_number and abs(l.birth_weight - r.birth_weight) <= 100",
              "l.mother_id_number == r.mother_id_number"};
  f.labels = {"same_mother_weight_100", "same_mother"};
  const ComparisonSpec spec = Spec(f);
  EXPECT_EQ(LevelsAgainstFirst(spec), (std::vector<int>{2, 1, 0, 1, kNull, kNull}));
  Result<Comparator> cmp = Comparator::Make(*rs_, {spec});
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  EXPECT_EQ(cmp->level_labels(0), (std::vector<std::string>{"else", "same_mother", "same_mother_weight_100"}));
  EXPECT_EQ(cmp->name(0), "mother_weight");
  EXPECT_EQ(ComparisonColumns(spec).value(), (std::vector<std::string>{"mother_id_number", "birth_weight"}));

  // None passing: else when all fail, null when one is missing.
  SpecFields g = f;
  g.labels = {};
  g.levels = {"l.name == r.name", "l.birth_weight == r.birth_weight"};
  const ComparisonSpec either = Spec(g);
  EXPECT_EQ(either.condition_labels[1], "l.birth_weight == r.birth_weight");  // labels default to the conditions
  EXPECT_EQ(LevelsAgainstFirst(either), (std::vector<int>{0, 2, 2, 2, 2, kNull}));

  // Errors: syntax at parse time, fields and types when bound.
  SpecFields bad = f;
  bad.levels = {"l.mother_id_number = r.mother_id_number"};
  bad.labels = {};
  Result<ComparisonSpec> syntax = ParseComparisonSpec(bad);
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("use '==' to compare"), std::string::npos) << syntax.status().message();
  bad.levels = {"l.mother == r.mother_id_number"};
  Result<Comparator> unknown = Comparator::Make(*rs_, {Spec(bad)});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("mother"), std::string::npos) << unknown.status().message();
  bad.levels = {"l.name == r.birth_weight"};
  Result<Comparator> types = Comparator::Make(*rs_, {Spec(bad)});
  ASSERT_FALSE(types.ok());
  EXPECT_NE(types.status().message().find("cannot compare text with integer"), std::string::npos)
      << types.status().message();
  bad.levels = {"mother_id_number == r.mother_id_number"};
  EXPECT_FALSE(Comparator::Make(*rs_, {Spec(bad)}).ok());
  SpecFields no_name = f;
  no_name.name = "";
  EXPECT_FALSE(ParseComparisonSpec(no_name).ok());
  SpecFields with_column = f;
  with_column.column = "name";
  EXPECT_FALSE(ParseComparisonSpec(with_column).ok());
  SpecFields labels = f;
  labels.labels = {"one"};
  EXPECT_FALSE(ParseComparisonSpec(labels).ok());
}

TEST_F(ComparisonTest, PresetBindsToCountyColumns) {
  const std::string id = MakeCitizenId(430182, DaysFromCivil({1990, 3, 15}), 21);
  Load({{"id_number", FieldType::kCode},
        {"name", FieldType::kText},
        {"sex", FieldType::kCode},
        {"birth_date", FieldType::kDate},
        {"mother_id_number", FieldType::kCode},
        {"area_code", FieldType::kCode}},
       {{id, "张伟", "1", "1990-03-15", "", "430182101001"}, {id, "张卫", "1", "1990-03-15", "", "430182101002"}});
  const std::vector<ComparisonSpec> specs = DefaultComparisonsForChinesePersons();
  Result<Comparator> cmp = Comparator::Make(*rs_, specs);
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  ASSERT_EQ(cmp->num_comparisons(), 6);
  std::vector<uint8_t> gamma(6);
  cmp->Compare(0, 1, gamma.data());
  EXPECT_EQ(gamma, (std::vector<uint8_t>{4, 3, 1, 4, kNullLevel, 1}));
  EXPECT_EQ(cmp->level_label(5, 1), "prefix_9");
}

// Differential test: random values, every kind, every pair; the Comparator
// agrees with the naive reference.
TEST_F(ComparisonTest, AgreesWithReferenceOnRandomRecords) {
  std::mt19937 rng(7);
  const std::vector<std::string> names = {"张伟", "张卫", "章伟", "陈立", "程力", "刘洋", "牛洋", "欧阳修",
                                          "张伟强", "王芳", "Zhang Wei", ""};
  const std::vector<std::string> surnames = {"smith", "john", "jon", "smyth", "", "张", "章"};
  std::vector<std::vector<std::string>> rows;
  const std::string base = MakeCitizenId(430182, DaysFromCivil({1990, 3, 15}), 21);
  for (int row_idx = 0; row_idx < 60; ++row_idx) {
    std::string id = base;
    switch (rng() % 5) {
      case 0: id[rng() % 18] = static_cast<char>('0' + rng() % 10); break;
      case 1: { const size_t p = rng() % 17; std::swap(id[p], id[p + 1]); break; }
      case 2: id = MakeCitizenId(430182, DaysFromCivil({1990, 3, 15}), static_cast<int>(rng() % 999)); break;
      case 3: id = rng() % 2 == 0 ? "" : "430182900315021"; break;
      default: break;
    }
    const CivilDate d{1990 + static_cast<int>(rng() % 2), 1 + static_cast<int>(rng() % 12),
                      1 + static_cast<int>(rng() % 12)};
    std::string aliases;
    for (uint32_t k = rng() % 4; k > 0; --k) aliases += names[rng() % names.size()] + (rng() % 3 == 0 ? " ; " : ";");
    rows.push_back({names[rng() % names.size()], surnames[rng() % surnames.size()],
                    surnames[rng() % surnames.size()], rng() % 8 == 0 ? "" : FormatDate(DaysFromCivil(d)), id,
                    rng() % 8 == 0 ? "" : std::to_string(2500 + rng() % 1000),
                    "43018210" + std::to_string(rng() % 3) + "00" + std::to_string(rng() % 3), aliases});
  }
  Load({{"name", FieldType::kText},
        {"surname", FieldType::kText},
        {"given_name", FieldType::kText},
        {"birth_date", FieldType::kDate},
        {"id_number", FieldType::kCode},
        {"birth_weight", FieldType::kInteger},
        {"area_code", FieldType::kCode},
        {"aliases", FieldType::kText}},
       rows);
  std::vector<ComparisonSpec> specs;
  SpecFields intersect = Fields("array_intersect", "aliases");
  intersect.thresholds = {1, 2};
  specs.push_back(Spec(intersect));
  SpecFields custom;
  custom.kind = "custom";
  custom.name = "custom";
  custom.levels = {"l.name == r.name and abs(l.birth_weight - r.birth_weight) <= 300",
                   "days_between(l.birth_date, r.birth_date) <= 40 and l.surname != r.given_name",
                   "starts_with(r.area_code, '4301821001') or is_missing(l.id_number)"};
  specs.push_back(Spec(custom));
  for (const char* metric : {"jaro_winkler", "jaro", "levenshtein", "damerau_levenshtein", "jaccard"}) {
    SpecFields f = Fields("string", "name");
    f.metric = metric;
    specs.push_back(Spec(f));
  }
  SpecFields zh = Fields("name_zh", "name");
  zh.thresholds = {0.9, 0.75};
  specs.push_back(Spec(zh));
  SpecFields swapped = Fields("names_swapped", "surname");
  swapped.column2 = "given_name";
  specs.push_back(Spec(swapped));
  specs.push_back(Spec(Fields("date", "birth_date")));
  specs.push_back(Spec(Fields("citizen_id", "id_number")));
  SpecFields num = Fields("numeric", "birth_weight");
  num.thresholds = {10, 100};
  specs.push_back(Spec(num));
  SpecFields date_num = Fields("numeric", "birth_date");
  date_num.mode = "percentage";
  date_num.thresholds = {0.001};
  specs.push_back(Spec(date_num));
  SpecFields pre = Fields("prefix", "area_code");
  pre.lengths = {9, 6};
  specs.push_back(Spec(pre));
  specs.push_back(Spec(Fields("exact", "given_name")));
  Result<Comparator> cmp = Comparator::Make(*rs_, specs);
  ASSERT_TRUE(cmp.ok()) << cmp.status().ToString();
  // Compare is const and thread-safe: two threads over the same pairs agree.
  std::vector<uint8_t> by_thread[2];
  {
    std::vector<std::thread> threads;
    for (std::vector<uint8_t>& out : by_thread) {
      threads.emplace_back([&cmp, &out, this, k = specs.size()] {
        std::vector<uint8_t> g(k);
        for (int64_t a = 0; a < rs_->size(); ++a) {
          for (int64_t b = a + 1; b < rs_->size(); ++b) {
            cmp->Compare(a, b, g.data());
            out.insert(out.end(), g.begin(), g.end());
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }
  EXPECT_EQ(by_thread[0], by_thread[1]);
  std::vector<uint8_t> gamma(specs.size());
  for (int64_t a = 0; a < rs_->size(); ++a) {
    for (int64_t b = a + 1; b < rs_->size(); ++b) {
      cmp->Compare(a, b, gamma.data());
      for (size_t k = 0; k < specs.size(); ++k) {
        ASSERT_EQ(gamma[k], ReferenceComparisonLevel(*rs_, specs[k], a, b))
            << "comparison " << k << " (" << ComparisonKindName(specs[k].kind) << ") pair " << a << "," << b;
        ASSERT_TRUE(gamma[k] == kNullLevel || gamma[k] < cmp->num_levels(static_cast<int>(k)));
      }
    }
  }
}

// Many distinct values: the per-pair path (small columns use a precomputed
// level matrix) agrees with the reference too, including the Jaro bound.
TEST_F(ComparisonTest, AgreesWithReferenceWithoutLevelMatrix) {
  std::mt19937 rng(11);
  const std::u32string alphabet = U"abcde张章伟卫";
  std::vector<std::vector<std::string>> rows;
  for (int row_idx = 0; row_idx < 1500; ++row_idx) {
    std::string word;
    const int len = 1 + static_cast<int>(rng() % 7);
    for (int k = 0; k < len; ++k) AppendUtf8(alphabet[rng() % alphabet.size()], word);
    rows.push_back({word});
  }
  Load({{"name", FieldType::kText}}, rows);
  std::vector<ComparisonSpec> specs;
  for (const char* metric : {"jaro_winkler", "jaro", "levenshtein", "damerau_levenshtein", "jaccard"}) {
    SpecFields f = Fields("string", "name");
    f.metric = metric;
    if (std::string(metric) == "jaro_winkler") f.thresholds = {0.95, 0.9, 0.85, 0.7, 0.5};
    specs.push_back(Spec(f));
  }
  SpecFields zh = Fields("name_zh", "name");
  zh.thresholds = {0.9, 0.6};
  specs.push_back(Spec(zh));
  // Words split at 'a' into sets: well over 512 distinct sets.
  SpecFields intersect = Fields("array_intersect", "name");
  intersect.delimiter = "a";
  intersect.thresholds = {1, 2};
  specs.push_back(Spec(intersect));
  Result<Comparator> cmp = Comparator::Make(*rs_, specs);
  ASSERT_TRUE(cmp.ok());
  std::vector<uint8_t> gamma(specs.size());
  for (int64_t a = 0; a < rs_->size(); ++a) {
    for (int64_t b = a + 1; b < std::min<int64_t>(rs_->size(), a + 15); ++b) {
      cmp->Compare(a, b, gamma.data());
      for (size_t k = 0; k < specs.size(); ++k) {
        ASSERT_EQ(gamma[k], ReferenceComparisonLevel(*rs_, specs[k], a, b))
            << "comparison " << k << " pair " << rows[static_cast<size_t>(a)][0] << " / "
            << rows[static_cast<size_t>(b)][0];
      }
    }
  }
}

}  // namespace
}  // namespace vitalink::link
