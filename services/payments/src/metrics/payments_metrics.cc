#include "services/payments/src/metrics/payments_metrics.h"

#include "services/payments/sql/statements.h"

namespace fhv::payments {

PaymentsMetrics::PaymentsMetrics(metrics::Metrics& metrics, db::Pool& pool,
                                 absl::Duration refresh_every)
    : pool_(pool),
      runs_(prometheus::BuildGauge()
                .Name("fhv_payment_runs")
                .Help("Monthly payment runs by paying municipality and state")
                .Register(metrics.registry())),
      claims_waiting_(prometheus::BuildGauge()
                          .Name("fhv_payment_claims_waiting")
                          .Help("Reimbursement claims submitted and not yet decided, by paying "
                                "municipality")
                          .Register(metrics.registry())),
      refresher_(std::make_unique<metrics::Periodic>("payments gauges", refresh_every,
                                                     [this] { return Refresh(); })) {}

absl::Status PaymentsMetrics::Refresh() {
  std::map<metrics::Labels, double> runs, waiting;
  auto st = pool_.Run([&](db::Connection& conn) -> absl::Status {
    auto r = conn.Exec(sql::kRunCounts);
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      runs[{{"municipality", std::string(r->Text(i, 0))}, {"state", std::string(r->Text(i, 1))}}] =
          static_cast<double>(r->Int64(i, 2));
    }
    auto c = conn.Exec(sql::kClaimsWaiting);
    if (!c.ok()) return c.status();
    for (int i = 0; i < c->rows(); ++i) {
      waiting[{{"municipality", std::string(c->Text(i, 0))}}] = static_cast<double>(c->Int64(i, 1));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  runs_.Set(runs);
  claims_waiting_.Set(waiting);
  return absl::OkStatus();
}

}  // namespace fhv::payments
