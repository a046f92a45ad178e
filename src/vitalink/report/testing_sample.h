// Made-up bulletins for screenshots, demos and tests. The numbers are plausible but
// invented; nothing here is estimated from data.
//
//   report::Bulletin b = report::MakeSampleBulletin();   // 宁乡市, 29 townships, scored
//   WriteFileAtomic("/tmp/sample.html", report::RenderHtml(b, report::Lang::kZh));
#pragma once

#include <cstdint>

#include "vitalink/report/bulletin.h"

namespace vitalink::report {

/// Return a scored bulletin for Ningxiang (430182): its 29 townships (GB/T 2260
/// names), 3–8 invented villages each, five earlier runs in the trend and a previous
/// run's scores. Deterministic in `seed`; methods notes in `notes_lang`.
Bulletin MakeSampleBulletin(uint64_t seed = 20261031, Lang notes_lang = Lang::kZh);

/// Return a small scored bulletin (3 townships, one without an estimate, one with a
/// hostile name; 2 villages) for golden files and unit tests.
Bulletin MakeSmallBulletin();

}  // namespace vitalink::report
