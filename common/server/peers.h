#pragma once

// Calls from one service of the suite to another: a channel per peer (--peers) and this
// service's own short-lived token (--service_key), minted as "service:<name>".

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/service_tokens.h"

namespace fhv::server {

// Thread-safe.
class Peers {
 public:
  Peers(std::map<std::string, std::string> addresses,
        std::shared_ptr<grpc::ChannelCredentials> credentials, auth::ServiceTokens* tokens);

  // The channel to `peer`; UNAVAILABLE naming the peer if it has no address.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& peer);

  // A client context carrying this service's token, `request_id` and a deadline.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& request_id,
                                               absl::Duration timeout = absl::Seconds(5));

 private:
  const std::map<std::string, std::string> addresses_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  auth::ServiceTokens* const tokens_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fhv::server
