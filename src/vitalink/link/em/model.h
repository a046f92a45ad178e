// FsModel: a trained Fellegi–Sunter (1969) model and its match weights.
//
// λ = P(match) among candidate pairs; for comparison k and level l,
// m_k(l) = P(γ_k = l | match) and u_k(l) = P(γ_k = l | non-match). Comparisons
// are conditionally independent given the match status, and a null γ_k
// (kGammaNull) contributes no factor (missing at random). The match weight is
//
//   w(γ) = log2(λ / (1-λ)) + Σ_{k: γ_k not null} log2(m_k(γ_k) / u_k(γ_k))
//
// and P(match | γ) = 2^w / (1 + 2^w). Weights are looked up in a table of
// log2 Bayes factors precomputed at construction, so scoring costs K loads.
// JSON save/load round-trips every double exactly.
//
//   FsModel model = FsModel::Default(shape, 0.01);
//   double w = model.MatchWeight(gamma);
//   WeightExplanation why = model.Explain(gamma);   // waterfall chart data
//   std::string text = model.ToJson();
//   VL_ASSIGN_OR_RETURN(FsModel again, FsModel::FromJson(text));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/link/em/model_shape.h"

namespace vitalink::link {

/// One comparison's contribution to a pair's match weight.
struct WeightTerm {
  std::string comparison;
  /// γ_k: a level, or kGammaNull.
  uint8_t gamma = kGammaNull;
  /// The level's label, or "null".
  std::string level_label;
  /// m_k(γ_k) and u_k(γ_k); both 1 for a null (no factor).
  double m = 1.0;
  double u = 1.0;
  /// log2(m / u); 0 for a null.
  double log2_bayes_factor = 0.0;
  /// Term-frequency adjustment added to the Bayes factor (scoring.h); 0 if none.
  double tf_adjustment = 0.0;

  /// Return this term's part of the match weight.
  double weight() const { return log2_bayes_factor + tf_adjustment; }
};

/// A match weight split into its parts, in comparison order, for a waterfall
/// chart: prior_weight + Σ terms[k].weight() == total_weight (summed in that order).
struct WeightExplanation {
  /// log2(λ / (1-λ)).
  double prior_weight = 0.0;
  std::vector<WeightTerm> terms;
  double total_weight = 0.0;
  double match_probability = 0.0;
};

/// Return P(match) = 2^w / (1 + 2^w) for match weight `weight`.
double WeightToProbability(double weight);

class FsModel {
 public:
  /// An empty model (K = 0, λ = 0.5); use Make or Default.
  FsModel() { Recompute(); }

  /// Return starting values for EM: λ = `lambda` (in (0, 1); a deterministic-rule
  /// estimate when there is one) and, for a comparison with L levels,
  /// m_k(l) ∝ 9^l (top level ≈ 0.9: agreement is likely under a match) and
  /// u_k(l) ∝ 9^(L-1-l) (agreement is unlikely by chance).
  static FsModel Default(const ModelShape& shape, double lambda = 0.01);

  /// Return a model after checking λ ∈ (0, 1) and, for each k, m[k] and u[k] of
  /// size L_k with values in (0, 1] summing to 1 within 1e-6 (InvalidArgument).
  static Result<FsModel> Make(const ModelShape& shape, double lambda,
                              std::vector<std::vector<double>> m,
                              std::vector<std::vector<double>> u);

  /// Parse the JSON written by ToJson (ParseError on bad JSON, InvalidArgument
  /// on a bad model).
  static Result<FsModel> FromJson(std::string_view text);

  /// Return the model as JSON: format tag, λ, and per comparison its name, tf
  /// settings and levels with label, m, u (shortest round-trip doubles).
  std::string ToJson(int indent = 2) const;

  const ModelShape& shape() const { return shape_; }
  int num_comparisons() const { return shape_.num_comparisons(); }
  double lambda() const { return lambda_; }
  const std::vector<double>& m(int k) const { return m_[static_cast<size_t>(k)]; }
  const std::vector<double>& u(int k) const { return u_[static_cast<size_t>(k)]; }
  const std::vector<std::vector<double>>& m() const { return m_; }
  const std::vector<std::vector<double>>& u() const { return u_; }

  /// Replace λ, or m_k / u_k of one comparison, validated as in Make.
  Status set_lambda(double lambda);
  Status set_m(int k, std::vector<double> m_k);
  Status set_u(int k, std::vector<double> u_k);

  /// Return log2(λ / (1-λ)).
  double prior_weight() const { return prior_weight_; }

  /// Return log2(m_k(level) / u_k(level)), or 0 for kGammaNull.
  double BayesFactorLog2(int k, uint8_t level) const {
    if (level == kGammaNull) return 0.0;
    return log2_bf_[offset_[static_cast<size_t>(k)] + level];
  }

  /// Return the match weight w(γ) of a valid γ (K bytes). Cost: K table loads.
  double MatchWeight(const uint8_t* gamma) const {
    double weight = prior_weight_;
    for (int k = 0; k < shape_.num_comparisons(); ++k) weight += BayesFactorLog2(k, gamma[k]);
    return weight;
  }

  /// Return P(match | γ).
  double MatchProbability(const uint8_t* gamma) const {
    return WeightToProbability(MatchWeight(gamma));
  }

  /// Return the weight of γ split per comparison (no TF adjustment; see scoring.h).
  WeightExplanation Explain(const uint8_t* gamma) const;

  /// Return true when shapes, λ, m and u are bit-identical.
  bool operator==(const FsModel& other) const {
    return shape_ == other.shape_ && lambda_ == other.lambda_ && m_ == other.m_ && u_ == other.u_;
  }

 private:
  static Status CheckProbabilities(const ModelShape& shape, int k, const std::vector<double>& p,
                                   const char* what);
  void Recompute();

  ModelShape shape_;
  double lambda_ = 0.5;
  std::vector<std::vector<double>> m_;
  std::vector<std::vector<double>> u_;
  double prior_weight_ = 0.0;
  std::vector<size_t> offset_;  // start of comparison k in log2_bf_
  std::vector<double> log2_bf_;
};

}  // namespace vitalink::link
