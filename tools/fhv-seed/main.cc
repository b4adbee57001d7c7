// fhv-seed: enters organisations and regions from a seed file through the recruitment
// service's admin RPCs (see deploy/local/seed.txt for the format).
//
//   fhv-seed --address=127.0.0.1:50051 --token_file=.local/dev-token --file=seed.txt

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"

ABSL_FLAG(std::string, address, "", "the recruitment service, host:port");
ABSL_FLAG(std::string, token_file, "", "a file holding an admin's bearer token");
ABSL_FLAG(std::string, file, "", "the seed file");

namespace {

namespace v1 = ::fhv::recruitment::v1;

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string address = absl::GetFlag(FLAGS_address);
  const std::string path = absl::GetFlag(FLAGS_file);
  std::string token;
  std::ifstream(absl::GetFlag(FLAGS_token_file)) >> token;
  if (address.empty() || path.empty() || token.empty()) {
    std::cerr << "fhv-seed: --address, --file and a non-empty --token_file are required\n";
    return 2;
  }
  std::ifstream in(path);
  if (!in) {
    std::cerr << "fhv-seed: cannot read " << path << "\n";
    return 1;
  }
  auto stub = v1::RecruitmentService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  std::string line;
  int line_no = 0, organisations = 0, regions = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    std::vector<std::string> f = absl::StrSplit(text, '|');
    grpc::Status st;
    if ((f[0] == "municipality" && f.size() == 5) || (f[0] == "agency" && f.size() == 3)) {
      v1::UpsertOrganisationRequest req;
      auto* o = req.mutable_organisation();
      o->mutable_ref()->set_id(f[1]);
      o->mutable_ref()->set_kind(f[0] == "agency"
                                     ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                                     : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
      o->set_name(f[2]);
      double lat = 0, lon = 0;
      if (f.size() == 5 && absl::SimpleAtod(f[3], &lat) && absl::SimpleAtod(f[4], &lon)) {
        o->mutable_location()->set_latitude(lat);
        o->mutable_location()->set_longitude(lon);
      }
      v1::UpsertOrganisationResponse resp;
      st = stub->UpsertOrganisation(Ctx(token).get(), req, &resp);
      organisations += st.ok();
    } else if (f[0] == "region" && f.size() == 4) {
      v1::UpsertRegionRequest req;
      req.mutable_region()->set_id(f[1]);
      req.mutable_region()->set_name(f[2]);
      for (absl::string_view m : absl::StrSplit(f[3], ',', absl::SkipEmpty())) {
        req.mutable_region()->add_municipalities(std::string(m));
      }
      v1::UpsertRegionResponse resp;
      st = stub->UpsertRegion(Ctx(token).get(), req, &resp);
      regions += st.ok();
    } else {
      std::cerr << "fhv-seed: " << path << ":" << line_no << ": not a seed line\n";
      return 1;
    }
    if (!st.ok()) {
      std::cerr << "fhv-seed: " << path << ":" << line_no << ": " << st.error_message() << "\n";
      return 1;
    }
  }
  std::cout << "fhv-seed: " << organisations << " organisations and " << regions
            << " regions entered\n";
  return 0;
}
