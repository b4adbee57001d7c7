#include "tests/support/clients.h"

#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <future>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/validation/identifiers.h"
#include "gtest/gtest.h"

namespace fhv::testing {

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

std::unique_ptr<fhv::recruitment::v1::RecruitmentService::Stub> RecruitmentStub(
    const std::string& address) {
  return fhv::recruitment::v1::RecruitmentService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

void SeedPlaces(const std::string& address, const std::string& admin_token) {
  auto stub = RecruitmentStub(address);
  for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
           {"2418", "Malå kommun"}, {"0834", "Torsås kommun"}}) {
    fhv::recruitment::v1::UpsertOrganisationRequest req;
    req.mutable_organisation()->mutable_ref()->set_id(id);
    req.mutable_organisation()->mutable_ref()->set_kind(
        fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
    req.mutable_organisation()->set_name(name);
    fhv::recruitment::v1::UpsertOrganisationResponse resp;
    grpc::Status st = stub->UpsertOrganisation(Ctx(admin_token).get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }
  fhv::recruitment::v1::UpsertRegionRequest region;
  region.mutable_region()->set_id("familjehemsgruppen");
  region.mutable_region()->set_name("Familjehemsgruppen");
  region.mutable_region()->add_municipalities("2418");
  fhv::recruitment::v1::UpsertRegionResponse resp;
  grpc::Status st = stub->UpsertRegion(Ctx(admin_token).get(), region, &resp);
  EXPECT_TRUE(st.ok()) << st.error_message();
}

std::string MakePersonnummer(const std::string& yyyymmdd, int serial) {
  const std::string base = absl::StrCat(yyyymmdd, absl::StrFormat("%03d", serial % 1000));
  for (char c = '0'; c <= '9'; ++c) {
    if (validation::LuhnValid(base.substr(2) + c)) return base + c;
  }
  return base + "0";
}

fhv::recruitment::v1::Interest SampleInterest(const std::string& personnummer) {
  fhv::recruitment::v1::Interest i;
  i.set_source(fhv::recruitment::v1::INTEREST_SOURCE_PORTAL);
  auto* adult = i.add_adults();
  adult->mutable_name()->set_given_name("Anna");
  adult->mutable_name()->set_family_name("Lind");
  adult->set_personnummer(personnummer);
  adult->mutable_contact()->set_email("anna@example.se");
  i.mutable_home()->set_housing_type(fhv::recruitment::v1::HOUSING_TYPE_HOUSE);
  i.mutable_home()->set_rooms_for_child(1);
  i.add_languages("sv");
  i.add_wanted_assignments(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  i.add_wanted_municipalities("2418");
  i.add_household_children()->set_age(7);
  return i;
}

double MetricValue(const std::string& page, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      all &= line.find(absl::StrCat(k, "=\"", v, "\"")) != std::string::npos;
    }
    if (!all) continue;
    double value = -1;
    (void)absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value);
    return value;
  }
  return -1;
}

std::string ReflectionListServices(const std::string& address) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  const std::string request_bytes("\x3a\x00", 2);
  grpc::Slice slice(request_bytes.data(), request_bytes.size());
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::Status status;
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](void* expected) { return cq.Next(&tag, &ok) && ok && tag == expected; };
  call->StartCall(reinterpret_cast<void*>(1));
  if (!step(reinterpret_cast<void*>(1))) return "";
  call->Write(request, reinterpret_cast<void*>(2));
  if (!step(reinterpret_cast<void*>(2))) return "";
  call->Read(&response, reinterpret_cast<void*>(3));
  const bool read = step(reinterpret_cast<void*>(3));
  call->WritesDone(reinterpret_cast<void*>(4));
  (void)step(reinterpret_cast<void*>(4));
  call->Finish(&status, reinterpret_cast<void*>(5));
  (void)cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!read) return "";
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}

grpc::Status CallRaw(grpc::GenericStub& stub, const std::string& method,
                     const std::string& request_bytes, const std::string& token,
                     std::string* response_bytes) {
  auto ctx = Ctx(token);
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status st) { done.set_value(std::move(st)); });
  grpc::Status status = done.get_future().get();
  if (status.ok() && response_bytes != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)response.Dump(&slices);
    response_bytes->clear();
    for (const auto& s : slices) {
      response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

std::string HealthCheck(const std::string& address) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  // HealthCheckRequest{service: ""} is the empty message.
  std::string bytes;
  const grpc::Status status = CallRaw(stub, "/grpc.health.v1.Health/Check", "", "", &bytes);
  if (!status.ok()) return absl::StrCat("error ", status.error_code());
  // HealthCheckResponse{status = 1 (SERVING) | 2 (NOT_SERVING)}: field 1, varint.
  if (bytes == std::string("\x08\x01", 2)) return "SERVING";
  if (bytes == std::string("\x08\x02", 2)) return "NOT_SERVING";
  return "UNKNOWN";
}

std::map<std::string, grpc::StatusCode> CallEveryMethodWithoutToken(const std::string& address,
                                                                    const std::string& service) {
  std::map<std::string, grpc::StatusCode> codes;
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (descriptor == nullptr) return codes;
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const std::string method = descriptor->method(i)->name();
    codes[method] =
        CallRaw(stub, absl::StrCat("/", service, "/", method), "", "", nullptr).error_code();
  }
  return codes;
}

}  // namespace fhv::testing
