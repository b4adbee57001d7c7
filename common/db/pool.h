#pragma once

// The bounded database pool: a fixed set of worker threads, each owning one
// connection. Blocking libpq work runs on these workers, never on the threads that
// serve gRPC, so a slow query stalls only its own worker.

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/metrics/metrics.h"

namespace fhv::db {

struct PoolOptions {
  std::string dsn;
  int size = 8;
  // Longest time a call may wait for a free worker before it gets UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Milliseconds(500);
  // Calls allowed to wait at once; more are refused at once with UNAVAILABLE.
  int max_waiting = 512;
  absl::Duration statement_timeout = absl::Seconds(10);
  // After a failed connect, calls fail fast for this long instead of each retrying.
  absl::Duration reconnect_backoff = absl::Milliseconds(200);
};

// Thread-safe.
class Pool {
 public:
  // Receives a healthy connection, or UNAVAILABLE if none could be had in time.
  using Work = absl::AnyInvocable<void(absl::StatusOr<Connection*>) &&>;

  Pool(PoolOptions options, metrics::Metrics* metrics);
  ~Pool();  // Runs the queued work, then stops the workers.

  // Runs `work` exactly once: on a worker with its connection, or with UNAVAILABLE
  // (on the calling thread when the queue is full; on the pool's expiry thread when the
  // call waited longer than acquire_timeout; on a worker when the database cannot be
  // reached). A lost
  // connection is dropped after the work and a new one opened for the next call.
  void Submit(Work work);

  // Runs `fn` on a worker and waits for it. For start-up work, tools and tests.
  absl::Status Run(const std::function<absl::Status(Connection&)>& fn);

  const PoolOptions& options() const { return options_; }

 private:
  struct Item {
    Work work;
    absl::Time enqueued;
  };
  void WorkerLoop();
  // Fails queued calls older than acquire_timeout while every worker is busy.
  void ExpiryLoop();
  absl::StatusOr<Connection*> EnsureConnection(std::unique_ptr<Connection>& conn);

  const PoolOptions options_;
  metrics::Metrics* const metrics_;
  absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time down_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::vector<std::thread> workers_;
  std::thread expiry_;
};

}  // namespace fhv::db
