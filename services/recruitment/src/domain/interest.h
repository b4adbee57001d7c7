#pragma once

// Pure rules for interests (intresseanmälan): validation and normalisation.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

struct ValidInterest {
  // The interest with output-only fields cleared and personnummer as 12 digits.
  v1::Interest interest;
  // The adults' personnummer (12 digits), in the order given.
  std::vector<std::string> personnummer;
};

// Checks an interest as a caller submits it, on the date `today`. Returns
// INVALID_ARGUMENT listing every violation (paths under "interest.") and never the
// values themselves.
absl::StatusOr<ValidInterest> ValidateInterest(const v1::Interest& in, absl::CivilDay today);

// Checks a submission as the national portal delivers it and returns it as an interest
// from source PORTAL with the portal's submission id, score and answers. INVALID_ARGUMENT
// lists every violation under "submission." (the portal's field names).
absl::StatusOr<ValidInterest> ValidatePortalSubmission(const v1::PortalSubmission& in,
                                                       absl::CivilDay today);

// The stored name of an enum value, e.g. "INTEREST_SOURCE_PORTAL".
std::string SourceName(v1::InterestSource source);

}  // namespace fhv::recruitment
