// The registry of approved homes and matching, through the recruitment binary: who sees
// which home, protected addresses, the owner's changes, occupancy from placement events,
// and FindCandidateHomes with its reasons.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "fhv/common/v1/events.grpc.pb.h"
#include "fhv/investigation/v1/events.pb.h"
#include "fhv/placement/v1/events.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/e2e/recruitment_fixture.h"

namespace fhv::testing {
namespace {

using Stub = v1::RecruitmentService::Stub;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kAgency[] = "5560360793";
constexpr auto kFamiljehem = fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM;
constexpr auto kJourhem = fhv::common::v1::ASSIGNMENT_KIND_JOURHEM;

auth::Principal CaseWorker(const std::string& org_id) {
  auth::Principal p = Recruiter(org_id);
  p.user = "case-worker-" + org_id;
  p.roles = {"case_worker"};
  return p;
}

// Malå (2418) and Storuman (2421) form familjehemsgruppen; Torsås (0834) is outside it;
// one agency. Each home below is registered by its owner's admin.
class RegistryE2E : public RecruitmentFixture {
 protected:
  void SetUp() override {
    RecruitmentFixture::SetUp();
    if (HasFatalFailure()) return;
    admin_ = keys_.Mint(Admin("2418"));
    suite_admin_ = keys_.Mint(SuiteAdmin());
    Place("2418", fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY, "Malå kommun", 65.18, 18.74);
    Place("2421", fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY, "Storumans kommun", 65.10,
          17.12);
    Place("0834", fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY, "Torsås kommun", 56.41, 16.0);
    Place(kAgency, fhv::common::v1::ORGANISATION_KIND_AGENCY, "Exempelbolaget Familjehem AB", 0, 0);
    v1::UpsertRegionRequest region;
    region.mutable_region()->set_id("familjehemsgruppen");
    region.mutable_region()->set_name("Familjehemsgruppen");
    region.mutable_region()->add_municipalities("2418");
    region.mutable_region()->add_municipalities("2421");
    ASSERT_TRUE(Call(&Stub::UpsertRegion, region, suite_admin_).ok());
  }

  void Place(const std::string& id, fhv::common::v1::OrganisationKind kind, const std::string& name,
             double lat, double lon) {
    v1::UpsertOrganisationRequest req;
    req.mutable_organisation()->mutable_ref()->set_id(id);
    req.mutable_organisation()->mutable_ref()->set_kind(kind);
    req.mutable_organisation()->set_name(name);
    if (lat != 0) {
      req.mutable_organisation()->mutable_location()->set_latitude(lat);
      req.mutable_organisation()->mutable_location()->set_longitude(lon);
    }
    auto r = Call(&Stub::UpsertOrganisation, req, suite_admin_);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  static v1::Home NewHome(const std::string& owner, const std::string& municipality) {
    v1::Home h;
    h.mutable_owner()->set_id(owner);
    h.mutable_owner()->set_kind(owner.size() == 10
                                    ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                                    : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
    h.add_approved_kinds(kFamiljehem);
    h.set_max_children(2);
    h.set_min_age(0);
    h.set_max_age(17);
    h.set_municipality(municipality);
    h.set_support_tier(owner.size() == 10 ? v1::SUPPORT_TIER_AGENCY : v1::SUPPORT_TIER_MUNICIPAL);
    auto* adult = h.add_adults();
    adult->set_given_name("Eva");
    adult->set_family_name("Berg");
    h.add_languages("sv");
    h.mutable_address()->set_street("Storgatan 1");
    h.mutable_address()->set_postal_code("93070");
    h.mutable_address()->set_city("Malå");
    return h;
  }

  v1::Home Register(const v1::Home& home) {
    v1::RegisterApprovedHomeRequest req;
    req.set_request_id(NewUuid());
    *req.mutable_home() = home;
    auto r = Call(&Stub::RegisterApprovedHome, req, keys_.Mint(Admin(home.owner().id())));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->home() : v1::Home();
  }

  absl::StatusOr<v1::Home> GetHome(const std::string& id, const std::string& org) {
    v1::GetHomeRequest req;
    req.set_id(id);
    auto r = Call(&Stub::GetHome, req, keys_.Mint(CaseWorker(org)));
    if (!r.ok()) return r.status();
    return r->home();
  }

  std::vector<std::string> ListIds(const std::string& org, int page_size = 0) {
    std::vector<std::string> ids;
    v1::ListHomesRequest req;
    req.set_page_size(page_size);
    do {
      auto r = Call(&Stub::ListHomes, req, keys_.Mint(CaseWorker(org)));
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (const auto& h : r->homes()) ids.push_back(h.id());
      req.set_page_token(r->next_page_token());
    } while (!req.page_token().empty() && ids.size() < 100);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static v1::ChildNeeds Needs(int age) {
    v1::ChildNeeds n;
    n.set_youngest_age(age);
    n.set_oldest_age(age);
    n.set_children(1);
    n.set_kind(kFamiljehem);
    n.mutable_start_date()->set_year(2030);
    n.mutable_start_date()->set_month(1);
    n.mutable_start_date()->set_day(15);
    n.set_home_municipality("2418");
    return n;
  }

  absl::StatusOr<v1::FindCandidateHomesResponse> Find(const v1::ChildNeeds& needs,
                                                      const std::string& org, int page_size = 0,
                                                      const std::string& page_token = "") {
    v1::FindCandidateHomesRequest req;
    *req.mutable_needs() = needs;
    req.set_page_size(page_size);
    req.set_page_token(page_token);
    return Call(&Stub::FindCandidateHomes, req, keys_.Mint(CaseWorker(org)));
  }

  absl::Status Deliver(const google::protobuf::Message& payload, const std::string& event_id,
                       const std::string& placement_id) {
    return Deliver(payload, event_id, "placement", placement_id);
  }

  absl::Status Deliver(const google::protobuf::Message& payload, const std::string& event_id,
                       const std::string& aggregate_type, const std::string& aggregate_id) {
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    auto sink = fhv::common::v1::EventSinkService::NewStub(channel);
    fhv::common::v1::DeliverEventRequest req;
    auto* e = req.mutable_event();
    e->set_event_id(event_id);
    e->set_source(aggregate_type == "placement" ? "placement" : "investigation");
    e->set_aggregate_type(aggregate_type);
    e->set_aggregate_id(aggregate_id);
    e->mutable_payload()->PackFrom(payload);
    fhv::common::v1::DeliverEventResponse resp;
    return FromGrpcStatus(sink->DeliverEvent(Ctx(keys_.Mint(Service())).get(), req, &resp));
  }

  std::string admin_;
  std::string suite_admin_;
};

TEST_F(RegistryE2E, EachOrganisationSeesOnlyWhatItMay) {
  v1::Home shared = NewHome("2418", "2418");
  shared.add_shared_with_regions("familjehemsgruppen");
  shared.set_protected_address(true);
  const v1::Home a = Register(shared);
  const v1::Home b = Register(NewHome("2418", "2418"));
  const v1::Home c = Register(NewHome(kAgency, "2418"));
  const v1::Home d = Register(NewHome("0834", "0834"));
  ASSERT_FALSE(a.id().empty());
  EXPECT_EQ(a.availability(), v1::AVAILABILITY_AVAILABLE);
  EXPECT_THAT(a.shared_with_regions(), ElementsAre("familjehemsgruppen"));

  // The owner sees its homes with the protected address.
  auto own = GetHome(a.id(), "2418");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->address().street(), "Storgatan 1");
  // A member of the region sees the shared home without it, and nothing else of Malå's.
  auto neighbour = GetHome(a.id(), "2421");
  ASSERT_TRUE(neighbour.ok()) << neighbour.status();
  EXPECT_FALSE(neighbour->has_address());
  EXPECT_EQ(neighbour->adults(0).family_name(), "Berg");
  EXPECT_EQ(GetHome(b.id(), "2421").status().code(), absl::StatusCode::kPermissionDenied);
  // Outside the region, another municipality's home is as unknown as a made-up id.
  const auto outside = GetHome(a.id(), "0834").status();
  const auto unknown = GetHome(NewUuid(), "0834").status();
  EXPECT_EQ(outside.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(outside.message(), unknown.message());
  // An agency sees its own only, and no agency home is shown to a municipality.
  EXPECT_TRUE(GetHome(c.id(), kAgency).ok());
  EXPECT_EQ(GetHome(a.id(), kAgency).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(GetHome(c.id(), "2418").status().code(), absl::StatusCode::kPermissionDenied);

  std::vector<std::string> mala{a.id(), b.id()};
  std::sort(mala.begin(), mala.end());
  EXPECT_EQ(ListIds("2418", 1), mala);  // one a page
  EXPECT_THAT(ListIds("2421"), ElementsAre(a.id()));
  EXPECT_THAT(ListIds(kAgency), ElementsAre(c.id()));
  EXPECT_THAT(ListIds("0834"), ElementsAre(d.id()));

  // Every home returned was audited as read (refused reads return nothing to audit).
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.audit_log WHERE resource_type = 'home' "
                  "AND action = 'recruitment.GetHome'"),
            3);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.audit_log WHERE resource_type = 'home' "
                  "AND action = 'recruitment.ListHomes'"),
            5);
}

TEST_F(RegistryE2E, BadHomesAreRefusedAndNothingIsWritten) {
  v1::RegisterApprovedHomeRequest req;
  req.set_request_id("bad-home");
  *req.mutable_home() = NewHome("2418", "2418");
  req.mutable_home()->set_min_age(12);
  req.mutable_home()->set_max_age(3);
  req.mutable_home()->add_shared_with_regions("no-such-region");
  auto r = Call(&Stub::RegisterApprovedHome, req, admin_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(r.status())[0].field, "home.max_age");
  // A region the owner is not in, an unknown municipality: named, nothing written.
  *req.mutable_home() = NewHome("0834", "0834");
  req.mutable_home()->add_shared_with_regions("familjehemsgruppen");
  r = Call(&Stub::RegisterApprovedHome, req, keys_.Mint(Admin("0834")));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(r.status())[0].field, "home.shared_with_regions[0]");
  *req.mutable_home() = NewHome("2418", "2480");
  r = Call(&Stub::RegisterApprovedHome, req, admin_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(r.status())[0].field, "home.municipality");
  // Only an admin, and only for its own organisation.
  *req.mutable_home() = NewHome("0834", "0834");
  EXPECT_EQ(Call(&Stub::RegisterApprovedHome, req, admin_).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&Stub::RegisterApprovedHome, req, token_).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home_region"), 0);
}

TEST_F(RegistryE2E, RegisteringByHandIsIdempotentAndNotForApplicants) {
  v1::RegisterApprovedHomeRequest req;
  req.set_request_id("register-1");
  *req.mutable_home() = NewHome("2418", "2418");
  auto first = Call(&Stub::RegisterApprovedHome, req, admin_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = Call(&Stub::RegisterApprovedHome, req, admin_);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->home().id(), first->home().id());
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home"), 1);
  // The same request id for another home is a mistake, not a retry.
  req.mutable_home()->set_max_children(1);
  EXPECT_EQ(Call(&Stub::RegisterApprovedHome, req, admin_).status().code(),
            absl::StatusCode::kAlreadyExists);
  // An applicant's home comes from its investigation's approval, never by hand.
  auto submitted = Submit(SampleInterest(MakePersonnummer("19800101", 7)), NewUuid(), token_);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  req.set_request_id("register-2");
  req.mutable_home()->set_applicant_id(submitted->interest().applicant_id());
  auto refused = Call(&Stub::RegisterApprovedHome, req, admin_);
  EXPECT_EQ(GetReason(refused.status()), "HOME_COMES_FROM_INVESTIGATION");
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home"), 1);
}

TEST_F(RegistryE2E, OwnerChangesProfileAndAvailabilityWithEtag) {
  const v1::Home home = Register(NewHome("2418", "2418"));
  v1::UpdateHomeProfileRequest update;
  *update.mutable_home() = home;
  update.mutable_home()->add_languages("ar");
  update.mutable_home()->add_experience_tags("trauma");
  update.mutable_home()->add_shared_with_regions("familjehemsgruppen");
  update.mutable_home()->set_max_children(9);  // not the owner's to change: ignored
  const std::string recruiter = keys_.Mint(Recruiter("2418"));
  auto updated = Call(&Stub::UpdateHomeProfile, update, recruiter);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->home().languages(), ElementsAre("sv", "ar"));
  EXPECT_EQ(updated->home().max_children(), 2);
  EXPECT_NE(updated->home().etag(), home.etag());
  EXPECT_TRUE(GetHome(home.id(), "2421").ok());  // now shared
  // The same (stale) etag again: ABORTED; another organisation: PERMISSION_DENIED.
  auto stale = Call(&Stub::UpdateHomeProfile, update, recruiter);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(GetReason(stale.status()), "ETAG_MISMATCH");
  *update.mutable_home() = updated->home();
  EXPECT_EQ(Call(&Stub::UpdateHomeProfile, update, keys_.Mint(Recruiter("2421"))).status().code(),
            absl::StatusCode::kPermissionDenied);

  v1::SetHomeAvailabilityRequest pause;
  pause.set_id(home.id());
  pause.set_etag(updated->home().etag());
  pause.set_availability(v1::AVAILABILITY_PAUSED);
  EXPECT_EQ(Call(&Stub::SetHomeAvailability, pause, recruiter).status().code(),
            absl::StatusCode::kInvalidArgument);  // no date
  pause.mutable_paused_until()->set_year(2030);
  pause.mutable_paused_until()->set_month(1);
  pause.mutable_paused_until()->set_day(15);
  auto paused = Call(&Stub::SetHomeAvailability, pause, recruiter);
  ASSERT_TRUE(paused.ok()) << paused.status();
  EXPECT_EQ(paused->home().availability(), v1::AVAILABILITY_PAUSED);
  // Paused through the start day: not a candidate; a start after the pause: a candidate.
  auto found = Find(Needs(8), "2418");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->candidates_size(), 0);
  v1::ChildNeeds later = Needs(8);
  later.mutable_start_date()->set_day(16);
  found = Find(later, "2418");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->candidates_size(), 1);
}

TEST_F(RegistryE2E, OccupancyFollowsPlacementEventsOnce) {
  v1::Home h = NewHome("2418", "2418");
  h.set_max_children(1);
  const v1::Home home = Register(h);
  fhv::placement::v1::PlacementStartedEvent started;
  started.set_placement_id("placement-1");
  started.set_home_id(home.id());
  started.mutable_start_date()->set_year(2026);
  started.mutable_start_date()->set_month(11);
  started.mutable_start_date()->set_day(2);
  const std::string event_id = NewUuid();
  ASSERT_TRUE(Deliver(started, event_id, "placement-1").ok());
  ASSERT_TRUE(Deliver(started, event_id, "placement-1").ok());  // a repeated delivery
  auto full = GetHome(home.id(), "2418");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->placed_children(), 1);
  EXPECT_EQ(full->availability(), v1::AVAILABILITY_FULL);
  auto found = Find(Needs(8), "2418");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->candidates_size(), 0);
  // The same placement reported again under another event id is still one child.
  ASSERT_TRUE(Deliver(started, NewUuid(), "placement-1").ok());
  EXPECT_EQ(GetHome(home.id(), "2418")->placed_children(), 1);

  fhv::placement::v1::PlacementEndedEvent ended;
  ended.set_placement_id("placement-1");
  ended.set_home_id(home.id());
  *ended.mutable_start_date() = started.start_date();
  ended.mutable_end_date()->set_year(2026);
  ended.mutable_end_date()->set_month(11);
  ended.mutable_end_date()->set_day(20);
  ASSERT_TRUE(Deliver(ended, NewUuid(), "placement-1").ok());
  auto free = GetHome(home.id(), "2418");
  EXPECT_EQ(free->placed_children(), 0);
  EXPECT_EQ(free->availability(), v1::AVAILABILITY_AVAILABLE);
  // An event for a home the registry does not know is not acknowledged (it is retried).
  started.set_home_id(NewUuid());
  started.set_placement_id("placement-2");
  EXPECT_FALSE(Deliver(started, NewUuid(), "placement-2").ok());
  // Only the suite's services deliver events.
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  fhv::common::v1::DeliverEventRequest req;
  fhv::common::v1::DeliverEventResponse resp;
  EXPECT_EQ(fhv::common::v1::EventSinkService::NewStub(channel)
                ->DeliverEvent(Ctx(admin_).get(), req, &resp)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RegistryE2E, FindCandidateHomesRanksExplainsAndPages) {
  // Near with Arabic and trauma experience; near; far (Torsås, shared? no: 0834 is
  // outside); an agency home; a jourhem only; a home for teenagers.
  v1::Home best = NewHome("2418", "2418");
  best.mutable_location()->set_latitude(65.18);
  best.mutable_location()->set_longitude(18.74);
  best.add_languages("ar");
  best.add_experience_tags("trauma");
  best.add_trainings()->set_name("Ett hem att växa i");
  best.mutable_trainings(0)->mutable_completed_on()->set_year(2024);
  best.mutable_trainings(0)->mutable_completed_on()->set_month(3);
  best.mutable_trainings(0)->mutable_completed_on()->set_day(1);
  v1::Home near = NewHome("2421", "2421");
  near.add_shared_with_regions("familjehemsgruppen");
  near.mutable_location()->set_latitude(65.10);
  near.mutable_location()->set_longitude(17.12);
  v1::Home plain = NewHome("2418", "2418");
  v1::Home jour = NewHome("2418", "2418");
  jour.clear_approved_kinds();
  jour.add_approved_kinds(kJourhem);
  v1::Home teens = NewHome("2418", "2418");
  teens.set_min_age(13);
  const std::string best_id = Register(best).id();
  const std::string near_id = Register(near).id();
  const std::string plain_id = Register(plain).id();
  Register(jour);
  Register(teens);
  Register(NewHome("0834", "0834"));
  Register(NewHome(kAgency, "2418"));

  v1::ChildNeeds needs = Needs(8);
  needs.add_languages("ar");
  needs.add_needs_tags("trauma");
  auto found = Find(needs, "2418");
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<std::string> ids;
  for (const auto& c : found->candidates()) ids.push_back(c.home().id());
  EXPECT_THAT(ids, ElementsAre(best_id, near_id, plain_id));
  const auto& top = found->candidates(0);
  std::map<std::string, int> points;
  for (const auto& k : top.criteria()) {
    if (k.hard()) EXPECT_TRUE(k.met()) << k.name();
    points[k.name()] = k.points();
  }
  EXPECT_EQ(points["distance"], 30);
  EXPECT_EQ(points["language"], 20);
  EXPECT_EQ(points["experience"], 10);
  EXPECT_EQ(points["training"], 10);
  EXPECT_EQ(top.score(), 70);
  EXPECT_EQ(top.criteria(7).detail(), "0 km from Malå kommun");
  EXPECT_GT(found->candidates(1).score(), found->candidates(2).score());

  // Pages of one give the same order, each home once; the same question gives the same
  // answer.
  std::vector<std::string> paged;
  std::string token;
  do {
    auto page = Find(needs, "2418", 1, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->candidates()) paged.push_back(c.home().id());
    token = page->next_page_token();
  } while (!token.empty() && paged.size() < 10);
  EXPECT_EQ(paged, ids);
  auto again = Find(needs, "2418");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*again, *found));
  // A token is bound to its question.
  auto first = Find(needs, "2418", 1);
  EXPECT_EQ(Find(Needs(9), "2418", 1, first->next_page_token()).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The suite's own services see every home (here also Torsås's and the agency's).
  v1::FindCandidateHomesRequest as_service;
  *as_service.mutable_needs() = needs;
  auto all = Call(&Stub::FindCandidateHomes, as_service, keys_.Mint(Service()));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->candidates_size(), 5);
  // Malå's homes are not shared here: Storuman sees only its own.
  auto storuman = Find(needs, "2421");
  ASSERT_TRUE(storuman.ok());
  ASSERT_EQ(storuman->candidates_size(), 1);
  EXPECT_EQ(storuman->candidates(0).home().id(), near_id);
  // Every candidate returned was audited as a read of the home.
  EXPECT_GE(Count("SELECT count(*) FROM recruitment.audit_log WHERE resource_type = 'home' "
                  "AND action = 'recruitment.FindCandidateHomes'"),
            3 + 3 + 3 + 1);
}

TEST_F(RegistryE2E, InvestigationEventsMoveTheApplicantAndTheRegistry) {
  namespace inv = ::fhv::investigation::v1;
  auto approved_applicant =
      Submit(SampleInterest(MakePersonnummer("19800101", 60)), NewUuid(), token_);
  auto rejected_applicant =
      Submit(SampleInterest(MakePersonnummer("19800101", 61)), NewUuid(), token_);
  ASSERT_TRUE(approved_applicant.ok() && rejected_applicant.ok());
  const std::string a = approved_applicant->interest().applicant_id();
  const std::string r = rejected_applicant->interest().applicant_id();
  auto state = [&](const std::string& id) {
    v1::GetApplicantRequest req;
    req.set_id(id);
    auto got = Call(&Stub::GetApplicant, req, token_);
    return got.ok() ? got->applicant().state() : v1::APPLICANT_STATE_UNSPECIFIED;
  };

  inv::InvestigationOpenedEvent opened;
  opened.set_kind(inv::INVESTIGATION_KIND_INITIAL);
  opened.set_applicant_id(a);
  ASSERT_TRUE(Deliver(opened, NewUuid(), "applicant", a).ok());
  EXPECT_EQ(state(a), v1::APPLICANT_STATE_IN_INVESTIGATION);

  inv::HomeApprovedEvent approved;
  const std::string home_id = NewUuid();
  approved.set_home_id(home_id);
  approved.set_applicant_id(a);
  approved.mutable_approving_organisation()->set_id("2418");
  approved.mutable_approving_organisation()->set_kind(
      fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
  auto* scope = approved.mutable_scope();
  scope->add_assignment_kinds(kFamiljehem);
  scope->set_max_children(1);
  scope->set_min_age_years(0);
  scope->set_max_age_years(12);
  scope->set_support_tier(inv::HOME_SUPPORT_TIER_MUNICIPAL);
  approved.mutable_decision_date()->set_year(2026);
  approved.mutable_decision_date()->set_month(11);
  approved.mutable_decision_date()->set_day(20);
  auto* profile = approved.mutable_profile();
  profile->set_display_name("Familjen Berg, Malå");
  profile->set_location_municipality_id("2418");
  profile->add_languages("sv");
  profile->add_shared_with_region_ids("familjehemsgruppen");
  profile->add_adults()->mutable_name()->set_given_name("Eva");
  profile->mutable_adults(0)->mutable_name()->set_family_name("Berg");
  auto* training = profile->add_completed_trainings();
  training->set_program(inv::TRAINING_PROGRAM_PRIDE);
  training->mutable_completed_date()->set_year(2026);
  training->mutable_completed_date()->set_month(5);
  training->mutable_completed_date()->set_day(4);
  ASSERT_TRUE(Deliver(approved, NewUuid(), "applicant", a).ok());
  ASSERT_TRUE(Deliver(approved, NewUuid(), "applicant", a).ok());  // late duplicate, new id
  EXPECT_EQ(state(a), v1::APPLICANT_STATE_APPROVED);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.home"), 1);
  auto home = GetHome(home_id, "2421");  // shared with the region
  ASSERT_TRUE(home.ok()) << home.status();
  EXPECT_EQ(home->display_name(), "Familjen Berg, Malå");
  EXPECT_EQ(home->trainings(0).name(), "PRIDE");
  EXPECT_EQ(home->approved_on().day(), 20);
  auto found = Find(Needs(8), "2421");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->candidates_size(), 1);
  EXPECT_EQ(found->candidates(0).home().id(), home_id);

  // A follow-up narrows the ages; a revocation takes the home out of matching.
  inv::HomeApprovalUpdatedEvent updated;
  updated.set_home_id(home_id);
  updated.set_applicant_id(a);
  *updated.mutable_approving_organisation() = approved.approving_organisation();
  *updated.mutable_scope() = approved.scope();
  updated.mutable_scope()->set_max_age_years(6);
  *updated.mutable_profile() = approved.profile();
  *updated.mutable_decision_date() = approved.decision_date();
  // The owner protects the address in the registry; the follow-up does not lower it.
  auto before = GetHome(home_id, "2418");
  ASSERT_TRUE(before.ok());
  v1::UpdateHomeProfileRequest protect;
  *protect.mutable_home() = *before;
  protect.mutable_home()->set_protected_address(true);
  ASSERT_TRUE(Call(&Stub::UpdateHomeProfile, protect, keys_.Mint(Recruiter("2418"))).ok());
  ASSERT_TRUE(Deliver(updated, NewUuid(), "applicant", a).ok());
  EXPECT_EQ(GetHome(home_id, "2418")->max_age(), 6);
  EXPECT_TRUE(GetHome(home_id, "2418")->protected_address());
  EXPECT_EQ(Find(Needs(8), "2418")->candidates_size(), 0);
  EXPECT_EQ(Find(Needs(5), "2418")->candidates_size(), 1);
  inv::HomeApprovalRevokedEvent revoked;
  revoked.set_home_id(home_id);
  revoked.set_applicant_id(a);
  ASSERT_TRUE(Deliver(revoked, NewUuid(), "applicant", a).ok());
  EXPECT_EQ(Find(Needs(5), "2418")->candidates_size(), 0);
  auto revoked_home = GetHome(home_id, "2418");  // still on record, marked
  ASSERT_TRUE(revoked_home.ok());
  EXPECT_TRUE(revoked_home->revoked());
  v1::ListHomesRequest available;
  available.set_availability(v1::AVAILABILITY_AVAILABLE);
  EXPECT_EQ(Call(&Stub::ListHomes, available, keys_.Mint(CaseWorker("2418")))->homes_size(), 0);

  inv::HomeRejectedEvent rejected;
  rejected.set_applicant_id(r);
  ASSERT_TRUE(Deliver(rejected, NewUuid(), "applicant", r).ok());
  EXPECT_EQ(state(r), v1::APPLICANT_STATE_REJECTED);
  // A late "opened" after the decision changes nothing.
  opened.set_applicant_id(r);
  ASSERT_TRUE(Deliver(opened, NewUuid(), "applicant", r).ok());
  EXPECT_EQ(state(r), v1::APPLICANT_STATE_REJECTED);
}

TEST_F(RegistryE2E, FindCandidateHomesRefusesBadNeeds) {
  v1::ChildNeeds needs = Needs(8);
  needs.set_oldest_age(5);
  auto r = Find(needs, "2418");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(r.status())[0].field, "needs.oldest_age");
  needs = Needs(8);
  needs.set_home_municipality("2480");  // valid form, not known here
  r = Find(needs, "2418");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(r.status())[0].field, "needs.home_municipality");
  v1::FindCandidateHomesRequest req;
  *req.mutable_needs() = Needs(8);
  EXPECT_EQ(Call(&Stub::FindCandidateHomes, req, keys_.Mint(Recruiter("2418"))).status().code(),
            absl::StatusCode::kOk);
  auth::Principal investigator = Recruiter("2418");
  investigator.roles = {"investigator"};
  EXPECT_EQ(Call(&Stub::FindCandidateHomes, req, keys_.Mint(investigator)).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RegistryE2E, HomeGaugesCountByOwnerKindAndAvailability) {
  Register(NewHome("2418", "2418"));
  Register(NewHome("2418", "2418"));
  double value = -1;
  for (int i = 0; i < 50 && value != 2; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    value = MetricValue(HttpGet(server_->metrics_port(), "/metrics"), "fhv_recruitment_homes",
                        {{"owner", "2418"},
                         {"kind", "ASSIGNMENT_KIND_FAMILJEHEM"},
                         {"availability", "AVAILABILITY_AVAILABLE"}});
  }
  EXPECT_EQ(value, 2);
}

}  // namespace
}  // namespace fhv::testing
