#include "vitalink/common/area_codes.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vitalink {

int AreaLevelOfCode(std::string_view code) {
  for (char c : code) {
    if (c < '0' || c > '9') return 0;
  }
  switch (code.size()) {
    case 2: return 1;
    case 4: return 2;
    case 6: return 3;
    case 9: return 4;
    case 12: return 5;
    default: return 0;
  }
}

AreaTable AreaTable::FromRows(std::vector<AreaInfo> rows) {
  AreaTable t;
  t.rows_ = std::move(rows);
  std::sort(t.rows_.begin(), t.rows_.end(),
            [](const AreaInfo& a, const AreaInfo& b) { return a.code < b.code; });
  t.index_.reserve(t.rows_.size());
  for (size_t i = 0; i < t.rows_.size(); ++i) t.index_.emplace(t.rows_[i].code, i);
  return t;
}

Result<AreaTable> AreaTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::NotFound(path +
                            ": area-code table not found (run scripts/install-deps, or set "
                            "VITALINK_DATA_DIR)");
  }
  std::vector<AreaInfo> rows;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return Status::ParseError(path + ":" + std::to_string(line_no) + ": expected code<TAB>name");
    }
    AreaInfo a;
    a.code = line.substr(0, tab);
    a.name = line.substr(tab + 1);
    const int level = AreaLevelOfCode(a.code);
    if (level == 0) {
      return Status::ParseError(path + ":" + std::to_string(line_no) + ": bad area code '" +
                                a.code + "'");
    }
    a.level = static_cast<AreaLevel>(level);
    rows.push_back(std::move(a));
  }
  return FromRows(std::move(rows));
}

const AreaInfo* AreaTable::Find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &rows_[it->second];
}

std::string_view AreaTable::ParentCode(std::string_view code) {
  switch (code.size()) {
    case 4: return code.substr(0, 2);
    case 6: return code.substr(0, 4);
    case 9: return code.substr(0, 6);
    case 12: return code.substr(0, 9);
    default: return {};
  }
}

std::vector<const AreaInfo*> AreaTable::Children(std::string_view code) const {
  std::vector<const AreaInfo*> out;
  // Children share the prefix and sort right after it.
  auto it = std::lower_bound(rows_.begin(), rows_.end(), code,
                             [](const AreaInfo& a, std::string_view c) { return a.code < c; });
  for (; it != rows_.end() && std::string_view(it->code).substr(0, code.size()) == code; ++it) {
    if (ParentCode(it->code) == code) out.push_back(&*it);
  }
  return out;
}

std::string DefaultDataDir() {
  if (const char* env = std::getenv("VITALINK_DATA_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef VL_DEFAULT_DATA_DIR
  if (std::filesystem::exists(std::filesystem::path(VL_DEFAULT_DATA_DIR) / "areas.tsv")) {
    return VL_DEFAULT_DATA_DIR;
  }
#endif
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return (exe.parent_path().parent_path() / "share" / "vitalink").string();
  return "share/vitalink";
}

Result<const AreaTable*> DefaultAreaTable() {
  static const Result<AreaTable> table = AreaTable::Load(DefaultDataDir() + "/areas.tsv");
  if (!table.ok()) return table.status();
  return &*table;
}

}  // namespace vitalink
