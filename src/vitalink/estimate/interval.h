// Interval: a two-sided confidence interval for a population size or a rate.
//
//   Interval ci{980.0, 1040.0};
//   bool covers = ci.Contains(true_n);
#pragma once

#include <limits>

namespace vitalink::estimate {

/// A closed interval [lower, upper]; upper may be +infinity when the likelihood
/// gives no finite upper limit (e.g. no matches between two sources).
struct Interval {
  double lower = 0.0;
  double upper = std::numeric_limits<double>::infinity();

  bool Contains(double value) const { return lower <= value && value <= upper; }
  double width() const { return upper - lower; }
};

}  // namespace vitalink::estimate
