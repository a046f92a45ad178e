#include "vitalink/synth/generator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <queue>
#include <span>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>

#include "vitalink/common/area_codes.h"
#include "vitalink/common/citizen_id.h"
#include "vitalink/common/date.h"
#include "vitalink/synth/csv_writer.h"
#include "vitalink/synth/names.h"
#include "vitalink/synth/rng.h"

namespace vitalink::synth {
namespace {

// Independent random streams: the population never depends on error rates.
enum Stream : uint64_t {
  kStreamPopulation = 1,
  kStreamRegister = 2,
  kStreamBirths = 3,
  kStreamSurvey = 4,
  kStreamMigrants = 5,
  kStreamCoverage = 6,
  kStreamAreas = 7,
};

enum class Relation : uint8_t { kHead, kSpouse, kSon, kDaughter, kFather, kMother, kGrandson, kGranddaughter };
constexpr std::string_view kRelationNames[] = {"户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女"};

enum class PersonStatus : uint8_t { kResident, kMovedOut, kMovedIn, kMigrant };
constexpr std::string_view kStatusNames[] = {"常住", "迁出", "迁入", "流动"};

struct Township {
  std::string code;
  std::string name;
  double unregistered_factor = 1;  // 漏报 multiplier for births of the period
  size_t first_village = 0;
  size_t village_count = 0;
};

struct Village {
  std::string code;
  size_t township = 0;
  int32_t next_household = 1;
};

struct Household {
  int32_t village = 0;
  int32_t first = 0;  // persons of a household are contiguous
  int32_t count = 0;
  int32_t origin = -1;  // index into origin counties, migrants only
  int32_t arrival_days = 0;
  int32_t serial = 0;   // within the village; 户号 = village suffix + serial
  bool migrant = false;
};

struct Person {
  std::string name;
  std::array<char, 18> id{};
  int32_t birth_days = 0;
  int32_t household = 0;
  int32_t mother = -1;
  int32_t father = -1;
  int32_t registration_days = 0;
  int32_t birth_report_days = 0;
  uint8_t sex = 1;
  uint8_t ethnicity = 0;
  Relation relation = Relation::kHead;
  PersonStatus status = PersonStatus::kResident;
  bool born_in_period = false;
  bool registered = true;
  bool in_migrant_register = false;
  bool birth_reported = false;
  bool in_survey = false;
  uint8_t twins = 0;

  std::string_view id_view() const { return {id.data(), id.size()}; }
};

struct Period {
  int32_t start = 0;    // first day of the birth period
  int32_t end = 0;      // last day of end_month: the extract date
};

// Age bands (5 years from 20) of household heads, a rough shape of rural
// Hunan: the large 1962–1975 cohorts head most households.
constexpr double kHeadAgeBands[] = {2, 5, 8, 9, 9, 11, 12, 11, 9, 8, 6, 4, 3, 1.5};

// Approximate annual fertility of married women by age (20–22, 23–27, …, 43–45),
// tuned so the crude birth rate lands near 6 per 1000, as in recent Hunan statistics.
double AnnualFertility(int age) {
  if (age < 20 || age > 45) return 0;
  if (age < 23) return 0.08;
  if (age < 28) return 0.14;
  if (age < 33) return 0.10;
  if (age < 38) return 0.045;
  if (age < 43) return 0.012;
  return 0.002;
}

int32_t BirthDaysForAge(Rng& rng, int32_t ref, int age) {
  return ref - 1 - (age * 365 + age / 4) - static_cast<int32_t>(rng.Uniform(365));
}

int YearOf(int32_t days) { return CivilFromDays(days).year; }

int AgeAt(int32_t birth_days, int32_t at) { return static_cast<int>((at - birth_days) / 365.2425); }

std::string PersonId(int64_t idx) { return fmt::format("P{:07d}", idx + 1); }

class Generator {
 public:
  Generator(const GenerateOptions& options, const AreaTable& areas, const NameModel& names)
      : opt_(options), areas_(areas), names_(names), pop_rng_(options.seed, kStreamPopulation) {
    coverage_ = std::make_unique<ErrorInjector>(names_, opt_.rates, Rng(opt_.seed, kStreamCoverage),
                                                &tallies_);
  }

  Status Run(GenerateSummary& summary);

 private:
  Status SetUpAreas();
  void BuildPopulation();
  void BuildHousehold();
  int32_t AddPerson(int32_t hh, int sex, int32_t birth_days, Relation relation,
                    std::string_view surname, std::string_view father_given);
  void AddPeriodBirths(int32_t hh, int32_t mother, int32_t father, std::string_view surname);
  Status WriteRegister(CsvWriter& truth, SourceSummary& out);
  Status WriteBirths(CsvWriter& truth, SourceSummary& out);
  Status WriteSurvey(CsvWriter& truth, SourceSummary& out);
  Status WriteMigrants(CsvWriter& truth, SourceSummary& out);
  Status WritePersons(const std::string& path);
  Status WriteConfig(const std::string& path, const GenerateSummary& summary);
  std::string HouseholdNumber(const Household& h) const;
  std::span<const std::string> TownshipVillages(size_t village) const {
    const Township& t = townships_[villages_[village].township];
    return {village_codes_.data() + t.first_village, t.village_count};
  }
  static void TruthRow(CsvWriter& truth, std::string_view source, std::string_view record_id,
                       int64_t person, std::string_view errors) {
    truth.Field(source);
    truth.Field(record_id);
    truth.Field(PersonId(person));
    truth.Field(errors);
    truth.EndRow();
  }
  std::string Path(std::string_view file) const { return opt_.out_dir + "/" + std::string(file); }

  const GenerateOptions& opt_;
  const AreaTable& areas_;
  const NameModel& names_;
  Rng pop_rng_;
  ErrorTallies tallies_{};
  std::unique_ptr<ErrorInjector> coverage_;
  Period period_;
  int32_t county_code_ = 0;
  std::string county_name_;
  std::string province_name_;
  std::vector<Township> townships_;
  std::vector<Village> villages_;
  std::vector<std::string> village_codes_;
  WeightedPicker village_picker_, migrant_village_picker_, head_age_picker_;
  std::vector<int32_t> origin_codes_;
  WeightedPicker origin_picker_;
  std::vector<Person> persons_;
  std::vector<Household> households_;
  std::unordered_set<uint64_t> used_ids_;  // membership only: never iterated
  std::vector<int32_t> survey_villages_;
};

Status Generator::SetUpAreas() {
  const AreaInfo* county = areas_.Find(opt_.county);
  if (county == nullptr || county->level != AreaLevel::kCounty) {
    return Status::NotFound("county " + opt_.county + " is not a county code in the area table");
  }
  county_code_ = std::stoi(opt_.county);
  county_name_ = county->name;
  if (const AreaInfo* prov = areas_.Find(opt_.county.substr(0, 2))) province_name_ = prov->name;
  Rng rng(opt_.seed, kStreamAreas);
  std::vector<double> weights, migrant_weights;
  for (const AreaInfo* t : areas_.Children(opt_.county)) {
    Township town;
    town.code = t->code;
    town.name = t->name;
    // Log-uniform on [0.25, 4]: some townships miss many births, some almost none.
    town.unregistered_factor = 0.25 * std::pow(16.0, rng.NextDouble());
    town.first_village = villages_.size();
    for (const AreaInfo* v : areas_.Children(t->code)) {
      Village village;
      village.code = v->code;
      village.township = townships_.size();
      const bool urban = v->name.find("社区") != std::string::npos ||
                         v->name.find("居委会") != std::string::npos;
      const double w = (urban ? 2.5 : 1.0) * std::exp(0.35 * rng.Normal());
      weights.push_back(w);
      migrant_weights.push_back(urban ? 4 * w : w);
      village_codes_.push_back(village.code);
      villages_.push_back(std::move(village));
    }
    town.village_count = villages_.size() - town.first_village;
    if (town.village_count > 0) townships_.push_back(std::move(town));
  }
  if (villages_.empty()) {
    return Status::NotFound("county " + opt_.county + " has no villages in the area table");
  }
  village_picker_ = WeightedPicker(weights);
  migrant_village_picker_ = WeightedPicker(migrant_weights);
  head_age_picker_ = WeightedPicker(std::vector<double>(std::begin(kHeadAgeBands), std::end(kHeadAgeBands)));

  // Origins of migrants: real counties, most from the rest of the province,
  // the others from neighbouring provinces.
  constexpr std::string_view kProvinces[] = {"43", "36", "42", "44", "45", "52", "50", "51", "41", "35", "34"};
  std::vector<double> origin_weights;
  for (std::string_view prov : kProvinces) {
    std::vector<int32_t> counties;
    for (const AreaInfo* city : areas_.Children(prov)) {
      for (const AreaInfo* c : areas_.Children(city->code)) {
        if (c->code == opt_.county || c->name == "市辖区" || c->name.empty()) continue;
        counties.push_back(std::stoi(c->code));
      }
    }
    const double share = prov == opt_.county.substr(0, 2) ? 60.0 : 4.0;
    for (int32_t code : counties) {
      origin_codes_.push_back(code);
      origin_weights.push_back(share / static_cast<double>(counties.size()));
    }
  }
  if (origin_codes_.empty()) {
    origin_codes_.push_back(county_code_);
    origin_weights.push_back(1);
  }
  origin_picker_ = WeightedPicker(origin_weights);
  return Status::OK();
}

int32_t Generator::AddPerson(int32_t hh, int sex, int32_t birth_days, Relation relation,
                             std::string_view surname, std::string_view father_given) {
  if (static_cast<int64_t>(persons_.size()) >= opt_.persons) return -1;
  Household& h = households_[static_cast<size_t>(hh)];
  Person p;
  p.sex = static_cast<uint8_t>(sex);
  p.birth_days = birth_days;
  p.household = hh;
  p.relation = relation;
  p.ethnicity = static_cast<uint8_t>(persons_.empty() || h.count == 0
                                         ? names_.PickEthnicity(pop_rng_)
                                         : persons_[static_cast<size_t>(h.first)].ethnicity);
  if (p.ethnicity == kUyghurEthnicity) {
    p.name = std::string(names_.PickUyghurGiven(pop_rng_, sex)) + "·" +
             std::string(father_given.empty() ? names_.PickUyghurGiven(pop_rng_, 1) : father_given);
  } else {
    p.name = std::string(surname) + names_.MakeGivenName(pop_rng_, sex, YearOf(birth_days));
  }
  const int32_t area = h.migrant ? origin_codes_[static_cast<size_t>(h.origin)] : county_code_;
  // Sequence parity carries sex (odd male); redraw until the ID is unused.
  int seq;
  uint64_t key;
  do {
    seq = static_cast<int>(pop_rng_.Uniform(500)) * 2 + (sex == 1 ? 1 : 0);
    key = (static_cast<uint64_t>(area) << 32) ^ (static_cast<uint64_t>(birth_days + 200000) << 10) ^
          static_cast<uint64_t>(seq);
  } while (!used_ids_.insert(key).second);
  const std::string id = MakeCitizenId(area, birth_days, seq);
  std::copy_n(id.begin(), 18, p.id.begin());
  p.registration_days = std::min(period_.end, birth_days + pop_rng_.UniformInt32(3, 120));
  if (h.migrant) {
    p.status = PersonStatus::kMigrant;
    p.registered = coverage_->Decide(ErrorKind::kMigrantDoubleRegistered);
    p.in_migrant_register = !coverage_->Decide(ErrorKind::kMigrantUnregistered);
    p.registration_days = std::max(h.arrival_days, birth_days) + pop_rng_.UniformInt32(10, 200);
    p.registration_days = std::min(p.registration_days, period_.end);
  }
  if (h.count == 0) h.first = static_cast<int32_t>(persons_.size());
  ++h.count;
  persons_.push_back(std::move(p));
  return static_cast<int32_t>(persons_.size() - 1);
}

void Generator::AddPeriodBirths(int32_t hh, int32_t mother, int32_t father, std::string_view surname) {
  Rng& rng = pop_rng_;
  const Person& m = persons_[static_cast<size_t>(mother)];
  const double p = AnnualFertility(AgeAt(m.birth_days, period_.start)) * opt_.months / 12.0;
  if (!rng.Bernoulli(p)) return;
  const int32_t day = rng.UniformInt32(period_.start, period_.end);
  const int n = rng.Bernoulli(0.012) ? 2 : 1;
  std::string father_given;
  if (father >= 0) {
    const std::string& fname = persons_[static_cast<size_t>(father)].name;
    father_given = fname.substr(0, fname.find("·"));
  }
  const size_t township = villages_[static_cast<size_t>(households_[static_cast<size_t>(hh)].village)].township;
  const double unregistered = std::min(1.0, opt_.rates.birth_unregistered * townships_[township].unregistered_factor);
  const bool registered = !coverage_->Decide(ErrorKind::kBirthUnregistered, unregistered);
  const bool reported = !coverage_->Decide(ErrorKind::kBirthUnreported);
  for (int child_idx = 0; child_idx < n; ++child_idx) {
    const int sex = rng.Bernoulli(0.52) ? 1 : 2;
    const int32_t c = AddPerson(hh, sex, day, sex == 1 ? Relation::kSon : Relation::kDaughter, surname,
                                father_given);
    if (c < 0) return;
    Person& child = persons_[static_cast<size_t>(c)];
    child.mother = mother;
    child.father = father;
    child.born_in_period = true;
    child.registered = registered;
    child.birth_reported = reported;
    child.twins = static_cast<uint8_t>(n > 1);
    child.registration_days = std::min(period_.end, day + rng.UniformInt32(7, 60));
    child.birth_report_days = day + rng.UniformInt32(1, 7);
  }
}

void Generator::BuildHousehold() {
  Rng& rng = pop_rng_;
  Household h;
  h.migrant = rng.Bernoulli(opt_.migrant_share);
  h.village = static_cast<int32_t>(h.migrant ? migrant_village_picker_.Pick(rng) : village_picker_.Pick(rng));
  h.serial = villages_[static_cast<size_t>(h.village)].next_household++;
  if (h.migrant) {
    h.origin = static_cast<int32_t>(origin_picker_.Pick(rng));
    h.arrival_days = period_.end - rng.UniformInt32(1, 8 * 365);
  }
  const auto hh = static_cast<int32_t>(households_.size());
  households_.push_back(h);
  const bool moved_in = !h.migrant && rng.Bernoulli(0.03);

  const int32_t ref = period_.start;
  const int head_age = 20 + static_cast<int>(head_age_picker_.Pick(rng)) * 5 + rng.UniformInt32(0, 4);
  const double spouse_p = head_age < 25 ? 0.4 : head_age < 60 ? 0.88 : 0.65;
  const bool has_spouse = rng.Bernoulli(spouse_p);
  // Couples are mostly registered under the husband; people living alone are
  // young men or, more often, widowed old women.
  const double male_head = has_spouse ? 0.82 : head_age < 60 ? 0.65 : 0.4;
  const int head_sex = rng.Bernoulli(male_head) ? 1 : 2;
  const std::string_view head_surname = names_.PickSurname(rng);
  const size_t first_new = persons_.size();

  // Elderly parents first, so the head can point at a mother.
  int32_t head_mother = -1;
  int32_t head_father = -1;
  const bool with_parents = head_age >= 28 && head_age <= 60 && rng.Bernoulli(0.22);
  const int parent_age = head_age + rng.UniformInt32(22, 34);
  const int32_t head = AddPerson(hh, head_sex, BirthDaysForAge(rng, ref, head_age), Relation::kHead,
                                 head_surname, {});
  if (head < 0) return;
  if (with_parents && parent_age < 98) {
    if (rng.Bernoulli(0.6)) {
      head_mother = AddPerson(hh, 2, BirthDaysForAge(rng, ref, parent_age - rng.UniformInt32(0, 4)),
                              Relation::kMother, names_.PickSurname(rng), {});
    }
    if (rng.Bernoulli(0.55)) {
      head_father = AddPerson(hh, 1, BirthDaysForAge(rng, ref, parent_age), Relation::kFather,
                              head_surname, {});
    }
    persons_[static_cast<size_t>(head)].mother = head_mother;
    persons_[static_cast<size_t>(head)].father = head_father;
  }

  int32_t husband = head_sex == 1 ? head : -1;
  int32_t wife = head_sex == 2 ? head : -1;
  std::string_view child_surname = head_surname;
  std::string_view wife_surname = head_surname;
  if (has_spouse) {
    const int gap = rng.UniformInt32(-2, 6);  // husbands are a few years older
    const int spouse_age = std::max(18, head_sex == 1 ? head_age - gap : head_age + gap);
    const std::string_view spouse_surname = names_.PickSurname(rng);
    const int32_t spouse = AddPerson(hh, 3 - head_sex, BirthDaysForAge(rng, ref, spouse_age),
                                     Relation::kSpouse, spouse_surname, {});
    if (spouse >= 0) (head_sex == 1 ? wife : husband) = spouse;
    if (head_sex == 2) child_surname = spouse_surname;
    if (head_sex == 1) wife_surname = spouse_surname;
  }

  // Children born before the period, spaced two to six years from a first birth at 21–29.
  std::string father_given;
  if (husband >= 0) {
    const std::string& fname = persons_[static_cast<size_t>(husband)].name;
    father_given = fname.substr(0, fname.find("·"));
  }
  int young_children = 0;
  if (wife >= 0 && (husband >= 0 || rng.Bernoulli(0.2))) {
    const int32_t wife_birth = persons_[static_cast<size_t>(wife)].birth_days;
    const int cohort = YearOf(wife_birth);
    const double u = rng.NextDouble();
    int wanted;
    if (cohort < 1955) {
      wanted = u < 0.1 ? 1 : u < 0.4 ? 2 : u < 0.75 ? 3 : 4;
    } else if (cohort < 1975) {
      wanted = u < 0.35 ? 1 : u < 0.85 ? 2 : 3;
    } else {
      wanted = u < 0.08 ? 0 : u < 0.55 ? 1 : u < 0.95 ? 2 : 3;
    }
    int32_t at = wife_birth + rng.UniformInt32(21, 29) * 365;
    for (int child_idx = 0; child_idx < wanted && at < ref; ++child_idx) {
      const int child_age = AgeAt(at, ref);
      // Adult children mostly have households of their own.
      const bool stays = child_age < 18 || (child_age < 30 && rng.Bernoulli(0.35));
      const int birth_year = YearOf(at);
      const double male_share = birth_year >= 1990 && birth_year <= 2015 ? 0.54 : 0.51;
      const int sex = rng.Bernoulli(male_share) ? 1 : 2;
      if (stays) {
        const int32_t c = AddPerson(hh, sex, at, sex == 1 ? Relation::kSon : Relation::kDaughter,
                                    rng.Bernoulli(0.93) ? child_surname : wife_surname,
                                    father_given);
        if (c >= 0) {
          persons_[static_cast<size_t>(c)].mother = wife;
          persons_[static_cast<size_t>(c)].father = husband;
          if (child_age >= 18 && !h.migrant && rng.Bernoulli(0.25)) {
            persons_[static_cast<size_t>(c)].status = PersonStatus::kMovedOut;
          }
          if (child_age < 15) ++young_children;
        }
      }
      at += rng.UniformInt32(2, 6) * 365 + rng.UniformInt32(0, 364);
    }
    if (!h.migrant) AddPeriodBirths(hh, wife, husband, child_surname);
  }

  // Left-behind grandchildren (留守儿童) of parents working elsewhere.
  if (head_age >= 48 && head_age <= 72 && young_children == 0 && rng.Bernoulli(0.15)) {
    const int n = rng.UniformInt32(1, 2);
    for (int child_idx = 0; child_idx < n; ++child_idx) {
      const int sex = rng.Bernoulli(0.53) ? 1 : 2;
      AddPerson(hh, sex, BirthDaysForAge(rng, ref, rng.UniformInt32(0, 14)),
                sex == 1 ? Relation::kGrandson : Relation::kGranddaughter, head_surname, father_given);
    }
  }

  if (moved_in) {
    const int32_t move_days = period_.end - rng.UniformInt32(30, 5 * 365);
    for (size_t idx = first_new; idx < persons_.size(); ++idx) {
      Person& p = persons_[idx];
      if (p.born_in_period) continue;
      p.status = PersonStatus::kMovedIn;
      p.registration_days = std::max(p.registration_days, move_days);
    }
  }
}

void Generator::BuildPopulation() {
  persons_.reserve(static_cast<size_t>(opt_.persons));
  households_.reserve(static_cast<size_t>(opt_.persons / 2 + 1));
  used_ids_.reserve(static_cast<size_t>(opt_.persons) * 2);
  while (static_cast<int64_t>(persons_.size()) < opt_.persons) BuildHousehold();
  // A household cut short by the size limit may be empty.
  while (!households_.empty() && households_.back().count == 0) households_.pop_back();
}

std::string Generator::HouseholdNumber(const Household& h) const {
  const std::string& code = villages_[static_cast<size_t>(h.village)].code;
  return fmt::format("{}{}{:05d}", code.substr(6, 3), code.substr(9, 3), h.serial);
}

Status Generator::WriteRegister(CsvWriter& truth, SourceSummary& out) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(Path("register.csv"), {.bom = true}));
  for (std::string_view header : {"记录号", "公民身份号码", "姓名", "性别", "出生日期", "民族", "户号",
                                  "与户主关系", "行政区划代码", "登记日期", "母亲身份证号", "父亲身份证号",
                                  "人口状态"}) {
    w->Field(header);
  }
  w->EndRow();
  ErrorInjector inj(names_, opt_.rates, Rng(opt_.seed, kStreamRegister), &tallies_);
  Rng& rng = inj.rng();
  int64_t serial = 0;
  std::string value, record_id;
  // Duplicates surface a while after the original, under another 户号.
  using Pending = std::pair<int64_t, int64_t>;  // (due row, person)
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  std::vector<int32_t> extra_serial(villages_.size(), 0);

  auto emit = [&](int64_t pidx, bool duplicate) {
    const Person& p = persons_[static_cast<size_t>(pidx)];
    const Household& h = households_[static_cast<size_t>(p.household)];
    inj.BeginRecord();
    record_id = fmt::format("HJ{:08d}", ++serial);
    w->Field(record_id);
    inj.Id("id_number", p.id_view(), YearOf(p.birth_days), value);
    w->Field(value);
    inj.Name("name", p.name, value);
    w->Field(value);
    inj.Sex("sex", p.sex, SexFormat::kChinese, value);
    w->Field(value);
    inj.Date("birth_date", p.birth_days, DateFormat::kIso, value);
    w->Field(value);
    inj.Plain("ethnicity", EthnicityNames()[p.ethnicity], value);
    w->Field(value);
    std::string household;
    int32_t registration = p.registration_days;
    Relation relation = p.relation;
    if (duplicate) {
      Household moved = h;
      moved.serial = villages_[static_cast<size_t>(h.village)].next_household +
                     ++extra_serial[static_cast<size_t>(h.village)];
      household = HouseholdNumber(moved);
      registration = std::min(period_.end, registration + rng.UniformInt32(30, 3000));
      relation = Relation::kHead;
      inj.Note("record", "duplicate");
    } else {
      household = HouseholdNumber(h);
    }
    inj.Plain("household_id", household, value);
    w->Field(value);
    inj.Plain("relation", kRelationNames[static_cast<int>(relation)], value);
    w->Field(value);
    inj.Area("area_code", villages_[static_cast<size_t>(h.village)].code, TownshipVillages(static_cast<size_t>(h.village)),
             false, value);
    w->Field(value);
    inj.Date("registration_date", registration, DateFormat::kIso, value);
    w->Field(value);
    for (int32_t parent : {p.mother, p.father}) {
      if (parent >= 0 && !duplicate) {
        const Person& q = persons_[static_cast<size_t>(parent)];
        inj.Id(parent == p.mother ? "mother_id_number" : "father_id_number", q.id_view(), YearOf(q.birth_days), value);
        w->Field(value);
      } else {
        w->Field(std::string_view());
      }
    }
    const PersonStatus status = p.status == PersonStatus::kMigrant ? PersonStatus::kMovedIn : p.status;
    inj.Plain("status", kStatusNames[static_cast<int>(status)], value);
    w->Field(value);
    w->EndRow();
    TruthRow(truth, "register", record_id, pidx, inj.errors());
  };

  for (size_t pidx = 0; pidx < persons_.size(); ++pidx) {
    const Person& p = persons_[pidx];
    if (!p.registered) continue;
    emit(static_cast<int64_t>(pidx), false);
    if (inj.Decide(ErrorKind::kRegisterDuplicate)) {
      pending.emplace(serial + rng.UniformInt(1, 20000), static_cast<int64_t>(pidx));
    }
    while (!pending.empty() && pending.top().first <= serial) {
      const int64_t dup = pending.top().second;
      pending.pop();
      emit(dup, true);
    }
  }
  while (!pending.empty()) {
    const int64_t dup = pending.top().second;
    pending.pop();
    emit(dup, true);
  }
  out = {"register", "register", w->path(), w->rows() - 1};
  return w->Close();
}

Status Generator::WriteBirths(CsvWriter& truth, SourceSummary& out) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(Path("births.csv"), {.gb18030 = true}));
  for (std::string_view header : {"出生证编号", "新生儿姓名", "性别", "出生日期", "出生体重(克)", "接生机构",
                                  "母亲姓名", "母亲身份证号", "父亲姓名", "住址区划代码", "报告日期"}) {
    w->Field(header);
  }
  w->EndRow();
  ErrorInjector inj(names_, opt_.rates, Rng(opt_.seed, kStreamBirths), &tallies_);
  Rng& rng = inj.rng();
  struct Report {
    int32_t report_days;
    int32_t person;
    bool duplicate;
    int hospital;
    int weight;
  };
  const std::vector<std::string> hospitals = {
      county_name_ + "人民医院", county_name_ + "妇幼保健院", county_name_ + "中医医院",
      province_name_ + "妇幼保健院", ""};  // "" = the township health centre
  const WeightedPicker hospital_picker(std::vector<double>{0.35, 0.30, 0.10, 0.10, 0.15});
  std::vector<Report> reports;
  for (size_t pidx = 0; pidx < persons_.size(); ++pidx) {
    const Person& p = persons_[pidx];
    if (!p.born_in_period || !p.birth_reported) continue;
    Report r{p.birth_report_days, static_cast<int32_t>(pidx), false, static_cast<int>(hospital_picker.Pick(rng)), 0};
    const double grams = 3300 + 430 * rng.Normal() - (p.twins != 0 ? 800 : 0);
    r.weight = static_cast<int>(std::clamp(grams, 1000.0, 5200.0) / 10) * 10;
    reports.push_back(r);
    if (inj.Decide(ErrorKind::kBirthsDuplicate)) {
      Report d = r;
      d.duplicate = true;
      d.report_days += rng.UniformInt32(1, 30);
      d.hospital = static_cast<int>(hospital_picker.Pick(rng));
      reports.push_back(d);
    }
  }
  std::stable_sort(reports.begin(), reports.end(), [](const Report& a, const Report& b) {
    return std::tie(a.report_days, a.person, a.duplicate) < std::tie(b.report_days, b.person, b.duplicate);
  });
  int64_t serial = static_cast<int64_t>(rng.Uniform(4000000)) + 1000000;
  std::string value, record_id;
  for (const Report& r : reports) {
    const Person& child = persons_[static_cast<size_t>(r.person)];
    const Person& mother = persons_[static_cast<size_t>(child.mother)];
    const Household& h = households_[static_cast<size_t>(child.household)];
    const Village& village = villages_[static_cast<size_t>(h.village)];
    inj.BeginRecord();
    if (r.duplicate) inj.Note("record", "duplicate");
    record_id = fmt::format("R43{:07d}", serial++);
    w->Field(record_id);
    // Many reports are filed before the child is named: that blank is by design, not an error.
    if (rng.Bernoulli(opt_.child_name_blank)) {
      w->Field(std::string_view());
    } else {
      inj.Name("child_name", child.name, value);
      w->Field(value);
    }
    inj.Sex("sex", child.sex, SexFormat::kChinese, value);
    w->Field(value);
    inj.Date("birth_date", child.birth_days, DateFormat::kSlash, value);
    w->Field(value);
    inj.Plain("birth_weight", std::to_string(r.weight), value);
    w->Field(value);
    const std::string hospital = hospitals[static_cast<size_t>(r.hospital)].empty()
                                     ? townships_[village.township].name + "卫生院"
                                     : hospitals[static_cast<size_t>(r.hospital)];
    inj.Plain("hospital", hospital, value);
    w->Field(value);
    inj.Name("mother_name", mother.name, value);
    w->Field(value);
    inj.Id("mother_id_number", mother.id_view(), YearOf(mother.birth_days), value);
    w->Field(value);
    if (child.father >= 0) {
      inj.Name("father_name", persons_[static_cast<size_t>(child.father)].name, value);
      w->Field(value);
    } else {
      w->Field(std::string_view());
    }
    inj.Area("area_code", village.code, TownshipVillages(static_cast<size_t>(h.village)), true, value);
    w->Field(value);
    inj.Date("report_date", r.report_days, DateFormat::kSlash, value);
    w->Field(value);
    w->EndRow();
    TruthRow(truth, "births", record_id, r.person, inj.errors());
  }
  out = {"births", "births", w->path(), w->rows() - 1};
  return w->Close();
}

Status Generator::WriteSurvey(CsvWriter& truth, SourceSummary& out) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(Path("survey.csv"), {}));
  for (std::string_view header : {"记录号", "姓名", "性别", "出生日期", "母亲姓名", "行政区划代码", "调查日期"}) {
    w->Field(header);
  }
  w->EndRow();
  ErrorInjector inj(names_, opt_.rates, Rng(opt_.seed, kStreamSurvey), &tallies_);
  Rng& rng = inj.rng();
  // A cluster sample: a random subset of villages, every household in them.
  std::vector<int32_t> order(villages_.size());
  for (size_t idx = 0; idx < order.size(); ++idx) order[idx] = static_cast<int32_t>(idx);
  const auto k = static_cast<size_t>(std::clamp<double>(
      std::round(opt_.survey_village_share * static_cast<double>(villages_.size())), 1.0,
      static_cast<double>(villages_.size())));
  for (size_t idx = 0; idx < k; ++idx) {
    std::swap(order[idx], order[idx + rng.Uniform(order.size() - idx)]);
  }
  std::vector<int32_t> visit_days(villages_.size(), -1);
  for (size_t idx = 0; idx < k; ++idx) {
    visit_days[static_cast<size_t>(order[idx])] = period_.end + rng.UniformInt32(1, 30);
    survey_villages_.push_back(order[idx]);
  }
  std::sort(survey_villages_.begin(), survey_villages_.end());
  int64_t serial = 0;
  std::string value, record_id;
  for (const Household& h : households_) {
    const int32_t visit = visit_days[static_cast<size_t>(h.village)];
    if (visit < 0) continue;
    if (coverage_->Decide(ErrorKind::kSurveyNonresponse)) continue;
    for (int32_t pidx = h.first; pidx < h.first + h.count; ++pidx) {
      Person& p = persons_[static_cast<size_t>(pidx)];
      if (p.status == PersonStatus::kMovedOut) continue;
      if (coverage_->Decide(ErrorKind::kSurveyOmission)) continue;
      p.in_survey = true;
      inj.BeginRecord();
      record_id = fmt::format("DC{:07d}", ++serial);
      w->Field(record_id);
      inj.Name("name", p.name, value);
      w->Field(value);
      inj.Sex("sex", p.sex, SexFormat::kChinese, value);
      w->Field(value);
      inj.Date("birth_date", p.birth_days, DateFormat::kIso, value);
      w->Field(value);
      const bool mother_here = p.mother >= 0 && persons_[static_cast<size_t>(p.mother)].household == p.household &&
                               persons_[static_cast<size_t>(p.mother)].status != PersonStatus::kMovedOut;
      if (mother_here) {
        inj.Name("mother_name", persons_[static_cast<size_t>(p.mother)].name, value);
        w->Field(value);
      } else {
        w->Field(std::string_view());
      }
      inj.Area("area_code", villages_[static_cast<size_t>(h.village)].code, TownshipVillages(static_cast<size_t>(h.village)),
               false, value);
      w->Field(value);
      inj.Date("visit_date", visit, DateFormat::kIso, value);
      w->Field(value);
      w->EndRow();
      TruthRow(truth, "survey", record_id, pidx, inj.errors());
    }
  }
  out = {"survey", "survey", w->path(), w->rows() - 1};
  return w->Close();
}

Status Generator::WriteMigrants(CsvWriter& truth, SourceSummary& out) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(Path("migrants.csv"), {}));
  for (std::string_view header : {"记录号", "公民身份号码", "姓名", "性别", "出生日期", "户籍地区划代码",
                                  "现住地区划代码", "来本地日期", "登记日期"}) {
    w->Field(header);
  }
  w->EndRow();
  ErrorInjector inj(names_, opt_.rates, Rng(opt_.seed, kStreamMigrants), &tallies_);
  int64_t serial = 0;
  std::string value, record_id;
  for (size_t pidx = 0; pidx < persons_.size(); ++pidx) {
    const Person& p = persons_[pidx];
    if (p.status != PersonStatus::kMigrant || !p.in_migrant_register) continue;
    const Household& h = households_[static_cast<size_t>(p.household)];
    inj.BeginRecord();
    record_id = fmt::format("LD{:07d}", ++serial);
    w->Field(record_id);
    inj.Id("id_number", p.id_view(), YearOf(p.birth_days), value);
    w->Field(value);
    inj.Name("name", p.name, value);
    w->Field(value);
    inj.Sex("sex", p.sex, SexFormat::kDigit, value);
    w->Field(value);
    inj.Date("birth_date", p.birth_days, DateFormat::kCompact, value);
    w->Field(value);
    inj.Plain("origin_area_code", std::to_string(origin_codes_[static_cast<size_t>(h.origin)]), value);
    w->Field(value);
    inj.Area("area_code", villages_[static_cast<size_t>(h.village)].code, TownshipVillages(static_cast<size_t>(h.village)),
             false, value);
    w->Field(value);
    inj.Date("arrival_date", std::max(h.arrival_days, p.birth_days), DateFormat::kCompact, value);
    w->Field(value);
    inj.Date("registration_date", p.registration_days, DateFormat::kCompact, value);
    w->Field(value);
    w->EndRow();
    TruthRow(truth, "migrants", record_id, static_cast<int64_t>(pidx), inj.errors());
  }
  out = {"migrants", "migrants", w->path(), w->rows() - 1};
  return w->Close();
}

Status Generator::WritePersons(const std::string& path) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(path, {.crlf = false}));
  for (std::string_view header :
       {"person_id", "id_number", "name", "sex", "birth_date", "ethnicity", "township_code", "village_code",
        "household_id", "relation", "mother_person_id", "father_person_id", "status", "resident", "registered",
        "born_in_period", "birth_reported", "in_survey", "migrant", "in_migrant_register", "origin_area_code"}) {
    w->Field(header);
  }
  w->EndRow();
  std::string date;
  for (size_t pidx = 0; pidx < persons_.size(); ++pidx) {
    const Person& p = persons_[pidx];
    const Household& h = households_[static_cast<size_t>(p.household)];
    const Village& v = villages_[static_cast<size_t>(h.village)];
    w->Field(PersonId(static_cast<int64_t>(pidx)));
    // A child's ID exists only once the birth is registered.
    w->Field(p.registered || p.status == PersonStatus::kMigrant ? p.id_view() : std::string_view());
    w->Field(p.name);
    w->Field(std::string_view(p.sex == 1 ? "1" : "2"));
    date.clear();
    const CivilDate c = CivilFromDays(p.birth_days);
    AppendDate(c.year, c.month, c.day, DateFormat::kIso, date);
    w->Field(date);
    w->Field(EthnicityNames()[p.ethnicity]);
    w->Field(townships_[v.township].code);
    w->Field(v.code);
    w->Field(HouseholdNumber(h));
    w->Field(kRelationNames[static_cast<int>(p.relation)]);
    w->Field(p.mother >= 0 ? PersonId(p.mother) : std::string());
    w->Field(p.father >= 0 ? PersonId(p.father) : std::string());
    w->Field(kStatusNames[static_cast<int>(p.status)]);
    const bool migrant = p.status == PersonStatus::kMigrant;
    for (bool flag : {p.status != PersonStatus::kMovedOut, p.registered, p.born_in_period, p.birth_reported,
                      p.in_survey, migrant, p.in_migrant_register}) {
      w->Field(std::string_view(flag ? "1" : "0"));
    }
    w->Field(migrant ? std::to_string(origin_codes_[static_cast<size_t>(h.origin)]) : std::string());
    w->EndRow();
  }
  return w->Close();
}

// The linkage of the county's sources: one job per pair of sources (each its
// own Fellegi–Sunter model), persons being the union of all jobs' matches.
constexpr std::string_view kLinkJobs = R"TOML(
# Linkage (docs/LINKAGE.md): each job has its own Fellegi–Sunter model, u from
# random pairs, m and λ from EM; persons are the union of all jobs' matches.

[[link]]
name = "register_dedupe"
mode = "dedupe"
sources = ["register"]
# Twins share the mother, the day, the household and the village: under the
# model's independence they look like one child registered twice. Two different
# valid ID numbers with different names or birth dates are two persons.
cannot_link = "id_valid(l.id_number) and id_valid(r.id_number) and length(l.id_number) == 18 and length(r.id_number) == 18 and l.id_number != r.id_number and (l.name != r.name or id_birth_date(l.id_number) != id_birth_date(r.id_number))"
blocking = [
  ["id_number"],
  ["pinyin(name)", "birth_date"],
  ["id_birth(id_number)", "prefix(area_code, 9)", "sex"],
  ["household_id", "given_pinyin(name)"],
]
[[link.comparisons]]
kind = "citizen_id"
column = "id_number"
levels = ["exact", "one_digit", "transposition"]   # not same_birth_date: birth_date counts that
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
tf = true
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "date"
column = "birth_date"
[[link.comparisons]]
kind = "citizen_id"
column = "mother_id_number"
levels = ["exact", "one_digit", "transposition"]
[[link.comparisons]]
kind = "prefix"
column = "area_code"
lengths = [12, 9]
[[link.comparisons]]
kind = "exact"
column = "household_id"

[[link]]
name = "births_register"
mode = "link"
sources = ["births", "register"]
one_to_one = true
blocking = [
  ["mother_id_number", "year(birth_date)"],
  ["birth_date", "prefix(area_code, 9)"],
  ["pinyin(name)", "year(birth_date)"],
  # Reports or register rows whose birth date was lost: every child of the mother.
  # Scored, not trained on: its other candidates are siblings, whom EM would learn as
  # matches; the date comparison (with the date in the child's ID) tells them apart.
  { keys = ["mother_id_number"], train = false },
]
[link.columns.births]
name = "child_name"
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
tf = true
[[link.comparisons]]
kind = "exact"
column = "sex"
# The report's birth date against the register's, or, where the register's date
# is lost or damaged, against the date in the child's citizen ID; where the report's
# date is lost, the register's birth falls in the two months before the report. A
# birth report and the register disagree by a typo or a swap, not by months:
# "within a year" would match a newborn to an older sibling.
[[link.comparisons]]
kind = "custom"
name = "birth_date"
levels = [
  "l.birth_date == r.birth_date",
  "l.birth_date == id_birth_date(r.id_number)",
  "year(l.birth_date) == year(r.birth_date) and month(l.birth_date) == day(r.birth_date) and day(l.birth_date) == month(r.birth_date)",
  "abs(days_between(l.birth_date, r.birth_date)) <= 31",
  "is_missing(l.birth_date) and days_between(r.birth_date, l.report_date) >= 0 and days_between(r.birth_date, l.report_date) <= 60",
]
labels = ["exact", "id_birth_date", "day_month_swapped", "within_1_month", "born_before_report"]
[[link.comparisons]]
kind = "citizen_id"
column = "mother_id_number"
levels = ["exact", "one_digit", "transposition"]
[[link.comparisons]]
kind = "prefix"
column = "area_code"
lengths = [12, 9]

[[link]]
name = "births_dedupe"
mode = "dedupe"
sources = ["births"]
# A child reported twice (filed again, or by a second hospital) against twins:
# both pairs share the mother and the day. The few candidates a county has each
# month leave EM nothing to learn from, so the parameters are set from what is
# known of the two (docs/LINKAGE.md, "Fixed parameters"): a second report
# repeats the weight and the sex; twins differ in weight (sd ~430 g) and half
# the time in sex.
blocking = [
  ["mother_id_number"],
  ["pinyin(mother_name)", "birth_date"],
]
[link.columns.births]
name = "child_name"
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "date"
column = "birth_date"
levels = ["exact", "day_month_swapped"]
[[link.comparisons]]
kind = "numeric"
column = "birth_weight"
thresholds = [100]
[link.fixed]
lambda = 0.3   # among candidates: second reports against twins (~0.5% and ~1.2% of births)
[link.fixed.m]  # levels strongest first, "else" last
name = [0.86, 0.03, 0.02, 0.06, 0.03]
sex = [0.99, 0.01]
birth_date = [0.97, 0.01, 0.02]
birth_weight = [0.96, 0.02, 0.02]
[link.fixed.u]  # candidate non-matches: twins, and siblings when the file spans years
name = [0.005, 0.005, 0.01, 0.28, 0.70]
sex = [0.60, 0.40]
birth_date = [0.50, 0.01, 0.49]
birth_weight = [0.01, 0.20, 0.79]

[[link]]
name = "births_survey"
mode = "link"
sources = ["births", "survey"]
one_to_one = true
# The survey has no ID numbers and most reports no child's name: the day, the
# place and the mother's name carry the link.
blocking = [
  ["birth_date", "prefix(area_code, 9)"],
  ["pinyin(mother_name)", "year(birth_date)"],
  ["pinyin(name)", "year(birth_date)"],
  # Reports whose birth date was lost: the mother's name in the township (score only:
  # its other candidates are the mother's older children).
  { keys = ["pinyin(mother_name)", "prefix(area_code, 9)"], train = false },
]
[link.columns.births]
name = "child_name"
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "custom"
name = "birth_date"
levels = [
  "l.birth_date == r.birth_date",
  "year(l.birth_date) == year(r.birth_date) and month(l.birth_date) == day(r.birth_date) and day(l.birth_date) == month(r.birth_date)",
  "abs(days_between(l.birth_date, r.birth_date)) <= 31",
  "is_missing(l.birth_date) and days_between(r.birth_date, l.report_date) >= 0 and days_between(r.birth_date, l.report_date) <= 60",
]
labels = ["exact", "day_month_swapped", "within_1_month", "born_before_report"]
[[link.comparisons]]
kind = "name_zh"
column = "mother_name"
thresholds = [0.88]
levels = ["one_character"]   # a typo in one character (郭露欣/璐露欣) is not another mother
[[link.comparisons]]
kind = "prefix"
column = "area_code"
lengths = [12, 9]

[[link]]
name = "survey_register"
mode = "link"
sources = ["survey", "register"]
one_to_one = true
blocking = [
  ["pinyin(name)", "birth_date"],
  ["birth_date", "area_code"],
  ["pinyin(name)", "area_code"],
  # A survey record without its village code and with a typo in the surname.
  ["given_pinyin(name)", "birth_date"],
]
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
levels = ["one_character"]
tf = true
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "date"
column = "birth_date"
[[link.comparisons]]
kind = "prefix"
column = "area_code"
lengths = [12, 9]

[[link]]
name = "migrants_register"
mode = "link"
sources = ["migrants", "register"]
one_to_one = true
blocking = [
  ["id_number"],
  ["pinyin(name)", "birth_date"],
]
[[link.comparisons]]
kind = "citizen_id"
column = "id_number"
levels = ["exact", "one_digit", "transposition"]   # not same_birth_date: birth_date counts that
[[link.comparisons]]
kind = "name_zh"
column = "name"
thresholds = [0.88]
tf = true
[[link.comparisons]]
kind = "exact"
column = "sex"
[[link.comparisons]]
kind = "date"
column = "birth_date"
)TOML";

Status Generator::WriteConfig(const std::string& path, const GenerateSummary& summary) {
  VL_ASSIGN_OR_RETURN(auto w, CsvWriter::Open(path, {.crlf = false}));
  std::string t;
  t += "# Written by `vitalink generate`: the synthetic county's sources and truth.\n";
  t += "# Paths are relative to this file.\n\n";
  t += "[project]\n";
  t += fmt::format("name = \"{} synthetic county (seed {})\"\n", county_name_, opt_.seed);
  t += fmt::format("county = \"{}\"\n", opt_.county);
  t += fmt::format("seed = {}\n", opt_.seed);
  t += "output = \"out\"\n\n";
  t += "[truth]\n";
  t += "path = \"truth.csv\"           # source,record_id,person_id,errors\n";
  t += "persons = \"persons.csv\"\n";
  // today() in the rules: after the survey's last visit, so outputs do not
  // depend on the day the demo runs.
  t += "\n[check]\n";
  t += fmt::format("run_date = \"{}\"\n", FormatDate(period_.end + 31));
  // The period whose births the estimate step counts.
  t += "\n[estimate]\n";
  t += fmt::format("period_start = \"{}\"\n", FormatDate(period_.start));
  t += fmt::format("period_end = \"{}\"\n", FormatDate(period_.end));
  struct Src {
    std::string_view name, encoding, record_id;
    std::vector<std::pair<std::string_view, std::string_view>> fields;
  };
  const Src sources[] = {
      {"register", "utf-8", "记录号",
       {{"id_number", "公民身份号码"}, {"name", "姓名"}, {"sex", "性别"}, {"birth_date", "出生日期"},
        {"ethnicity", "民族"}, {"household_id", "户号"}, {"relation", "与户主关系"},
        {"area_code", "行政区划代码"}, {"registration_date", "登记日期"},
        {"mother_id_number", "母亲身份证号"}, {"father_id_number", "父亲身份证号"}, {"status", "人口状态"}}},
      {"births", "gb18030", "出生证编号",
       {{"child_name", "新生儿姓名"}, {"sex", "性别"}, {"birth_date", "出生日期"},
        {"birth_weight", "出生体重(克)"}, {"hospital", "接生机构"}, {"mother_name", "母亲姓名"},
        {"mother_id_number", "母亲身份证号"}, {"father_name", "父亲姓名"}, {"area_code", "住址区划代码"},
        {"report_date", "报告日期"}}},
      {"survey", "utf-8", "记录号",
       {{"name", "姓名"}, {"sex", "性别"}, {"birth_date", "出生日期"}, {"mother_name", "母亲姓名"},
        {"area_code", "行政区划代码"}, {"visit_date", "调查日期"}}},
      {"migrants", "utf-8", "记录号",
       {{"id_number", "公民身份号码"}, {"name", "姓名"}, {"sex", "性别"}, {"birth_date", "出生日期"},
        {"origin_area_code", "户籍地区划代码"}, {"area_code", "现住地区划代码"},
        {"arrival_date", "来本地日期"}, {"registration_date", "登记日期"}}},
  };
  for (const Src& s : sources) {
    std::string file;
    int64_t rows = 0;
    for (const SourceSummary& ss : summary.sources) {
      if (ss.name == s.name) {
        file = std::filesystem::path(ss.path).filename().string();
        rows = ss.rows;
      }
    }
    t += "\n[[sources]]\n";
    t += fmt::format("name = \"{}\"\n", s.name);
    t += fmt::format("role = \"{}\"\n", s.name);
    t += fmt::format("path = \"{}\"             # {} rows\n", file, rows);
    t += fmt::format("encoding = \"{}\"\n", s.encoding);
    t += "delimiter = \",\"\n";
    t += fmt::format("record_id = \"{}\"\n", s.record_id);
    t += "[sources.fields]\n";
    for (const auto& [canonical, column] : s.fields) t += fmt::format("{} = \"{}\"\n", canonical, column);
  }
  t += kLinkJobs;
  w->Raw(t);
  return w->Close();
}

Status Generator::Run(GenerateSummary& summary) {
  const auto t0 = std::chrono::steady_clock::now();
  // Period: the `months` calendar months ending with end_month.
  int end_year = 0;
  int end_mon = 0;
  if (opt_.end_month.size() != 7 || opt_.end_month[4] != '-' ||
      std::sscanf(opt_.end_month.c_str(), "%4d-%2d", &end_year, &end_mon) != 2 || end_mon < 1 || end_mon > 12 ||
      end_year < 1950 || end_year > 2200) {
    return Status::InvalidArgument("end_month must be YYYY-MM, got '" + opt_.end_month + "'");
  }
  const int start_index = end_year * 12 + (end_mon - 1) - (opt_.months - 1);
  period_.start = DaysFromCivil({start_index / 12, start_index % 12 + 1, 1});
  period_.end = DaysFromCivil({end_year, end_mon, DaysInMonth(end_year, end_mon)});
  VL_RETURN_IF_ERROR(SetUpAreas());
  BuildPopulation();

  const std::string truth_path = Path("truth.csv");
  VL_ASSIGN_OR_RETURN(auto truth, CsvWriter::Open(truth_path, {.crlf = false}));
  for (std::string_view header : {"source", "record_id", "person_id", "errors"}) truth->Field(header);
  truth->EndRow();
  summary.sources.resize(4);
  VL_RETURN_IF_ERROR(WriteRegister(*truth, summary.sources[0]));
  VL_RETURN_IF_ERROR(WriteBirths(*truth, summary.sources[1]));
  VL_RETURN_IF_ERROR(WriteSurvey(*truth, summary.sources[2]));
  VL_RETURN_IF_ERROR(WriteMigrants(*truth, summary.sources[3]));
  summary.truth_rows = truth->rows() - 1;
  VL_RETURN_IF_ERROR(truth->Close());
  summary.truth_path = truth_path;
  summary.persons_path = Path("persons.csv");
  VL_RETURN_IF_ERROR(WritePersons(summary.persons_path));
  summary.config_path = Path("project.toml");
  VL_RETURN_IF_ERROR(WriteConfig(summary.config_path, summary));

  summary.county_name = county_name_;
  summary.persons = static_cast<int64_t>(persons_.size());
  summary.households = static_cast<int64_t>(households_.size());
  for (const Person& p : persons_) {
    summary.births += p.born_in_period;
    summary.births_registered += p.born_in_period && p.registered;
    summary.births_reported += p.born_in_period && p.birth_reported;
    summary.migrants += p.status == PersonStatus::kMigrant;
  }
  summary.survey_villages = static_cast<int64_t>(survey_villages_.size());
  summary.period_start = FormatDate(period_.start);
  summary.period_end = FormatDate(period_.end);
  for (const ErrorKindInfo& info : ErrorKinds()) {
    const ErrorTally& t = tallies_[static_cast<size_t>(info.kind)];
    summary.errors.push_back({std::string(info.rate_name), std::string(info.truth_kind), opt_.rates.*info.rate,
                              t.eligible, t.injected, t.expected});
  }
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Status::OK();
}

}  // namespace

Result<GenerateSummary> GenerateCounty(const GenerateOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  if (options.out_dir.empty()) return Status::InvalidArgument("out_dir is required");
  if (options.persons < 1 || options.persons > 200'000'000) {
    return Status::InvalidArgument("persons must be between 1 and 200000000");
  }
  if (options.months < 1 || options.months > 60) return Status::InvalidArgument("months must be 1..60");
  if (options.county.size() != 6) return Status::InvalidArgument("county must be a 6-digit code");
  for (const ErrorKindInfo& info : ErrorKinds()) {
    const double r = options.rates.*info.rate;
    if (!(r >= 0 && r <= 1)) {
      return Status::InvalidArgument(fmt::format("error rate {} must be in [0, 1], got {}", info.rate_name, r));
    }
  }
  for (double share : {options.migrant_share, options.survey_village_share, options.child_name_blank}) {
    if (!(share >= 0 && share <= 1)) return Status::InvalidArgument("shares must be in [0, 1]");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::IOError(options.out_dir + ": cannot create directory: " + ec.message());
  const std::string data_dir = options.data_dir.empty() ? DefaultDataDir() : options.data_dir;
  VL_ASSIGN_OR_RETURN(AreaTable areas, AreaTable::Load(data_dir + "/areas.tsv"));
  VL_ASSIGN_OR_RETURN(NameModel names, NameModel::Make());
  GenerateSummary summary;
  Generator generator(options, areas, names);
  VL_RETURN_IF_ERROR(generator.Run(summary));
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace vitalink::synth
