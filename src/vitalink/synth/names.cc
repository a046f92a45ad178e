#include "vitalink/synth/names.h"

#include <opencc/opencc.h>

#include <array>
#include <cstring>

#include "vitalink/common/utf8.h"

namespace vitalink::synth {
namespace {

struct Weighted {
  const char* text;
  double weight;  // approximate share in percent
};

// Approximate surname shares (percent of the population), written from general
// knowledge of published rankings; Hunan leans a little towards 刘, 彭, 谭, 曾.
constexpr Weighted kSurnames[] = {
    {"王", 7.0},  {"李", 7.0},  {"张", 6.6},  {"刘", 5.8},  {"陈", 4.8},  {"杨", 3.1},
    {"黄", 2.3},  {"赵", 2.0},  {"吴", 1.9},  {"周", 1.9},  {"徐", 1.4},  {"孙", 1.3},
    {"马", 1.2},  {"朱", 1.2},  {"胡", 1.3},  {"郭", 1.1},  {"何", 1.2},  {"高", 1.0},
    {"林", 1.0},  {"罗", 1.1},  {"郑", 0.9},  {"梁", 0.8},  {"谢", 0.9},  {"宋", 0.7},
    {"唐", 0.9},  {"许", 0.6},  {"韩", 0.6},  {"冯", 0.6},  {"邓", 0.8},  {"曹", 0.6},
    {"彭", 0.9},  {"曾", 0.8},  {"肖", 0.7},  {"田", 0.5},  {"董", 0.5},  {"袁", 0.5},
    {"潘", 0.4},  {"于", 0.4},  {"蒋", 0.5},  {"蔡", 0.4},  {"余", 0.5},  {"杜", 0.4},
    {"叶", 0.4},  {"程", 0.4},  {"苏", 0.4},  {"魏", 0.4},  {"吕", 0.3},  {"丁", 0.3},
    {"任", 0.3},  {"沈", 0.3},  {"姚", 0.3},  {"卢", 0.3},  {"姜", 0.3},  {"崔", 0.3},
    {"钟", 0.3},  {"谭", 0.6},  {"陆", 0.3},  {"汪", 0.3},  {"范", 0.3},  {"金", 0.3},
    {"石", 0.3},  {"廖", 0.4},  {"贾", 0.2},  {"夏", 0.3},  {"韦", 0.2},  {"付", 0.2},
    {"方", 0.2},  {"白", 0.2},  {"邹", 0.3},  {"孟", 0.2},  {"熊", 0.3},  {"秦", 0.2},
    {"邱", 0.2},  {"江", 0.2},  {"尹", 0.2},  {"薛", 0.2},  {"闫", 0.2},  {"段", 0.2},
    {"雷", 0.2},  {"侯", 0.2},  {"龙", 0.2},  {"史", 0.2},  {"陶", 0.2},  {"黎", 0.2},
    {"贺", 0.3},  {"顾", 0.2},  {"毛", 0.2},  {"郝", 0.1},  {"龚", 0.2},  {"邵", 0.2},
    {"万", 0.1},  {"钱", 0.1},  {"严", 0.1},  {"覃", 0.1},  {"武", 0.1},  {"戴", 0.2},
    {"莫", 0.1},  {"孔", 0.1},  {"向", 0.2},  {"汤", 0.2},  {"易", 0.2},  {"文", 0.2},
    {"颜", 0.1},  {"喻", 0.1},  {"傅", 0.1},  {"单", 0.03}, {"解", 0.02}, {"朴", 0.01},
    {"查", 0.01}, {"欧阳", 0.06}, {"司马", 0.005}, {"诸葛", 0.005}, {"上官", 0.005},
    {"司徒", 0.005}, {"皇甫", 0.003}, {"令狐", 0.002},
};

// Given-name characters, most popular first; a character's weight falls with its rank.
constexpr const char* kMaleChars =
    "伟明军华强磊涛斌杰勇建国平志鹏超辉刚健波宇浩轩博文俊峰亮飞龙成林海东兵鑫凯然阳晨"
    "旭睿泽宁昊毅坤翔锋诚新永光金福德春生云洪荣江武义中庆祥正立利兴安德昌铭豪航天瑞"
    "彬鸿宏宸奕子俊佳嘉家晓";
constexpr const char* kFemaleChars =
    "芳丽静敏燕娟霞秀英玲艳婷雪慧颖琳琴红梅兰洁晶莉萍倩佳欣怡雯悦涵萱妍璐瑶蕾薇娜婧琪"
    "馨露月春桂凤珍华玉秋莹爱淑美菲琦彤诗思雨梓可嘉晓小云霖然若依宁静子欢蓉霜瑜婉";

// Whole given names typical of older cohorts (born before 1965) and of recent ones (after 2008).
constexpr const char* kOldMaleNames[] = {"建国", "国庆", "建华", "建军", "国强", "志强",
                                         "卫国", "解放", "红兵", "文革", "援朝", "德明"};
constexpr const char* kOldFemaleNames[] = {"秀英", "桂英", "淑珍", "玉兰", "凤英", "秀兰",
                                           "桂兰", "玉梅", "冬梅", "红梅", "淑英", "秀珍"};
constexpr const char* kNewMaleNames[] = {"子轩", "浩宇", "宇轩", "浩然", "梓豪", "子豪",
                                         "俊熙", "一鸣", "宇航", "沐阳", "子墨", "奕辰"};
constexpr const char* kNewFemaleNames[] = {"梓涵", "欣怡", "雨涵", "诗涵", "一诺", "子涵",
                                           "梓萱", "可馨", "若曦", "语桐", "依诺", "思彤"};

constexpr const char* kUyghurMale[] = {"艾力", "买买提", "阿不都", "吐尔逊", "依明",  "热合曼",
                                       "玉素甫", "阿迪力", "亚森", "艾合买提", "塔依尔", "努尔"};
constexpr const char* kUyghurFemale[] = {"古丽", "阿依古丽", "热依拉", "迪丽努尔", "帕提古丽",
                                         "努尔古丽", "米娜", "再努尔", "阿米娜", "祖丽菲娅"};

// Homophone groups among name characters (tone ignored, as typed in pinyin
// input methods). The first group holding a character wins.
constexpr const char* kHomophoneGroups[] = {
    "伟卫维薇玮炜", "明鸣铭名", "丽莉利力立俐", "华桦骅花", "静靖婧晶菁京精敬景",
    "军君均钧",     "杰洁婕捷", "芳方",         "平萍苹屏", "玲琳林霖灵凌铃",
    "英莹颖瑛盈",   "红洪宏鸿虹", "燕艳雁彦妍", "涛韬",     "强蔷",
    "峰锋丰枫凤风", "波博柏",   "辉晖慧惠",     "娟涓鹃",   "霞侠",
    "勇永咏泳",     "刚钢纲",   "斌彬滨宾",     "鹏朋",     "超潮",
    "建健剑键",     "志智治",   "文雯闻",       "欣新心鑫馨信", "怡宜仪艺依",
    "雪学",         "梅美玫",   "兰岚蓝",       "秀绣",     "玉宇雨语钰煜",
    "涵寒含晗",     "萱轩宣璇", "梓子紫姿",     "浩昊皓",   "睿瑞锐",
    "泽则择",       "晨辰琛臣", "嘉佳家加",     "琪琦奇祺淇", "婷庭亭廷",
    "倩芊千谦",     "娜纳",     "露璐路鹭",     "蕾磊雷",   "悦月跃越",
    "晓小筱孝",     "东冬",     "云芸韵耘",     "龙隆",     "飞菲斐",
    "阳洋杨扬",     "凯恺楷",   "宁凝柠",       "秋丘邱",   "春椿",
    // surnames read as in names: 曾 Zeng, 单 Shan, 朴 Piao are left out on purpose
    "张章",         "王汪",     "刘柳",         "黄皇",     "吴伍武",
    "肖萧",         "付傅符",   "江姜蒋",       "程成",     "徐许",
    "于余俞",       "李黎",     "石史施",       "韩",       "冯封",
    "袁元原",       "戴代",     "龚宫",
};

// Ethnic groups (GB 3304 names) with approximate shares for a Hunan county.
constexpr Weighted kEthnicities[] = {
    {"汉族", 98.4},  {"土家族", 0.45}, {"苗族", 0.35}, {"侗族", 0.15}, {"瑶族", 0.2},
    {"回族", 0.1},   {"壮族", 0.1},    {"满族", 0.06}, {"维吾尔族", 0.04}, {"蒙古族", 0.05},
    {"白族", 0.05},  {"彝族", 0.03},   {"朝鲜族", 0.02},
};
static_assert(kUyghurEthnicity == 8);

std::vector<std::string_view> SplitChars(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t start = pos;
    char32_t cp;
    NextCodePoint(s, pos, cp);
    out.push_back(s.substr(start, pos - start));
  }
  return out;
}

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  size_t pos = 0;
  char32_t cp;
  while (NextCodePoint(s, pos, cp)) out.push_back(cp);
  return out;
}

std::string FromCodePoints(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t cp : cps) AppendUtf8(cp, out);
  return out;
}

WeightedPicker RankPicker(size_t n) {
  std::vector<double> w(n);
  for (size_t rank = 0; rank < n; ++rank) w[rank] = 1.0 / (1.0 + static_cast<double>(rank) / 15.0);
  return WeightedPicker(w);
}

template <size_t N>
const char* PickFrom(Rng& rng, const char* const (&list)[N]) {
  return list[rng.Uniform(N)];
}

}  // namespace

const std::vector<std::string_view>& EthnicityNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> v;
    for (const Weighted& e : kEthnicities) v.emplace_back(e.text);
    return v;
  }();
  return kNames;
}

Result<NameModel> NameModel::Make() {
  NameModel m;
  std::vector<double> weights;
  for (const Weighted& s : kSurnames) {
    m.surnames_.emplace_back(s.text);
    weights.push_back(s.weight);
  }
  m.surname_picker_ = WeightedPicker(weights);
  m.male_chars_ = SplitChars(kMaleChars);
  m.female_chars_ = SplitChars(kFemaleChars);
  m.male_picker_ = RankPicker(m.male_chars_.size());
  m.female_picker_ = RankPicker(m.female_chars_.size());
  weights.clear();
  for (const Weighted& e : kEthnicities) weights.push_back(e.weight);
  m.ethnicity_picker_ = WeightedPicker(weights);

  const size_t span = kCjkLast - kCjkFirst + 1;
  m.homophone_index_.assign(span, -1);
  for (const char* group : kHomophoneGroups) {
    std::vector<char32_t> members;
    for (char32_t cp : CodePoints(group)) {
      if (cp < kCjkFirst || cp > kCjkLast || m.homophone_index_[cp - kCjkFirst] >= 0) continue;
      members.push_back(cp);
    }
    if (members.size() < 2) continue;
    const auto group_idx = static_cast<int16_t>(m.homophone_groups_.size());
    for (char32_t cp : members) m.homophone_index_[cp - kCjkFirst] = group_idx;
    m.homophone_groups_.push_back(std::move(members));
  }

  // Every character the generator can write, so the traditional map covers them all.
  std::string all = std::string(kMaleChars) + kFemaleChars;
  for (const Weighted& s : kSurnames) all += s.text;
  for (const char* g : kHomophoneGroups) all += g;
  for (const auto* list : {&kOldMaleNames, &kOldFemaleNames, &kNewMaleNames, &kNewFemaleNames}) {
    for (const char* n : *list) all += n;
  }
  std::vector<char32_t> chars = CodePoints(all);
  for (char32_t cp : CodePoints(std::string(kMaleChars) + kFemaleChars)) m.typo_chars_.push_back(cp);

  opencc_t cc = opencc_open("s2t.json");
  if (cc == reinterpret_cast<opencc_t>(-1)) cc = opencc_open("/usr/share/opencc/s2t.json");
  if (cc == reinterpret_cast<opencc_t>(-1)) {
    return Status::FailedPrecondition("OpenCC config s2t.json not found (install opencc-data)");
  }
  m.traditional_index_.assign(span, -1);
  for (char32_t cp : chars) {
    if (cp < kCjkFirst || cp > kCjkLast || m.traditional_index_[cp - kCjkFirst] >= 0) continue;
    std::string simplified;
    AppendUtf8(cp, simplified);
    char* converted = opencc_convert_utf8(cc, simplified.data(), simplified.size());
    if (converted == nullptr) continue;
    std::string traditional(converted);
    opencc_convert_utf8_free(converted);
    if (traditional != simplified && !traditional.empty()) {
      m.traditional_index_[cp - kCjkFirst] = static_cast<int32_t>(m.traditional_forms_.size());
      m.traditional_forms_.push_back(std::move(traditional));
    }
  }
  opencc_close(cc);
  return m;
}

std::string_view NameModel::PickSurname(Rng& rng) const {
  return surnames_[surname_picker_.Pick(rng)];
}

std::string NameModel::MakeGivenName(Rng& rng, int sex, int birth_year) const {
  const bool male = sex == 1;
  if (birth_year < 1965 && rng.Bernoulli(0.25)) {
    return male ? PickFrom(rng, kOldMaleNames) : PickFrom(rng, kOldFemaleNames);
  }
  if (birth_year >= 2008 && rng.Bernoulli(0.15)) {
    return male ? PickFrom(rng, kNewMaleNames) : PickFrom(rng, kNewFemaleNames);
  }
  // Single-character given names peaked with the 1980s–90s cohorts.
  const double single = birth_year < 1975 ? 0.25 : birth_year < 2000 ? 0.35 : 0.12;
  const auto& chars = male ? male_chars_ : female_chars_;
  const WeightedPicker& picker = male ? male_picker_ : female_picker_;
  std::string out(chars[picker.Pick(rng)]);
  if (!rng.Bernoulli(single)) {
    std::string_view second;
    do {
      second = chars[picker.Pick(rng)];
    } while (second == out && rng.Bernoulli(0.9));  // reduplicated names (婷婷) stay rare
    out += second;
  }
  return out;
}

std::string_view NameModel::PickUyghurGiven(Rng& rng, int sex) const {
  return sex == 1 ? PickFrom(rng, kUyghurMale) : PickFrom(rng, kUyghurFemale);
}

int NameModel::PickEthnicity(Rng& rng) const { return static_cast<int>(ethnicity_picker_.Pick(rng)); }

int NameModel::HomophoneGroup(char32_t cp) const {
  if (cp < kCjkFirst || cp > kCjkLast) return -1;
  return homophone_index_[cp - kCjkFirst];
}

const std::string* NameModel::Traditional(char32_t cp) const {
  if (cp < kCjkFirst || cp > kCjkLast) return nullptr;
  const int32_t idx = traditional_index_[cp - kCjkFirst];
  return idx < 0 ? nullptr : &traditional_forms_[static_cast<size_t>(idx)];
}

bool NameModel::HasHomophone(std::string_view name) const {
  size_t pos = 0;
  char32_t cp;
  while (NextCodePoint(name, pos, cp)) {
    if (HomophoneGroup(cp) >= 0) return true;
  }
  return false;
}

bool NameModel::ReplaceHomophone(Rng& rng, std::string& name) const {
  std::vector<char32_t> cps = CodePoints(name);
  std::array<size_t, 16> candidates{};
  size_t n = 0;
  for (size_t char_idx = 0; char_idx < cps.size() && n < candidates.size(); ++char_idx) {
    if (HomophoneGroup(cps[char_idx]) >= 0) candidates[n++] = char_idx;
  }
  if (n == 0) return false;
  const size_t at = candidates[rng.Uniform(n)];
  const auto& group = homophone_groups_[static_cast<size_t>(HomophoneGroup(cps[at]))];
  char32_t replacement;
  do {
    replacement = group[rng.Uniform(group.size())];
  } while (replacement == cps[at]);
  cps[at] = replacement;
  name = FromCodePoints(cps);
  return true;
}

void NameModel::ReplaceTypo(Rng& rng, std::string& name) const {
  std::vector<char32_t> cps = CodePoints(name);
  if (cps.empty()) return;
  size_t at;
  do {
    at = rng.Uniform(cps.size());
  } while (cps[at] == U'\u00B7');
  char32_t replacement;
  do {
    replacement = typo_chars_[rng.Uniform(typo_chars_.size())];
  } while (replacement == cps[at]);
  cps[at] = replacement;
  name = FromCodePoints(cps);
}

bool NameModel::HasTraditional(std::string_view name) const {
  size_t pos = 0;
  char32_t cp;
  while (NextCodePoint(name, pos, cp)) {
    if (Traditional(cp) != nullptr) return true;
  }
  return false;
}

void NameModel::ToTraditional(std::string& name) const {
  std::string out;
  out.reserve(name.size());
  size_t pos = 0;
  size_t start = 0;
  char32_t cp;
  while (NextCodePoint(name, pos, cp)) {
    if (const std::string* t = Traditional(cp)) {
      out += *t;
    } else {
      out.append(name, start, pos - start);
    }
    start = pos;
  }
  name = std::move(out);
}

}  // namespace vitalink::synth
