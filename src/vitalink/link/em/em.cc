#include "vitalink/link/em/em.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "vitalink/link/em/u_sampling.h"

namespace vitalink::link {
namespace {

bool SameLevels(const ModelShape& a, const ModelShape& b) {
  if (a.num_comparisons() != b.num_comparisons()) return false;
  for (int k = 0; k < a.num_comparisons(); ++k) {
    if (a.num_levels(k) != b.num_levels(k)) return false;
  }
  return true;
}

}  // namespace

Status CheckEmOptions(const ModelShape& shape, const EmOptions& options) {
  if (options.max_iterations < 0) return Status::InvalidArgument("max_iterations must be >= 0");
  if (!(options.tolerance >= 0.0)) return Status::InvalidArgument("tolerance must be >= 0");
  if (!options.fix_m.empty() && static_cast<int>(options.fix_m.size()) != shape.num_comparisons()) {
    return Status::InvalidArgument("fix_m needs one entry per comparison");
  }
  for (int k = 0; k < shape.num_comparisons(); ++k) {
    if (!(options.probability_floor > 0.0 &&
          options.probability_floor * shape.num_levels(k) < 1.0)) {
      return Status::InvalidArgument("probability_floor must be > 0 and below 1 / levels");
    }
  }
  return Status::OK();
}

void FloorAndNormalize(std::vector<double>& p, double floor) {
  double sum = 0.0;
  for (double& v : p) {
    v = std::max(v, floor);
    sum += v;
  }
  if (sum > 0.0) {
    for (double& v : p) v /= sum;
  }
}

std::vector<std::vector<double>> LevelSharesOfPatterns(const PatternCounts& counts,
                                                       double pseudo_count) {
  const ModelShape& shape = counts.shape();
  const auto kk = static_cast<size_t>(shape.num_comparisons());
  std::vector<std::vector<int64_t>> level_counts(kk);
  for (size_t k = 0; k < kk; ++k) {
    level_counts[k].assign(static_cast<size_t>(shape.num_levels(static_cast<int>(k))) + 1, 0);
  }
  std::vector<uint8_t> gamma(kk);
  counts.ForEach([&](const PatternCount& p) {
    shape.Decode(p.key, gamma.data());
    for (size_t k = 0; k < kk; ++k) {
      auto& c = level_counts[k];
      c[gamma[k] == kGammaNull ? c.size() - 1 : gamma[k]] += p.count;
    }
  });
  return SmoothU(shape, level_counts, pseudo_count);
}

Result<double> LambdaFromRule(int64_t rule_pairs, int64_t candidate_pairs, double recall) {
  if (rule_pairs < 0 || candidate_pairs <= 0 || !(recall > 0.0 && recall <= 1.0)) {
    return Status::InvalidArgument(
        "LambdaFromRule needs rule_pairs >= 0, candidate_pairs > 0, recall in (0, 1]");
  }
  const double lambda =
      static_cast<double>(rule_pairs) / recall / static_cast<double>(candidate_pairs);
  return std::clamp(lambda, kMinLambda, kMaxLambda);
}

Result<EmResult> TrainEm(const PatternCounts& counts, const FsModel& init,
                         const EmOptions& options) {
  const ModelShape& shape = init.shape();
  if (!SameLevels(shape, counts.shape())) {
    return Status::InvalidArgument("TrainEm: pattern counts and model have different comparisons");
  }
  VL_RETURN_IF_ERROR(CheckEmOptions(shape, options));
  if (counts.total() == 0) return Status::FailedPrecondition("TrainEm: no pattern counts");

  const int num_comparisons = shape.num_comparisons();
  const auto kk = static_cast<size_t>(num_comparisons);
  // Flat tables: comparison k owns slots offset[k] .. offset[k]+L_k, the last one
  // standing for null with log m = log u = 0, so the inner loop has no branch.
  std::vector<size_t> offset(kk + 1, 0);
  for (size_t k = 0; k < kk; ++k) {
    offset[k + 1] = offset[k] + static_cast<size_t>(shape.num_levels(static_cast<int>(k))) + 1;
  }
  const size_t num_slots = offset[kk];

  // Patterns decoded once into slot indices, in ascending key order.
  const std::vector<PatternCount> patterns = counts.Sorted();
  const size_t num_patterns = patterns.size();
  std::vector<uint32_t> slots(num_patterns * kk);
  std::vector<double> weights(num_patterns);
  std::vector<uint8_t> gamma(kk);
  for (size_t p = 0; p < num_patterns; ++p) {
    shape.Decode(patterns[p].key, gamma.data());
    weights[p] = static_cast<double>(patterns[p].count);
    for (size_t k = 0; k < kk; ++k) {
      const size_t level = gamma[k] == kGammaNull ? offset[k + 1] - offset[k] - 1 : gamma[k];
      slots[p * kk + k] = static_cast<uint32_t>(offset[k] + level);
    }
  }
  const double total = static_cast<double>(counts.total());

  double lambda = init.lambda();
  std::vector<std::vector<double>> m = init.m();
  std::vector<std::vector<double>> u = init.u();
  std::vector<double> log_m(num_slots, 0.0);
  std::vector<double> log_u(num_slots, 0.0);
  std::vector<double> sum_m(num_slots);
  std::vector<double> sum_u(num_slots);

  EmResult result;
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    for (size_t k = 0; k < kk; ++k) {
      for (size_t l = 0; l < m[k].size(); ++l) {
        log_m[offset[k] + l] = std::log(m[k][l]);
        log_u[offset[k] + l] = std::log(u[k][l]);
      }
    }
    const double log_prior_odds = std::log(lambda) - std::log1p(-lambda);
    const double log_one_minus_lambda = std::log1p(-lambda);

    // E-step, accumulating the M-step sums on the way.
    std::fill(sum_m.begin(), sum_m.end(), 0.0);
    std::fill(sum_u.begin(), sum_u.end(), 0.0);
    double sum_g = 0.0;
    double log_likelihood = 0.0;
    for (size_t p = 0; p < num_patterns; ++p) {
      const uint32_t* row = &slots[p * kk];
      double lm = 0.0;
      double lu = 0.0;
      for (size_t k = 0; k < kk; ++k) {
        lm += log_m[row[k]];
        lu += log_u[row[k]];
      }
      // s = log-odds of a match; g = logistic(s); log(1 + e^s) = s + log1p(e^-s),
      // switching form where e^-s would overflow.
      const double s = log_prior_odds + lm - lu;
      const double e = std::exp(-s);
      const double g = 1.0 / (1.0 + e);
      const double softplus = s > -700.0 ? s + std::log1p(e) : std::exp(s);
      const double n = weights[p];
      log_likelihood += n * (log_one_minus_lambda + lu + softplus);
      const double ng = n * g;
      const double nu = n * (1.0 - g);
      sum_g += ng;
      for (size_t k = 0; k < kk; ++k) {
        sum_m[row[k]] += ng;
        sum_u[row[k]] += nu;
      }
    }

    // M-step.
    double max_change = 0.0;
    if (!options.fix_lambda) {
      const double next = std::clamp(sum_g / total, kMinLambda, kMaxLambda);
      max_change = std::max(max_change, std::fabs(next - lambda));
      lambda = next;
    }
    auto update = [&](std::vector<double>& probs, const std::vector<double>& sums, size_t k) {
      const size_t num_levels = probs.size();
      double denom = 0.0;
      for (size_t l = 0; l < num_levels; ++l) denom += sums[offset[k] + l];
      // A comparison null in every pair (or with no weight in this class) keeps its values.
      if (!(denom > 0.0)) return;
      std::vector<double> next(num_levels);
      for (size_t l = 0; l < num_levels; ++l) next[l] = sums[offset[k] + l] / denom;
      FloorAndNormalize(next, options.probability_floor);
      for (size_t l = 0; l < num_levels; ++l)
        max_change = std::max(max_change, std::fabs(next[l] - probs[l]));
      probs = std::move(next);
    };
    for (size_t k = 0; k < kk; ++k) {
      if (options.fix_m.empty() || !options.fix_m[k]) update(m[k], sum_m, k);
      if (!options.fix_u) update(u[k], sum_u, k);
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

}  // namespace vitalink::link
