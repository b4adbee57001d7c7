#pragma once

// The path every unary RPC takes: authenticate the bearer token (UNAUTHENTICATED
// otherwise), authorize the action (PERMISSION_DENIED), run the handler on a database worker (never
// on a gRPC thread), commit its audit rows and events with its writes, and answer only after the
// audit rows are durable. Errors reach the client through the one mapping in common/util/status.h.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/audit/audit.h"
#include "common/auth/policy.h"
#include "common/auth/principal.h"
#include "common/db/connection.h"
#include "common/events/outbox.h"
#include "common/server/runtime.h"
#include "google/protobuf/message.h"

namespace fhv::server {

// What a handler knows about its call. Not thread-safe; owned by one call.
class CallContext {
 public:
  CallContext(const Runtime& rt, auth::Principal principal, std::string request_id,
              std::string method, absl::Time now)
      : rt_(rt),
        principal_(std::move(principal)),
        request_id_(std::move(request_id)),
        method_(std::move(method)),
        now_(now) {}

  const auth::Principal& principal() const { return principal_; }
  // The caller's x-request-id, or one made up for this call.
  const std::string& request_id() const { return request_id_; }
  // The RPC's method name, e.g. "SubmitInterest".
  const std::string& method() const { return method_; }
  // The clock's time when the call started; domain logic uses this, not the wall clock.
  absl::Time now() const { return now_; }

  // Records that this call read or changed a record. For writes the row is written
  // in the call's transaction; for reads it is group-committed before the answer.
  void Audit(absl::string_view resource_type, absl::string_view resource_id);
  // Reads only: records an attempt to read a record for `purpose`, kept also when the
  // call then fails (its row then says "refused"). Call before deciding whether to allow.
  void AuditAttempt(absl::string_view resource_type, absl::string_view resource_id,
                    absl::string_view purpose);
  bool audit_even_if_refused() const { return audit_even_if_refused_; }
  // Writes only: publishes `payload` about the aggregate in the call's transaction.
  void Emit(std::string aggregate_type, std::string aggregate_id,
            const google::protobuf::Message& payload);

  std::vector<audit::Entry>& audit_entries() { return audit_; }
  std::vector<events::OutgoingEvent>& events() { return events_; }
  // Drops audit rows and events of an attempt that was rolled back.
  void ResetForRetry() {
    audit_.clear();
    events_.clear();
  }

 private:
  const Runtime& rt_;
  const auth::Principal principal_;
  const std::string request_id_;
  const std::string method_;
  const absl::Time now_;
  std::vector<audit::Entry> audit_;
  std::vector<events::OutgoingEvent> events_;
  bool audit_even_if_refused_ = false;
};

using Handler = std::function<absl::Status(CallContext&, db::Connection&)>;

enum class CallKind {
  // Reads only; audit rows are group-committed; no transaction unless the handler opens one.
  kRead,
  // Runs in one transaction with its audit rows and events; retried on serialization failures.
  kWrite,
};

struct CallSpec {
  absl::string_view method;  // "SubmitInterest"
  // Checked with auth::Authorize before any work, replays included.
  auth::Action action;
  CallKind kind = CallKind::kRead;
  // For writes a client may retry: its request_id. A repeated (organisation, method,
  // request_id) returns the first response without a second effect; the same id with
  // a different request is ALREADY_EXISTS (reason REQUEST_ID_REUSED).
  absl::string_view request_id;
  // Creates: an empty request_id is INVALID_ARGUMENT (field "request_id").
  bool request_id_required = false;
};

// Serves one unary call; see the file comment. `request` and `response` must stay
// valid until the reactor finishes (gRPC guarantees this for its own arguments).
grpc::ServerUnaryReactor* Serve(Runtime& rt, grpc::CallbackServerContext* ctx, const CallSpec& spec,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response, Handler handler);

// Verifies the "authorization" metadata of `ctx`. UNAUTHENTICATED if it is missing or bad.
absl::StatusOr<auth::Principal> Authenticate(const Runtime& rt,
                                             const grpc::CallbackServerContext& ctx);

}  // namespace fhv::server
