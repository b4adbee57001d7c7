#pragma once

// Pure rules for organisations (municipalities, agencies) and regions.

#include <string>

#include "absl/status/statusor.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

// Checks an organisation given by an admin and returns it normalised (an agency's id
// and any organisationsnummer as 10 digits; output-only fields cleared).
// INVALID_ARGUMENT lists every violation under "organisation.".
absl::StatusOr<v1::Organisation> ValidateOrganisation(const v1::Organisation& in);

// Checks a region: a region id, a name, one or more distinct kommunkoder (their
// existence is checked against storage by the caller). INVALID_ARGUMENT under "region.".
absl::StatusOr<v1::Region> ValidateRegion(const v1::Region& in);

// A region id: 1..64 of a-z, 0-9, '-', '_'.
bool IsRegionId(const std::string& id);

}  // namespace fhv::recruitment
