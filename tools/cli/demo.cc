// `vitalink demo`: generate a synthetic county and run everything on it.
#include <cstdio>
#include <memory>

#include "tools/cli/verbs.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::cli {

VerbAction AddDemoVerb(CLI::App& app) {
  auto opts = std::make_shared<pipeline::DemoOptions>();
  CLI::App* sub = app.add_subcommand("demo", "Generate a synthetic county and run every stage on it");
  sub->add_option("--dir", opts->dir, "folder for the county and its outputs")->capture_default_str();
  sub->add_option("--persons", opts->persons, "persons in the county")->capture_default_str();
  sub->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  sub->add_option("--months", opts->months, "monthly runs (the bulletin shows the last)")->capture_default_str();
  sub->add_option("--lang", opts->lang, "bulletin language: zh or en")->capture_default_str();
  return [opts]() {
    std::printf("vitalink demo: %d monthly runs of a synthetic county of %lld persons, in %s/\n",
                opts->months, static_cast<long long>(opts->persons), opts->dir.c_str());
    opts->progress = TerminalProgress();
    auto report = pipeline::RunDemo(*opts);
    if (!report.ok()) return ReportFailure(report.status());
    std::fputs(pipeline::FormatRunReport(*report).c_str(), stdout);
    if (!report->bulletin_path.empty()) std::printf("\nthe bulletin: %s\n", report->bulletin_path.c_str());
    std::printf("all results: %s/\n", report->output_dir.c_str());
    std::printf("review the doubtful pairs in a browser: vitalink serve --project %s\n", report->output_dir.c_str());
    return kExitOk;
  };
}

}  // namespace vitalink::cli
