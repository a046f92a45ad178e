// The review app's static files (web/review/), embedded in the binary at build time so
// `vitalink serve` needs nothing from disk or network but the project.
//
//   if (const Asset* a = FindAsset("app.js")) res.set_content(std::string(a->data), ...);
#pragma once

#include <span>
#include <string_view>

namespace vitalink::serve {

struct Asset {
  std::string_view name;  // file name under web/review/
  std::string_view data;
  std::string_view content_type;  // from the extension
};

/// Return every embedded asset, ordered by name.
std::span<const Asset> EmbeddedAssets();

/// Return the asset named exactly `name`, or null. Names are matched as whole strings,
/// never as paths.
const Asset* FindAsset(std::string_view name);

}  // namespace vitalink::serve
