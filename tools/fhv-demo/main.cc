// fhv-demo: walks one child's placement through all four services of the local stack and prints
// each step as the people involved would see it (see flow.h). deploy/local/up --demo runs it.
//
//   fhv-demo --ports_file=.local/ports --private_key=.local/keys/dev.pem --out_dir=.local/demo
//
// Exits 0 when every step succeeded, 1 with the failing step and its status, 2 on bad flags.

#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "tools/fhv-demo/flow.h"

ABSL_FLAG(std::string, ports_file, ".local/ports",
          "the local stack's ports: lines \"<service> <grpc port> <metrics port>\"");
ABSL_FLAG(std::string, host, "127.0.0.1", "the host the services listen on");
ABSL_FLAG(std::string, private_key, ".local/keys/dev.pem", "the dev signing key");
ABSL_FLAG(std::string, kid, "dev", "the key id the services know the key by");
ABSL_FLAG(std::string, issuer, "fhv-local", "the services' --jwt_issuer");
ABSL_FLAG(std::string, out_dir, "", "where to save the bank file (not saved if empty)");

namespace {

// The gRPC addresses of the four services from the local stack's ports file.
absl::StatusOr<fhv::demo::Addresses> ReadPorts(const std::string& path, const std::string& host) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  fhv::demo::Addresses out;
  std::string service, grpc_port, metrics_port;
  while (in >> service >> grpc_port >> metrics_port) {
    out[service] = {absl::StrCat(host, ":", grpc_port)};
  }
  for (const char* s : {"recruitment", "investigation", "placement", "payments"}) {
    if (!out.contains(s)) return absl::NotFoundError(absl::StrCat(path, " lists no port for ", s));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto addresses = ReadPorts(absl::GetFlag(FLAGS_ports_file), absl::GetFlag(FLAGS_host));
  if (!addresses.ok()) {
    std::cerr << "fhv-demo: " << addresses.status().message()
              << " (start the suite with deploy/local/up first)\n";
    return 2;
  }
  auto signer = fhv::auth::TokenSigner::FromFile(
      absl::GetFlag(FLAGS_private_key), absl::GetFlag(FLAGS_kid), absl::GetFlag(FLAGS_issuer));
  if (!signer.ok()) {
    std::cerr << "fhv-demo: " << signer.status().message() << "\n";
    return 2;
  }
  std::cout << "fhv demo: one child's placement through recruitment, investigation, placement "
               "and payments.\nEvery name and number in it is made up.\n";
  const auto ids =
      fhv::demo::RunFlow(*addresses, *signer, {.out_dir = absl::GetFlag(FLAGS_out_dir)}, std::cout);
  if (!ids.ok()) {
    std::cerr << "\nfhv-demo: failed to " << ids.status().message() << " ("
              << absl::StatusCodeToString(ids.status().code());
    const std::string reason = fhv::GetReason(ids.status());
    if (!reason.empty()) std::cerr << ", reason " << reason;
    std::cerr << ")";
    for (const auto& v : fhv::GetViolations(ids.status())) {
      std::cerr << "\n  " << v.field << ": " << v.description;
    }
    std::cerr << "\n";
    return 1;
  }
  std::cout << "\nDone: the whole flow went through all four services.\n";
  return 0;
}
