#include "vitalink/link/blocking/blocker.h"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>
#include <limits>
#include <numeric>
#include <utility>

#include "vitalink/link/derived.h"

namespace vitalink::link {
namespace {

// Per record, the value of one key column as an order-preserving unsigned
// code (value - min over the column), with nulls flagged.
struct KeyCodes {
  std::vector<uint64_t> code;
  int bits = 0;  // bits needed by the largest code
};

// Fill `codes` for column `col`; set null[rec] for records with a null value.
KeyCodes EncodeKey(const Column& col, int64_t n, std::vector<uint8_t>& null) {
  KeyCodes k;
  k.code.resize(static_cast<size_t>(n));
  uint64_t max_code = 0;
  switch (col.type()) {
    case FieldType::kText:
    case FieldType::kCode: {
      const std::vector<uint32_t>& ids = col.strings();
      for (size_t rec = 0; rec < static_cast<size_t>(n); ++rec) {
        k.code[rec] = ids[rec];
        if (ids[rec] == StringPool::kNull) null[rec] = 1;
        max_code = std::max<uint64_t>(max_code, ids[rec]);
      }
      break;
    }
    case FieldType::kDate: {
      const std::vector<int32_t>& d = col.dates();
      int64_t lo = std::numeric_limits<int64_t>::max();
      for (size_t rec = 0; rec < static_cast<size_t>(n); ++rec) {
        if (d[rec] != kNullDate) lo = std::min<int64_t>(lo, d[rec]);
      }
      for (size_t rec = 0; rec < static_cast<size_t>(n); ++rec) {
        if (d[rec] == kNullDate) {
          null[rec] = 1;
          continue;
        }
        k.code[rec] = static_cast<uint64_t>(int64_t{d[rec]} - lo);
        max_code = std::max(max_code, k.code[rec]);
      }
      break;
    }
    case FieldType::kInteger: {
      const std::vector<int64_t>& v = col.ints();
      int64_t lo = std::numeric_limits<int64_t>::max();
      for (size_t rec = 0; rec < static_cast<size_t>(n); ++rec) {
        if (v[rec] != kNullInt) lo = std::min(lo, v[rec]);
      }
      for (size_t rec = 0; rec < static_cast<size_t>(n); ++rec) {
        if (v[rec] == kNullInt) {
          null[rec] = 1;
          continue;
        }
        // Unsigned subtraction: the difference of two int64 always fits in uint64.
        k.code[rec] = static_cast<uint64_t>(v[rec]) - static_cast<uint64_t>(lo);
        max_code = std::max(max_code, k.code[rec]);
      }
      break;
    }
  }
  k.bits = static_cast<int>(std::bit_width(max_code));
  return k;
}

// SplitMix64 finalizer: a strong 64-bit mix for combining key codes.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

struct Entry {
  uint64_t key;
  uint32_t rec;
};

int64_t PairsOf(int64_t n) { return n * (n - 1) / 2; }

}  // namespace

Result<LinkMode> ParseLinkMode(std::string_view text) {
  if (text == "dedupe") return LinkMode::kDedupe;
  if (text == "link") return LinkMode::kLink;
  if (text == "link_and_dedupe") return LinkMode::kLinkAndDedupe;
  return Status::InvalidArgument("link mode '" + std::string(text) +
                                 "' is not one of dedupe, link, link_and_dedupe");
}

std::string_view LinkModeName(LinkMode mode) {
  switch (mode) {
    case LinkMode::kDedupe: return "dedupe";
    case LinkMode::kLink: return "link";
    case LinkMode::kLinkAndDedupe: return "link_and_dedupe";
  }
  return "dedupe";
}

std::string BlockingRule::ToString() const {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : " & ") + k;
  return out;
}

Result<Blocker> Blocker::Make(RecordSet& rs, std::vector<BlockingRule> rules,
                              BlockingOptions options) {
  if (rules.empty()) return Status::InvalidArgument("blocking needs at least one rule");
  if (options.max_block_size < 2) {
    return Status::InvalidArgument("max_block_size must be at least 2, not " +
                                   std::to_string(options.max_block_size));
  }
  if (rs.size() >= int64_t{kNoBlock}) {
    return Status::OutOfRange("blocking supports fewer than 2^32 - 1 records");
  }
  Blocker b;
  b.rs_ = &rs;
  b.options_ = options;
  b.link_only_ = options.mode == LinkMode::kLink;
  b.num_records_ = static_cast<size_t>(rs.size());
  for (size_t rule_idx = 0; rule_idx < rules.size(); ++rule_idx) {
    const BlockingRule& rule = rules[rule_idx];
    if (rule.keys.empty()) {
      return Status::InvalidArgument("blocking rule " + std::to_string(rule_idx + 1) + " has no keys");
    }
    std::vector<int> cols;
    for (const std::string& key : rule.keys) {
      Result<int> col = AddDerivedColumn(rs, key);
      if (!col.ok()) {
        return col.status().WithContext("blocking rule " + std::to_string(rule_idx + 1) + " (" +
                                        rule.ToString() + ")");
      }
      cols.push_back(*col);
    }
    b.rule_cols_.push_back(std::move(cols));
  }
  b.rules_ = std::move(rules);
  b.sources_.resize(b.num_records_);
  for (size_t rec = 0; rec < b.num_records_; ++rec) {
    b.sources_[rec] = rs.source_index(static_cast<int64_t>(rec));
  }
  b.block_of_.assign(b.num_records_ * b.rules_.size(), kNoBlock);
  b.skipped_.resize(b.rules_.size());
  for (int rule_idx = 0; rule_idx < b.num_rules(); ++rule_idx) {
    VL_RETURN_IF_ERROR(b.BuildRule(rule_idx, b.rule_cols_[static_cast<size_t>(rule_idx)]));
  }
  return b;
}

Status Blocker::BuildRule(int rule_idx, const std::vector<int>& key_cols) {
  const Table& table = rs_->table();
  const int64_t n = static_cast<int64_t>(num_records_);
  std::vector<uint8_t> null(num_records_, 0);
  std::vector<KeyCodes> keys;
  int total_bits = 0;
  for (const int col : key_cols) {
    keys.push_back(EncodeKey(table.column(col), n, null));
    total_bits += keys.back().bits;
  }
  // Exact packing keeps ascending key order for free; otherwise hash and
  // check equality, then order blocks by their key tuples.
  const bool packed = total_bits <= 64;
  std::vector<Entry> entries;
  entries.reserve(num_records_);
  for (size_t rec = 0; rec < num_records_; ++rec) {
    if (null[rec] != 0) continue;
    uint64_t key = 0;
    if (packed) {
      for (const KeyCodes& k : keys) {
        key = k.bits == 64 ? k.code[rec] : (key << k.bits) | k.code[rec];
      }
    } else {
      for (const KeyCodes& k : keys) key = Mix(key ^ k.code[rec]);
    }
    entries.push_back({key, static_cast<uint32_t>(rec)});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return x.key != y.key ? x.key < y.key : x.rec < y.rec;
  });

  auto tuple_less = [&keys](uint32_t x, uint32_t y) {
    for (const KeyCodes& k : keys) {
      if (k.code[x] != k.code[y]) return k.code[x] < k.code[y];
    }
    return false;
  };
  auto tuple_equal = [&keys](uint32_t x, uint32_t y) {
    for (const KeyCodes& k : keys) {
      if (k.code[x] != k.code[y]) return false;
    }
    return true;
  };

  // Groups of equal keys as ranges of `order`, records ascending in each.
  std::vector<uint32_t> order(entries.size());
  for (size_t idx = 0; idx < entries.size(); ++idx) order[idx] = entries[idx].rec;
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin + 1;
    while (end < entries.size() && entries[end].key == entries[begin].key) ++end;
    if (!packed) {
      bool uniform = true;
      for (size_t idx = begin + 1; idx < end && uniform; ++idx) {
        uniform = tuple_equal(order[begin], order[idx]);
      }
      if (!uniform) {
        // A hash collision: split the run by exact key, records ascending.
        std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(begin),
                         order.begin() + static_cast<std::ptrdiff_t>(end), tuple_less);
        for (size_t sub = begin; sub < end;) {
          size_t sub_end = sub + 1;
          while (sub_end < end && tuple_equal(order[sub], order[sub_end])) ++sub_end;
          groups.emplace_back(sub, sub_end);
          sub = sub_end;
        }
        begin = end;
        continue;
      }
    }
    groups.emplace_back(begin, end);
    begin = end;
  }
  if (!packed) {
    std::sort(groups.begin(), groups.end(), [&](const auto& x, const auto& y) {
      return tuple_less(order[x.first], order[y.first]);
    });
  }

  uint32_t* block_of = block_of_.data() + static_cast<size_t>(rule_idx) * num_records_;
  std::vector<BlockInfo>& skipped = skipped_[static_cast<size_t>(rule_idx)];
  for (const auto& [begin, end] : groups) {
    const int64_t size = static_cast<int64_t>(end - begin);
    if (size < 2) continue;
    if (size > options_.max_block_size) {
      skipped.push_back({KeyText(rule_idx, order[begin]), size});
      continue;
    }
    if (link_only_) {
      // A block inside one source generates no pair in link mode.
      bool mixed = false;
      for (size_t idx = begin + 1; idx < end && !mixed; ++idx) {
        mixed = sources_[order[idx]] != sources_[order[begin]];
      }
      if (!mixed) continue;
    }
    const uint32_t block_id = static_cast<uint32_t>(blocks_.size());
    VL_CHECK(block_id != kNoBlock);
    Block block;
    block.begin = static_cast<int64_t>(records_.size());
    block.rule = rule_idx;
    for (size_t idx = begin; idx < end; ++idx) {
      records_.push_back(order[idx]);
      block_of[order[idx]] = block_id;
    }
    block.end = static_cast<int64_t>(records_.size());
    blocks_.push_back(block);
  }
  std::stable_sort(skipped.begin(), skipped.end(),
                   [](const BlockInfo& x, const BlockInfo& y) { return x.size > y.size; });
  return Status::OK();
}

std::string Blocker::KeyText(int rule_idx, uint32_t rec) const {
  std::string out;
  for (const int col : rule_cols_[static_cast<size_t>(rule_idx)]) {
    if (!out.empty()) out += " | ";
    out += rs_->table().ValueAsString(rec, col);
  }
  return out;
}

std::string Blocker::BlockKeyText(int64_t block_idx) const {
  const Block& b = blocks_[static_cast<size_t>(block_idx)];
  return KeyText(b.rule, records_[static_cast<size_t>(b.begin)]);
}

BlockingReport Blocker::Report() const {
  BlockingReport report;
  report.mode = options_.mode;
  report.num_records = static_cast<int64_t>(num_records_);
  report.rules.resize(rules_.size());
  std::vector<std::vector<int64_t>> rule_blocks(rules_.size());
  for (int64_t block_idx = 0; block_idx < num_blocks(); ++block_idx) {
    const int rule_idx = block_rule(block_idx);
    RuleReport& r = report.rules[static_cast<size_t>(rule_idx)];
    ++r.num_blocks;
    rule_blocks[static_cast<size_t>(rule_idx)].push_back(block_idx);
    const bool plain = rule_idx == 0 && !link_only_;
    if (plain) {
      r.pairs += PairsOf(block_size(block_idx));
    } else {
      int64_t count = 0;
      ForEachPairInBlocks(block_idx, block_idx + 1, [&count](int64_t, int64_t) { ++count; });
      r.pairs += count;
    }
  }
  for (size_t rule_idx = 0; rule_idx < rules_.size(); ++rule_idx) {
    RuleReport& r = report.rules[rule_idx];
    r.rule = rules_[rule_idx].ToString();
    report.total_pairs += r.pairs;
    r.cumulative_pairs = report.total_pairs;
    std::vector<int64_t>& ids = rule_blocks[rule_idx];
    const size_t top = std::min(ids.size(), static_cast<size_t>(std::max(0, options_.report_largest)));
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(top), ids.end(),
                      [this](int64_t x, int64_t y) {
                        const int64_t sx = block_size(x);
                        const int64_t sy = block_size(y);
                        return sx != sy ? sx > sy : x < y;
                      });
    for (size_t idx = 0; idx < top; ++idx) r.largest.push_back({BlockKeyText(ids[idx]), block_size(ids[idx])});
    r.skipped = skipped_[rule_idx];
    for (const BlockInfo& s : r.skipped) {
      report.warnings.push_back("blocking rule " + std::to_string(rule_idx + 1) + " (" + r.rule +
                                "): skipped block '" + s.key + "' of " + std::to_string(s.size) +
                                " records (max_block_size " + std::to_string(options_.max_block_size) +
                                ")");
    }
  }
  return report;
}

std::string FormatBlockingReport(const BlockingReport& report) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "blocking (%s): %" PRId64 " records, %" PRId64 " candidate pairs\n",
                std::string(LinkModeName(report.mode)).c_str(), report.num_records, report.total_pairs);
  out += line;
  for (size_t rule_idx = 0; rule_idx < report.rules.size(); ++rule_idx) {
    const RuleReport& r = report.rules[rule_idx];
    std::snprintf(line, sizeof line, "  rule %zu: %" PRId64 " pairs (cumulative %" PRId64 "), %" PRId64 " blocks: ",
                  rule_idx + 1, r.pairs, r.cumulative_pairs, r.num_blocks);
    out += line + r.rule + "\n";
    for (const BlockInfo& b : r.largest) {
      std::snprintf(line, sizeof line, "    %10" PRId64 "  ", b.size);
      out += line + b.key + "\n";
    }
    for (const BlockInfo& b : r.skipped) {
      std::snprintf(line, sizeof line, "    %10" PRId64 "  skipped (over the cap): ", b.size);
      out += line + b.key + "\n";
    }
  }
  return out;
}

}  // namespace vitalink::link
