#pragma once

// The one policy function of the suite: which roles of which kind of organisation
// may take each action. Record-level rules (whose record it is) live in each
// service's domain code and are checked after this.

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace fhv::auth {

enum class Action {
  kDeliverEvent,  // service-to-service event delivery
  // recruitment
  kSubmitInterest,
  kReadInterest,
  kManageOrganisations,  // organisations and regions
  kReadOrganisations,
  kReadApplicant,  // applicants and their pipeline
  kStepApplicant,  // the pipeline's verbs
  kReadFunnel,     // funnel reports
  kRegisterHome,   // entering an approved home by hand
  kReadHomes,      // the registry
  kUpdateHome,     // the owner's profile and availability
  kFindHomes,      // matching
};

// OK if `principal` may take `action`; PERMISSION_DENIED naming the action otherwise.
absl::Status Authorize(const Principal& principal, Action action);

}  // namespace fhv::auth
