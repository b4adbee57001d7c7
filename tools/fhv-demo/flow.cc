#include "tools/fhv-demo/flow.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "fhv/investigation/v1/investigation_service.grpc.pb.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "fhv/placement/v1/placement_service.grpc.pb.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"

namespace fhv::demo {
namespace {

constexpr char kMunicipality[] = "2418";
constexpr char kRegion[] = "familjehemsgruppen";

namespace cv1 = ::fhv::common::v1;
namespace rv1 = ::fhv::recruitment::v1;
namespace iv1 = ::fhv::investigation::v1;
namespace pv1 = ::fhv::placement::v1;
namespace payv1 = ::fhv::payments::v1;

// A failed step: the caller prints it and exits 1.
struct Failure {
  std::string step;
  absl::Status status;
};

// The enum value's name without its type prefix, e.g. APPLICANT_STATE_NEW -> NEW.
std::string Short(const std::string& name, const std::string& prefix) {
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

std::string Kronor(int64_t ore) {
  const int64_t abs = ore < 0 ? -ore : ore;
  return absl::StrFormat("%s%d,%02d kr", ore < 0 ? "-" : "", abs / 100, abs % 100);
}

std::string DateText(const cv1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// One line per step, numbered, with the service and who acts.
class Narrator {
 public:
  Narrator(std::ostream& out, std::function<void(int)> after_step)
      : out_(out), after_step_(std::move(after_step)) {}
  void Section(const std::string& title) { out_ << "\n== " << title << " ==\n"; }
  void Step(const std::string& service, const std::string& who, const std::string& what) {
    out_ << absl::StrFormat("%3d. [%s] %s: %s\n", ++n_, service, who, what) << std::flush;
    if (after_step_) after_step_(n_);
  }
  void Detail(const std::string& text) { out_ << "       " << text << "\n"; }

 private:
  std::ostream& out_;
  std::function<void(int)> after_step_;
  int n_ = 0;
};

// The stubs of one service's replicas; each call goes to the next one in turn.
template <typename Service>
class Replicas {
 public:
  explicit Replicas(const std::vector<std::string>& addresses) {
    for (const std::string& a : addresses) {
      stubs_.push_back(
          Service::NewStub(grpc::CreateChannel(a, grpc::InsecureChannelCredentials())));
    }
  }
  typename Service::Stub& Next() { return *stubs_[next_++ % stubs_.size()]; }

 private:
  std::vector<std::unique_ptr<typename Service::Stub>> stubs_;
  size_t next_ = 0;
};

class Demo {
 public:
  Demo(const Addresses& addresses, const auth::TokenSigner& signer, const FlowOptions& options,
       std::ostream& out)
      : out_(out, options.after_step),
        signer_(signer),
        options_(options),
        recruitment_(addresses.at("recruitment")),
        investigation_(addresses.at("investigation")),
        placement_(addresses.at("placement")),
        payments_(addresses.at("payments")),
        today_(Today(absl::Now())) {}

  FlowIds Run() {
    Recruit();
    Investigate();
    Request();
    Match();
    Decide();
    Pay();
    return ids_;
  }

 private:
  // Calls `method` as a 2418 user with `role`, retrying UNAVAILABLE as the options say (not
  // while polling: Await tries again anyway).
  template <typename Stub, typename Req, typename Resp>
  absl::StatusOr<Resp> TryCall(Stub& stub,
                               grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&,
                                                            Resp*),
                               const Req& req, const std::string& role) {
    const absl::Time retry_until =
        absl::Now() + (polling_ ? absl::ZeroDuration() : options_.retry_unavailable);
    for (;;) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + Token(role));
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
      Resp resp;
      const absl::Status st = FromGrpcStatus((stub.*method)(&ctx, req, &resp));
      if (st.ok()) return resp;
      if (st.code() != absl::StatusCode::kUnavailable || absl::Now() >= retry_until) return st;
      absl::SleepFor(absl::Milliseconds(200));
    }
  }

  // As TryCall; throws Failure naming `step` on error.
  template <typename Stub, typename Req, typename Resp>
  Resp Call(const std::string& step, Stub& stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
            const std::string& role) {
    auto resp = TryCall(stub, method, req, role);
    if (!resp.ok()) throw Failure{step, resp.status()};
    return *std::move(resp);
  }

  // The home as the recruiter sees it in the registry.
  absl::StatusOr<rv1::Home> Home() {
    rv1::GetHomeRequest get;
    get.set_id(ids_.home_id);
    auto resp =
        TryCall(recruitment_.Next(), &rv1::RecruitmentService::Stub::GetHome, get, "recruiter");
    if (!resp.ok()) return resp.status();
    return resp->home();
  }

  std::string Token(const std::string& role) {
    auth::Principal p;
    p.user = absl::StrCat("demo-", role);
    p.org_id = kMunicipality;
    p.org_kind = auth::OrgKind::kMunicipality;
    p.roles = {role};
    p.regions = {kRegion};
    auto token = signer_.Mint(p, absl::Now(), absl::Minutes(10));
    if (!token.ok()) throw Failure{"mint a token for " + role, token.status()};
    return *token;
  }

  // Polls `done` every 200 ms for up to 30 s: events travel between services asynchronously.
  template <typename F>
  void Await(const std::string& what, F done) {
    absl::Status last;
    for (int i = 0; i < 150; ++i) {
      polling_ = true;
      bool seen = false;
      try {
        seen = done();
      } catch (const Failure& f) {
        last = f.status;  // not yet, perhaps: the service may be restarting
      }
      polling_ = false;
      if (seen) return;
      absl::SleepFor(absl::Milliseconds(200));
    }
    throw Failure{what, absl::DeadlineExceededError(absl::StrCat(
                            "not seen within 30 s",
                            last.ok() ? "" : "; last error: ", last.ok() ? "" : last.ToString()))};
  }

  cv1::Date Day(int days_from_today) { return ToDate(today_ + days_from_today); }

  // A valid personnummer for someone born on `birth`, with a random serial.
  std::string Personnummer(absl::CivilDay birth) {
    const std::string base = absl::StrFormat("%04d%02d%02d%03d", birth.year(), birth.month(),
                                             birth.day(), serial_(rng_));
    for (char c = '0'; c <= '9'; ++c) {
      if (validation::LuhnValid(base.substr(2) + c)) return base + c;
    }
    return base + "0";
  }

  int ChildAge() const { return AgeOn(child_birth_, today_); }

  rv1::Applicant Applicant() {
    rv1::GetApplicantRequest get;
    get.set_id(ids_.applicant_id);
    return Call("read the applicant", recruitment_.Next(),
                &rv1::RecruitmentService::Stub::GetApplicant, get, "recruiter")
        .applicant();
  }

  std::string ApplicantState(const rv1::Applicant& a) {
    return Short(rv1::ApplicantState_Name(a.state()), "APPLICANT_STATE_");
  }

  void Recruit() {
    using S = rv1::RecruitmentService::Stub;
    out_.Section("Recruitment: a family gets in touch");
    rv1::SubmitInterestRequest submit;
    submit.set_request_id(NewUuid());
    rv1::Interest& i = *submit.mutable_interest();
    i.set_source(rv1::INTEREST_SOURCE_PHONE);
    auto* adult = i.add_adults();
    adult->mutable_name()->set_given_name("Anna");
    adult->mutable_name()->set_family_name("Lind");
    adult->set_personnummer(adult_personnummer_);
    adult->mutable_contact()->set_email("anna.lind@example.se");
    i.mutable_home()->set_housing_type(rv1::HOUSING_TYPE_HOUSE);
    i.mutable_home()->set_rooms_for_child(1);
    i.add_languages("sv");
    i.add_wanted_assignments(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
    i.add_wanted_municipalities(kMunicipality);
    auto submitted =
        Call("submit the interest", recruitment_.Next(), &S::SubmitInterest, submit, "recruiter");
    ids_.applicant_id = submitted.interest().applicant_id();
    rv1::Applicant a = Applicant();
    out_.Step("recruitment", "Malå's recruiter",
              absl::StrCat("a phone call from a family in Malå is registered as an interest; ",
                           "applicant ", ids_.applicant_id, " is ", ApplicantState(a)));

    rv1::MarkApplicantContactedRequest contacted;
    contacted.set_id(a.id());
    contacted.set_etag(a.etag());
    a = Call("mark the applicant contacted", recruitment_.Next(), &S::MarkApplicantContacted,
             contacted, "recruiter")
            .applicant();
    rv1::RecordInfoMeetingRequest meeting;
    meeting.set_id(a.id());
    meeting.set_etag(a.etag());
    *meeting.mutable_held_on() = Day(0);
    a = Call("record the info meeting", recruitment_.Next(), &S::RecordInfoMeeting, meeting,
             "recruiter")
            .applicant();
    rv1::RecordApplicationRequest application;
    application.set_id(a.id());
    application.set_etag(a.etag());
    application.add_assignments(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
    a = Call("record the application", recruitment_.Next(), &S::RecordApplication, application,
             "recruiter")
            .applicant();
    out_.Step("recruitment", "Malå's recruiter",
              absl::StrCat("called back, met at an information evening, applied to become a ",
                           "foster home: ", ApplicantState(a)));
  }

  void Investigate() {
    using S = iv1::InvestigationService::Stub;
    out_.Section("Investigation: is this a good home for a child?");
    iv1::OpenInvestigationRequest open;
    open.set_request_id(NewUuid());
    open.set_applicant_id(ids_.applicant_id);
    open.set_method(iv1::INVESTIGATION_METHOD_NYA_KALVESTEN);
    iv1::Investigation inv = Call("open the investigation", investigation_.Next(),
                                  &S::OpenInvestigation, open, "investigator")
                                 .investigation();
    out_.Step("investigation", "Malå's investigator",
              absl::StrCat("opens investigation ", inv.investigation_id(),
                           " (method Nya Kälvesten) for the applicant's household of ",
                           inv.household_size()));
    Await("the applicant moves to IN_INVESTIGATION",
          [&] { return Applicant().state() == rv1::APPLICANT_STATE_IN_INVESTIGATION; });
    out_.Step("recruitment", "event", "the applicant is now IN_INVESTIGATION");

    auto step = [&](const std::string& what, auto method, auto request,
                    const std::string& role = "investigator") {
      request.set_investigation_id(inv.investigation_id());
      request.set_etag(inv.etag());
      inv = Call(what, investigation_.Next(), method, request, role).investigation();
    };
    step("start the investigation", &S::StartInvestigation, iv1::StartInvestigationRequest());
    const std::string adult = inv.household(0).member_id();
    for (auto reg : {iv1::REGISTER_KIND_POLICE, iv1::REGISTER_KIND_SOCIAL_SERVICES,
                     iv1::REGISTER_KIND_KRONOFOGDEN, iv1::REGISTER_KIND_FORSAKRINGSKASSAN}) {
      iv1::RequestRegisterCheckRequest request;
      request.set_request_id(NewUuid());
      request.set_member_id(adult);
      request.set_register_(reg);
      *request.mutable_requested_date() = Day(-20);
      step("request a register check", &S::RequestRegisterCheck, request);
      iv1::RecordRegisterCheckAnswerRequest answer;
      answer.set_register_check_id(inv.register_checks().rbegin()->register_check_id());
      *answer.mutable_answered_date() = Day(-10);
      answer.set_outcome(iv1::REGISTER_CHECK_OUTCOME_NO_REMARKS);
      step("record a register check's answer", &S::RecordRegisterCheckAnswer, answer);
    }
    out_.Step("investigation", "Malå's investigator",
              "register checks with the police, social services, Kronofogden and "
              "Försäkringskassan: no remarks");
    iv1::RecordInterviewRequest interview;
    interview.set_request_id(NewUuid());
    interview.mutable_interview()->set_kind(iv1::INTERVIEW_KIND_ADULT_ALONE);
    interview.mutable_interview()->add_participant_member_ids(adult);
    *interview.mutable_interview()->mutable_interview_date() = Day(-9);
    interview.mutable_interview()->add_interviewer_user_ids("demo-investigator");
    step("record the interview", &S::RecordInterview, interview);
    iv1::RecordHomeVisitRequest visit;
    visit.set_request_id(NewUuid());
    *visit.mutable_home_visit()->mutable_visit_date() = Day(-8);
    visit.mutable_home_visit()->add_visitor_user_ids("demo-investigator");
    visit.mutable_home_visit()->set_own_room_confirmed(true);
    step("record the home visit", &S::RecordHomeVisit, visit);
    for (const char* relation : {"employer", "friend"}) {
      iv1::RecordReferenceRequest ref;
      ref.set_request_id(NewUuid());
      auto* r = ref.mutable_reference();
      r->mutable_name()->set_given_name("Referens");
      r->mutable_name()->set_family_name(relation);
      r->set_relation(relation);
      *r->mutable_contacted_date() = Day(-7);
      r->set_outcome(iv1::REFERENCE_OUTCOME_POSITIVE);
      step("record a reference", &S::RecordReference, ref);
    }
    out_.Step("investigation", "Malå's investigator",
              "interview, home visit (own room for the child confirmed), two positive references");
    iv1::UpdateHomeProfileRequest profile;
    profile.mutable_home_profile()->set_display_name("Familjen Lind, Malå");
    profile.mutable_home_profile()->add_languages("sv");
    profile.mutable_home_profile()->set_location_municipality_id(kMunicipality);
    profile.mutable_home_profile()->mutable_coarse_location()->set_latitude(65.15);
    profile.mutable_home_profile()->mutable_coarse_location()->set_longitude(18.60);
    for (const char* path :
         {"display_name", "languages", "location_municipality_id", "coarse_location"}) {
      profile.mutable_update_mask()->add_paths(path);
    }
    step("describe the home", &S::UpdateHomeProfile, profile);
    iv1::ApprovalScope scope;
    scope.add_assignment_kinds(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
    scope.set_max_children(1);
    scope.set_min_age_years(0);
    scope.set_max_age_years(12);
    scope.set_support_tier(iv1::HOME_SUPPORT_TIER_MUNICIPAL);
    iv1::MarkReadyForDecisionRequest ready;
    ready.mutable_recommendation()->set_recommendation(iv1::INVESTIGATION_RECOMMENDATION_APPROVE);
    *ready.mutable_recommendation()->mutable_recommended_scope() = scope;
    step("hand the investigation over for decision", &S::MarkReadyForDecision, ready);
    out_.Step(
        "investigation", "Malå's investigator",
        absl::StrCat("every mandatory step done; recommends approval as a foster home for ",
                     "one child aged 0-12: ",
                     Short(iv1::InvestigationState_Name(inv.state()), "INVESTIGATION_STATE_")));
    iv1::ApproveInvestigationRequest approve;
    approve.set_request_id(NewUuid());
    *approve.mutable_scope() = scope;
    *approve.mutable_decision_date() = Day(0);
    step("approve the home", &S::ApproveInvestigation, approve, "investigation_decider");
    ids_.home_id = inv.home_id();
    out_.Step("investigation", "Malå's decider",
              absl::StrCat("approves the home: ",
                           Short(iv1::InvestigationState_Name(inv.state()), "INVESTIGATION_STATE_"),
                           ", home ", ids_.home_id));

    rv1::Home home;
    Await("the approved home appears in the registry", [&] {
      auto got = Home();
      if (got.ok()) home = *got;
      return got.ok();
    });
    out_.Step("recruitment", "event",
              absl::StrCat("\"", home.display_name(), "\" is in the registry: ",
                           Short(rv1::Availability_Name(home.availability()), "AVAILABILITY_"),
                           ", room for ", home.max_children(), " child, the applicant is ",
                           ApplicantState(Applicant())));
  }

  void Request() {
    using S = pv1::PlacementService::Stub;
    out_.Section("Placement: a child needs a foster home");
    pv1::CreatePlacementRequestRequest create;
    create.set_request_id(NewUuid());
    create.mutable_addressee()->set_id(kMunicipality);
    create.mutable_addressee()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
    auto& c = *create.mutable_child();
    c.set_personnummer(Personnummer(child_birth_));
    c.mutable_name()->set_given_name("Elsa");
    c.mutable_name()->set_family_name("Nilsson");
    *c.mutable_birth_date() = ToDate(child_birth_);
    c.mutable_address()->set_street("Skolgatan 3");
    c.mutable_address()->set_postal_code("93070");
    c.mutable_address()->set_city("Malå");
    c.add_languages("sv");
    c.set_school_municipality_id(kMunicipality);
    c.set_description("Behöver en lugn familj nära skolan.");
    create.set_legal_basis(pv1::LEGAL_BASIS_VOLUNTARY);
    create.set_urgency(pv1::PLACEMENT_URGENCY_PLANNED);
    create.set_form(pv1::PLACEMENT_FORM_FAMILJEHEM);
    *create.mutable_wanted_start_date() = Day(0);
    request_ = Call("send the placement request", placement_.Next(), &S::CreatePlacementRequest,
                    create, "case_worker")
                   .placement_request();
    out_.Step("placement", "Malå's social worker (socialtjänst)",
              absl::StrCat("asks the family home unit for a foster home for a ", ChildAge(),
                           "-year-old, ", "voluntary care (SoL), from today: request ",
                           request_.placement_request_id(), " is ", RequestState()));

    Advance("accept the request", &S::AcceptPlacementRequest, pv1::AcceptPlacementRequestRequest(),
            "operations_manager");
    out_.Step("placement", "the unit's manager (verksamhetschef)",
              absl::StrCat("accepts the request: ", RequestState()));
    pv1::AddIntakeStatementRequest intake;
    intake.set_request_id(NewUuid());
    intake.mutable_statement()->set_source("school");
    intake.mutable_statement()->set_text("Trivs i skolan, behöver stöd i matematik.");
    Advance("add an intake statement", &S::AddIntakeStatement, intake, "operations_manager");
    pv1::AssignConsultantRequest assign;
    assign.set_consultant_user_id("demo-consultant");
    Advance("assign a consultant", &S::AssignConsultant, assign, "operations_manager");
    out_.Step("placement", "the unit's manager",
              absl::StrCat("adds the school's statement and assigns a family home consultant: ",
                           RequestState()));
  }

  template <typename Req, typename Resp>
  void Advance(const std::string& what,
               grpc::Status (pv1::PlacementService::Stub::*method)(grpc::ClientContext*, const Req&,
                                                                   Resp*),
               Req req, const std::string& role) {
    req.set_placement_request_id(request_.placement_request_id());
    req.set_etag(request_.etag());
    request_ = Call(what, placement_.Next(), method, req, role).placement_request();
  }

  std::string RequestState() {
    return Short(pv1::PlacementRequestState_Name(request_.state()), "PLACEMENT_REQUEST_STATE_");
  }

  void Match() {
    rv1::FindCandidateHomesRequest find;
    auto* needs = find.mutable_needs();
    needs->set_youngest_age(ChildAge());
    needs->set_oldest_age(ChildAge());
    needs->set_children(1);
    needs->set_kind(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
    *needs->mutable_start_date() = Day(0);
    needs->set_home_municipality(kMunicipality);
    needs->add_languages("sv");
    find.set_page_size(5);
    auto found = Call("find candidate homes", recruitment_.Next(),
                      &rv1::RecruitmentService::Stub::FindCandidateHomes, find, "consultant");
    out_.Step("recruitment", "the consultant",
              absl::StrCat("searches the region's registry: ", found.candidates_size(),
                           " candidate home(s) meet every hard constraint"));
    for (const auto& cand : found.candidates()) {
      out_.Detail(absl::StrCat(cand.home().id() == ids_.home_id ? "* " : "  ", cand.home().id(),
                               "  score ", cand.score()));
    }

    pv1::ProposeHomesRequest propose;
    auto* home = propose.add_homes();
    home->set_home_id(ids_.home_id);
    home->set_motivation("Bor nära skolan och talar barnets språk.");
    propose.set_request_id(NewUuid());
    Advance("propose the home", &pv1::PlacementService::Stub::ProposeHomes, propose, "consultant");
    out_.Step("placement", "the consultant",
              absl::StrCat("proposes \"Familjen Lind, Malå\": ", RequestState(),
                           "; recruitment's explanation, kept with the proposal:"));
    const auto& match = request_.proposals().rbegin()->match();
    for (const auto& crit : match.criteria()) {
      out_.Detail(absl::StrFormat("%-5s %-20s %3d p  %s", crit.met() ? "ok" : "NOT", crit.name(),
                                  crit.points(), crit.detail()));
    }
    out_.Detail(absl::StrCat("total score ", match.total_score()));
  }

  void Decide() {
    using S = pv1::PlacementService::Stub;
    pv1::PutUpForDecisionRequest up;
    up.set_proposal_id(request_.proposals().rbegin()->proposal_id());
    Advance("put the proposal up for decision", &S::PutUpForDecision, up, "case_worker");
    out_.Step("placement", "Malå's social worker",
              absl::StrCat("puts the home up for the committee: ", RequestState()));
    pv1::DecidePlacementRequestRequest decide;
    decide.set_outcome(pv1::PLACEMENT_DECISION_OUTCOME_APPROVED);
    decide.set_decider_kind(pv1::DECIDER_KIND_COMMITTEE_MEMBER);
    *decide.mutable_decision_date() = Day(0);
    decide.set_minute_reference(absl::StrCat("SN ", DateText(Day(0)), " § 7"));
    Advance("record the committee's decision", &S::DecidePlacementRequest, decide,
            "committee_member");
    out_.Step("placement", "the social welfare committee (socialnämnd)",
              absl::StrCat("approves the placement (minute ", decide.minute_reference(),
                           "): ", RequestState()));

    pv1::StartPlacementRequest start;
    start.set_placement_request_id(request_.placement_request_id());
    start.set_etag(request_.etag());
    start.set_request_id(NewUuid());
    *start.mutable_start_date() = Day(0);
    auto started =
        Call("start the placement", placement_.Next(), &S::StartPlacement, start, "case_worker");
    request_ = started.placement_request();
    ids_.placement_id = started.placement().placement_id();
    out_.Step("placement", "Malå's social worker",
              absl::StrCat(
                  "the child moves in today: placement ", ids_.placement_id, " is ",
                  Short(pv1::PlacementState_Name(started.placement().state()), "PLACEMENT_STATE_"),
                  "; the law's clocks start:"));
    for (const auto& d : started.placement().deadlines()) {
      out_.Detail(
          absl::StrCat(DateText(d.due_date()), "  ",
                       Short(pv1::StatutoryClockKind_Name(d.kind()), "STATUTORY_CLOCK_KIND_"),
                       "  (", d.rule_id(), ")"));
    }
    Await("the home's occupancy in recruitment", [&] {
      auto got = Home();
      return got.ok() && got->placed_children() == 1;
    });
    out_.Step("recruitment", "event", "the home now has 1 child placed and is FULL for matching");
  }

  void Pay() {
    using S = payv1::PaymentsService::Stub;
    out_.Section("Payments: the foster home is paid");
    payv1::Agreement agreement;
    Await("the agreement made from the placement", [&] {
      payv1::ListAgreementsRequest list;
      list.set_placement_id(ids_.placement_id);
      auto got = TryCall(payments_.Next(), &S::ListAgreements, list, "finance_officer");
      if (!got.ok() || got->agreements_size() != 1) return false;
      agreement = got->agreements(0);
      return true;
    });
    ids_.agreement_id = agreement.agreement_id();
    out_.Step("payments", "event",
              absl::StrCat("agreement ", agreement.agreement_id(), " made from the placement: ",
                           "fee level ", agreement.versions(0).terms().fee_level_code(),
                           " of SKR's table, from ", DateText(agreement.valid_from())));

    payv1::SetMunicipalityPaymentSettingsRequest settings;
    settings.set_request_id(NewUuid());
    auto& st = *settings.mutable_settings();
    st.set_debtor_name("Malå kommun");
    st.set_organisationsnummer("212000-2627");
    st.mutable_debtor_account()->set_iban("SE4550000000058398257466");
    st.mutable_debtor_account()->set_bic("ESSESESS");
    st.set_execution_day_of_month(25);
    // Set once: a later run of the flow keeps the settings (and their etag) as they are.
    payv1::GetMunicipalityPaymentSettingsRequest get_settings;
    get_settings.set_municipality_id(kMunicipality);
    try {
      Call("read Malå's payment settings", payments_.Next(), &S::GetMunicipalityPaymentSettings,
           get_settings, "admin");
    } catch (const Failure& f) {
      if (f.status.code() != absl::StatusCode::kNotFound) throw;
      Call("set Malå's payment settings", payments_.Next(), &S::SetMunicipalityPaymentSettings,
           settings, "admin");
    }
    payv1::SetPayeeRequest payee;
    payee.mutable_payee()->set_home_id(ids_.home_id);
    payee.mutable_payee()->mutable_name()->set_given_name("Anna");
    payee.mutable_payee()->mutable_name()->set_family_name("Lind");
    payee.mutable_payee()->set_personnummer(adult_personnummer_);
    payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
    payee.mutable_payee()->set_withholding_tax_bp(3000);
    Call("register the home's payee", payments_.Next(), &S::SetPayee, payee, "finance_officer");
    out_.Step("payments", "Malå's finance officer",
              "pays from Malå's account; the family is paid to its bankgiro, 30 % tax withheld");

    payv1::CreatePaymentRunRequest create;
    create.set_request_id(NewUuid());
    create.set_municipality_id(kMunicipality);
    create.mutable_month()->set_year(static_cast<int>(today_.year()));
    create.mutable_month()->set_month(today_.month());
    payv1::PaymentRun run = Call("create the month's payment run", payments_.Next(),
                                 &S::CreatePaymentRun, create, "finance_officer")
                                .payment_run();
    ids_.payment_run_id = run.payment_run_id();
    const std::string month =
        absl::StrFormat("%04d-%02d", create.month().year(), create.month().month());
    if (run.state() == payv1::PAYMENT_RUN_STATE_CALCULATED &&
        FromTimestamp(run.create_time()) < started_) {
      // A run an earlier demo made and left calculated: bring it up to date.
      payv1::RecalculatePaymentRunRequest recalc;
      recalc.set_payment_run_id(run.payment_run_id());
      recalc.set_etag(run.etag());
      run = Call("recalculate the month's run", payments_.Next(), &S::RecalculatePaymentRun, recalc,
                 "finance_officer")
                .payment_run();
    }
    if (run.state() != payv1::PAYMENT_RUN_STATE_CALCULATED) {
      out_.Step("payments", "Malå's finance officer",
                absl::StrCat(month, "'s run was already ",
                             Short(payv1::PaymentRunState_Name(run.state()), "PAYMENT_RUN_STATE_"),
                             " (an earlier run of the demo); this placement is paid by the next ",
                             "month's run, which corrects earlier months"));
      return;
    }
    out_.Step("payments", "Malå's finance officer",
              absl::StrCat("calculates ", month, "'s run: ", run.agreement_count(),
                           " agreement(s), ", run.line_count(), " line(s), ", run.transfer_count(),
                           " transfer(s) of ", Kronor(run.transfer_total_ore()), " after ",
                           Kronor(run.tax_withheld_total_ore()), " tax"));
    if (run.problem_count() > 0) {
      for (const auto& p : run.problems()) out_.Detail(absl::StrCat("problem: ", p.code()));
      throw Failure{"calculate the run", absl::FailedPreconditionError(absl::StrCat(
                                             run.problem_count(), " problem(s) stop the run"))};
    }
    payv1::ListPaymentLinesRequest list_lines;
    list_lines.set_payment_run_id(run.payment_run_id());
    list_lines.set_home_id(ids_.home_id);
    const auto lines = Call("list the home's lines", payments_.Next(), &S::ListPaymentLines,
                            list_lines, "finance_officer");
    for (const auto& l : lines.lines()) {
      out_.Detail(absl::StrFormat(
          "%-32s %2d/%2d days  %14s  %s",
          Short(payv1::PaymentLineKind_Name(l.kind()), "PAYMENT_LINE_KIND_"), l.days_covered(),
          l.days_in_month(), Kronor(l.amount_ore()), l.taxable() ? "taxable" : "tax free"));
    }

    payv1::ApprovePaymentRunRequest approve;
    approve.set_payment_run_id(run.payment_run_id());
    approve.set_etag(run.etag());
    approve.set_request_id(NewUuid());
    run =
        Call("approve the run", payments_.Next(), &S::ApprovePaymentRun, approve, "finance_officer")
            .payment_run();
    ids_.run_approved = true;
    out_.Step(
        "payments", "Malå's finance officer",
        absl::StrCat("approves the run: ",
                     Short(payv1::PaymentRunState_Name(run.state()), "PAYMENT_RUN_STATE_"),
                     ", posted to the ledger, to be paid on ", DateText(run.execution_date())));

    payv1::GetBankFileRequest get;
    get.set_payment_run_id(run.payment_run_id());
    std::string content;
    payv1::GetBankFileResponse chunk;
    do {
      get.set_offset(static_cast<int64_t>(content.size()));
      chunk =
          Call("fetch the bank file", payments_.Next(), &S::GetBankFile, get, "finance_officer");
      content += chunk.content();
    } while (!chunk.end_of_file() && !chunk.content().empty());
    std::string saved;
    if (!options_.out_dir.empty()) {
      std::filesystem::create_directories(options_.out_dir);
      saved = (std::filesystem::path(options_.out_dir) / chunk.file_name()).string();
      std::ofstream(saved, std::ios::binary) << content;
    }
    out_.Step("payments", "Malå's finance officer",
              absl::StrCat("fetches the bank file ", chunk.file_name(), " (ISO 20022 pain.001, ",
                           content.size(), " bytes, ", chunk.number_of_transactions(),
                           " transfer(s), control sum ", Kronor(chunk.control_sum_ore()),
                           ", SHA-256 ", chunk.sha256().substr(0, 16), "...)",
                           saved.empty() ? "" : absl::StrCat("; saved as ", saved)));
  }

  Narrator out_;
  const auth::TokenSigner& signer_;
  const FlowOptions& options_;
  Replicas<rv1::RecruitmentService> recruitment_;
  Replicas<iv1::InvestigationService> investigation_;
  Replicas<pv1::PlacementService> placement_;
  Replicas<payv1::PaymentsService> payments_;
  absl::CivilDay today_;
  FlowIds ids_;
  bool polling_ = false;
  absl::Time started_ = absl::Now();
  std::mt19937 rng_{std::random_device{}()};
  std::uniform_int_distribution<int> serial_{100, 999};
  // New people each run: the adult born on one of some 5,500 days, the child ten years ago.
  std::string adult_personnummer_ =
      Personnummer(absl::CivilDay(1975, 1, 1) + std::uniform_int_distribution<int>{0, 5500}(rng_));
  absl::CivilDay child_birth_{today_.year() - 10, today_.month(), today_.day()};
  pv1::PlacementRequest request_;
};

}  // namespace

absl::StatusOr<FlowIds> RunFlow(const Addresses& addresses, const auth::TokenSigner& signer,
                                const FlowOptions& options, std::ostream& out) {
  for (const char* s : {"recruitment", "investigation", "placement", "payments"}) {
    if (!addresses.contains(s) || addresses.at(s).empty()) {
      return absl::InvalidArgumentError(absl::StrCat("no address for ", s));
    }
  }
  try {
    return Demo(addresses, signer, options, out).Run();
  } catch (const Failure& f) {
    absl::Status st(f.status.code(), absl::StrCat(f.step, ": ", f.status.message()));
    f.status.ForEachPayload(
        [&](absl::string_view url, const absl::Cord& payload) { st.SetPayload(url, payload); });
    return st;
  }
}

}  // namespace fhv::demo
