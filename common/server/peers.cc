#include "common/server/peers.h"

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace fhv::server {

Peers::Peers(std::map<std::string, std::string> addresses,
             std::shared_ptr<grpc::ChannelCredentials> credentials, auth::ServiceTokens* tokens)
    : addresses_(std::move(addresses)), credentials_(std::move(credentials)), tokens_(tokens) {}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Peers::Channel(const std::string& peer) {
  auto address = addresses_.find(peer);
  if (address == addresses_.end()) {
    return Unavailable("PEER_NOT_CONFIGURED", absl::StrCat("no address for service ", peer));
  }
  absl::MutexLock lock(&mu_);
  auto& channel = channels_[peer];
  if (!channel) channel = grpc::CreateChannel(address->second, credentials_);
  return channel;
}

std::unique_ptr<grpc::ClientContext> Peers::Context(const std::string& request_id,
                                                    absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  const std::string token = tokens_->Get();
  if (!token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  if (!request_id.empty()) ctx->AddMetadata("x-request-id", request_id);
  return ctx;
}

}  // namespace fhv::server
