// Naive, obviously-correct twins of the string metrics in
// `compare/string_metrics.h`, written straight from the textbook definitions
// with full dynamic-programming matrices. They exist only so differential
// tests can check the fast kernels; never call them on a hot path.
//
//   std::u32string a = reference::Decode("张伟"), b = reference::Decode("张卫");
//   EXPECT_EQ(LevenshteinDistance(a, b), reference::LevenshteinDistance(a, b));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vitalink::link::reference {

/// Return the code points of UTF-8 `s`, one NextCodePoint call at a time.
std::u32string Decode(std::string_view s);

/// Return the Levenshtein distance (Wagner–Fischer 1974 full matrix).
int64_t LevenshteinDistance(std::u32string_view s1, std::u32string_view s2);

/// Return 1 - distance / max(|s1|, |s2|), or 1 when both are empty.
double LevenshteinNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2);

/// Return the optimal-string-alignment distance: Levenshtein plus transposition
/// of two adjacent characters, no substring edited twice (Damerau 1964's
/// restricted form, as the full-matrix recurrence of Boytsov 2011 writes it).
int64_t OsaDistance(std::u32string_view s1, std::u32string_view s2);

/// Return 1 - OSA distance / max(|s1|, |s2|), or 1 when both are empty.
double OsaNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2);

/// Return the unrestricted Damerau–Levenshtein distance (Lowrance and Wagner
/// 1975), for tests that show how it differs from OSA (CA/ABC: 2 vs 3).
int64_t DamerauLevenshteinDistance(std::u32string_view s1, std::u32string_view s2);

/// Return the Jaro (1989) similarity: for each character of s2 in order, the
/// first unmatched equal character of s1 within max(|s1|,|s2|)/2 - 1 is its
/// match; half the out-of-order matches (rounded down) are transpositions.
double JaroSimilarity(std::u32string_view s1, std::u32string_view s2);

/// Return the Jaro–Winkler (Winkler 1990) similarity: Jaro plus
/// min(prefix, 4) * prefix_weight * (1 - Jaro) when Jaro > 0.7.
double JaroWinklerSimilarity(std::u32string_view s1, std::u32string_view s2,
                             double prefix_weight = 0.1);

/// Return |A ∩ B| / |A ∪ B| of the sets of q-grams (q consecutive code points);
/// when both sets are empty, 1 if s1 == s2 and 0 otherwise.
double JaccardSimilarity(std::u32string_view s1, std::u32string_view s2, int q = 1);

}  // namespace vitalink::link::reference
