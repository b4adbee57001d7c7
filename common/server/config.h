#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace fhv::server {

// The settings of a service binary, parsed once from flags (and FHV_DATABASE_DSN)
// and immutable afterwards.
struct Config {
  std::string grpc_address;
  std::string metrics_address;
  std::string database_dsn;
  std::string tls_cert;       // PEM file; TLS is on when cert and key are set
  std::string tls_key;        // PEM file
  std::string tls_client_ca;  // PEM file; when set, clients must present a certificate
  std::string peer_ca;        // PEM file of the CA that signs peer services' certificates
  std::vector<std::string> jwt_public_keys;  // PEM files; kid = file name without .pub.pem
  std::string jwt_issuer;
  std::string service_key;                   // PEM private key for this service's outbound tokens
  std::map<std::string, std::string> peers;  // service name -> host:port
  std::string extra_routes;
  std::string ready_file;
  int pool_size = 8;
  absl::Duration pool_acquire_timeout;
  int pool_max_waiting = 512;
  absl::Duration statement_timeout;
  absl::Duration drain_timeout;
  absl::Duration gauge_refresh;
  bool migrate = false;
  bool verify_audit = false;
};

// Reads the flags parsed by absl::ParseCommandLine. INVALID_ARGUMENT naming every
// missing or malformed setting.
absl::StatusOr<Config> ConfigFromFlags();

}  // namespace fhv::server
