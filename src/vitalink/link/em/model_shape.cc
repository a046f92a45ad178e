#include "vitalink/link/em/model_shape.h"

#include <limits>
#include <utility>

namespace vitalink::link {

Result<ModelShape> ModelShape::Make(std::vector<ComparisonShape> comparisons) {
  ModelShape shape;
  constexpr uint64_t kMaxKeys = uint64_t{1} << 63;
  uint64_t num_keys = 1;
  for (size_t k = 0; k < comparisons.size(); ++k) {
    ComparisonShape& cmp = comparisons[k];
    const std::string where = "comparison " + std::to_string(k) + " '" + cmp.name + "'";
    if (cmp.name.empty()) return Status::InvalidArgument(where + ": empty name");
    const int num_levels = static_cast<int>(cmp.level_labels.size());
    if (num_levels < 1 || num_levels > kMaxLevels) {
      return Status::InvalidArgument(where + ": needs 1.." + std::to_string(kMaxLevels) +
                                     " levels, has " + std::to_string(num_levels));
    }
    if (cmp.tf.exact_level < -1 || cmp.tf.exact_level >= num_levels) {
      return Status::InvalidArgument(where + ": tf exact_level out of range");
    }
    if (cmp.tf.exact_level == -1) cmp.tf.exact_level = num_levels - 1;
    if (!(cmp.tf.weight >= 0.0) || !(cmp.tf.min_frequency >= 0.0 && cmp.tf.min_frequency <= 1.0)) {
      return Status::InvalidArgument(where + ": tf weight must be >= 0, min_frequency in [0, 1]");
    }
    const auto radix = static_cast<uint64_t>(num_levels + 1);
    if (num_keys > kMaxKeys / radix) {
      return Status::InvalidArgument(
          "comparison vector too large: product of (levels+1) exceeds 2^63");
    }
    num_keys *= radix;
    shape.radix_.push_back(radix);
  }
  shape.num_keys_ = num_keys;
  shape.comparisons_ = std::move(comparisons);
  return shape;
}

Result<ModelShape> ModelShape::FromLevelCounts(std::span<const int> num_levels) {
  std::vector<ComparisonShape> comparisons;
  comparisons.reserve(num_levels.size());
  for (size_t k = 0; k < num_levels.size(); ++k) {
    ComparisonShape cmp;
    cmp.name = "c" + std::to_string(k);
    for (int l = 0; l < num_levels[k] && l <= kMaxLevels; ++l) {
      cmp.level_labels.push_back("level " + std::to_string(l));
    }
    comparisons.push_back(std::move(cmp));
  }
  return Make(std::move(comparisons));
}

bool ModelShape::IsValid(const uint8_t* gamma) const {
  for (size_t k = 0; k < radix_.size(); ++k) {
    if (gamma[k] != kGammaNull && gamma[k] >= radix_[k] - 1) return false;
  }
  return true;
}

void ModelShape::Decode(uint64_t key, uint8_t* gamma) const {
  VL_DCHECK(key < num_keys_);
  for (size_t k = radix_.size(); k-- > 0;) {
    const uint64_t digit = key % radix_[k];
    key /= radix_[k];
    gamma[k] = digit == radix_[k] - 1 ? kGammaNull : static_cast<uint8_t>(digit);
  }
}

}  // namespace vitalink::link
