#include "vitalink/link/compare/reference/string_metrics_reference.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <set>
#include <vector>

#include "vitalink/common/utf8.h"

namespace vitalink::link::reference {

namespace {

using Matrix = std::vector<std::vector<int64_t>>;

double NormalizedFromDistance(int64_t dist, size_t len1, size_t len2) {
  const size_t maximum = std::max(len1, len2);
  if (maximum == 0) return 1.0;
  return 1.0 - static_cast<double>(dist) / static_cast<double>(maximum);
}

}  // namespace

std::u32string Decode(std::string_view s) {
  std::u32string out;
  size_t pos = 0;
  char32_t cp = 0;
  while (NextCodePoint(s, pos, cp)) out.push_back(cp);
  return out;
}

int64_t LevenshteinDistance(std::u32string_view s1, std::u32string_view s2) {
  const size_t n1 = s1.size();
  const size_t n2 = s2.size();
  Matrix d(n1 + 1, std::vector<int64_t>(n2 + 1, 0));
  for (size_t i = 0; i <= n1; ++i) d[i][0] = static_cast<int64_t>(i);
  for (size_t j = 0; j <= n2; ++j) d[0][j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= n1; ++i) {
    for (size_t j = 1; j <= n2; ++j) {
      const int64_t cost = s1[i - 1] == s2[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
    }
  }
  return d[n1][n2];
}

double LevenshteinNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2) {
  return NormalizedFromDistance(LevenshteinDistance(s1, s2), s1.size(), s2.size());
}

int64_t OsaDistance(std::u32string_view s1, std::u32string_view s2) {
  const size_t n1 = s1.size();
  const size_t n2 = s2.size();
  Matrix d(n1 + 1, std::vector<int64_t>(n2 + 1, 0));
  for (size_t i = 0; i <= n1; ++i) d[i][0] = static_cast<int64_t>(i);
  for (size_t j = 0; j <= n2; ++j) d[0][j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= n1; ++i) {
    for (size_t j = 1; j <= n2; ++j) {
      const int64_t cost = s1[i - 1] == s2[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && s1[i - 1] == s2[j - 2] && s1[i - 2] == s2[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n1][n2];
}

double OsaNormalizedSimilarity(std::u32string_view s1, std::u32string_view s2) {
  return NormalizedFromDistance(OsaDistance(s1, s2), s1.size(), s2.size());
}

int64_t DamerauLevenshteinDistance(std::u32string_view s1, std::u32string_view s2) {
  // Lowrance–Wagner with the extra border row/column holding "infinity".
  const size_t n1 = s1.size();
  const size_t n2 = s2.size();
  const int64_t inf = static_cast<int64_t>(n1 + n2);
  Matrix d(n1 + 2, std::vector<int64_t>(n2 + 2, 0));
  d[0][0] = inf;
  for (size_t i = 0; i <= n1; ++i) {
    d[i + 1][0] = inf;
    d[i + 1][1] = static_cast<int64_t>(i);
  }
  for (size_t j = 0; j <= n2; ++j) {
    d[0][j + 1] = inf;
    d[1][j + 1] = static_cast<int64_t>(j);
  }
  std::map<char32_t, size_t> last_row;  // last row (1-based) where a character occurred in s1
  for (size_t i = 1; i <= n1; ++i) {
    size_t last_match_col = 0;
    for (size_t j = 1; j <= n2; ++j) {
      const auto it = last_row.find(s2[j - 1]);
      const size_t i1 = it == last_row.end() ? 0 : it->second;
      const size_t j1 = last_match_col;
      int64_t cost = 1;
      if (s1[i - 1] == s2[j - 1]) {
        cost = 0;
        last_match_col = j;
      }
      d[i + 1][j + 1] = std::min({d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1,
                                  d[i1][j1] + static_cast<int64_t>(i - i1 - 1) + 1 +
                                      static_cast<int64_t>(j - j1 - 1)});
    }
    last_row[s1[i - 1]] = i;
  }
  return d[n1 + 1][n2 + 1];
}

double JaroSimilarity(std::u32string_view s1, std::u32string_view s2) {
  const size_t n1 = s1.size();
  const size_t n2 = s2.size();
  if (n1 == 0 && n2 == 0) return 1.0;
  if (n1 == 0 || n2 == 0) return 0.0;
  const int64_t window = std::max<int64_t>(0, static_cast<int64_t>(std::max(n1, n2)) / 2 - 1);
  std::vector<bool> matched1(n1, false);
  std::vector<bool> matched2(n2, false);
  int64_t matches = 0;
  for (size_t j = 0; j < n2; ++j) {
    for (size_t i = 0; i < n1; ++i) {
      const int64_t gap = static_cast<int64_t>(i) - static_cast<int64_t>(j);
      if (gap < -window || gap > window) continue;
      if (!matched1[i] && s1[i] == s2[j]) {
        matched1[i] = true;
        matched2[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  std::u32string order1;
  std::u32string order2;
  for (size_t i = 0; i < n1; ++i) {
    if (matched1[i]) order1.push_back(s1[i]);
  }
  for (size_t j = 0; j < n2; ++j) {
    if (matched2[j]) order2.push_back(s2[j]);
  }
  int64_t out_of_order = 0;
  for (size_t k = 0; k < order1.size(); ++k) out_of_order += order1[k] != order2[k] ? 1 : 0;
  const int64_t t = out_of_order / 2;
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(n1) + m / static_cast<double>(n2) +
          static_cast<double>(matches - t) / m) /
         3.0;
}

double JaroWinklerSimilarity(std::u32string_view s1, std::u32string_view s2,
                             double prefix_weight) {
  const double jaro = JaroSimilarity(s1, s2);
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  while (prefix < 4 && prefix < s1.size() && prefix < s2.size() && s1[prefix] == s2[prefix]) {
    ++prefix;
  }
  return jaro + static_cast<double>(prefix) * prefix_weight * (1.0 - jaro);
}

double JaccardSimilarity(std::u32string_view s1, std::u32string_view s2, int q) {
  const auto grams = [q](std::u32string_view s) {
    std::set<std::u32string> out;
    const size_t width = static_cast<size_t>(q);
    for (size_t i = 0; i + width <= s.size(); ++i) out.emplace(s.substr(i, width));
    return out;
  };
  const std::set<std::u32string> a = grams(s1);
  const std::set<std::u32string> b = grams(s2);
  if (a.empty() && b.empty()) return s1 == s2 ? 1.0 : 0.0;
  size_t common = 0;
  for (const auto& g : a) common += b.count(g);
  const size_t total = a.size() + b.size() - common;
  return static_cast<double>(common) / static_cast<double>(total);
}

}  // namespace vitalink::link::reference
