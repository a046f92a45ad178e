// The command-line verbs. Each verb lives in its own file, parses its options
// and makes one library call; main.cc only dispatches.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace vitalink::cli {

/// A verb adds its subcommand to `app` and sets `run` to the action that
/// executes it, returning the process exit code.
using VerbAction = std::function<int()>;

/// Exit codes shared by all verbs (documented in docs/CLI.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitConfig = 3;     // config file unusable
inline constexpr int kExitInput = 4;      // an input file unusable as a whole
inline constexpr int kExitInternal = 70;  // a bug

}  // namespace vitalink::cli
