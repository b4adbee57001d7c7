// The investigation binary with the recruitment binary: an investigation from opening to
// approval, the home then findable through FindCandidateHomes (also when recruitment was
// down at the moment of approval), the register notes' access rules, and bad input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "fhv/investigation/v1/investigation_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace iv1 = ::fhv::investigation::v1;
namespace rv1 = ::fhv::recruitment::v1;
using IStub = iv1::InvestigationService::Stub;

auth::Principal Staff(const std::string& org, const std::string& role) {
  auth::Principal p = Recruiter(org);
  p.user = absl::StrCat(role, "-", org);
  p.roles = {role};
  return p;
}

fhv::common::v1::Date DaysAgo(int days) {
  const absl::CivilDay d = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(3600)) - days;
  fhv::common::v1::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

class InvestigationE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [binary, schema] : std::vector<std::pair<std::string, std::string>>{
             {"fhv-recruitment", "recruitment"}, {"fhv-investigation", "investigation"}}) {
      auto r = RunBinary(binary, {"--migrate", "--database_dsn=" + db_.Dsn(schema)});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    const int recruitment_port = FreePort();
    recruitment_ = std::make_unique<ServiceProcess>(
        "fhv-recruitment",
        std::vector<std::string>{"--database_dsn=" + db_.Dsn("recruitment"),
                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                 "--jwt_issuer=fhv-test"},
        recruitment_port);
    ASSERT_TRUE(recruitment_->running()) << recruitment_->Log();
    investigation_ = std::make_unique<ServiceProcess>(
        "fhv-investigation",
        std::vector<std::string>{"--database_dsn=" + db_.Dsn("investigation"),
                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                 "--jwt_issuer=fhv-test",
                                 "--service_key=" + keys_.private_pem_path(),
                                 absl::StrCat("--peers=recruitment=127.0.0.1:", recruitment_port),
                                 "--gauge_refresh=200ms"});
    ASSERT_TRUE(investigation_->running()) << investigation_->Log();
    recruitment_stub_ = RecruitmentStub(recruitment_->address());
    stub_ = iv1::InvestigationService::NewStub(
        grpc::CreateChannel(investigation_->address(), grpc::InsecureChannelCredentials()));
    SeedPlaces(recruitment_->address(), keys_.Mint(SuiteAdmin()));
    investigator_ = keys_.Mint(Staff("2418", "investigator"));
    decider_ = keys_.Mint(Staff("2418", "investigation_decider"));
    rv1::SubmitInterestRequest submit;
    submit.set_request_id(NewUuid());
    *submit.mutable_interest() = SampleInterest(MakePersonnummer("19800101", 1));
    rv1::SubmitInterestResponse submitted;
    ASSERT_TRUE(
        recruitment_stub_->SubmitInterest(Ctx(keys_.Mint(Recruiter())).get(), submit, &submitted)
            .ok());
    applicant_id_ = submitted.interest().applicant_id();
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (IStub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
                                const Request& request, const std::string& token) {
    return CallRpc(*stub_, method, request, token);
  }

  iv1::Investigation Open() {
    iv1::OpenInvestigationRequest req;
    req.set_request_id(NewUuid());
    req.set_applicant_id(applicant_id_);
    req.set_method(iv1::INVESTIGATION_METHOD_NYA_KALVESTEN);
    auto r = Call(&IStub::OpenInvestigation, req, investigator_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->investigation() : iv1::Investigation();
  }

  // Runs a verb with the investigation's id and current etag; keeps `inv` current.
  template <typename Request, typename Response>
  absl::Status Step(iv1::Investigation& inv,
                    grpc::Status (IStub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Request request, const std::string& token = "") {
    request.set_investigation_id(inv.investigation_id());
    request.set_etag(inv.etag());
    auto r = Call(method, request, token.empty() ? investigator_ : token);
    if (!r.ok()) return r.status();
    inv = r->investigation();
    return absl::OkStatus();
  }

  // Every mandatory step for the one adult, then ready for decision.
  void CompleteAndHandOver(iv1::Investigation& inv) {
    ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
    CompleteAndHandOverFromInProgress(inv);
  }

  void CompleteAndHandOverFromInProgress(iv1::Investigation& inv) {
    const std::string adult = inv.household(0).member_id();
    for (auto reg : {iv1::REGISTER_KIND_POLICE, iv1::REGISTER_KIND_SOCIAL_SERVICES,
                     iv1::REGISTER_KIND_KRONOFOGDEN, iv1::REGISTER_KIND_FORSAKRINGSKASSAN}) {
      iv1::RequestRegisterCheckRequest request;
      request.set_request_id(NewUuid());
      request.set_member_id(adult);
      request.set_register_(reg);
      *request.mutable_requested_date() = DaysAgo(20);
      ASSERT_TRUE(Step(inv, &IStub::RequestRegisterCheck, request).ok());
      iv1::RecordRegisterCheckAnswerRequest answer;
      answer.set_register_check_id(inv.register_checks().rbegin()->register_check_id());
      *answer.mutable_answered_date() = DaysAgo(10);
      answer.set_outcome(iv1::REGISTER_CHECK_OUTCOME_NO_REMARKS);
      ASSERT_TRUE(Step(inv, &IStub::RecordRegisterCheckAnswer, answer).ok());
    }
    iv1::RecordInterviewRequest interview;
    interview.set_request_id(NewUuid());
    interview.mutable_interview()->set_kind(iv1::INTERVIEW_KIND_ADULT_ALONE);
    interview.mutable_interview()->add_participant_member_ids(adult);
    *interview.mutable_interview()->mutable_interview_date() = DaysAgo(9);
    interview.mutable_interview()->add_interviewer_user_ids("investigator-2418");
    ASSERT_TRUE(Step(inv, &IStub::RecordInterview, interview).ok());
    iv1::RecordHomeVisitRequest visit;
    visit.set_request_id(NewUuid());
    *visit.mutable_home_visit()->mutable_visit_date() = DaysAgo(8);
    visit.mutable_home_visit()->add_visitor_user_ids("investigator-2418");
    visit.mutable_home_visit()->set_own_room_confirmed(true);
    ASSERT_TRUE(Step(inv, &IStub::RecordHomeVisit, visit).ok());
    for (int i = 0; i < 2; ++i) {
      iv1::RecordReferenceRequest ref;
      ref.set_request_id(NewUuid());
      auto* r = ref.mutable_reference();
      r->mutable_name()->set_given_name("Ref");
      r->mutable_name()->set_family_name(absl::StrCat("Nr", i));
      r->set_relation("employer");
      *r->mutable_contacted_date() = DaysAgo(7);
      r->set_outcome(iv1::REFERENCE_OUTCOME_POSITIVE);
      ASSERT_TRUE(Step(inv, &IStub::RecordReference, ref).ok());
    }
    iv1::UpdateHomeProfileRequest profile;
    profile.mutable_home_profile()->set_display_name("Familjen Lind, Malå");
    profile.mutable_home_profile()->add_languages("sv");
    profile.mutable_home_profile()->set_location_municipality_id("2418");
    for (const char* path : {"display_name", "languages", "location_municipality_id"}) {
      profile.mutable_update_mask()->add_paths(path);
    }
    ASSERT_TRUE(Step(inv, &IStub::UpdateHomeProfile, profile).ok());
    iv1::MarkReadyForDecisionRequest ready;
    ready.mutable_recommendation()->set_recommendation(iv1::INVESTIGATION_RECOMMENDATION_APPROVE);
    *ready.mutable_recommendation()->mutable_recommended_scope() = Scope();
    ASSERT_TRUE(Step(inv, &IStub::MarkReadyForDecision, ready).ok());
    EXPECT_EQ(inv.state(), iv1::INVESTIGATION_STATE_READY_FOR_DECISION);
  }

  static iv1::ApprovalScope Scope() {
    iv1::ApprovalScope scope;
    scope.add_assignment_kinds(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
    scope.set_max_children(1);
    scope.set_min_age_years(0);
    scope.set_max_age_years(12);
    scope.set_support_tier(iv1::HOME_SUPPORT_TIER_MUNICIPAL);
    return scope;
  }

  rv1::ApplicantState ApplicantState() {
    rv1::GetApplicantRequest req;
    req.set_id(applicant_id_);
    rv1::GetApplicantResponse resp;
    auto st = recruitment_stub_->GetApplicant(Ctx(keys_.Mint(Recruiter())).get(), req, &resp);
    return st.ok() ? resp.applicant().state() : rv1::APPLICANT_STATE_UNSPECIFIED;
  }

  // Polls until the applicant reaches `state` (events travel asynchronously).
  bool EventuallyApplicant(rv1::ApplicantState state) {
    for (int i = 0; i < 200; ++i) {
      if (ApplicantState() == state) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  int64_t Count(const std::string& sql) { return db_.Count(sql); }

  TestDatabase db_{{"recruitment", "investigation"}};
  TestKeys keys_;
  std::unique_ptr<ServiceProcess> recruitment_;
  std::unique_ptr<ServiceProcess> investigation_;
  std::unique_ptr<rv1::RecruitmentService::Stub> recruitment_stub_;
  std::unique_ptr<IStub> stub_;
  std::string investigator_, decider_, applicant_id_;
};

TEST_F(InvestigationE2E, ApprovalMakesTheHomeFindableEvenWhenRecruitmentWasDown) {
  iv1::Investigation inv = Open();
  ASSERT_EQ(inv.state(), iv1::INVESTIGATION_STATE_OPEN);
  ASSERT_EQ(inv.household_size(), 1);
  EXPECT_EQ(inv.household(0).name().family_name(), "Lind");
  EXPECT_TRUE(EventuallyApplicant(rv1::APPLICANT_STATE_IN_INVESTIGATION));
  CompleteAndHandOver(inv);

  ASSERT_EQ(recruitment_->Stop(), 0);
  iv1::ApproveInvestigationRequest approve;
  approve.set_request_id(NewUuid());
  *approve.mutable_scope() = Scope();
  *approve.mutable_decision_date() = DaysAgo(0);
  ASSERT_TRUE(Step(inv, &IStub::ApproveInvestigation, approve, decider_).ok());
  EXPECT_EQ(inv.state(), iv1::INVESTIGATION_STATE_APPROVED);
  ASSERT_FALSE(inv.home_id().empty());
  absl::SleepFor(absl::Seconds(1));  // the dispatcher meets a closed door
  ASSERT_TRUE(recruitment_->Start()) << recruitment_->Log();

  EXPECT_TRUE(EventuallyApplicant(rv1::APPLICANT_STATE_APPROVED));
  rv1::FindCandidateHomesRequest find;
  auto* needs = find.mutable_needs();
  needs->set_youngest_age(6);
  needs->set_oldest_age(6);
  needs->set_children(1);
  needs->set_kind(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  *needs->mutable_start_date() = DaysAgo(-30);
  needs->set_home_municipality("2418");
  rv1::FindCandidateHomesResponse found;
  ASSERT_TRUE(
      recruitment_stub_
          ->FindCandidateHomes(Ctx(keys_.Mint(Staff("2418", "case_worker"))).get(), find, &found)
          .ok());
  ASSERT_EQ(found.candidates_size(), 1);
  EXPECT_EQ(found.candidates(0).home().id(), inv.home_id());
  EXPECT_EQ(found.candidates(0).home().display_name(), "Familjen Lind, Malå");
  // Delivered once in effect: one home, one approval step.
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.applicant_transition "
                  "WHERE state = 'APPLICANT_STATE_APPROVED'"),
            1);
}

TEST_F(InvestigationE2E, AnIncompleteInvestigationIsNotHandedOverAndNothingIsWritten) {
  iv1::Investigation inv = Open();
  ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
  const std::string etag = inv.etag();
  iv1::MarkReadyForDecisionRequest ready;
  ready.mutable_recommendation()->set_recommendation(iv1::INVESTIGATION_RECOMMENDATION_REJECT);
  auto st = Step(inv, &IStub::MarkReadyForDecision, ready);
  ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(st), "INVESTIGATION_INCOMPLETE");
  const std::string missing = GetErrorMetadata(st)["missing_steps"];
  EXPECT_NE(missing.find("REGISTER_CHECK:"), std::string::npos);
  EXPECT_NE(missing.find("HOME_VISIT"), std::string::npos);
  EXPECT_NE(missing.find("REFERENCES"), std::string::npos);
  iv1::GetInvestigationRequest get;
  get.set_investigation_id(inv.investigation_id());
  auto now = Call(&IStub::GetInvestigation, get, investigator_);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->investigation().etag(), etag);
  EXPECT_EQ(now->investigation().state(), iv1::INVESTIGATION_STATE_IN_PROGRESS);
  EXPECT_EQ(now->investigation().missing_steps_size(), 4 + 1 + 1 + 1);
  // A stale etag: ABORTED; an investigator cannot decide.
  iv1::StartInvestigationRequest stale;
  stale.set_investigation_id(inv.investigation_id());
  stale.set_etag("0");
  EXPECT_EQ(Call(&IStub::StartInvestigation, stale, investigator_).status().code(),
            absl::StatusCode::kAborted);
  iv1::RejectInvestigationRequest reject;
  *reject.mutable_decision_date() = DaysAgo(0);
  reject.set_reason("x");
  EXPECT_EQ(Step(inv, &IStub::RejectInvestigation, reject).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(InvestigationE2E, RegisterNotesOnlyForTheInvestigatorsAndDecidersAndEveryReadAudited) {
  iv1::Investigation inv = Open();
  ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
  iv1::RequestRegisterCheckRequest request;
  request.set_request_id(NewUuid());
  request.set_member_id(inv.household(0).member_id());
  request.set_register_(iv1::REGISTER_KIND_POLICE);
  *request.mutable_requested_date() = DaysAgo(5);
  ASSERT_TRUE(Step(inv, &IStub::RequestRegisterCheck, request).ok());
  const std::string check = inv.register_checks(0).register_check_id();
  iv1::RecordRegisterCheckAnswerRequest answer;
  answer.set_register_check_id(check);
  *answer.mutable_answered_date() = DaysAgo(1);
  answer.set_outcome(iv1::REGISTER_CHECK_OUTCOME_REMARKS);
  answer.set_note("Dömd för ringa stöld 2009");
  ASSERT_TRUE(Step(inv, &IStub::RecordRegisterCheckAnswer, answer).ok());
  EXPECT_EQ(inv.DebugString().find("stöld"), std::string::npos);
  iv1::GetInvestigationRequest get;
  get.set_investigation_id(inv.investigation_id());
  auto read = Call(&IStub::GetInvestigation, get, decider_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->investigation().DebugString().find("stöld"), std::string::npos);

  iv1::GetRegisterCheckNoteRequest note;
  note.set_investigation_id(inv.investigation_id());
  note.set_register_check_id(check);
  note.set_purpose("assessing suitability");
  auto got = Call(&IStub::GetRegisterCheckNote, note, decider_);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->note(), "Dömd för ringa stöld 2009");
  // An admin of the same organisation, an investigator of another: refused, and audited.
  EXPECT_EQ(
      Call(&IStub::GetRegisterCheckNote, note, keys_.Mint(Staff("2418", "admin"))).status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&IStub::GetRegisterCheckNote, note, keys_.Mint(Staff("0834", "investigator")))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  note.clear_purpose();
  EXPECT_EQ(Call(&IStub::GetRegisterCheckNote, note, investigator_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM investigation.audit_log WHERE "
                               "resource_type = 'register_note' AND resource_id = '",
                               check, "'")),
            4);
  EXPECT_EQ(Count("SELECT count(*) FROM investigation.audit_log WHERE resource_type = "
                  "'register_note' AND outcome = 'refused'"),
            3);
  EXPECT_EQ(Count("SELECT count(*) FROM investigation.audit_log WHERE resource_type = "
                  "'register_note' AND outcome = '' AND purpose = 'assessing suitability'"),
            1);
  // The audit chain still verifies with the new columns.
  auto verified = RunBinary("fhv-investigation",
                            {"--verify_audit", "--database_dsn=" + db_.Dsn("investigation")});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

TEST_F(InvestigationE2E, BadInputAndOtherOrganisationsGetClearStatuses) {
  iv1::OpenInvestigationRequest open;
  open.set_request_id(NewUuid());
  open.set_applicant_id(NewUuid());
  open.set_method(iv1::INVESTIGATION_METHOD_PRIDE);
  EXPECT_EQ(Call(&IStub::OpenInvestigation, open, investigator_).status().code(),
            absl::StatusCode::kNotFound);
  // Another municipality cannot open one for Malå's applicant either.
  open.set_applicant_id(applicant_id_);
  EXPECT_EQ(Call(&IStub::OpenInvestigation, open, keys_.Mint(Staff("0834", "investigator")))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT count(*) FROM investigation.investigation"), 0);

  // A retry of an opening returns the first result; a second opening is refused.
  open.set_request_id("open-1");
  auto first = Call(&IStub::OpenInvestigation, open, investigator_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Call(&IStub::OpenInvestigation, open, investigator_);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->investigation().investigation_id(), first->investigation().investigation_id());
  open.set_request_id(NewUuid());
  EXPECT_EQ(GetReason(Call(&IStub::OpenInvestigation, open, investigator_).status()),
            "INVESTIGATION_ALREADY_OPEN");
  EXPECT_EQ(Count("SELECT count(*) FROM investigation.investigation"), 1);
  iv1::Investigation inv = first->investigation();
  ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
  iv1::RequestRegisterCheckRequest request;
  request.set_request_id(NewUuid());
  request.set_member_id(NewUuid());
  request.set_register_(iv1::REGISTER_KIND_POLICE);
  *request.mutable_requested_date() = DaysAgo(1);
  EXPECT_EQ(Step(inv, &IStub::RequestRegisterCheck, request).code(), absl::StatusCode::kNotFound);
  iv1::GetInvestigationRequest get;
  get.set_investigation_id(inv.investigation_id());
  const auto other = Call(&IStub::GetInvestigation, get, keys_.Mint(Staff("0834", "investigator")));
  get.set_investigation_id(NewUuid());
  const auto unknown = Call(&IStub::GetInvestigation, get, investigator_);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.status().message(), unknown.status().message());
}

TEST_F(InvestigationE2E, TheRestOfTheVerbsAndAFollowUpReachTheRegistry) {
  iv1::Investigation inv = Open();
  iv1::AssignInvestigatorRequest assign;
  assign.set_investigator_user_id("investigator-2");
  ASSERT_TRUE(Step(inv, &IStub::AssignInvestigator, assign).ok());
  EXPECT_EQ(inv.investigator_user_id(), "investigator-2");
  ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
  // A partner moves in, and out again; a step creating a record needs a request id.
  iv1::AddHouseholdMemberRequest add;
  add.mutable_member()->set_kind(iv1::HOUSEHOLD_MEMBER_KIND_OTHER_ADULT);
  add.mutable_member()->mutable_name()->set_given_name("Per");
  add.mutable_member()->mutable_name()->set_family_name("Lind");
  add.mutable_member()->set_personnummer(MakePersonnummer("19790505", 12));
  EXPECT_EQ(GetViolations(Step(inv, &IStub::AddHouseholdMember, add))[0].field, "request_id");
  add.set_request_id(NewUuid());
  ASSERT_TRUE(Step(inv, &IStub::AddHouseholdMember, add).ok());
  ASSERT_EQ(inv.household_size(), 2);
  EXPECT_EQ(inv.household(1).personnummer().size(), 12u);
  iv1::RemoveHouseholdMemberRequest remove;
  remove.set_member_id(inv.household(1).member_id());
  remove.set_reason("moved out");
  ASSERT_TRUE(Step(inv, &IStub::RemoveHouseholdMember, remove).ok());
  EXPECT_TRUE(inv.household(1).has_remove_time());
  // A training, then its completion.
  iv1::RecordTrainingRequest training;
  training.set_request_id(NewUuid());
  training.mutable_training()->set_program(iv1::TRAINING_PROGRAM_ETT_HEM_ATT_VAXA_I);
  training.mutable_training()->set_sessions_total(4);
  training.mutable_training()->add_participant_member_ids(inv.household(0).member_id());
  ASSERT_TRUE(Step(inv, &IStub::RecordTraining, training).ok());
  iv1::UpdateTrainingProgressRequest progress;
  progress.set_training_id(inv.trainings(0).training_id());
  progress.set_sessions_attended(5);
  EXPECT_EQ(Step(inv, &IStub::UpdateTrainingProgress, progress).code(),
            absl::StatusCode::kInvalidArgument);
  progress.set_sessions_attended(4);
  *progress.mutable_completed_date() = DaysAgo(2);
  ASSERT_TRUE(Step(inv, &IStub::UpdateTrainingProgress, progress).ok());
  // The list finds it by state and investigator; another organisation's list is refused.
  iv1::ListInvestigationsRequest list;
  list.add_states(iv1::INVESTIGATION_STATE_IN_PROGRESS);
  list.set_investigator_user_id("investigator-2");
  auto listed = Call(&IStub::ListInvestigations, list, investigator_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->investigations_size(), 1);
  EXPECT_EQ(listed->investigations(0).investigation_id(), inv.investigation_id());
  list.set_organisation_id("0834");
  EXPECT_EQ(Call(&IStub::ListInvestigations, list, investigator_).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Back for completion once, then approved.
  CompleteAndHandOverFromInProgress(inv);
  iv1::ReturnForCompletionRequest back;
  back.set_reason("one more reference");
  ASSERT_TRUE(Step(inv, &IStub::ReturnForCompletion, back, decider_).ok());
  EXPECT_EQ(inv.state(), iv1::INVESTIGATION_STATE_IN_PROGRESS);
  iv1::MarkReadyForDecisionRequest ready;
  ready.mutable_recommendation()->set_recommendation(iv1::INVESTIGATION_RECOMMENDATION_APPROVE);
  *ready.mutable_recommendation()->mutable_recommended_scope() = Scope();
  ASSERT_TRUE(Step(inv, &IStub::MarkReadyForDecision, ready).ok());
  iv1::ApproveInvestigationRequest approve;
  *approve.mutable_scope() = Scope();
  *approve.mutable_decision_date() = DaysAgo(0);
  ASSERT_TRUE(Step(inv, &IStub::ApproveInvestigation, approve, decider_).ok());
  ASSERT_TRUE(EventuallyApplicant(rv1::APPLICANT_STATE_APPROVED));

  // A follow-up after a change in the household, rejected: the home loses its approval.
  iv1::OpenFollowUpInvestigationRequest follow;
  follow.set_request_id(NewUuid());
  follow.set_home_id(inv.home_id());
  follow.set_reason(iv1::FOLLOW_UP_REASON_HOUSEHOLD_CHANGE);
  follow.set_description("a new partner");
  follow.set_method(iv1::INVESTIGATION_METHOD_NYA_KALVESTEN);
  auto opened = Call(&IStub::OpenFollowUpInvestigation, follow, investigator_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  iv1::Investigation next = opened->investigation();
  EXPECT_EQ(next.kind(), iv1::INVESTIGATION_KIND_FOLLOW_UP);
  EXPECT_EQ(next.previous_investigation_id(), inv.investigation_id());
  CompleteAndHandOver(next);
  iv1::RejectInvestigationRequest reject;
  *reject.mutable_decision_date() = DaysAgo(0);
  reject.set_reason("the household can no longer take a child");
  ASSERT_TRUE(Step(next, &IStub::RejectInvestigation, reject, decider_).ok());
  rv1::GetHomeRequest get_home;
  get_home.set_id(inv.home_id());
  bool revoked = false;
  for (int i = 0; i < 200 && !revoked; ++i) {
    rv1::GetHomeResponse home;
    if (recruitment_stub_
            ->GetHome(Ctx(keys_.Mint(Staff("2418", "case_worker"))).get(), get_home, &home)
            .ok()) {
      revoked = home.home().revoked();
    }
    if (!revoked) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(revoked);
  // The applicant's investigation was decided: a new initial one is refused.
  iv1::OpenInvestigationRequest again;
  again.set_request_id(NewUuid());
  again.set_applicant_id(applicant_id_);
  again.set_method(iv1::INVESTIGATION_METHOD_OTHER);
  EXPECT_EQ(GetReason(Call(&IStub::OpenInvestigation, again, investigator_).status()),
            "APPLICANT_NOT_INVESTIGABLE");
}

TEST_F(InvestigationE2E, RejectionAndWithdrawalMoveTheApplicant) {
  iv1::Investigation rejected = Open();
  CompleteAndHandOver(rejected);
  iv1::RejectInvestigationRequest reject;
  *reject.mutable_decision_date() = DaysAgo(0);
  EXPECT_EQ(GetViolations(Step(rejected, &IStub::RejectInvestigation, reject, decider_))[0].field,
            "reason");
  reject.set_reason("the references advise against it");
  ASSERT_TRUE(Step(rejected, &IStub::RejectInvestigation, reject, decider_).ok());
  EXPECT_TRUE(EventuallyApplicant(rv1::APPLICANT_STATE_REJECTED));

  // Another applicant withdraws while investigated.
  rv1::SubmitInterestRequest submit;
  submit.set_request_id(NewUuid());
  *submit.mutable_interest() = SampleInterest(MakePersonnummer("19800101", 2));
  rv1::SubmitInterestResponse submitted;
  ASSERT_TRUE(
      recruitment_stub_->SubmitInterest(Ctx(keys_.Mint(Recruiter())).get(), submit, &submitted)
          .ok());
  applicant_id_ = submitted.interest().applicant_id();
  iv1::Investigation inv = Open();
  iv1::DiscontinueInvestigationRequest stop;
  stop.set_reason(iv1::DISCONTINUATION_REASON_APPLICANT_WITHDREW);
  ASSERT_TRUE(Step(inv, &IStub::DiscontinueInvestigation, stop).ok());
  EXPECT_EQ(inv.state(), iv1::INVESTIGATION_STATE_DISCONTINUED);
  EXPECT_TRUE(EventuallyApplicant(rv1::APPLICANT_STATE_WITHDRAWN));
}

TEST_F(InvestigationE2E, OverdueRegisterChecksAreListedAndCounted) {
  iv1::Investigation inv = Open();
  ASSERT_TRUE(Step(inv, &IStub::StartInvestigation, iv1::StartInvestigationRequest()).ok());
  for (int days : {40, 35, 3}) {
    iv1::RequestRegisterCheckRequest request;
    request.set_request_id(NewUuid());
    request.set_member_id(inv.household(0).member_id());
    request.set_register_(days == 35 ? iv1::REGISTER_KIND_KRONOFOGDEN : iv1::REGISTER_KIND_POLICE);
    *request.mutable_requested_date() = DaysAgo(days);
    ASSERT_TRUE(Step(inv, &IStub::RequestRegisterCheck, request).ok());
  }
  iv1::ListOverdueRegisterChecksRequest list;
  list.set_page_size(1);
  std::vector<int> waiting;
  do {
    auto page = Call(&IStub::ListOverdueRegisterChecks, list, investigator_);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->unanswered_for_days(), 30);
    for (const auto& o : page->overdue_checks()) {
      waiting.push_back(o.register_check().days_waiting());
      EXPECT_EQ(o.member_name().family_name(), "Lind");
    }
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty() && waiting.size() < 10);
  EXPECT_THAT(waiting, ::testing::ElementsAre(40, 35));
  double value = -1;
  for (int i = 0; i < 50 && value != 2; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    value = MetricValue(HttpGet(investigation_->metrics_port(), "/metrics"),
                        "fhv_investigation_register_checks_overdue", {{"organisation", "2418"}});
  }
  EXPECT_EQ(value, 2);
}

}  // namespace
}  // namespace fhv::testing
