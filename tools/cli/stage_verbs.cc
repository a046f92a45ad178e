// `vitalink check CONFIG` and `vitalink link CONFIG`: the pipeline up to a stage.
#include <cstdio>
#include <memory>

#include "tools/cli/verbs.h"
#include "vitalink/pipeline/pipeline.h"

namespace vitalink::cli {
namespace {

VerbAction AddStageVerb(CLI::App& app, const char* name, const char* description,
                        pipeline::Stage stage) {
  struct Options {
    std::string config;
    std::string output;
    int threads = 0;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(name, description);
  sub->add_option("config", opts->config, "project config (TOML)")->required();
  sub->add_option("--out", opts->output, "output folder (default: the config's [project] output)");
  sub->add_option("--threads", opts->threads, "worker threads (0 = all cores; outputs are the same)");
  return [opts, stage]() {
    pipeline::RunOptions ro;
    ro.output_dir = opts->output;
    ro.last_stage = stage;
    ro.threads = opts->threads;
    ro.progress = TerminalProgress();
    auto report = pipeline::RunProject(opts->config, ro);
    if (!report.ok()) return ReportFailure(report.status());
    std::fputs(pipeline::FormatRunReport(*report).c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace

VerbAction AddCheckVerb(CLI::App& app) {
  return AddStageVerb(app, "check", "Ingest and check a project's sources against their rules",
                      pipeline::Stage::kCheck);
}

VerbAction AddLinkVerb(CLI::App& app) {
  return AddStageVerb(app, "link", "Ingest, check and link a project: pairs, persons, model, metrics",
                      pipeline::Stage::kLink);
}

}  // namespace vitalink::cli
