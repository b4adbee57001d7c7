#pragma once

// Pure rules for homes in the registry: what a valid home is, what a profile update
// may change, and what each organisation is shown.

#include <string>

#include "absl/status/statusor.h"
#include "fhv/investigation/v1/investigation_service.pb.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

// Checks a home as an admin registers it (approval scope, owner, profile) and returns
// it with output-only fields cleared and availability AVAILABLE unless PAUSED was
// given, and its position rounded to two decimals. INVALID_ARGUMENT lists every violation under
// "home.". The existence of the owner, the municipality and the regions is checked against storage
// by the caller.
absl::StatusOr<v1::Home> ValidateNewHome(const v1::Home& in);

// The registry's home for an approval by the investigation service (HomeApprovedEvent,
// HomeApprovalUpdatedEvent), validated as ValidateNewHome does, with `home_id` set.
absl::StatusOr<v1::Home> HomeFromApproval(const std::string& home_id,
                                          const std::string& applicant_id,
                                          const fhv::common::v1::OrganisationRef& owner,
                                          const fhv::investigation::v1::ApprovalScope& scope,
                                          const fhv::investigation::v1::HomeProfile& profile);

// Copies the profile fields of `update` (see UpdateHomeProfileRequest) onto `stored`
// and validates the result. INVALID_ARGUMENT under "home." otherwise.
absl::StatusOr<v1::Home> ApplyProfile(const v1::Home& stored, const v1::Home& update);

// The home as organisation `viewer_org` may see it: a protected address is cleared for
// everyone but the owner.
v1::Home ShownTo(v1::Home home, const std::string& viewer_org);

// The availability shown: FULL when no place is free, else the stored one.
v1::Availability EffectiveAvailability(const v1::Home& home);

}  // namespace fhv::recruitment
