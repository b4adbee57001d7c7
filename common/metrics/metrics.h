#pragma once

// The process's Prometheus metrics. Contract: no label ever carries personal data;
// labels are service/method names, status codes, statement names, kommunkod,
// organisation ids and enum names.

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace fhv::metrics {

// Buckets for latencies in seconds, 0.5 ms .. 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// Thread-safe. One per process; outlives every user.
class Metrics {
 public:
  Metrics();

  prometheus::Registry& registry() { return *registry_; }

  // RPCs, with the label names that existing gRPC dashboards use.
  void RpcStarted(absl::string_view service, absl::string_view method, absl::string_view type);
  void RpcHandled(absl::string_view service, absl::string_view method, absl::string_view type,
                  absl::string_view code, double seconds);

  // Database.
  prometheus::Gauge& pool_in_use() { return *pool_in_use_; }
  prometheus::Gauge& pool_waiting() { return *pool_waiting_; }
  prometheus::Gauge& pool_size() { return *pool_size_; }
  prometheus::Counter& pool_rejected() { return *pool_rejected_; }
  prometheus::Histogram& QueryDuration(absl::string_view statement);

  // Audit group commit.
  prometheus::Histogram& audit_batch_size() { return *audit_batch_size_; }
  prometheus::Counter& audit_rows() { return *audit_rows_; }

  // Outbox.
  prometheus::Counter& OutboxDelivered(absl::string_view destination);
  prometheus::Counter& OutboxFailed(absl::string_view destination);
  prometheus::Gauge& OutboxBacklog(absl::string_view destination);
  prometheus::Counter& EventsApplied(absl::string_view event_type);

  // Starts serving /metrics on `address` ("127.0.0.1:9464"; port 0 picks one).
  // Returns the bound port.
  absl::StatusOr<int> Serve(const std::string& address);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;

  prometheus::Family<prometheus::Counter>* rpc_started_;
  prometheus::Family<prometheus::Counter>* rpc_handled_;
  prometheus::Family<prometheus::Histogram>* rpc_seconds_;
  prometheus::Family<prometheus::Histogram>* query_seconds_;
  prometheus::Family<prometheus::Counter>* outbox_delivered_;
  prometheus::Family<prometheus::Counter>* outbox_failed_;
  prometheus::Family<prometheus::Gauge>* outbox_backlog_;
  prometheus::Family<prometheus::Counter>* events_applied_;
  prometheus::Gauge* pool_in_use_;
  prometheus::Gauge* pool_waiting_;
  prometheus::Gauge* pool_size_;
  prometheus::Counter* pool_rejected_;
  prometheus::Histogram* audit_batch_size_;
  prometheus::Counter* audit_rows_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, prometheus::Histogram*> query_cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fhv::metrics
