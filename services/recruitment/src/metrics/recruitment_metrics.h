#pragma once

// The recruitment service's domain metrics. Labels are organisation ids (kommunkod or
// organisationsnummer), enum names and campaign ids; never anything about a person.
// The gauges are recounted from the database, so every replica reports the same truth.

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <map>
#include <set>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/db/pool.h"
#include "common/metrics/metrics.h"

namespace fhv::recruitment {

// Thread-safe. Starts its refresh thread on construction and stops it on destruction.
class RecruitmentMetrics {
 public:
  RecruitmentMetrics(metrics::Metrics& metrics, db::Pool& pool, absl::Duration refresh_every);
  ~RecruitmentMetrics();

  // fhv_recruitment_matching_seconds: time to rank the homes of one FindCandidateHomes.
  prometheus::Histogram& matching_seconds() { return *matching_seconds_; }

  // Recounts the gauges now.
  absl::Status Refresh();

 private:
  using Labels = std::map<std::string, std::string>;
  // Sets `family` to exactly `values`: label sets counted before and not now go to 0.
  static void Replace(prometheus::Family<prometheus::Gauge>& family, std::set<Labels>& known,
                      const std::map<Labels, double>& values);

  db::Pool& pool_;
  const absl::Duration refresh_every_;
  prometheus::Family<prometheus::Gauge>* applicants_;
  prometheus::Family<prometheus::Gauge>* homes_;
  prometheus::Histogram* matching_seconds_;
  absl::Mutex mu_;
  std::set<Labels> known_applicants_ ABSL_GUARDED_BY(mu_);
  std::set<Labels> known_homes_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace fhv::recruitment
