// The investigation service's pure rules: the state machine, the mandatory steps and what
// each verb accepts.

#include "services/investigation/src/domain/investigation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/status.h"

namespace fhv::investigation {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const Actor kActor{
    .user = "investigator-1",
    .now = absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone()),
    .today = absl::CivilDay(2026, 11, 23)};

fhv::common::v1::Date D(int y, int m, int d) {
  fhv::common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

fhv::recruitment::v1::Applicant TwoAdults() {
  fhv::recruitment::v1::Applicant a;
  a.set_id("applicant-1");
  a.set_state(fhv::recruitment::v1::APPLICANT_STATE_APPLIED);
  a.add_applied_assignments(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  for (const char* pnr : {"198504123335", "198601022384"}) {
    auto* adult = a.add_adults();
    adult->mutable_name()->set_given_name("A");
    adult->mutable_name()->set_family_name("B");
    adult->set_personnummer(pnr);
  }
  return a;
}

v1::Investigation Opened(v1::InvestigationMethod method = v1::INVESTIGATION_METHOD_NYA_KALVESTEN) {
  OpenSpec spec{.investigation_id = "inv-1", .method = method};
  spec.organisation.set_id("2418");
  spec.organisation.set_kind(fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
  auto inv = OpenInitial(spec, TwoAdults(), {"m1", "m2"}, kActor);
  EXPECT_TRUE(inv.ok()) << inv.status();
  return *inv;
}

std::string StateOf(const absl::Status& st) { return GetErrorMetadata(st)["state"]; }

// Every mandatory step of the two adults, done.
void Complete(v1::Investigation& inv) {
  int n = 0;
  for (const char* m : {"m1", "m2"}) {
    for (auto reg : {v1::REGISTER_KIND_POLICE, v1::REGISTER_KIND_SOCIAL_SERVICES,
                     v1::REGISTER_KIND_KRONOFOGDEN, v1::REGISTER_KIND_FORSAKRINGSKASSAN}) {
      const std::string id = absl::StrCat("c", ++n);
      ASSERT_TRUE(RequestRegisterCheck(inv, m, reg, D(2026, 10, 1), id, kActor).ok());
      ASSERT_TRUE(AnswerRegisterCheck(inv, id, D(2026, 10, 20),
                                      v1::REGISTER_CHECK_OUTCOME_NO_REMARKS, "", kActor)
                      .ok());
    }
    v1::Interview alone;
    alone.set_kind(v1::INTERVIEW_KIND_ADULT_ALONE);
    alone.add_participant_member_ids(m);
    *alone.mutable_interview_date() = D(2026, 10, 5);
    alone.add_interviewer_user_ids("investigator-1");
    ASSERT_TRUE(RecordInterview(inv, alone, absl::StrCat("i-", m), kActor).ok());
  }
  v1::Interview jointly;
  jointly.set_kind(v1::INTERVIEW_KIND_ADULTS_JOINTLY);
  jointly.add_participant_member_ids("m1");
  jointly.add_participant_member_ids("m2");
  *jointly.mutable_interview_date() = D(2026, 10, 6);
  jointly.add_interviewer_user_ids("investigator-1");
  ASSERT_TRUE(RecordInterview(inv, jointly, "i-joint", kActor).ok());
  v1::HomeVisit visit;
  *visit.mutable_visit_date() = D(2026, 10, 7);
  visit.add_visitor_user_ids("investigator-1");
  visit.set_own_room_confirmed(true);
  ASSERT_TRUE(RecordHomeVisit(inv, visit, "v1", kActor).ok());
  for (const char* id : {"r1", "r2"}) {
    v1::Reference r;
    r.mutable_name()->set_given_name("Ref");
    r.mutable_name()->set_family_name("Erens");
    r.set_relation("employer");
    *r.mutable_contacted_date() = D(2026, 10, 8);
    r.set_outcome(v1::REFERENCE_OUTCOME_POSITIVE);
    ASSERT_TRUE(RecordReference(inv, r, id, kActor).ok());
  }
}

v1::Recommendation Recommend() {
  v1::Recommendation r;
  r.set_recommendation(v1::INVESTIGATION_RECOMMENDATION_APPROVE);
  auto* scope = r.mutable_recommended_scope();
  scope->add_assignment_kinds(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  scope->set_max_children(2);
  scope->set_min_age_years(0);
  scope->set_max_age_years(12);
  scope->set_support_tier(v1::HOME_SUPPORT_TIER_MUNICIPAL);
  return r;
}

TEST(Investigation, OpensWithTheApplicantsAdultsAndItsKinds) {
  const v1::Investigation inv = Opened();
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_OPEN);
  ASSERT_EQ(inv.household_size(), 2);
  EXPECT_EQ(inv.household(0).birth_date().year(), 1985);
  EXPECT_THAT(inv.assignment_kinds(), ElementsAre(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM));
  EXPECT_EQ(inv.investigator_user_id(), "investigator-1");
  EXPECT_FALSE(inv.training_required());
  EXPECT_TRUE(Opened(v1::INVESTIGATION_METHOD_PRIDE).training_required());
  ASSERT_EQ(inv.transitions_size(), 1);

  auto withdrawn = TwoAdults();
  withdrawn.set_state(fhv::recruitment::v1::APPLICANT_STATE_WITHDRAWN);
  OpenSpec spec{.investigation_id = "x", .method = v1::INVESTIGATION_METHOD_OTHER};
  auto refused = OpenInitial(spec, withdrawn, {"m1", "m2"}, kActor);
  EXPECT_EQ(GetReason(refused.status()), "APPLICANT_NOT_INVESTIGABLE");
}

TEST(Investigation, StepsAreRecordedOnlyInProgress) {
  v1::Investigation inv = Opened();
  auto st = RequestRegisterCheck(inv, "m1", v1::REGISTER_KIND_POLICE, D(2026, 10, 1), "c", kActor);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(StateOf(st), "INVESTIGATION_STATE_OPEN");
  ASSERT_TRUE(Start(inv, kActor).ok());
  EXPECT_EQ(Start(inv, kActor).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      RequestRegisterCheck(inv, "m1", v1::REGISTER_KIND_POLICE, D(2026, 10, 1), "c", kActor).ok());
}

TEST(Investigation, EveryMissingStepIsListedUntilAllAreDone) {
  v1::Investigation inv = Opened();
  ASSERT_TRUE(Start(inv, kActor).ok());
  auto st = MarkReadyForDecision(inv, Recommend(), kActor);
  ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(st), "INVESTIGATION_INCOMPLETE");
  // 2 adults x 4 registers, the visit, 2 lone interviews, the joint one, the references.
  EXPECT_EQ(MissingSteps(inv).size(), 8u + 1 + 2 + 1 + 1);
  EXPECT_EQ(GetErrorMetadata(st)["missing_steps"].substr(0, 25), "REGISTER_CHECK:m1:POLICE,");
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_IN_PROGRESS);
  Complete(inv);
  EXPECT_THAT(MissingSteps(inv), IsEmpty());
  EXPECT_TRUE(MarkReadyForDecision(inv, Recommend(), kActor).ok());
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_READY_FOR_DECISION);
}

TEST(Investigation, AChildAndAnOtherAdultAddTheirOwnSteps) {
  v1::Investigation inv = Opened();
  ASSERT_TRUE(Start(inv, kActor).ok());
  Complete(inv);
  v1::HouseholdMember child;
  child.set_kind(v1::HOUSEHOLD_MEMBER_KIND_CHILD);
  child.mutable_name()->set_given_name("C");
  child.mutable_name()->set_family_name("B");
  *child.mutable_birth_date() = D(2015, 3, 3);
  ASSERT_TRUE(AddMember(inv, child, "m3", kActor).ok());
  auto missing = MissingSteps(inv);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].kind(), v1::MISSING_STEP_KIND_INTERVIEW_CHILD);
  // A child has no register checks.
  EXPECT_EQ(GetReason(RequestRegisterCheck(inv, "m3", v1::REGISTER_KIND_POLICE, D(2026, 10, 1),
                                           "cx", kActor)),
            "MEMBER_IS_A_CHILD");
  // A child interview with an adult in it does not fit its kind.
  v1::Interview wrong;
  wrong.set_kind(v1::INTERVIEW_KIND_HOUSEHOLD_CHILDREN);
  wrong.add_participant_member_ids("m3");
  wrong.add_participant_member_ids("m1");
  *wrong.mutable_interview_date() = D(2026, 11, 1);
  wrong.add_interviewer_user_ids("investigator-1");
  EXPECT_EQ(RecordInterview(inv, wrong, "iw", kActor).code(), absl::StatusCode::kInvalidArgument);
  // A member not in the household.
  wrong.set_participant_member_ids(1, "nobody");
  EXPECT_EQ(RecordInterview(inv, wrong, "iw", kActor).code(), absl::StatusCode::kNotFound);
  // Removing the child removes its step; the last applicant adult stays.
  ASSERT_TRUE(RemoveMember(inv, "m3", "moved to the other parent", kActor).ok());
  EXPECT_THAT(MissingSteps(inv), IsEmpty());
  ASSERT_TRUE(RemoveMember(inv, "m2", "separated", kActor).ok());
  EXPECT_EQ(GetReason(RemoveMember(inv, "m1", "", kActor)), "LAST_APPLICANT_ADULT");
  // With one adult there is no joint interview to do.
  EXPECT_THAT(MissingSteps(inv), IsEmpty());
}

TEST(Investigation, RegisterAnswersFollowTheirRules) {
  v1::Investigation inv = Opened();
  ASSERT_TRUE(Start(inv, kActor).ok());
  ASSERT_TRUE(
      RequestRegisterCheck(inv, "m1", v1::REGISTER_KIND_POLICE, D(2026, 10, 1), "c", kActor).ok());
  auto fields = [](const absl::Status& st) {
    std::vector<std::string> out;
    for (const auto& v : GetViolations(st)) out.push_back(v.field);
    return out;
  };
  EXPECT_THAT(fields(AnswerRegisterCheck(inv, "c", D(2026, 9, 30),
                                         v1::REGISTER_CHECK_OUTCOME_REMARKS, "", kActor)),
              ElementsAre("answered_date", "note"));
  EXPECT_THAT(fields(AnswerRegisterCheck(inv, "c", D(2026, 12, 30),
                                         v1::REGISTER_CHECK_OUTCOME_NO_REMARKS, "x", kActor)),
              ElementsAre("answered_date", "note"));
  ASSERT_TRUE(AnswerRegisterCheck(inv, "c", D(2026, 10, 3), v1::REGISTER_CHECK_OUTCOME_REMARKS,
                                  "a note", kActor)
                  .ok());
  EXPECT_EQ(GetReason(AnswerRegisterCheck(inv, "c", D(2026, 10, 3),
                                          v1::REGISTER_CHECK_OUTCOME_NO_REMARKS, "", kActor)),
            "ALREADY_ANSWERED");
  // The note never enters the investigation.
  EXPECT_EQ(inv.DebugString().find("a note"), std::string::npos);
  Derive(inv, kActor.today);
  EXPECT_EQ(inv.register_checks(0).days_waiting(), 2);
  EXPECT_EQ(inv.days_open(), 0);
}

TEST(Investigation, DecisionsEndItAndOnlyFromReadyForDecision) {
  v1::Investigation inv = Opened();
  // A home without a municipality (an agency's, until the investigator says where it is)
  // is not handed over for approval.
  ASSERT_TRUE(UpdateHomeProfile(inv, {}, {"location_municipality_id"}, kActor).ok());
  ASSERT_TRUE(Start(inv, kActor).ok());
  Complete(inv);
  EXPECT_EQ(GetViolations(MarkReadyForDecision(inv, Recommend(), kActor))[0].field,
            "home_profile.location_municipality_id");
  v1::HomeProfile where;
  where.set_location_municipality_id("2418");
  ASSERT_TRUE(UpdateHomeProfile(inv, where, {"location_municipality_id"}, kActor).ok());
  const auto scope = Recommend().recommended_scope();
  EXPECT_EQ(Approve(inv, scope, D(2026, 11, 23), "", {}, "home-1", kActor).code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(MarkReadyForDecision(inv, Recommend(), kActor).ok());
  ASSERT_TRUE(ReturnForCompletion(inv, "one more reference", kActor).ok());
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_IN_PROGRESS);
  ASSERT_TRUE(MarkReadyForDecision(inv, Recommend(), kActor).ok());
  v1::ApprovalScope impossible = scope;
  impossible.set_min_age_years(13);
  impossible.set_max_age_years(5);
  EXPECT_EQ(
      GetViolations(Approve(inv, impossible, D(2026, 11, 23), "", {}, "home-1", kActor))[0].field,
      "scope.max_age_years");
  EXPECT_EQ(Approve(inv, scope, D(2026, 11, 24), "", {}, "home-1", kActor).code(),
            absl::StatusCode::kInvalidArgument);  // in the future
  EXPECT_EQ(Approve(inv, scope, D(2026, 11, 22), "", {}, "home-1", kActor).code(),
            absl::StatusCode::kInvalidArgument);  // before it was opened
  ASSERT_TRUE(Approve(inv, scope, D(2026, 11, 23), "", {}, "home-1", kActor).ok());
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_APPROVED);
  EXPECT_EQ(inv.home_id(), "home-1");
  EXPECT_EQ(inv.decision().next_follow_up_due_date().year(), 2027);
  EXPECT_EQ(Discontinue(inv, v1::DISCONTINUATION_REASON_APPLICANT_WITHDREW, "", {}, kActor).code(),
            absl::StatusCode::kFailedPrecondition);
  Derive(inv, absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(inv.days_open(), 0);  // decided on the day it was opened; the clock stops
}

TEST(Investigation, DiscontinuedFromAnyUndecidedState) {
  v1::Investigation inv = Opened();
  ASSERT_TRUE(Discontinue(inv, v1::DISCONTINUATION_REASON_APPLICANT_WITHDREW, "", {}, kActor).ok());
  EXPECT_EQ(inv.state(), v1::INVESTIGATION_STATE_DISCONTINUED);
  EXPECT_EQ(inv.discontinuation().discontinued_date().day(), 23);
  v1::Investigation other = Opened();
  EXPECT_EQ(
      GetViolations(Discontinue(other, v1::DISCONTINUATION_REASON_OTHER, "", {}, kActor))[0].field,
      "note");
}

TEST(Investigation, AFollowUpStartsFromTheApprovedHome) {
  v1::Investigation approved = Opened();
  ASSERT_TRUE(Start(approved, kActor).ok());
  Complete(approved);
  v1::Training pride;
  pride.set_program(v1::TRAINING_PROGRAM_PRIDE);
  pride.set_sessions_total(9);
  pride.set_sessions_attended(9);
  pride.add_participant_member_ids("m1");
  *pride.mutable_completed_date() = D(2026, 9, 1);
  ASSERT_TRUE(RecordTraining(approved, pride, "t1", kActor).ok());
  ASSERT_TRUE(RemoveMember(approved, "m2", "moved out", kActor).ok());
  ASSERT_TRUE(MarkReadyForDecision(approved, Recommend(), kActor).ok());
  ASSERT_TRUE(
      Approve(approved, Recommend().recommended_scope(), D(2026, 11, 23), "", {}, "home-1", kActor)
          .ok());

  FollowUpSpec spec{.investigation_id = "inv-2",
                    .reason = v1::FOLLOW_UP_REASON_YEARLY,
                    .method = v1::INVESTIGATION_METHOD_PRIDE};
  auto follow_up = OpenFollowUp(spec, approved, kActor);
  ASSERT_TRUE(follow_up.ok()) << follow_up.status();
  EXPECT_EQ(follow_up->kind(), v1::INVESTIGATION_KIND_FOLLOW_UP);
  EXPECT_EQ(follow_up->home_id(), "home-1");
  EXPECT_EQ(follow_up->previous_investigation_id(), "inv-1");
  EXPECT_EQ(follow_up->household_size(), 1);  // the member who moved out stays behind
  EXPECT_THAT(follow_up->assignment_kinds(),
              ElementsAre(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM));
  // The completed PRIDE training still counts; the rest is to be done again.
  for (const auto& step : MissingSteps(*follow_up)) {
    EXPECT_NE(step.kind(), v1::MISSING_STEP_KIND_TRAINING);
  }
  // A change in the household needs a description; a revoked home gets none.
  spec.reason = v1::FOLLOW_UP_REASON_HOUSEHOLD_CHANGE;
  EXPECT_EQ(GetViolations(OpenFollowUp(spec, approved, kActor).status())[0].field, "description");
  v1::Investigation rejected = approved;
  rejected.set_state(v1::INVESTIGATION_STATE_REJECTED);
  spec.description = "a new partner";
  EXPECT_EQ(GetReason(OpenFollowUp(spec, rejected, kActor).status()), "APPROVAL_REVOKED");
}

TEST(Investigation, ProfileChangesOnlyTheMaskedFields) {
  v1::Investigation inv = Opened();
  v1::HomeProfile p;
  p.add_languages("sv");
  p.add_languages("fi");
  p.set_rooms_for_placed_children(2);
  p.set_display_name("Familjen B, Malå");
  ASSERT_TRUE(UpdateHomeProfile(inv, p, {"languages", "rooms_for_placed_children"}, kActor).ok());
  EXPECT_THAT(inv.home_profile().languages(), ElementsAre("sv", "fi"));
  EXPECT_EQ(inv.home_profile().rooms_for_placed_children(), 2);
  EXPECT_EQ(inv.home_profile().display_name(), "");
  EXPECT_EQ(inv.home_profile().adults_size(), 2);  // output only, kept
  EXPECT_EQ(GetViolations(UpdateHomeProfile(inv, p, {"adults", "nope"}, kActor)).size(), 2u);
  // What the registry could not take is refused here, not after the decision.
  p.add_languages("Finska");
  p.mutable_coarse_location()->set_latitude(48.85);
  p.mutable_coarse_location()->set_longitude(2.35);
  std::vector<std::string> fields;
  for (const auto& v :
       GetViolations(UpdateHomeProfile(inv, p, {"languages", "coarse_location"}, kActor))) {
    fields.push_back(v.field);
  }
  EXPECT_THAT(fields, ElementsAre("home_profile.coarse_location", "home_profile.languages[2]"));
}

}  // namespace
}  // namespace fhv::investigation
