#pragma once

// The recruitment service's domain metrics. Labels are organisation ids (kommunkod or
// organisationsnummer), enum names and campaign ids; never anything about a person.
// The gauges are recounted from the database, so every replica reports the same truth.

#include <prometheus/histogram.h>

#include <memory>

#include "common/db/pool.h"
#include "common/metrics/gauges.h"
#include "common/metrics/metrics.h"

namespace fhv::recruitment {

// Thread-safe. Recounts on construction and every `refresh_every` until destroyed.
class RecruitmentMetrics {
 public:
  RecruitmentMetrics(metrics::Metrics& metrics, db::Pool& pool, absl::Duration refresh_every);

  // fhv_recruitment_matching_seconds: time to rank the homes of one FindCandidateHomes.
  prometheus::Histogram& matching_seconds() { return *matching_seconds_; }

 private:
  absl::Status Refresh();

  db::Pool& pool_;
  metrics::CountedGauges applicants_;
  metrics::CountedGauges homes_;
  prometheus::Histogram* matching_seconds_;
  std::unique_ptr<metrics::Periodic> refresher_;  // last: stops before the rest goes
};

}  // namespace fhv::recruitment
