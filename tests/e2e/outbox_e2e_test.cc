// Events between real binaries: recruitment publishes ApplicantRegisteredEvent through
// its outbox; fhv-test-consumer applies it through the common EventSink.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/status.h"
#include "fhv/common/v1/events.grpc.pb.h"
#include "fhv/recruitment/v1/events.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace v1 = ::fhv::recruitment::v1;

class OutboxE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [binary, schema] : std::vector<std::pair<std::string, std::string>>{
             {"fhv-recruitment", "recruitment"}, {"fhv-test-consumer", "test_consumer"}}) {
      auto r = RunBinary(binary, {"--migrate", "--database_dsn=" + db_.Dsn(schema)});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    consumer_port_ = FreePort();
  }

  std::unique_ptr<ServiceProcess> StartRecruitment() {
    return std::make_unique<ServiceProcess>(
        "fhv-recruitment",
        std::vector<std::string>{
            "--database_dsn=" + db_.Dsn("recruitment"),
            "--jwt_public_keys=" + keys_.public_pem_path(), "--jwt_issuer=fhv-test",
            "--service_key=" + keys_.private_pem_path(),
            absl::StrCat("--peers=test_consumer=127.0.0.1:", consumer_port_),
            "--extra_routes=fhv.recruitment.v1.ApplicantRegisteredEvent=test_consumer"});
  }

  std::unique_ptr<ServiceProcess> NewConsumer() {
    auto c = std::unique_ptr<ServiceProcess>(new ServiceProcess(
        "fhv-test-consumer",
        {"--database_dsn=" + db_.Dsn("test_consumer"),
         "--jwt_public_keys=" + keys_.public_pem_path(), "--jwt_issuer=fhv-test"},
        consumer_port_));
    return c;
  }

  std::string Submit(ServiceProcess& recruitment, int serial, bool poison = false) {
    SeedPlaces(recruitment.address(), keys_.Mint(SuiteAdmin()));
    auto stub = RecruitmentStub(recruitment.address());
    v1::SubmitInterestRequest req;
    req.set_request_id(absl::StrCat("outbox-", serial));
    *req.mutable_interest() = SampleInterest(MakePersonnummer("19880808", serial));
    if (poison) {
      req.mutable_interest()->add_wanted_assignments(
          fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT);
    }
    v1::SubmitInterestResponse resp;
    grpc::Status st = stub->SubmitInterest(Ctx(keys_.Mint(Recruiter())).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.interest().applicant_id();
  }

  int64_t Query(const std::string& sql) {
    auto r = db_.Admin()->Exec({"q", sql});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->rows() ? r->Int64(0, 0) : -1;
  }

  // Waits until the consumer has applied the applicant's event; returns its count.
  int64_t WaitForEffect(const std::string& applicant_id) {
    const std::string sql = absl::StrCat(
        "SELECT count(*) FROM test_consumer.effects WHERE applicant_id = '", applicant_id, "'");
    for (int i = 0; i < 200; ++i) {
      if (Query(sql) > 0) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    absl::SleepFor(absl::Milliseconds(300));  // time for a wrong second effect to show
    return Query(sql);
  }

  TestDatabase db_{{"recruitment", "test_consumer"}};
  TestKeys keys_;
  int consumer_port_ = 0;
};

TEST_F(OutboxE2E, DeliveredAfterTheConsumerWasDown) {
  auto recruitment = StartRecruitment();
  ASSERT_TRUE(recruitment->running());
  const std::string applicant = Submit(*recruitment, 1);
  ASSERT_FALSE(applicant.empty());
  absl::SleepFor(absl::Milliseconds(500));  // the dispatcher tries and fails
  EXPECT_EQ(Query("SELECT count(*) FROM recruitment.outbox WHERE delivered_at IS NULL"), 1);
  auto consumer = NewConsumer();
  ASSERT_TRUE(consumer->running()) << consumer->Log();
  EXPECT_EQ(WaitForEffect(applicant), 1);
  EXPECT_EQ(Query("SELECT count(*) FROM recruitment.outbox WHERE delivered_at IS NULL"), 0);
}

TEST_F(OutboxE2E, DeliveredOnceAfterTheProducerWasKilledBetweenCommitAndDelivery) {
  auto recruitment = StartRecruitment();
  ASSERT_TRUE(recruitment->running());
  const std::string applicant = Submit(*recruitment, 2);
  ASSERT_FALSE(applicant.empty());
  // Committed, not delivered (the consumer is down), and the producer dies hard.
  recruitment->Kill();
  EXPECT_EQ(Query("SELECT count(*) FROM recruitment.outbox WHERE delivered_at IS NULL"), 1);
  auto consumer = NewConsumer();
  ASSERT_TRUE(consumer->running()) << consumer->Log();
  ASSERT_TRUE(recruitment->Start()) << recruitment->Log();
  EXPECT_EQ(WaitForEffect(applicant), 1);
}

TEST_F(OutboxE2E, AnEventThatKeepsFailingHoldsBackOnlyItsOwnAggregate) {
  auto consumer = NewConsumer();
  ASSERT_TRUE(consumer->running()) << consumer->Log();
  auto recruitment = StartRecruitment();
  ASSERT_TRUE(recruitment->running());
  const std::string poisoned = Submit(*recruitment, 3, /*poison=*/true);
  const std::string fine = Submit(*recruitment, 4);
  EXPECT_EQ(WaitForEffect(fine), 1);
  // The refused event is still there, tried and not delivered. (Its next attempt may already
  // be due when the machine is busy: the first waits only a second.)
  EXPECT_EQ(
      Query(absl::StrCat("SELECT count(*) FROM recruitment.outbox WHERE aggregate_id = '", poisoned,
                         "' AND delivered_at IS NULL AND attempts >= 1 AND last_error <> ''")),
      1);
  EXPECT_EQ(Query(absl::StrCat("SELECT count(*) FROM test_consumer.effects WHERE applicant_id = '",
                               poisoned, "'")),
            0);
}

TEST_F(OutboxE2E, ARepeatedDeliveryHasNoSecondEffect) {
  auto consumer = NewConsumer();
  ASSERT_TRUE(consumer->running()) << consumer->Log();
  auto stub = fhv::common::v1::EventSinkService::NewStub(
      grpc::CreateChannel(consumer->address(), grpc::InsecureChannelCredentials()));
  fhv::common::v1::DeliverEventRequest req;
  auto* e = req.mutable_event();
  e->set_event_id("6f1c2c56-54e0-4c8f-a6b6-3f6f8a9c0d11");
  e->set_source("recruitment");
  e->set_aggregate_type("applicant");
  e->set_aggregate_id("a-1");
  v1::ApplicantRegisteredEvent payload;
  payload.set_applicant_id("a-1");
  e->mutable_payload()->PackFrom(payload);
  const std::string service_token = keys_.Mint(Service());
  fhv::common::v1::DeliverEventResponse first, second;
  ASSERT_TRUE(stub->DeliverEvent(Ctx(service_token).get(), req, &first).ok());
  ASSERT_TRUE(stub->DeliverEvent(Ctx(service_token).get(), req, &second).ok());
  EXPECT_TRUE(first.applied());
  EXPECT_FALSE(second.applied());
  EXPECT_EQ(Query("SELECT count(*) FROM test_consumer.effects WHERE applicant_id = 'a-1'"), 1);
  // Only services may deliver events.
  fhv::common::v1::DeliverEventResponse denied;
  EXPECT_EQ(stub->DeliverEvent(Ctx(keys_.Mint(Recruiter())).get(), req, &denied).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace fhv::testing
