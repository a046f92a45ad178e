// String metrics for record linkage, on Unicode code points: Levenshtein,
// optimal string alignment (restricted Damerau–Levenshtein), Jaro,
// Jaro–Winkler and q-gram Jaccard, plus cached scorers for one-vs-many
// comparison (the inner loop of a block).
//
// Strings are UTF-8 and are compared as sequences of code points, so 张伟 and
// 张卫 differ by one substitution, not three bytes. Every metric comes in three
// forms that return identical results (the tests assert it):
//   - one-shot on UTF-8:           LevenshteinDistance("kitten", "sitting") == 3
//   - on code-point arrays:        for strings interned and decoded once
//                                  (std::u32string_view; no decoding per pair)
//   - cached scorers:              preprocess s1 once, compare with many s2
//
//   double s = JaroWinklerSimilarity("MARTHA", "MARHTA");            // 0.9611
//   CachedJaroWinkler jw("张伟");
//   for (std::u32string_view other : block) {  // pre-decoded, interned values
//     if (double sim = jw.similarity(other, /*score_cutoff=*/0.85); sim > 0) ...
//   }
//
// Vocabulary follows RapidFuzz: `distance` (lower is closer), `similarity`,
// `normalized_similarity` in [0, 1], and `score_cutoff`: a distance above the
// cutoff is returned as score_cutoff + 1, a similarity below it as 0. The cutoff
// never changes a result that passes it, and lets kernels stop early.
//
// Cost: no heap allocation per pair for strings of at most 64 code points;
// longer strings take a slower O(|s1|·|s2|) path. All functions are
// thread-safe; a cached scorer is immutable after construction and may be
// shared by threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace vitalink::link {

/// The default distance cutoff: no cutoff.
inline constexpr int64_t kNoDistanceCutoff = std::numeric_limits<int64_t>::max();

/// Jaro–Winkler constants (Winkler 1990): the prefix bonus counts at most
/// kJaroWinklerMaxPrefix leading code points and applies only when the Jaro
/// similarity exceeds kJaroWinklerBoostThreshold.
inline constexpr double kJaroWinklerPrefixWeight = 0.1;
inline constexpr int kJaroWinklerMaxPrefix = 4;
inline constexpr double kJaroWinklerBoostThreshold = 0.7;

/// A string decoded to code points, held inline when it has at most
/// kInlineCapacity of them (no heap allocation), on the heap otherwise.
/// Ill-formed UTF-8 bytes decode to U+FFFD, as vitalink::NextCodePoint does.
/// Not copyable or movable: it is a scratch buffer for one comparison.
class CodePointBuffer {
 public:
  static constexpr size_t kInlineCapacity = 64;

  CodePointBuffer() = default;
  explicit CodePointBuffer(std::string_view utf8) { Assign(utf8); }
  CodePointBuffer(const CodePointBuffer&) = delete;
  CodePointBuffer& operator=(const CodePointBuffer&) = delete;

  /// Replace the contents with the code points of `utf8`.
  void Assign(std::string_view utf8);
  /// Return the code points; valid until the next Assign or destruction.
  std::u32string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }

 private:
  char32_t inline_[kInlineCapacity];
  std::unique_ptr<char32_t[]> heap_;
  char32_t* data_ = inline_;
  size_t size_ = 0;
  size_t heap_capacity_ = 0;
};

/// Return the code points of UTF-8 `utf8` (for callers that intern decoded strings).
std::u32string DecodeCodePoints(std::string_view utf8);

// ---------------------------------------------------------------------------
// Levenshtein: unit-cost insertions, deletions and substitutions.
// Bit-parallel (Myers 1999, in the formulation of Hyyrö 2003) when the shorter
// string has at most 64 code points; a banded row DP (Ukkonen 1985) beyond.

/// Return the Levenshtein distance, or score_cutoff + 1 when it exceeds score_cutoff.
int64_t LevenshteinDistance(std::string_view s1, std::string_view s2,
                            int64_t score_cutoff = kNoDistanceCutoff);
int64_t LevenshteinDistance(std::u32string_view s1, std::u32string_view s2,
                            int64_t score_cutoff = kNoDistanceCutoff);

/// Return 1 - distance / max(|s1|, |s2|) (1 for two empty strings), or 0 when
/// below score_cutoff.
double LevenshteinNormalizedSimilarity(std::string_view s1, std::string_view s2,
                                       double score_cutoff = 0);
double LevenshteinNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2,
                                       double score_cutoff = 0);

// ---------------------------------------------------------------------------
// Optimal string alignment (OSA), the restricted Damerau–Levenshtein distance
// that most linkage tools mean by "Damerau–Levenshtein": Levenshtein plus the
// transposition of two adjacent code points, where no substring is edited more
// than once (so OSA("CA", "ABC") == 3, while the unrestricted Damerau distance
// of Lowrance and Wagner 1975 is 2). Bit-parallel after Hyyrö 2003 ("A
// bit-vector algorithm for computing Levenshtein and Damerau edit distances")
// when the shorter string has at most 64 code points; a three-row DP beyond.

/// Return the OSA distance, or score_cutoff + 1 when it exceeds score_cutoff.
int64_t OsaDistance(std::string_view s1, std::string_view s2,
                    int64_t score_cutoff = kNoDistanceCutoff);
int64_t OsaDistance(std::u32string_view s1, std::u32string_view s2,
                    int64_t score_cutoff = kNoDistanceCutoff);

/// Return 1 - OSA distance / max(|s1|, |s2|), or 0 when below score_cutoff.
double OsaNormalizedSimilarity(std::string_view s1, std::string_view s2,
                               double score_cutoff = 0);
double OsaNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2,
                               double score_cutoff = 0);

// ---------------------------------------------------------------------------
// Jaro (Jaro 1989) and Jaro–Winkler (Winkler 1990).
// Matching window max(|s1|, |s2|) / 2 - 1 (at least 0). For each code point of
// s2 in order, the first not yet matched equal code point of s1 inside the
// window is its match (m matches); t is half the number of matched pairs that
// are out of order, rounded down as in Winkler's strcmp95. Jaro is
// (m/|s1| + m/|s2| + (m - t)/m) / 3, 0 when m == 0, 1 for two empty strings.
// Jaro–Winkler adds l * prefix_weight * (1 - Jaro), l the common prefix capped
// at 4 code points, only when Jaro > 0.7; prefix_weight must be in [0, 0.25].
// Bit-parallel (match flags as bit masks within the window, as RapidFuzz does)
// when both strings have at most 64 code points; a scalar loop beyond.

/// Return the Jaro similarity, or 0 when below score_cutoff.
double JaroSimilarity(std::string_view s1, std::string_view s2, double score_cutoff = 0);
double JaroSimilarity(std::u32string_view s1, std::u32string_view s2, double score_cutoff = 0);

/// Return the Jaro–Winkler similarity, or 0 when below score_cutoff.
double JaroWinklerSimilarity(std::string_view s1, std::string_view s2,
                             double prefix_weight = kJaroWinklerPrefixWeight,
                             double score_cutoff = 0);
double JaroWinklerSimilarity(std::u32string_view s1, std::u32string_view s2,
                             double prefix_weight = kJaroWinklerPrefixWeight,
                             double score_cutoff = 0);

// ---------------------------------------------------------------------------
// Jaccard similarity |A ∩ B| / |A ∪ B| of the sets of q-grams (runs of q
// consecutive code points; q = 1 is the set of characters, q = 2 bigrams).
// A string shorter than q has no q-grams; when both sets are empty the result
// is 1 if s1 == s2 and 0 otherwise. q must be >= 1.

/// Return the q-gram Jaccard similarity, or 0 when below score_cutoff.
double JaccardSimilarity(std::string_view s1, std::string_view s2, int q = 1,
                         double score_cutoff = 0);
double JaccardSimilarity(std::u32string_view s1, std::u32string_view s2, int q = 1,
                         double score_cutoff = 0);

// ---------------------------------------------------------------------------
// Cached scorers: preprocess s1 once (bit masks of where each code point
// occurs), then compare it with many s2. Results equal the one-shot functions
// with the same s1 as first argument.

namespace internal {

/// For a pattern of at most 64 code points, the bit mask of positions where
/// each code point occurs (bit i set when pattern[i] == c): a direct table for
/// ASCII and a small open-addressing map for the rest (names have few distinct
/// characters, so at most 64 keys in 128 slots).
struct PatternMatchVector {
  static constexpr size_t kSlots = 128;
  uint64_t ascii[128];
  char32_t keys[kSlots];
  uint64_t masks[kSlots];  // 0 marks an empty slot

  /// Build from `pattern` (at most 64 code points).
  void Build(std::u32string_view pattern);
};

}  // namespace internal

/// One-vs-many Levenshtein. Construction costs O(|s1|) plus ~3 KiB of tables.
class CachedLevenshtein {
 public:
  explicit CachedLevenshtein(std::string_view s1);
  explicit CachedLevenshtein(std::u32string_view s1);

  /// Return LevenshteinDistance(s1, s2, score_cutoff).
  int64_t distance(std::string_view s2, int64_t score_cutoff = kNoDistanceCutoff) const;
  int64_t distance(std::u32string_view s2, int64_t score_cutoff = kNoDistanceCutoff) const;
  /// Return LevenshteinNormalizedSimilarity(s1, s2, score_cutoff).
  double normalized_similarity(std::string_view s2, double score_cutoff = 0) const;
  double normalized_similarity(std::u32string_view s2, double score_cutoff = 0) const;

 private:
  std::u32string s1_;
  internal::PatternMatchVector pm_{};  // valid when 0 < |s1| <= 64
};

/// One-vs-many optimal string alignment distance.
class CachedOsa {
 public:
  explicit CachedOsa(std::string_view s1);
  explicit CachedOsa(std::u32string_view s1);

  /// Return OsaDistance(s1, s2, score_cutoff).
  int64_t distance(std::string_view s2, int64_t score_cutoff = kNoDistanceCutoff) const;
  int64_t distance(std::u32string_view s2, int64_t score_cutoff = kNoDistanceCutoff) const;
  /// Return OsaNormalizedSimilarity(s1, s2, score_cutoff).
  double normalized_similarity(std::string_view s2, double score_cutoff = 0) const;
  double normalized_similarity(std::u32string_view s2, double score_cutoff = 0) const;

 private:
  std::u32string s1_;
  internal::PatternMatchVector pm_{};  // valid when 0 < |s1| <= 64
};

/// One-vs-many Jaro–Winkler (prefix_weight 0 gives plain Jaro).
class CachedJaroWinkler {
 public:
  explicit CachedJaroWinkler(std::string_view s1,
                             double prefix_weight = kJaroWinklerPrefixWeight);
  explicit CachedJaroWinkler(std::u32string_view s1,
                             double prefix_weight = kJaroWinklerPrefixWeight);

  /// Return JaroWinklerSimilarity(s1, s2, prefix_weight, score_cutoff).
  double similarity(std::string_view s2, double score_cutoff = 0) const;
  double similarity(std::u32string_view s2, double score_cutoff = 0) const;

 private:
  std::u32string s1_;
  double prefix_weight_;
  internal::PatternMatchVector pm_{};  // valid when 0 < |s1| <= 64
};

/// One-vs-many Jaro.
class CachedJaro {
 public:
  explicit CachedJaro(std::string_view s1) : scorer_(s1, 0.0) {}
  explicit CachedJaro(std::u32string_view s1) : scorer_(s1, 0.0) {}

  /// Return JaroSimilarity(s1, s2, score_cutoff).
  double similarity(std::string_view s2, double score_cutoff = 0) const {
    return scorer_.similarity(s2, score_cutoff);
  }
  double similarity(std::u32string_view s2, double score_cutoff = 0) const {
    return scorer_.similarity(s2, score_cutoff);
  }

 private:
  CachedJaroWinkler scorer_;
};

}  // namespace vitalink::link
