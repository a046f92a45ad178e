// Pairs per second of the string metrics on short names, the shape of the
// comparison inner loop: (0) FEBRL-like ASCII surnames and given names of 4–10
// letters, (1) Chinese names of 2–3 characters. Each metric runs one-shot on
// UTF-8, on pre-decoded code-point arrays, and through a cached scorer (one
// left value against many right values, as in a block).
//
//   string_metrics_benchmark --benchmark_min_time=0.2s
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "vitalink/link/compare/string_metrics.h"

namespace vitalink::link {
namespace {

constexpr size_t kPairs = 4096;
constexpr size_t kLeft = 64;  // distinct left values (cached scorers) per block

struct PairSet {
  std::vector<std::string> left;
  std::vector<std::string> right;
  std::vector<std::u32string> left_cp;
  std::vector<std::u32string> right_cp;
};

// Half of the right values are typo'd copies of their left value, half are
// another name: blocks hold both.
PairSet MakePairs(bool chinese) {
  static const std::vector<std::string> kAsciiNames = {
      "smith",   "johnson",  "williams", "brown",   "jones",    "miller",  "davis",
      "wilson",  "anderson", "taylor",   "thomas",  "moore",    "martin",  "jackson",
      "thompson", "white",   "harris",   "clarke",  "campbell", "kelly",   "ryan",
      "nguyen",  "walker",   "robinson", "james",   "michael",  "sarah",   "jessica",
      "joshua",  "lachlan",  "chloe",    "emily",   "olivia",   "benjamin", "matthew",
      "daniel",  "hannah",   "rebecca",  "samuel",  "georgia",  "connor",  "isabella"};
  static const std::vector<std::u32string> kSurnames = {
      U"王", U"李", U"张", U"刘", U"陈", U"杨", U"黄", U"赵", U"吴", U"周",
      U"徐", U"孙", U"马", U"朱", U"胡", U"郭", U"何", U"高", U"林", U"罗"};
  static const std::u32string kGiven = U"伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂";
  std::mt19937 rng(42);
  const auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const auto make_name = [&]() -> std::u32string {
    if (!chinese) {
      const std::string& s = kAsciiNames[pick(kAsciiNames.size())];
      return std::u32string(s.begin(), s.end());
    }
    std::u32string name = kSurnames[pick(kSurnames.size())];
    const size_t given = 1 + pick(2);
    for (size_t idx = 0; idx < given; ++idx) name += kGiven[pick(kGiven.size())];
    return name;
  };
  const auto typo = [&](std::u32string s) {
    const size_t pos = pick(s.size());
    switch (pick(3)) {
      case 0:
        s[pos] = chinese ? kGiven[pick(kGiven.size())] : static_cast<char32_t>(U'a' + pick(26));
        break;
      case 1:
        if (pos + 1 < s.size()) std::swap(s[pos], s[pos + 1]);
        break;
      default:
        if (s.size() > 2) s.erase(pos, 1);
        break;
    }
    return s;
  };
  PairSet set;
  std::vector<std::u32string> lefts;
  for (size_t idx = 0; idx < kLeft; ++idx) lefts.push_back(make_name());
  for (size_t pair_idx = 0; pair_idx < kPairs; ++pair_idx) {
    const std::u32string& left = lefts[pair_idx % kLeft];
    const std::u32string right = pick(2) == 0 ? typo(left) : make_name();
    set.left_cp.push_back(left);
    set.right_cp.push_back(right);
  }
  const auto utf8 = [](const std::u32string& s) {
    std::string out;
    for (const char32_t c : s) {
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
      } else {  // the names above are all in the BMP
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    return out;
  };
  for (size_t idx = 0; idx < kPairs; ++idx) {
    set.left.push_back(utf8(set.left_cp[idx]));
    set.right.push_back(utf8(set.right_cp[idx]));
  }
  return set;
}

const PairSet& Pairs(int64_t dataset) {
  static const PairSet kAscii = MakePairs(false);
  static const PairSet kChinese = MakePairs(true);
  return dataset == 0 ? kAscii : kChinese;
}

void SetLabel(benchmark::State& state) {
  state.SetLabel(state.range(0) == 0 ? "ascii names" : "chinese names");
  state.SetItemsProcessed(state.iterations());
}

// Run `fn(pair_idx)` once per iteration over the pair set.
template <typename Fn>
void RunPairs(benchmark::State& state, Fn&& fn) {
  size_t pair_idx = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(pair_idx));
    if (++pair_idx == kPairs) pair_idx = 0;
  }
  SetLabel(state);
}

void BM_JaroWinklerOneShotUtf8(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  RunPairs(state, [&](size_t i) { return JaroWinklerSimilarity(set.left[i], set.right[i]); });
}

void BM_JaroWinklerCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  RunPairs(state, [&](size_t i) {
    return JaroWinklerSimilarity(std::u32string_view(set.left_cp[i]), set.right_cp[i]);
  });
}

void BM_JaroWinklerCachedUtf8(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedJaroWinkler> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].similarity(std::string_view(set.right[i]));
  });
}

void BM_JaroWinklerCachedCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedJaroWinkler> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].similarity(std::u32string_view(set.right_cp[i]));
  });
}

void BM_LevenshteinOneShotUtf8(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  RunPairs(state, [&](size_t i) { return LevenshteinDistance(set.left[i], set.right[i]); });
}

void BM_LevenshteinCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  RunPairs(state, [&](size_t i) {
    return LevenshteinDistance(std::u32string_view(set.left_cp[i]), set.right_cp[i]);
  });
}

void BM_LevenshteinCachedUtf8(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedLevenshtein> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].distance(std::string_view(set.right[i]));
  });
}

void BM_LevenshteinCachedCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedLevenshtein> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].distance(std::u32string_view(set.right_cp[i]));
  });
}

void BM_LevenshteinNormalizedCachedCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedLevenshtein> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].normalized_similarity(std::u32string_view(set.right_cp[i]), 0.8);
  });
}

void BM_OsaCachedCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  std::vector<CachedOsa> scorers;
  for (size_t idx = 0; idx < kLeft; ++idx) scorers.emplace_back(set.left[idx]);
  RunPairs(state, [&](size_t i) {
    return scorers[i % kLeft].distance(std::u32string_view(set.right_cp[i]));
  });
}

void BM_JaccardBigramCodePoints(benchmark::State& state) {
  const PairSet& set = Pairs(state.range(0));
  RunPairs(state, [&](size_t i) {
    return JaccardSimilarity(std::u32string_view(set.left_cp[i]), set.right_cp[i], 2);
  });
}

BENCHMARK(BM_JaroWinklerOneShotUtf8)->Arg(0)->Arg(1);
BENCHMARK(BM_JaroWinklerCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_JaroWinklerCachedUtf8)->Arg(0)->Arg(1);
BENCHMARK(BM_JaroWinklerCachedCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinOneShotUtf8)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinCachedUtf8)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinCachedCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinNormalizedCachedCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_OsaCachedCodePoints)->Arg(0)->Arg(1);
BENCHMARK(BM_JaccardBigramCodePoints)->Arg(0)->Arg(1);

}  // namespace
}  // namespace vitalink::link

BENCHMARK_MAIN();
