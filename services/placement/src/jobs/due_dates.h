#pragma once

// Keeps the stored due dates (placement.placement_due) in step with the placements, the clock
// rules and this binary's clock logic.

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/util/clock.h"

namespace fhv::placement {

// At start: records this binary's fingerprint (DueDatesFingerprint of the rules) if another was
// recorded, marking every active placement's due dates stale, then ReconcileDueDates.
absl::Status PrepareDueDates(db::Pool& pool, const Clock& clock);

// Recomputes the due dates of the placements whose stored ones are stale, in batches that each
// lock their placements as a change does (calls go on meanwhile); logs its progress. Does
// nothing while another binary's fingerprint is recorded. Returns the number recomputed. Safe
// to run on several replicas at once.
absl::StatusOr<int> ReconcileDueDates(db::Pool& pool, const Clock& clock);

}  // namespace fhv::placement
