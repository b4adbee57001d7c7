#pragma once

#include <string>

#include "absl/time/time.h"
#include "common/util/clock.h"

namespace fhv {
namespace metrics {
class Metrics;
}
namespace db {
class Pool;
}
namespace auth {
class VerifiedTokens;
}
namespace audit {
class GroupCommitter;
}
namespace events {
class Router;
}
}  // namespace fhv

namespace fhv::server {

class Peers;

// What a service's handlers share. Built once at start; every member outlives the
// gRPC server. Thread-safe: each member is.
struct Runtime {
  std::string service;       // "recruitment"
  std::string schema;        // the service's PostgreSQL schema, "recruitment"
  std::string error_domain;  // google.rpc.ErrorInfo domain, "recruitment.fhv"
  Clock* clock = nullptr;
  metrics::Metrics* metrics = nullptr;
  db::Pool* pool = nullptr;
  // Verifies bearer tokens (remembering the ones it accepted).
  auth::VerifiedTokens* tokens = nullptr;
  audit::GroupCommitter* audit = nullptr;
  const events::Router* router = nullptr;
  // Calls to the suite's other services (--peers) with this service's token.
  Peers* peers = nullptr;
  // How often domain gauges are recounted from the database.
  absl::Duration gauge_refresh = absl::Seconds(15);
};

}  // namespace fhv::server
