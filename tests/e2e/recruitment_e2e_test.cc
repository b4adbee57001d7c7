// The recruitment binary over gRPC: authentication, the interest slice, idempotency,
// visibility, audit, metrics and health.

#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/status.h"
#include "tests/e2e/recruitment_fixture.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace v1 = ::fhv::recruitment::v1;
using ::testing::HasSubstr;

class RecruitmentE2E : public RecruitmentFixture {};

std::string B64(const std::string& s) { return absl::WebSafeBase64Escape(s); }

TEST_F(RecruitmentE2E, RefusesMissingExpiredForeignAndUnsignedTokens) {
  const std::string id = "00000000-0000-4000-8000-000000000000";
  // Missing.
  EXPECT_EQ(Get(id, "").code(), absl::StatusCode::kUnauthenticated);
  // Expired: minted two hours ago for one hour.
  auto expired = keys_.signer().Mint(Recruiter(), absl::Now() - absl::Hours(2), absl::Hours(1));
  ASSERT_TRUE(expired.ok());
  absl::Status st = Get(id, *expired);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(st.message()), HasSubstr("expired"));
  // Signed with another key under the same kid.
  TestKeys other;
  EXPECT_EQ(Get(id, other.Mint(Recruiter())).code(), absl::StatusCode::kUnauthenticated);
  // alg: none, with the claims of a valid token and no signature.
  const std::string valid = token_;
  const std::string payload =
      valid.substr(valid.find('.') + 1, valid.rfind('.') - valid.find('.') - 1);
  const std::string none = B64(R"({"alg":"none","typ":"JWT","kid":"test"})") + "." + payload + ".";
  EXPECT_EQ(Get(id, none).code(), absl::StatusCode::kUnauthenticated);
  // Garbage.
  EXPECT_EQ(Get(id, "not-a-token").code(), absl::StatusCode::kUnauthenticated);
  // The valid token gets past authentication: the interest is simply not there.
  EXPECT_EQ(Get(id, token_).code(), absl::StatusCode::kPermissionDenied);
}

// Every method of the service, called without a token, is refused before any work:
// implemented ones with UNAUTHENTICATED, the rest (later issues) with UNIMPLEMENTED.
TEST_F(RecruitmentE2E, EveryMethodRequiresAToken) {
  const auto codes =
      CallEveryMethodWithoutToken(server_->address(), v1::RecruitmentService::service_full_name());
  ASSERT_FALSE(codes.empty());
  for (const auto& [method, code] : codes) {
    EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << method;
  }
}

TEST_F(RecruitmentE2E, RoleWithoutRightIsDenied) {
  auth::Principal p = Recruiter();
  p.roles = {"finance_officer"};
  auto r = Submit(SampleInterest(MakePersonnummer("19850412", 333)), "req-denied", keys_.Mint(p));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 0);
}

TEST_F(RecruitmentE2E, SubmitGetAndListInterest) {
  auto submitted = Submit(SampleInterest("850412-3335"), "req-1", token_);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  const v1::Interest& interest = submitted->interest();
  EXPECT_FALSE(interest.id().empty());
  EXPECT_FALSE(interest.applicant_id().empty());
  EXPECT_FALSE(submitted->existing_applicant());
  EXPECT_EQ(interest.receiving_organisation().id(), "2418");
  EXPECT_EQ(interest.adults(0).personnummer(), "198504123335");  // normalised to 12 digits

  v1::GetInterestResponse got;
  ASSERT_TRUE(Get(interest.id(), token_, &got).ok());
  EXPECT_EQ(got.interest().id(), interest.id());
  EXPECT_EQ(got.interest().adults(0).name().family_name(), "Lind");

  v1::ListInterestsRequest list;
  v1::ListInterestsResponse page;
  ASSERT_TRUE(stub_->ListInterests(Ctx(token_).get(), list, &page).ok());
  ASSERT_EQ(page.interests_size(), 1);
  EXPECT_EQ(page.interests(0).id(), interest.id());
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(RecruitmentE2E, RetryWithSameRequestIdHasOneEffect) {
  const v1::Interest interest = SampleInterest(MakePersonnummer("19790101", 123));
  auto first = Submit(interest, "req-retry", token_);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Submit(interest, "req-retry", token_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->interest().id(), second->interest().id());
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 1);
  // The same id for another request is refused.
  v1::Interest changed = interest;
  changed.set_note("something else");
  // A caller of the same organisation without the right cannot replay it either.
  auth::Principal clerk = Recruiter("2418");
  clerk.roles = {"finance_officer"};
  EXPECT_EQ(Submit(interest, "req-retry", keys_.Mint(clerk)).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto reused = Submit(changed, "req-retry", token_);
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(GetReason(reused.status()), "REQUEST_ID_REUSED");
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 1);
}

TEST_F(RecruitmentE2E, SameAdultJoinsTheOpenApplicant) {
  const std::string pnr = MakePersonnummer("19900315", 42);
  auto first = Submit(SampleInterest(pnr), "req-a", token_);
  ASSERT_TRUE(first.ok()) << first.status();
  v1::Interest again = SampleInterest(pnr);
  again.set_source(v1::INTEREST_SOURCE_PHONE);
  auto second = Submit(again, "req-b", token_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->existing_applicant());
  EXPECT_EQ(second->interest().applicant_id(), first->interest().applicant_id());
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.applicant"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 2);
}

TEST_F(RecruitmentE2E, BadInputNamesEveryFieldAndWritesNothing) {
  v1::Interest bad = SampleInterest("850412-3336");  // wrong check digit
  bad.clear_wanted_assignments();
  bad.mutable_home()->set_housing_type(v1::HOUSING_TYPE_UNSPECIFIED);
  bad.add_wanted_municipalities("0299");
  auto r = Submit(bad, "req-bad", token_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(r.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre(
                          "interest.adults[0].personnummer", "interest.wanted_assignments",
                          "interest.home.housing_type", "interest.wanted_municipalities[1]"));
  // The message never echoes the personnummer.
  EXPECT_THAT(std::string(r.status().message()), ::testing::Not(HasSubstr("3336")));
  EXPECT_EQ(GetReason(r.status()), "INVALID_ARGUMENT");
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.applicant"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.audit_log WHERE action = "
                  "'recruitment.SubmitInterest'"),
            0);
  // Missing request_id.
  auto no_id = Submit(SampleInterest(MakePersonnummer("19850412", 1)), "", token_);
  ASSERT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(no_id.status())[0].field, "request_id");
}

TEST_F(RecruitmentE2E, AnotherOrganisationSeesNothing) {
  auto mine = Submit(SampleInterest(MakePersonnummer("19850412", 7)), "req-mine", token_);
  ASSERT_TRUE(mine.ok());
  const std::string other = keys_.Mint(Recruiter("0834"));
  // The same answer as for an id that does not exist.
  EXPECT_EQ(Get(mine->interest().id(), other).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Get("00000000-0000-4000-8000-000000000000", token_).code(),
            absl::StatusCode::kPermissionDenied);
  v1::ListInterestsResponse page;
  ASSERT_TRUE(stub_->ListInterests(Ctx(other).get(), {}, &page).ok());
  EXPECT_EQ(page.interests_size(), 0);
}

TEST_F(RecruitmentE2E, ListPagesThroughEveryInterestOnce) {
  std::set<std::string> submitted;
  for (int i = 0; i < 7; ++i) {
    auto r =
        Submit(SampleInterest(MakePersonnummer("19800101", 100 + i)), absl::StrCat("p", i), token_);
    ASSERT_TRUE(r.ok()) << r.status();
    submitted.insert(r->interest().id());
  }
  std::set<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListInterestsRequest req;
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListInterestsResponse resp;
    ASSERT_TRUE(stub_->ListInterests(Ctx(token_).get(), req, &resp).ok());
    for (const auto& i : resp.interests()) EXPECT_TRUE(seen.insert(i.id()).second);
    token = resp.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, submitted);

  v1::ListInterestsRequest bad;
  bad.set_page_size(-1);
  v1::ListInterestsResponse resp;
  EXPECT_EQ(stub_->ListInterests(Ctx(token_).get(), bad, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_page_size(1);
  bad.set_page_token("garbage!");
  EXPECT_EQ(stub_->ListInterests(Ctx(token_).get(), bad, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RecruitmentE2E, ReadsAreAuditedAndTheChainFindsAnAlteredRow) {
  auto r = Submit(SampleInterest(MakePersonnummer("19850412", 9)), "req-audit", token_);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(Get(r->interest().id(), token_).ok());
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM recruitment.audit_log WHERE action = "
                               "'recruitment.GetInterest' AND resource_id = '",
                               r->interest().id(), "' AND actor_org = '2418'")),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.audit_log WHERE action = "
                  "'recruitment.SubmitInterest'"),
            2);  // the interest and its applicant
  auto verified =
      RunBinary("fhv-recruitment", {"--verify_audit", "--database_dsn=" + db_.Dsn("recruitment")});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("\"ok\":true"));

  // The service's own role cannot change the audit log.
  auto as_service = db::Connection::Open(db_.Dsn("recruitment"), nullptr);
  ASSERT_TRUE(as_service.ok());
  EXPECT_FALSE((*as_service)->ExecScript("UPDATE recruitment.audit_log SET actor_user = 'x'").ok());

  // A superuser who bypasses the trigger alters a row: the chain shows it.
  auto admin = db_.Admin();
  ASSERT_TRUE(admin
                  ->ExecScript("SET session_replication_role = replica; "
                               "UPDATE recruitment.audit_log SET actor_user = 'someone-else' "
                               "WHERE action = 'recruitment.GetInterest'")
                  .ok());
  verified =
      RunBinary("fhv-recruitment", {"--verify_audit", "--database_dsn=" + db_.Dsn("recruitment")});
  EXPECT_EQ(verified.exit_code, 2) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("altered"));
}

TEST_F(RecruitmentE2E, MetricsCountEachRpcByCode) {
  ASSERT_TRUE(Submit(SampleInterest(MakePersonnummer("19850412", 11)), "m1", token_).ok());
  ASSERT_TRUE(Submit(SampleInterest(MakePersonnummer("19850412", 12)), "m2", token_).ok());
  EXPECT_FALSE(Submit(SampleInterest("bad"), "m3", token_).ok());
  EXPECT_EQ(Get("00000000-0000-4000-8000-000000000000", "").code(),
            absl::StatusCode::kUnauthenticated);
  const std::string page = HttpGet(server_->metrics_port(), "/metrics");
  const std::string svc = "fhv.recruitment.v1.RecruitmentService";
  EXPECT_EQ(
      MetricValue(page, "grpc_server_handled_total",
                  {{"grpc_service", svc}, {"grpc_method", "SubmitInterest"}, {"grpc_code", "OK"}}),
      2);
  EXPECT_EQ(MetricValue(page, "grpc_server_handled_total",
                        {{"grpc_service", svc},
                         {"grpc_method", "SubmitInterest"},
                         {"grpc_code", "INVALID_ARGUMENT"}}),
            1);
  EXPECT_EQ(MetricValue(page, "grpc_server_handled_total",
                        {{"grpc_service", svc},
                         {"grpc_method", "GetInterest"},
                         {"grpc_code", "UNAUTHENTICATED"}}),
            1);
  EXPECT_EQ(MetricValue(page, "grpc_server_started_total",
                        {{"grpc_service", svc}, {"grpc_method", "SubmitInterest"}}),
            3);
  EXPECT_EQ(MetricValue(page, "grpc_server_handling_seconds_count",
                        {{"grpc_service", svc}, {"grpc_method", "SubmitInterest"}}),
            3);
  EXPECT_GT(
      MetricValue(page, "fhv_db_query_duration_seconds_count", {{"statement", "insert_interest"}}),
      0);
  // A method name the server does not know never becomes a label.
  {
    grpc::GenericStub generic(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;
    std::promise<grpc::Status> done;
    generic.UnaryCall(&ctx, "/client.Chosen/Name19850412", grpc::StubOptions(), &request, &response,
                      [&](grpc::Status st) { done.set_value(st); });
    EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  const std::string after = HttpGet(server_->metrics_port(), "/metrics");
  EXPECT_THAT(after, ::testing::Not(HasSubstr("client.Chosen")));
  // No personal data in any label.
  EXPECT_THAT(page, ::testing::Not(HasSubstr("19850412")));
  EXPECT_THAT(page, ::testing::Not(HasSubstr("Lind")));
}

TEST_F(RecruitmentE2E, HealthFollowsTheDatabase) {
  EXPECT_EQ(HealthCheck(server_->address()), "SERVING");
  // Take the database away from the service: its role may no longer log in, and its
  // sessions are ended.
  auto admin = db_.Admin();
  ASSERT_TRUE(admin->ExecScript("ALTER ROLE " + db_.Role("recruitment") + " NOLOGIN").ok());
  ASSERT_TRUE(admin
                  ->ExecScript(absl::StrCat(
                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '",
                      db_.name(), "' AND usename = '", db_.Role("recruitment"), "'"))
                  .ok());
  std::string status;
  for (int i = 0; i < 100 && status != "NOT_SERVING"; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = HealthCheck(server_->address());
  }
  EXPECT_EQ(status, "NOT_SERVING");
  // Calls fail with UNAVAILABLE, not a hang.
  EXPECT_EQ(Get("00000000-0000-4000-8000-000000000001", token_).code(),
            absl::StatusCode::kUnavailable);
  ASSERT_TRUE(admin->ExecScript("ALTER ROLE " + db_.Role("recruitment") + " LOGIN").ok());
  for (int i = 0; i < 100 && status != "SERVING"; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = HealthCheck(server_->address());
  }
  EXPECT_EQ(status, "SERVING");
  // And the service serves again by itself.
  ASSERT_TRUE(Submit(SampleInterest(MakePersonnummer("19850412", 21)), "after", token_).ok());
}

TEST_F(RecruitmentE2E, OrganisationsAndRegions) {
  const std::string admin = keys_.Mint(SuiteAdmin());
  v1::GetOrganisationRequest get;
  get.set_id("2418");
  v1::GetOrganisationResponse got;
  ASSERT_TRUE(stub_->GetOrganisation(Ctx(token_).get(), get, &got).ok());
  EXPECT_EQ(got.organisation().name(), "Malå kommun");
  EXPECT_THAT(got.organisation().region_ids(), ::testing::ElementsAre("familjehemsgruppen"));

  v1::UpsertOrganisationRequest agency;
  agency.mutable_organisation()->mutable_ref()->set_id("556036-0793");
  agency.mutable_organisation()->mutable_ref()->set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  agency.mutable_organisation()->set_name("Exempelbolaget Familjehem AB");
  v1::UpsertOrganisationResponse upserted;
  ASSERT_TRUE(stub_->UpsertOrganisation(Ctx(admin).get(), agency, &upserted).ok());
  EXPECT_EQ(upserted.organisation().ref().id(), "5560360793");  // normalised

  // Three organisations, two a page.
  std::vector<std::string> ids;
  std::string page_token;
  do {
    v1::ListOrganisationsRequest list;
    list.set_page_size(2);
    list.set_page_token(page_token);
    v1::ListOrganisationsResponse page;
    ASSERT_TRUE(stub_->ListOrganisations(Ctx(token_).get(), list, &page).ok());
    for (const auto& o : page.organisations()) ids.push_back(o.ref().id());
    page_token = page.next_page_token();
  } while (!page_token.empty() && ids.size() < 10);
  EXPECT_THAT(ids, ::testing::ElementsAre("0834", "2418", "5560360793"));
  v1::ListOrganisationsRequest agencies;
  agencies.set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  v1::ListOrganisationsResponse only;
  ASSERT_TRUE(stub_->ListOrganisations(Ctx(token_).get(), agencies, &only).ok());
  ASSERT_EQ(only.organisations_size(), 1);

  v1::ListRegionsResponse regions;
  ASSERT_TRUE(stub_->ListRegions(Ctx(token_).get(), {}, &regions).ok());
  ASSERT_EQ(regions.regions_size(), 1);
  EXPECT_THAT(regions.regions(0).municipalities(), ::testing::ElementsAre("2418"));
}

TEST_F(RecruitmentE2E, OrganisationAndRegionBadInputAndAccess) {
  const std::string admin = keys_.Mint(SuiteAdmin());
  v1::UpsertOrganisationRequest bad;
  bad.mutable_organisation()->mutable_ref()->set_id("0234");
  bad.mutable_organisation()->mutable_ref()->set_kind(
      fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
  bad.mutable_organisation()->set_name("Nowhere");
  v1::UpsertOrganisationResponse resp;
  absl::Status st = FromGrpcStatus(stub_->UpsertOrganisation(Ctx(admin).get(), bad, &resp));
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(st)[0].field, "organisation.ref.id");
  // Only the suite's admins change organisations and regions: not a recruiter, and not a
  // municipality's admin (who could otherwise join a region and see its homes).
  bad.mutable_organisation()->mutable_ref()->set_id("2081");
  EXPECT_EQ(stub_->UpsertOrganisation(Ctx(token_).get(), bad, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      stub_->UpsertOrganisation(Ctx(keys_.Mint(Admin("0834"))).get(), bad, &resp).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  // A region of an unknown municipality is refused, and nothing is written.
  v1::UpsertRegionRequest region;
  region.mutable_region()->set_id("dalarna");
  region.mutable_region()->set_name("Dalarna");
  region.mutable_region()->add_municipalities("0834");
  region.mutable_region()->add_municipalities("2081");
  v1::UpsertRegionResponse region_resp;
  st = FromGrpcStatus(stub_->UpsertRegion(Ctx(admin).get(), region, &region_resp));
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(GetViolations(st).size(), 1u);
  EXPECT_EQ(GetViolations(st)[0].field, "region.municipalities[1]");
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.region"), 1);
  // An interest for places that are not known.
  v1::Interest interest = SampleInterest(MakePersonnummer("19850412", 41));
  interest.add_wanted_municipalities("2081");
  interest.add_wanted_regions("nope");
  auto r = Submit(interest, "unknown-places", token_);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(r.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("interest.wanted_municipalities[1]",
                                                      "interest.wanted_regions[0]"));
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 0);
}

TEST_F(RecruitmentE2E, ReflectionListsTheServices) {
  const std::string listed = ReflectionListServices(server_->address());
  EXPECT_THAT(listed, HasSubstr("fhv.recruitment.v1.RecruitmentService"));
  EXPECT_THAT(listed, HasSubstr("grpc.health.v1.Health"));
}

TEST_F(RecruitmentE2E, SigtermRefusesNewCallsAndDrainsInFlightOnes) {
  auto submitted = Submit(SampleInterest(MakePersonnummer("19850412", 31)), "drain", token_);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  // Hold the table so that a read stays in flight.
  auto admin = db_.Admin();
  ASSERT_TRUE(
      admin->ExecScript("BEGIN; LOCK TABLE recruitment.interest IN ACCESS EXCLUSIVE MODE").ok());
  std::promise<absl::Status> in_flight;
  std::thread reader([&] { in_flight.set_value(Get(submitted->interest().id(), token_)); });
  absl::SleepFor(absl::Milliseconds(500));
  server_->Terminate();
  absl::SleepFor(absl::Milliseconds(500));
  // New calls are no longer taken.
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  v1::GetInterestResponse resp;
  v1::GetInterestRequest req;
  req.set_id(submitted->interest().id());
  auto ctx = Ctx(token_);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  EXPECT_NE(
      v1::RecruitmentService::NewStub(channel)->GetInterest(ctx.get(), req, &resp).error_code(),
      grpc::StatusCode::OK);
  // The one in flight finishes once the database lets it, and the process exits cleanly.
  ASSERT_TRUE(admin->ExecScript("COMMIT").ok());
  reader.join();
  EXPECT_TRUE(in_flight.get_future().get().ok());
  EXPECT_EQ(server_->Wait(), 0) << server_->Log();
  EXPECT_THAT(server_->Log(), HasSubstr("stopped"));
}

}  // namespace
}  // namespace fhv::testing
