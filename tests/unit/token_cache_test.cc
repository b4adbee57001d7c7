// VerifiedTokens never accepts what TokenVerifier would refuse, and serves the same caller.

#include "common/auth/token_cache.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

using auth::Principal;
using auth::TokenVerifier;
using auth::VerifiedTokens;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

class VerifiedTokensTest : public ::testing::Test {
 protected:
  VerifiedTokensTest() {
    auto v = TokenVerifier::FromFiles({keys_.public_pem_path()}, {.issuer = "fhv-test"});
    EXPECT_TRUE(v.ok()) << v.status();
    verifier_ = std::make_unique<TokenVerifier>(*std::move(v));
  }

  std::string Mint(const Principal& p, absl::Time at, absl::Duration ttl) {
    auto token = keys_.signer().Mint(p, at, ttl);
    EXPECT_TRUE(token.ok()) << token.status();
    return *token;
  }

  TestKeys keys_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(VerifiedTokensTest, ARepeatedTokenGivesTheSameCallerAsTheVerifier) {
  VerifiedTokens tokens(*verifier_);
  const std::string token = Mint(Recruiter("0180"), kT0, absl::Hours(1));
  for (int i = 0; i < 3; ++i) {
    auto p = tokens.Verify(token, kT0 + absl::Minutes(i));
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_EQ(p->org_id, "0180");
    EXPECT_EQ(p->roles, Recruiter("0180").roles);
    EXPECT_EQ(p->expires_at, kT0 + absl::Hours(1));
  }
}

TEST_F(VerifiedTokensTest, ACachedTokenStillExpires) {
  VerifiedTokens tokens(*verifier_);
  const std::string token = Mint(Recruiter(), kT0, absl::Minutes(5));
  ASSERT_TRUE(tokens.Verify(token, kT0).ok());
  // Past exp and the verifier's leeway: refused as the verifier refuses it.
  const absl::Time late = kT0 + absl::Hours(1);
  auto p = tokens.Verify(token, late);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status(), verifier_->Verify(token, late).status());
}

TEST_F(VerifiedTokensTest, AnotherTokenIsVerifiedOnItsOwn) {
  VerifiedTokens tokens(*verifier_);
  const std::string token = Mint(Recruiter("0180"), kT0, absl::Hours(1));
  ASSERT_TRUE(tokens.Verify(token, kT0).ok());
  // The same claims with one signature character changed: not the cached token.
  std::string tampered = token;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  auto p = tokens.Verify(tampered, kT0);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kUnauthenticated);
  // A different caller's token gives that caller.
  auto other = tokens.Verify(Mint(Admin("2418"), kT0, absl::Hours(1)), kT0);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->org_id, "2418");
}

TEST_F(VerifiedTokensTest, WhenFullItForgetsAndStillAccepts) {
  VerifiedTokens tokens(*verifier_, /*capacity=*/2);
  std::vector<std::string> minted;
  for (int i = 0; i < 5; ++i) {
    minted.push_back(Mint(Recruiter(absl::StrCat(1000 + i)), kT0, absl::Hours(1)));
    ASSERT_TRUE(tokens.Verify(minted.back(), kT0).ok());
  }
  // Forgotten tokens are verified again and still accepted.
  for (const auto& token : minted) EXPECT_TRUE(tokens.Verify(token, kT0).ok());
}

}  // namespace
}  // namespace fhv::testing
