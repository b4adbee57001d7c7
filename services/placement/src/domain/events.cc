#include "services/placement/src/domain/events.h"

namespace fhv::placement {
namespace {

// The agency that holds the home, for an agency home.
void SetAgency(const v1::Placement& p, fhv::common::v1::OrganisationRef* agency) {
  if (p.agency_home()) *agency = p.home_owner();
}

}  // namespace

v1::PlacementStartedEvent StartedEvent(const v1::Placement& p,
                                       const std::vector<std::string>& siblings_in_home) {
  v1::PlacementStartedEvent e;
  e.set_placement_id(p.placement_id());
  e.set_placement_request_id(p.placement_request_id());
  e.set_home_id(p.home_id());
  *e.mutable_child() = p.child();
  e.set_paying_municipality_id(p.municipality_id());
  e.set_form(p.form());
  e.set_legal_basis(p.legal_basis());
  *e.mutable_start_date() = p.start_date();
  e.set_agency_home(p.agency_home());
  if (p.agency_home()) SetAgency(p, e.mutable_agency());
  *e.mutable_home_owner() = p.home_owner();
  e.set_agreed_monthly_fee_ore(p.agreed_monthly_fee_ore());
  e.set_agency_daily_rate_ore(p.agency_daily_rate_ore());
  for (const auto& id : siblings_in_home) e.add_siblings_in_home_child_ids(id);
  return e;
}

v1::PlacementEndedEvent EndedEvent(const v1::Placement& p) {
  v1::PlacementEndedEvent e;
  e.set_placement_id(p.placement_id());
  e.set_placement_request_id(p.placement_request_id());
  e.set_home_id(p.home_id());
  *e.mutable_child() = p.child();
  e.set_paying_municipality_id(p.municipality_id());
  e.set_form(p.form());
  *e.mutable_start_date() = p.start_date();
  *e.mutable_end_date() = p.end_date();
  e.set_reason(p.end_reason());
  e.set_agency_home(p.agency_home());
  if (p.agency_home()) SetAgency(p, e.mutable_agency());
  *e.mutable_home_owner() = p.home_owner();
  return e;
}

v1::PlacementApprovedEvent ApprovedEvent(const v1::PlacementRequest& r,
                                         const std::string& home_id) {
  v1::PlacementApprovedEvent e;
  e.set_placement_request_id(r.placement_request_id());
  e.set_home_id(home_id);
  e.mutable_child()->set_child_id(r.child().child_id());
  *e.mutable_child()->mutable_birth_date() = r.child().birth_date();
  e.set_paying_municipality_id(r.municipality_id());
  e.set_form(r.form());
  if (r.decisions_size() > 0) *e.mutable_decision_date() = r.decisions().rbegin()->decision_date();
  *e.mutable_expected_start_date() = r.wanted_start_date();
  return e;
}

v1::PlacementReservationReleasedEvent ReleasedEvent(const v1::PlacementRequest& r,
                                                    const std::string& home_id) {
  v1::PlacementReservationReleasedEvent e;
  e.set_placement_request_id(r.placement_request_id());
  e.set_home_id(home_id);
  e.set_paying_municipality_id(r.municipality_id());
  return e;
}

}  // namespace fhv::placement
