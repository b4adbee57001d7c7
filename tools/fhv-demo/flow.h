// One child's placement through all four services of a running suite, told step by step: an
// interest, the applicant pipeline, the investigation and its approval into the registry, the
// placement request, intake, matching with its explanation, the committee's decision, the
// placement's start and its statutory clocks, and the month's payment run with its bank file.
//
// The flow acts as Malå's (2418, region familjehemsgruppen) staff, minting a ten-minute token for
// each role, so the municipality and region must exist and the signer's key must be one the
// services accept. Every run makes a new applicant, home and child (new request ids and
// personnummer), so it can run again on the same database; a month's payment run approved by an
// earlier run is shown, not repeated.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"

namespace fhv::demo {

// The gRPC addresses of each service ("recruitment", "investigation", "placement", "payments").
// With several addresses (replicas) for a service, its calls go to them in turn.
using Addresses = std::map<std::string, std::vector<std::string>>;

struct FlowOptions {
  // Where to save the bank file; not saved if empty.
  std::string out_dir;
  // How long a call answered UNAVAILABLE is retried, unchanged (the same request_id and etag),
  // e.g. while a service restarts. Zero: not retried.
  absl::Duration retry_unavailable = absl::ZeroDuration();
  // Called on the flow's thread after each numbered step, with its number (tests inject faults
  // here, between calls).
  std::function<void(int step)> after_step;
};

// What the flow made.
struct FlowIds {
  std::string applicant_id;
  std::string home_id;
  std::string placement_id;
  std::string agreement_id;
  std::string payment_run_id;
  // False when the month's run was already approved by an earlier run of the flow.
  bool run_approved = false;
};

// Runs the flow and narrates it to `out`. On the first failed call returns its status, with the
// step prefixed to the message and the error details (reason, field violations) kept.
absl::StatusOr<FlowIds> RunFlow(const Addresses& addresses, const auth::TokenSigner& signer,
                                const FlowOptions& options, std::ostream& out);

}  // namespace fhv::demo
