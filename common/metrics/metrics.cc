#include "common/metrics/metrics.h"

#include "absl/strings/string_view.h"
#include "common/util/status.h"

namespace fhv::metrics {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  rpc_started_ = &prometheus::BuildCounter()
                      .Name("grpc_server_started_total")
                      .Help("RPCs started on the server.")
                      .Register(r);
  rpc_handled_ = &prometheus::BuildCounter()
                      .Name("grpc_server_handled_total")
                      .Help("RPCs completed on the server, by status code.")
                      .Register(r);
  rpc_seconds_ = &prometheus::BuildHistogram()
                      .Name("grpc_server_handling_seconds")
                      .Help("Time from receiving an RPC to sending its status.")
                      .Register(r);
  query_seconds_ = &prometheus::BuildHistogram()
                        .Name("fhv_db_query_duration_seconds")
                        .Help("Duration of database statements by statement name.")
                        .Register(r);
  auto& pool = prometheus::BuildGauge()
                   .Name("fhv_db_pool_connections")
                   .Help("Database pool connections by state.")
                   .Register(r);
  pool_in_use_ = &pool.Add({{"state", "in_use"}});
  pool_size_ = &pool.Add({{"state", "max"}});
  pool_waiting_ = &prometheus::BuildGauge()
                       .Name("fhv_db_pool_waiting")
                       .Help("Calls waiting for a database connection.")
                       .Register(r)
                       .Add({});
  pool_rejected_ = &prometheus::BuildCounter()
                        .Name("fhv_db_pool_rejected_total")
                        .Help("Calls refused because no database connection became free in time.")
                        .Register(r)
                        .Add({});
  audit_batch_size_ =
      &prometheus::BuildHistogram()
           .Name("fhv_audit_group_commit_rows")
           .Help("Audit rows of reads made durable by one shared commit.")
           .Register(r)
           .Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 4, 8, 16, 32, 64, 128, 256});
  audit_rows_ = &prometheus::BuildCounter()
                     .Name("fhv_audit_rows_total")
                     .Help("Audit rows written.")
                     .Register(r)
                     .Add({});
  outbox_delivered_ = &prometheus::BuildCounter()
                           .Name("fhv_outbox_delivered_total")
                           .Help("Events delivered from the outbox, by destination service.")
                           .Register(r);
  outbox_failed_ = &prometheus::BuildCounter()
                        .Name("fhv_outbox_delivery_failures_total")
                        .Help("Failed event delivery attempts, by destination service.")
                        .Register(r);
  outbox_backlog_ = &prometheus::BuildGauge()
                         .Name("fhv_outbox_backlog")
                         .Help("Events waiting in the outbox, by destination service.")
                         .Register(r);
  events_applied_ = &prometheus::BuildCounter()
                         .Name("fhv_events_applied_total")
                         .Help("Events from other services applied, by event type.")
                         .Register(r);
}

void Metrics::RpcStarted(absl::string_view service, absl::string_view method,
                         absl::string_view type) {
  rpc_started_
      ->Add({{"grpc_service", std::string(service)},
             {"grpc_method", std::string(method)},
             {"grpc_type", std::string(type)}})
      .Increment();
}

void Metrics::RpcHandled(absl::string_view service, absl::string_view method,
                         absl::string_view type, absl::string_view code, double seconds) {
  rpc_handled_
      ->Add({{"grpc_service", std::string(service)},
             {"grpc_method", std::string(method)},
             {"grpc_type", std::string(type)},
             {"grpc_code", std::string(code)}})
      .Increment();
  rpc_seconds_
      ->Add({{"grpc_service", std::string(service)},
             {"grpc_method", std::string(method)},
             {"grpc_type", std::string(type)}},
            LatencyBuckets())
      .Observe(seconds);
}

prometheus::Histogram& Metrics::QueryDuration(absl::string_view statement) {
  absl::MutexLock lock(&mu_);
  auto it = query_cache_.find(statement);
  if (it != query_cache_.end()) return *it->second;
  auto* h = &query_seconds_->Add({{"statement", std::string(statement)}}, LatencyBuckets());
  query_cache_.emplace(std::string(statement), h);
  return *h;
}

prometheus::Counter& Metrics::OutboxDelivered(absl::string_view destination) {
  return outbox_delivered_->Add({{"destination", std::string(destination)}});
}
prometheus::Counter& Metrics::OutboxFailed(absl::string_view destination) {
  return outbox_failed_->Add({{"destination", std::string(destination)}});
}
prometheus::Gauge& Metrics::OutboxBacklog(absl::string_view destination) {
  return outbox_backlog_->Add({{"destination", std::string(destination)}});
}
prometheus::Counter& Metrics::EventsApplied(absl::string_view event_type) {
  return events_applied_->Add({{"event_type", std::string(event_type)}});
}

absl::StatusOr<int> Metrics::Serve(const std::string& address) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError("cannot listen for metrics on " + address);
  }
  exposer_->RegisterCollectable(registry_);
  auto ports = exposer_->GetListeningPorts();
  if (ports.empty()) return absl::InternalError("metrics exposer has no port");
  return ports.front();
}

}  // namespace fhv::metrics
