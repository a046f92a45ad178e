// The synthetic county: a population with known truth, and the four sources a
// county statistics office receives about it (household register, hospital
// birth reports, an independent household survey, the migrant register),
// each derived with documented error rates (docs/GENERATOR.md).
//
//   GenerateOptions opt;
//   opt.out_dir = "/tmp/county";
//   opt.persons = 5000;
//   VL_ASSIGN_OR_RETURN(GenerateSummary s, GenerateCounty(opt));
//   // s.sources[0].path == "/tmp/county/register.csv"; truth.csv maps every record to a person.
//
// Deterministic: the same options give byte-identical files on the same build
// (own PRNG and sampling; no hash-order iteration; single thread). The
// population depends only on (seed, persons, county, months, end_month,
// migrant_share); error rates change the sources but never the population.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vitalink/common/status.h"
#include "vitalink/synth/errors.h"

namespace vitalink::synth {

struct GenerateOptions {
  std::string out_dir;                // created when missing
  int64_t persons = 100000;           // true population size (residents, movers-out, migrants)
  uint64_t seed = 1;
  std::string county = "430182";     // GB/T 2260 county code with townships and villages
  std::string data_dir;               // holds areas.tsv; empty = DefaultDataDir()
  int months = 6;                     // births over the last `months` months ending at end_month
  std::string end_month = "2026-10";  // YYYY-MM; extracts are dated its last day, the survey after it
  ErrorRates rates;                   // defaults as documented; see ErrorRates::Scaled
  double migrant_share = 0.06;        // share of households that are floating population
  double survey_village_share = 0.10; // share of villages the survey samples (at least one)
  double child_name_blank = 0.70;     // share of birth reports without the child's name (by design, not an error)
};

struct SourceSummary {
  std::string name;  // register, births, survey, migrants
  std::string role;
  std::string path;
  int64_t rows = 0;
};

struct ErrorTallyRow {
  std::string rate_name;   // the ErrorRates member
  std::string truth_kind;  // kind as written in truth.csv; empty for coverage gaps
  double rate = 0;         // configured (scaled) probability
  int64_t eligible = 0;
  int64_t injected = 0;
  double expected = 0;     // sum of the probabilities used
};

struct GenerateSummary {
  std::vector<SourceSummary> sources;  // in the order register, births, survey, migrants
  std::string truth_path, persons_path, config_path;
  std::string county_name;
  int64_t persons = 0;
  int64_t households = 0;
  int64_t births = 0;             // true births in the period
  int64_t births_registered = 0;  // of which in the register
  int64_t births_reported = 0;    // of which with a hospital report
  int64_t migrants = 0;
  int64_t survey_villages = 0;
  int64_t truth_rows = 0;
  std::string period_start, period_end;  // YYYY-MM-DD
  std::vector<ErrorTallyRow> errors;     // one per ErrorKind
  double elapsed_seconds = 0;
};

/// Generate the county into options.out_dir: register.csv, births.csv
/// (GB18030), survey.csv, migrants.csv, truth.csv, persons.csv and
/// project.toml. Return InvalidArgument for bad options, NotFound when the
/// area table or county is missing, IOError when a file cannot be written.
/// Cost: about 1–2 µs per person and ~350 bytes of memory per person.
Result<GenerateSummary> GenerateCounty(const GenerateOptions& options);

}  // namespace vitalink::synth
