// For stages that read their own section of the project config ([check],
// [link], [estimate], …): the parsed TOML and "file:line:column" positions
// for their error messages.
//
//   VL_ASSIGN_OR_RETURN(toml::table root, ParseConfigToml(config));
//   if (bad) return Status::InvalidArgument(ConfigWhere(config, node.source()) + ": …");
#pragma once

#include <string>

#include <toml++/toml.h>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"

namespace vitalink::ingest {

/// Parse the config's text again (cheap: a few kilobytes).
Result<toml::table> ParseConfigToml(const ProjectConfig& config);

/// Return "path:line:column" for a position in the config ("path" when unknown).
std::string ConfigWhere(const ProjectConfig& config, const toml::source_region& where);

}  // namespace vitalink::ingest
