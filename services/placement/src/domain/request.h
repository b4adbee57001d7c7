#pragma once

// Pure rules of the placement-request flow and of placements: who may take each step, from
// which state, with which input, and what the request or placement looks like after it; who
// sees what. No I/O: the handlers bring what other services and the database know.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "fhv/placement/v1/placement_service.pb.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::placement {

namespace v1 = ::fhv::placement::v1;

// Who acts, and when.
struct Actor {
  auth::Principal caller;
  absl::Time now;
  absl::CivilDay today;  // Europe/Stockholm
};

// --- Access ---------------------------------------------------------------------------------

enum class View {
  kNone,      // may not see it
  kRedacted,  // the addressee (an agency): the child only as the request shares it
  kFull,      // the owning municipality, its committee for what was put up to it, admins
};

// Reading roles: the owning municipality's case_worker and admin (full); its committee roles
// once the request was put up for decision (full); the current addressee's
// operations_manager and consultant, also the owner's own foster-home team (redacted).
View ViewOf(const auth::Principal& p, const v1::PlacementRequest& r);
// The request as `view` shows it; sets child_redacted.
v1::PlacementRequest Shown(v1::PlacementRequest r, View view);

// Reading roles of a placement: the owner's case_worker, admin and committee roles (full);
// the operations_manager and consultant of the agency that holds the home (without notes);
// the suite's services (full).
View ViewOf(const auth::Principal& p, const v1::Placement& placement);
v1::Placement Shown(v1::Placement placement, View view);

// --- Creating and changing a request ----------------------------------------------------------

// A new SUBMITTED request from `in`, with every violation reported at once. The child's
// personnummer is returned with 12 digits. child_id, sibling ids and the addressee's
// existence are the caller's to fill and check.
absl::StatusOr<v1::PlacementRequest> NewRequest(const v1::CreatePlacementRequestRequest& in,
                                                const std::string& request_id, const Actor& actor);

// The fields of `patch` named in `mask` onto `r` (see UpdatePlacementRequest).
absl::Status Update(v1::PlacementRequest& r, const v1::PlacementRequest& patch,
                    const std::vector<std::string>& mask, const Actor& actor);

absl::Status Accept(v1::PlacementRequest& r, const v1::AcceptPlacementRequestRequest& in,
                    const std::vector<std::string>& statement_ids, const Actor& actor);
absl::Status Decline(v1::PlacementRequest& r, const v1::DeclinePlacementRequestRequest& in,
                     const Actor& actor);
// `addressee` is validated by the caller (an agency that exists, or the owner itself).
absl::Status Readdress(v1::PlacementRequest& r, const fhv::common::v1::OrganisationRef& addressee,
                       const Actor& actor);
absl::Status AddStatement(v1::PlacementRequest& r, const v1::IntakeStatement& statement,
                          const std::string& statement_id, const Actor& actor);
absl::Status AssignConsultant(v1::PlacementRequest& r, const std::string& consultant_user_id,
                              const Actor& actor);

// What ProposeHomes needs to know of one home, from recruitment and this service.
struct HomeCheck {
  v1::HomeToPropose proposed;
  fhv::recruitment::v1::HomeEvaluation evaluation;
  // This service's active placements and approved, not yet started requests in the home.
  int occupied = 0;
};

// The children to place together: this child and its siblings to be placed with it that
// are neither placed, approved nor closed.
struct Group {
  int children = 1;
  int youngest_age = 0;
  int oldest_age = 0;
};

// One home's eligibility: NOT_FOUND (HOME_NOT_FOUND) if recruitment does not know it;
// FAILED_PRECONDITION (HOME_NOT_ELIGIBLE, metadata home_id) naming every unmet hard constraint,
// or too few free places counting this service's approved, not yet started placements.
absl::Status CheckHome(const HomeCheck& home, const Group& group);
// Every check ProposeHomes makes before it touches the request: the caller, the state and
// each home (CheckHome).
absl::Status CheckProposal(const v1::PlacementRequest& r, const std::vector<HomeCheck>& homes,
                           const Group& group, const Actor& actor);
absl::Status Propose(v1::PlacementRequest& r, const std::vector<HomeCheck>& homes,
                     const std::vector<std::string>& proposal_ids, const Actor& actor);
absl::Status ReturnToMatching(v1::PlacementRequest& r, const std::string& reason,
                              const Actor& actor);
absl::Status ScheduleVisit(v1::PlacementRequest& r, const v1::Visit& visit,
                           const std::string& visit_id, const Actor& actor);
absl::Status RecordVisitOutcome(v1::PlacementRequest& r, const v1::RecordVisitOutcomeRequest& in,
                                const Actor& actor);
// The proposal of `proposal_id` if it may be put up (caller, state, open proposal of the
// current round); the handler then checks the home again with recruitment.
absl::StatusOr<const v1::Proposal*> CheckPutUp(const v1::PlacementRequest& r,
                                               const std::string& proposal_id, const Actor& actor);
absl::Status PutUp(v1::PlacementRequest& r, const std::string& proposal_id, const Actor& actor);

// The committee's decision. `delegations` are the municipality's delegations of the caller;
// the one covering the decision is named in it. Capacity is the caller's to check.
absl::Status Decide(v1::PlacementRequest& r, const v1::DecidePlacementRequestRequest& in,
                    const std::vector<v1::Delegation>& delegations, const std::string& decision_id,
                    const Actor& actor);
absl::Status RecordReported(v1::PlacementRequest& r, const v1::RecordDecisionReportedRequest& in,
                            const Actor& actor);
absl::Status Withdraw(v1::PlacementRequest& r, const std::string& reason, const Actor& actor);

// The approved proposal of an APPROVED (or later) request.
const v1::Proposal* ApprovedProposal(const v1::PlacementRequest& r);

// APPROVED → PLACED, and the new placement.
absl::StatusOr<v1::Placement> Start(v1::PlacementRequest& r, const v1::StartPlacementRequest& in,
                                    const std::string& placement_id, const Actor& actor);
// ACTIVE → ENDED, and its request PLACED → ENDED.
absl::Status End(v1::Placement& placement, v1::PlacementRequest& r,
                 const v1::EndPlacementRequest& in, const Actor& actor);
absl::Status RecordStep(v1::Placement& placement, const v1::StatutoryStep& step,
                        const std::string& step_id, const Actor& actor);

// --- Delegations ------------------------------------------------------------------------------

// INVALID_ARGUMENT listing every violation of a delegation to be stored.
absl::Status ValidateDelegation(const v1::Delegation& d);
// True if `d` covers a decision on `r` taken on `day`.
bool Covers(const v1::Delegation& d, const v1::PlacementRequest& r, absl::CivilDay day);

// --- Helpers shared with the handlers -----------------------------------------------------------

// FAILED_PRECONDITION (reason INVALID_STATE) naming the state, for a verb that `what`.
absl::Status WrongState(v1::PlacementRequestState state, absl::string_view what);
// The recruitment needs of a request's child (or group) for matching.
fhv::recruitment::v1::ChildNeeds NeedsOf(const v1::PlacementRequest& r, const Group& group);
// Whole years of age on `day`.
int AgeOn(const fhv::common::v1::Date& birth_date, absl::CivilDay day);
// The day the request was submitted.
absl::CivilDay SubmittedOn(const v1::PlacementRequest& r);

}  // namespace fhv::placement
