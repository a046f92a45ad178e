// Known truth for measuring accuracy: which true person (entity) each source
// record belongs to, and which errors were injected into it.
//
// Two forms: the generator's truth file (source,record_id,person_id,errors)
// or a column of the data itself, optionally through a regex whose first
// capture group is the entity (FEBRL: rec-123-dup-0 → 123).
//
//   VL_ASSIGN_OR_RETURN(Truth truth, LoadTruth(config, ingest_result));
//   int64_t entity = truth.entity[source_idx][row];   // -1 when unknown
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"

namespace vitalink::ingest {

struct Truth {
  /// entity[source][row]: a dense entity number shared across sources, or -1.
  std::vector<std::vector<int64_t>> entity;
  /// errors[source][row]: the injected errors ("name:homophone;birth_date:day_month_swap"),
  /// empty when clean or unknown (truth files only).
  std::vector<std::vector<std::string>> errors;
  /// The entity's name in the truth ("P0000123", "123").
  std::vector<std::string> entity_names;
  int64_t records_with_truth = 0;

  bool empty() const { return records_with_truth == 0; }
};

/// Return true when the config names any truth.
bool HasTruth(const ProjectConfig& config);

/// Load the truth for every ingested source. Truth-file rows naming unknown
/// sources or records are ignored (rejected rows have no table row).
Result<Truth> LoadTruth(const ProjectConfig& config, const IngestResult& ingest);

}  // namespace vitalink::ingest
