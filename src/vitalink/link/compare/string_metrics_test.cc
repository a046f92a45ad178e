#include "vitalink/link/compare/string_metrics.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "vitalink/common/utf8.h"
#include "vitalink/link/compare/reference/string_metrics_reference.h"

namespace vitalink::link {
namespace {

constexpr double kTol = 1e-12;

std::string Utf8(std::u32string_view s) {
  std::string out;
  for (const char32_t c : s) AppendUtf8(c, out);
  return out;
}

// ---------------------------------------------------------------------------
// Known values.

TEST(StringMetricsTest, LevenshteinKnownValues) {
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting"), 3);
  EXPECT_EQ(LevenshteinDistance("张伟", "张卫"), 1);
  EXPECT_EQ(LevenshteinDistance("", ""), 0);
  EXPECT_EQ(LevenshteinDistance("", "abc"), 3);
  EXPECT_EQ(LevenshteinDistance("王小明", ""), 3);
  EXPECT_EQ(LevenshteinDistance("flaw", "lawn"), 2);
  EXPECT_DOUBLE_EQ(LevenshteinNormalizedSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(LevenshteinNormalizedSimilarity("张伟", "张卫"), 0.5);
  EXPECT_DOUBLE_EQ(LevenshteinNormalizedSimilarity("kitten", "sitting"), 1.0 - 3.0 / 7.0);
}

TEST(StringMetricsTest, LevenshteinCutoff) {
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting", 3), 3);
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting", 2), 3);
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting", 1), 2);
  EXPECT_EQ(LevenshteinDistance("kitten", "sitting", 0), 1);
  EXPECT_EQ(LevenshteinDistance("abc", "abc", 0), 0);
  EXPECT_EQ(LevenshteinDistance("a", "abcdef", 2), 3);
  EXPECT_DOUBLE_EQ(LevenshteinNormalizedSimilarity("张伟", "张卫", 0.5), 0.5);
  EXPECT_DOUBLE_EQ(LevenshteinNormalizedSimilarity("张伟", "张卫", 0.51), 0.0);
}

TEST(StringMetricsTest, OsaKnownValues) {
  EXPECT_EQ(OsaDistance("CA", "ABC"), 3);
  EXPECT_EQ(reference::DamerauLevenshteinDistance(U"CA", U"ABC"), 2);
  EXPECT_EQ(reference::OsaDistance(U"CA", U"ABC"), 3);
  EXPECT_EQ(OsaDistance("MARTHA", "MARHTA"), 1);
  EXPECT_EQ(LevenshteinDistance("MARTHA", "MARHTA"), 2);
  EXPECT_EQ(OsaDistance("张伟明", "张明伟"), 1);
  EXPECT_EQ(OsaDistance("", ""), 0);
  EXPECT_EQ(OsaDistance("ab", ""), 2);
  EXPECT_DOUBLE_EQ(OsaNormalizedSimilarity("ab", "ba"), 0.5);
}

TEST(StringMetricsTest, JaroWinklerKnownValues) {
  // Winkler (1990) / strcmp95 test values.
  EXPECT_NEAR(JaroSimilarity("MARTHA", "MARHTA"), 0.944444, 1e-6);
  EXPECT_NEAR(JaroWinklerSimilarity("MARTHA", "MARHTA"), 0.961111, 1e-6);
  EXPECT_NEAR(JaroSimilarity("DWAYNE", "DUANE"), 0.822222, 1e-6);
  EXPECT_NEAR(JaroWinklerSimilarity("DWAYNE", "DUANE"), 0.84, 1e-6);
  EXPECT_NEAR(JaroSimilarity("DIXON", "DICKSONX"), 0.766667, 1e-6);
  EXPECT_NEAR(JaroWinklerSimilarity("DIXON", "DICKSONX"), 0.813333, 1e-6);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("", "a"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("张伟", "张伟"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("张伟", "王芳"), 0.0);
  // 张伟 vs 张卫: window 0, one match: (1/2 + 1/2 + 1) / 3 = 2/3, below the boost threshold.
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("张伟", "张卫"), 2.0 / 3.0);
  // Cutoffs: a result below it becomes 0, at or above it is unchanged.
  const double jw = JaroWinklerSimilarity("MARTHA", "MARHTA");
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("MARTHA", "MARHTA", 0.1, jw), jw);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("MARTHA", "MARHTA", 0.1, 0.97), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinklerSimilarity("A", "ABCDEFGHIJ", 0.1, 0.9), 0.0);
}

TEST(StringMetricsTest, JaccardKnownValues) {
  EXPECT_DOUBLE_EQ(JaccardSimilarity("张伟", "张卫"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("abc", "cba"), 1.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("abc", "cba", 2), 0.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("night", "nacht", 2), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("a", ""), 0.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("张", "张", 2), 1.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("张", "王", 2), 0.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("aab", "ab"), 1.0);
  EXPECT_DOUBLE_EQ(JaccardSimilarity("张伟", "张卫", 1, 0.34), 0.0);
}

TEST(StringMetricsTest, CodePointBufferDecodesLongAndInvalidInput) {
  std::string long_han;
  for (int i = 0; i < 100; ++i) long_han += "张伟";
  CodePointBuffer buffer(long_han);
  EXPECT_EQ(buffer.size(), 200u);
  EXPECT_EQ(buffer.view(), reference::Decode(long_han));
  buffer.Assign("ab");  // back to the inline storage
  EXPECT_EQ(buffer.view(), U"ab");
  // 40 Han characters are 120 bytes but fit the inline 64 code points.
  buffer.Assign(long_han.substr(0, 120));
  EXPECT_EQ(buffer.size(), 40u);
  const std::string invalid = std::string("a\xff\xe5\xbc") + "张" + std::string(70, 'x') + "\x80";
  buffer.Assign(invalid);
  EXPECT_EQ(buffer.view(), reference::Decode(invalid));
  EXPECT_EQ(DecodeCodePoints(invalid), reference::Decode(invalid));
}

// ---------------------------------------------------------------------------
// Differential tests against the reference twins.

enum class Alphabet { kAsciiSmall, kAsciiLetters, kCjkSmall, kMixed };

class RandomStrings {
 public:
  explicit RandomStrings(uint32_t seed) : rng_(seed) {}

  std::u32string Make(Alphabet alphabet, size_t max_len) {
    std::uniform_int_distribution<size_t> len_dist(0, max_len);
    const size_t len = len_dist(rng_);
    std::u32string out;
    for (size_t idx = 0; idx < len; ++idx) out.push_back(Char(alphabet));
    return out;
  }

  // A typo'd copy: a few substitutions, insertions, deletions, transpositions.
  std::u32string Mutate(std::u32string s, Alphabet alphabet) {
    std::uniform_int_distribution<int> edits_dist(0, 4);
    const int edits = edits_dist(rng_);
    for (int edit_idx = 0; edit_idx < edits; ++edit_idx) {
      const int kind = std::uniform_int_distribution<int>(0, 3)(rng_);
      const size_t pos = s.empty() ? 0 : std::uniform_int_distribution<size_t>(0, s.size() - 1)(rng_);
      if (kind == 0 && !s.empty()) {
        s[pos] = Char(alphabet);
      } else if (kind == 1) {
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), Char(alphabet));
      } else if (kind == 2 && !s.empty()) {
        s.erase(pos, 1);
      } else if (kind == 3 && pos + 1 < s.size()) {
        std::swap(s[pos], s[pos + 1]);
      }
    }
    return s;
  }

  double Uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  int64_t Int(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

 private:
  char32_t Char(Alphabet alphabet) {
    static constexpr char32_t kCjk[] = {U'张', U'王', U'李', U'伟', U'卫', U'芳', U'明'};
    static constexpr char32_t kAsciiSmall[] = {U'a', U'b', U'c', U'd'};
    switch (alphabet) {
      case Alphabet::kAsciiSmall:
        return kAsciiSmall[Pick(4)];
      case Alphabet::kAsciiLetters:
        return static_cast<char32_t>(U'A' + Pick(26));
      case Alphabet::kCjkSmall:
        return kCjk[Pick(7)];
      case Alphabet::kMixed:
        return Pick(2) == 0 ? kCjk[Pick(7)] : kAsciiSmall[Pick(4)];
    }
    return U'?';
  }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::mt19937 rng_;
};

struct DifferentialCase {
  Alphabet alphabet;
  size_t max_len;
};

class StringMetricsDifferentialTest : public ::testing::TestWithParam<DifferentialCase> {};

// Apply RapidFuzz's cutoff semantics to an exact result.
int64_t CutDistance(int64_t dist, int64_t cutoff) { return dist <= cutoff ? dist : cutoff + 1; }
double CutSimilarity(double sim, double cutoff) { return sim >= cutoff ? sim : 0.0; }

TEST_P(StringMetricsDifferentialTest, FastEqualsReferenceInEveryForm) {
  const DifferentialCase param = GetParam();
  RandomStrings gen(12345u + static_cast<uint32_t>(param.max_len) * 7u +
                    static_cast<uint32_t>(param.alphabet));
  for (int pair_idx = 0; pair_idx < 3000; ++pair_idx) {
    const std::u32string a = gen.Make(param.alphabet, param.max_len);
    const std::u32string b =
        pair_idx % 2 == 0 ? gen.Mutate(a, param.alphabet) : gen.Make(param.alphabet, param.max_len);
    const std::string a8 = Utf8(a);
    const std::string b8 = Utf8(b);
    SCOPED_TRACE(::testing::Message() << "a=" << a8 << " b=" << b8);

    // Levenshtein.
    const int64_t lev = reference::LevenshteinDistance(a, b);
    const CachedLevenshtein cached_lev(a8);
    EXPECT_EQ(LevenshteinDistance(a, b), lev);
    EXPECT_EQ(LevenshteinDistance(a8, b8), lev);
    EXPECT_EQ(cached_lev.distance(b8), lev);
    EXPECT_EQ(cached_lev.distance(b), lev);
    EXPECT_EQ(CachedLevenshtein(a).distance(b), lev);
    const int64_t dist_cutoff = gen.Int(0, 6);
    EXPECT_EQ(LevenshteinDistance(a, b, dist_cutoff), CutDistance(lev, dist_cutoff));
    EXPECT_EQ(LevenshteinDistance(a8, b8, dist_cutoff), CutDistance(lev, dist_cutoff));
    EXPECT_EQ(cached_lev.distance(b, dist_cutoff), CutDistance(lev, dist_cutoff));
    const double lev_sim = reference::LevenshteinNormalizedSimilarity(a, b);
    const double sim_cutoff = gen.Uniform();
    const double lev_fast = LevenshteinNormalizedSimilarity(a, b);
    EXPECT_NEAR(lev_fast, lev_sim, kTol);
    EXPECT_EQ(LevenshteinNormalizedSimilarity(a8, b8), lev_fast);
    EXPECT_EQ(cached_lev.normalized_similarity(b), lev_fast);
    EXPECT_EQ(cached_lev.normalized_similarity(b8), lev_fast);
    EXPECT_EQ(LevenshteinNormalizedSimilarity(a, b, sim_cutoff), CutSimilarity(lev_fast, sim_cutoff));
    EXPECT_EQ(cached_lev.normalized_similarity(b, sim_cutoff), CutSimilarity(lev_fast, sim_cutoff));

    // OSA.
    const int64_t osa = reference::OsaDistance(a, b);
    const CachedOsa cached_osa(a8);
    EXPECT_EQ(OsaDistance(a, b), osa);
    EXPECT_EQ(OsaDistance(a8, b8), osa);
    EXPECT_EQ(cached_osa.distance(b8), osa);
    EXPECT_EQ(cached_osa.distance(b), osa);
    EXPECT_EQ(OsaDistance(a, b, dist_cutoff), CutDistance(osa, dist_cutoff));
    EXPECT_EQ(cached_osa.distance(b, dist_cutoff), CutDistance(osa, dist_cutoff));
    const double osa_fast = OsaNormalizedSimilarity(a, b);
    EXPECT_NEAR(osa_fast, reference::OsaNormalizedSimilarity(a, b), kTol);
    EXPECT_EQ(OsaNormalizedSimilarity(a8, b8), osa_fast);
    EXPECT_EQ(cached_osa.normalized_similarity(b8), osa_fast);
    EXPECT_EQ(OsaNormalizedSimilarity(a, b, sim_cutoff), CutSimilarity(osa_fast, sim_cutoff));
    EXPECT_EQ(cached_osa.normalized_similarity(b, sim_cutoff), CutSimilarity(osa_fast, sim_cutoff));

    // Jaro and Jaro–Winkler.
    const double jaro_fast = JaroSimilarity(a, b);
    EXPECT_NEAR(jaro_fast, reference::JaroSimilarity(a, b), kTol);
    EXPECT_EQ(JaroSimilarity(a8, b8), jaro_fast);
    EXPECT_EQ(CachedJaro(a8).similarity(b), jaro_fast);
    const double jw_fast = JaroWinklerSimilarity(a, b);
    EXPECT_NEAR(jw_fast, reference::JaroWinklerSimilarity(a, b), kTol);
    EXPECT_EQ(JaroWinklerSimilarity(a8, b8), jw_fast);
    const CachedJaroWinkler cached_jw(a8);
    EXPECT_EQ(cached_jw.similarity(b), jw_fast);
    EXPECT_EQ(cached_jw.similarity(b8), jw_fast);
    EXPECT_EQ(CachedJaroWinkler(a).similarity(b), jw_fast);
    const double jw_cutoff = 0.6 + 0.4 * gen.Uniform();
    EXPECT_EQ(JaroWinklerSimilarity(a, b, 0.1, jw_cutoff), CutSimilarity(jw_fast, jw_cutoff));
    EXPECT_EQ(cached_jw.similarity(b, jw_cutoff), CutSimilarity(jw_fast, jw_cutoff));
    const double jw_heavy = JaroWinklerSimilarity(a, b, 0.25);
    EXPECT_NEAR(jw_heavy, reference::JaroWinklerSimilarity(a, b, 0.25), kTol);
    EXPECT_EQ(CachedJaroWinkler(a, 0.25).similarity(b8), jw_heavy);

    // Jaccard over unigrams, bigrams and trigrams.
    for (int q = 1; q <= 3; ++q) {
      const double jac_fast = JaccardSimilarity(a, b, q);
      EXPECT_NEAR(jac_fast, reference::JaccardSimilarity(a, b, q), kTol) << "q=" << q;
      EXPECT_EQ(JaccardSimilarity(a8, b8, q), jac_fast) << "q=" << q;
      EXPECT_EQ(JaccardSimilarity(a, b, q, sim_cutoff), CutSimilarity(jac_fast, sim_cutoff));
    }
    if (HasFailure()) return;  // one counterexample is enough
  }
}

std::string CaseName(const ::testing::TestParamInfo<DifferentialCase>& param_info) {
  static constexpr const char* kAlphabetNames[] = {"AsciiSmall", "AsciiLetters", "CjkSmall",
                                                   "Mixed"};
  return std::string(kAlphabetNames[static_cast<int>(param_info.param.alphabet)]) + "UpTo" +
         std::to_string(param_info.param.max_len);
}

INSTANTIATE_TEST_SUITE_P(
    Alphabets, StringMetricsDifferentialTest,
    ::testing::Values(DifferentialCase{Alphabet::kAsciiSmall, 12},
                      DifferentialCase{Alphabet::kAsciiSmall, 80},
                      DifferentialCase{Alphabet::kAsciiLetters, 20},
                      DifferentialCase{Alphabet::kAsciiLetters, 80},
                      DifferentialCase{Alphabet::kCjkSmall, 4},
                      DifferentialCase{Alphabet::kCjkSmall, 80},
                      DifferentialCase{Alphabet::kMixed, 20},
                      DifferentialCase{Alphabet::kMixed, 80}),
    CaseName);

// Strings just around the 64-code-point word size, where kernels switch paths.
TEST(StringMetricsTest, WordBoundaryLengths) {
  RandomStrings gen(99u);
  for (const size_t len1 : {63u, 64u, 65u, 66u}) {
    for (const size_t len2 : {1u, 32u, 63u, 64u, 65u, 128u}) {
      for (int rep = 0; rep < 20; ++rep) {
        std::u32string a = gen.Make(Alphabet::kMixed, 200).substr(0, 0);
        std::u32string b;
        while (a.size() < len1) a += gen.Make(Alphabet::kMixed, 8);
        while (b.size() < len2) b += gen.Make(Alphabet::kMixed, 8);
        a.resize(len1);
        b.resize(len2);
        if (rep % 2 == 0) b = gen.Mutate(a.substr(0, std::min(len1, len2)), Alphabet::kMixed);
        SCOPED_TRACE(::testing::Message() << len1 << "x" << len2 << " rep " << rep);
        EXPECT_EQ(LevenshteinDistance(a, b), reference::LevenshteinDistance(a, b));
        EXPECT_EQ(CachedLevenshtein(a).distance(b), reference::LevenshteinDistance(a, b));
        EXPECT_EQ(CachedLevenshtein(b).distance(a), reference::LevenshteinDistance(a, b));
        EXPECT_EQ(OsaDistance(a, b), reference::OsaDistance(a, b));
        EXPECT_EQ(CachedOsa(b).distance(a), reference::OsaDistance(a, b));
        EXPECT_NEAR(JaroWinklerSimilarity(a, b), reference::JaroWinklerSimilarity(a, b), kTol);
        EXPECT_EQ(CachedJaroWinkler(a).similarity(b), JaroWinklerSimilarity(a, b));
        EXPECT_NEAR(JaroWinklerSimilarity(b, a), reference::JaroWinklerSimilarity(b, a), kTol);
        EXPECT_NEAR(JaccardSimilarity(a, b, 2), reference::JaccardSimilarity(a, b, 2), kTol);
        if (HasFailure()) return;
      }
    }
  }
}

}  // namespace
}  // namespace vitalink::link
