#include "vitalink/estimate/poisson_glm.h"

#include <cmath>
#include <limits>

namespace vitalink::estimate {
namespace {

double Deviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double dev = 0.0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    // y log(y/μ) → 0 as y → 0.
    const double term = y[i] > 0.0 ? y[i] * std::log(y[i] / mu[i]) : 0.0;
    dev += 2.0 * (term - (y[i] - mu[i]));
  }
  return dev;
}

double LogLikelihood(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double ll = 0.0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    ll += (y[i] > 0.0 ? y[i] * std::log(mu[i]) : 0.0) - mu[i] - std::lgamma(y[i] + 1.0);
  }
  return ll;
}

// Return exp(Xβ), or an empty vector when some η overflows.
Eigen::VectorXd Means(const Eigen::MatrixXd& x, const Eigen::VectorXd& beta) {
  Eigen::VectorXd eta = x * beta;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    if (!std::isfinite(eta[i]) || eta[i] > 700.0) return {};
  }
  return eta.array().exp().matrix();
}

Eigen::MatrixXd Information(const Eigen::MatrixXd& x, const Eigen::VectorXd& mu) {
  return x.transpose() * mu.asDiagonal() * x;
}

}  // namespace

std::string_view GlmOutcomeName(GlmOutcome outcome) {
  switch (outcome) {
    case GlmOutcome::kConverged: return "converged";
    case GlmOutcome::kRankDeficient: return "rank_deficient";
    case GlmOutcome::kBoundary: return "boundary";
    case GlmOutcome::kNotConverged: return "not_converged";
  }
  return "unknown";
}

Result<PoissonGlmFit> FitPoissonGlm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                    const GlmOptions& options, const Eigen::VectorXd* start) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (p == 0 || n != y.size()) {
    return Status::InvalidArgument("poisson glm: X is " + std::to_string(n) + "x" +
                                   std::to_string(p) + " but y has " + std::to_string(y.size()) +
                                   " entries");
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(y[i]) || y[i] < 0.0) {
      return Status::InvalidArgument("poisson glm: responses must be finite and >= 0");
    }
  }
  if (start != nullptr && start->size() != p) {
    return Status::InvalidArgument("poisson glm: start has the wrong size");
  }

  PoissonGlmFit fit;
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  qr.setThreshold(options.rank_tolerance);
  fit.rank = static_cast<int>(qr.rank());
  if (fit.rank < p) {
    fit.outcome = GlmOutcome::kRankDeficient;
    fit.message = "design matrix has rank " + std::to_string(fit.rank) + " < " + std::to_string(p) +
                  " parameters: not identifiable";
    return fit;
  }

  Eigen::VectorXd beta;
  if (start != nullptr) {
    beta = *start;
  } else {
    // R's poisson()$initialize: μ = y + 0.1, then one weighted least-squares
    // step on the working response z = η + (y − μ)/μ with weights μ.
    const Eigen::VectorXd mu0 = (y.array() + 0.1).matrix();
    const Eigen::VectorXd eta0 = mu0.array().log().matrix();
    const Eigen::VectorXd z = eta0 + ((y - mu0).array() / mu0.array()).matrix();
    beta = Information(x, mu0).ldlt().solve(x.transpose() * (mu0.asDiagonal() * z));
  }
  Eigen::VectorXd mu = Means(x, beta);
  if (mu.size() == 0) {
    fit.outcome = GlmOutcome::kNotConverged;
    fit.message = "linear predictor overflowed at the start";
    return fit;
  }
  double dev = Deviance(y, mu);
  bool converged = false;
  int iter = 0;
  for (; iter < options.max_iterations && !converged; ++iter) {
    const Eigen::MatrixXd info = Information(x, mu);
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(info);
    Eigen::VectorXd delta = ldlt.solve(x.transpose() * (y - mu));
    if (ldlt.info() != Eigen::Success || !delta.allFinite()) break;
    Eigen::VectorXd beta_new = beta + delta;
    Eigen::VectorXd mu_new = Means(x, beta_new);
    double dev_new = mu_new.size() ? Deviance(y, mu_new) : std::numeric_limits<double>::infinity();
    // Newton on a concave log-likelihood can overshoot far from the optimum:
    // halve until the deviance does not rise (tolerating round-off).
    for (int halving = 0;
         halving < options.max_step_halvings &&
         !(std::isfinite(dev_new) && dev_new <= dev + 1e-10 * (std::fabs(dev) + 1));
         ++halving) {
      delta *= 0.5;
      beta_new = beta + delta;
      mu_new = Means(x, beta_new);
      dev_new = mu_new.size() ? Deviance(y, mu_new) : std::numeric_limits<double>::infinity();
    }
    if (!std::isfinite(dev_new)) break;
    const bool dev_small =
        std::fabs(dev_new - dev) / (std::fabs(dev_new) + 0.1) < options.deviance_tolerance;
    bool step_small = true;
    for (Eigen::Index j = 0; j < p; ++j) {
      if (std::fabs(delta[j]) > options.parameter_tolerance * (1.0 + std::fabs(beta_new[j]))) {
        step_small = false;
      }
    }
    beta = std::move(beta_new);
    mu = std::move(mu_new);
    dev = dev_new;
    // Newton converges quadratically: either test alone leaves an error far below
    // the tolerance of the other (the deviance test also stops a drift to a boundary).
    converged = dev_small || step_small;
  }

  fit.iterations = iter;
  fit.beta = beta;
  fit.fitted = mu;
  fit.deviance = dev;
  fit.log_likelihood = LogLikelihood(y, mu);
  fit.covariance = Information(x, mu).ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  const double min_mu = mu.minCoeff();
  if (min_mu < options.boundary_fitted) {
    fit.outcome = GlmOutcome::kBoundary;
    fit.message = "a fitted cell tends to zero (minimum " + std::to_string(min_mu) +
                  "): the MLE does not exist, likely because of zero cells";
  } else if (!converged) {
    fit.outcome = GlmOutcome::kNotConverged;
    fit.message = "no convergence after " + std::to_string(iter) + " iterations";
  } else {
    fit.outcome = GlmOutcome::kConverged;
  }
  return fit;
}

}  // namespace vitalink::estimate
