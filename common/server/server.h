#pragma once

// The start-up of every fhv service binary: the same flags, the same order.
//   fhv-<service> --migrate        applies the service's migrations and exits
//   fhv-<service> --verify_audit   verifies the audit hash chains and exits
//   fhv-<service>                  serves until SIGTERM/SIGINT, then drains

#include <grpcpp/grpcpp.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/migrate.h"
#include "common/events/sink.h"
#include "common/server/runtime.h"

namespace fhv::server {

struct ServiceSpec {
  std::string name;  // "recruitment": the schema, the log/metrics service name
  const std::vector<db::MigrationFile>* migrations = nullptr;
  // Event type -> destination services that this service's events go to.
  std::map<std::string, std::vector<std::string>> routes;
  // Creates the service's gRPC services. They live until the server has stopped.
  std::function<std::vector<std::unique_ptr<grpc::Service>>(Runtime&)> make_services;
  // Registers the events this service consumes (optional).
  std::function<void(Runtime&, events::EventSink&)> consume;
  // Runs once before the server listens (optional), e.g. to bring data derived by this
  // binary's code up to date; an error stops the start.
  std::function<absl::Status(Runtime&)> prepare;
};

// Parses flags, then migrates, verifies or serves. Returns the process exit code.
int Main(int argc, char** argv, const ServiceSpec& spec);

}  // namespace fhv::server
