#include "vitalink/link/em/reference/em_reference.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace vitalink::link::reference {

Result<EmResult> TrainEmNaive(const uint8_t* gammas, int64_t num_pairs, const FsModel& init,
                              const EmOptions& options) {
  const ModelShape& shape = init.shape();
  VL_RETURN_IF_ERROR(CheckEmOptions(shape, options));
  if (num_pairs <= 0) return Status::FailedPrecondition("TrainEmNaive: no pairs");
  const auto kk = static_cast<size_t>(shape.num_comparisons());

  double lambda = init.lambda();
  std::vector<std::vector<double>> m = init.m();
  std::vector<std::vector<double>> u = init.u();
  EmResult result;
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    // Expected matches / non-matches per comparison and level.
    std::vector<std::vector<double>> match_at(kk);
    std::vector<std::vector<double>> nonmatch_at(kk);
    for (size_t k = 0; k < kk; ++k) {
      match_at[k].assign(m[k].size(), 0.0);
      nonmatch_at[k].assign(m[k].size(), 0.0);
    }
    double expected_matches = 0.0;
    double log_likelihood = 0.0;
    for (int64_t pair = 0; pair < num_pairs; ++pair) {
      const uint8_t* gamma = gammas + static_cast<size_t>(pair) * kk;
      double pm = lambda;
      double pu = 1.0 - lambda;
      for (size_t k = 0; k < kk; ++k) {
        if (gamma[k] == kGammaNull) continue;
        pm *= m[k][gamma[k]];
        pu *= u[k][gamma[k]];
      }
      const double g = pm / (pm + pu);
      log_likelihood += std::log(pm + pu);
      expected_matches += g;
      for (size_t k = 0; k < kk; ++k) {
        if (gamma[k] == kGammaNull) continue;
        match_at[k][gamma[k]] += g;
        nonmatch_at[k][gamma[k]] += 1.0 - g;
      }
    }

    double max_change = 0.0;
    if (!options.fix_lambda) {
      const double next =
          std::clamp(expected_matches / static_cast<double>(num_pairs), kMinLambda, kMaxLambda);
      max_change = std::max(max_change, std::fabs(next - lambda));
      lambda = next;
    }
    for (size_t k = 0; k < kk; ++k) {
      for (int cls = 0; cls < 2; ++cls) {
        const bool is_m = cls == 0;
        if (is_m && !options.fix_m.empty() && options.fix_m[k]) continue;
        if (!is_m && options.fix_u) continue;
        const std::vector<double>& at = is_m ? match_at[k] : nonmatch_at[k];
        std::vector<double>& probs = is_m ? m[k] : u[k];
        double denom = 0.0;
        for (double v : at) denom += v;
        if (!(denom > 0.0)) continue;
        std::vector<double> next(at.size());
        for (size_t l = 0; l < at.size(); ++l) next[l] = at[l] / denom;
        FloorAndNormalize(next, options.probability_floor);
        for (size_t l = 0; l < at.size(); ++l)
          max_change = std::max(max_change, std::fabs(next[l] - probs[l]));
        probs = std::move(next);
      }
    }
    result.log.push_back({iter, lambda, max_change, log_likelihood});
    if (max_change < options.tolerance) {
      result.converged = true;
      break;
    }
  }
  VL_ASSIGN_OR_RETURN(result.model, FsModel::Make(shape, lambda, std::move(m), std::move(u)));
  return result;
}

}  // namespace vitalink::link::reference
