// Chinese names for the synthetic county: surnames with approximate national
// shares, given names by sex and birth cohort, Uyghur-style names with '·',
// ethnicities (GB 3304 names), and the character-level error helpers
// (homophones, typos, traditional forms via OpenCC).
//
// All tables are approximate lists written for vitalink from general
// knowledge; they are not copied from any data set.
//
//   VL_ASSIGN_OR_RETURN(NameModel names, NameModel::Make());
//   std::string name = std::string(names.PickSurname(rng)) + names.MakeGivenName(rng, 2, 1995);
//   if (names.HasHomophone(name)) names.ReplaceHomophone(rng, name);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/synth/rng.h"

namespace vitalink::synth {

/// Ethnic group names of GB 3304 used by the generator; index 0 is 汉族.
const std::vector<std::string_view>& EthnicityNames();
/// Index of 维吾尔族 in EthnicityNames() (its members get '·' names).
inline constexpr int kUyghurEthnicity = 8;

/// Name tables and character-level edits. Immutable after Make(); thread-safe for reads.
class NameModel {
 public:
  /// Build the tables and the traditional-form map (opens OpenCC's s2t.json once).
  static Result<NameModel> Make();

  /// Return a surname drawn by approximate national frequency (compound ones included).
  std::string_view PickSurname(Rng& rng) const;
  /// Return a given name of 1–2 characters; `sex` 1 male / 2 female; older
  /// cohorts get era names (建国, 秀英), recent ones fashionable names (梓涵).
  std::string MakeGivenName(Rng& rng, int sex, int birth_year) const;
  /// Return a Uyghur-style given name (e.g. 阿依古丽).
  std::string_view PickUyghurGiven(Rng& rng, int sex) const;
  /// Return an ethnicity index drawn by the county's approximate shares.
  int PickEthnicity(Rng& rng) const;

  /// Return true when some character of `name` has a homophone in the table.
  bool HasHomophone(std::string_view name) const;
  /// Replace one character that has homophones by another member of its
  /// group; return false (and leave `name` alone) when none has one.
  bool ReplaceHomophone(Rng& rng, std::string& name) const;
  /// Replace one character (not '·') by a different random common name character.
  void ReplaceTypo(Rng& rng, std::string& name) const;
  /// Return true when converting `name` to traditional characters changes it.
  bool HasTraditional(std::string_view name) const;
  /// Convert every character with a traditional form (OpenCC s2t, per character).
  void ToTraditional(std::string& name) const;

 private:
  static constexpr char32_t kCjkFirst = 0x4E00;
  static constexpr char32_t kCjkLast = 0x9FFF;
  int HomophoneGroup(char32_t cp) const;
  const std::string* Traditional(char32_t cp) const;

  std::vector<std::string_view> surnames_;
  WeightedPicker surname_picker_;
  std::vector<std::string_view> male_chars_, female_chars_;
  WeightedPicker male_picker_, female_picker_;
  std::vector<char32_t> typo_chars_;
  std::vector<std::vector<char32_t>> homophone_groups_;
  std::vector<int16_t> homophone_index_;      // by cp - kCjkFirst, -1 when none
  std::vector<int32_t> traditional_index_;    // by cp - kCjkFirst, -1 when unchanged
  std::vector<std::string> traditional_forms_;
  WeightedPicker ethnicity_picker_;
};

}  // namespace vitalink::synth
