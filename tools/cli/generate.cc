// `vitalink generate`: write the synthetic county (sources, truth, project.toml).
// Parses options, makes one library call, prints a summary per source.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "tools/cli/verbs.h"
#include "vitalink/synth/generator.h"

namespace vitalink::cli {

VerbAction AddGenerateVerb(CLI::App& app) {
  auto opt = std::make_shared<synth::GenerateOptions>();
  auto scale = std::make_shared<double>(1.0);
  CLI::App* cmd = app.add_subcommand(
      "generate", "Write a synthetic county with known truth: register, births (GB18030), survey, "
                  "migrants, truth.csv, persons.csv and project.toml");
  cmd->add_option("--out", opt->out_dir, "Output directory (created when missing)")->required();
  cmd->add_option("--persons", opt->persons, "True population size")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{200'000'000}));
  cmd->add_option("--seed", opt->seed, "Random seed (same seed and options: identical files)")
      ->capture_default_str();
  cmd->add_option("--county", opt->county, "GB/T 2260 county code (its townships and villages are used)")
      ->capture_default_str();
  cmd->add_option("--months", opt->months, "Birth period: the last N months ending at --end-month")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
  cmd->add_option("--end-month", opt->end_month, "Last month of the birth period (YYYY-MM)")
      ->capture_default_str();
  cmd->add_option("--error-scale", *scale, "Multiply every error rate (0 = clean data)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--survey-village-share", opt->survey_village_share,
                  "Share of villages the household survey visits (1 = every village, a full third list)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--data-dir", opt->data_dir, "Directory holding areas.tsv (default: built-in)");

  return [cmd, opt, scale]() -> int {
    if (!cmd->parsed()) return kExitOk;
    synth::GenerateOptions options = *opt;
    options.rates = synth::ErrorRates{}.Scaled(*scale);
    auto result = synth::GenerateCounty(options);
    if (!result.ok()) {
      std::fprintf(stderr, "vitalink generate: %s\n", result.status().ToString().c_str());
      switch (result.status().code()) {
        case StatusCode::kInvalidArgument: return kExitUsage;
        case StatusCode::kNotFound:
        case StatusCode::kFailedPrecondition: return kExitConfig;
        case StatusCode::kIOError: return kExitInput;
        default: return kExitInternal;
      }
    }
    const synth::GenerateSummary& s = *result;
    std::string out = fmt::format(
        "{} ({}), seed {}: {} persons in {} households, {} migrants; births {}..{}: {} "
        "({} registered, {} reported)\n",
        s.county_name, options.county, options.seed, s.persons, s.households, s.migrants, s.period_start,
        s.period_end, s.births, s.births_registered, s.births_reported);
    for (const synth::SourceSummary& src : s.sources) {
      out += fmt::format("  {:<9} {:>10} rows  {}\n", src.name, src.rows, src.path);
    }
    out += fmt::format("  {:<9} {:>10} rows  {}\n", "truth", s.truth_rows, s.truth_path);
    out += fmt::format("  {:<9} {:>10} rows  {}\n", "persons", s.persons, s.persons_path);
    out += fmt::format("  config    {}\n", s.config_path);
    out += fmt::format("done in {:.2f} s\n", s.elapsed_seconds);
    std::fputs(out.c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace vitalink::cli
