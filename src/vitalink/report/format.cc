#include <cmath>

#include <fmt/format.h>

#include "vitalink/report/format_internal.h"

namespace vitalink::report::internal {

double RoundTo(double v, int decimals) {
  if (!std::isfinite(v)) return v;
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(v * scale) / scale;
  return r == 0.0 ? 0.0 : r;
}

std::string Fixed(double v, int decimals) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // fmt formats without the locale unless asked ('L'), so the bytes never vary.
  return fmt::format("{:.{}f}", RoundTo(v, decimals), decimals);
}

std::string Count(int64_t v) { return fmt::format("{}", v); }

}  // namespace vitalink::report::internal
