#include "common/util/status.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace fhv {
namespace {

constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";

std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);
  for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.mutable_metadata()->insert(metadata.begin(), metadata.end());
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status NotFound(absl::string_view what) {
  return Error(absl::StatusCode::kNotFound, "NOT_FOUND", absl::StrCat(what, " not found"));
}
absl::Status FailedPrecondition(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message);
}
absl::Status PermissionDenied(absl::string_view message) {
  return Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED", message);
}
absl::Status Unauthenticated(absl::string_view message) {
  return Error(absl::StatusCode::kUnauthenticated, "UNAUTHENTICATED", message);
}
absl::Status Unavailable(absl::string_view reason, absl::string_view message) {
  return Error(absl::StatusCode::kUnavailable, reason, message);
}

absl::Status StaleEtag(absl::string_view what) {
  return Error(absl::StatusCode::kAborted, "ETAG_MISMATCH",
               absl::StrCat("the ", what, " has changed since it was read; read it again"));
}

void Violations::Add(std::string field, std::string description) {
  violations_.push_back({std::move(field), std::move(description)});
}

void Violations::Check(absl::string_view field, const absl::Status& status) {
  if (!status.ok()) Add(std::string(field), std::string(status.message()));
}

absl::Status Violations::ToStatus(absl::string_view reason) const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = "invalid request: ";
  google::rpc::BadRequest bad_request;
  const size_t listed = std::min(violations_.size(), kMaxListedViolations);
  for (size_t i = 0; i < listed; ++i) {
    auto* v = bad_request.add_field_violations();
    v->set_field(violations_[i].field);
    v->set_description(violations_[i].description);
    absl::StrAppend(&message, i ? "; " : "", violations_[i].field, ": ",
                    violations_[i].description);
  }
  if (listed < violations_.size()) {
    absl::StrAppend(&message, "; and ", violations_.size() - listed, " more");
  }
  absl::Status status = Error(absl::StatusCode::kInvalidArgument, reason, message);
  status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> GetViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  if (auto payload = status.GetPayload(kBadRequestUrl)) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*payload))) {
      for (const auto& v : bad_request.field_violations()) {
        out.push_back({v.field(), v.description()});
      }
    }
  }
  return out;
}

std::string GetReason(const absl::Status& status) {
  if (auto payload = status.GetPayload(kErrorInfoUrl)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload))) return info.reason();
  }
  return "";
}

std::map<std::string, std::string> GetErrorMetadata(const absl::Status& status) {
  std::map<std::string, std::string> out;
  if (auto payload = status.GetPayload(kErrorInfoUrl)) {
    google::rpc::ErrorInfo info;
    if (info.ParseFromString(std::string(*payload))) {
      out.insert(info.metadata().begin(), info.metadata().end());
    }
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status, absl::string_view domain) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = status.code();
  std::string message(status.message());
  if (code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown) {
    message = "internal error; the incident has been logged";
  }
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(code));
  rpc_status.set_message(message);
  google::rpc::ErrorInfo info;
  if (auto payload = status.GetPayload(kErrorInfoUrl)) {
    (void)info.ParseFromString(std::string(*payload));
  }
  if (info.reason().empty()) info.set_reason(CodeName(code));
  info.set_domain(std::string(domain));
  rpc_status.add_details()->PackFrom(info);
  if (auto payload = status.GetPayload(kBadRequestUrl)) {
    google::rpc::BadRequest bad_request;
    if (bad_request.ParseFromString(std::string(*payload))) {
      rpc_status.add_details()->PackFrom(bad_request);
    }
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), message, rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() && rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) {
      if (any.Is<google::rpc::ErrorInfo>()) {
        out.SetPayload(kErrorInfoUrl, absl::Cord(any.value()));
      } else if (any.Is<google::rpc::BadRequest>()) {
        out.SetPayload(kBadRequestUrl, absl::Cord(any.value()));
      }
    }
  }
  return out;
}

}  // namespace fhv
