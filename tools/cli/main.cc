// vitalink: command-line entry point. Dispatches to one verb per file.
#include <cstdio>

#include <unistd.h>
#include <utility>
#include <vector>

#include "tools/cli/verbs.h"

namespace vitalink::cli {

int ReportFailure(const Status& status) {
  std::fprintf(stderr, "vitalink: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kParseError: return kExitConfig;
    case StatusCode::kNotFound:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kOutOfRange: return kExitInput;
    case StatusCode::kIOError: return kExitOutput;
    default: return kExitInternal;
  }
}

std::function<void(std::string_view)> TerminalProgress() {
  if (::isatty(STDERR_FILENO) == 0) return {};
  return [](std::string_view what) {
    std::fprintf(stderr, "  … %.*s\n", static_cast<int>(what.size()), what.data());
  };
}

}  // namespace vitalink::cli

int main(int argc, char** argv) {
  namespace cli = vitalink::cli;
  CLI::App app{"vitalink: population registers into statistics people can trust"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vitalink 0.1.0");
  std::vector<std::pair<CLI::App*, cli::VerbAction>> verbs;
  auto add = [&](cli::VerbAction (*make)(CLI::App&)) {
    const size_t before = app.get_subcommands({}).size();
    cli::VerbAction action = make(app);
    verbs.emplace_back(app.get_subcommands({})[before], std::move(action));
  };
  add(cli::AddCheckVerb);
  add(cli::AddDemoVerb);
  add(cli::AddFollowUpVerb);
  add(cli::AddGenerateVerb);
  add(cli::AddLinkVerb);
  add(cli::AddRunVerb);
  add(cli::AddServeVerb);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  for (auto& [sub, action] : verbs) {
    if (sub->parsed()) return action();
  }
  return cli::kExitUsage;
}
