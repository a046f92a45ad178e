#include "vitalink/cluster/scored_pair.h"

#include <cmath>
#include <string>

namespace vitalink::cluster {

std::string_view ScoreKindName(ScoreKind kind) {
  return kind == ScoreKind::kProbability ? "probability" : "weight";
}

Status ValidatePairs(int64_t num_records, std::span<const ScoredPair> pairs) {
  if (num_records < 0) return Status::InvalidArgument("negative number of records");
  for (size_t pair_idx = 0; pair_idx < pairs.size(); ++pair_idx) {
    const ScoredPair& p = pairs[pair_idx];
    // Built only on failure: this loop runs over millions of pairs.
    const auto where = [&] {
      return "pair " + std::to_string(pair_idx) + " (" + std::to_string(p.a) + ", " +
             std::to_string(p.b) + ")";
    };
    if (p.a < 0 || p.a >= num_records || p.b < 0 || p.b >= num_records) {
      return Status::InvalidArgument(where() + ": record index outside 0.." +
                                     std::to_string(num_records - 1));
    }
    if (p.a == p.b) return Status::InvalidArgument(where() + ": a record paired with itself");
    if (std::isnan(p.weight)) return Status::InvalidArgument(where() + ": weight is NaN");
    if (!(p.probability >= 0.0 && p.probability <= 1.0)) {
      return Status::InvalidArgument(where() + ": probability outside [0, 1]");
    }
  }
  return Status::OK();
}

}  // namespace vitalink::cluster
