// ModelShape: the layout of a Fellegi–Sunter comparison vector γ.
//
// A linkage compares a record pair on K comparisons; comparison k yields a level
// γ_k in 0..L_k-1 (0 = lowest agreement, "else"; L_k-1 = most agreement, usually
// "exact") or kGammaNull when a value is missing. γ travels as K bytes.
// ModelShape holds K, L_k, the names and level labels (for JSON and charts), the
// term-frequency settings of each comparison, and packs γ into one integer key
// (mixed radix L_k+1, null as the extra digit L_k, comparison 0 most significant,
// so ascending keys are γ in lexicographic order with null after every level).
//
//   VL_ASSIGN_OR_RETURN(ModelShape shape, ModelShape::FromLevelCounts({{3, 4, 2}}));
//   uint8_t gamma[3] = {2, kGammaNull, 0};
//   uint64_t key = shape.Encode(gamma);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink::link {

/// γ_k value of a comparison whose inputs are missing: neutral, it contributes no
/// factor to m(γ) or u(γ) (missing at random, Enamorado, Fifield & Imai 2019).
/// Equal to the comparator's kNullLevel (255).
inline constexpr uint8_t kGammaNull = 255;

/// Largest number of levels of one comparison (levels are bytes; 255 is null).
inline constexpr int kMaxLevels = 254;

/// Term-frequency adjustment of one comparison (Splink's method; see scoring.h).
struct TfSettings {
  /// Apply the adjustment when γ_k is `exact_level`.
  bool enabled = false;
  /// The level standing for "values equal"; -1 means the top level L_k-1.
  int exact_level = -1;
  /// Exponent of the adjustment's Bayes factor (Splink's tf_adjustment_weight).
  double weight = 1.0;
  /// Term frequencies below this are raised to it (Splink's tf_minimum_u_value).
  double min_frequency = 0.0;

  bool operator==(const TfSettings&) const = default;
};

/// Name, level labels and TF settings of one comparison.
struct ComparisonShape {
  std::string name;
  /// One label per level, level 0 first ("else", …, "exact").
  std::vector<std::string> level_labels;
  TfSettings tf;

  bool operator==(const ComparisonShape&) const = default;
};

class ModelShape {
 public:
  /// An empty shape (K = 0); use Make.
  ModelShape() = default;

  /// Validate and take `comparisons`: each needs 1..kMaxLevels labels, a name,
  /// and tf settings with exact_level in [-1, L_k), weight >= 0 and
  /// min_frequency in [0, 1]; exact_level -1 is resolved to L_k-1. The product of
  /// (L_k+1) must stay below 2^63 (InvalidArgument otherwise).
  static Result<ModelShape> Make(std::vector<ComparisonShape> comparisons);

  /// Return a shape with names "c0", "c1", … and labels "level 0", … for the
  /// given level counts; for tests, benchmarks and quick starts.
  static Result<ModelShape> FromLevelCounts(std::span<const int> num_levels);

  int num_comparisons() const { return static_cast<int>(comparisons_.size()); }
  /// Return L_k, the number of non-null levels of comparison k.
  int num_levels(int k) const {
    return static_cast<int>(comparisons_[static_cast<size_t>(k)].level_labels.size());
  }
  const ComparisonShape& comparison(int k) const { return comparisons_[static_cast<size_t>(k)]; }
  /// Return the number of distinct packed keys, ∏ (L_k+1).
  uint64_t num_keys() const { return num_keys_; }

  /// Return true when every γ_k is a level of comparison k or kGammaNull.
  bool IsValid(const uint8_t* gamma) const;

  /// Return the packed key of γ (K bytes). γ must be valid (checked in debug).
  uint64_t Encode(const uint8_t* gamma) const {
    uint64_t key = 0;
    const size_t num = radix_.size();
    for (size_t k = 0; k < num; ++k) {
      const uint8_t level = gamma[k];
      const uint64_t digit = level == kGammaNull ? static_cast<uint64_t>(radix_[k] - 1) : level;
      VL_DCHECK(digit < radix_[k]);
      key = key * radix_[k] + digit;
    }
    return key;
  }

  /// Write the K levels of `key` (a key below num_keys()) into `gamma`.
  void Decode(uint64_t key, uint8_t* gamma) const;

  bool operator==(const ModelShape& other) const { return comparisons_ == other.comparisons_; }

 private:
  std::vector<ComparisonShape> comparisons_;
  std::vector<uint64_t> radix_;  // L_k + 1
  uint64_t num_keys_ = 1;
};

}  // namespace vitalink::link
