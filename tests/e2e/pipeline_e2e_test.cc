// The applicant pipeline through the recruitment binary: verbs with etags, history,
// access, the funnel report, portal imports and the applicant gauges.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "tests/e2e/recruitment_fixture.h"

namespace fhv::testing {
namespace {

using Stub = v1::RecruitmentService::Stub;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class PipelineE2E : public RecruitmentFixture {
 protected:
  // A new applicant of Malå from an interest of one adult; returns it.
  v1::Applicant NewApplicant(int serial, v1::InterestSource source = v1::INTEREST_SOURCE_PORTAL,
                             const std::string& campaign = "") {
    v1::Interest interest = SampleInterest(MakePersonnummer("19800101", serial));
    interest.set_source(source);
    interest.set_campaign_id(campaign);
    auto r = Submit(interest, NewUuid(), token_);
    EXPECT_TRUE(r.ok()) << r.status();
    return Applicant(r.ok() ? r->interest().applicant_id() : "").value_or(v1::Applicant());
  }

  absl::StatusOr<v1::Applicant> Applicant(const std::string& id, const std::string& token = "") {
    v1::GetApplicantRequest req;
    req.set_id(id);
    auto r = Call(&Stub::GetApplicant, req, token.empty() ? token_ : token);
    if (!r.ok()) return r.status();
    return r->applicant();
  }

  absl::StatusOr<v1::Applicant> Contact(const v1::Applicant& a) {
    v1::MarkApplicantContactedRequest req;
    req.set_id(a.id());
    req.set_etag(a.etag());
    auto r = Call(&Stub::MarkApplicantContacted, req, token_);
    if (!r.ok()) return r.status();
    return r->applicant();
  }

  absl::StatusOr<v1::Applicant> Meet(const v1::Applicant& a) {
    v1::RecordInfoMeetingRequest req;
    req.set_id(a.id());
    req.set_etag(a.etag());
    req.mutable_held_on()->set_year(2026);
    req.mutable_held_on()->set_month(1);
    req.mutable_held_on()->set_day(20);
    auto r = Call(&Stub::RecordInfoMeeting, req, token_);
    if (!r.ok()) return r.status();
    return r->applicant();
  }

  absl::StatusOr<v1::Applicant> Apply(const v1::Applicant& a) {
    v1::RecordApplicationRequest req;
    req.set_id(a.id());
    req.set_etag(a.etag());
    req.add_assignments(fhv::common::v1::ASSIGNMENT_KIND_JOURHEM);
    auto r = Call(&Stub::RecordApplication, req, token_);
    if (!r.ok()) return r.status();
    return r->applicant();
  }
};

TEST_F(PipelineE2E, StepsFollowThePipelineWithEtagsAndHistory) {
  v1::Applicant a = NewApplicant(1);
  ASSERT_EQ(a.state(), v1::APPLICANT_STATE_NEW);
  EXPECT_EQ(a.adults(0).name().given_name(), "Anna");
  EXPECT_EQ(a.interest_ids_size(), 1);

  // A step out of order: FAILED_PRECONDITION naming the state; nothing changes.
  auto early = Apply(a);
  ASSERT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(early.status()), "INVALID_STATE");
  EXPECT_EQ(GetErrorMetadata(early.status())["state"], "APPLICANT_STATE_NEW");
  EXPECT_EQ(Applicant(a.id())->etag(), a.etag());

  auto contacted = Contact(a);
  ASSERT_TRUE(contacted.ok()) << contacted.status();
  EXPECT_EQ(contacted->state(), v1::APPLICANT_STATE_CONTACTED);
  // The same step with the old etag: ABORTED.
  auto stale = Contact(a);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetReason(stale.status()), "ETAG_MISMATCH");

  auto met = Meet(*contacted);
  ASSERT_TRUE(met.ok()) << met.status();
  EXPECT_EQ(met->info_meeting_on().day(), 20);
  auto applied = Apply(*met);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_THAT(applied->applied_assignments(),
              ElementsAre(fhv::common::v1::ASSIGNMENT_KIND_JOURHEM));
  v1::StartApplicantInvestigationRequest start;
  start.set_id(a.id());
  start.set_etag(applied->etag());
  auto investigating = Call(&Stub::StartApplicantInvestigation, start, token_);
  ASSERT_TRUE(investigating.ok()) << investigating.status();
  v1::WithdrawApplicantRequest withdraw;
  withdraw.set_id(a.id());
  withdraw.set_etag(investigating->applicant().etag());
  withdraw.set_reason("moved abroad");
  auto withdrawn = Call(&Stub::WithdrawApplicant, withdraw, token_);
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->applicant().withdrawal_reason(), "moved abroad");
  std::vector<v1::ApplicantState> states;
  for (const auto& t : withdrawn->applicant().history()) {
    states.push_back(t.state());
    EXPECT_GT(t.at().seconds(), 0);
    EXPECT_FALSE(t.actor().empty());
  }
  EXPECT_THAT(states,
              ElementsAre(v1::APPLICANT_STATE_NEW, v1::APPLICANT_STATE_CONTACTED,
                          v1::APPLICANT_STATE_INFO_MEETING_HELD, v1::APPLICANT_STATE_APPLIED,
                          v1::APPLICANT_STATE_IN_INVESTIGATION, v1::APPLICANT_STATE_WITHDRAWN));
  // A closed application frees the adult: the next interest makes a new applicant.
  auto again = Submit(SampleInterest(MakePersonnummer("19800101", 1)), NewUuid(), token_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->existing_applicant());
  EXPECT_NE(again->interest().applicant_id(), a.id());
}

TEST_F(PipelineE2E, TwoConflictingStepsAtOnceOneWins) {
  const v1::Applicant a = NewApplicant(2);
  auto first = std::async(std::launch::async, [&] { return Contact(a); });
  auto second = std::async(std::launch::async, [&] {
    v1::WithdrawApplicantRequest req;
    req.set_id(a.id());
    req.set_etag(a.etag());
    return Call(&Stub::WithdrawApplicant, req, token_).status();
  });
  const absl::Status s1 = first.get().status();
  const absl::Status s2 = second.get();
  EXPECT_NE(s1.ok(), s2.ok()) << s1 << " / " << s2;
  const absl::Status& loser = s1.ok() ? s2 : s1;
  EXPECT_EQ(loser.code(), absl::StatusCode::kAborted) << loser;
  EXPECT_EQ(Applicant(a.id())->history_size(), 2);
}

TEST_F(PipelineE2E, OtherOrganisationsLearnNothingAndBadInputIsNamed) {
  const v1::Applicant a = NewApplicant(3);
  const std::string torsas = keys_.Mint(Recruiter("0834"));
  const auto other = Applicant(a.id(), torsas).status();
  const auto unknown = Applicant(NewUuid(), torsas).status();
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(other.message(), unknown.message());
  v1::MarkApplicantContactedRequest step;
  step.set_id(a.id());
  step.set_etag(a.etag());
  EXPECT_EQ(Call(&Stub::MarkApplicantContacted, step, torsas).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Applicant(a.id())->state(), v1::APPLICANT_STATE_NEW);
  // The investigation service reads any applicant.
  EXPECT_TRUE(Applicant(a.id(), keys_.Mint(Service())).ok());

  step.set_id("not-a-uuid");
  step.clear_etag();
  auto bad = Call(&Stub::MarkApplicantContacted, step, token_);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(bad.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, UnorderedElementsAre("id", "etag"));
  v1::RecordInfoMeetingRequest future;
  future.set_id(a.id());
  future.set_etag(a.etag());
  future.mutable_held_on()->set_year(2099);
  future.mutable_held_on()->set_month(1);
  future.mutable_held_on()->set_day(1);
  EXPECT_EQ(GetViolations(Call(&Stub::RecordInfoMeeting, future, token_).status())[0].field,
            "held_on");
}

TEST_F(PipelineE2E, ListFiltersAndPagesEachApplicantOnce) {
  std::set<std::string> campaign;
  for (int i = 0; i < 5; ++i) {
    campaign.insert(NewApplicant(10 + i, v1::INTEREST_SOURCE_CAMPAIGN, "vinter-2026").id());
  }
  const v1::Applicant phone = NewApplicant(20, v1::INTEREST_SOURCE_PHONE);
  ASSERT_TRUE(Contact(phone).ok());
  std::set<std::string> seen;
  v1::ListApplicantsRequest req;
  req.set_page_size(2);
  req.set_campaign_id("vinter-2026");
  int pages = 0;
  do {
    auto page = Call(&Stub::ListApplicants, req, token_);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& a : page->applicants()) EXPECT_TRUE(seen.insert(a.id()).second);
    req.set_page_token(page->next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 10);
  EXPECT_EQ(seen, campaign);
  EXPECT_EQ(pages, 3);
  v1::ListApplicantsRequest contacted;
  contacted.set_state(v1::APPLICANT_STATE_CONTACTED);
  auto only = Call(&Stub::ListApplicants, contacted, token_);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->applicants_size(), 1);
  EXPECT_EQ(only->applicants(0).id(), phone.id());
  // Another organisation lists none of them.
  auto torsas =
      Call(&Stub::ListApplicants, v1::ListApplicantsRequest(), keys_.Mint(Recruiter("0834")));
  ASSERT_TRUE(torsas.ok());
  EXPECT_EQ(torsas->applicants_size(), 0);
}

TEST_F(PipelineE2E, FunnelPerSourceAndCampaignForAMunicipalityOrItsRegion) {
  const v1::Applicant a = NewApplicant(30, v1::INTEREST_SOURCE_CAMPAIGN, "vinter-2026");
  NewApplicant(31, v1::INTEREST_SOURCE_CAMPAIGN, "vinter-2026");
  const v1::Applicant c = NewApplicant(32, v1::INTEREST_SOURCE_PHONE);
  ASSERT_TRUE(Contact(a).ok());
  auto contacted = Contact(c);
  ASSERT_TRUE(contacted.ok());
  ASSERT_TRUE(Meet(*contacted).ok());

  v1::GetFunnelReportRequest req;
  req.set_municipality("2418");
  req.mutable_from()->set_year(2020);
  req.mutable_from()->set_month(1);
  req.mutable_from()->set_day(1);
  req.mutable_to()->set_year(2099);
  req.mutable_to()->set_month(12);
  req.mutable_to()->set_day(31);
  auto report = Call(&Stub::GetFunnelReport, req, token_);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->rows_size(), 2);
  const auto& phone = report->rows(0);  // PHONE (3) before CAMPAIGN (5)
  EXPECT_EQ(phone.source(), v1::INTEREST_SOURCE_PHONE);
  EXPECT_THAT(phone.reached(), UnorderedElementsAre(Pair("APPLICANT_STATE_NEW", 1),
                                                    Pair("APPLICANT_STATE_CONTACTED", 1),
                                                    Pair("APPLICANT_STATE_INFO_MEETING_HELD", 1)));
  EXPECT_EQ(phone.median_days().size(), 2u);
  const auto& campaign = report->rows(1);
  EXPECT_EQ(campaign.campaign_id(), "vinter-2026");
  EXPECT_THAT(campaign.reached(), UnorderedElementsAre(Pair("APPLICANT_STATE_NEW", 2),
                                                       Pair("APPLICANT_STATE_CONTACTED", 1)));
  // The region's funnel is Malå's here; a municipality outside it may not read it, nor
  // another municipality's.
  req.clear_municipality();
  req.set_region_id("familjehemsgruppen");
  auto region = Call(&Stub::GetFunnelReport, req, token_);
  ASSERT_TRUE(region.ok()) << region.status();
  EXPECT_EQ(region->rows_size(), 2);
  EXPECT_EQ(Call(&Stub::GetFunnelReport, req, keys_.Mint(Recruiter("0834"))).status().code(),
            absl::StatusCode::kPermissionDenied);
  req.set_municipality("2418");
  auto both = Call(&Stub::GetFunnelReport, req, token_);
  EXPECT_EQ(GetViolations(both.status())[0].field, "municipality");
  // A range with nothing in it.
  req.clear_region_id();
  req.mutable_to()->set_year(2021);
  auto empty = Call(&Stub::GetFunnelReport, req, token_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->rows_size(), 0);
}

TEST_F(PipelineE2E, PortalImportIsIdempotentOnTheSubmissionId) {
  v1::ImportPortalSubmissionRequest req;
  auto* s = req.mutable_submission();
  s->set_submission_id("portal-4711");
  *s->mutable_adults() = SampleInterest(MakePersonnummer("19790303", 40)).adults();
  s->mutable_home()->set_housing_type(v1::HOUSING_TYPE_FLAT);
  s->add_wanted_assignments(fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ);
  s->add_chosen_municipalities("2418");
  s->set_screening_score(42);
  (*s->mutable_answers())["q1"] = "Vi har plats och tid.";
  auto first = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->interest().source(), v1::INTEREST_SOURCE_PORTAL);
  EXPECT_EQ(first->interest().portal_submission_id(), "portal-4711");
  EXPECT_EQ(first->interest().screening_score(), 42);
  EXPECT_EQ(first->interest().portal_answers().at("q1"), "Vi har plats och tid.");
  auto second = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->interest().id(), first->interest().id());
  EXPECT_EQ(second->existing_applicant(), first->existing_applicant());
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.applicant"), 1);
  // A portal submission from an adult with an open application joins it, also on replay.
  req.mutable_submission()->set_submission_id("portal-4711-b");
  auto joined = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_TRUE(joined->existing_applicant());
  auto joined_again = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_TRUE(joined_again.ok());
  EXPECT_TRUE(joined_again->existing_applicant());
  EXPECT_EQ(joined_again->interest().id(), joined->interest().id());

  // Named as the portal names its fields; nothing written.
  s->set_submission_id("portal-4712");
  s->set_chosen_municipalities(0, "2480");
  s->mutable_adults(0)->set_personnummer("19790332-0000");
  auto bad = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(bad.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("submission.adults[0].personnummer"));
  s->mutable_adults(0)->set_personnummer(MakePersonnummer("19790303", 41));
  bad = Call(&Stub::ImportPortalSubmission, req, token_);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(bad.status())[0].field, "submission.chosen_municipalities[0]");
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 2);
}

TEST_F(PipelineE2E, ApplicantGaugesCountBySourceCampaignAndState) {
  NewApplicant(50, v1::INTEREST_SOURCE_CAMPAIGN, "vinter-2026");
  NewApplicant(51, v1::INTEREST_SOURCE_CAMPAIGN, "vinter-2026");
  double value = -1;
  std::string page;
  for (int i = 0; i < 50 && value != 2; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    page = HttpGet(server_->metrics_port(), "/metrics");
    value = MetricValue(page, "fhv_recruitment_applicants",
                        {{"organisation", "2418"},
                         {"source", "INTEREST_SOURCE_CAMPAIGN"},
                         {"campaign", "vinter-2026"},
                         {"state", "APPLICANT_STATE_NEW"}});
  }
  EXPECT_EQ(value, 2);
  // No personnummer or name in any label.
  EXPECT_EQ(page.find("19800101"), std::string::npos);
  EXPECT_EQ(page.find("Anna"), std::string::npos);
}

}  // namespace
}  // namespace fhv::testing
