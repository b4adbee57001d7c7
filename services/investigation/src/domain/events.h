#pragma once

// The events an investigation publishes, built from it (pure). None carries a
// personnummer, register data, interview or reference content, or a decision's reasons.

#include "fhv/investigation/v1/events.pb.h"
#include "fhv/investigation/v1/investigation_service.pb.h"

namespace fhv::investigation {

namespace v1 = ::fhv::investigation::v1;

v1::InvestigationOpenedEvent OpenedEvent(const v1::Investigation& inv);
// For an APPROVED initial investigation.
v1::HomeApprovedEvent ApprovedEvent(const v1::Investigation& inv);
// For an APPROVED follow-up.
v1::HomeApprovalUpdatedEvent ApprovalUpdatedEvent(const v1::Investigation& inv);
// For a REJECTED initial investigation.
v1::HomeRejectedEvent RejectedEvent(const v1::Investigation& inv);
// For a REJECTED follow-up.
v1::HomeApprovalRevokedEvent RevokedEvent(const v1::Investigation& inv);
v1::InvestigationDiscontinuedEvent DiscontinuedEvent(const v1::Investigation& inv);

// The profile the registry receives: the investigation's, with the current adults'
// names and contact details, the children's ages and the completed trainings.
v1::HomeProfile PublishedProfile(const v1::Investigation& inv);

}  // namespace fhv::investigation
