#pragma once

// Domain gauges recounted from the database: a family set to exactly the latest counts,
// and a thread that recounts them periodically.

#include <prometheus/family.h>
#include <prometheus/gauge.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace fhv::metrics {

using Labels = std::map<std::string, std::string>;

// Thread-safe.
class CountedGauges {
 public:
  explicit CountedGauges(prometheus::Family<prometheus::Gauge>& family) : family_(family) {}
  // Sets the family to `values`; label sets counted before and missing now go to 0.
  void Set(const std::map<Labels, double>& values);

 private:
  prometheus::Family<prometheus::Gauge>& family_;
  absl::Mutex mu_;
  std::set<Labels> known_ ABSL_GUARDED_BY(mu_);
};

// Runs `refresh` at once and then every `interval` on a thread of its own until
// destroyed; failures are logged as `what`.
class Periodic {
 public:
  Periodic(std::string what, absl::Duration interval, std::function<absl::Status()> refresh);
  ~Periodic();

 private:
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace fhv::metrics
