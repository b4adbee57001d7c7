// fhv-recruitment: flags and wiring only.

#include "common/server/server.h"
#include "services/recruitment/src/grpc/event_handlers.h"
#include "services/recruitment/src/grpc/recruitment_handlers.h"

namespace fhv::recruitment {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  return fhv::server::Main(
      argc, argv,
      {.name = "recruitment",
       .migrations = &fhv::recruitment::Migrations(),
       .routes = {},
       .make_services =
           [](fhv::server::Runtime& rt) {
             std::vector<std::unique_ptr<grpc::Service>> services;
             services.push_back(std::make_unique<fhv::recruitment::RecruitmentHandlers>(rt));
             return services;
           },
       .consume = fhv::recruitment::RegisterEventHandlers});
}
