// Follow-up outcomes: what registration staff found when they went after the births
// the run listed outside the register (report/follow_up.csv), and what the next run
// does with it (docs/REVIEW.md, "Follow-up outcomes").
//
// Staff fill three columns of the list they were given and hand it back:
//   outcome          found | not_found | not_a_birth   (empty: not followed up yet)
//   found_source     the source where the child was found (default: the register)
//   found_record_id  that record's id
// `vitalink follow-up CONFIG FILE --who NAME` stores the outcomes in the project (append
// only; the latest per record is in force). The next run turns them into review
// decisions on record pairs, which clustering obeys and the linkage-error rates count as
// labels, and leaves records that are no birth of the period out of the estimate:
//  - found       → "match" between the record and the record found;
//  - not_found   → "non_match" between the record and each register record it is a
//                  kept pair with below the job's threshold (the child has no register
//                  record; a link at or above it is left to the model: a record
//                  registered since the visit); none to a record a `found` names;
//  - not_a_birth → the record is left out of the capture histories.
//
//   FollowUpReadOptions read{.who = "li", .at = now, .default_found_source = "register", .register_sources = {"register"}};
//   VL_ASSIGN_OR_RETURN(auto outcomes, ReadFollowUpOutcomes(path, read));
//   VL_RETURN_IF_ERROR(db.SaveFollowUps(outcomes).status());
//   ...next run:
//   VL_ASSIGN_OR_RETURN(AppliedFollowUps f, ApplyFollowUps(db.LatestFollowUps(), ingest, offsets, jobs, "register"));
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/ingest/ingest.h"
#include "vitalink/link/linker.h"
#include "vitalink/store/store.h"

namespace vitalink::review {

struct FollowUpReadOptions {
  std::string who;                   // required
  std::string at;                    // stored as given (ISO 8601 by convention)
  std::string default_found_source;  // for "found" rows with an empty found_source
  std::set<std::string, std::less<>> register_sources;  // rows naming these are refused
};

/// Read the outcomes staff filled into a follow-up list (CSV, UTF-8 or GB18030). Needs the
/// columns source, record_id and outcome; found_source, found_record_id and note are
/// optional, other columns (the list's own) are ignored. Rows with an empty outcome are
/// skipped. Identifiers are read back through FromSpreadsheetText (the list writes them
/// spreadsheet-safe). A malformed row, an unknown outcome or a row of a register source is
/// an InvalidArgument naming the file, the line and the field; nothing is returned then.
Result<std::vector<store::FollowUpOutcome>> ReadFollowUpOutcomes(const std::string& path,
                                                                 const FollowUpReadOptions& options);

/// What a run takes from the stored outcomes.
struct AppliedFollowUps {
  /// Pair decisions derived from the outcomes (not stored): `job` is the link job that
  /// scored the pair, or "follow_up" for a found pair no job scored.
  std::vector<store::Decision> decisions;
  /// Per global record (offsets[source] + row): 1 when staff found it is no birth of
  /// the period.
  std::vector<uint8_t> not_a_birth;
  /// Per global record: 1 when followed up (any outcome).
  std::vector<uint8_t> followed_up;
  /// The outcome in force per global record it names (for the next follow-up list).
  std::map<int64_t, store::FollowUpOutcome> by_record;
  int64_t outcomes = 0;
  int64_t found = 0;
  int64_t not_found = 0;
  int64_t not_a_birth_records = 0;
  int64_t unknown_records = 0;  // outcomes naming a record (or a found record) not ingested
  int64_t conflicts = 0;        // not_found refusals dropped: the register record was found
  std::vector<std::string> warnings;
};

/// Turn the outcomes in force into decisions and record flags for this run's ingest.
/// `register_source` names the source whose pairs a "not_found" outcome refuses.
Result<AppliedFollowUps> ApplyFollowUps(std::span<const store::FollowUpOutcome> outcomes,
                                        const ingest::IngestResult& ingest,
                                        std::span<const int64_t> offsets,
                                        std::span<const link::LinkJobResult> jobs,
                                        const std::string& register_source);

}  // namespace vitalink::review
