#pragma once

// The closed-loop load harness of fhv-loadgen: N callers, each making one call at a time for a
// fixed duration after a warm-up; latencies of the calls that start and end inside the measured
// window, per operation. The same statistics serve gRPC calls (callback API, no thread per
// caller) and blocking baselines (one thread per caller).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace fhv::bench {

// Ends an asynchronous call; must be invoked exactly once per started call, on any thread.
using Done = std::function<void(absl::Status)>;

// One kind of call. `start_async` starts a call and returns at once; `run_blocking` makes a
// call and returns when it ends. Exactly one of them is set. `caller` is 0..callers-1;
// `seq` counts that caller's calls, for unique ids.
struct Operation {
  std::string name;
  int weight = 1;
  std::function<void(int caller, int64_t seq, Done done)> start_async;
  std::function<absl::Status(int caller, int64_t seq)> run_blocking;
};

struct LoadOptions {
  int callers = 32;
  absl::Duration warmup = absl::Seconds(3);
  absl::Duration duration = absl::Seconds(20);
  uint64_t seed = 1;
};

struct Latencies {
  int64_t calls = 0;  // measured calls, errors included
  int64_t errors = 0;
  double qps = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
};

struct LoadResult {
  Latencies total;
  std::map<std::string, Latencies> by_operation;
  // Error text (status code and message) → count, over the whole run; at most 20 kinds.
  std::map<std::string, int64_t> errors;
  // Every failed call of the run, the warm-up and calls that ended after the window included.
  int64_t failed_calls = 0;
};

// Runs `ops` (all asynchronous or all blocking) and measures them. Each call picks its
// operation at random by weight.
LoadResult RunLoad(const std::vector<Operation>& ops, const LoadOptions& options);

// The result as a JSON object (no trailing newline).
std::string ToJson(const LoadResult& result);

}  // namespace fhv::bench
