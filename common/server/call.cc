#include "common/server/call.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/auth/jwt.h"
#include "common/auth/token_cache.h"
#include "common/db/pool.h"
#include "common/db/transaction.h"
#include "common/util/hash.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fhv::server {
namespace {

std::string Metadata(const grpc::CallbackServerContext& ctx, absl::string_view key) {
  const auto& md = ctx.client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::string RequestIdOf(const grpc::CallbackServerContext& ctx) {
  std::string id = Metadata(ctx, "x-request-id");
  // Accept only short printable ids so that logs stay clean.
  bool ok = !id.empty() && id.size() <= 128;
  for (char c : id) ok &= c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  if (ok) return id;
  unsigned char b[12];
  RAND_bytes(b, sizeof(b));
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), sizeof(b)));
}

// Replays the stored response of a repeated request_id, or claims the id for this call.
// Returns true in `*replayed` when the response came from the store.
absl::Status ClaimIdempotencyKey(const Runtime& rt, db::Connection& conn, const CallSpec& spec,
                                 const CallContext& call, const std::string& request_hash,
                                 google::protobuf::Message* response, bool* replayed) {
  *replayed = false;
  const db::Statement claim{
      "idempotency_claim",
      absl::StrCat("INSERT INTO ", rt.schema,
                   ".idempotency (org_id, method, request_id, request_hash, response, created_at) "
                   "VALUES ($1, $2, $3, $4, ''::bytea, $5) ON CONFLICT DO NOTHING")};
  const db::Statement load{
      "idempotency_load",
      absl::StrCat("SELECT request_hash, response FROM ", rt.schema,
                   ".idempotency WHERE org_id = $1 AND method = $2 AND request_id = $3")};
  // A concurrent first attempt holds the key until it commits; this waits for it.
  auto claimed = conn.Exec(claim, {call.principal().org_id, spec.method, spec.request_id,
                                   db::Param::Bytes(request_hash), call.now()});
  if (!claimed.ok()) return claimed.status();
  if (claimed->affected() == 1) return absl::OkStatus();
  auto stored = conn.Exec(load, {call.principal().org_id, spec.method, spec.request_id});
  if (!stored.ok()) return stored.status();
  if (stored->rows() == 0) {
    return db::StatusFromSqlState("40001", "idempotency_load");  // gone again: retry
  }
  if (stored->Bytes(0, 0) != request_hash) {
    return Error(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED",
                 "request_id was already used for a different request");
  }
  if (!response->ParseFromString(stored->Bytes(0, 1))) {
    return absl::InternalError("stored response does not parse");
  }
  *replayed = true;
  return absl::OkStatus();
}

absl::Status RunWrite(Runtime& rt, db::Connection& conn, CallContext& call, const CallSpec& spec,
                      const google::protobuf::Message& request, google::protobuf::Message* response,
                      const Handler& handler) {
  std::string request_hash;
  if (!spec.request_id.empty()) {
    // Deterministic, so that the same request (maps included) always hashes the same.
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream out(&bytes);
      google::protobuf::io::CodedOutputStream coded(&out);
      coded.SetSerializationDeterministic(true);
      request.SerializePartialToCodedStream(&coded);
    }
    request_hash = Sha256(bytes);
  }
  return db::InTransaction(conn, [&]() -> absl::Status {
    call.ResetForRetry();
    response->Clear();
    if (!spec.request_id.empty()) {
      bool replayed = false;
      if (auto st = ClaimIdempotencyKey(rt, conn, spec, call, request_hash, response, &replayed);
          !st.ok()) {
        return st;
      }
      if (replayed) {  // the stored answer is a read of what the first call wrote
        call.Audit("replayed_request", spec.request_id);
        return audit::Append(conn, rt.schema, call.audit_entries());
      }
    }
    if (auto st = handler(call, conn); !st.ok()) return st;
    if (auto st = audit::Append(conn, rt.schema, call.audit_entries()); !st.ok()) return st;
    for (const auto& event : call.events()) {
      if (auto st = events::Enqueue(conn, rt.schema, *rt.router, event); !st.ok()) return st;
    }
    if (!spec.request_id.empty()) {
      const db::Statement save{
          "idempotency_save",
          absl::StrCat("UPDATE ", rt.schema,
                       ".idempotency SET response = $4 "
                       "WHERE org_id = $1 AND method = $2 AND request_id = $3")};
      auto r = conn.Exec(save, {call.principal().org_id, spec.method, spec.request_id,
                                db::Param::Bytes(response->SerializeAsString())});
      if (!r.ok()) return r.status();
    }
    return absl::OkStatus();
  });
}

}  // namespace

void CallContext::Audit(absl::string_view resource_type, absl::string_view resource_id) {
  audit_.push_back(audit::Entry{
      .occurred_at = now_,
      .actor_user = principal_.user,
      .actor_org = principal_.org_id,
      .actor_roles = absl::StrJoin(principal_.roles, ","),
      .action = absl::StrCat(rt_.service, ".", method_),
      .resource_type = std::string(resource_type),
      .resource_id = std::string(resource_id),
      .request_id = request_id_,
  });
}

void CallContext::AuditAttempt(absl::string_view resource_type, absl::string_view resource_id,
                               absl::string_view purpose) {
  // Written before the request is validated: store only what is safe to store.
  Audit(resource_type, validation::Printable(resource_id, 64));
  audit_.back().purpose = validation::Printable(purpose, 1000);
  audit_even_if_refused_ = true;
}

void CallContext::Emit(std::string aggregate_type, std::string aggregate_id,
                       const google::protobuf::Message& payload) {
  events_.push_back(events::MakeEvent(rt_.service, std::move(aggregate_type),
                                      std::move(aggregate_id), payload, now_, request_id_));
}

absl::StatusOr<auth::Principal> Authenticate(const Runtime& rt,
                                             const grpc::CallbackServerContext& ctx) {
  const std::string header = Metadata(ctx, "authorization");
  if (header.empty()) return Unauthenticated("missing authorization: Bearer <token>");
  auto token = auth::TokenVerifier::FromAuthorizationHeader(header);
  if (!token.ok()) return Unauthenticated(token.status().message());
  auto principal = rt.tokens->Verify(*token, rt.clock->Now());
  if (!principal.ok()) return Unauthenticated(principal.status().message());
  // Identities go into audit rows and logs: printable characters only.
  for (const std::string* s : {&principal->user, &principal->org_id}) {
    for (unsigned char c : *s) {
      if (c < 0x20 || c == 0x7f) return Unauthenticated("bad claim: control character");
    }
  }
  return principal;
}

grpc::ServerUnaryReactor* Serve(Runtime& rt, grpc::CallbackServerContext* ctx, const CallSpec& spec,
                                const google::protobuf::Message& request,
                                google::protobuf::Message* response, Handler handler) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const std::string request_id = RequestIdOf(*ctx);
  auto finish = [&rt, reactor, request_id, method = std::string(spec.method)](absl::Status st) {
    if (!st.ok()) {
      const bool severe = st.code() == absl::StatusCode::kInternal ||
                          st.code() == absl::StatusCode::kUnknown ||
                          st.code() == absl::StatusCode::kDataLoss;
      log::Write(severe ? log::Level::kError : log::Level::kInfo, "call failed",
                 {{"method", method},
                  {"request_id", request_id},
                  {"code", absl::StatusCodeToString(st.code())},
                  {"reason", GetReason(st)}});
    }
    reactor->Finish(ToGrpcStatus(st, rt.error_domain));
  };
  auto principal = Authenticate(rt, *ctx);
  if (!principal.ok()) {
    finish(principal.status());
    return reactor;
  }
  if (auto st = auth::Authorize(*principal, spec.action); !st.ok()) {
    finish(st);
    return reactor;
  }
  if (!spec.request_id.empty() || spec.request_id_required) {
    Violations v;
    validation::CheckRequestId(v, "request_id", spec.request_id);
    if (auto st = v.ToStatus(); !st.ok()) {
      finish(st);
      return reactor;
    }
  }
  auto call = std::make_shared<CallContext>(rt, *std::move(principal), request_id,
                                            std::string(spec.method), rt.clock->Now());
  rt.pool->Submit([&rt, ctx, call, spec, &request, response, handler = std::move(handler),
                   finish](absl::StatusOr<db::Connection*> conn) mutable {
    if (!conn.ok()) return finish(conn.status());
    if (ctx->IsCancelled()) {
      return finish(absl::CancelledError("the call was cancelled before it ran"));
    }
    absl::Status st = spec.kind == CallKind::kWrite
                          ? RunWrite(rt, **conn, *call, spec, request, response, handler)
                          : handler(*call, **conn);
    if (!st.ok() && spec.kind == CallKind::kRead && call->audit_even_if_refused()) {
      // The attempt is kept, marked refused, before the error is answered.
      for (auto& entry : call->audit_entries()) entry.outcome = "refused";
      rt.audit->Submit(
          std::move(call->audit_entries()),
          [finish, st](absl::Status audited) mutable { finish(audited.ok() ? st : audited); });
      return;
    }
    if (!st.ok()) return finish(st);
    if (spec.kind == CallKind::kRead && !call->audit_entries().empty()) {
      // Answer only once the audit rows of this read are durable.
      rt.audit->Submit(std::move(call->audit_entries()),
                       [finish](absl::Status audited) mutable { finish(audited); });
      return;
    }
    finish(absl::OkStatus());
  });
  return reactor;
}

}  // namespace fhv::server
