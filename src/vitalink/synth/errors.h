// Error injection for the synthetic county: every rate the generator uses,
// and an injector that perturbs one field at a time, records what it did as
// `field:kind` for truth.csv and tallies eligible / injected counts per kind.
//
//   ErrorRates rates = ErrorRates{}.Scaled(0.5);
//   ErrorInjector inj(names, rates, seed, kStreamRegister, &tallies);
//   inj.BeginRecord();
//   std::string name; inj.Name("name", person.name, name);
//   truth_errors = inj.errors();   // e.g. "name:homophone;birth_date:day_month_swap"
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vitalink/synth/names.h"
#include "vitalink/synth/rng.h"

namespace vitalink::synth {

/// Probabilities of every injected error and coverage gap. Defaults are
/// documented in docs/GENERATOR.md; "eligible" says which values can carry the error.
struct ErrorRates {
  // Names (every name field of every source).
  double name_typo = 0.010;         // one character replaced by a random common one
  double name_homophone = 0.020;    // one character replaced by a homophone (伟→卫); eligible: has one
  double name_traditional = 0.010;  // written in traditional characters; eligible: has one
  // Citizen IDs (id_number, mother_id_number, father_id_number).
  double id_digit = 0.005;       // one digit replaced
  double id_transpose = 0.003;   // two adjacent different digits swapped
  double id_fullwidth = 0.005;   // full-width digits (１２３)
  double id_lower_x = 0.300;     // check character 'x'; eligible: IDs ending in X
  double id_old15 = 0.100;       // old 15-digit form; eligible: persons born before 1960
  // Dates (birth, registration, report, arrival dates).
  double date_day_month_swap = 0.005;  // eligible: day <= 12 and day != month
  double date_impossible = 0.002;      // day past month end (2011-02-30); eligible: months under 31 days
  double date_format = 0.050;          // another of 2011-01-13 / 2011/1/13 / 20110113 / 2011年1月13日
  // Sex, area codes, any field.
  double sex_code_format = 0.030;  // another code set than the source's (男/女, 1/2, M/F)
  double sex_flip = 0.002;         // the wrong sex
  double area_wrong_village = 0.010;  // another village of the same township
  double area_coarse = 0.100;         // births only: 9-digit township code instead of the village
  double missing = 0.010;             // any non-key field left blank
  // Records and coverage (these also scale with --error-scale).
  double register_duplicate = 0.010;  // a person registered twice (another 户号, own errors)
  double births_duplicate = 0.005;    // a birth reported twice
  double birth_unregistered = 0.060;  // 漏报: a birth of the period missing from the register (× township factor)
  double birth_unreported = 0.020;    // a birth with no hospital report
  double migrant_unregistered = 0.200;       // a migrant missing from the migrant register
  double migrant_double_registered = 0.080;  // a migrant also in the household register
  double survey_nonresponse = 0.080;         // a sampled household not interviewed
  double survey_omission = 0.030;            // a member of an interviewed household not listed

  /// Return a copy with every rate multiplied by `factor` and capped at 1.
  ErrorRates Scaled(double factor) const;
};

enum class ErrorKind : int {
  kTypo,
  kHomophone,
  kTraditional,
  kIdDigit,
  kIdTranspose,
  kIdFullwidth,
  kIdLowerX,
  kIdOld15,
  kDayMonthSwap,
  kImpossibleDate,
  kDateFormat,
  kSexCodeFormat,
  kSexFlip,
  kWrongVillage,
  kCoarseArea,
  kMissing,
  kRegisterDuplicate,
  kBirthsDuplicate,
  kBirthUnregistered,
  kBirthUnreported,
  kMigrantUnregistered,
  kMigrantDoubleRegistered,
  kSurveyNonresponse,
  kSurveyOmission,
};
inline constexpr size_t kErrorKindCount = 24;

struct ErrorKindInfo {
  ErrorKind kind;
  std::string_view rate_name;   // the ErrorRates member, e.g. "name_homophone"
  std::string_view truth_kind;  // as written in truth.csv ("homophone"); "" for coverage gaps
  double ErrorRates::*rate;
};

/// Return the description of every error kind, indexed by ErrorKind.
const std::array<ErrorKindInfo, kErrorKindCount>& ErrorKinds();

/// Counts for one error kind: values that could carry it, values that got it,
/// and the sum of the probabilities used (the expected number injected).
struct ErrorTally {
  int64_t eligible = 0;
  int64_t injected = 0;
  double expected = 0;
};
using ErrorTallies = std::array<ErrorTally, kErrorKindCount>;

enum class DateFormat { kIso, kSlash, kCompact, kChinese };  // 2011-01-13 2011/1/13 20110113 2011年1月13日
enum class SexFormat { kChinese, kDigit, kLetter };          // 男/女 1/2 M/F

/// Append year/month/day in `format` (no validation: impossible dates are written as given).
void AppendDate(int year, int month, int day, DateFormat format, std::string& out);
/// Append the code of `sex` (1 male, 2 female) in `format`.
void AppendSex(int sex, SexFormat format, std::string& out);

/// Perturbs field values of one source. Not thread-safe; one per source.
class ErrorInjector {
 public:
  /// `names`, `rates` and `tallies` must outlive the injector.
  ErrorInjector(const NameModel& names, const ErrorRates& rates, Rng rng, ErrorTallies* tallies)
      : names_(names), rates_(rates), rng_(rng), tallies_(tallies) {}

  /// Start a new record: clear the list of injected errors.
  void BeginRecord() { errors_.clear(); }
  /// Return this record's errors as `field:kind;field:kind` (empty when clean).
  const std::string& errors() const { return errors_; }
  /// Record an error on the current record.
  void Note(std::string_view field, std::string_view kind);
  /// Decide with probability `p` whether to inject `kind`, counting the value as eligible.
  bool Decide(ErrorKind kind, double p);
  /// As Decide with the kind's configured rate.
  bool Decide(ErrorKind kind) { return Decide(kind, rates_.*ErrorKinds()[static_cast<size_t>(kind)].rate); }
  Rng& rng() { return rng_; }

  /// Write `truth` into `out`: missing, else typo, homophone, traditional.
  void Name(std::string_view field, std::string_view truth, std::string& out);
  /// Write an 18-character ID (empty stays empty): missing, else old 15-digit
  /// form, digit error, transposition, lower-case x, full-width digits.
  void Id(std::string_view field, std::string_view truth, int birth_year, std::string& out);
  /// Write a date: missing, else impossible day, day/month swap, other format.
  void Date(std::string_view field, int32_t days, DateFormat primary, std::string& out);
  /// Write a sex code: missing, else wrong sex, other code set.
  void Sex(std::string_view field, int sex, SexFormat primary, std::string& out);
  /// Write an area code: missing, else another village of `township_villages`
  /// (which holds the true one), else (when `allow_coarse`) the township code.
  void Area(std::string_view field, std::string_view truth,
            std::span<const std::string> township_villages, bool allow_coarse, std::string& out);
  /// Write any other value: missing, else as is.
  void Plain(std::string_view field, std::string_view truth, std::string& out);

 private:
  bool Missing(std::string_view field, std::string& out);

  const NameModel& names_;
  const ErrorRates& rates_;
  Rng rng_;
  ErrorTallies* tallies_;
  std::string errors_;
};

}  // namespace vitalink::synth
