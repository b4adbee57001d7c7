#pragma once

// Remembers bearer tokens that TokenVerifier accepted, so that a client sending the same token
// on every call is not verified again each time (an ES256 check costs tens of microseconds).

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"

namespace fhv::auth {

// A cache in front of one TokenVerifier. It never accepts what Verify would refuse: an entry is
// the exact token (by its SHA-256), used only while `now` lies between the time it was verified
// and its exp (without the verifier's leeway); otherwise the token is verified again. Holds at
// most `capacity` tokens and forgets them all when full. Thread-safe.
class VerifiedTokens {
 public:
  explicit VerifiedTokens(const TokenVerifier& verifier, size_t capacity = 4096)
      : verifier_(verifier), capacity_(capacity) {}

  // As TokenVerifier::Verify.
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time now);

 private:
  struct Entry {
    Principal principal;
    absl::Time verified_at;
  };
  const TokenVerifier& verifier_;
  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fhv::auth
