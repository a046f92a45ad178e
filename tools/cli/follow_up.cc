// `vitalink follow-up CONFIG FILE --who NAME`: store what staff found following up the
// births outside the register (a report/follow_up.csv with its outcome column filled).
#include <cstdio>
#include <memory>

#include "tools/cli/verbs.h"
#include "vitalink/pipeline/follow_up.h"

namespace vitalink::cli {

VerbAction AddFollowUpVerb(CLI::App& app) {
  struct Options {
    std::string config;
    std::string file;
    std::string who;
    std::string output;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "follow-up", "Store follow-up outcomes (found / not_found / not_a_birth) for the next run");
  sub->add_option("config", opts->config, "project config (TOML)")->required();
  sub->add_option("file", opts->file, "the follow-up list with its outcome column filled (CSV)")->required();
  sub->add_option("--who", opts->who, "who followed the records up")->required();
  sub->add_option("--out", opts->output, "output folder holding project.sqlite (default: the config's)");
  return [opts]() {
    auto imported = pipeline::ImportFollowUps(opts->config, opts->file, opts->who, opts->output);
    if (!imported.ok()) return ReportFailure(imported.status());
    std::printf("%lld follow-up outcomes stored in %s (%lld unchanged); the next run obeys them\n",
                static_cast<long long>(imported->saved), imported->store_path.c_str(),
                static_cast<long long>(imported->unchanged));
    return kExitOk;
  };
}

}  // namespace vitalink::cli
