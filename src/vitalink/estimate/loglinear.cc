#include "vitalink/estimate/loglinear.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "vitalink/estimate/numeric_internal.h"

namespace vitalink::estimate {
namespace {

Status CheckModel(int num_sources, const LogLinearModel& model) {
  for (const auto& [s, t] : model.interactions) {
    if (s < 0 || t >= num_sources || s >= t) {
      return Status::InvalidArgument("log-linear model: bad interaction (" + std::to_string(s) +
                                     ", " + std::to_string(t) + ") for " +
                                     std::to_string(num_sources) + " sources");
    }
  }
  std::set<std::pair<int, int>> unique(model.interactions.begin(), model.interactions.end());
  if (unique.size() != model.interactions.size()) {
    return Status::InvalidArgument("log-linear model: repeated interaction");
  }
  return Status::OK();
}

Eigen::VectorXd ObservedCounts(const CaptureTable& table) {
  Eigen::VectorXd y(table.num_cells());
  for (int cell_idx = 0; cell_idx < table.num_cells(); ++cell_idx) {
    y[cell_idx] = static_cast<double>(table.counts()[static_cast<size_t>(cell_idx)]);
  }
  return y;
}

// The multinomial profile log-likelihood in z = N − n (Cormack 1992), with the
// complete-table fits warm-started from the previous one: successive z differ
// little, so each evaluation is two or three Newton steps.
class ProfileEvaluator {
 public:
  ProfileEvaluator(const CaptureTable& table, Eigen::MatrixXd x_full, const GlmOptions& glm)
      : x_full_(std::move(x_full)), glm_(glm) {
    const int cells = table.num_cells();
    y_full_ = Eigen::VectorXd::Zero(cells + 1);
    for (int cell_idx = 0; cell_idx < cells; ++cell_idx) {
      const double n_h = static_cast<double>(table.counts()[static_cast<size_t>(cell_idx)]);
      y_full_[cell_idx + 1] = n_h;
      sum_log_factorial_ += std::lgamma(n_h + 1.0);
    }
    n_ = static_cast<double>(table.observed());
  }

  // Fit the complete table with the missing cell set to z; return μ̂ or an error.
  Result<Eigen::VectorXd> Fit(double z) {
    y_full_[0] = z;
    VL_ASSIGN_OR_RETURN(PoissonGlmFit fit,
                        FitPoissonGlm(x_full_, y_full_, glm_, warm_.size() ? &warm_ : nullptr));
    if (fit.outcome == GlmOutcome::kRankDeficient || fit.outcome == GlmOutcome::kNotConverged) {
      return Status::FailedPrecondition(
          "profile likelihood: complete-table fit at z=" + std::to_string(z) + ": " + fit.message);
    }
    // A boundary fit here (a zero observed cell whose mean tends to 0) still
    // gives a finite likelihood; keep the warm start only from finite fits.
    if (fit.beta.allFinite() && fit.beta.cwiseAbs().maxCoeff() < 30.0) warm_ = fit.beta;
    return fit.fitted;
  }

  Result<double> LogLik(double z) {
    VL_ASSIGN_OR_RETURN(Eigen::VectorXd mu, Fit(z));
    const double total = n_ + z;
    double ll = std::lgamma(total + 1.0) - std::lgamma(z + 1.0) - sum_log_factorial_;
    for (Eigen::Index i = 0; i < y_full_.size(); ++i) {
      if (y_full_[i] > 0.0) ll += y_full_[i] * std::log(mu[i] / total);
    }
    return ll;
  }

  // dℓ/dz = ψ(N + 1) − ψ(z + 1) + log(μ̂₀ / N), by the envelope theorem.
  Result<double> Slope(double z) {
    VL_ASSIGN_OR_RETURN(Eigen::VectorXd mu, Fit(z));
    const double total = n_ + z;
    return internal::Digamma(total + 1.0) - internal::Digamma(z + 1.0) + std::log(mu[0] / total);
  }

  double n() const { return n_; }

 private:
  Eigen::MatrixXd x_full_;
  Eigen::VectorXd y_full_;
  GlmOptions glm_;
  Eigen::VectorXd warm_;
  double sum_log_factorial_ = 0.0;
  double n_ = 0.0;
};

// Run Brent on a Result-valued function: the first error stops the search.
Result<double> RootOf(const std::function<Result<double>(double)>& f, double a, double b,
                      double tolerance) {
  Status error;
  auto g = [&](double x) {
    if (!error.ok()) return 0.0;
    Result<double> r = f(x);
    if (!r.ok()) {
      error = r.status();
      return 0.0;
    }
    return *r;
  };
  Result<double> root = internal::BrentRoot(g, a, b, tolerance);
  if (!error.ok()) return error;
  return root;
}

constexpr double kMaxMissingFactor = 1e7;  // upper search limit: z ≤ 1e7 (n + 10)

}  // namespace

LogLinearModel LogLinearModel::AllTwoWay(int num_sources) {
  LogLinearModel model;
  for (int s = 0; s < num_sources; ++s) {
    for (int t = s + 1; t < num_sources; ++t) model.interactions.emplace_back(s, t);
  }
  return model;
}

LogLinearModel LogLinearModel::Canonical() const {
  LogLinearModel out = *this;
  std::sort(out.interactions.begin(), out.interactions.end());
  out.interactions.erase(std::unique(out.interactions.begin(), out.interactions.end()),
                         out.interactions.end());
  return out;
}

std::string LogLinearModel::Name(int num_sources) const {
  std::string name;
  for (int s = 0; s < num_sources; ++s) {
    if (s) name += '+';
    name += "s" + std::to_string(s + 1);
  }
  for (const auto& [s, t] : interactions) {
    name += "+s" + std::to_string(s + 1) + ":s" + std::to_string(t + 1);
  }
  return name;
}

Result<LogLinearModel> LogLinearModel::Parse(std::string_view formula, int num_sources) {
  std::string text;
  for (char c : formula) {
    if (c != ' ') text += c;
  }
  std::vector<bool> main(static_cast<size_t>(num_sources), false);
  LogLinearModel model;
  auto parse_source = [&](std::string_view term) -> Result<int> {
    if (term.size() < 2 || term[0] != 's') {
      return Status::InvalidArgument("log-linear formula: bad term '" + std::string(term) + "'");
    }
    int source = 0;
    for (char c : term.substr(1)) {
      if (c < '0' || c > '9') {
        return Status::InvalidArgument("log-linear formula: bad term '" + std::string(term) + "'");
      }
      source = source * 10 + (c - '0');
    }
    if (source < 1 || source > num_sources) {
      return Status::InvalidArgument("log-linear formula: no source '" + std::string(term) + "'");
    }
    return source - 1;
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('+', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view term = std::string_view(text).substr(pos, end - pos);
    const size_t colon = term.find(':');
    if (colon == std::string_view::npos) {
      VL_ASSIGN_OR_RETURN(int s, parse_source(term));
      main[static_cast<size_t>(s)] = true;
    } else {
      VL_ASSIGN_OR_RETURN(int s, parse_source(term.substr(0, colon)));
      VL_ASSIGN_OR_RETURN(int t, parse_source(term.substr(colon + 1)));
      if (s == t) return Status::InvalidArgument("log-linear formula: s:s interaction");
      model.interactions.emplace_back(std::min(s, t), std::max(s, t));
    }
    pos = end + 1;
  }
  if (std::find(main.begin(), main.end(), false) != main.end()) {
    return Status::InvalidArgument("log-linear formula: every main effect s1..sK is required: '" +
                                   std::string(formula) + "'");
  }
  VL_RETURN_IF_ERROR(CheckModel(num_sources, model));
  return model;
}

Result<Eigen::MatrixXd> DesignMatrix(int num_sources, const LogLinearModel& model,
                                     bool with_unobserved) {
  VL_RETURN_IF_ERROR(CheckModel(num_sources, model));
  const int first = with_unobserved ? 0 : 1;
  const int rows = (1 << num_sources) - first;
  const int cols = 1 + num_sources + static_cast<int>(model.interactions.size());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(rows, cols);
  for (int row_idx = 0; row_idx < rows; ++row_idx) {
    const unsigned history = static_cast<unsigned>(row_idx + first);
    x(row_idx, 0) = 1.0;
    for (int s = 0; s < num_sources; ++s) x(row_idx, 1 + s) = (history >> s) & 1U;
    int col = 1 + num_sources;
    for (const auto& [s, t] : model.interactions) {
      x(row_idx, col++) = ((history >> s) & 1U) && ((history >> t) & 1U) ? 1.0 : 0.0;
    }
  }
  return x;
}

std::vector<std::string> TermNames(int num_sources, const LogLinearModel& model) {
  std::vector<std::string> names = {"(Intercept)"};
  for (int s = 0; s < num_sources; ++s) names.push_back("s" + std::to_string(s + 1));
  for (const auto& [s, t] : model.interactions) {
    names.push_back("s" + std::to_string(s + 1) + ":s" + std::to_string(t + 1));
  }
  return names;
}

Result<double> ProfileLogLikelihood(const CaptureTable& table, const LogLinearModel& model,
                                    double z, const GlmOptions& glm) {
  if (!(z >= 0.0)) return Status::InvalidArgument("profile likelihood: z must be >= 0");
  VL_ASSIGN_OR_RETURN(Eigen::MatrixXd x_full, DesignMatrix(table.num_sources(), model, true));
  ProfileEvaluator eval(table, std::move(x_full), glm);
  return eval.LogLik(z);
}

namespace {

// The profile interval of `model` starting from the observed-cell fit's N̂₀.
Result<ProfileInterval> ProfileFromStart(const CaptureTable& table, const LogLinearModel& model,
                                         double start_unobserved, double confidence,
                                         const GlmOptions& glm) {
  VL_ASSIGN_OR_RETURN(Eigen::MatrixXd x_full, DesignMatrix(table.num_sources(), model, true));
  ProfileEvaluator eval(table, std::move(x_full), glm);
  const double n = eval.n();
  const double z_limit = kMaxMissingFactor * (n + 10.0);
  auto slope = [&](double z) { return eval.Slope(z); };
  auto loglik = [&](double z) { return eval.LogLik(z); };

  // Maximiser: ℓ is concave in z here, so its slope crosses zero once (or is
  // negative from the start, putting the maximum at z = 0).
  ProfileInterval out;
  double z_max = 0.0;
  VL_ASSIGN_OR_RETURN(double slope0, slope(0.0));
  if (slope0 > 0.0) {
    double hi = 2.0 * start_unobserved + 10.0;
    for (;;) {
      VL_ASSIGN_OR_RETURN(double s_hi, slope(hi));
      if (s_hi < 0.0) break;
      if (hi > z_limit) return Status::FailedPrecondition("profile likelihood: no finite maximum");
      hi *= 2.0;
    }
    VL_ASSIGN_OR_RETURN(z_max, RootOf(slope, 0.0, hi, 1e-9 * (1.0 + hi)));
  }
  VL_ASSIGN_OR_RETURN(out.log_lik_max, loglik(z_max));
  out.n_max = n + z_max;
  const double cut = out.log_lik_max - 0.5 * internal::ChiSquare1Quantile(confidence);
  auto excess = [&](double z) -> Result<double> {
    VL_ASSIGN_OR_RETURN(double ll, loglik(z));
    return ll - cut;
  };

  // Lower end: N = n (z = 0) is inside when ℓ(n) is above the cut.
  VL_ASSIGN_OR_RETURN(double e0, excess(0.0));
  double z_lo = 0.0;
  if (e0 < 0.0) {
    VL_ASSIGN_OR_RETURN(z_lo, RootOf(excess, 0.0, z_max, 1e-9 * (1.0 + z_max)));
  }
  // Upper end: double the step until the likelihood drops below the cut.
  double hi = z_max + std::max(z_max, 10.0);
  double z_hi = std::numeric_limits<double>::infinity();
  for (;;) {
    VL_ASSIGN_OR_RETURN(double e_hi, excess(hi));
    if (e_hi < 0.0) {
      VL_ASSIGN_OR_RETURN(z_hi, RootOf(excess, z_max, hi, 1e-9 * (1.0 + hi)));
      break;
    }
    if (hi > z_limit) {
      out.upper_unbounded = true;
      break;
    }
    hi *= 2.0;
  }
  out.interval = {n + z_lo, n + z_hi};
  return out;
}

}  // namespace

Result<ProfileInterval> ProfileLikelihoodInterval(const CaptureTable& table,
                                                  const LogLinearModel& model, double confidence,
                                                  const GlmOptions& glm) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    return Status::InvalidArgument("profile likelihood: confidence must be in (0, 1)");
  }
  // The observed-cell fit gives the starting point z ≈ N̂₀ and rules out unusable models.
  LogLinearOptions plain;
  plain.profile_interval = false;
  plain.confidence = confidence;
  plain.glm = glm;
  VL_ASSIGN_OR_RETURN(LogLinearFit fit, FitLogLinear(table, model, plain));
  if (!fit.usable()) {
    return Status::FailedPrecondition("profile likelihood: model " +
                                      model.Name(table.num_sources()) +
                                      " is not usable: " + fit.message);
  }
  if (fit.has_profile) return fit.profile;  // a boundary fit, already profiled to accept it
  return ProfileFromStart(table, model, fit.unobserved, confidence, glm);
}

Result<LogLinearFit> FitLogLinear(const CaptureTable& table, const LogLinearModel& model,
                                  const LogLinearOptions& options) {
  const int k = table.num_sources();
  VL_ASSIGN_OR_RETURN(Eigen::MatrixXd x, DesignMatrix(k, model, false));
  const Eigen::VectorXd y = ObservedCounts(table);
  VL_ASSIGN_OR_RETURN(PoissonGlmFit glm, FitPoissonGlm(x, y, options.glm));

  LogLinearFit fit;
  fit.model = model;
  fit.outcome = glm.outcome;
  fit.message = glm.message;
  fit.terms = TermNames(k, model);
  fit.num_parameters = static_cast<int>(x.cols());
  fit.df_residual = static_cast<int>(x.rows() - x.cols());
  fit.iterations = glm.iterations;
  if (glm.outcome == GlmOutcome::kRankDeficient) return fit;

  fit.coefficients.assign(glm.beta.data(), glm.beta.data() + glm.beta.size());
  for (Eigen::Index j = 0; j < glm.beta.size(); ++j) {
    fit.standard_errors.push_back(std::sqrt(glm.covariance(j, j)));
  }
  const double n = static_cast<double>(table.observed());
  const double p = static_cast<double>(fit.num_parameters);
  fit.deviance = glm.deviance;
  fit.log_likelihood = glm.log_likelihood;
  fit.aic = -2.0 * fit.log_likelihood + 2.0 * p;
  fit.bic = -2.0 * fit.log_likelihood + p * std::log(std::max(n, 1.0));
  fit.unobserved = std::exp(glm.beta[0]);
  fit.n_hat = n + fit.unobserved;
  fit.se = std::sqrt(fit.unobserved + fit.unobserved * fit.unobserved * glm.covariance(0, 0));
  const double z = internal::NormalQuantile(0.5 + options.confidence / 2.0);
  fit.wald_interval = {std::max(n, fit.n_hat - z * fit.se), fit.n_hat + z * fit.se};
  if (fit.outcome == GlmOutcome::kBoundary && std::isfinite(fit.unobserved) &&
      fit.unobserved <= kMaxMissingFactor * (n + 10.0)) {
    // No finite MLE, but the fit converged to a limit (the extended MLE; Fienberg
    // & Rinaldo 2012) with a finite missing cell: typically 0, when every person
    // seen is on one list, as in a small township whose register holds all its
    // births. N̂ is that limit; the profile likelihood over N exists because the
    // complete table with z > 0 has no empty margin. Accepted only when the
    // profile has a finite maximum and upper end; Wald is meaningless here.
    Result<ProfileInterval> profile =
        ProfileFromStart(table, model, fit.unobserved, options.confidence, options.glm);
    if (profile.ok() && !profile->upper_unbounded) {
      fit.extended = true;
      fit.has_profile = true;
      fit.profile = *profile;
      fit.se = std::numeric_limits<double>::quiet_NaN();
      fit.wald_interval = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
      fit.message = "boundary: extended MLE (" + fit.message + ")";
    }
    return fit;
  }
  if (!fit.usable()) return fit;

  if (options.profile_interval) {
    Result<ProfileInterval> profile =
        ProfileFromStart(table, model, fit.unobserved, options.confidence, options.glm);
    if (profile.ok()) {
      fit.has_profile = true;
      fit.profile = *profile;
    } else {
      fit.message = "profile interval unavailable: " + profile.status().message();
    }
  }
  return fit;
}

Result<MultipleSystemsEstimate> EstimateMultipleSystems(const CaptureTable& table,
                                                        const MultipleSystemsOptions& options) {
  const int k = table.num_sources();
  MultipleSystemsEstimate out;
  LogLinearOptions no_profile = options.fit;
  no_profile.profile_interval = options.profile_all && options.fit.profile_interval;
  const InformationCriterion ic = options.criterion;
  // An interior fit beats an extended (boundary) one whatever the criterion: a fitted
  // zero matching an observed zero flatters the likelihood of a model whose
  // parameters ran to infinity, and its interval rests on that limit. Extended fits
  // are the estimate only where no model has a finite MLE.
  auto preferred = [&](const LogLinearFit& a, const LogLinearFit& b) {
    if (a.extended != b.extended) return !a.extended;
    return a.criterion(ic) < b.criterion(ic);
  };
  auto better = [&](const LogLinearFit& a, int current) {
    return a.usable() && (current < 0 || preferred(a, out.fits[static_cast<size_t>(current)]));
  };

  const LogLinearModel all = LogLinearModel::AllTwoWay(k);
  const size_t num_pairs = all.interactions.size();
  if (!options.models.empty()) {
    out.search = "given";
    for (const LogLinearModel& model : options.models) {
      VL_ASSIGN_OR_RETURN(LogLinearFit fit, FitLogLinear(table, model.Canonical(), no_profile));
      out.fits.push_back(std::move(fit));
      if (better(out.fits.back(), out.chosen)) out.chosen = static_cast<int>(out.fits.size()) - 1;
    }
  } else if (num_pairs < 31 &&
             (uint64_t{1} << num_pairs) <= static_cast<uint64_t>(options.max_exhaustive_models)) {
    out.search = "exhaustive";
    // Enumerate subsets by size, so independence comes first and all two-way last.
    std::vector<uint32_t> masks;
    for (uint32_t mask = 0; mask < (1U << num_pairs); ++mask) masks.push_back(mask);
    std::stable_sort(masks.begin(), masks.end(),
                     [](uint32_t a, uint32_t b) { return std::popcount(a) < std::popcount(b); });
    for (uint32_t mask : masks) {
      LogLinearModel model;
      for (size_t pair_idx = 0; pair_idx < num_pairs; ++pair_idx) {
        if ((mask >> pair_idx) & 1U) model.interactions.push_back(all.interactions[pair_idx]);
      }
      VL_ASSIGN_OR_RETURN(LogLinearFit fit, FitLogLinear(table, model, no_profile));
      out.fits.push_back(std::move(fit));
      if (better(out.fits.back(), out.chosen)) out.chosen = static_cast<int>(out.fits.size()) - 1;
    }
  } else {
    out.search = "forward stepwise";
    LogLinearModel current;
    VL_ASSIGN_OR_RETURN(LogLinearFit start, FitLogLinear(table, current, no_profile));
    out.fits.push_back(std::move(start));
    if (better(out.fits.back(), out.chosen)) out.chosen = 0;
    for (;;) {
      int step_best = -1;
      for (const auto& pair : all.interactions) {
        if (std::find(current.interactions.begin(), current.interactions.end(), pair) !=
            current.interactions.end()) {
          continue;
        }
        LogLinearModel candidate = current;
        candidate.interactions.push_back(pair);
        candidate = candidate.Canonical();
        VL_ASSIGN_OR_RETURN(LogLinearFit fit, FitLogLinear(table, candidate, no_profile));
        out.fits.push_back(std::move(fit));
        const int idx = static_cast<int>(out.fits.size()) - 1;
        if (out.fits.back().usable() &&
            (step_best < 0 || preferred(out.fits.back(), out.fits[static_cast<size_t>(step_best)]))) {
          step_best = idx;
        }
      }
      if (step_best < 0 || !better(out.fits[static_cast<size_t>(step_best)], out.chosen)) break;
      out.chosen = step_best;
      current = out.fits[static_cast<size_t>(step_best)].model;
    }
  }
  if (out.chosen < 0) {
    return Status::FailedPrecondition("multiple systems: no usable log-linear model among " +
                                      std::to_string(out.fits.size()) + " (zero cells?)");
  }
  LogLinearFit& best = out.fits[static_cast<size_t>(out.chosen)];
  if (options.fit.profile_interval && !best.has_profile) {
    Result<ProfileInterval> profile =
        ProfileLikelihoodInterval(table, best.model, options.fit.confidence, options.fit.glm);
    if (profile.ok()) {
      best.has_profile = true;
      best.profile = *profile;
    } else {
      best.message = "profile interval unavailable: " + profile.status().message();
    }
  }
  for (int s = 0; s < k; ++s) {
    out.completeness.push_back(static_cast<double>(table.source_total(s)) / best.n_hat);
  }
  return out;
}

}  // namespace vitalink::estimate
