#include "vitalink/ingest/config_toml.h"

namespace vitalink::ingest {

Result<toml::table> ParseConfigToml(const ProjectConfig& config) {
  try {
    return toml::parse(config.text, config.path);
  } catch (const toml::parse_error& e) {
    return Status::ParseError(ConfigWhere(config, e.source()) + ": " + std::string(e.description()));
  }
}

std::string ConfigWhere(const ProjectConfig& config, const toml::source_region& where) {
  std::string out = config.path;
  if (where.begin) {
    out += ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
  }
  return out;
}

}  // namespace vitalink::ingest
