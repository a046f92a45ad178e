// The bulletin's translation table: every fixed text of the HTML page in Chinese and
// English (report stage only). Patterns use fmt's positional fields ({0}, {1}); the
// values put into them are escaped by the caller.
//
//   const Labels& t = LabelsFor(Lang::kEn);
//   out += t.sec_summary;
#pragma once

#include "vitalink/report/bulletin.h"

namespace vitalink::report::internal {

struct Labels {
  const char* html_lang;
  const char* title_pattern;  // {0} = county name
  const char* period;
  const char* run;
  const char* generated_on;
  const char* area_code;
  const char* sec_summary;
  const char* sec_trend;
  const char* sec_completeness;
  const char* sec_ranking;
  const char* sec_villages;
  const char* sec_notes;
  // Headline: {0} period, {1} estimated births, {2} interval, {3} registered,
  // {4} births only elsewhere, {5} completeness.
  const char* headline;
  const char* headline_no_estimate;  // {0} period, {1} registered, {2} only elsewhere
  const char* headline_change;       // {0} arrow and change in percentage points
  const char* headline_no_previous;
  const char* estimated_births;
  const char* interval_95;
  const char* registered_births;
  const char* births_only_elsewhere;
  const char* completeness;
  const char* wrong_items;
  const char* missing_items;
  const char* duplicates;
  const char* per_100_records;
  const char* migrant_double;
  const char* accuracy_score;
  const char* progress_score;
  const char* vs_previous;
  const char* no_previous;
  const char* progress_basis;
  const char* persons;
  const char* points;
  const char* percentage_points;
  const char* legend_completeness;
  const char* legend_interval;
  const char* legend_county;
  const char* legend_below;
  const char* legend_accuracy;
  const char* chart_completeness_desc;
  const char* chart_trend_desc;
  const char* no_trend;
  const char* col_rank;
  const char* col_township;
  const char* col_village;
  const char* col_records;
  const char* col_registered;
  const char* col_only_elsewhere;
  const char* col_estimated;
  const char* col_completeness;
  const char* col_wrong;
  const char* col_missing;
  const char* col_duplicates;
  const char* col_migrant;
  const char* col_accuracy;
  const char* col_progress;
  const char* county_total;
  const char* village_count;  // {0} = number of villages
  const char* ranking_note;
  const char* score_accuracy_note;
  const char* score_progress_note;
  const char* footer_aggregate;
  const char* no_upper_limit;  // "≥ {0}" style: {0} = lower limit
};

/// Return the labels of `lang` (static storage).
const Labels& LabelsFor(Lang lang);

}  // namespace vitalink::report::internal
