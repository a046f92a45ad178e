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
  };
  auto opts = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("run", "Run every stage on a project config");
  sub->add_option("config", opts->config, "project config (TOML)")->required();
  sub->add_option("--out", opts->output, "output folder (default: the config's [project] output)");
  return [opts]() {
    pipeline::RunOptions ro;
    ro.output_dir = opts->output;
    auto report = pipeline::RunProject(opts->config, ro);
    if (!report.ok()) return ReportFailure(report.status());
    std::fputs(pipeline::FormatRunReport(*report).c_str(), stdout);
    return kExitOk;
  };
}

}  // namespace vitalink::cli
