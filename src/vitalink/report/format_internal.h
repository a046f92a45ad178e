// Locale-free number formatting shared by the renderers (report stage only).
//
//   Fixed(93.25, 1) == "93.3";  Fixed(NaN, 1) == "";  Fixed(-0.01, 1) == "0.0"
#pragma once

#include <cstdint>
#include <string>

namespace vitalink::report::internal {

/// Return `v` with `decimals` digits after the point ("" for NaN, "inf" / "-inf").
/// A value that rounds to zero is written without a sign. Locale-independent.
std::string Fixed(double v, int decimals);

/// Return `v` rounded to `decimals` digits, with -0 turned into 0 (NaN stays NaN).
double RoundTo(double v, int decimals);

/// Return `v` in decimal.
std::string Count(int64_t v);

}  // namespace vitalink::report::internal
