// `vitalink run CONFIG`: every stage on a project config.
#include <cstdio>
#include <memory>

#include "tools/cli/verbs.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::cli {

VerbAction AddRunVerb(CLI::App& app) {
  struct Options {
    std::string config;
    std::string output;
    int threads = 0;
    std::string until = "estimate";
    std::string lang = "zh";
  };
  auto opts = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("run", "Run every stage on a project config");
  sub->add_option("config", opts->config, "project config (TOML)")->required();
  sub->add_option("--out", opts->output, "output folder (default: the config's [project] output)");
  sub->add_option("--until", opts->until, "last stage to run: ingest, check, link or estimate")->capture_default_str();
  sub->add_option("--lang", opts->lang, "bulletin language: zh or en")->capture_default_str();
  sub->add_option("--threads", opts->threads, "worker threads (0 = all cores; outputs are the same)");
  return [opts]() {
    pipeline::RunOptions ro;
    ro.output_dir = opts->output;
    ro.threads = opts->threads;
    ro.progress = TerminalProgress();
    ro.lang = opts->lang;
    auto stage = pipeline::ParseStage(opts->until);
    if (!stage.ok()) return ReportFailure(stage.status());
    ro.last_stage = *stage;
    auto report = pipeline::RunProject(opts->config, ro);
    if (!report.ok()) return ReportFailure(report.status());
    std::fputs(pipeline::FormatRunReport(*report).c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace vitalink::cli
