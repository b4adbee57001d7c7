#include "services/investigation/src/domain/investigation.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "google/protobuf/util/field_mask_util.h"

namespace fhv::investigation {
namespace {

using fhv::common::v1::Date;

constexpr v1::RegisterKind kRegisters[] = {
    v1::REGISTER_KIND_POLICE, v1::REGISTER_KIND_SOCIAL_SERVICES, v1::REGISTER_KIND_KRONOFOGDEN,
    v1::REGISTER_KIND_FORSAKRINGSKASSAN};

std::string StateName(v1::InvestigationState s) { return v1::InvestigationState_Name(s); }

absl::Status WrongState(const v1::Investigation& inv, absl::string_view verb) {
  const std::string state = StateName(inv.state());
  return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
               absl::StrCat("the investigation is ", state, "; cannot ", verb), {{"state", state}});
}

// OK if `inv` is in one of `allowed`.
absl::Status RequireState(const v1::Investigation& inv,
                          std::initializer_list<v1::InvestigationState> allowed,
                          absl::string_view verb) {
  for (auto s : allowed) {
    if (inv.state() == s) return absl::OkStatus();
  }
  return WrongState(inv, verb);
}

// Steps are recorded only IN_PROGRESS.
absl::Status RequireRecording(const v1::Investigation& inv) {
  return RequireState(inv, {v1::INVESTIGATION_STATE_IN_PROGRESS}, "record steps");
}

void Enter(v1::Investigation& inv, v1::InvestigationState state, const Actor& actor,
           const std::string& reason = "") {
  inv.set_state(state);
  auto* t = inv.add_transitions();
  t->set_state(state);
  *t->mutable_time() = ToTimestamp(actor.now);
  t->set_actor_user_id(actor.user);
  t->set_reason(reason);
}

void Touch(v1::Investigation& inv, const Actor& actor) {
  *inv.mutable_update_time() = ToTimestamp(actor.now);
}

// A past or present date; adds a violation otherwise.
std::optional<absl::CivilDay> PastDate(Violations& v, const std::string& field, const Date& d,
                                       const Actor& actor) {
  auto day = DayOf(d);
  if (!day) {
    v.Add(field, "must be a date");
  } else if (*day > actor.today) {
    v.Add(field, "must not be in the future");
    return std::nullopt;
  }
  return day;
}

// A decision date: not in the future and not before the investigation was opened.
std::optional<absl::CivilDay> DecisionDate(Violations& v, const v1::Investigation& inv,
                                           const Date& d, const Actor& actor) {
  auto day = PastDate(v, "decision_date", d, actor);
  auto opened = DayOf(inv.opened_date());
  if (day && opened && *day < *opened) {
    v.Add("decision_date", "must not be before the investigation was opened");
    return std::nullopt;
  }
  return day;
}

// The registry's rules for what an approval publishes, so that an approved home is
// always one the registry can enter.
void CheckProfile(Violations& v, const v1::HomeProfile& p) {
  validation::CheckText(v, "home_profile.display_name", p.display_name(), 200, false);
  validation::CheckText(v, "home_profile.family_composition_note", p.family_composition_note(),
                        1000, false);
  if (!fhv::common::v1::FamilyComposition_IsValid(p.family_composition())) {
    v.Add("home_profile.family_composition", "is not a family composition");
  }
  if (!v1::DwellingKind_IsValid(p.dwelling_kind())) {
    v.Add("home_profile.dwelling_kind", "is not a kind of dwelling");
  }
  if (p.rooms_for_placed_children() < 0 || p.rooms_for_placed_children() > 20) {
    v.Add("home_profile.rooms_for_placed_children", "must be 0..20");
  }
  if (!p.location_municipality_id().empty()) {
    v.Check("home_profile.location_municipality_id",
            validation::CheckKommunkod(p.location_municipality_id()));
  }
  if (p.has_coarse_location()) {
    const double lat = p.coarse_location().latitude(), lon = p.coarse_location().longitude();
    if (!(lat >= 54 && lat <= 70) || !(lon >= 10 && lon <= 25)) {
      v.Add("home_profile.coarse_location", "must be a position in Sweden");
    }
  }
  validation::CheckCodes(v, "home_profile.languages", p.languages(), 3);
  validation::CheckCodes(v, "home_profile.cultural_competences", p.cultural_competences(), 64);
  validation::CheckCodes(v, "home_profile.experience_tags", p.experience_tags(), 64);
  validation::CheckCodes(v, "home_profile.shared_with_region_ids", p.shared_with_region_ids(), 64);
  validation::CheckText(v, "home_profile.address.street", p.address().street(), 200, false);
  validation::CheckText(v, "home_profile.address.city", p.address().city(), 100, false);
  validation::CheckText(v, "home_profile.address.postal_code", p.address().postal_code(), 6, false);
}

// A decision publishes the home: it must say where the home is.
absl::Status CheckPublishable(const v1::Investigation& inv) {
  Violations v;
  if (inv.home_profile().location_municipality_id().empty()) {
    v.Add("home_profile.location_municipality_id",
          "is required before a decision: set it with UpdateHomeProfile");
  }
  return v.ToStatus();
}

bool Current(const v1::HouseholdMember& m) { return !m.has_remove_time(); }
bool IsAdult(const v1::HouseholdMember& m) {
  return m.kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT ||
         m.kind() == v1::HOUSEHOLD_MEMBER_KIND_OTHER_ADULT;
}

const v1::HouseholdMember* FindCurrent(const v1::Investigation& inv, const std::string& id) {
  for (const auto& m : inv.household()) {
    if (m.member_id() == id && Current(m)) return &m;
  }
  return nullptr;
}

absl::Status MemberNotFound(const std::string& field) {
  return Error(absl::StatusCode::kNotFound, "MEMBER_NOT_FOUND",
               absl::StrCat(field, " is not a member of the household"));
}

void CheckUsers(Violations& v, const std::string& field,
                const google::protobuf::RepeatedPtrField<std::string>& users) {
  if (users.empty()) v.Add(field, "must name at least one user");
  for (int i = 0; i < users.size(); ++i) {
    validation::CheckText(v, absl::StrCat(field, "[", i, "]"), users[i], 128, true);
  }
}

void CheckContact(Violations& v, const std::string& field,
                  const fhv::common::v1::ContactDetails& c) {
  validation::CheckText(v, field + ".email", c.email(), 254, false);
  validation::CheckText(v, field + ".phone", c.phone(), 40, false);
}

std::string ShortName(v1::MissingStepKind kind) {
  return v1::MissingStepKind_Name(kind).substr(std::string("MISSING_STEP_KIND_").size());
}

std::string RegisterShortName(v1::RegisterKind r) {
  return v1::RegisterKind_Name(r).substr(std::string("REGISTER_KIND_").size());
}

// INVALID_ARGUMENT for a bad method, kinds or investigator.
absl::Status CheckOpening(v1::InvestigationMethod method,
                          const std::vector<fhv::common::v1::AssignmentKind>& kinds,
                          const std::string& investigator, Violations& v) {
  if (method == v1::INVESTIGATION_METHOD_UNSPECIFIED || !v1::InvestigationMethod_IsValid(method)) {
    v.Add("method", "is required");
  }
  std::set<int> seen;
  for (size_t i = 0; i < kinds.size(); ++i) {
    const int k = kinds[i];
    if (k == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
        !fhv::common::v1::AssignmentKind_IsValid(k) || !seen.insert(k).second) {
      v.Add(absl::StrCat("assignment_kinds[", i, "]"), "is not a kind named once");
    }
  }
  validation::CheckText(v, "investigator_user_id", investigator, 128, false);
  return v.ToStatus();
}

}  // namespace

bool IsUndecided(v1::InvestigationState state) {
  return state == v1::INVESTIGATION_STATE_OPEN || state == v1::INVESTIGATION_STATE_IN_PROGRESS ||
         state == v1::INVESTIGATION_STATE_READY_FOR_DECISION;
}

absl::StatusOr<v1::Investigation> OpenInitial(const OpenSpec& spec,
                                              const fhv::recruitment::v1::Applicant& applicant,
                                              const std::vector<std::string>& member_ids,
                                              const Actor& actor) {
  namespace rv1 = ::fhv::recruitment::v1;
  if (applicant.state() != rv1::APPLICANT_STATE_NEW &&
      applicant.state() != rv1::APPLICANT_STATE_CONTACTED &&
      applicant.state() != rv1::APPLICANT_STATE_INFO_MEETING_HELD &&
      applicant.state() != rv1::APPLICANT_STATE_APPLIED &&
      applicant.state() != rv1::APPLICANT_STATE_IN_INVESTIGATION) {
    const std::string state = rv1::ApplicantState_Name(applicant.state());
    return Error(absl::StatusCode::kFailedPrecondition, "APPLICANT_NOT_INVESTIGABLE",
                 absl::StrCat("the applicant is ", state), {{"applicant_state", state}});
  }
  Violations v;
  if (auto st = CheckOpening(spec.method, spec.assignment_kinds, spec.investigator_user_id, v);
      !st.ok()) {
    return st;
  }

  v1::Investigation inv;
  inv.set_investigation_id(spec.investigation_id);
  inv.set_kind(v1::INVESTIGATION_KIND_INITIAL);
  inv.set_applicant_id(applicant.id());
  *inv.mutable_organisation() = spec.organisation;
  if (spec.assignment_kinds.empty()) {
    *inv.mutable_assignment_kinds() = applicant.applied_assignments().empty()
                                          ? applicant.wanted_assignments()
                                          : applicant.applied_assignments();
  } else {
    for (auto k : spec.assignment_kinds) inv.add_assignment_kinds(k);
  }
  inv.set_method(spec.method);
  inv.set_training_required(spec.require_training || spec.method == v1::INVESTIGATION_METHOD_PRIDE);
  inv.set_investigator_user_id(spec.investigator_user_id.empty() ? actor.user
                                                                 : spec.investigator_user_id);
  for (int i = 0; i < applicant.adults_size() && i < static_cast<int>(member_ids.size()); ++i) {
    const auto& adult = applicant.adults(i);
    auto* m = inv.add_household();
    m->set_member_id(member_ids[i]);
    m->set_kind(v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT);
    *m->mutable_name() = adult.name();
    m->set_personnummer(adult.personnummer());
    if (auto id = validation::ParsePersonalIdentity(adult.personnummer(), actor.today); id.ok()) {
      *m->mutable_birth_date() = ToDate(id->birth_date);
    }
    *m->mutable_contact_details() = adult.contact();
    *m->mutable_add_time() = ToTimestamp(actor.now);
    auto* home_adult = inv.mutable_home_profile()->add_adults();
    *home_adult->mutable_name() = adult.name();
    *home_adult->mutable_contact_details() = adult.contact();
    if (i == 0) *inv.mutable_home_profile()->mutable_address() = adult.address();
  }
  inv.mutable_home_profile()->set_location_municipality_id(
      spec.organisation.kind() == fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY
          ? spec.organisation.id()
          : "");
  *inv.mutable_opened_date() = ToDate(actor.today);
  *inv.mutable_create_time() = ToTimestamp(actor.now);
  Touch(inv, actor);
  Enter(inv, v1::INVESTIGATION_STATE_OPEN, actor);
  return inv;
}

absl::StatusOr<v1::Investigation> OpenFollowUp(const FollowUpSpec& spec,
                                               const v1::Investigation& latest,
                                               const Actor& actor) {
  if (latest.state() != v1::INVESTIGATION_STATE_APPROVED) {
    return Error(absl::StatusCode::kFailedPrecondition, "APPROVAL_REVOKED",
                 "the home's approval was revoked");
  }
  Violations v;
  if (spec.reason == v1::FOLLOW_UP_REASON_UNSPECIFIED || !v1::FollowUpReason_IsValid(spec.reason)) {
    v.Add("reason", "is required");
  }
  validation::CheckText(v, "description", spec.description, 2000,
                        spec.reason == v1::FOLLOW_UP_REASON_HOUSEHOLD_CHANGE ||
                            spec.reason == v1::FOLLOW_UP_REASON_OTHER);
  if (auto st = CheckOpening(spec.method, spec.assignment_kinds, spec.investigator_user_id, v);
      !st.ok()) {
    return st;
  }
  v1::Investigation inv;
  inv.set_investigation_id(spec.investigation_id);
  inv.set_kind(v1::INVESTIGATION_KIND_FOLLOW_UP);
  inv.set_applicant_id(latest.applicant_id());
  inv.set_home_id(latest.home_id());
  inv.set_previous_investigation_id(latest.investigation_id());
  *inv.mutable_organisation() = latest.organisation();
  if (spec.assignment_kinds.empty()) {
    *inv.mutable_assignment_kinds() = latest.decision().scope().assignment_kinds();
  } else {
    for (auto k : spec.assignment_kinds) inv.add_assignment_kinds(k);
  }
  inv.set_method(spec.method);
  inv.set_training_required(spec.require_training || spec.method == v1::INVESTIGATION_METHOD_PRIDE);
  inv.set_investigator_user_id(spec.investigator_user_id.empty() ? actor.user
                                                                 : spec.investigator_user_id);
  inv.set_follow_up_reason(spec.reason);
  inv.set_follow_up_description(spec.description);
  for (const auto& m : latest.household()) {
    if (Current(m)) *inv.add_household() = m;
  }
  *inv.mutable_home_profile() = latest.home_profile();
  // Trainings completed earlier still count.
  for (const auto& t : latest.trainings()) {
    if (t.has_completed_date()) *inv.add_trainings() = t;
  }
  *inv.mutable_opened_date() = ToDate(actor.today);
  *inv.mutable_create_time() = ToTimestamp(actor.now);
  Touch(inv, actor);
  Enter(inv, v1::INVESTIGATION_STATE_OPEN, actor);
  return inv;
}

absl::Status AssignInvestigator(v1::Investigation& inv, const std::string& user,
                                const Actor& actor) {
  if (auto st = RequireState(inv,
                             {v1::INVESTIGATION_STATE_OPEN, v1::INVESTIGATION_STATE_IN_PROGRESS,
                              v1::INVESTIGATION_STATE_READY_FOR_DECISION},
                             "assign an investigator");
      !st.ok()) {
    return st;
  }
  Violations v;
  validation::CheckText(v, "investigator_user_id", user, 128, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  inv.set_investigator_user_id(user);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status Start(v1::Investigation& inv, const Actor& actor) {
  if (auto st = RequireState(inv, {v1::INVESTIGATION_STATE_OPEN}, "start it"); !st.ok()) return st;
  Enter(inv, v1::INVESTIGATION_STATE_IN_PROGRESS, actor);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status AddMember(v1::Investigation& inv, v1::HouseholdMember member,
                       const std::string& member_id, const Actor& actor) {
  if (auto st =
          RequireState(inv, {v1::INVESTIGATION_STATE_OPEN, v1::INVESTIGATION_STATE_IN_PROGRESS},
                       "change the household");
      !st.ok()) {
    return st;
  }
  Violations v;
  if (member.kind() == v1::HOUSEHOLD_MEMBER_KIND_UNSPECIFIED ||
      !v1::HouseholdMemberKind_IsValid(member.kind())) {
    v.Add("member.kind", "is required");
  }
  validation::CheckText(v, "member.name.given_name", member.name().given_name(), 200, true);
  validation::CheckText(v, "member.name.family_name", member.name().family_name(), 200, true);
  validation::CheckText(v, "member.relation", member.relation(), 100, false);
  CheckContact(v, "member.contact_details", member.contact_details());
  const bool adult = IsAdult(member);
  if (!member.personnummer().empty()) {
    auto id = validation::ParsePersonalIdentity(member.personnummer(), actor.today);
    if (!id.ok()) {
      v.Add("member.personnummer", std::string(id.status().message()));
    } else {
      member.set_personnummer(id->digits);
      *member.mutable_birth_date() = ToDate(id->birth_date);
    }
  } else if (adult) {
    v.Add("member.personnummer", "is required for an adult");
  } else {
    PastDate(v, "member.birth_date", member.birth_date(), actor);
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (member.kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT) {
    int applicants = 0;
    for (const auto& m : inv.household()) {
      applicants += Current(m) && m.kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT;
    }
    if (applicants >= 2) {
      Violations two;
      two.Add("member.kind", "a home has at most two applicant adults; add an OTHER_ADULT");
      return two.ToStatus();
    }
  }
  for (const auto& m : inv.household()) {
    if (Current(m) && !m.personnummer().empty() && m.personnummer() == member.personnummer()) {
      return Error(absl::StatusCode::kAlreadyExists, "MEMBER_EXISTS",
                   "the person is already a member of the household");
    }
  }
  member.set_member_id(member_id);
  *member.mutable_add_time() = ToTimestamp(actor.now);
  member.clear_remove_time();
  *inv.add_household() = std::move(member);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RemoveMember(v1::Investigation& inv, const std::string& member_id,
                          const std::string& reason, const Actor& actor) {
  if (auto st =
          RequireState(inv, {v1::INVESTIGATION_STATE_OPEN, v1::INVESTIGATION_STATE_IN_PROGRESS},
                       "change the household");
      !st.ok()) {
    return st;
  }
  Violations v;
  validation::CheckText(v, "reason", reason, 1000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  v1::HouseholdMember* target = nullptr;
  int applicants_left = 0;
  for (auto& m : *inv.mutable_household()) {
    if (!Current(m)) continue;
    if (m.member_id() == member_id) {
      target = &m;
    } else if (m.kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT) {
      ++applicants_left;
    }
  }
  if (target == nullptr) return MemberNotFound("member_id");
  if (target->kind() == v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT && applicants_left == 0) {
    return Error(absl::StatusCode::kFailedPrecondition, "LAST_APPLICANT_ADULT",
                 "at least one applicant adult must remain in the household");
  }
  *target->mutable_remove_time() = ToTimestamp(actor.now);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RequestRegisterCheck(v1::Investigation& inv, const std::string& member_id,
                                  v1::RegisterKind register_kind, const Date& requested,
                                  const std::string& check_id, const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  Violations v;
  if (register_kind == v1::REGISTER_KIND_UNSPECIFIED || !v1::RegisterKind_IsValid(register_kind)) {
    v.Add("register", "is required");
  }
  PastDate(v, "requested_date", requested, actor);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  const v1::HouseholdMember* member = FindCurrent(inv, member_id);
  if (member == nullptr) return MemberNotFound("member_id");
  if (!IsAdult(*member)) {
    return Error(absl::StatusCode::kFailedPrecondition, "MEMBER_IS_A_CHILD",
                 "register checks are made for adults only");
  }
  auto* check = inv.add_register_checks();
  check->set_register_check_id(check_id);
  check->set_member_id(member_id);
  check->set_register_(register_kind);
  *check->mutable_requested_date() = requested;
  check->set_requested_by_user_id(actor.user);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status AnswerRegisterCheck(v1::Investigation& inv, const std::string& check_id,
                                 const Date& answered, v1::RegisterCheckOutcome outcome,
                                 const std::string& note, const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  v1::RegisterCheck* check = nullptr;
  for (auto& c : *inv.mutable_register_checks()) {
    if (c.register_check_id() == check_id) check = &c;
  }
  if (check == nullptr) {
    return Error(absl::StatusCode::kNotFound, "REGISTER_CHECK_NOT_FOUND",
                 "the investigation has no such register check");
  }
  if (check->outcome() != v1::REGISTER_CHECK_OUTCOME_UNSPECIFIED) {
    return Error(absl::StatusCode::kFailedPrecondition, "ALREADY_ANSWERED",
                 "the register check is already answered; request a new one");
  }
  Violations v;
  auto day = PastDate(v, "answered_date", answered, actor);
  if (day && *day < *DayOf(check->requested_date())) {
    v.Add("answered_date", "must not be before the requested date");
  }
  if (outcome == v1::REGISTER_CHECK_OUTCOME_UNSPECIFIED ||
      !v1::RegisterCheckOutcome_IsValid(outcome)) {
    v.Add("outcome", "must be NO_REMARKS or REMARKS");
  } else if (outcome == v1::REGISTER_CHECK_OUTCOME_REMARKS && note.empty()) {
    v.Add("note", "is required for REMARKS");
  } else if (outcome == v1::REGISTER_CHECK_OUTCOME_NO_REMARKS && !note.empty()) {
    v.Add("note", "must be empty for NO_REMARKS");
  }
  validation::CheckText(v, "note", note, 8000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  *check->mutable_answered_date() = answered;
  check->set_outcome(outcome);
  check->set_answered_by_user_id(actor.user);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RecordHomeVisit(v1::Investigation& inv, v1::HomeVisit visit, const std::string& id,
                             const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  Violations v;
  PastDate(v, "home_visit.visit_date", visit.visit_date(), actor);
  CheckUsers(v, "home_visit.visitor_user_ids", visit.visitor_user_ids());
  validation::CheckText(v, "home_visit.summary", visit.summary(), 20000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  visit.set_home_visit_id(id);
  visit.set_recorded_by_user_id(actor.user);
  *visit.mutable_record_time() = ToTimestamp(actor.now);
  *inv.add_home_visits() = std::move(visit);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RecordInterview(v1::Investigation& inv, v1::Interview interview, const std::string& id,
                             const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  Violations v;
  if (interview.kind() == v1::INTERVIEW_KIND_UNSPECIFIED ||
      !v1::InterviewKind_IsValid(interview.kind())) {
    v.Add("interview.kind", "is required");
  }
  PastDate(v, "interview.interview_date", interview.interview_date(), actor);
  CheckUsers(v, "interview.interviewer_user_ids", interview.interviewer_user_ids());
  validation::CheckText(v, "interview.not_held_reason", interview.not_held_reason(), 1000, false);
  validation::CheckText(v, "interview.summary", interview.summary(), 20000, false);
  if (interview.participant_member_ids().empty()) {
    v.Add("interview.participant_member_ids", "must name at least one member");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  std::set<std::string> participants;
  int adults = 0, children = 0;
  for (const auto& pid : interview.participant_member_ids()) {
    const v1::HouseholdMember* m = FindCurrent(inv, pid);
    if (m == nullptr) return MemberNotFound("interview.participant_member_ids");
    if (!participants.insert(pid).second) continue;
    (IsAdult(*m) ? adults : children)++;
  }
  int current_adults = 0;
  for (const auto& m : inv.household()) current_adults += Current(m) && IsAdult(m);
  bool fits = true;
  switch (interview.kind()) {
    case v1::INTERVIEW_KIND_ADULT_ALONE:
      fits = adults == 1 && children == 0;
      break;
    case v1::INTERVIEW_KIND_ADULTS_JOINTLY:
      fits = children == 0 && adults == current_adults && adults >= 2;
      break;
    case v1::INTERVIEW_KIND_HOUSEHOLD_CHILDREN:
      fits = adults == 0 && children >= 1;
      break;
    default:
      break;
  }
  if (!fits) {
    Violations bad;
    bad.Add("interview.participant_member_ids",
            "do not fit the kind: ADULT_ALONE takes exactly one adult, ADULTS_JOINTLY every "
            "current adult (two or more), HOUSEHOLD_CHILDREN only children");
    return bad.ToStatus();
  }
  interview.set_interview_id(id);
  interview.set_recorded_by_user_id(actor.user);
  *interview.mutable_record_time() = ToTimestamp(actor.now);
  *inv.add_interviews() = std::move(interview);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RecordReference(v1::Investigation& inv, v1::Reference reference, const std::string& id,
                             const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  Violations v;
  validation::CheckText(v, "reference.name.given_name", reference.name().given_name(), 200, true);
  validation::CheckText(v, "reference.name.family_name", reference.name().family_name(), 200, true);
  validation::CheckText(v, "reference.relation", reference.relation(), 200, true);
  CheckContact(v, "reference.contact_details", reference.contact_details());
  PastDate(v, "reference.contacted_date", reference.contacted_date(), actor);
  if (reference.outcome() == v1::REFERENCE_OUTCOME_UNSPECIFIED ||
      !v1::ReferenceOutcome_IsValid(reference.outcome())) {
    v.Add("reference.outcome", "is required");
  }
  validation::CheckText(v, "reference.summary", reference.summary(), 20000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  reference.set_reference_id(id);
  reference.set_recorded_by_user_id(actor.user);
  *reference.mutable_record_time() = ToTimestamp(actor.now);
  *inv.add_references() = std::move(reference);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status RecordTraining(v1::Investigation& inv, v1::Training training, const std::string& id,
                            const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  Violations v;
  if (training.program() == v1::TRAINING_PROGRAM_UNSPECIFIED ||
      !v1::TrainingProgram_IsValid(training.program())) {
    v.Add("training.program", "is required");
  }
  validation::CheckText(v, "training.program_name", training.program_name(), 100,
                        training.program() == v1::TRAINING_PROGRAM_OTHER);
  if (training.sessions_total() < 1 || training.sessions_total() > 100) {
    v.Add("training.sessions_total", "must be 1..100");
  }
  if (training.sessions_attended() < 0 ||
      training.sessions_attended() > training.sessions_total()) {
    v.Add("training.sessions_attended", "must be 0..sessions_total");
  }
  if (training.has_completed_date()) {
    PastDate(v, "training.completed_date", training.completed_date(), actor);
  }
  if (training.participant_member_ids().empty()) {
    v.Add("training.participant_member_ids", "must name at least one member");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  for (const auto& pid : training.participant_member_ids()) {
    if (FindCurrent(inv, pid) == nullptr) return MemberNotFound("training.participant_member_ids");
  }
  training.set_training_id(id);
  training.set_recorded_by_user_id(actor.user);
  *training.mutable_update_time() = ToTimestamp(actor.now);
  *inv.add_trainings() = std::move(training);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status UpdateTrainingProgress(v1::Investigation& inv, const std::string& training_id,
                                    int sessions_attended, const Date& completed_date,
                                    const Actor& actor) {
  if (auto st = RequireRecording(inv); !st.ok()) return st;
  v1::Training* training = nullptr;
  for (auto& t : *inv.mutable_trainings()) {
    if (t.training_id() == training_id) training = &t;
  }
  if (training == nullptr) {
    return Error(absl::StatusCode::kNotFound, "TRAINING_NOT_FOUND",
                 "the investigation has no such training");
  }
  Violations v;
  if (sessions_attended < 0 || sessions_attended > training->sessions_total()) {
    v.Add("sessions_attended", "must be 0..the training's sessions_total");
  }
  const bool completing = completed_date.year() != 0;
  if (completing) PastDate(v, "completed_date", completed_date, actor);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  training->set_sessions_attended(sessions_attended);
  if (completing) *training->mutable_completed_date() = completed_date;
  training->set_recorded_by_user_id(actor.user);
  *training->mutable_update_time() = ToTimestamp(actor.now);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status UpdateHomeProfile(v1::Investigation& inv, const v1::HomeProfile& profile,
                               const std::vector<std::string>& paths, const Actor& actor) {
  if (auto st = RequireState(inv,
                             {v1::INVESTIGATION_STATE_OPEN, v1::INVESTIGATION_STATE_IN_PROGRESS,
                              v1::INVESTIGATION_STATE_READY_FOR_DECISION},
                             "change the home profile");
      !st.ok()) {
    return st;
  }
  Violations v;
  if (paths.empty()) v.Add("update_mask", "must name at least one field");
  static const std::set<std::string> kOutputOnly = {"adults", "household_children_ages",
                                                    "completed_trainings"};
  google::protobuf::FieldMask mask;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (kOutputOnly.contains(paths[i]) ||
        !google::protobuf::util::FieldMaskUtil::IsValidPath<v1::HomeProfile>(paths[i])) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            "is not a field of the profile that may be set");
    } else {
      mask.add_paths(paths[i]);
    }
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  v1::HomeProfile out = inv.home_profile();
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(profile, mask, options, &out);
  CheckProfile(v, out);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  *inv.mutable_home_profile() = std::move(out);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status CheckScope(const v1::ApprovalScope& scope, const std::string& field) {
  Violations v;
  std::set<int> kinds;
  if (scope.assignment_kinds().empty()) {
    v.Add(field + ".assignment_kinds", "must name at least one kind");
  }
  for (int i = 0; i < scope.assignment_kinds_size(); ++i) {
    const int k = scope.assignment_kinds(i);
    if (k == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
        !fhv::common::v1::AssignmentKind_IsValid(k) || !kinds.insert(k).second) {
      v.Add(absl::StrCat(field, ".assignment_kinds[", i, "]"), "is not a kind named once");
    }
  }
  if (scope.max_children() < 1 || scope.max_children() > 10) {
    v.Add(field + ".max_children", "must be 1..10");
  }
  if (scope.min_age_years() < 0 || scope.min_age_years() > 120) {
    v.Add(field + ".min_age_years", "must be 0..120");
  }
  if (scope.max_age_years() < scope.min_age_years() || scope.max_age_years() > 120) {
    v.Add(field + ".max_age_years", "must be min_age_years..120");
  }
  if (scope.support_tier() == v1::HOME_SUPPORT_TIER_UNSPECIFIED ||
      !v1::HomeSupportTier_IsValid(scope.support_tier())) {
    v.Add(field + ".support_tier", "is required");
  }
  return v.ToStatus();
}

std::vector<v1::MissingStep> MissingSteps(const v1::Investigation& inv) {
  std::vector<v1::MissingStep> out;
  auto add = [&out](v1::MissingStepKind kind, const std::string& member, v1::RegisterKind reg,
                    std::string description) {
    v1::MissingStep s;
    s.set_kind(kind);
    s.set_member_id(member);
    s.set_register_(reg);
    s.set_description(std::move(description));
    out.push_back(std::move(s));
  };
  std::vector<const v1::HouseholdMember*> adults, children;
  for (const auto& m : inv.household()) {
    if (!Current(m)) continue;
    (IsAdult(m) ? adults : children).push_back(&m);
  }
  for (size_t i = 0; i < adults.size(); ++i) {
    for (v1::RegisterKind reg : kRegisters) {
      bool answered = false;
      for (const auto& c : inv.register_checks()) {
        answered |= c.member_id() == adults[i]->member_id() && c.register_() == reg &&
                    c.outcome() != v1::REGISTER_CHECK_OUTCOME_UNSPECIFIED;
      }
      if (!answered) {
        add(v1::MISSING_STEP_KIND_REGISTER_CHECK, adults[i]->member_id(), reg,
            absl::StrCat(RegisterShortName(reg), " check of adult ", i + 1, " not answered"));
      }
    }
  }
  bool room = false;
  for (const auto& visit : inv.home_visits()) room |= visit.own_room_confirmed();
  if (!room) {
    add(v1::MISSING_STEP_KIND_HOME_VISIT, "", v1::REGISTER_KIND_UNSPECIFIED,
        "no home visit confirmed a room of the child's own");
  }
  auto interviewed = [&inv](v1::InterviewKind kind, const std::string& member) {
    for (const auto& iv : inv.interviews()) {
      if (iv.kind() != kind) continue;
      for (const auto& p : iv.participant_member_ids()) {
        if (p == member) return true;
      }
    }
    return false;
  };
  for (size_t i = 0; i < adults.size(); ++i) {
    if (!interviewed(v1::INTERVIEW_KIND_ADULT_ALONE, adults[i]->member_id())) {
      add(v1::MISSING_STEP_KIND_INTERVIEW_ADULT_ALONE, adults[i]->member_id(),
          v1::REGISTER_KIND_UNSPECIFIED, absl::StrCat("adult ", i + 1, " not interviewed alone"));
    }
  }
  if (adults.size() >= 2) {
    bool joint = false;
    for (const auto& iv : inv.interviews()) {
      if (iv.kind() != v1::INTERVIEW_KIND_ADULTS_JOINTLY) continue;
      bool all = true;
      for (const auto* a : adults) {
        all &= std::find(iv.participant_member_ids().begin(), iv.participant_member_ids().end(),
                         a->member_id()) != iv.participant_member_ids().end();
      }
      joint |= all;
    }
    if (!joint) {
      add(v1::MISSING_STEP_KIND_INTERVIEW_ADULTS_JOINTLY, "", v1::REGISTER_KIND_UNSPECIFIED,
          "the adults have not been interviewed together");
    }
  }
  for (size_t i = 0; i < children.size(); ++i) {
    if (!interviewed(v1::INTERVIEW_KIND_HOUSEHOLD_CHILDREN, children[i]->member_id())) {
      add(v1::MISSING_STEP_KIND_INTERVIEW_CHILD, children[i]->member_id(),
          v1::REGISTER_KIND_UNSPECIFIED, absl::StrCat("child ", i + 1, " not interviewed"));
    }
  }
  int reached = 0;
  for (const auto& r : inv.references()) {
    reached += r.outcome() != v1::REFERENCE_OUTCOME_NOT_REACHED &&
               r.outcome() != v1::REFERENCE_OUTCOME_UNSPECIFIED;
  }
  if (reached < 2) {
    add(v1::MISSING_STEP_KIND_REFERENCES, "", v1::REGISTER_KIND_UNSPECIFIED,
        absl::StrCat(reached, " of 2 references reached"));
  }
  if (inv.training_required()) {
    for (size_t i = 0; i < adults.size(); ++i) {
      if (adults[i]->kind() != v1::HOUSEHOLD_MEMBER_KIND_APPLICANT_ADULT) continue;
      bool done = false;
      for (const auto& t : inv.trainings()) {
        if (!t.has_completed_date()) continue;
        for (const auto& p : t.participant_member_ids()) done |= p == adults[i]->member_id();
      }
      if (!done) {
        add(v1::MISSING_STEP_KIND_TRAINING, adults[i]->member_id(), v1::REGISTER_KIND_UNSPECIFIED,
            absl::StrCat("adult ", i + 1, " has not completed the training"));
      }
    }
  }
  return out;
}

std::string MissingStepsList(const std::vector<v1::MissingStep>& steps) {
  std::vector<std::string> parts;
  for (const auto& s : steps) {
    std::string part = ShortName(s.kind());
    if (!s.member_id().empty()) absl::StrAppend(&part, ":", s.member_id());
    if (s.register_() != v1::REGISTER_KIND_UNSPECIFIED) {
      absl::StrAppend(&part, ":", RegisterShortName(s.register_()));
    }
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, ",");
}

absl::Status MarkReadyForDecision(v1::Investigation& inv, v1::Recommendation recommendation,
                                  const Actor& actor) {
  if (auto st =
          RequireState(inv, {v1::INVESTIGATION_STATE_IN_PROGRESS}, "hand it over for decision");
      !st.ok()) {
    return st;
  }
  Violations v;
  if (recommendation.recommendation() == v1::INVESTIGATION_RECOMMENDATION_UNSPECIFIED ||
      !v1::InvestigationRecommendation_IsValid(recommendation.recommendation())) {
    v.Add("recommendation.recommendation", "is required");
  }
  validation::CheckText(v, "recommendation.summary", recommendation.summary(), 20000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (recommendation.recommendation() == v1::INVESTIGATION_RECOMMENDATION_APPROVE) {
    if (auto st =
            CheckScope(recommendation.recommended_scope(), "recommendation.recommended_scope");
        !st.ok()) {
      return st;
    }
    if (auto st = CheckPublishable(inv); !st.ok()) return st;
  }
  const auto missing = MissingSteps(inv);
  if (!missing.empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVESTIGATION_INCOMPLETE",
                 absl::StrCat(missing.size(), " mandatory steps are missing"),
                 {{"missing_steps", MissingStepsList(missing)}, {"state", StateName(inv.state())}});
  }
  recommendation.set_recommended_by_user_id(actor.user);
  *recommendation.mutable_recommend_time() = ToTimestamp(actor.now);
  *inv.mutable_recommendation() = std::move(recommendation);
  Enter(inv, v1::INVESTIGATION_STATE_READY_FOR_DECISION, actor);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status ReturnForCompletion(v1::Investigation& inv, const std::string& reason,
                                 const Actor& actor) {
  if (auto st = RequireState(inv, {v1::INVESTIGATION_STATE_READY_FOR_DECISION},
                             "return it for completion");
      !st.ok()) {
    return st;
  }
  Violations v;
  validation::CheckText(v, "reason", reason, 2000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  Enter(inv, v1::INVESTIGATION_STATE_IN_PROGRESS, actor, reason);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status Approve(v1::Investigation& inv, const v1::ApprovalScope& scope,
                     const Date& decision_date, const std::string& reason,
                     const Date& next_follow_up, const std::string& new_home_id,
                     const Actor& actor) {
  if (auto st = RequireState(inv, {v1::INVESTIGATION_STATE_READY_FOR_DECISION}, "approve it");
      !st.ok()) {
    return st;
  }
  Violations v;
  auto decided = DecisionDate(v, inv, decision_date, actor);
  validation::CheckText(v, "reason", reason, 20000, false);
  std::optional<absl::CivilDay> next;
  if (next_follow_up.year() != 0) {
    next = DayOf(next_follow_up);
    if (!next) {
      v.Add("next_follow_up_due_date", "must be a date");
    } else if (decided && *next <= *decided) {
      v.Add("next_follow_up_due_date", "must be after the decision date");
    }
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (auto st = CheckScope(scope, "scope"); !st.ok()) return st;
  if (auto st = CheckPublishable(inv); !st.ok()) return st;
  const auto missing = MissingSteps(inv);
  if (!missing.empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVESTIGATION_INCOMPLETE",
                 absl::StrCat(missing.size(), " mandatory steps are missing"),
                 {{"missing_steps", MissingStepsList(missing)}, {"state", StateName(inv.state())}});
  }
  if (!next) {
    next = absl::CivilDay(decided->year() + 1, decided->month(), decided->day());
  }
  auto* d = inv.mutable_decision();
  d->set_outcome(v1::INVESTIGATION_DECISION_OUTCOME_APPROVED);
  *d->mutable_scope() = scope;
  *d->mutable_decision_date() = decision_date;
  d->set_decided_by_user_id(actor.user);
  d->set_reason(reason);
  *d->mutable_next_follow_up_due_date() = ToDate(*next);
  *d->mutable_record_time() = ToTimestamp(actor.now);
  if (inv.home_id().empty()) inv.set_home_id(new_home_id);
  Enter(inv, v1::INVESTIGATION_STATE_APPROVED, actor);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status Reject(v1::Investigation& inv, const Date& decision_date, const std::string& reason,
                    const Actor& actor) {
  if (auto st = RequireState(inv, {v1::INVESTIGATION_STATE_READY_FOR_DECISION}, "reject it");
      !st.ok()) {
    return st;
  }
  Violations v;
  DecisionDate(v, inv, decision_date, actor);
  validation::CheckText(v, "reason", reason, 20000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto* d = inv.mutable_decision();
  d->set_outcome(v1::INVESTIGATION_DECISION_OUTCOME_REJECTED);
  *d->mutable_decision_date() = decision_date;
  d->set_decided_by_user_id(actor.user);
  d->set_reason(reason);
  *d->mutable_record_time() = ToTimestamp(actor.now);
  Enter(inv, v1::INVESTIGATION_STATE_REJECTED, actor);
  Touch(inv, actor);
  return absl::OkStatus();
}

absl::Status Discontinue(v1::Investigation& inv, v1::DiscontinuationReason reason,
                         const std::string& note, const Date& date, const Actor& actor) {
  if (!IsUndecided(inv.state())) return WrongState(inv, "discontinue it");
  Violations v;
  if (reason == v1::DISCONTINUATION_REASON_UNSPECIFIED ||
      !v1::DiscontinuationReason_IsValid(reason)) {
    v.Add("reason", "is required");
  }
  validation::CheckText(v, "note", note, 2000, reason == v1::DISCONTINUATION_REASON_OTHER);
  Date when = date;
  if (when.year() == 0) {
    when = ToDate(actor.today);
  } else {
    PastDate(v, "discontinued_date", when, actor);
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto* d = inv.mutable_discontinuation();
  d->set_reason(reason);
  d->set_note(note);
  *d->mutable_discontinued_date() = when;
  d->set_discontinued_by_user_id(actor.user);
  Enter(inv, v1::INVESTIGATION_STATE_DISCONTINUED, actor, v1::DiscontinuationReason_Name(reason));
  Touch(inv, actor);
  return absl::OkStatus();
}

v1::HomeProfile CurrentProfile(const v1::Investigation& inv, absl::CivilDay on) {
  v1::HomeProfile p = inv.home_profile();
  p.clear_adults();
  p.clear_household_children_ages();
  p.clear_completed_trainings();
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

void Derive(v1::Investigation& inv, absl::CivilDay today) {
  inv.clear_missing_steps();
  if (IsUndecided(inv.state())) {
    for (auto& s : MissingSteps(inv)) *inv.add_missing_steps() = std::move(s);
  }
  absl::CivilDay end = today;
  if (inv.has_decision()) {
    if (auto d = DayOf(inv.decision().decision_date())) end = *d;
  } else if (inv.has_discontinuation()) {
    if (auto d = DayOf(inv.discontinuation().discontinued_date())) end = *d;
  }
  *inv.mutable_home_profile() = CurrentProfile(inv, end);
  if (auto opened = DayOf(inv.opened_date())) {
    inv.set_days_open(static_cast<int32_t>(std::max<int64_t>(0, end - *opened)));
  }
  for (auto& c : *inv.mutable_register_checks()) {
    auto requested = DayOf(c.requested_date());
    auto answered = DayOf(c.answered_date());
    if (requested) {
      c.set_days_waiting(
          static_cast<int32_t>(std::max<int64_t>(0, (answered ? *answered : today) - *requested)));
    }
  }
}

}  // namespace fhv::investigation
