// The record-level follow-up list for registration staff: births to register,
// duplicate register records to merge. (Fields to correct are the check
// findings, out/check/findings.csv.) Record-level outputs exist to register
// and correct records; they never leave the county's own staff.
//
//   VL_RETURN_IF_ERROR(WriteFollowUp(report, out_dir + "/report/follow_up.csv"));
#pragma once

#include <string>

#include "vitalink/common/status.h"

namespace vitalink::pipeline {

struct RunReport;

/// Write follow_up.csv: action,person_id,source,record_id,line,name,birth_date,area_code,mother_id_number.
/// Actions: "register_birth" (a birth of the period in hospital reports or the
/// survey whose person has no register record), "merge_duplicate" (register
/// records of one person; one row per record). Needs linked persons and
/// the [estimate] period (for births); writes what it can.
Status WriteFollowUp(const RunReport& report, const std::string& path);

}  // namespace vitalink::pipeline
