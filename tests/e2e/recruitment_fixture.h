#pragma once

// A fixture for tests of the recruitment binary: a fresh database, a running
// fhv-recruitment, a recruiter's token of Malå (2418), and Malå, Torsås and the region
// familjehemsgruppen registered.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/util/status.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {

namespace v1 = ::fhv::recruitment::v1;

class RecruitmentFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated =
        RunBinary("fhv-recruitment", {"--migrate", "--database_dsn=" + db_.Dsn("recruitment")});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    server_ = std::make_unique<ServiceProcess>(
        "fhv-recruitment", std::vector<std::string>{"--database_dsn=" + db_.Dsn("recruitment"),
                                                    "--jwt_public_keys=" + keys_.public_pem_path(),
                                                    "--jwt_issuer=fhv-test", "--pool_size=4",
                                                    "--gauge_refresh=200ms"});
    ASSERT_TRUE(server_->running()) << server_->Log();
    stub_ = RecruitmentStub(server_->address());
    token_ = keys_.Mint(Recruiter("2418"));
    SeedPlaces(server_->address(), keys_.Mint(SuiteAdmin()));
  }

  absl::StatusOr<v1::SubmitInterestResponse> Submit(const v1::Interest& interest,
                                                    const std::string& request_id,
                                                    const std::string& token) {
    v1::SubmitInterestRequest req;
    req.set_request_id(request_id);
    *req.mutable_interest() = interest;
    v1::SubmitInterestResponse resp;
    auto st = FromGrpcStatus(stub_->SubmitInterest(Ctx(token).get(), req, &resp));
    if (!st.ok()) return st;
    return resp;
  }

  absl::Status Get(const std::string& id, const std::string& token,
                   v1::GetInterestResponse* out = nullptr) {
    v1::GetInterestRequest req;
    req.set_id(id);
    v1::GetInterestResponse resp;
    auto st = FromGrpcStatus(stub_->GetInterest(Ctx(token).get(), req, &resp));
    if (out) *out = resp;
    return st;
  }

  // Calls one RPC of the service, e.g. Call(&Stub::GetHome, request, token).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (v1::RecruitmentService::Stub::*method)(
                                    grpc::ClientContext*, const Request&, Response*),
                                const Request& request, const std::string& token) {
    return CallRpc(*stub_, method, request, token);
  }

  int64_t Count(const std::string& sql) { return db_.Count(sql); }

  TestDatabase db_{{"recruitment"}};
  TestKeys keys_;
  std::unique_ptr<ServiceProcess> server_;
  std::unique_ptr<v1::RecruitmentService::Stub> stub_;
  std::string token_;
};

}  // namespace fhv::testing
