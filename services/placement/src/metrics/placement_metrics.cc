#include "services/placement/src/metrics/placement_metrics.h"

#include "common/util/dates.h"
#include "services/placement/sql/statements.h"

namespace fhv::placement {

PlacementMetrics::PlacementMetrics(metrics::Metrics& metrics, db::Pool& pool, const Clock& clock,
                                   absl::Duration refresh_every,
                                   absl::Duration emergency_accept_within)
    : pool_(pool),
      clock_(clock),
      emergency_accept_within_(emergency_accept_within),
      state_seconds_(prometheus::BuildHistogram()
                         .Name("fhv_placement_request_state_seconds")
                         .Help("Time placement requests spent in a state before leaving it")
                         .Register(metrics.registry())),
      requests_(prometheus::BuildGauge()
                    .Name("fhv_placement_requests")
                    .Help("Placement requests by owning municipality and state")
                    .Register(metrics.registry())),
      unaccepted_emergencies_(prometheus::BuildGauge()
                                  .Name("fhv_placement_emergency_requests_unaccepted")
                                  .Help("Emergency requests submitted longer ago than the "
                                        "configured hours and not yet accepted, by municipality")
                                  .Register(metrics.registry())),
      overdue_items_(prometheus::BuildGauge()
                         .Name("fhv_placement_statutory_items_overdue")
                         .Help("Statutory items of active placements past their due date, by "
                               "municipality and clock")
                         .Register(metrics.registry())),
      refresher_(std::make_unique<metrics::Periodic>("placement gauges", refresh_every,
                                                     [this] { return Refresh(); })) {}

void PlacementMetrics::LeftState(v1::PlacementRequestState state, absl::Duration spent) {
  // From an hour to about four months.
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      3600, 4 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 60 * 86400, 120 * 86400};
  state_seconds_.Add({{"state", v1::PlacementRequestState_Name(state)}}, *buckets)
      .Observe(absl::ToDoubleSeconds(spent));
}

absl::Status PlacementMetrics::Refresh() {
  std::map<metrics::Labels, double> requests, emergencies, overdue;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = Today(now);
  auto st = pool_.Run([&](db::Connection& conn) -> absl::Status {
    auto r = conn.Exec(sql::kRequestCounts);
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      requests[{{"municipality", std::string(r->Text(i, 0))},
                {"state", std::string(r->Text(i, 1))}}] = static_cast<double>(r->Int64(i, 2));
    }
    auto e = conn.Exec(sql::kUnacceptedEmergencies, {now - emergency_accept_within_});
    if (!e.ok()) return e.status();
    for (int i = 0; i < e->rows(); ++i) {
      emergencies[{{"municipality", std::string(e->Text(i, 0))}}] =
          static_cast<double>(e->Int64(i, 1));
    }
    auto o = conn.Exec(sql::kOverdueCounts, {today});
    if (!o.ok()) return o.status();
    for (int i = 0; i < o->rows(); ++i) {
      overdue[{{"municipality", std::string(o->Text(i, 0))},
               {"kind", v1::StatutoryClockKind_Name(static_cast<v1::StatutoryClockKind>(
                            o->Int64(i, 1)))}}] = static_cast<double>(o->Int64(i, 2));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  requests_.Set(requests);
  unaccepted_emergencies_.Set(emergencies);
  overdue_items_.Set(overdue);
  return absl::OkStatus();
}

}  // namespace fhv::placement
