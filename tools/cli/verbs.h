// The command-line verbs. Each verb lives in its own file, parses its options
// and makes one library call; main.cc only dispatches.
#pragma once

#include <functional>
#include <string_view>

#include <CLI/CLI.hpp>

#include "vitalink/common/status.h"

namespace vitalink::cli {

/// A verb adds its subcommand to `app` and returns the action that executes
/// it (called only when that subcommand was given), returning the exit code.
using VerbAction = std::function<int()>;

/// Exit codes shared by all verbs (documented in README.md, "Commands").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitConfig = 3;     // config file unusable
inline constexpr int kExitInput = 4;      // an input file unusable as a whole
inline constexpr int kExitOutput = 5;     // outputs could not be written
inline constexpr int kExitInternal = 70;  // a bug

/// Map a failed status to an exit code and print it to stderr as "vitalink: message".
int ReportFailure(const Status& status);

/// A progress printer for long runs: one line per step on stderr when it is a
/// terminal, nothing otherwise (so scripts and CI logs stay clean).
std::function<void(std::string_view)> TerminalProgress();

VerbAction AddGenerateVerb(CLI::App& app);
VerbAction AddRunVerb(CLI::App& app);
VerbAction AddCheckVerb(CLI::App& app);
VerbAction AddDemoVerb(CLI::App& app);
VerbAction AddFollowUpVerb(CLI::App& app);
VerbAction AddLinkVerb(CLI::App& app);
VerbAction AddServeVerb(CLI::App& app);

}  // namespace vitalink::cli
