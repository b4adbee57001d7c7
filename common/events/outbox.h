#pragma once

// Events between services through a transactional outbox. A change and the events
// announcing it commit together; a dispatcher delivers them to each destination
// service's fhv.common.v1.EventSinkService at least once, in order per aggregate
// and destination. Consumers apply each event id once (common/events/sink.h).

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/service_tokens.h"
#include "common/db/connection.h"
#include "common/metrics/metrics.h"
#include "common/util/clock.h"
#include "fhv/common/v1/events.grpc.pb.h"

namespace fhv::events {

struct OutgoingEvent {
  std::string aggregate_type;
  std::string aggregate_id;
  std::string event_type;  // The payload's full message name.
  fhv::common::v1::EventEnvelope envelope;
};

// Which destination services receive which event types. Immutable after start.
class Router {
 public:
  // `routes`: event type (full message name) -> destination service names.
  explicit Router(std::map<std::string, std::vector<std::string>> routes)
      : routes_(routes.begin(), routes.end()) {}
  // Parses "type=dest1|dest2,type2=dest3" and adds it to `base`.
  static absl::StatusOr<Router> WithExtra(std::map<std::string, std::vector<std::string>> base,
                                          absl::string_view extra);
  const std::vector<std::string>& DestinationsOf(absl::string_view event_type) const;
  std::vector<std::string> AllDestinations() const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> routes_;
};

// Builds the envelope of an event (id, source, aggregate, time, payload).
OutgoingEvent MakeEvent(absl::string_view source, std::string aggregate_type,
                        std::string aggregate_id, const google::protobuf::Message& payload,
                        absl::Time occurred_at, absl::string_view request_id);

// Writes `event` to <schema>.outbox for each of its destinations, inside the current
// transaction, and wakes the dispatcher when the transaction commits. An event with no
// destination is not stored. Contract: call after the aggregate's own row was written,
// so that events of one aggregate are numbered in commit order.
absl::Status Enqueue(db::Connection& conn, absl::string_view schema, const Router& router,
                     const OutgoingEvent& event);

struct DispatcherOptions {
  std::string dsn;
  std::string schema;
  std::string source;                        // this service's name
  std::map<std::string, std::string> peers;  // destination service -> "host:port"
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  auth::ServiceTokens* tokens = nullptr;  // this service's outbound tokens
  absl::Duration poll_interval = absl::Milliseconds(500);
  absl::Duration call_timeout = absl::Seconds(5);
  absl::Duration max_backoff = absl::Seconds(30);
  int batch = 200;
};

// Delivers the outbox. Safe with several replicas: only the replica holding the
// schema's dispatcher advisory lock delivers; the others stand by. Survives restarts
// of either side: undelivered rows stay until a destination acknowledges them.
// Thread-safe.
class Dispatcher {
 public:
  Dispatcher(DispatcherOptions options, Clock* clock, metrics::Metrics* metrics);
  ~Dispatcher();  // Stops.
  void Start();
  void Stop();

 private:
  void Loop();
  // Returns the number of rows delivered.
  absl::StatusOr<int> RunOnce(db::Connection& conn);
  absl::Status Deliver(const std::string& destination, const std::string& envelope_bytes);

  const DispatcherOptions options_;
  Clock* const clock_;
  metrics::Metrics* const metrics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::map<std::string, std::unique_ptr<fhv::common::v1::EventSinkService::Stub>> stubs_;
  std::map<std::string, absl::Time> backoff_until_;
  std::map<std::string, absl::Duration> backoff_;
};

}  // namespace fhv::events
