// Naive twin of TrainEm (em.h): the same EM, written the textbook way over one
// comparison vector per pair (no pattern compression, direct products, no log
// space). Slow; for differential tests only.
//
//   VL_ASSIGN_OR_RETURN(EmResult slow, reference::TrainEmNaive(gammas, num_pairs, init, opts));
#pragma once

#include <cstdint>

#include "vitalink/link/em/em.h"

namespace vitalink::link::reference {

/// Run EM over `num_pairs` comparison vectors stored row-major in `gammas` (K
/// bytes each), with TrainEm's options, floors and stopping rule.
Result<EmResult> TrainEmNaive(const uint8_t* gammas, int64_t num_pairs, const FsModel& init,
                              const EmOptions& options = {});

}  // namespace vitalink::link::reference
