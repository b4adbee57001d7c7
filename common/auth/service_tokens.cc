#include "common/auth/service_tokens.h"

#include "absl/strings/str_cat.h"

namespace fhv::auth {

std::string ServiceTokens::Get() {
  if (signer_ == nullptr) return "";
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (now + absl::Minutes(1) >= expires_) {
    Principal p;
    p.user = absl::StrCat("service:", service_);
    p.org_id = "fhv";
    p.org_kind = OrgKind::kInternal;
    p.roles = {"service"};
    auto token = signer_->Mint(p, now, absl::Minutes(10));
    if (token.ok()) {
      token_ = *std::move(token);
      expires_ = now + absl::Minutes(10);
    }
  }
  return token_;
}

}  // namespace fhv::auth
