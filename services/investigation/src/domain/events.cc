#include "services/investigation/src/domain/events.h"

#include "absl/time/civil_time.h"

namespace fhv::investigation {

v1::HomeProfile PublishedProfile(const v1::Investigation& inv) {
  v1::HomeProfile p = inv.home_profile();
  p.clear_adults();
  p.clear_household_children_ages();
  p.clear_completed_trainings();
  const auto& decided = inv.decision().decision_date();
  const absl::CivilDay on(decided.year(), decided.month(), decided.day());
  for (const auto& m : inv.household()) {
    if (m.has_remove_time()) continue;
    if (m.kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT) {
      auto* a = p.add_adults();
      *a->mutable_name() = m.name();
      *a->mutable_contact_details() = m.contact_details();
    } else if (m.kind() == v1::HOUSEHOLD_MEMBER_KIND_CHILD && m.has_birth_date()) {
      const auto& b = m.birth_date();
      int age = static_cast<int>(on.year() - b.year());
      if (on.month() < b.month() || (on.month() == b.month() && on.day() < b.day())) --age;
      p.add_household_children_ages(std::max(0, age));
    }
  }
  for (const auto& t : inv.trainings()) {
    if (!t.has_completed_date()) continue;
    auto* c = p.add_completed_trainings();
    c->set_program(t.program());
    c->set_program_name(t.program_name());
    *c->mutable_completed_date() = t.completed_date();
  }
  return p;
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
