#include "common/server/config.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:50051",
          "host:port for gRPC; port 0 picks a free port (see --ready_file)");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9464",
          "host:port for the Prometheus /metrics endpoint; port 0 picks a free port");
ABSL_FLAG(std::string, database_dsn, "",
          "libpq connection string; default: the FHV_DATABASE_DSN environment variable");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; with --tls_key turns TLS on");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; when set, clients must present a certificate it signed");
ABSL_FLAG(std::string, peer_ca, "",
          "PEM CA bundle for calls to peer services; when set those calls use TLS");
ABSL_FLAG(std::vector<std::string>, jwt_public_keys, {},
          "comma-separated PEM public key files that sign accepted tokens");
ABSL_FLAG(std::string, jwt_issuer, "fhv-local", "the required iss claim of tokens");
ABSL_FLAG(std::string, service_key, "",
          "PEM private key that signs this service's tokens for calls to peer services");
ABSL_FLAG(std::vector<std::string>, peers, {},
          "comma-separated name=host:port of peer services, e.g. recruitment=127.0.0.1:50051");
ABSL_FLAG(std::string, extra_routes, "",
          "extra event routes: <event type>=<service>[|<service>],...");
ABSL_FLAG(std::string, ready_file, "",
          "written (JSON: pid, grpc_port, metrics_port) once the service serves");
ABSL_FLAG(int, pool_size, 8, "database connections, each with its worker thread");
ABSL_FLAG(absl::Duration, pool_acquire_timeout, absl::Milliseconds(500),
          "longest wait for a database connection before UNAVAILABLE");
ABSL_FLAG(int, pool_max_waiting, 512, "calls allowed to wait for a connection at once");
ABSL_FLAG(absl::Duration, statement_timeout, absl::Seconds(10), "per-statement timeout");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(15),
          "on SIGTERM, how long in-flight calls may take before they are cancelled");
ABSL_FLAG(absl::Duration, gauge_refresh, absl::Seconds(15),
          "how often domain gauges are recounted from the database");
ABSL_FLAG(bool, migrate, false, "apply the service's migrations and exit");
ABSL_FLAG(bool, verify_audit, false, "verify the audit log's hash chains and exit");

namespace fhv::server {

absl::StatusOr<Config> ConfigFromFlags() {
  Config c;
  std::vector<std::string> problems;
  c.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  c.metrics_address = absl::GetFlag(FLAGS_metrics_address);
  c.database_dsn = absl::GetFlag(FLAGS_database_dsn);
  if (c.database_dsn.empty()) {
    if (const char* env = std::getenv("FHV_DATABASE_DSN")) c.database_dsn = env;
  }
  if (c.database_dsn.empty()) {
    problems.push_back("--database_dsn (or FHV_DATABASE_DSN) is required");
  }
  c.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  c.tls_key = absl::GetFlag(FLAGS_tls_key);
  c.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  c.peer_ca = absl::GetFlag(FLAGS_peer_ca);
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    problems.push_back("--tls_cert and --tls_key go together");
  }
  if (!c.tls_client_ca.empty() && c.tls_cert.empty()) {
    problems.push_back("--tls_client_ca needs --tls_cert and --tls_key");
  }
  c.jwt_public_keys = absl::GetFlag(FLAGS_jwt_public_keys);
  c.jwt_issuer = absl::GetFlag(FLAGS_jwt_issuer);
  c.service_key = absl::GetFlag(FLAGS_service_key);
  for (const std::string& peer : absl::GetFlag(FLAGS_peers)) {
    std::vector<std::string> kv = absl::StrSplit(peer, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
      problems.push_back(absl::StrCat("--peers: \"", peer, "\" is not name=host:port"));
      continue;
    }
    c.peers[kv[0]] = kv[1];
  }
  c.extra_routes = absl::GetFlag(FLAGS_extra_routes);
  c.ready_file = absl::GetFlag(FLAGS_ready_file);
  c.pool_size = absl::GetFlag(FLAGS_pool_size);
  if (c.pool_size < 1 || c.pool_size > 256) problems.push_back("--pool_size must be 1..256");
  c.pool_acquire_timeout = absl::GetFlag(FLAGS_pool_acquire_timeout);
  c.pool_max_waiting = absl::GetFlag(FLAGS_pool_max_waiting);
  if (c.pool_max_waiting < 1) problems.push_back("--pool_max_waiting must be positive");
  c.statement_timeout = absl::GetFlag(FLAGS_statement_timeout);
  c.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  c.gauge_refresh = absl::GetFlag(FLAGS_gauge_refresh);
  c.migrate = absl::GetFlag(FLAGS_migrate);
  c.verify_audit = absl::GetFlag(FLAGS_verify_audit);
  if (!c.migrate && !c.verify_audit && c.jwt_public_keys.empty()) {
    problems.push_back("--jwt_public_keys is required to serve");
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return c;
}

}  // namespace fhv::server
