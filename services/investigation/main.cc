// fhv-investigation: flags and wiring only.

#include "absl/flags/flag.h"
#include "common/server/server.h"
#include "services/investigation/src/grpc/investigation_handlers.h"

ABSL_FLAG(int, overdue_register_check_days, 30,
          "register checks unanswered this many days are overdue");

namespace fhv::investigation {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  // Every event goes to the recruitment service, which keeps applicants and the registry.
  std::map<std::string, std::vector<std::string>> routes;
  for (const char* type :
       {"fhv.investigation.v1.InvestigationOpenedEvent", "fhv.investigation.v1.HomeApprovedEvent",
        "fhv.investigation.v1.HomeApprovalUpdatedEvent",
        "fhv.investigation.v1.HomeApprovalRevokedEvent", "fhv.investigation.v1.HomeRejectedEvent",
        "fhv.investigation.v1.InvestigationDiscontinuedEvent"}) {
    routes[type] = {"recruitment"};
  }
  return fhv::server::Main(
      argc, argv,
      {.name = "investigation",
       .migrations = &fhv::investigation::Migrations(),
       .routes = routes,
       .make_services = [](fhv::server::Runtime& rt) {
         std::vector<std::unique_ptr<grpc::Service>> services;
         services.push_back(std::make_unique<fhv::investigation::InvestigationHandlers>(
             rt, fhv::investigation::Settings{.overdue_register_check_days = absl::GetFlag(
                                                  FLAGS_overdue_register_check_days)}));
         return services;
       }});
}
