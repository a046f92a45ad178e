// The report step: the monthly bulletin from this run's checks, persons and
// estimates and the project store's earlier runs. Writes report/bulletin.html
// (Chinese, or English with [report] lang = "en"), bulletin.csv, bulletin.json.
#pragma once

#include <string>

#include "vitalink/common/status.h"
#include "vitalink/report/bulletin.h"
#include "vitalink/store/store.h"

namespace vitalink::pipeline {

struct RunReport;

/// Build the bulletin (scored and ranked, with the previous run's values); its
/// methods notes are written in `lang`.
Result<report::Bulletin> BuildBulletin(const RunReport& run, const store::Store& db,
                                       report::Lang lang = report::Lang::kZh);

/// Render and write the bulletin into `dir`; return the HTML path.
Result<std::string> WriteBulletin(const report::Bulletin& bulletin, report::Lang lang, const std::string& dir);

}  // namespace vitalink::pipeline
