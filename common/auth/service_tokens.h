#pragma once

// This service's own identity towards the rest of the suite: a token for
// "service:<name>" of kind internal with the role "service".

#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/util/clock.h"

namespace fhv::auth {

// Mints and caches this service's token; a new one a minute before the old expires.
// Thread-safe.
class ServiceTokens {
 public:
  // `signer` may be null: then Get() returns "".
  ServiceTokens(const auth::TokenSigner* signer, std::string service, Clock* clock)
      : signer_(signer), service_(std::move(service)), clock_(clock) {}
  std::string Get();

 private:
  const auth::TokenSigner* const signer_;
  const std::string service_;
  Clock* const clock_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace fhv::auth
