#pragma once

// Pure rules of an investigation (utredning): its state machine, the mandatory steps and
// every verb as a change of the fhv.investigation.v1.Investigation message. No I/O; ids
// and the time come from the caller.
//
// Every verb returns FAILED_PRECONDITION (reason INVALID_STATE, metadata "state") when
// called in the wrong state, INVALID_ARGUMENT naming each bad field, and NOT_FOUND for a
// member, check or training the investigation does not have. On error the investigation
// is unchanged.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fhv/investigation/v1/investigation_service.pb.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::investigation {

namespace v1 = ::fhv::investigation::v1;

// Who acts, and when.
struct Actor {
  std::string user;
  absl::Time now;
  absl::CivilDay today;  // in Europe/Stockholm
};

struct OpenSpec {
  std::string investigation_id;
  fhv::common::v1::OrganisationRef organisation;
  std::vector<fhv::common::v1::AssignmentKind> assignment_kinds;  // empty: the applicant's
  std::string investigator_user_id;                               // empty: the actor
  v1::InvestigationMethod method = v1::INVESTIGATION_METHOD_UNSPECIFIED;
  bool require_training = false;
};

// A new initial investigation (OPEN) of `applicant`, its adults copied into the household
// with the ids `member_ids` (one per adult, in order) and into the home profile.
// FAILED_PRECONDITION (reason APPLICANT_NOT_INVESTIGABLE) for a closed applicant;
// INVALID_ARGUMENT for a bad spec.
absl::StatusOr<v1::Investigation> OpenInitial(const OpenSpec& spec,
                                              const fhv::recruitment::v1::Applicant& applicant,
                                              const std::vector<std::string>& member_ids,
                                              const Actor& actor);

struct FollowUpSpec {
  std::string investigation_id;
  v1::FollowUpReason reason = v1::FOLLOW_UP_REASON_UNSPECIFIED;
  std::string description;
  std::vector<fhv::common::v1::AssignmentKind> assignment_kinds;  // empty: the approved ones
  std::string investigator_user_id;                               // empty: the actor
  v1::InvestigationMethod method = v1::INVESTIGATION_METHOD_UNSPECIFIED;
  bool require_training = false;
};

// A new follow-up (OPEN) of the home that `latest` (the home's latest decided
// investigation) approved: its current household and profile are copied.
// FAILED_PRECONDITION (reason APPROVAL_REVOKED) if `latest` was a rejection.
absl::StatusOr<v1::Investigation> OpenFollowUp(const FollowUpSpec& spec,
                                               const v1::Investigation& latest, const Actor& actor);

// True in OPEN, IN_PROGRESS and READY_FOR_DECISION.
bool IsUndecided(v1::InvestigationState state);

absl::Status AssignInvestigator(v1::Investigation& inv, const std::string& user,
                                const Actor& actor);
absl::Status Start(v1::Investigation& inv, const Actor& actor);
absl::Status AddMember(v1::Investigation& inv, v1::HouseholdMember member,
                       const std::string& member_id, const Actor& actor);
absl::Status RemoveMember(v1::Investigation& inv, const std::string& member_id,
                          const std::string& reason, const Actor& actor);
absl::Status RequestRegisterCheck(v1::Investigation& inv, const std::string& member_id,
                                  v1::RegisterKind register_kind,
                                  const fhv::common::v1::Date& requested,
                                  const std::string& check_id, const Actor& actor);
// The note itself is not part of the investigation: the caller stores it apart.
absl::Status AnswerRegisterCheck(v1::Investigation& inv, const std::string& check_id,
                                 const fhv::common::v1::Date& answered,
                                 v1::RegisterCheckOutcome outcome, const std::string& note,
                                 const Actor& actor);
absl::Status RecordHomeVisit(v1::Investigation& inv, v1::HomeVisit visit, const std::string& id,
                             const Actor& actor);
absl::Status RecordInterview(v1::Investigation& inv, v1::Interview interview, const std::string& id,
                             const Actor& actor);
absl::Status RecordReference(v1::Investigation& inv, v1::Reference reference, const std::string& id,
                             const Actor& actor);
absl::Status RecordTraining(v1::Investigation& inv, v1::Training training, const std::string& id,
                            const Actor& actor);
absl::Status UpdateTrainingProgress(v1::Investigation& inv, const std::string& training_id,
                                    int sessions_attended,
                                    const fhv::common::v1::Date& completed_date,
                                    const Actor& actor);
// Sets the profile fields named by `paths` (relative to HomeProfile).
absl::Status UpdateHomeProfile(v1::Investigation& inv, const v1::HomeProfile& profile,
                               const std::vector<std::string>& paths, const Actor& actor);
// IN_PROGRESS -> READY_FOR_DECISION; FAILED_PRECONDITION (reason INVESTIGATION_INCOMPLETE,
// metadata "missing_steps") while a mandatory step is missing.
absl::Status MarkReadyForDecision(v1::Investigation& inv, v1::Recommendation recommendation,
                                  const Actor& actor);
absl::Status ReturnForCompletion(v1::Investigation& inv, const std::string& reason,
                                 const Actor& actor);
// READY_FOR_DECISION -> APPROVED. Sets home_id to `new_home_id` unless it has one.
absl::Status Approve(v1::Investigation& inv, const v1::ApprovalScope& scope,
                     const fhv::common::v1::Date& decision_date, const std::string& reason,
                     const fhv::common::v1::Date& next_follow_up, const std::string& new_home_id,
                     const Actor& actor);
absl::Status Reject(v1::Investigation& inv, const fhv::common::v1::Date& decision_date,
                    const std::string& reason, const Actor& actor);
absl::Status Discontinue(v1::Investigation& inv, v1::DiscontinuationReason reason,
                         const std::string& note, const fhv::common::v1::Date& date,
                         const Actor& actor);

// The mandatory steps still missing (see MissingStepKind), in a fixed order: register
// checks by member and register, home visit, interviews, references, training.
std::vector<v1::MissingStep> MissingSteps(const v1::Investigation& inv);

// "KIND[:member_id[:register]]" of each step, comma-separated, e.g.
// "REGISTER_CHECK:<id>:POLICE,REFERENCES".
std::string MissingStepsList(const std::vector<v1::MissingStep>& steps);

// The profile with its output-only fields as of `on`: the current applicant adults' names
// and contact details, the current children's ages and the completed trainings.
v1::HomeProfile CurrentProfile(const v1::Investigation& inv, absl::CivilDay on);

// Fills the fields computed at read time: missing_steps, days_open, each check's
// days_waiting, and the profile's output-only fields (as of the decision, or today).
void Derive(v1::Investigation& inv, absl::CivilDay today);

// INVALID_ARGUMENT under `field` unless the scope is possible: kinds named once each,
// max_children 1..10, ages 0..120 with min <= max, a support tier.
absl::Status CheckScope(const v1::ApprovalScope& scope, const std::string& field);

}  // namespace fhv::investigation
