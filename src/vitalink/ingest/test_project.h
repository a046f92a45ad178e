// For tests of the stages after ingest: a small register × births project
// written into a folder and ingested in memory (no outputs).
//
//   auto ingest = testing::IngestRegisterAndBirths(dir, "id,name\nR1,张三\n", "id,child\nB1,张三\n");
#pragma once

#include <filesystem>
#include <fstream>
#include <string_view>

#include "vitalink/common/status.h"
#include "vitalink/ingest/config.h"
#include "vitalink/ingest/ingest.h"

namespace vitalink::ingest::testing {

/// Write register.csv (columns id, name), births.csv (id, child) and a
/// project.toml naming them into `dir`, and ingest them: sources 0 register
/// (name), 1 births (child_name).
inline Result<IngestResult> IngestRegisterAndBirths(const std::filesystem::path& dir, std::string_view register_csv,
                                                    std::string_view births_csv) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "register.csv") << register_csv;
  std::ofstream(dir / "births.csv") << births_csv;
  std::ofstream(dir / "project.toml") << R"([project]
name = "t"
[[sources]]
name = "register"
role = "register"
path = "register.csv"
record_id = "id"
[sources.fields]
name = "name"
[[sources]]
name = "births"
role = "births"
path = "births.csv"
record_id = "id"
[sources.fields]
child_name = "child"
)";
  VL_ASSIGN_OR_RETURN(ProjectConfig config, LoadProjectConfig((dir / "project.toml").string()));
  IngestOptions options;
  options.write_outputs = false;
  return IngestProject(config, options);
}

}  // namespace vitalink::ingest::testing
