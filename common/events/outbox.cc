#include "common/events/outbox.h"

#include <sys/select.h>

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/db/transaction.h"
#include "common/util/ids.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "google/protobuf/util/time_util.h"

namespace fhv::events {
namespace {

std::string Channel(absl::string_view schema) { return absl::StrCat("fhv_outbox_", schema); }

int32_t LeaderLockClass(absl::string_view schema) {
  uint32_t h = 2166136261u;
  for (char c : absl::StrCat("fhv_outbox:", schema)) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<int32_t>(h);
}

}  // namespace

absl::StatusOr<Router> Router::WithExtra(std::map<std::string, std::vector<std::string>> base,
                                         absl::string_view extra) {
  for (absl::string_view item : absl::StrSplit(extra, ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad route \"", item, "\"; want <event type>=<service>[|<service>]"));
    }
    for (absl::string_view dest : absl::StrSplit(kv[1], '|', absl::SkipEmpty())) {
      base[kv[0]].push_back(std::string(dest));
    }
  }
  return Router(std::move(base));
}

const std::vector<std::string>& Router::DestinationsOf(absl::string_view event_type) const {
  static const auto* none = new std::vector<std::string>();
  auto it = routes_.find(event_type);
  return it == routes_.end() ? *none : it->second;
}

std::vector<std::string> Router::AllDestinations() const {
  std::set<std::string> all;
  for (const auto& [type, dests] : routes_) all.insert(dests.begin(), dests.end());
  return {all.begin(), all.end()};
}

OutgoingEvent MakeEvent(absl::string_view source, std::string aggregate_type,
                        std::string aggregate_id, const google::protobuf::Message& payload,
                        absl::Time occurred_at, absl::string_view request_id) {
  OutgoingEvent e;
  e.aggregate_type = std::move(aggregate_type);
  e.aggregate_id = std::move(aggregate_id);
  e.event_type = payload.GetDescriptor()->full_name();
  auto& env = e.envelope;
  env.set_event_id(NewUuid());
  env.set_source(std::string(source));
  env.set_aggregate_type(e.aggregate_type);
  env.set_aggregate_id(e.aggregate_id);
  *env.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(occurred_at));
  env.mutable_payload()->PackFrom(payload);
  env.set_request_id(std::string(request_id));
  return e;
}

absl::Status Enqueue(db::Connection& conn, absl::string_view schema, const Router& router,
                     const OutgoingEvent& event) {
  const auto& destinations = router.DestinationsOf(event.event_type);
  if (destinations.empty()) return absl::OkStatus();
  const db::Statement insert{
      "outbox_enqueue",
      absl::StrCat("INSERT INTO ", schema,
                   ".outbox (event_id, destination, aggregate_type, aggregate_id, event_type, "
                   "envelope, created_at) SELECT $1::uuid, d, $3, $4, $5, $6, $7 "
                   "FROM unnest($2::text[]) AS d")};
  const db::Statement notify{"outbox_notify", "SELECT pg_notify($1, '')"};
  const std::string bytes = event.envelope.SerializeAsString();
  absl::Time at = absl::FromUnixMicros(
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(event.envelope.occurred_at()));
  auto r = conn.Exec(
      insert, {event.envelope.event_id(), db::Param::TextArray(destinations), event.aggregate_type,
               event.aggregate_id, event.event_type, db::Param::Bytes(bytes), at});
  if (!r.ok()) return r.status();
  // NOTIFY is delivered on commit only.
  return conn.Exec(notify, {Channel(schema)}).status();
}

Dispatcher::Dispatcher(DispatcherOptions options, Clock* clock, metrics::Metrics* metrics)
    : options_(std::move(options)), clock_(clock), metrics_(metrics) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

absl::Status Dispatcher::Deliver(const std::string& destination,
                                 const std::string& envelope_bytes) {
  auto peer = options_.peers.find(destination);
  if (peer == options_.peers.end()) {
    return Unavailable("NO_PEER", absl::StrCat("no address configured for ", destination));
  }
  auto& stub = stubs_[destination];
  if (stub == nullptr) {
    stub = fhv::common::v1::EventSinkService::NewStub(
        grpc::CreateChannel(peer->second, options_.channel_credentials));
  }
  fhv::common::v1::DeliverEventRequest request;
  if (!request.mutable_event()->ParseFromString(envelope_bytes)) {
    return absl::InternalError("stored envelope does not parse");
  }
  fhv::common::v1::DeliverEventResponse response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   absl::ToChronoMilliseconds(options_.call_timeout));
  if (options_.tokens != nullptr) {
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", options_.tokens->Get()));
  }
  ctx.AddMetadata("x-request-id", request.event().request_id());
  return FromGrpcStatus(stub->DeliverEvent(&ctx, request, &response));
}

absl::StatusOr<int> Dispatcher::RunOnce(db::Connection& conn) {
  const std::string& s = options_.schema;
  const db::Statement backlog{
      "outbox_backlog", absl::StrCat("SELECT destination, count(*) FROM ", s,
                                     ".outbox WHERE delivered_at IS NULL GROUP BY destination")};
  // Each aggregate's oldest undelivered event, if it is due: so an event that keeps
  // failing holds back only its own aggregate, and only until its next attempt.
  const db::Statement pending{
      "outbox_pending",
      absl::StrCat("SELECT o.id, o.envelope, o.attempts FROM ", s,
                   ".outbox o WHERE o.delivered_at IS NULL AND o.destination = $1 "
                   "AND o.next_attempt_at <= $3 AND NOT EXISTS (SELECT 1 FROM ",
                   s,
                   ".outbox p WHERE p.delivered_at IS NULL AND p.destination = o.destination "
                   "AND p.aggregate_type = o.aggregate_type AND p.aggregate_id = o.aggregate_id "
                   "AND p.id < o.id) ORDER BY o.id LIMIT $2")};
  const db::Statement delivered{
      "outbox_delivered", absl::StrCat("UPDATE ", s,
                                       ".outbox SET delivered_at = $2, attempts = attempts + 1, "
                                       "last_error = NULL WHERE id = $1")};
  const db::Statement failed{
      "outbox_failed",
      absl::StrCat("UPDATE ", s,
                   ".outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 "
                   "WHERE id = $1")};
  auto waiting = conn.Exec(backlog);
  if (!waiting.ok()) return waiting.status();
  std::vector<std::string> destinations;
  std::set<std::string> seen;
  for (int i = 0; i < waiting->rows(); ++i) {
    destinations.emplace_back(waiting->Text(i, 0));
    seen.insert(destinations.back());
    if (metrics_) {
      metrics_->OutboxBacklog(destinations.back()).Set(static_cast<double>(waiting->Int64(i, 1)));
    }
  }
  if (metrics_) {
    for (const auto& [dest, addr] : options_.peers) {
      if (!seen.contains(dest)) metrics_->OutboxBacklog(dest).Set(0);
    }
  }
  int done = 0;
  for (const std::string& destination : destinations) {
    if (stop_ || backoff_until_[destination] > absl::Now()) continue;
    auto rows = conn.Exec(pending, {destination, options_.batch, clock_->Now()});
    if (!rows.ok()) return rows.status();
    for (int i = 0; i < rows->rows() && !stop_; ++i) {
      const int64_t id = rows->Int64(i, 0);
      absl::Status st = Deliver(destination, rows->Bytes(i, 1));
      if (st.ok()) {
        if (auto r = conn.Exec(delivered, {id, clock_->Now()}); !r.ok()) return r.status();
        backoff_.erase(destination);
        if (metrics_) metrics_->OutboxDelivered(destination).Increment();
        ++done;
        continue;
      }
      if (metrics_) metrics_->OutboxFailed(destination).Increment();
      // The event waits 1 s, 2 s, 4 s ... at most max_backoff before its next attempt.
      const int64_t attempts = rows->Int64(i, 2);
      const absl::Duration wait = std::min(
          options_.max_backoff, absl::Seconds(1) * (int64_t{1} << std::min<int64_t>(attempts, 20)));
      (void)conn.Exec(failed, {id, absl::StatusCodeToString(st.code()), clock_->Now() + wait});
      log::Warn("event delivery failed", {{"destination", destination},
                                          {"outbox_id", std::to_string(id)},
                                          {"code", absl::StatusCodeToString(st.code())}});
      const auto code = st.code();
      if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded ||
          code == absl::StatusCode::kUnimplemented || code == absl::StatusCode::kUnauthenticated ||
          code == absl::StatusCode::kPermissionDenied) {
        // The destination is down or refuses us: back off it as a whole.
        absl::Duration& b = backoff_[destination];
        b = std::min(options_.max_backoff,
                     b == absl::ZeroDuration() ? absl::Milliseconds(200) : b * 2);
        backoff_until_[destination] = absl::Now() + b;
        break;
      }
    }
  }
  return done;
}

void Dispatcher::Loop() {
  std::unique_ptr<db::Connection> conn;
  bool leader = false;
  const db::Statement try_lock{"outbox_leader", "SELECT pg_try_advisory_lock($1::int, 0)"};
  while (!stop_) {
    if (conn == nullptr || !conn->Healthy()) {
      leader = false;
      conn.reset();
      auto opened = db::Connection::Open(options_.dsn, metrics_);
      if (!opened.ok()) {
        absl::SleepFor(options_.poll_interval);
        continue;
      }
      conn = *std::move(opened);
    }
    if (!leader) {
      auto r = conn->Exec(try_lock, {static_cast<int64_t>(LeaderLockClass(options_.schema))});
      if (!r.ok() || !r->Bool(0, 0)) {
        absl::SleepFor(options_.poll_interval);
        continue;
      }
      leader = true;
      (void)conn->ExecScript(absl::StrCat("LISTEN ", Channel(options_.schema)));
      log::Info("outbox dispatcher is the leader", {{"schema", options_.schema}});
    }
    auto delivered = RunOnce(*conn);
    if (delivered.ok() && *delivered > 0) continue;  // more may be waiting
    // Wait for a NOTIFY or the poll interval, waking often enough to see stop_.
    const absl::Time until = absl::Now() + options_.poll_interval;
    bool notified = false;
    PQconsumeInput(conn->raw());  // notifications read during the round are buffered
    while (PGnotify* n = PQnotifies(conn->raw())) {
      notified = true;
      PQfreemem(n);
    }
    while (!notified && !stop_ && absl::Now() < until && conn->Healthy()) {
      PGconn* pg = conn->raw();
      const int fd = PQsocket(pg);
      fd_set fds;
      FD_ZERO(&fds);
      FD_SET(fd, &fds);
      timeval tv{0, 100000};
      if (select(fd + 1, &fds, nullptr, nullptr, &tv) > 0) {
        PQconsumeInput(pg);
        while (PGnotify* n = PQnotifies(pg)) {
          notified = true;
          PQfreemem(n);
        }
      }
    }
  }
}

}  // namespace fhv::events
