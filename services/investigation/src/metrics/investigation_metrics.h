#pragma once

// The investigation service's domain metrics, recounted from the database: investigations
// by organisation and state, register checks overdue and the oldest undecided
// investigation's days open, per organisation. No label carries anything about a person.

#include <memory>

#include "common/db/pool.h"
#include "common/metrics/gauges.h"
#include "common/metrics/metrics.h"
#include "common/util/clock.h"

namespace fhv::investigation {

// Thread-safe. Recounts on construction and every `refresh_every` until destroyed.
class InvestigationMetrics {
 public:
  InvestigationMetrics(metrics::Metrics& metrics, db::Pool& pool, const Clock& clock,
                       absl::Duration refresh_every, int overdue_days);

 private:
  absl::Status Refresh();

  db::Pool& pool_;
  const Clock& clock_;
  const int overdue_days_;
  metrics::CountedGauges investigations_;
  metrics::CountedGauges overdue_checks_;
  metrics::CountedGauges oldest_open_days_;
  std::unique_ptr<metrics::Periodic> refresher_;  // last: stops before the rest goes
};

}  // namespace fhv::investigation
