// fhv-payments: flags and wiring only.

#include "common/server/server.h"
#include "services/payments/src/grpc/payments_handlers.h"

namespace fhv::payments {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  return fhv::server::Main(
      argc, argv,
      {.name = "payments",
       .migrations = &fhv::payments::Migrations(),
       .make_services =
           [](fhv::server::Runtime& rt) {
             std::vector<std::unique_ptr<grpc::Service>> services;
             services.push_back(std::make_unique<fhv::payments::PaymentsHandlers>(rt));
             return services;
           },
       .consume = fhv::payments::RegisterEventHandlers});
}
