#pragma once

// Client-side helpers for tests that call the real binaries over gRPC.

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/util/status.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"

namespace fhv::testing {

// A client context with `authorization: Bearer <token>` (none if token is empty)
// and a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token);

// Calls one RPC of `stub` with `token`, e.g. CallRpc(*stub, &Stub::GetHome, request, token).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallRpc(Stub& stub,
                                 grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
                                 const Request& request, const std::string& token) {
  Response response;
  auto st = FromGrpcStatus((stub.*method)(Ctx(token).get(), request, &response));
  if (!st.ok()) return st;
  return response;
}

std::unique_ptr<fhv::recruitment::v1::RecruitmentService::Stub> RecruitmentStub(
    const std::string& address);

// Registers municipalities 2418 (Malå) and 0834 (Torsås) and the region
// "familjehemsgruppen" of 2418 through the admin RPCs; fails the test on error.
void SeedPlaces(const std::string& address, const std::string& admin_token);

// A valid 12-digit personnummer "<yyyymmdd><serial:3><check>" with its Luhn digit.
std::string MakePersonnummer(const std::string& yyyymmdd, int serial);

// A valid interest with one adult whose personnummer is `personnummer`.
fhv::recruitment::v1::Interest SampleInterest(const std::string& personnummer);

// The value of the metric line `name{labels}` on a Prometheus text page (all given
// label pairs must match); -1 if there is no such line.
double MetricValue(const std::string& page, const std::string& name,
                   const std::map<std::string, std::string>& labels);

// The service names that grpc.reflection.v1alpha.ServerReflection lists, as raw bytes
// of its response (empty on error).
std::string ReflectionListServices(const std::string& address);

// Calls every method of `service` (full name) once with an empty request and no token;
// the status code of each, by method name (empty if the service is unknown).
std::map<std::string, grpc::StatusCode> CallEveryMethodWithoutToken(const std::string& address,
                                                                    const std::string& service);

// Calls `method` (full path, "/pkg.Service/Method") with `request_bytes` as they are, with
// `token` (none if empty) and a 10 s deadline; the answer's bytes in `*response_bytes` if given.
grpc::Status CallRaw(grpc::GenericStub& stub, const std::string& method,
                     const std::string& request_bytes, const std::string& token,
                     std::string* response_bytes);

// grpc.health.v1.Health/Check for the whole server: "SERVING", "NOT_SERVING" or the
// error code's name.
std::string HealthCheck(const std::string& address);

}  // namespace fhv::testing
