// The recruitment binary under abuse: a burst far above its pool, its database gone under load,
// malformed and oversized messages, and clients that retry after their own timeout. Each is refused
// or absorbed cleanly and the server keeps serving.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/util/ids.h"
#include "tests/e2e/recruitment_fixture.h"

namespace fhv::testing {
namespace {

using AbuseE2E = RecruitmentFixture;

TEST_F(AbuseE2E, ABurstFarAboveThePoolIsRefusedFastAndTheServiceServesAfterwards) {
  // A small pool with a short queue, beside the fixture's server, on the same database.
  ServiceProcess small(
      "fhv-recruitment",
      {"--database_dsn=" + db_.Dsn("recruitment"), "--jwt_public_keys=" + keys_.public_pem_path(),
       "--jwt_issuer=fhv-test", "--pool_size=2", "--pool_max_waiting=8"});
  ASSERT_TRUE(small.running()) << small.Log();
  auto submitted = Submit(SampleInterest(MakePersonnummer("19800101", 1)), NewUuid(), token_);
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  auto stub = RecruitmentStub(small.address());
  v1::GetInterestRequest get;
  get.set_id(submitted->interest().id());

  constexpr int kCalls = 400;
  struct Call {
    grpc::ClientContext ctx;
    v1::GetInterestResponse resp;
    grpc::Status status;
    absl::Duration took;
  };
  std::vector<std::unique_ptr<Call>> calls;
  std::mutex mu;
  std::condition_variable cv;
  int pending = kCalls;
  for (int i = 0; i < kCalls; ++i) {
    auto& c = *calls.emplace_back(std::make_unique<Call>());
    c.ctx.AddMetadata("authorization", "Bearer " + token_);
    c.ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  }
  const absl::Time start = absl::Now();
  for (auto& call : calls) {
    Call* c = call.get();
    stub->async()->GetInterest(&c->ctx, &get, &c->resp, [&, c](grpc::Status st) {
      c->took = absl::Now() - start;
      std::lock_guard<std::mutex> lock(mu);
      c->status = std::move(st);
      if (--pending == 0) cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return pending == 0; });
  }
  int ok = 0, refused = 0;
  absl::Duration slowest_refusal;
  for (const auto& c : calls) {
    switch (c->status.error_code()) {
      case grpc::StatusCode::OK:
        ++ok;
        break;
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
        ++refused;
        slowest_refusal = std::max(slowest_refusal, c->took);
        break;
      default:
        ADD_FAILURE() << "unexpected " << c->status.error_code() << ": "
                      << c->status.error_message();
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(refused, 0) << "a burst of " << kCalls << " on 2 connections and 8 places to wait";
  // Refused at once or after the 500 ms acquire timeout, not after the caller's 20 s deadline.
  EXPECT_LT(slowest_refusal, absl::Seconds(3));

  // Still up and serving normally.
  EXPECT_EQ(HealthCheck(small.address()), "SERVING");
  for (int i = 0; i < 20; ++i) {
    v1::GetInterestResponse resp;
    const grpc::Status st = stub->GetInterest(Ctx(token_).get(), get, &resp);
    ASSERT_TRUE(st.ok()) << i << ": " << st.error_message();
  }
}

// Not a restart of PostgreSQL itself (the tests share one cluster): the service's role may no
// longer log in and its sessions are ended, which the service meets as a database gone away.
TEST_F(AbuseE2E, TheDatabaseGoneUnderLoadLosesNoAcknowledgedWrite) {
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::map<grpc::StatusCode, int> codes;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      auto stub = RecruitmentStub(server_->address());
      for (int serial = 0; serial < 1000 && !stop; ++serial) {
        v1::SubmitInterestRequest req;
        req.set_request_id(NewUuid());
        *req.mutable_interest() =
            SampleInterest(MakePersonnummer(absl::StrCat("1980010", t + 1), serial));
        v1::SubmitInterestResponse resp;
        const grpc::Status st = stub->SubmitInterest(Ctx(token_).get(), req, &resp);
        std::lock_guard<std::mutex> lock(mu);
        ++codes[st.error_code()];
        if (st.ok()) acknowledged.push_back(resp.interest().id());
      }
    });
  }
  auto await_health = [&](const std::string& want) {
    std::string status;
    for (int i = 0; i < 100 && status != want; ++i) {
      absl::SleepFor(absl::Milliseconds(100));
      status = HealthCheck(server_->address());
    }
    return status;
  };
  auto acks = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acknowledged.size();
  };
  absl::SleepFor(absl::Milliseconds(500));
  const size_t before = acks();
  auto admin = db_.Admin();
  const std::string role = db_.Role("recruitment");
  ASSERT_TRUE(admin->ExecScript("ALTER ROLE " + role + " NOLOGIN").ok());
  ASSERT_TRUE(admin
                  ->ExecScript(absl::StrCat(
                      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '",
                      db_.name(), "' AND usename = '", role, "'"))
                  .ok());
  EXPECT_EQ(await_health("NOT_SERVING"), "NOT_SERVING");
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(admin->ExecScript("ALTER ROLE " + role + " LOGIN").ok());
  EXPECT_EQ(await_health("SERVING"), "SERVING");
  // Writes succeed again by themselves (the pool reconnects as calls need it), within 10 s.
  const size_t recovered = acks();
  for (int i = 0; i < 100 && acks() <= recovered; ++i) absl::SleepFor(absl::Milliseconds(100));
  stop = true;
  for (auto& w : writers) w.join();

  EXPECT_GT(before, 0u);
  EXPECT_GT(acknowledged.size(), recovered) << "no write succeeded in 10 s after recovery";
  EXPECT_GT(codes[grpc::StatusCode::UNAVAILABLE], 0) << "the outage was met";
  for (const auto& [code, n] : codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
        << n << " calls ended with " << code;
  }
  // Every acknowledged write is there.
  ASSERT_FALSE(acknowledged.empty());
  EXPECT_EQ(db_.Count(absl::StrCat("SELECT count(*) FROM recruitment.interest WHERE id IN ('",
                                   absl::StrJoin(acknowledged, "','"), "')")),
            static_cast<int64_t>(acknowledged.size()));
}

TEST_F(AbuseE2E, MalformedAndOversizedMessagesAreRefusedAndTheServerKeepsServing) {
  grpc::GenericStub raw(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  const std::string get_interest = "/fhv.recruitment.v1.RecruitmentService/GetInterest";
  const std::string submit = "/fhv.recruitment.v1.RecruitmentService/SubmitInterest";
  // gRPC 1.51's callback API answers a request it cannot decode with UNIMPLEMENTED and no
  // message, before any code of ours runs (a known gap: INVALID_ARGUMENT would say more).
  auto refused_cleanly = [](const grpc::Status& st) {
    return st.error_code() == grpc::StatusCode::UNIMPLEMENTED;
  };
  // The same path with well-formed bytes is served (so the refusals below are about the bytes).
  auto fine = Submit(SampleInterest(MakePersonnummer("19800101", 1)), NewUuid(), token_);
  ASSERT_TRUE(fine.ok()) << fine.status();
  v1::GetInterestRequest well_formed;
  well_formed.set_id(fine->interest().id());
  grpc::Status served =
      CallRaw(raw, get_interest, well_formed.SerializeAsString(), token_, nullptr);
  ASSERT_TRUE(served.ok()) << served.error_code() << ": " << served.error_message();
  // Not a protobuf message at all: a truncated varint.
  grpc::Status st = CallRaw(raw, get_interest, "\xff\xff\xff\xff", token_, nullptr);
  EXPECT_TRUE(refused_cleanly(st)) << st.error_code() << ": " << st.error_message();
  // A length that runs past the end.
  st = CallRaw(raw, get_interest,
               std::string("\x0a\x7f"
                           "abc",
                           5),
               token_, nullptr);
  EXPECT_TRUE(refused_cleanly(st)) << st.error_code() << ": " << st.error_message();
  // Invalid UTF-8 in a string field (id = 0xc3 0x28).
  st = CallRaw(raw, get_interest, std::string("\x0a\x02\xc3\x28", 4), token_, nullptr);
  EXPECT_TRUE(refused_cleanly(st)) << st.error_code() << ": " << st.error_message();

  // Larger than the 8 MiB a server takes.
  v1::SubmitInterestRequest huge;
  huge.set_request_id(NewUuid());
  *huge.mutable_interest() = SampleInterest(MakePersonnummer("19800101", 2));
  huge.mutable_interest()->set_note(std::string(9 << 20, 'x'));
  st = CallRaw(raw, submit, huge.SerializeAsString(), token_, nullptr);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();

  // A huge repeated field inside the limit: refused by validation, with an answer of
  // bounded size (the client takes at most 4 MiB).
  v1::SubmitInterestRequest many;
  many.set_request_id(NewUuid());
  *many.mutable_interest() = SampleInterest(MakePersonnummer("19800101", 3));
  for (int i = 0; i < 200'000; ++i) many.mutable_interest()->add_wanted_municipalities("9999");
  v1::SubmitInterestResponse resp;
  st = stub_->SubmitInterest(Ctx(token_).get(), many, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << st.error_message();
  EXPECT_LT(st.error_message().size(), 4096u);

  // Nothing more was written, and the server still serves.
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), 1);
  EXPECT_TRUE(server_->running());
  EXPECT_EQ(HealthCheck(server_->address()), "SERVING");
  auto ok = Submit(SampleInterest(MakePersonnummer("19800101", 4)), NewUuid(), token_);
  EXPECT_TRUE(ok.ok()) << ok.status();
}

TEST_F(AbuseE2E, RetriesAfterTheClientsOwnTimeoutHaveOneEffect) {
  // Deadlines from 0 to 9 ms: some calls never reach the server, some are done there after the
  // client gave up. Each is then retried with the same request_id until it succeeds.
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) {
    v1::SubmitInterestRequest req;
    req.set_request_id(NewUuid());
    *req.mutable_interest() = SampleInterest(MakePersonnummer("19800101", 100 + i));
    grpc::ClientContext hurried;
    hurried.AddMetadata("authorization", "Bearer " + token_);
    hurried.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(i % 10));
    v1::SubmitInterestResponse first;
    const grpc::Status st = stub_->SubmitInterest(&hurried, req, &first);
    EXPECT_TRUE(st.ok() || st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        << st.error_code() << ": " << st.error_message();
    v1::SubmitInterestResponse retried;
    ASSERT_TRUE(stub_->SubmitInterest(Ctx(token_).get(), req, &retried).ok());
    if (st.ok()) {
      EXPECT_EQ(retried.interest().id(), first.interest().id());
    }
  }
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.interest"), kRequests);
  EXPECT_EQ(Count("SELECT count(*) FROM recruitment.applicant"), kRequests);
}

}  // namespace
}  // namespace fhv::testing
