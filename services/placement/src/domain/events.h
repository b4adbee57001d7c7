#pragma once

// The events the placement service publishes (fhv/placement/v1/events.proto), built from its
// records. They carry the pseudonymous child id and birth date, never the child's identity.

#include <string>
#include <vector>

#include "fhv/placement/v1/events.pb.h"

namespace fhv::placement {

namespace v1 = ::fhv::placement::v1;

// `siblings_in_home`: child ids of the same sibling group placed in the same home earlier.
v1::PlacementStartedEvent StartedEvent(const v1::Placement& p,
                                       const std::vector<std::string>& siblings_in_home);
v1::PlacementEndedEvent EndedEvent(const v1::Placement& p);
// For an APPROVED request; the last decision is the approval.
v1::PlacementApprovedEvent ApprovedEvent(const v1::PlacementRequest& r, const std::string& home_id);
v1::PlacementReservationReleasedEvent ReleasedEvent(const v1::PlacementRequest& r,
                                                    const std::string& home_id);

}  // namespace fhv::placement
