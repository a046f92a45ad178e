// The canonical fields a project config maps source columns onto, with their
// type and how ingest normalizes them (PRODUCT.md's table of sources).
//
//   const CanonicalField* f = FindCanonicalField("birth_date");
//   if (f && f->kind == ValueKind::kDate) ...
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "vitalink/table/table.h"

namespace vitalink::ingest {

/// How a canonical field's raw text is normalized and typed.
enum class ValueKind {
  kText,        // NormalizeText
  kName,        // NameNormalizer (adds traditional → simplified)
  kCitizenId,   // NormalizeCitizenId (kept even when invalid: the check stage reports it)
  kSex,         // ParseSex → "1" / "2" / "0"; unrecognized values reject the row
  kDate,        // ParseDate; impossible or unrecognized dates reject the row
  kInteger,     // decimal integer after NormalizeText; otherwise the row is rejected
  kCode,        // NormalizeText, kept as a code (area codes, household ids)
};

struct CanonicalField {
  std::string_view name;      // "birth_date"
  FieldType type;             // column type in the table
  ValueKind kind;
  std::string_view label_zh;  // "出生日期"
  std::string_view label_en;  // "date of birth"
};

/// Return every canonical field, in a fixed documented order.
std::span<const CanonicalField> CanonicalFields();

/// Return the canonical field named `name`, or nullptr.
const CanonicalField* FindCanonicalField(std::string_view name);

/// Return the canonical field name closest to `name` (edit distance ≤ 3), or "".
std::string SuggestCanonicalField(std::string_view name);

/// The roles a source can play; "register", "births", "survey", "migrants", "vaccination", "deaths".
bool IsKnownRole(std::string_view role);

}  // namespace vitalink::ingest
