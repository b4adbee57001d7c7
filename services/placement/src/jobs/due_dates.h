#pragma once

// Keeps the stored due dates (placement.placement_due) in step with the clock rules and this
// binary's clock logic.

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/util/clock.h"

namespace fhv::placement {

// Recomputes the due dates of every active placement when the stored ones were computed with
// other rules or another kClockLogicVersion, in batches that each lock their placements as a
// change does, so calls may go on meanwhile; logs its progress. Returns the number of
// placements recomputed: 0 when the stored due dates were current. Safe to run on several
// replicas at once.
absl::StatusOr<int> RebuildDueDates(db::Pool& pool, const Clock& clock);

}  // namespace fhv::placement
