// Bulletin: the monthly per-township statistics bulletin as plain data, its two
// scores, and its three renderings (self-contained HTML with inline SVG, CSV, JSON).
//
// The report stage computes no statistics: the pipeline fills the rows from the
// estimates, the check findings and the previous run, then
//
//   report::Bulletin b = ...;                 // counts, estimates, rates, previous values
//   report::ScoreAndRank(b);                  // accuracy and progress scores, ranks
//   std::string html = report::RenderHtml(b, report::Lang::kZh);
//   std::string csv  = report::RenderCsv(b, report::Lang::kZh);
//   std::string json = report::RenderJson(b);
//
// Every renderer is a pure function of its input: the same Bulletin gives the same
// bytes (fixed number formats, no locale, no clock). Scores and formats are defined
// in docs/BULLETIN.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vitalink/common/status.h"

namespace vitalink::report {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A two-sided 95% confidence interval. Both ends NaN when nothing was estimated;
/// `high` is +infinity when the likelihood gives no finite upper limit (e.g. no
/// birth was found in both sources).
struct Interval {
  double low = kNaN;
  double high = kNaN;

  /// Return true when the interval was estimated (low is a number).
  bool known() const { return !std::isnan(low) && !std::isnan(high); }
};

/// One area of the bulletin: a township, a village on drill-down, or the county
/// totals. Counts are people or records; NaN means "not available" and is shown
/// as "—" (HTML), an empty field (CSV) or null (JSON).
struct AreaRow {
  /// GB/T 2260 code: 6 digits for the county, 9 for a township, 12 for a village.
  std::string code;
  /// The area's name as registered (any UTF-8; always escaped on output).
  std::string name;
  /// Accepted register records (persons) in the area at the end of the period.
  int64_t register_records = 0;
  /// Births of the period found in the register.
  int64_t registered_births = 0;
  /// Births of the period found in hospital birth reports or the survey but not in
  /// the register: the births to register.
  int64_t births_only_elsewhere = 0;
  /// Estimated true number of births of the period (dual or multiple systems
  /// estimate), with its 95% interval. Persons.
  double estimated_births = kNaN;
  Interval births_ci;
  /// Register completeness for births: registered_births / estimated_births, a
  /// fraction (0.932 is shown as 93.2%), with its 95% interval.
  double completeness = kNaN;
  Interval completeness_ci;
  /// Wrong items (错项: a field present but failing a rule) per 100 register records.
  double wrong_items_per_100 = 0;
  /// Missing items (漏项: a required field blank) per 100 register records.
  double missing_items_per_100 = 0;
  /// Duplicate register records (a second record of the same person) per 100 records.
  double duplicates_per_100 = 0;
  /// Persons registered both here and in another area's register (count of persons).
  int64_t migrant_double_registrations = 0;
  /// Accuracy score in [0, 100], higher is better (set by ScoreAndRank; formula in
  /// AccuracyScore). NaN when the area has no register records.
  double accuracy_score = kNaN;
  /// Progress score in [-100, 100] against the previous run (set by ScoreAndRank;
  /// formula in ProgressScore). NaN without a previous run.
  double progress_score = kNaN;
  /// Rank by accuracy score among its siblings (townships of the county, villages
  /// of a township), 1 = best; 0 = not ranked (no score, or the county row).
  int rank = 0;
  /// The previous run's accuracy score (points) and completeness (fraction), if any.
  std::optional<double> previous_accuracy_score;
  std::optional<double> previous_completeness;
  /// Villages of a township for the drill-down (may be empty; empty for villages).
  std::vector<AreaRow> villages;
};

/// One run in the trend chart.
struct TrendPoint {
  /// The run's label as shown on the axis (e.g. "2026-10").
  std::string run_label;
  /// County completeness of that run, a fraction; NaN if not estimated.
  double completeness = kNaN;
  /// County accuracy score of that run, points; NaN if unknown.
  double accuracy_score = kNaN;
};

/// Everything one bulletin shows. Aggregate only: no person-level data.
struct Bulletin {
  /// The county's 6-digit code and name ("430182", "宁乡市").
  std::string county_code;
  std::string county_name;
  /// The period the births belong to, as shown ("2026-05 — 2026-10").
  std::string period_label;
  /// This run's label (e.g. "2026-10" or a run id).
  std::string run_label;
  /// The run's date, YYYY-MM-DD, taken from the run record, never from the clock.
  std::string generated_on;
  /// Townships in the order the CSV and JSON list them (the HTML sorts by rank).
  std::vector<AreaRow> townships;
  /// County totals (its `villages` are ignored).
  AreaRow county;
  /// Earlier runs, oldest first, then this run.
  std::vector<TrendPoint> trend;
  /// Methods notes shown at the bottom of the page, one paragraph each.
  std::vector<std::string> notes;
};

enum class Lang { kZh, kEn };

/// Return the language named "zh" / "zh-CN" or "en", or nullopt.
std::optional<Lang> ParseLang(std::string_view name);

/// Return the accuracy score of `row`: 100 − (wrong + missing + duplicate items per
/// 100 records), clamped to [0, 100]; NaN when the row has no register records or
/// a rate is NaN.
double AccuracyScore(const AreaRow& row);

/// Return the progress score of `row` against its previous run: the change of the
/// accuracy score (points) plus the change of completeness (percentage points, each
/// completeness first clamped to [0, 100%]), clamped to [-100, 100]. A term counts
/// only when both its current and previous values are numbers; NaN when neither does.
/// Uses row.accuracy_score as the current accuracy.
double ProgressScore(const AreaRow& row);

/// Set accuracy and progress scores of the county, every township and every village,
/// then rank townships within the county and villages within their township: by
/// accuracy score rounded to one decimal (as shown), higher first, ties by code;
/// rows without a score get rank 0. Rows keep their order. O(n log n).
void ScoreAndRank(Bulletin& b);

/// Return the bulletin as one self-contained HTML page: inline CSS and SVG, no
/// script, no external URL. Every data string is escaped (EscapeHtml).
std::string RenderHtml(const Bulletin& b, Lang lang);

/// Return the bulletin as CSV (RFC 4180, '\n' line ends): a header, the county row,
/// then each township followed by its villages, with a `level` column. kZh writes a
/// UTF-8 byte-order mark and Chinese headers (for spreadsheet users); kEn writes the
/// stable English keys without a mark (for programs). Column order is the same.
std::string RenderCsv(const Bulletin& b, Lang lang);

/// Return the bulletin as JSON with stable English keys (schema in docs/BULLETIN.md).
std::string RenderJson(const Bulletin& b);

/// Parse JSON written by RenderJson back into a Bulletin (ParseError on bad input).
Result<Bulletin> ParseBulletinJson(std::string_view json);

}  // namespace vitalink::report
