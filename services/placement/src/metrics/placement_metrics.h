#pragma once

// The placement service's domain metrics: requests by municipality and state, emergency
// requests not accepted in time, overdue statutory items by municipality and clock (recounted
// from the database), and the time requests spend in each state (observed as they leave
// it). No label carries anything about a person.

#include <prometheus/histogram.h>

#include <memory>

#include "common/db/pool.h"
#include "common/metrics/gauges.h"
#include "common/metrics/metrics.h"
#include "common/util/clock.h"
#include "fhv/placement/v1/placement_service.pb.h"

namespace fhv::placement {

// Thread-safe. Recounts on construction and every `refresh_every` until destroyed.
class PlacementMetrics {
 public:
  PlacementMetrics(metrics::Metrics& metrics, db::Pool& pool, const Clock& clock,
                   absl::Duration refresh_every, absl::Duration emergency_accept_within);

  // A request left `state` after `spent` in it.
  void LeftState(v1::PlacementRequestState state, absl::Duration spent);

 private:
  absl::Status Refresh();

  db::Pool& pool_;
  const Clock& clock_;
  const absl::Duration emergency_accept_within_;
  prometheus::Family<prometheus::Histogram>& state_seconds_;
  metrics::CountedGauges requests_;
  metrics::CountedGauges unaccepted_emergencies_;
  metrics::CountedGauges overdue_items_;
  std::unique_ptr<metrics::Periodic> refresher_;  // last: stops before the rest goes
};

}  // namespace fhv::placement
