#include "vitalink/link/em/model.h"

#include <cmath>
#include <utility>

#include <nlohmann/json.hpp>

namespace vitalink::link {
namespace {

constexpr const char* kFormat = "vitalink.fs_model";
constexpr int kVersion = 1;

std::string LevelLabel(const ModelShape& shape, int k, uint8_t level) {
  if (level == kGammaNull) return "null";
  return shape.comparison(k).level_labels[level];
}

}  // namespace

double WeightToProbability(double weight) {
  // 1 / (1 + 2^-w) stays finite for any w: 2^-w overflows to inf, giving 0.
  return 1.0 / (1.0 + std::exp2(-weight));
}

FsModel FsModel::Default(const ModelShape& shape, double lambda) {
  FsModel model;
  model.shape_ = shape;
  model.lambda_ = lambda;
  for (int k = 0; k < shape.num_comparisons(); ++k) {
    const int num_levels = shape.num_levels(k);
    std::vector<double> m_k(static_cast<size_t>(num_levels));
    std::vector<double> u_k(static_cast<size_t>(num_levels));
    double sum = 0.0;
    for (int l = 0; l < num_levels; ++l) {
      m_k[static_cast<size_t>(l)] = std::pow(9.0, l);
      sum += m_k[static_cast<size_t>(l)];
    }
    for (int l = 0; l < num_levels; ++l) {
      u_k[static_cast<size_t>(num_levels - 1 - l)] = m_k[static_cast<size_t>(l)] / sum;
    }
    for (double& p : m_k) p /= sum;
    model.m_.push_back(std::move(m_k));
    model.u_.push_back(std::move(u_k));
  }
  model.Recompute();
  return model;
}

Status FsModel::CheckProbabilities(const ModelShape& shape, int k, const std::vector<double>& p,
                                   const char* what) {
  const std::string where = std::string(what) + " of comparison '" + shape.comparison(k).name + "'";
  if (static_cast<int>(p.size()) != shape.num_levels(k)) {
    return Status::InvalidArgument(where + ": expected " + std::to_string(shape.num_levels(k)) +
                                   " levels, got " + std::to_string(p.size()));
  }
  double sum = 0.0;
  for (double v : p) {
    if (!(v > 0.0 && v <= 1.0)) {
      return Status::InvalidArgument(where + ": probabilities must be in (0, 1]");
    }
    sum += v;
  }
  if (std::fabs(sum - 1.0) > 1e-6) {
    return Status::InvalidArgument(where + ": probabilities sum to " + std::to_string(sum));
  }
  return Status::OK();
}

Result<FsModel> FsModel::Make(const ModelShape& shape, double lambda,
                              std::vector<std::vector<double>> m,
                              std::vector<std::vector<double>> u) {
  if (!(lambda > 0.0 && lambda < 1.0)) return Status::InvalidArgument("lambda must be in (0, 1)");
  const auto num = static_cast<size_t>(shape.num_comparisons());
  if (m.size() != num || u.size() != num) {
    return Status::InvalidArgument("m and u need one entry per comparison");
  }
  for (int k = 0; k < shape.num_comparisons(); ++k) {
    VL_RETURN_IF_ERROR(CheckProbabilities(shape, k, m[static_cast<size_t>(k)], "m"));
    VL_RETURN_IF_ERROR(CheckProbabilities(shape, k, u[static_cast<size_t>(k)], "u"));
  }
  FsModel model;
  model.shape_ = shape;
  model.lambda_ = lambda;
  model.m_ = std::move(m);
  model.u_ = std::move(u);
  model.Recompute();
  return model;
}

Status FsModel::set_lambda(double lambda) {
  if (!(lambda > 0.0 && lambda < 1.0)) return Status::InvalidArgument("lambda must be in (0, 1)");
  lambda_ = lambda;
  Recompute();
  return Status::OK();
}

Status FsModel::set_m(int k, std::vector<double> m_k) {
  if (k < 0 || k >= num_comparisons())
    return Status::OutOfRange("no comparison " + std::to_string(k));
  VL_RETURN_IF_ERROR(CheckProbabilities(shape_, k, m_k, "m"));
  m_[static_cast<size_t>(k)] = std::move(m_k);
  Recompute();
  return Status::OK();
}

Status FsModel::set_u(int k, std::vector<double> u_k) {
  if (k < 0 || k >= num_comparisons())
    return Status::OutOfRange("no comparison " + std::to_string(k));
  VL_RETURN_IF_ERROR(CheckProbabilities(shape_, k, u_k, "u"));
  u_[static_cast<size_t>(k)] = std::move(u_k);
  Recompute();
  return Status::OK();
}

void FsModel::Recompute() {
  prior_weight_ = std::log2(lambda_) - std::log2(1.0 - lambda_);
  offset_.clear();
  log2_bf_.clear();
  for (int k = 0; k < shape_.num_comparisons(); ++k) {
    offset_.push_back(log2_bf_.size());
    const auto& m_k = m_[static_cast<size_t>(k)];
    const auto& u_k = u_[static_cast<size_t>(k)];
    for (size_t l = 0; l < m_k.size(); ++l)
      log2_bf_.push_back(std::log2(m_k[l]) - std::log2(u_k[l]));
  }
}

WeightExplanation FsModel::Explain(const uint8_t* gamma) const {
  WeightExplanation out;
  out.prior_weight = prior_weight_;
  out.total_weight = prior_weight_;
  for (int k = 0; k < num_comparisons(); ++k) {
    WeightTerm term;
    term.comparison = shape_.comparison(k).name;
    term.gamma = gamma[k];
    term.level_label = LevelLabel(shape_, k, gamma[k]);
    if (gamma[k] != kGammaNull) {
      term.m = m_[static_cast<size_t>(k)][gamma[k]];
      term.u = u_[static_cast<size_t>(k)][gamma[k]];
    }
    term.log2_bayes_factor = BayesFactorLog2(k, gamma[k]);
    out.total_weight += term.weight();
    out.terms.push_back(std::move(term));
  }
  out.match_probability = WeightToProbability(out.total_weight);
  return out;
}

std::string FsModel::ToJson(int indent) const {
  nlohmann::ordered_json root;
  root["format"] = kFormat;
  root["version"] = kVersion;
  root["lambda"] = lambda_;
  nlohmann::ordered_json comparisons = nlohmann::ordered_json::array();
  for (int k = 0; k < num_comparisons(); ++k) {
    const ComparisonShape& cmp = shape_.comparison(k);
    nlohmann::ordered_json c;
    c["name"] = cmp.name;
    c["tf"] = {{"enabled", cmp.tf.enabled},
               {"exact_level", cmp.tf.exact_level},
               {"weight", cmp.tf.weight},
               {"min_frequency", cmp.tf.min_frequency}};
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    for (size_t l = 0; l < cmp.level_labels.size(); ++l) {
      levels.push_back({{"level", l},
                        {"label", cmp.level_labels[l]},
                        {"m", m_[static_cast<size_t>(k)][l]},
                        {"u", u_[static_cast<size_t>(k)][l]}});
    }
    c["levels"] = std::move(levels);
    comparisons.push_back(std::move(c));
  }
  root["comparisons"] = std::move(comparisons);
  return root.dump(indent) + "\n";
}

Result<FsModel> FsModel::FromJson(std::string_view text) {
  nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Status::ParseError("model JSON does not parse");
  try {
    if (root.value("format", std::string()) != kFormat) {
      return Status::InvalidArgument(std::string("model JSON: \"format\" must be \"") + kFormat +
                                     "\"");
    }
    if (root.value("version", 0) != kVersion) {
      return Status::InvalidArgument("model JSON: unsupported version");
    }
    std::vector<ComparisonShape> comparisons;
    std::vector<std::vector<double>> m;
    std::vector<std::vector<double>> u;
    for (const auto& c : root.at("comparisons")) {
      ComparisonShape cmp;
      cmp.name = c.at("name").get<std::string>();
      if (c.contains("tf")) {
        const auto& tf = c.at("tf");
        cmp.tf.enabled = tf.value("enabled", false);
        cmp.tf.exact_level = tf.value("exact_level", -1);
        cmp.tf.weight = tf.value("weight", 1.0);
        cmp.tf.min_frequency = tf.value("min_frequency", 0.0);
      }
      std::vector<double> m_k;
      std::vector<double> u_k;
      for (const auto& level : c.at("levels")) {
        cmp.level_labels.push_back(level.at("label").get<std::string>());
        m_k.push_back(level.at("m").get<double>());
        u_k.push_back(level.at("u").get<double>());
      }
      comparisons.push_back(std::move(cmp));
      m.push_back(std::move(m_k));
      u.push_back(std::move(u_k));
    }
    VL_ASSIGN_OR_RETURN(ModelShape shape, ModelShape::Make(std::move(comparisons)));
    return Make(shape, root.at("lambda").get<double>(), std::move(m), std::move(u));
  } catch (const nlohmann::json::exception& e) {
    return Status::ParseError(std::string("model JSON: ") + e.what());
  }
}

}  // namespace vitalink::link
