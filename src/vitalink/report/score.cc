// Accuracy and progress scores and ranks (docs/BULLETIN.md, "Scores").

#include <algorithm>
#include <cmath>

#include "vitalink/report/bulletin.h"
#include "vitalink/report/format_internal.h"

namespace vitalink::report {
namespace {

double Clamp(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

// Rank `rows` in place by score as shown (one decimal), higher first, ties by code;
// rows without a score get 0.
void RankRows(std::vector<AreaRow>& rows) {
  std::vector<size_t> order;
  order.reserve(rows.size());
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    rows[row_idx].rank = 0;
    if (!std::isnan(rows[row_idx].accuracy_score)) order.push_back(row_idx);
  }
  std::sort(order.begin(), order.end(), [&rows](size_t a, size_t b) {
    const double sa = internal::RoundTo(rows[a].accuracy_score, 1);
    const double sb = internal::RoundTo(rows[b].accuracy_score, 1);
    if (sa != sb) return sa > sb;
    return rows[a].code < rows[b].code;
  });
  for (size_t pos = 0; pos < order.size(); ++pos) rows[order[pos]].rank = static_cast<int>(pos + 1);
}

void ScoreRow(AreaRow& row) {
  row.accuracy_score = AccuracyScore(row);
  row.progress_score = ProgressScore(row);
}

}  // namespace

std::optional<Lang> ParseLang(std::string_view name) {
  if (name == "zh" || name == "zh-CN" || name == "zh_CN") return Lang::kZh;
  if (name == "en") return Lang::kEn;
  return std::nullopt;
}

double AccuracyScore(const AreaRow& row) {
  if (row.register_records <= 0) return kNaN;
  const double items = row.wrong_items_per_100 + row.missing_items_per_100 + row.duplicates_per_100;
  if (std::isnan(items)) return kNaN;
  return Clamp(100.0 - items, 0.0, 100.0);
}

double ProgressScore(const AreaRow& row) {
  double sum = 0.0;
  int terms = 0;
  if (row.previous_accuracy_score && !std::isnan(*row.previous_accuracy_score) &&
      !std::isnan(row.accuracy_score)) {
    sum += row.accuracy_score - *row.previous_accuracy_score;
    ++terms;
  }
  if (row.previous_completeness && !std::isnan(*row.previous_completeness) &&
      !std::isnan(row.completeness)) {
    sum += 100.0 * (Clamp(row.completeness, 0.0, 1.0) - Clamp(*row.previous_completeness, 0.0, 1.0));
    ++terms;
  }
  if (terms == 0) return kNaN;
  return Clamp(sum, -100.0, 100.0);
}

void ScoreAndRank(Bulletin& b) {
  ScoreRow(b.county);
  b.county.rank = 0;
  for (AreaRow& township : b.townships) {
    ScoreRow(township);
    for (AreaRow& village : township.villages) ScoreRow(village);
    RankRows(township.villages);
  }
  RankRows(b.townships);
}

}  // namespace vitalink::report
