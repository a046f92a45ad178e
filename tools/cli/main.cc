// vitalink: command-line entry point. Dispatches to one verb per file.
#include <cstdio>

#include "tools/cli/verbs.h"

int main(int argc, char** argv) {
  CLI::App app{"vitalink: population registers into statistics people can trust"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vitalink 0.1.0");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? vitalink::cli::kExitOk : vitalink::cli::kExitUsage;
  }
  return vitalink::cli::kExitOk;
}
