// The placement binary with the recruitment binary: the placement-request flow from a
// municipality's request to the placement's end, a sibling pair placed together in an agency
// home, an emergency decided by the chair, delegations, the statutory clocks, who sees what,
// two decisions on the last place at once, and bad input that writes nothing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "fhv/placement/v1/placement_service.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace pv1 = ::fhv::placement::v1;
namespace payv1 = ::fhv::payments::v1;
namespace rv1 = ::fhv::recruitment::v1;
using PStub = pv1::PlacementService::Stub;
using RStub = rv1::RecruitmentService::Stub;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kMala[] = "2418";
constexpr char kTorsas[] = "0834";
constexpr char kAgency[] = "5560360793";
constexpr char kOtherAgency[] = "5566778899";

auth::Principal Staff(const std::string& org, const std::string& role) {
  auth::Principal p = Recruiter(org);
  p.user = absl::StrCat(role, "-", org);
  p.roles = {role};
  return p;
}

fhv::common::v1::Date Day(absl::CivilDay d) { return ToDate(d); }
absl::CivilDay Today() { return fhv::Today(absl::Now()); }

// `day` six calendar months on; a day that the month lacks becomes its last day.
absl::CivilDay SixMonthsOn(absl::CivilDay day) {
  const absl::CivilMonth month = absl::CivilMonth(day) + 6;
  return std::min(absl::CivilDay(month.year(), month.month(), day.day()),
                  absl::CivilDay(month + 1) - 1);
}

class PlacementE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [binary, schema] :
         std::vector<std::pair<std::string, std::string>>{{"fhv-recruitment", "recruitment"},
                                                          {"fhv-placement", "placement"},
                                                          {"fhv-payments", "payments"}}) {
      auto r = RunBinary(binary, {"--migrate", "--database_dsn=" + db_.Dsn(schema)});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    const int recruitment_port = FreePort();
    const int placement_port = FreePort();
    const int payments_port = FreePort();
    payments_ = std::make_unique<ServiceProcess>(
        "fhv-payments",
        std::vector<std::string>{"--database_dsn=" + db_.Dsn("payments"),
                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                 "--jwt_issuer=fhv-test"},
        payments_port);
    ASSERT_TRUE(payments_->running()) << payments_->Log();
    recruitment_ = std::make_unique<ServiceProcess>(
        "fhv-recruitment",
        std::vector<std::string>{"--database_dsn=" + db_.Dsn("recruitment"),
                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                 "--jwt_issuer=fhv-test"},
        recruitment_port);
    ASSERT_TRUE(recruitment_->running()) << recruitment_->Log();
    placement_ = std::make_unique<ServiceProcess>(
        "fhv-placement",
        std::vector<std::string>{"--database_dsn=" + db_.Dsn("placement"),
                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                 "--jwt_issuer=fhv-test",
                                 "--service_key=" + keys_.private_pem_path(),
                                 absl::StrCat("--peers=recruitment=127.0.0.1:", recruitment_port,
                                              ",payments=127.0.0.1:", payments_port),
                                 "--gauge_refresh=200ms", "--emergency_accept_hours=0"},
        placement_port);
    ASSERT_TRUE(placement_->running()) << placement_->Log();
    recruitment_stub_ = RecruitmentStub(recruitment_->address());
    stub_ = pv1::PlacementService::NewStub(
        grpc::CreateChannel(placement_->address(), grpc::InsecureChannelCredentials()));
    const std::string admin = keys_.Mint(SuiteAdmin());
    SeedPlaces(recruitment_->address(), admin);
    for (const char* agency : {kAgency, kOtherAgency}) {
      rv1::UpsertOrganisationRequest req;
      req.mutable_organisation()->mutable_ref()->set_id(agency);
      req.mutable_organisation()->mutable_ref()->set_kind(
          fhv::common::v1::ORGANISATION_KIND_AGENCY);
      req.mutable_organisation()->set_name(absl::StrCat("Familjehemsbolaget ", agency));
      rv1::UpsertOrganisationResponse resp;
      ASSERT_TRUE(recruitment_stub_->UpsertOrganisation(Ctx(admin).get(), req, &resp).ok());
    }
    case_worker_ = keys_.Mint(Staff(kMala, "case_worker"));
    agency_manager_ = keys_.Mint(Staff(kAgency, "operations_manager"));
    agency_consultant_ = keys_.Mint(Staff(kAgency, "consultant"));
    committee_ = keys_.Mint(Staff(kMala, "committee_member"));
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (PStub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
                                const Request& request, const std::string& token) {
    return CallRpc(*stub_, method, request, token);
  }

  // A home entered in the registry by its owner's admin.
  std::string RegisterHome(
      const std::string& owner, int max_children,
      fhv::common::v1::AssignmentKind kind = fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM) {
    rv1::RegisterApprovedHomeRequest req;
    req.set_request_id(NewUuid());
    rv1::Home& h = *req.mutable_home();
    h.mutable_owner()->set_id(owner);
    h.mutable_owner()->set_kind(owner.size() == 10
                                    ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                                    : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
    h.add_approved_kinds(kind);
    h.set_max_children(max_children);
    h.set_min_age(0);
    h.set_max_age(17);
    h.set_municipality(owner.size() == 10 ? kMala : owner);
    h.set_support_tier(owner.size() == 10 ? rv1::SUPPORT_TIER_AGENCY : rv1::SUPPORT_TIER_MUNICIPAL);
    h.set_display_name("Familjen Berg, Malå");
    auto* adult = h.add_adults();
    adult->set_given_name("Eva");
    adult->set_family_name("Berg");
    h.add_languages("sv");
    rv1::RegisterApprovedHomeResponse resp;
    const grpc::Status st =
        recruitment_stub_->RegisterApprovedHome(Ctx(keys_.Mint(Admin(owner))).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.home().id();
  }

  static pv1::CreatePlacementRequestRequest NewRequest(
      const std::string& birth, int serial, const std::string& addressee = kAgency,
      pv1::PlacementUrgency urgency = pv1::PLACEMENT_URGENCY_PLANNED) {
    pv1::CreatePlacementRequestRequest req;
    req.set_request_id(NewUuid());
    req.mutable_addressee()->set_id(addressee);
    req.mutable_addressee()->set_kind(addressee.size() == 10
                                          ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                                          : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
    auto& c = *req.mutable_child();
    c.set_personnummer(MakePersonnummer(birth, serial));
    c.mutable_name()->set_given_name("Elsa");
    c.mutable_name()->set_family_name("Nilsson");
    *c.mutable_birth_date() =
        Day(absl::CivilDay(std::stoi(birth.substr(0, 4)), std::stoi(birth.substr(4, 2)),
                           std::stoi(birth.substr(6, 2))));
    c.mutable_address()->set_street("Skolgatan 3");
    c.mutable_address()->set_postal_code("93070");
    c.mutable_address()->set_city("Malå");
    c.add_needs_tags("trauma");
    c.add_languages("sv");
    c.set_school_municipality_id(kMala);
    c.set_description("Behöver en lugn familj.");
    c.set_internal_note("Endast för kommunen.");
    req.set_legal_basis(pv1::LEGAL_BASIS_VOLUNTARY);
    req.set_urgency(urgency);
    req.set_form(pv1::PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM);
    *req.mutable_wanted_start_date() = Day(Today());
    return req;
  }

  pv1::PlacementRequest Create(const pv1::CreatePlacementRequestRequest& req,
                               const std::string& token = "") {
    auto r = Call(&PStub::CreatePlacementRequest, req, token.empty() ? case_worker_ : token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->placement_request() : pv1::PlacementRequest();
  }

  // Runs a verb with the request's id and current etag; keeps `r` current.
  template <typename Request, typename Response>
  absl::Status Step(pv1::PlacementRequest& r,
                    grpc::Status (PStub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Request request, const std::string& token) {
    request.set_placement_request_id(r.placement_request_id());
    request.set_etag(r.etag());
    auto resp = Call(method, request, token);
    if (!resp.ok()) return resp.status();
    r = resp->placement_request();
    return absl::OkStatus();
  }

  pv1::PlacementRequest Get(const std::string& id, const std::string& token) {
    pv1::GetPlacementRequestRequest req;
    req.set_placement_request_id(id);
    auto r = Call(&PStub::GetPlacementRequest, req, token);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->placement_request() : pv1::PlacementRequest();
  }

  // From SUBMITTED to PROPOSED with `home_id`, by the addressee's manager and consultant.
  absl::Status ToProposed(pv1::PlacementRequest& r, const std::string& home_id,
                          const std::string& manager, const std::string& consultant,
                          const std::string& consultant_user, int64_t daily_rate) {
    if (auto st =
            Step(r, &PStub::AcceptPlacementRequest, pv1::AcceptPlacementRequestRequest(), manager);
        !st.ok()) {
      return st;
    }
    pv1::AssignConsultantRequest assign;
    assign.set_consultant_user_id(consultant_user);
    if (auto st = Step(r, &PStub::AssignConsultant, assign, manager); !st.ok()) return st;
    pv1::ProposeHomesRequest propose;
    auto* home = propose.add_homes();
    home->set_home_id(home_id);
    home->set_motivation("Erfaren familj nära skolan.");
    home->set_agency_daily_rate_ore(daily_rate);
    return Step(r, &PStub::ProposeHomes, propose, consultant);
  }

  absl::Status PutUp(pv1::PlacementRequest& r) {
    pv1::PutUpForDecisionRequest req;
    req.set_proposal_id(r.proposals().rbegin()->proposal_id());
    return Step(r, &PStub::PutUpForDecision, req, case_worker_);
  }

  static pv1::DecidePlacementRequestRequest Decision(pv1::DeciderKind kind) {
    pv1::DecidePlacementRequestRequest req;
    req.set_outcome(pv1::PLACEMENT_DECISION_OUTCOME_APPROVED);
    req.set_decider_kind(kind);
    *req.mutable_decision_date() = Day(Today());
    req.set_minute_reference("SN 2026-11-23 § 12");
    return req;
  }

  // From SUBMITTED to APPROVED in `home_id`, an agency home, decided by the committee.
  absl::Status ToApproved(pv1::PlacementRequest& r, const std::string& home_id) {
    if (auto st = ToProposed(r, home_id, agency_manager_, agency_consultant_,
                             absl::StrCat("consultant-", kAgency), 170000);
        !st.ok()) {
      return st;
    }
    if (auto st = PutUp(r); !st.ok()) return st;
    return Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_COMMITTEE_MEMBER),
                committee_);
  }

  // Starts the placement today; `care_start` when care began earlier in another home.
  absl::StatusOr<pv1::Placement> Start(pv1::PlacementRequest& r,
                                       std::optional<absl::CivilDay> care_start = std::nullopt) {
    pv1::StartPlacementRequest req;
    req.set_placement_request_id(r.placement_request_id());
    req.set_etag(r.etag());
    req.set_request_id(NewUuid());
    *req.mutable_start_date() = Day(Today());
    if (care_start) *req.mutable_care_start_date() = Day(*care_start);
    auto resp = Call(&PStub::StartPlacement, req, case_worker_);
    if (!resp.ok()) return resp.status();
    r = resp->placement_request();
    return resp->placement();
  }

  int PlacedChildren(const std::string& home_id) {
    rv1::GetHomeRequest req;
    req.set_id(home_id);
    rv1::GetHomeResponse resp;
    const grpc::Status st =
        recruitment_stub_->GetHome(Ctx(keys_.Mint(Admin(kAgency))).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.home().placed_children();
  }

  // Waits up to 10 s for recruitment's occupancy of the home to reach `want`.
  bool OccupancyReaches(const std::string& home_id, int want) {
    for (int i = 0; i < 100; ++i) {
      if (PlacedChildren(home_id) == want) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }

  int64_t Count(const std::string& sql) { return db_.Count(sql); }

  // The agreement payments keeps for a placement, waiting up to 10 s for it to arrive.
  absl::StatusOr<payv1::Agreement> AgreementOf(const std::string& placement_id) {
    auto stub = payv1::PaymentsService::NewStub(
        grpc::CreateChannel(payments_->address(), grpc::InsecureChannelCredentials()));
    payv1::ListAgreementsRequest req;
    req.set_placement_id(placement_id);
    for (int i = 0; i < 100; ++i) {
      payv1::ListAgreementsResponse resp;
      auto st = FromGrpcStatus(
          stub->ListAgreements(Ctx(keys_.Mint(Staff(kMala, "finance_officer"))).get(), req, &resp));
      if (!st.ok()) return st;
      if (resp.agreements_size() == 1) return resp.agreements(0);
      absl::SleepFor(absl::Milliseconds(100));
    }
    return absl::NotFoundError("no agreement for the placement");
  }

  // Waits up to 5 s for a gauge of the placement service to show `want`.
  double Gauge(const std::string& name, const std::map<std::string, std::string>& labels,
               double want) {
    double value = -1;
    for (int i = 0; i < 50 && value != want; ++i) {
      value = MetricValue(HttpGet(placement_->metrics_port(), "/metrics"), name, labels);
      if (value != want) absl::SleepFor(absl::Milliseconds(100));
    }
    return value;
  }

  TestDatabase db_{{"recruitment", "placement", "payments"}};
  TestKeys keys_;
  std::unique_ptr<ServiceProcess> recruitment_;
  std::unique_ptr<ServiceProcess> placement_;
  std::unique_ptr<ServiceProcess> payments_;
  std::unique_ptr<RStub> recruitment_stub_;
  std::unique_ptr<PStub> stub_;
  std::string case_worker_, agency_manager_, agency_consultant_, committee_;
};

TEST_F(PlacementE2E, ASiblingPairIsPlacedTogetherInAnAgencyHomeAndOccupancyFollows) {
  const std::string home = RegisterHome(kAgency, 2);
  auto first_req = NewRequest("20150301", 1);
  first_req.set_place_with_siblings(true);
  pv1::PlacementRequest first = Create(first_req);
  auto second_req = NewRequest("20170611", 2);
  second_req.set_sibling_of_request_id(first.placement_request_id());
  second_req.set_place_with_siblings(true);
  pv1::PlacementRequest second = Create(second_req);
  ASSERT_FALSE(second.sibling_group_id().empty());
  EXPECT_THAT(second.sibling_request_ids(), ElementsAre(first.placement_request_id()));
  first = Get(first.placement_request_id(), case_worker_);
  EXPECT_EQ(first.sibling_group_id(), second.sibling_group_id());
  EXPECT_THAT(first.sibling_request_ids(), ElementsAre(second.placement_request_id()));

  // A retried create with the same request_id is the same request.
  auto again = Call(&PStub::CreatePlacementRequest, second_req, case_worker_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->placement_request().placement_request_id(), second.placement_request_id());
  EXPECT_EQ(Count("SELECT count(*) FROM placement.placement_request"), 2);

  for (pv1::PlacementRequest* r : {&first, &second}) {
    ASSERT_TRUE(ToProposed(*r, home, agency_manager_, agency_consultant_,
                           absl::StrCat("consultant-", kAgency), 180000)
                    .ok());
    EXPECT_EQ(r->state(), pv1::PLACEMENT_REQUEST_STATE_PROPOSED);
    // The match explanation is kept with the proposal.
    const auto& match = r->proposals(0).match();
    EXPECT_FALSE(match.criteria().empty());
    EXPECT_EQ(r->proposals(0).home_owner().id(), kAgency);
    ASSERT_TRUE(PutUp(*r).ok());
    ASSERT_TRUE(Step(*r, &PStub::DecidePlacementRequest,
                     Decision(pv1::DECIDER_KIND_COMMITTEE_MEMBER), committee_)
                    .ok());
    EXPECT_EQ(r->state(), pv1::PLACEMENT_REQUEST_STATE_APPROVED);
  }
  auto p1 = Start(first);
  ASSERT_TRUE(p1.ok()) << p1.status();
  auto p2 = Start(second);
  ASSERT_TRUE(p2.ok()) << p2.status();
  EXPECT_EQ(first.state(), pv1::PLACEMENT_REQUEST_STATE_PLACED);
  EXPECT_TRUE(p2->agency_home());
  EXPECT_EQ(p2->agency_daily_rate_ore(), 180000);
  EXPECT_EQ(p2->home_id(), home);
  EXPECT_TRUE(OccupancyReaches(home, 2)) << PlacedChildren(home);
  // Payments created the agency home's agreement from the start event.
  auto agreement = AgreementOf(p2->placement_id());
  ASSERT_TRUE(agreement.ok()) << agreement.status();
  EXPECT_TRUE(agreement->agency_home());
  EXPECT_EQ(agreement->agency().id(), kAgency);
  EXPECT_EQ(agreement->versions(0).terms().agency_daily_rate_ore(), 180000);
  EXPECT_EQ(agreement->child_id(), p2->child().child_id());

  // The home is full now: a third child cannot be proposed for it.
  pv1::PlacementRequest third = Create(NewRequest("20120101", 3));
  auto st = ToProposed(third, home, agency_manager_, agency_consultant_,
                       absl::StrCat("consultant-", kAgency), 180000);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_EQ(GetReason(st), "HOME_NOT_ELIGIBLE");
  EXPECT_EQ(GetErrorMetadata(st)["home_id"], home);

  // Ending one placement frees its place in recruitment.
  pv1::EndPlacementRequest end;
  end.set_placement_id(p1->placement_id());
  end.set_etag(p1->etag());
  *end.mutable_end_date() = Day(Today());
  end.set_reason(pv1::PLACEMENT_END_REASON_REUNIFICATION);
  auto ended = Call(&PStub::EndPlacement, end, case_worker_);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->placement().state(), pv1::PLACEMENT_STATE_ENDED);
  EXPECT_TRUE(ended->placement().deadlines().empty());
  EXPECT_EQ(Get(first.placement_request_id(), case_worker_).state(),
            pv1::PLACEMENT_REQUEST_STATE_ENDED);
  EXPECT_TRUE(OccupancyReaches(home, 1)) << PlacedChildren(home);
  // ...and ended its agreement on the same day.
  absl::StatusOr<payv1::Agreement> ended_agreement;
  for (int i = 0; i < 100; ++i) {
    ended_agreement = AgreementOf(p1->placement_id());
    if (ended_agreement.ok() && ended_agreement->state() == payv1::AGREEMENT_STATE_ENDED) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(ended_agreement.ok()) << ended_agreement.status();
  EXPECT_EQ(ended_agreement->state(), payv1::AGREEMENT_STATE_ENDED);
  EXPECT_EQ(*DayOf(ended_agreement->valid_to()), Today());
  // Ending twice is a wrong state.
  end.set_etag(ended->placement().etag());
  EXPECT_EQ(Call(&PStub::EndPlacement, end, case_worker_).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PlacementE2E, AnEmergencyIsDecidedByTheChairAndReportedToTheCommittee) {
  const std::string home = RegisterHome(kMala, 1, fhv::common::v1::ASSIGNMENT_KIND_JOURHEM);
  auto req = NewRequest("20140505", 4, kMala, pv1::PLACEMENT_URGENCY_EMERGENCY);
  req.set_form(pv1::PLACEMENT_FORM_JOURHEM);
  pv1::PlacementRequest r = Create(req);
  // Not accepted within --emergency_accept_hours (0 here): counted as late until accepted.
  EXPECT_EQ(Gauge("fhv_placement_emergency_requests_unaccepted", {{"municipality", kMala}}, 1), 1);
  const std::string team_manager = keys_.Mint(Staff(kMala, "operations_manager"));
  const std::string team_consultant = keys_.Mint(Staff(kMala, "consultant"));
  ASSERT_TRUE(
      ToProposed(r, home, team_manager, team_consultant, absl::StrCat("consultant-", kMala), 0)
          .ok());
  EXPECT_EQ(Gauge("fhv_placement_emergency_requests_unaccepted", {{"municipality", kMala}}, 0), 0);
  ASSERT_TRUE(PutUp(r).ok());
  // A committee member may not decide as the chair.
  EXPECT_EQ(Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_CHAIR_EMERGENCY),
                 committee_)
                .code(),
            absl::StatusCode::kPermissionDenied);
  const std::string chair = keys_.Mint(Staff(kMala, "committee_chair"));
  ASSERT_TRUE(
      Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_CHAIR_EMERGENCY), chair)
          .ok());
  ASSERT_EQ(r.decisions_size(), 1);
  EXPECT_TRUE(r.decisions(0).reported_to_committee_at_next_meeting());
  pv1::RecordDecisionReportedRequest report;
  report.set_decision_id(r.decisions(0).decision_id());
  *report.mutable_reported_date() = Day(Today());
  report.set_minute_reference("SN 2026-11-23 § 3");
  ASSERT_TRUE(Step(r, &PStub::RecordDecisionReported, report, committee_).ok());
  EXPECT_EQ(r.decisions(0).reported_minute_reference(), "SN 2026-11-23 § 3");
  EXPECT_EQ(Step(r, &PStub::RecordDecisionReported, report, committee_).code(),
            absl::StatusCode::kFailedPrecondition);

  auto placement = Start(r);
  ASSERT_TRUE(placement.ok()) << placement.status();
  EXPECT_FALSE(placement->agency_home());
  // The municipality's own home is paid by the month's run, from today to the month's end.
  ASSERT_TRUE(AgreementOf(placement->placement_id()).ok());
  {
    auto payments = payv1::PaymentsService::NewStub(
        grpc::CreateChannel(payments_->address(), grpc::InsecureChannelCredentials()));
    payv1::CreatePaymentRunRequest run;
    run.set_request_id(NewUuid());
    run.set_municipality_id(kMala);
    run.mutable_month()->set_year(static_cast<int>(Today().year()));
    run.mutable_month()->set_month(Today().month());
    payv1::CreatePaymentRunResponse created;
    const grpc::Status st = payments->CreatePaymentRun(
        Ctx(keys_.Mint(Staff(kMala, "finance_officer"))).get(), run, &created);
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(created.payment_run().agreement_count(), 1);
    const absl::CivilMonth month(Today());
    const int64_t days = absl::CivilDay(month + 1) - Today();
    const int64_t days_in_month = absl::CivilDay(month + 1) - absl::CivilDay(month);
    // The jourhem's fee at the table's base level, pro rata, rounded half away from zero.
    const int64_t base_fee = 1'123'700;
    EXPECT_EQ(created.payment_run().taxable_total_ore(),
              (2 * base_fee * days + days_in_month) / (2 * days_in_month));

    // With the home's payee and the payer's settings, the run is approved and leaves a bank
    // file whose one transfer is the run's net to the öre.
    const std::string finance = keys_.Mint(Staff(kMala, "finance_officer"));
    payv1::SetPayeeRequest payee;
    payee.mutable_payee()->set_home_id(home);
    payee.mutable_payee()->mutable_name()->set_given_name("Karin");
    payee.mutable_payee()->mutable_name()->set_family_name("Lund");
    payee.mutable_payee()->set_personnummer(MakePersonnummer("19700315", 4));
    payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
    payee.mutable_payee()->set_withholding_tax_bp(3100);
    payv1::SetPayeeResponse kept;
    ASSERT_TRUE(payments->SetPayee(Ctx(finance).get(), payee, &kept).ok());
    payv1::SetMunicipalityPaymentSettingsRequest settings;
    settings.mutable_settings()->set_debtor_name("Malå kommun");
    settings.mutable_settings()->set_organisationsnummer("2120002627");
    settings.mutable_settings()->mutable_debtor_account()->set_iban("SE4550000000058398257466");
    settings.mutable_settings()->mutable_debtor_account()->set_bic("ESSESESS");
    settings.mutable_settings()->set_execution_day_of_month(25);
    payv1::SetMunicipalityPaymentSettingsResponse set;
    ASSERT_TRUE(payments
                    ->SetMunicipalityPaymentSettings(Ctx(keys_.Mint(Staff(kMala, "admin"))).get(),
                                                     settings, &set)
                    .ok());
    payv1::RecalculatePaymentRunRequest recalc;
    recalc.set_payment_run_id(created.payment_run().payment_run_id());
    recalc.set_etag(created.payment_run().etag());
    payv1::RecalculatePaymentRunResponse recalculated;
    ASSERT_TRUE(payments->RecalculatePaymentRun(Ctx(finance).get(), recalc, &recalculated).ok());
    ASSERT_TRUE(recalculated.payment_run().problems().empty());
    payv1::ApprovePaymentRunRequest approve;
    approve.set_payment_run_id(created.payment_run().payment_run_id());
    approve.set_etag(recalculated.payment_run().etag());
    payv1::ApprovePaymentRunResponse approved;
    const grpc::Status approval =
        payments->ApprovePaymentRun(Ctx(finance).get(), approve, &approved);
    ASSERT_TRUE(approval.ok()) << approval.error_message();
    payv1::GetBankFileRequest get_file;
    get_file.set_payment_run_id(created.payment_run().payment_run_id());
    payv1::GetBankFileResponse file;
    ASSERT_TRUE(payments->GetBankFile(Ctx(finance).get(), get_file, &file).ok());
    EXPECT_TRUE(file.end_of_file());
    EXPECT_EQ(file.number_of_transactions(), 1);
    EXPECT_EQ(file.control_sum_ore(), approved.payment_run().transfer_total_ore());
    EXPECT_EQ(file.control_sum_ore(), recalculated.payment_run().taxable_total_ore() +
                                          recalculated.payment_run().tax_free_total_ore() -
                                          recalculated.payment_run().tax_withheld_total_ore());
    EXPECT_THAT(file.content(), ::testing::HasSubstr("<Nm>Karin Lund</Nm>"));
  }
  // A jourhem: the limit runs once the child investigation is finished.
  pv1::RecordStatutoryStepRequest step;
  step.set_placement_id(placement->placement_id());
  step.set_etag(placement->etag());
  step.set_request_id(NewUuid());
  step.mutable_step()->set_kind(pv1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED);
  *step.mutable_step()->mutable_step_date() = Day(Today());
  auto stepped = Call(&PStub::RecordStatutoryStep, step, case_worker_);
  ASSERT_TRUE(stepped.ok()) << stepped.status();
  bool jourhem_limit = false;
  for (const auto& d : stepped->placement().deadlines()) {
    if (d.kind() == pv1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT) {
      jourhem_limit = true;
      EXPECT_EQ(d.rule_id(), "jourhem-sol-2025");
    }
  }
  EXPECT_TRUE(jourhem_limit);

  // A planned request may not be decided by the chair alone.
  pv1::PlacementRequest planned = Create(NewRequest("20100101", 5, kMala));
  const std::string home2 = RegisterHome(kMala, 1);
  ASSERT_TRUE(ToProposed(planned, home2, team_manager, team_consultant,
                         absl::StrCat("consultant-", kMala), 0)
                  .ok());
  ASSERT_TRUE(PutUp(planned).ok());
  auto st = Step(planned, &PStub::DecidePlacementRequest,
                 Decision(pv1::DECIDER_KIND_CHAIR_EMERGENCY), chair);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(st), "NOT_AN_EMERGENCY");
}

TEST_F(PlacementE2E, ADelegatedDecisionNeedsADelegationThatCoversIt) {
  const std::string home = RegisterHome(kAgency, 2);
  pv1::PlacementRequest r = Create(NewRequest("20110202", 6));
  ASSERT_TRUE(ToProposed(r, home, agency_manager_, agency_consultant_,
                         absl::StrCat("consultant-", kAgency), 150000)
                  .ok());
  ASSERT_TRUE(PutUp(r).ok());
  const std::string decider = keys_.Mint(Staff(kMala, "delegated_decider"));
  auto st = Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_DELEGATED), decider);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetReason(st), "NO_DELEGATION");

  // A delegation of compulsory care only does not cover a voluntary placement.
  pv1::SetDelegationRequest set;
  set.set_request_id(NewUuid());
  auto& d = *set.mutable_delegation();
  d.set_delegate_user_id(absl::StrCat("delegated_decider-", kMala));
  d.set_delegate_title("enhetschef");
  d.add_forms(pv1::PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM);
  d.add_legal_bases(pv1::LEGAL_BASIS_LVU_HOME_ENVIRONMENT);
  d.add_urgencies(pv1::PLACEMENT_URGENCY_PLANNED);
  *d.mutable_valid_from() = Day(Today() - 30);
  d.set_delegation_order_reference("4.2.1");
  const std::string admin = keys_.Mint(Admin(kMala));
  EXPECT_EQ(Call(&PStub::SetDelegation, set, case_worker_).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto created = Call(&PStub::SetDelegation, set, admin);
  ASSERT_TRUE(created.ok()) << created.status();
  st = Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_DELEGATED), decider);
  EXPECT_EQ(GetReason(st), "NO_DELEGATION");

  // Replaced to cover voluntary care too: the decision is taken under it.
  pv1::SetDelegationRequest replace;
  replace.set_request_id(NewUuid());
  *replace.mutable_delegation() = created->delegation();
  replace.mutable_delegation()->add_legal_bases(pv1::LEGAL_BASIS_VOLUNTARY);
  auto replaced = Call(&PStub::SetDelegation, replace, admin);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  // A stale etag is refused.
  replace.set_request_id(NewUuid());
  EXPECT_EQ(Call(&PStub::SetDelegation, replace, admin).status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(
      Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_DELEGATED), decider).ok());
  EXPECT_EQ(r.decisions(0).delegation_id(), created->delegation().delegation_id());

  pv1::ListDelegationsRequest list;
  list.set_municipality_id(kMala);
  *list.mutable_in_force_on() = Day(Today());
  auto listed = Call(&PStub::ListDelegations, list, decider);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->delegations_size(), 1);
  EXPECT_EQ(listed->delegations(0).legal_bases_size(), 2);
  list.set_municipality_id(kTorsas);
  EXPECT_EQ(Call(&PStub::ListDelegations, list, decider).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PlacementE2E, EachPartySeesWhatItMayAndEveryReadIsAudited) {
  pv1::PlacementRequest r = Create(NewRequest("20130303", 7));
  // The agency sees the request without the child's identity, address or internal note.
  pv1::PlacementRequest seen = Get(r.placement_request_id(), agency_manager_);
  EXPECT_TRUE(seen.child_redacted());
  EXPECT_TRUE(seen.child().personnummer().empty());
  EXPECT_TRUE(seen.child().name().family_name().empty());
  EXPECT_TRUE(seen.child().address().street().empty());
  EXPECT_TRUE(seen.child().internal_note().empty());
  EXPECT_EQ(seen.child().birth_date().year(), 2013);
  EXPECT_FALSE(seen.child().description().empty());
  // The owner sees everything.
  pv1::PlacementRequest full = Get(r.placement_request_id(), case_worker_);
  EXPECT_FALSE(full.child_redacted());
  EXPECT_EQ(full.child().internal_note(), "Endast för kommunen.");
  EXPECT_EQ(full.child().personnummer().size(), 12u);

  // Others see nothing, with the answer of a request that does not exist.
  for (const std::string& token : {keys_.Mint(Staff(kTorsas, "case_worker")),
                                   keys_.Mint(Staff(kOtherAgency, "consultant")), committee_}) {
    pv1::GetPlacementRequestRequest get;
    get.set_placement_request_id(r.placement_request_id());
    EXPECT_EQ(Call(&PStub::GetPlacementRequest, get, token).status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  pv1::GetPlacementRequestRequest missing;
  missing.set_placement_request_id(NewUuid());
  EXPECT_EQ(Call(&PStub::GetPlacementRequest, missing, case_worker_).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Shared identity: the agency sees the name, never the internal note.
  pv1::UpdatePlacementRequestRequest update;
  update.mutable_placement_request()->mutable_child()->set_share_identity_with_addressee(true);
  update.mutable_update_mask()->add_paths("child.share_identity_with_addressee");
  ASSERT_TRUE(Step(r, &PStub::UpdatePlacementRequest, update, case_worker_).ok());
  seen = Get(r.placement_request_id(), agency_manager_);
  EXPECT_EQ(seen.child().name().family_name(), "Nilsson");
  EXPECT_TRUE(seen.child().internal_note().empty());
  // ...unless the identity is protected.
  update.mutable_placement_request()->mutable_child()->set_protected_identity(true);
  update.mutable_update_mask()->set_paths(0, "child.protected_identity");
  ASSERT_TRUE(Step(r, &PStub::UpdatePlacementRequest, update, case_worker_).ok());
  seen = Get(r.placement_request_id(), agency_manager_);
  EXPECT_TRUE(seen.child().name().family_name().empty());
  EXPECT_TRUE(seen.child().personnummer().empty());
  // The state is not a field that Update changes.
  update.mutable_update_mask()->set_paths(0, "state");
  EXPECT_EQ(Step(r, &PStub::UpdatePlacementRequest, update, case_worker_).code(),
            absl::StatusCode::kInvalidArgument);

  // Declined and addressed elsewhere: the first agency loses access.
  pv1::DeclinePlacementRequestRequest decline;
  decline.set_reason(pv1::DECLINE_REASON_NO_CAPACITY);
  ASSERT_TRUE(Step(r, &PStub::DeclinePlacementRequest, decline, agency_manager_).ok());
  pv1::ReaddressPlacementRequestRequest readdress;
  readdress.mutable_addressee()->set_id(kAgency);
  readdress.mutable_addressee()->set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  EXPECT_EQ(Step(r, &PStub::ReaddressPlacementRequest, readdress, case_worker_).code(),
            absl::StatusCode::kInvalidArgument);
  readdress.mutable_addressee()->set_id("5569999999");
  EXPECT_EQ(Step(r, &PStub::ReaddressPlacementRequest, readdress, case_worker_).code(),
            absl::StatusCode::kInvalidArgument);  // not a valid organisationsnummer
  readdress.mutable_addressee()->set_id(kOtherAgency);
  ASSERT_TRUE(Step(r, &PStub::ReaddressPlacementRequest, readdress, case_worker_).ok());
  EXPECT_EQ(r.state(), pv1::PLACEMENT_REQUEST_STATE_SUBMITTED);
  ASSERT_EQ(r.declines_size(), 1);
  pv1::GetPlacementRequestRequest get;
  get.set_placement_request_id(r.placement_request_id());
  EXPECT_EQ(Call(&PStub::GetPlacementRequest, get, agency_manager_).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Get(r.placement_request_id(), keys_.Mint(Staff(kOtherAgency, "consultant")))
                  .child_redacted());

  // Listing: each sees its own, and filtering on another organisation is refused.
  pv1::ListPlacementRequestsRequest list;
  auto mine = Call(&PStub::ListPlacementRequests, list, case_worker_);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->placement_requests_size(), 1);
  auto theirs = Call(&PStub::ListPlacementRequests, list, agency_manager_);
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_EQ(theirs->placement_requests_size(), 0);
  list.set_municipality_id(kTorsas);
  EXPECT_EQ(Call(&PStub::ListPlacementRequests, list, case_worker_).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Every successful read left an audit row; refused ones none.
  EXPECT_GE(Count(absl::StrCat("SELECT count(*) FROM placement.audit_log WHERE resource_type = "
                               "'placement_request' AND resource_id = '",
                               r.placement_request_id(), "' AND actor_org = '", kAgency, "'")),
            3);
}

TEST_F(PlacementE2E, TwoDecisionsOnTheLastPlaceAtOnceLetExactlyOneThrough) {
  const std::string home = RegisterHome(kAgency, 1);
  std::vector<pv1::PlacementRequest> requests;
  for (int i = 0; i < 2; ++i) {
    pv1::PlacementRequest r = Create(NewRequest("20160606", 10 + i));
    ASSERT_TRUE(ToProposed(r, home, agency_manager_, agency_consultant_,
                           absl::StrCat("consultant-", kAgency), 160000)
                    .ok());
    ASSERT_TRUE(PutUp(r).ok());
    requests.push_back(r);
  }
  std::vector<absl::Status> results(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      pv1::PlacementRequest r = requests[i];
      results[i] = Step(r, &PStub::DecidePlacementRequest,
                        Decision(pv1::DECIDER_KIND_COMMITTEE_MEMBER), committee_);
    });
  }
  for (auto& t : threads) t.join();
  const int ok = results[0].ok() + results[1].ok();
  EXPECT_EQ(ok, 1) << results[0] << " / " << results[1];
  for (const auto& st : results) {
    if (!st.ok()) {
      EXPECT_EQ(GetReason(st), "HOME_FULL") << st;
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM placement.placement_request WHERE state = "
                  "'PLACEMENT_REQUEST_STATE_APPROVED'"),
            1);

  // Two conflicting steps on one request at once: exactly one wins, the other is ABORTED.
  pv1::PlacementRequest r = Create(NewRequest("20160707", 20));
  std::vector<absl::Status> steps(2);
  threads.clear();
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      pv1::PlacementRequest copy = r;
      if (i == 0) {
        steps[i] = Step(copy, &PStub::AcceptPlacementRequest, pv1::AcceptPlacementRequestRequest(),
                        agency_manager_);
      } else {
        pv1::WithdrawPlacementRequestRequest withdraw;
        withdraw.set_reason("Barnet kan bo kvar hemma.");
        steps[i] = Step(copy, &PStub::WithdrawPlacementRequest, withdraw, case_worker_);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(steps[0].ok() + steps[1].ok(), 1) << steps[0] << " / " << steps[1];
  for (const auto& st : steps) {
    if (!st.ok()) {
      EXPECT_EQ(st.code(), absl::StatusCode::kAborted) << st;
    }
  }
}

TEST_F(PlacementE2E, BadInputGetsAClearStatusAndWritesNothing) {
  // Creation.
  auto bad = NewRequest("20150301", 30);
  bad.mutable_child()->set_personnummer("201503011234");
  *bad.mutable_wanted_start_date() = Day(Today() - 1);
  bad.set_form(pv1::PLACEMENT_FORM_UNSPECIFIED);
  auto created = Call(&PStub::CreatePlacementRequest, bad, case_worker_);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(created.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, UnorderedElementsAre("child.personnummer", "wanted_start_date", "form"));
  // A valid organisationsnummer that no registered agency has.
  auto unknown_agency = NewRequest("20150301", 31, "5567654321");
  EXPECT_EQ(Call(&PStub::CreatePlacementRequest, unknown_agency, case_worker_).status().code(),
            absl::StatusCode::kNotFound);
  auto other_municipality = NewRequest("20150301", 32, kTorsas);
  EXPECT_EQ(Call(&PStub::CreatePlacementRequest, other_municipality, case_worker_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Call(&PStub::CreatePlacementRequest, NewRequest("20150301", 33), agency_manager_)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT count(*) FROM placement.placement_request"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM placement.child"), 0);

  // Proposals: an unknown home, a home the agency may not see.
  pv1::PlacementRequest r = Create(NewRequest("20150301", 34));
  const std::string torsas_home = RegisterHome(kTorsas, 3);
  // Recruitment evaluates homes on another's behalf only for the suite's services.
  rv1::EvaluateHomesRequest evaluate;
  evaluate.add_home_ids(torsas_home);
  *evaluate.mutable_on_behalf_of() = r.addressee();
  rv1::EvaluateHomesResponse evaluated;
  EXPECT_EQ(recruitment_stub_->EvaluateHomes(Ctx(agency_consultant_).get(), evaluate, &evaluated)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto st = ToProposed(r, NewUuid(), agency_manager_, agency_consultant_,
                       absl::StrCat("consultant-", kAgency), 100000);
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound) << st;
  st = [&] {
    pv1::ProposeHomesRequest propose;
    propose.add_homes()->set_home_id(torsas_home);
    return Step(r, &PStub::ProposeHomes, propose, agency_consultant_);
  }();
  EXPECT_EQ(GetReason(st), "HOME_NOT_ELIGIBLE") << st;
  // Only the assigned consultant proposes.
  const std::string home = RegisterHome(kAgency, 2);
  pv1::ProposeHomesRequest propose;
  propose.add_homes()->set_home_id(home);
  propose.mutable_homes(0)->set_agency_daily_rate_ore(100000);
  EXPECT_EQ(Step(r, &PStub::ProposeHomes, propose, keys_.Mint([] {
              auth::Principal p = Staff(kAgency, "consultant");
              p.user = "another-consultant";
              return p;
            }()))
                .code(),
            absl::StatusCode::kPermissionDenied);
  // An agency home without a daily rate.
  propose.mutable_homes(0)->set_agency_daily_rate_ore(0);
  EXPECT_EQ(Step(r, &PStub::ProposeHomes, propose, agency_consultant_).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.state(), pv1::PLACEMENT_REQUEST_STATE_MATCHING);
  EXPECT_EQ(r.proposals_size(), 0);

  // Statements, visits and a return to matching.
  pv1::AddIntakeStatementRequest statement;
  statement.set_request_id(NewUuid());
  statement.mutable_statement()->set_source("skola");
  EXPECT_EQ(Step(r, &PStub::AddIntakeStatement, statement, agency_consultant_).code(),
            absl::StatusCode::kInvalidArgument);
  statement.mutable_statement()->set_text("Går bra i skolan.");
  ASSERT_TRUE(Step(r, &PStub::AddIntakeStatement, statement, agency_consultant_).ok());
  propose.mutable_homes(0)->set_agency_daily_rate_ore(100000);
  ASSERT_TRUE(Step(r, &PStub::ProposeHomes, propose, agency_consultant_).ok());
  pv1::ScheduleVisitRequest visit;
  visit.set_request_id(NewUuid());
  visit.mutable_visit()->set_proposal_id(r.proposals(0).proposal_id());
  *visit.mutable_visit()->mutable_scheduled_time() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) +
                                                           86400);
  EXPECT_EQ(Step(r, &PStub::ScheduleVisit, visit, agency_consultant_).code(),
            absl::StatusCode::kInvalidArgument);  // no participants
  visit.mutable_visit()->add_participants()->set_kind(pv1::VISIT_PARTICIPANT_KIND_CONSULTANT);
  visit.mutable_visit()->mutable_participants(0)->set_user_id(absl::StrCat("consultant-", kAgency));
  ASSERT_TRUE(Step(r, &PStub::ScheduleVisit, visit, agency_consultant_).ok());
  pv1::RecordVisitOutcomeRequest outcome;
  outcome.set_visit_id(r.visits(0).visit_id());
  outcome.set_status(pv1::VISIT_STATUS_HELD);
  EXPECT_EQ(Step(r, &PStub::RecordVisitOutcome, outcome, agency_consultant_).code(),
            absl::StatusCode::kInvalidArgument);  // held before its time
  outcome.set_status(pv1::VISIT_STATUS_CANCELLED);
  ASSERT_TRUE(Step(r, &PStub::RecordVisitOutcome, outcome, agency_consultant_).ok());
  EXPECT_EQ(r.visits(0).status(), pv1::VISIT_STATUS_CANCELLED);
  pv1::ReturnToMatchingRequest back;
  back.set_reason("Familjen bor för långt från skolan.");
  ASSERT_TRUE(Step(r, &PStub::ReturnToMatching, back, case_worker_).ok());
  EXPECT_EQ(r.proposals(0).status(), pv1::PROPOSAL_STATUS_SUPERSEDED);
  ASSERT_TRUE(Step(r, &PStub::ProposeHomes, propose, agency_consultant_).ok());
  EXPECT_EQ(r.proposals(1).round(), 2);
  ASSERT_TRUE(PutUp(r).ok());
  ASSERT_TRUE(Step(r, &PStub::DecidePlacementRequest, Decision(pv1::DECIDER_KIND_COMMITTEE_MEMBER),
                   committee_)
                  .ok());

  // A start before the decision, or in the future.
  pv1::StartPlacementRequest start;
  start.set_placement_request_id(r.placement_request_id());
  start.set_etag(r.etag());
  start.set_request_id(NewUuid());
  *start.mutable_start_date() = Day(Today() - 1);
  auto started = Call(&PStub::StartPlacement, start, case_worker_);
  EXPECT_EQ(GetReason(started.status()), "START_BEFORE_DECISION") << started.status();
  *start.mutable_start_date() = Day(Today() + 1);
  EXPECT_EQ(Call(&PStub::StartPlacement, start, case_worker_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT count(*) FROM placement.placement"), 0);

  // Withdrawing an approved request releases its place.
  pv1::WithdrawPlacementRequestRequest withdraw;
  withdraw.set_reason("Vårdnadshavarna samtycker inte längre.");
  ASSERT_TRUE(Step(r, &PStub::WithdrawPlacementRequest, withdraw, case_worker_).ok());
  EXPECT_EQ(r.state(), pv1::PLACEMENT_REQUEST_STATE_WITHDRAWN);
  EXPECT_EQ(Step(r, &PStub::WithdrawPlacementRequest, withdraw, case_worker_).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PlacementE2E, StatutoryItemsFallDueByTheRulesAndAreListedWithTheirCitations) {
  pv1::ListStatutoryClockRulesRequest rules;
  auto all = Call(&PStub::ListStatutoryClockRules, rules, agency_manager_);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->rules_size(), 9);
  *rules.mutable_in_force_on() = Day(absl::CivilDay(2026, 1, 1));
  auto now = Call(&PStub::ListStatutoryClockRules, rules, case_worker_);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->rules_size(), 5);

  const std::string home = RegisterHome(kAgency, 2);
  pv1::PlacementRequest r = Create(NewRequest("20090909", 40));
  ASSERT_TRUE(ToApproved(r, home).ok());
  auto placement = Start(r);
  ASSERT_TRUE(placement.ok()) << placement.status();
  std::map<pv1::StatutoryClockKind, absl::CivilDay> due;
  for (const auto& d : placement->deadlines()) due[d.kind()] = *DayOf(d.due_date());
  ASSERT_TRUE(due.contains(pv1::STATUTORY_CLOCK_KIND_REVIEW));
  ASSERT_TRUE(due.contains(pv1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION));
  EXPECT_FALSE(due.contains(pv1::STATUTORY_CLOCK_KIND_RE_DECISION));
  EXPECT_GT(due[pv1::STATUTORY_CLOCK_KIND_REVIEW], Today() + 180);
  EXPECT_LT(due[pv1::STATUTORY_CLOCK_KIND_REVIEW], Today() + 185);

  pv1::ListDueStatutoryItemsRequest list;
  list.set_municipality_id(kMala);
  *list.mutable_from_date() = Day(Today());
  *list.mutable_to_date() = Day(Today() + 366);
  auto items = Call(&PStub::ListDueStatutoryItems, list, committee_);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->items_size(), 1);  // the review; the custody consideration is two years off
  EXPECT_EQ(items->items(0).kind(), pv1::STATUTORY_CLOCK_KIND_REVIEW);
  EXPECT_EQ(items->items(0).legal_citation(), "socialtjänstlagen (2025:400)");
  EXPECT_EQ(items->items(0).placement_id(), placement->placement_id());
  *list.mutable_to_date() = Day(Today() + 400);
  EXPECT_EQ(Call(&PStub::ListDueStatutoryItems, list, committee_).status().code(),
            absl::StatusCode::kInvalidArgument);
  *list.mutable_to_date() = Day(Today() + 366);
  list.set_municipality_id(kTorsas);
  EXPECT_EQ(Call(&PStub::ListDueStatutoryItems, list, committee_).status().code(),
            absl::StatusCode::kPermissionDenied);

  // A review held today moves the next one six months on from today.
  pv1::RecordStatutoryStepRequest step;
  step.set_placement_id(placement->placement_id());
  step.set_etag(placement->etag());
  step.set_request_id(NewUuid());
  step.mutable_step()->set_kind(pv1::STATUTORY_STEP_KIND_RE_DECISION_MADE);
  *step.mutable_step()->mutable_step_date() = Day(Today());
  step.mutable_step()->set_minute_reference("SN § 9");
  auto recorded = Call(&PStub::RecordStatutoryStep, step, committee_);
  EXPECT_EQ(recorded.status().code(), absl::StatusCode::kFailedPrecondition);  // voluntary care
  step.mutable_step()->set_kind(pv1::STATUTORY_STEP_KIND_REVIEW_HELD);
  recorded = Call(&PStub::RecordStatutoryStep, step, committee_);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->placement().statutory_steps_size(), 1);

  // The agency that holds the home sees the placement; another municipality does not.
  pv1::GetPlacementRequest get;
  get.set_placement_id(placement->placement_id());
  EXPECT_TRUE(Call(&PStub::GetPlacement, get, agency_consultant_).ok());
  EXPECT_EQ(
      Call(&PStub::GetPlacement, get, keys_.Mint(Staff(kTorsas, "case_worker"))).status().code(),
      absl::StatusCode::kPermissionDenied);
  pv1::ListPlacementsRequest placements;
  placements.add_states(pv1::PLACEMENT_STATE_ACTIVE);
  auto listed = Call(&PStub::ListPlacements, placements, agency_manager_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->placements_size(), 1);
  EXPECT_FALSE(listed->placements(0).deadlines().empty());

  // Compulsory care on the young person's own behaviour that began seven months ago in
  // another home: its re-decision is overdue from the first day here.
  auto lvu = NewRequest("20091010", 41);
  lvu.set_legal_basis(pv1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR);
  pv1::PlacementRequest second = Create(lvu);
  ASSERT_TRUE(ToApproved(second, home).ok());
  auto lvu_started = Start(second, Today() - 214);
  ASSERT_TRUE(lvu_started.ok()) << lvu_started.status();
  list.set_municipality_id(kMala);
  list.set_include_overdue(true);
  list.add_kinds(pv1::STATUTORY_CLOCK_KIND_RE_DECISION);
  items = Call(&PStub::ListDueStatutoryItems, list, case_worker_);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->items_size(), 1);
  EXPECT_TRUE(items->items(0).overdue());
  EXPECT_GE(items->items(0).days_overdue(), 28);
  EXPECT_EQ(items->items(0).rule_id(), "re-decision-lvu");
  EXPECT_EQ(Gauge("fhv_placement_statutory_items_overdue",
                  {{"municipality", kMala}, {"kind", "STATUTORY_CLOCK_KIND_RE_DECISION"}}, 1),
            1);

  // The metrics count requests by state and know no person.
  const std::string page = HttpGet(placement_->metrics_port(), "/metrics");
  EXPECT_THAT(page, ::testing::HasSubstr("fhv_placement_requests{"));
  EXPECT_THAT(page, ::testing::HasSubstr("fhv_placement_request_state_seconds_count"));
  EXPECT_THAT(page, ::testing::Not(::testing::HasSubstr("Nilsson")));
}

// The listing reads stored due dates: they follow every change of a placement, page by
// (due date, placement, kind), and are recomputed at start when they were computed with other
// rules or logic.
TEST_F(PlacementE2E, DueItemsComeFromStoredDueDatesThatFollowEveryChange) {
  const std::string home = RegisterHome(kAgency, 3);
  std::vector<pv1::Placement> placed;
  for (int i = 0; i < 3; ++i) {
    auto create = NewRequest("20100505", 50 + i);
    if (i == 0) create.set_legal_basis(pv1::LEGAL_BASIS_LVU_HOME_ENVIRONMENT);
    pv1::PlacementRequest r = Create(create);
    ASSERT_TRUE(ToApproved(r, home).ok());
    // The first child's care began a month ago in another home.
    auto started = Start(r, i == 0 ? std::optional(Today() - 30) : std::nullopt);
    ASSERT_TRUE(started.ok()) << started.status();
    placed.push_back(*started);
  }

  // Every review in the coming year, one a page: (due date, placement id) pairs.
  auto reviews = [&]() {
    std::vector<std::pair<absl::CivilDay, std::string>> out;
    pv1::ListDueStatutoryItemsRequest list;
    list.set_municipality_id(kMala);
    *list.mutable_from_date() = Day(Today());
    *list.mutable_to_date() = Day(Today() + 366);
    list.add_kinds(pv1::STATUTORY_CLOCK_KIND_REVIEW);
    list.set_page_size(1);
    for (int pages = 0; pages < 10; ++pages) {
      auto page = Call(&PStub::ListDueStatutoryItems, list, committee_);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(page->items_size(), 1);
      for (const auto& item : page->items()) {
        EXPECT_THAT(item.rule_id(), ::testing::AnyOf("review-sol-2025", "review-lvu"));
        out.emplace_back(*DayOf(item.due_date()), item.placement_id());
      }
      if (page->next_page_token().empty()) break;
      list.set_page_token(page->next_page_token());
    }
    return out;
  };
  const absl::CivilDay in_six_months = SixMonthsOn(Today());
  std::vector<std::string> later = {placed[1].placement_id(), placed[2].placement_id()};
  std::sort(later.begin(), later.end());
  using Listed = std::vector<std::pair<absl::CivilDay, std::string>>;
  EXPECT_EQ(reviews(), (Listed{{SixMonthsOn(Today() - 30), placed[0].placement_id()},
                               {in_six_months, later[0]},
                               {in_six_months, later[1]}}));

  // A review held today moves the first placement's next one; the second placement ends.
  pv1::RecordStatutoryStepRequest step;
  step.set_placement_id(placed[0].placement_id());
  step.set_etag(placed[0].etag());
  step.set_request_id(NewUuid());
  step.mutable_step()->set_kind(pv1::STATUTORY_STEP_KIND_REVIEW_HELD);
  *step.mutable_step()->mutable_step_date() = Day(Today());
  step.mutable_step()->set_minute_reference("SN § 14");
  ASSERT_TRUE(Call(&PStub::RecordStatutoryStep, step, committee_).ok());
  pv1::EndPlacementRequest end;
  end.set_placement_id(placed[1].placement_id());
  end.set_etag(placed[1].etag());
  *end.mutable_end_date() = Day(Today());
  end.set_reason(pv1::PLACEMENT_END_REASON_REUNIFICATION);
  ASSERT_TRUE(Call(&PStub::EndPlacement, end, case_worker_).ok());
  std::vector<std::string> now_listed = {placed[0].placement_id(), placed[2].placement_id()};
  std::sort(now_listed.begin(), now_listed.end());
  const Listed expected = {{in_six_months, now_listed[0]}, {in_six_months, now_listed[1]}};
  EXPECT_EQ(reviews(), expected);
  EXPECT_EQ(
      Count(absl::StrCat("SELECT count(*) FROM placement.placement_due WHERE placement_id = '",
                         placed[1].placement_id(), "'")),
      0);

  // Writes by a binary that does not store due dates (an older one, in a rolling deploy): the
  // first placement's step and the second's end, as only the placement rows show them. The
  // service recomputes both within a few refreshes (--gauge_refresh=200ms).
  const std::string first = placed[0].placement_id(), second = placed[1].placement_id();
  auto admin = db_.Admin();
  ASSERT_TRUE(admin
                  ->ExecScript(absl::StrCat(
                      "UPDATE placement.placement_due SET due_date = due_date - 1000 "
                      "WHERE placement_id = '",
                      first, "'; INSERT INTO placement.placement_due VALUES ('", second, "', 1, '",
                      kMala, "', 'review-sol-2025', '", absl::FormatCivilTime(Today() + 10),
                      "'); UPDATE placement.placement SET version = version + 1 WHERE id IN ('",
                      first, "', '", second, "')"))
                  .ok());
  const std::string second_rows = absl::StrCat(
      "SELECT count(*) FROM placement.placement_due WHERE placement_id = '", second, "'");
  EXPECT_NE(reviews(), expected);
  for (int i = 0; i < 100 && (reviews() != expected || Count(second_rows) != 0); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(reviews(), expected);
  EXPECT_EQ(Count(second_rows), 0);

  // Stored due dates computed with other rules or clock logic: recomputed before the service
  // listens again.
  ASSERT_TRUE(admin
                  ->ExecScript(absl::StrCat(
                      "DELETE FROM placement.placement_due WHERE placement_id = '",
                      placed[2].placement_id(),
                      "'; UPDATE placement.due_dates_state SET fingerprint = 'other rules'"))
                  .ok());
  EXPECT_NE(reviews(), expected);
  ASSERT_EQ(placement_->Stop(), 0);
  ASSERT_TRUE(placement_->Start()) << placement_->Log();
  EXPECT_EQ(reviews(), expected);
  EXPECT_EQ(
      Count("SELECT count(*) FROM placement.due_dates_state WHERE fingerprint = 'other rules'"), 0);
}

}  // namespace
}  // namespace fhv::testing
