#include "services/investigation/src/domain/events.h"

#include "absl/time/civil_time.h"
#include "services/investigation/src/domain/investigation.h"

namespace fhv::investigation {

v1::HomeProfile PublishedProfile(const v1::Investigation& inv) {
  const auto& d = inv.decision().decision_date();
  return CurrentProfile(inv, absl::CivilDay(d.year(), d.month(), d.day()));
}

v1::InvestigationOpenedEvent OpenedEvent(const v1::Investigation& inv) {
  v1::InvestigationOpenedEvent e;
  e.set_investigation_id(inv.investigation_id());
  e.set_kind(inv.kind());
  e.set_applicant_id(inv.applicant_id());
  e.set_home_id(inv.home_id());
  *e.mutable_organisation() = inv.organisation();
  *e.mutable_assignment_kinds() = inv.assignment_kinds();
  *e.mutable_opened_date() = inv.opened_date();
  return e;
}

v1::HomeApprovedEvent ApprovedEvent(const v1::Investigation& inv) {
  v1::HomeApprovedEvent e;
  e.set_home_id(inv.home_id());
  e.set_applicant_id(inv.applicant_id());
  e.set_investigation_id(inv.investigation_id());
  *e.mutable_approving_organisation() = inv.organisation();
  *e.mutable_scope() = inv.decision().scope();
  *e.mutable_decision_date() = inv.decision().decision_date();
  *e.mutable_profile() = PublishedProfile(inv);
  *e.mutable_next_follow_up_due_date() = inv.decision().next_follow_up_due_date();
  return e;
}

v1::HomeApprovalUpdatedEvent ApprovalUpdatedEvent(const v1::Investigation& inv) {
  v1::HomeApprovalUpdatedEvent e;
  e.set_home_id(inv.home_id());
  e.set_applicant_id(inv.applicant_id());
  e.set_investigation_id(inv.investigation_id());
  *e.mutable_approving_organisation() = inv.organisation();
  *e.mutable_scope() = inv.decision().scope();
  *e.mutable_decision_date() = inv.decision().decision_date();
  *e.mutable_profile() = PublishedProfile(inv);
  e.set_follow_up_reason(inv.follow_up_reason());
  *e.mutable_next_follow_up_due_date() = inv.decision().next_follow_up_due_date();
  return e;
}

v1::HomeRejectedEvent RejectedEvent(const v1::Investigation& inv) {
  v1::HomeRejectedEvent e;
  e.set_applicant_id(inv.applicant_id());
  e.set_investigation_id(inv.investigation_id());
  *e.mutable_deciding_organisation() = inv.organisation();
  *e.mutable_decision_date() = inv.decision().decision_date();
  return e;
}

v1::HomeApprovalRevokedEvent RevokedEvent(const v1::Investigation& inv) {
  v1::HomeApprovalRevokedEvent e;
  e.set_home_id(inv.home_id());
  e.set_applicant_id(inv.applicant_id());
  e.set_investigation_id(inv.investigation_id());
  *e.mutable_deciding_organisation() = inv.organisation();
  *e.mutable_decision_date() = inv.decision().decision_date();
  return e;
}

v1::InvestigationDiscontinuedEvent DiscontinuedEvent(const v1::Investigation& inv) {
  v1::InvestigationDiscontinuedEvent e;
  e.set_investigation_id(inv.investigation_id());
  e.set_kind(inv.kind());
  e.set_applicant_id(inv.applicant_id());
  e.set_home_id(inv.home_id());
  *e.mutable_organisation() = inv.organisation();
  e.set_reason(inv.discontinuation().reason());
  *e.mutable_discontinued_date() = inv.discontinuation().discontinued_date();
  return e;
}

}  // namespace fhv::investigation
