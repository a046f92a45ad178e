// The record-level follow-up list for registration staff: births to register,
// duplicate register records to merge. (Fields to correct are the check
// findings, out/check/findings.csv.) Record-level outputs exist to register
// and correct records; they never leave the county's own staff.
//
//   VL_RETURN_IF_ERROR(WriteFollowUp(report, out_dir + "/report/follow_up.csv"));
#pragma once

#include <cstdint>
#include <string>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"

namespace vitalink::pipeline {

struct RunReport;

/// Write follow_up.csv: action,person_id,source,record_id,line,name,birth_date,area_code,
/// mother_id_number,outcome,found_source,found_record_id,note.
/// Actions: "register_birth" (each record of a person the estimate counts as a
/// birth of the period, EstimateStep::person_lists, that has no register record), "merge_duplicate" (register
/// records of one person; one row per record). Needs linked persons and
/// the [estimate] period (for births); writes what it can. The last four columns
/// are for staff to fill (`vitalink follow-up` reads them back; review/follow_up.h);
/// a register_birth record already followed up shows its outcome in force.
Status WriteFollowUp(const RunReport& report, const std::string& path);

/// The register whose missing births the follow-up list names: [estimate] register,
/// else the first register-role source ("" without one).
std::string FollowUpRegisterSource(const ingest::ProjectConfig& config);

struct ImportedFollowUps {
  int64_t saved = 0;
  int64_t unchanged = 0;  // rows repeating the outcome already in force (not stored again)
  std::string store_path;
};

/// `vitalink follow-up`: read the outcomes staff filled into a follow-up list at
/// `outcomes_path` and append them to the project store of the config at
/// `config_path` (under `output_dir`, default the config's), all or none. A "found"
/// row without found_source means the register. A row repeating the outcome in
/// force (the list shows those) is not stored again. The next run obeys them.
Result<ImportedFollowUps> ImportFollowUps(const std::string& config_path, const std::string& outcomes_path,
                                          const std::string& who, const std::string& output_dir = "");

}  // namespace vitalink::pipeline
