// fhv-investigation: flags and wiring only. The service's RPCs arrive with its own issue; until
// then the binary migrates, serves health and reflection, and answers UNIMPLEMENTED.

#include "common/server/server.h"

namespace fhv::investigation {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  return fhv::server::Main(argc, argv,
                           {.name = "investigation",
                            .migrations = &fhv::investigation::Migrations(),
                            .make_services = [](fhv::server::Runtime&) {
                              return std::vector<std::unique_ptr<grpc::Service>>{};
                            }});
}
