#include "common/db/pool.h"

#include <poll.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/util/status.h"

namespace fhv::db {

Pool::Pool(PoolOptions options, metrics::Metrics* metrics)
    : options_(std::move(options)), metrics_(metrics) {
  if (metrics_ != nullptr) metrics_->pool_size().Set(options_.size);
  for (int i = 0; i < options_.size; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  expiry_ = std::thread([this] { ExpiryLoop(); });
}

Pool::~Pool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (auto& t : workers_) t.join();
  expiry_.join();
}

void Pool::ExpiryLoop() {
  const absl::Duration tick = std::max(absl::Milliseconds(5), options_.acquire_timeout / 10);
  for (;;) {
    std::vector<Item> expired;
    {
      absl::MutexLock lock(&mu_);
      // Wakes when stopping, else after one tick.
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), tick);
      if (stopping_) return;
      // The queue is in arrival order: the oldest are at the front.
      const absl::Time limit = absl::Now() - options_.acquire_timeout;
      while (!queue_.empty() && queue_.front().enqueued < limit) {
        expired.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (metrics_ != nullptr && !expired.empty()) {
        metrics_->pool_waiting().Set(static_cast<double>(queue_.size()));
      }
    }
    for (Item& item : expired) {
      if (metrics_ != nullptr) metrics_->pool_rejected().Increment();
      std::move(item.work)(
          Unavailable("POOL_EXHAUSTED",
                      absl::StrCat("no database connection became free within ",
                                   absl::ToInt64Milliseconds(options_.acquire_timeout), " ms")));
    }
  }
}

void Pool::Submit(Work work) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_ && static_cast<int>(queue_.size()) < options_.max_waiting) {
      queue_.push_back({std::move(work), absl::Now()});
      if (metrics_ != nullptr) metrics_->pool_waiting().Set(static_cast<double>(queue_.size()));
      return;
    }
  }
  if (metrics_ != nullptr) metrics_->pool_rejected().Increment();
  std::move(work)(Unavailable("POOL_EXHAUSTED", "too many calls are waiting for the database"));
}

absl::Status Pool::Run(const std::function<absl::Status(Connection&)>& fn) {
  std::promise<absl::Status> done;
  Submit([&](absl::StatusOr<Connection*> conn) {
    done.set_value(conn.ok() ? fn(**conn) : conn.status());
  });
  return done.get_future().get();
}

absl::StatusOr<Connection*> Pool::EnsureConnection(std::unique_ptr<Connection>& conn) {
  // An idle connection expects nothing from the server. If its socket is readable, the
  // server has sent an error or closed it (a restart, a terminated session): replace it
  // now, without a round trip, rather than fail the call that would use it.
  if (conn != nullptr && conn->Healthy()) {
    pollfd pfd{PQsocket(conn->raw()), POLLIN, 0};
    if (poll(&pfd, 1, 0) == 0) return conn.get();
  }
  conn.reset();
  {
    absl::MutexLock lock(&mu_);
    if (absl::Now() < down_until_) {
      return Unavailable("DATABASE_UNAVAILABLE", "the database is unavailable");
    }
  }
  auto opened = Connection::Open(options_.dsn, metrics_, options_.statement_timeout);
  if (!opened.ok()) {
    absl::MutexLock lock(&mu_);
    down_until_ = absl::Now() + options_.reconnect_backoff;
    return opened.status();
  }
  conn = *std::move(opened);
  return conn.get();
}

void Pool::WorkerLoop() {
  std::unique_ptr<Connection> conn;
  for (;;) {
    Item item;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Pool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping and drained
      item = std::move(queue_.front());
      queue_.pop_front();
      if (metrics_ != nullptr) metrics_->pool_waiting().Set(static_cast<double>(queue_.size()));
    }
    const absl::Duration waited = absl::Now() - item.enqueued;
    if (waited > options_.acquire_timeout) {
      if (metrics_ != nullptr) metrics_->pool_rejected().Increment();
      std::move(item.work)(
          Unavailable("POOL_EXHAUSTED",
                      absl::StrCat("no database connection became free within ",
                                   absl::ToInt64Milliseconds(options_.acquire_timeout), " ms")));
      continue;
    }
    absl::StatusOr<Connection*> c = EnsureConnection(conn);
    if (metrics_ != nullptr) metrics_->pool_in_use().Increment();
    std::move(item.work)(c);
    if (metrics_ != nullptr) metrics_->pool_in_use().Decrement();
    // The next call gets an idle connection or a new one, never an open transaction.
    if (conn != nullptr && conn->Healthy() && PQtransactionStatus(conn->raw()) != PQTRANS_IDLE) {
      (void)conn->ExecScript("ROLLBACK");
    }
    if (conn != nullptr && (!conn->Healthy() || PQtransactionStatus(conn->raw()) != PQTRANS_IDLE)) {
      conn.reset();
    }
  }
}

}  // namespace fhv::db
