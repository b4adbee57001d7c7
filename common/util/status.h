#pragma once

// The suite's one error model. Every layer returns absl::Status; the reason
// (google.rpc.ErrorInfo) and field violations (google.rpc.BadRequest) travel as
// payloads and become the gRPC status details in ToGrpcStatus().

#include <grpcpp/support/status.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fhv {

struct FieldViolation {
  std::string field;        // Path of the field, e.g. "adults[0].personnummer".
  std::string description;  // Why it is not accepted; never the value itself.
};

// Returns a status with `code`, `message` and an UPPER_SNAKE `reason`, plus optional
// ErrorInfo `metadata` (e.g. {"state": "APPLICANT_STATE_NEW"}). Neither `message` nor
// `metadata` may contain personal data or SQL.
absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::map<std::string, std::string>& metadata = {});
// The ErrorInfo metadata carried by `status` (empty if none).
std::map<std::string, std::string> GetErrorMetadata(const absl::Status& status);

// Convenience constructors for the common cases.
absl::Status NotFound(absl::string_view what);  // reason NOT_FOUND, "<what> not found"
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message);
absl::Status PermissionDenied(absl::string_view message);
absl::Status Unauthenticated(absl::string_view message);
absl::Status Unavailable(absl::string_view reason, absl::string_view message);
// ABORTED, reason ETAG_MISMATCH: "the <what> has changed since it was read; read it again".
absl::Status StaleEtag(absl::string_view what);

// Collects field violations of one request. Thread-compatible.
class Violations {
 public:
  void Add(std::string field, std::string description);
  // Adds `status.message()` as a violation of `field` if `status` is not OK.
  void Check(absl::string_view field, const absl::Status& status);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& list() const { return violations_; }
  // OK if there are no violations, else INVALID_ARGUMENT (with `reason`) carrying the first
  // kMaxListedViolations (the message counts the rest): an answer's trailers stay small however
  // bad the request.
  absl::Status ToStatus(absl::string_view reason = "INVALID_ARGUMENT") const;
  static constexpr size_t kMaxListedViolations = 20;

 private:
  std::vector<FieldViolation> violations_;
};

// Returns the field violations carried by `status` (empty if none).
std::vector<FieldViolation> GetViolations(const absl::Status& status);
// Returns the ErrorInfo reason carried by `status` ("" if none).
std::string GetReason(const absl::Status& status);

// Converts to a gRPC status with google.rpc.Status details (ErrorInfo with `domain`,
// BadRequest when there are violations). Codes map one to one. A status without
// a reason gets the code's name as reason. INTERNAL and UNKNOWN messages are replaced
// by a generic text so that no internal detail reaches a client.
grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain);

// The inverse, for clients and tests: keeps code, message, reason and violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace fhv
