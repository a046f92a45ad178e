#include "vitalink/link/compare/string_metrics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/common/utf8.h"

namespace vitalink::link {

namespace {

constexpr size_t kWordBits = 64;

// ---------------------------------------------------------------------------
// Decoding.

// Decode code points of `utf8` from `pos` into `out` until `capacity` are
// written or the input ends; return how many were written.
size_t DecodeInto(std::string_view utf8, size_t& pos, char32_t* out, size_t capacity) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  size_t count = 0;
  while (pos < n && count < capacity) {
    const unsigned char c = bytes[pos];
    if (c < 0x80) {
      out[count++] = c;
      ++pos;
    } else {
      char32_t cp = 0;
      NextCodePoint(utf8, pos, cp);
      out[count++] = cp;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------
// Pattern match vectors: PM[c] has bit i set when pattern[i] == c (Myers 1999).

// Fibonacci hashing of a code point onto 2^bits slots.
inline size_t HashSlot(char32_t c, int shift) {
  return static_cast<size_t>((static_cast<uint32_t>(c) * 0x9E3779B1u) >> shift);
}

// A one-shot pattern map sized to the pattern (at least twice as many slots as
// code points, so linear probing stays short): only the slots in use are
// cleared, which keeps building it cheap for 2–10 character names.
class SmallPatternMap {
 public:
  explicit SmallPatternMap(std::u32string_view pattern) {
    VL_DCHECK(pattern.size() <= kWordBits);
    int bits = 3;
    while ((size_t{1} << bits) < 2 * pattern.size()) ++bits;
    slot_mask_ = (size_t{1} << bits) - 1;
    shift_ = 32 - bits;
    std::memset(masks_, 0, (slot_mask_ + 1) * sizeof(uint64_t));
    for (size_t idx = 0; idx < pattern.size(); ++idx) Insert(pattern[idx], uint64_t{1} << idx);
  }

  uint64_t Get(char32_t c) const {
    size_t slot = HashSlot(c, shift_);
    while (true) {
      const uint64_t mask = masks_[slot];
      if (mask == 0 || keys_[slot] == c) return mask;
      slot = (slot + 1) & slot_mask_;
    }
  }

 private:
  void Insert(char32_t c, uint64_t bit) {
    size_t slot = HashSlot(c, shift_);
    while (masks_[slot] != 0 && keys_[slot] != c) slot = (slot + 1) & slot_mask_;
    keys_[slot] = c;
    masks_[slot] |= bit;
  }

  char32_t keys_[2 * kWordBits];
  uint64_t masks_[2 * kWordBits];
  size_t slot_mask_ = 0;
  int shift_ = 0;
};

constexpr int kPmShift = 32 - 7;  // 128 slots
static_assert(internal::PatternMatchVector::kSlots == 128);

inline uint64_t PmGet(const internal::PatternMatchVector& pm, char32_t c) {
  if (c < 128) return pm.ascii[c];
  size_t slot = HashSlot(c, kPmShift);
  while (true) {
    const uint64_t mask = pm.masks[slot];
    if (mask == 0 || pm.keys[slot] == c) return mask;
    slot = (slot + 1) & (internal::PatternMatchVector::kSlots - 1);
  }
}

// Adapter so kernels take either map through the same `Get`.
struct CachedPm {
  const internal::PatternMatchVector& pm;
  uint64_t Get(char32_t c) const { return PmGet(pm, c); }
};

// ---------------------------------------------------------------------------
// Shared helpers.

inline int64_t Len(std::u32string_view s) { return static_cast<int64_t>(s.size()); }

inline int64_t CapDistance(int64_t dist, int64_t score_cutoff) {
  return dist <= score_cutoff ? dist : score_cutoff + 1;
}

// Drop the common prefix and suffix: they are matched for free in some optimal
// Levenshtein or OSA alignment.
void StripCommonAffix(std::u32string_view& a, std::u32string_view& b) {
  size_t prefix = 0;
  const size_t shortest = std::min(a.size(), b.size());
  while (prefix < shortest && a[prefix] == b[prefix]) ++prefix;
  a.remove_prefix(prefix);
  b.remove_prefix(prefix);
  size_t suffix = 0;
  const size_t rest = std::min(a.size(), b.size());
  while (suffix < rest && a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) ++suffix;
  a.remove_suffix(suffix);
  b.remove_suffix(suffix);
}

// Normalized similarity 1 - d / max(|s1|, |s2|) from a distance function
// taking a distance cutoff. The cutoff handed down is the largest distance
// that could still reach score_cutoff, so kernels may stop early; the final
// comparison is the same for every entry point, which keeps them identical.
template <typename DistanceFn>
double NormalizedSimilarity(int64_t len1, int64_t len2, double score_cutoff,
                            DistanceFn&& distance_fn) {
  const int64_t maximum = std::max(len1, len2);
  if (maximum == 0) return 1.0 >= score_cutoff ? 1.0 : 0.0;
  if (score_cutoff > 1.0) return 0.0;
  int64_t dist_cutoff = maximum;
  if (score_cutoff > 0) {
    const double allowed = std::ceil((1.0 - score_cutoff) * static_cast<double>(maximum));
    dist_cutoff = std::min(maximum, static_cast<int64_t>(allowed));
  }
  const int64_t dist = distance_fn(dist_cutoff);
  const double sim = 1.0 - static_cast<double>(dist) / static_cast<double>(maximum);
  return sim >= score_cutoff ? sim : 0.0;
}

// ---------------------------------------------------------------------------
// Levenshtein.

// Myers (1999) bit-vector algorithm in Hyyrö's (2003) formulation: column j of
// the DP matrix is held as vertical deltas VP/VN (+1/-1) over the m pattern
// rows; `score` tracks D[m][j]. Requires 1 <= m <= 64; any text length.
template <typename Pm>
int64_t LevenshteinHyyro(const Pm& pm, int64_t m, std::u32string_view text) {
  uint64_t vp = ~uint64_t{0};
  uint64_t vn = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  int64_t score = m;
  for (const char32_t c : text) {
    const uint64_t x = pm.Get(c) | vn;
    const uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = vp & d0;
    score += (hp & last) != 0 ? 1 : 0;
    score -= (hn & last) != 0 ? 1 : 0;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
  }
  return score;
}

// Row DP restricted to the diagonal band |i - j| <= k (Ukkonen 1985): cells
// outside hold k + 1, which stands for "more than k". Requires |a| <= |b|,
// |b| - |a| <= k. Returns the distance, or k + 1 when it exceeds k.
int64_t LevenshteinBanded(std::u32string_view a, std::u32string_view b, int64_t k) {
  const int64_t n_a = Len(a);
  const int64_t n_b = Len(b);
  k = std::min(k, n_b);
  const int64_t inf = k + 1;
  std::vector<int64_t> prev(static_cast<size_t>(n_b + 2));
  std::vector<int64_t> cur(static_cast<size_t>(n_b + 2));
  for (int64_t col = 0; col <= n_b + 1; ++col) prev[static_cast<size_t>(col)] = std::min(col, inf);
  for (int64_t row = 1; row <= n_a; ++row) {
    const int64_t lo = std::max<int64_t>(1, row - k);
    const int64_t hi = std::min(n_b, row + k);
    cur[static_cast<size_t>(lo - 1)] = lo == 1 ? std::min(row, inf) : inf;
    int64_t row_min = cur[static_cast<size_t>(lo - 1)];
    const char32_t ca = a[static_cast<size_t>(row - 1)];
    for (int64_t col = lo; col <= hi; ++col) {
      const auto c = static_cast<size_t>(col);
      const int64_t diag = prev[c - 1] + (ca == b[c - 1] ? 0 : 1);
      const int64_t v = std::min({diag, prev[c] + 1, cur[c - 1] + 1, inf});
      cur[c] = v;
      row_min = std::min(row_min, v);
    }
    cur[static_cast<size_t>(hi + 1)] = inf;
    // Every path to the last cell crosses this row, so it cannot get cheaper.
    if (row_min > k) return inf;
    std::swap(prev, cur);
  }
  return prev[static_cast<size_t>(n_b)];
}

int64_t LevenshteinOneShot(std::u32string_view s1, std::u32string_view s2, int64_t score_cutoff) {
  if (score_cutoff < 0) return score_cutoff + 1;  // every distance exceeds it
  std::u32string_view a = s1.size() <= s2.size() ? s1 : s2;
  std::u32string_view b = s1.size() <= s2.size() ? s2 : s1;
  if (Len(b) - Len(a) > score_cutoff) return score_cutoff + 1;
  StripCommonAffix(a, b);
  if (a.empty()) return CapDistance(Len(b), score_cutoff);
  if (score_cutoff == 0) return 1;  // not equal after stripping
  int64_t dist;
  if (a.size() <= kWordBits) {
    const SmallPatternMap pm(a);
    dist = LevenshteinHyyro(pm, Len(a), b);
  } else {
    dist = LevenshteinBanded(a, b, score_cutoff);
  }
  return CapDistance(dist, score_cutoff);
}

// ---------------------------------------------------------------------------
// Optimal string alignment.

// Hyyrö (2003), Levenshtein kernel extended with the transposition vector
// TR = (((~D0) & PM_j) << 1) & PM_{j-1}: rows where the previous text code
// point matches here and this one matched one row up. Requires 1 <= m <= 64.
template <typename Pm>
int64_t OsaHyyro(const Pm& pm, int64_t m, std::u32string_view text) {
  uint64_t vp = ~uint64_t{0};
  uint64_t vn = 0;
  uint64_t d0 = 0;
  uint64_t pm_prev = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  int64_t score = m;
  for (const char32_t c : text) {
    const uint64_t pm_j = pm.Get(c);
    const uint64_t tr = (((~d0) & pm_j) << 1) & pm_prev;
    d0 = (((pm_j & vp) + vp) ^ vp) | pm_j | vn | tr;
    uint64_t hp = vn | ~(d0 | vp);
    uint64_t hn = d0 & vp;
    score += (hp & last) != 0 ? 1 : 0;
    score -= (hn & last) != 0 ? 1 : 0;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
    pm_prev = pm_j;
  }
  return score;
}

// The OSA recurrence over three rolling rows.
int64_t OsaRows(std::u32string_view a, std::u32string_view b) {
  const size_t n_b = b.size();
  std::vector<int64_t> prev2(n_b + 1);
  std::vector<int64_t> prev(n_b + 1);
  std::vector<int64_t> cur(n_b + 1);
  for (size_t col = 0; col <= n_b; ++col) prev[col] = static_cast<int64_t>(col);
  for (size_t row = 1; row <= a.size(); ++row) {
    cur[0] = static_cast<int64_t>(row);
    for (size_t col = 1; col <= n_b; ++col) {
      const int64_t cost = a[row - 1] == b[col - 1] ? 0 : 1;
      int64_t v = std::min({prev[col] + 1, cur[col - 1] + 1, prev[col - 1] + cost});
      if (row > 1 && col > 1 && a[row - 1] == b[col - 2] && a[row - 2] == b[col - 1]) {
        v = std::min(v, prev2[col - 2] + 1);
      }
      cur[col] = v;
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[n_b];
}

int64_t OsaOneShot(std::u32string_view s1, std::u32string_view s2, int64_t score_cutoff) {
  if (score_cutoff < 0) return score_cutoff + 1;
  std::u32string_view a = s1.size() <= s2.size() ? s1 : s2;
  std::u32string_view b = s1.size() <= s2.size() ? s2 : s1;
  if (Len(b) - Len(a) > score_cutoff) return score_cutoff + 1;
  StripCommonAffix(a, b);
  if (a.empty()) return CapDistance(Len(b), score_cutoff);
  if (score_cutoff == 0) return 1;
  int64_t dist;
  if (a.size() <= kWordBits) {
    const SmallPatternMap pm(a);
    dist = OsaHyyro(pm, Len(a), b);
  } else {
    dist = OsaRows(a, b);
  }
  return CapDistance(dist, score_cutoff);
}

// ---------------------------------------------------------------------------
// Jaro and Jaro–Winkler.

struct JaroCounts {
  int64_t matches = 0;
  int64_t transpositions = 0;  // already halved
};

inline int64_t JaroWindow(int64_t n1, int64_t n2) {
  return std::max<int64_t>(0, std::max(n1, n2) / 2 - 1);
}

inline double JaroFromCounts(JaroCounts counts, int64_t n1, int64_t n2) {
  if (counts.matches == 0) return 0.0;
  const double m = static_cast<double>(counts.matches);
  return (m / static_cast<double>(n1) + m / static_cast<double>(n2) +
          static_cast<double>(counts.matches - counts.transpositions) / m) /
         3.0;
}

inline double WinklerBoost(double jaro, int64_t prefix, double prefix_weight) {
  if (jaro <= kJaroWinklerBoostThreshold) return jaro;
  return jaro + static_cast<double>(prefix) * prefix_weight * (1.0 - jaro);
}

inline int64_t CommonPrefix(std::u32string_view s1, std::u32string_view s2, size_t limit) {
  const size_t bound = std::min({s1.size(), s2.size(), limit});
  size_t prefix = 0;
  while (prefix < bound && s1[prefix] == s2[prefix]) ++prefix;
  return static_cast<int64_t>(prefix);
}

// Bit-parallel matching (the flagging scheme of RapidFuzz's jaro kernel):
// `bound` holds the window of s1 rows around text position j; the lowest
// unflagged s1 row whose code point equals text[j] becomes its match, which is
// exactly the classic greedy scan. Requires 1 <= n1, |text| <= 64.
template <typename Pm>
JaroCounts JaroBitParallel(const Pm& pm, int64_t n1, std::u32string_view text) {
  const int64_t n2 = Len(text);
  const int64_t window = JaroWindow(n1, n2);
  uint64_t text_pm[kWordBits];
  uint64_t s1_flag = 0;
  uint64_t text_flag = 0;
  uint64_t bound = (uint64_t{1} << (window + 1)) - 1;  // window <= 31
  for (int64_t j = 0; j < n2; ++j) {
    const uint64_t pm_j = pm.Get(text[static_cast<size_t>(j)]);
    text_pm[j] = pm_j;
    const uint64_t candidates = pm_j & bound & ~s1_flag;
    if (candidates != 0) {
      s1_flag |= candidates & (0 - candidates);
      text_flag |= uint64_t{1} << j;
    }
    bound = j < window ? (bound << 1) | 1 : bound << 1;
  }
  JaroCounts counts;
  counts.matches = std::popcount(s1_flag);
  if (counts.matches == 0) return counts;
  // Walk matched text positions and matched s1 rows in order, side by side.
  int64_t out_of_order = 0;
  uint64_t rows = s1_flag;
  while (text_flag != 0) {
    const int j = std::countr_zero(text_flag);
    text_flag &= text_flag - 1;
    const uint64_t row_bit = rows & (0 - rows);
    rows ^= row_bit;
    out_of_order += (text_pm[j] & row_bit) == 0 ? 1 : 0;
  }
  counts.transpositions = out_of_order / 2;
  return counts;
}

// The same matching as a scalar loop, for strings longer than 64 code points.
JaroCounts JaroScalar(std::u32string_view s1, std::u32string_view s2) {
  const int64_t n1 = Len(s1);
  const int64_t n2 = Len(s2);
  const int64_t window = JaroWindow(n1, n2);
  std::vector<uint8_t> flag1(s1.size(), 0);
  std::vector<uint8_t> flag2(s2.size(), 0);
  JaroCounts counts;
  for (int64_t j = 0; j < n2; ++j) {
    const int64_t lo = std::max<int64_t>(0, j - window);
    const int64_t hi = std::min(n1 - 1, j + window);
    const char32_t c = s2[static_cast<size_t>(j)];
    for (int64_t i = lo; i <= hi; ++i) {
      const auto row = static_cast<size_t>(i);
      if (flag1[row] == 0 && s1[row] == c) {
        flag1[row] = 1;
        flag2[static_cast<size_t>(j)] = 1;
        ++counts.matches;
        break;
      }
    }
  }
  if (counts.matches == 0) return counts;
  int64_t out_of_order = 0;
  size_t row = 0;
  for (size_t col = 0; col < s2.size(); ++col) {
    if (flag2[col] == 0) continue;
    while (flag1[row] == 0) ++row;
    out_of_order += s1[row] != s2[col] ? 1 : 0;
    ++row;
  }
  counts.transpositions = out_of_order / 2;
  return counts;
}

// Jaro–Winkler on code points; `cached` is s1's match vector when available.
double JaroWinklerImpl(std::u32string_view s1, std::u32string_view s2, double prefix_weight,
                       double score_cutoff, const internal::PatternMatchVector* cached) {
  VL_DCHECK(prefix_weight >= 0 && prefix_weight <= 0.25);
  const int64_t n1 = Len(s1);
  const int64_t n2 = Len(s2);
  if (n1 == 0 || n2 == 0) {
    const double sim = n1 == n2 ? 1.0 : 0.0;
    return sim >= score_cutoff ? sim : 0.0;
  }
  const int64_t prefix = CommonPrefix(s1, s2, kJaroWinklerMaxPrefix);
  if (score_cutoff > 0) {
    // At most min(n1, n2) matches and no transpositions; the slack absorbs
    // rounding so the filter never drops a pair that would pass.
    const JaroCounts best{std::min(n1, n2), 0};
    const double upper = WinklerBoost(JaroFromCounts(best, n1, n2), prefix, prefix_weight);
    if (upper + 1e-9 < score_cutoff) return 0.0;
  }
  JaroCounts counts;
  if (s1.size() <= kWordBits && s2.size() <= kWordBits) {
    if (cached != nullptr) {
      counts = JaroBitParallel(CachedPm{*cached}, n1, s2);
    } else {
      counts = JaroBitParallel(SmallPatternMap(s1), n1, s2);
    }
  } else {
    counts = JaroScalar(s1, s2);
  }
  const double sim = WinklerBoost(JaroFromCounts(counts, n1, n2), prefix, prefix_weight);
  return sim >= score_cutoff ? sim : 0.0;
}

// ---------------------------------------------------------------------------
// Jaccard.

// Sort, deduplicate and return the new size. Names give a handful of q-grams,
// where a plain insertion sort beats std::sort's dispatch.
template <typename T>
size_t SortUnique(T* keys, size_t n) {
  if (n <= 16) {
    for (size_t idx = 1; idx < n; ++idx) {
      T key = keys[idx];
      size_t pos = idx;
      while (pos > 0 && key < keys[pos - 1]) {
        keys[pos] = keys[pos - 1];
        --pos;
      }
      keys[pos] = key;
    }
  } else {
    std::sort(keys, keys + n);
  }
  return static_cast<size_t>(std::unique(keys, keys + n) - keys);
}

template <typename T>
size_t CountCommon(const T* a, size_t n_a, const T* b, size_t n_b) {
  size_t i = 0;
  size_t j = 0;
  size_t common = 0;
  while (i < n_a && j < n_b) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

// A q-gram is the code point itself (q == 1) or two packed into 64 bits
// (q == 2): exact keys, cheap to sort.
template <typename Key>
Key GramKey(std::u32string_view s, size_t pos) {
  if constexpr (sizeof(Key) == 4) {
    return static_cast<Key>(s[pos]);
  } else {
    return (static_cast<uint64_t>(s[pos]) << 32) | static_cast<uint64_t>(s[pos + 1]);
  }
}

template <typename Key>
std::pair<size_t, size_t> JaccardPacked(std::u32string_view s1, std::u32string_view s2,
                                        size_t q) {
  const size_t g1 = s1.size() + 1 - q;
  const size_t g2 = s2.size() + 1 - q;
  Key stack_keys[2 * kWordBits];
  std::vector<Key> heap_keys;
  Key* keys = stack_keys;
  if (g1 + g2 > 2 * kWordBits) {
    heap_keys.resize(g1 + g2);
    keys = heap_keys.data();
  }
  for (size_t pos = 0; pos < g1; ++pos) keys[pos] = GramKey<Key>(s1, pos);
  for (size_t pos = 0; pos < g2; ++pos) keys[g1 + pos] = GramKey<Key>(s2, pos);
  if (g1 <= 16 && g2 <= 16) {
    // Few q-grams (names): branch-free quadratic scans beat sorting.
    const Key* a = keys;
    const Key* b = keys + g1;
    size_t u1 = 0;
    size_t u2 = 0;
    size_t common = 0;
    for (size_t i = 0; i < g1; ++i) {
      bool seen = false;
      for (size_t k = 0; k < i; ++k) seen |= a[k] == a[i];
      bool in_b = false;
      for (size_t j = 0; j < g2; ++j) in_b |= b[j] == a[i];
      u1 += seen ? 0 : 1;
      common += !seen && in_b ? 1 : 0;
    }
    for (size_t j = 0; j < g2; ++j) {
      bool seen = false;
      for (size_t k = 0; k < j; ++k) seen |= b[k] == b[j];
      u2 += seen ? 0 : 1;
    }
    return {common, u1 + u2 - common};
  }
  const size_t u1 = SortUnique(keys, g1);
  const size_t u2 = SortUnique(keys + g1, g2);
  const size_t common = CountCommon(keys, u1, keys + g1, u2);
  return {common, u1 + u2 - common};
}

// q >= 3: q-grams as views, compared lexicographically.
std::pair<size_t, size_t> JaccardViews(std::u32string_view s1, std::u32string_view s2,
                                       size_t q) {
  std::vector<std::u32string_view> a;
  std::vector<std::u32string_view> b;
  for (size_t pos = 0; pos + q <= s1.size(); ++pos) a.push_back(s1.substr(pos, q));
  for (size_t pos = 0; pos + q <= s2.size(); ++pos) b.push_back(s2.substr(pos, q));
  const size_t u1 = SortUnique(a.data(), a.size());
  const size_t u2 = SortUnique(b.data(), b.size());
  const size_t common = CountCommon(a.data(), u1, b.data(), u2);
  return {common, u1 + u2 - common};
}

}  // namespace

// ---------------------------------------------------------------------------
// CodePointBuffer.

void CodePointBuffer::Assign(std::string_view utf8) {
  size_t pos = 0;
  size_ = DecodeInto(utf8, pos, inline_, kInlineCapacity);
  data_ = inline_;
  if (pos == utf8.size()) return;
  // Each remaining code point takes at least one byte.
  const size_t capacity = kInlineCapacity + (utf8.size() - pos);
  if (heap_capacity_ < capacity) {
    heap_ = std::make_unique<char32_t[]>(capacity);
    heap_capacity_ = capacity;
  }
  std::memcpy(heap_.get(), inline_, size_ * sizeof(char32_t));
  size_ += DecodeInto(utf8, pos, heap_.get() + size_, capacity - size_);
  data_ = heap_.get();
}

std::u32string DecodeCodePoints(std::string_view utf8) {
  const CodePointBuffer buffer(utf8);
  return std::u32string(buffer.view());
}

// ---------------------------------------------------------------------------
// Levenshtein.

int64_t LevenshteinDistance(std::u32string_view s1, std::u32string_view s2,
                            int64_t score_cutoff) {
  return LevenshteinOneShot(s1, s2, score_cutoff);
}

int64_t LevenshteinDistance(std::string_view s1, std::string_view s2, int64_t score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return LevenshteinOneShot(a.view(), b.view(), score_cutoff);
}

double LevenshteinNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2,
                                       double score_cutoff) {
  return NormalizedSimilarity(Len(s1), Len(s2), score_cutoff, [&](int64_t dist_cutoff) {
    return LevenshteinOneShot(s1, s2, dist_cutoff);
  });
}

double LevenshteinNormalizedSimilarity(std::string_view s1, std::string_view s2,
                                       double score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return LevenshteinNormalizedSimilarity(a.view(), b.view(), score_cutoff);
}

// ---------------------------------------------------------------------------
// OSA.

int64_t OsaDistance(std::u32string_view s1, std::u32string_view s2, int64_t score_cutoff) {
  return OsaOneShot(s1, s2, score_cutoff);
}

int64_t OsaDistance(std::string_view s1, std::string_view s2, int64_t score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return OsaOneShot(a.view(), b.view(), score_cutoff);
}

double OsaNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2,
                               double score_cutoff) {
  return NormalizedSimilarity(Len(s1), Len(s2), score_cutoff, [&](int64_t dist_cutoff) {
    return OsaOneShot(s1, s2, dist_cutoff);
  });
}

double OsaNormalizedSimilarity(std::string_view s1, std::string_view s2, double score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return OsaNormalizedSimilarity(a.view(), b.view(), score_cutoff);
}

// ---------------------------------------------------------------------------
// Jaro and Jaro–Winkler.

double JaroSimilarity(std::u32string_view s1, std::u32string_view s2, double score_cutoff) {
  return JaroWinklerImpl(s1, s2, 0.0, score_cutoff, nullptr);
}

double JaroSimilarity(std::string_view s1, std::string_view s2, double score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return JaroWinklerImpl(a.view(), b.view(), 0.0, score_cutoff, nullptr);
}

double JaroWinklerSimilarity(std::u32string_view s1, std::u32string_view s2,
                             double prefix_weight, double score_cutoff) {
  return JaroWinklerImpl(s1, s2, prefix_weight, score_cutoff, nullptr);
}

double JaroWinklerSimilarity(std::string_view s1, std::string_view s2, double prefix_weight,
                             double score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return JaroWinklerImpl(a.view(), b.view(), prefix_weight, score_cutoff, nullptr);
}

// ---------------------------------------------------------------------------
// Jaccard.

double JaccardSimilarity(std::u32string_view s1, std::u32string_view s2, int q,
                         double score_cutoff) {
  VL_CHECK(q >= 1);
  const auto width = static_cast<size_t>(q);
  double sim;
  if (s1.size() < width && s2.size() < width) {
    sim = s1 == s2 ? 1.0 : 0.0;
  } else if (s1.size() < width || s2.size() < width) {
    sim = 0.0;
  } else {
    std::pair<size_t, size_t> common_total;
    if (width == 1) {
      common_total = JaccardPacked<uint32_t>(s1, s2, width);
    } else if (width == 2) {
      common_total = JaccardPacked<uint64_t>(s1, s2, width);
    } else {
      common_total = JaccardViews(s1, s2, width);
    }
    sim = static_cast<double>(common_total.first) / static_cast<double>(common_total.second);
  }
  return sim >= score_cutoff ? sim : 0.0;
}

double JaccardSimilarity(std::string_view s1, std::string_view s2, int q, double score_cutoff) {
  const CodePointBuffer a(s1);
  const CodePointBuffer b(s2);
  return JaccardSimilarity(a.view(), b.view(), q, score_cutoff);
}

// ---------------------------------------------------------------------------
// Cached scorers.

void internal::PatternMatchVector::Build(std::u32string_view pattern) {
  VL_CHECK(pattern.size() <= kWordBits);
  std::memset(ascii, 0, sizeof(ascii));
  std::memset(keys, 0, sizeof(keys));
  std::memset(masks, 0, sizeof(masks));
  for (size_t idx = 0; idx < pattern.size(); ++idx) {
    const char32_t c = pattern[idx];
    const uint64_t bit = uint64_t{1} << idx;
    if (c < 128) {
      ascii[c] |= bit;
      continue;
    }
    size_t slot = HashSlot(c, kPmShift);
    while (masks[slot] != 0 && keys[slot] != c) slot = (slot + 1) & (kSlots - 1);
    keys[slot] = c;
    masks[slot] |= bit;
  }
}

namespace {

// Build `pm` when the pattern fits one machine word.
void MaybeBuild(internal::PatternMatchVector& pm, std::u32string_view s1) {
  if (!s1.empty() && s1.size() <= kWordBits) pm.Build(s1);
}

}  // namespace

CachedLevenshtein::CachedLevenshtein(std::string_view s1) : s1_(DecodeCodePoints(s1)) {
  MaybeBuild(pm_, s1_);
}

CachedLevenshtein::CachedLevenshtein(std::u32string_view s1) : s1_(s1) { MaybeBuild(pm_, s1_); }

int64_t CachedLevenshtein::distance(std::u32string_view s2, int64_t score_cutoff) const {
  if (s1_.empty() || s1_.size() > kWordBits || score_cutoff < 0) {
    return LevenshteinOneShot(s1_, s2, score_cutoff);
  }
  if (std::abs(Len(s1_) - Len(s2)) > score_cutoff) return score_cutoff + 1;
  return CapDistance(LevenshteinHyyro(CachedPm{pm_}, Len(s1_), s2), score_cutoff);
}

int64_t CachedLevenshtein::distance(std::string_view s2, int64_t score_cutoff) const {
  const CodePointBuffer b(s2);
  return distance(b.view(), score_cutoff);
}

double CachedLevenshtein::normalized_similarity(std::u32string_view s2,
                                                double score_cutoff) const {
  return NormalizedSimilarity(Len(s1_), Len(s2), score_cutoff,
                              [&](int64_t dist_cutoff) { return distance(s2, dist_cutoff); });
}

double CachedLevenshtein::normalized_similarity(std::string_view s2, double score_cutoff) const {
  const CodePointBuffer b(s2);
  return normalized_similarity(b.view(), score_cutoff);
}

CachedOsa::CachedOsa(std::string_view s1) : s1_(DecodeCodePoints(s1)) { MaybeBuild(pm_, s1_); }

CachedOsa::CachedOsa(std::u32string_view s1) : s1_(s1) { MaybeBuild(pm_, s1_); }

int64_t CachedOsa::distance(std::u32string_view s2, int64_t score_cutoff) const {
  if (s1_.empty() || s1_.size() > kWordBits || score_cutoff < 0) {
    return OsaOneShot(s1_, s2, score_cutoff);
  }
  if (std::abs(Len(s1_) - Len(s2)) > score_cutoff) return score_cutoff + 1;
  return CapDistance(OsaHyyro(CachedPm{pm_}, Len(s1_), s2), score_cutoff);
}

int64_t CachedOsa::distance(std::string_view s2, int64_t score_cutoff) const {
  const CodePointBuffer b(s2);
  return distance(b.view(), score_cutoff);
}

double CachedOsa::normalized_similarity(std::u32string_view s2, double score_cutoff) const {
  return NormalizedSimilarity(Len(s1_), Len(s2), score_cutoff,
                              [&](int64_t dist_cutoff) { return distance(s2, dist_cutoff); });
}

double CachedOsa::normalized_similarity(std::string_view s2, double score_cutoff) const {
  const CodePointBuffer b(s2);
  return normalized_similarity(b.view(), score_cutoff);
}

CachedJaroWinkler::CachedJaroWinkler(std::string_view s1, double prefix_weight)
    : s1_(DecodeCodePoints(s1)), prefix_weight_(prefix_weight) {
  MaybeBuild(pm_, s1_);
}

CachedJaroWinkler::CachedJaroWinkler(std::u32string_view s1, double prefix_weight)
    : s1_(s1), prefix_weight_(prefix_weight) {
  MaybeBuild(pm_, s1_);
}

double CachedJaroWinkler::similarity(std::u32string_view s2, double score_cutoff) const {
  const bool has_pm = !s1_.empty() && s1_.size() <= kWordBits;
  return JaroWinklerImpl(s1_, s2, prefix_weight_, score_cutoff, has_pm ? &pm_ : nullptr);
}

double CachedJaroWinkler::similarity(std::string_view s2, double score_cutoff) const {
  const CodePointBuffer b(s2);
  return similarity(b.view(), score_cutoff);
}

}  // namespace vitalink::link
