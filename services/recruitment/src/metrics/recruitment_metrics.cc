#include "services/recruitment/src/metrics/recruitment_metrics.h"

#include "services/recruitment/sql/statements.h"

namespace fhv::recruitment {

RecruitmentMetrics::RecruitmentMetrics(metrics::Metrics& metrics, db::Pool& pool,
                                       absl::Duration refresh_every)
    : pool_(pool),
      applicants_(prometheus::BuildGauge()
                      .Name("fhv_recruitment_applicants")
                      .Help("Applicants by organisation, source, campaign and pipeline state")
                      .Register(metrics.registry())),
      homes_(prometheus::BuildGauge()
                 .Name("fhv_recruitment_homes")
                 .Help("Homes in the registry by owner, approved kind and availability")
                 .Register(metrics.registry())),
      matching_seconds_(&prometheus::BuildHistogram()
                             .Name("fhv_recruitment_matching_seconds")
                             .Help("Time to rank the candidate homes of one FindCandidateHomes")
                             .Register(metrics.registry())
                             .Add({}, metrics::LatencyBuckets())),
      refresher_(std::make_unique<metrics::Periodic>("recruitment gauges", refresh_every,
                                                     [this] { return Refresh(); })) {}

absl::Status RecruitmentMetrics::Refresh() {
  std::map<metrics::Labels, double> applicants, homes;
  auto st = pool_.Run([&](db::Connection& conn) -> absl::Status {
    auto a = conn.Exec(sql::kApplicantCounts);
    if (!a.ok()) return a.status();
    for (int i = 0; i < a->rows(); ++i) {
      applicants[{{"organisation", std::string(a->Text(i, 0))},
                  {"source", std::string(a->Text(i, 1))},
                  {"campaign", std::string(a->Text(i, 2))},
                  {"state", std::string(a->Text(i, 3))}}] = static_cast<double>(a->Int64(i, 4));
    }
    auto h = conn.Exec(sql::kHomeCounts);
    if (!h.ok()) return h.status();
    for (int i = 0; i < h->rows(); ++i) {
      homes[{{"owner", std::string(h->Text(i, 0))},
             {"kind", std::string(h->Text(i, 1))},
             {"availability", std::string(h->Text(i, 2))}}] = static_cast<double>(h->Int64(i, 3));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  applicants_.Set(applicants);
  homes_.Set(homes);
  return absl::OkStatus();
}

}  // namespace fhv::recruitment
