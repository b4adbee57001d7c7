#include "services/investigation/src/metrics/investigation_metrics.h"

#include "common/util/dates.h"
#include "services/investigation/sql/statements.h"
#include "services/investigation/src/domain/investigation.h"
#include "services/investigation/src/storage/investigation_store.h"

namespace fhv::investigation {

InvestigationMetrics::InvestigationMetrics(metrics::Metrics& metrics, db::Pool& pool,
                                           const Clock& clock, absl::Duration refresh_every,
                                           int overdue_days)
    : pool_(pool),
      clock_(clock),
      overdue_days_(overdue_days),
      investigations_(prometheus::BuildGauge()
                          .Name("fhv_investigation_investigations")
                          .Help("Investigations by organisation and state")
                          .Register(metrics.registry())),
      overdue_checks_(prometheus::BuildGauge()
                          .Name("fhv_investigation_register_checks_overdue")
                          .Help("Register checks of undecided investigations unanswered for at "
                                "least the configured number of days, by organisation")
                          .Register(metrics.registry())),
      oldest_open_days_(prometheus::BuildGauge()
                            .Name("fhv_investigation_oldest_open_days")
                            .Help("Days open of the oldest undecided investigation, by "
                                  "organisation")
                            .Register(metrics.registry())),
      refresher_(std::make_unique<metrics::Periodic>("investigation gauges", refresh_every,
                                                     [this] { return Refresh(); })) {}

absl::Status InvestigationMetrics::Refresh() {
  std::map<metrics::Labels, double> counts, overdue, oldest;
  const absl::CivilDay today = Today(clock_.Now());
  auto st = pool_.Run([&](db::Connection& conn) -> absl::Status {
    auto r = conn.Exec(sql::kCounts);
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      counts[{{"organisation", std::string(r->Text(i, 0))},
              {"state", std::string(r->Text(i, 1))}}] = static_cast<double>(r->Int64(i, 2));
    }
    auto undecided = InvestigationStore::Undecided(conn, "");
    if (!undecided.ok()) return undecided.status();
    for (auto& s : *undecided) {
      Derive(s.investigation, today);
      const metrics::Labels org{{"organisation", s.org_id}};
      double& days = oldest[org];
      days = std::max(days, static_cast<double>(s.investigation.days_open()));
      double& late = overdue[org];
      for (const auto& c : s.investigation.register_checks()) {
        late += c.outcome() == v1::REGISTER_CHECK_OUTCOME_UNSPECIFIED &&
                c.days_waiting() >= overdue_days_;
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  investigations_.Set(counts);
  overdue_checks_.Set(overdue);
  oldest_open_days_.Set(oldest);
  return absl::OkStatus();
}

}  // namespace fhv::investigation
