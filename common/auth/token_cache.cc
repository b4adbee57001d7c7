#include "common/auth/token_cache.h"

#include "common/util/hash.h"

namespace fhv::auth {

absl::StatusOr<Principal> VerifiedTokens::Verify(std::string_view token, absl::Time now) {
  const std::string key = Sha256(absl::string_view(token.data(), token.size()));
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && now >= it->second.verified_at &&
        now <= it->second.principal.expires_at) {
      return it->second.principal;
    }
  }
  auto principal = verifier_.Verify(token, now);
  if (!principal.ok()) return principal;
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(key, Entry{*principal, now});
  return principal;
}

}  // namespace fhv::auth
