// `vitalink check CONFIG`: ingest and check every source against its rules.
#include <cstdio>
#include <memory>

#include "tools/cli/verbs.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::cli {

VerbAction AddCheckVerb(CLI::App& app) {
  struct Options {
    std::string config;
    std::string output;
    int threads = 0;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("check", "Ingest and check a project's sources against their rules");
  sub->add_option("config", opts->config, "project config (TOML)")->required();
  sub->add_option("--out", opts->output, "output folder (default: the config's [project] output)");
  sub->add_option("--threads", opts->threads, "worker threads (0 = all cores; outputs are the same)");
  return [opts]() {
    pipeline::RunOptions ro;
    ro.output_dir = opts->output;
    ro.last_stage = pipeline::Stage::kCheck;
    ro.threads = opts->threads;
    auto report = pipeline::RunProject(opts->config, ro);
    if (!report.ok()) return ReportFailure(report.status());
    std::fputs(pipeline::FormatRunReport(*report).c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace vitalink::cli
