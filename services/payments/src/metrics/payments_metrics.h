#pragma once

// The payments service's domain metrics, recounted from the database: payment runs by paying
// municipality and state (a FAILED run is one the bank refused), and claims waiting for the
// paying municipality's decision. No label carries anything about a person.

#include <memory>

#include "common/db/pool.h"
#include "common/metrics/gauges.h"
#include "common/metrics/metrics.h"

namespace fhv::payments {

// Thread-safe. Recounts on construction and every `refresh_every` until destroyed.
class PaymentsMetrics {
 public:
  PaymentsMetrics(metrics::Metrics& metrics, db::Pool& pool, absl::Duration refresh_every);

 private:
  absl::Status Refresh();

  db::Pool& pool_;
  metrics::CountedGauges runs_;
  metrics::CountedGauges claims_waiting_;
  std::unique_ptr<metrics::Periodic> refresher_;  // last: stops before the rest goes
};

}  // namespace fhv::payments
