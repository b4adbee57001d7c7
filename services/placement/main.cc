// fhv-placement: flags and wiring only.

#include "absl/flags/flag.h"
#include "common/server/server.h"
#include "services/placement/src/grpc/placement_handlers.h"
#include "services/placement/src/jobs/due_dates.h"

ABSL_FLAG(int, emergency_accept_hours, 4,
          "emergency requests not accepted within this many hours are counted as late");

namespace fhv::placement {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  // Recruitment keeps each home's occupancy from the placements' start and end; payments
  // starts and ends the home's agreement.
  std::map<std::string, std::vector<std::string>> routes;
  for (const char* type :
       {"fhv.placement.v1.PlacementStartedEvent", "fhv.placement.v1.PlacementEndedEvent"}) {
    routes[type] = {"recruitment", "payments"};
  }
  return fhv::server::Main(
      argc, argv,
      {.name = "placement",
       .migrations = &fhv::placement::Migrations(),
       .routes = routes,
       .make_services =
           [](fhv::server::Runtime& rt) {
             std::vector<std::unique_ptr<grpc::Service>> services;
             services.push_back(std::make_unique<fhv::placement::PlacementHandlers>(
                 rt, fhv::placement::Settings{.emergency_accept_within = absl::Hours(
                                                  absl::GetFlag(FLAGS_emergency_accept_hours))}));
             return services;
           },
       .prepare =
           [](fhv::server::Runtime& rt) {
             return fhv::placement::PrepareDueDates(*rt.pool, *rt.clock);
           }});
}
