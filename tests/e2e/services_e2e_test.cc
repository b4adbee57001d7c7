// Each service binary migrates its own schema and serves health and reflection, and refuses
// every method without a token.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fhv/investigation/v1/investigation_service.grpc.pb.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "fhv/placement/v1/placement_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

class ServicesE2E : public ::testing::TestWithParam<std::string> {};

TEST_P(ServicesE2E, MigratesServesHealthAndChecksEveryCaller) {
  const std::string service = GetParam();
  TestDatabase db({service});
  TestKeys keys;
  const std::string binary = "fhv-" + service;
  auto migrated = RunBinary(binary, {"--migrate", "--database_dsn=" + db.Dsn(service)});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
  // Migrating again is harmless.
  migrated = RunBinary(binary, {"--migrate", "--database_dsn=" + db.Dsn(service)});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;

  ServiceProcess server(
      binary, {"--database_dsn=" + db.Dsn(service), "--jwt_public_keys=" + keys.public_pem_path(),
               "--jwt_issuer=fhv-test"});
  ASSERT_TRUE(server.running()) << server.Log();
  EXPECT_EQ(HealthCheck(server.address()), "SERVING");

  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  const std::string token = keys.Mint(Recruiter());
  grpc::Status st;
  if (service == "investigation") {
    fhv::investigation::v1::GetInvestigationResponse resp;
    st = fhv::investigation::v1::InvestigationService::NewStub(channel)->GetInvestigation(
        Ctx(token).get(), {}, &resp);
  } else if (service == "placement") {
    fhv::placement::v1::GetPlacementResponse resp;
    st = fhv::placement::v1::PlacementService::NewStub(channel)->GetPlacement(Ctx(token).get(), {},
                                                                              &resp);
  } else {
    fhv::payments::v1::ListContactFamilyStaysResponse resp;
    st = fhv::payments::v1::PaymentsService::NewStub(channel)->ListContactFamilyStays(
        Ctx(token).get(), {}, &resp);
  }
  // A recruiter has no business there, and no method runs without a token.
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const auto codes = CallEveryMethodWithoutToken(
      server.address(),
      service == "investigation" ? fhv::investigation::v1::InvestigationService::service_full_name()
      : service == "placement"   ? fhv::placement::v1::PlacementService::service_full_name()
                                 : fhv::payments::v1::PaymentsService::service_full_name());
  ASSERT_FALSE(codes.empty());
  for (const auto& [method, code] : codes) {
    EXPECT_EQ(code, grpc::StatusCode::UNAUTHENTICATED) << method;
  }
  EXPECT_EQ(server.Stop(), 0);
}

TEST(ServicesE2E, RefusesToServeASchemaThatIsNotMigrated) {
  TestDatabase db({"placement"});
  TestKeys keys;
  auto run =
      RunBinary("fhv-placement", {"--database_dsn=" + db.Dsn("placement"),
                                  "--jwt_public_keys=" + keys.public_pem_path(),
                                  "--grpc_address=127.0.0.1:0", "--metrics_address=127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, ::testing::HasSubstr("--migrate"));
}

TEST(ServicesE2E, MissingSettingsStopStartUpWithAClearMessage) {
  auto run = RunBinary("fhv-payments", {"--database_dsn="});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, ::testing::HasSubstr("--database_dsn (or FHV_DATABASE_DSN) is required"));
  EXPECT_THAT(run.output, ::testing::HasSubstr("--jwt_public_keys is required"));
}

INSTANTIATE_TEST_SUITE_P(All, ServicesE2E,
                         ::testing::Values("investigation", "placement", "payments"));

}  // namespace
}  // namespace fhv::testing
