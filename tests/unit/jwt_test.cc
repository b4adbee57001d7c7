#include "common/auth/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace fhv::auth {
namespace {

// Keys are generated at run time; no private key is ever committed.

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
constexpr char kIssuer[] = "fhv-test";

std::string B64(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

std::string Decode(absl::string_view b64) {
  std::string out;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(b64, &out));
  return out;
}

std::vector<std::string> Segments(const std::string& token) { return absl::StrSplit(token, '.'); }

struct PemPair {
  std::string private_pem;
  std::string public_pem;
};

std::string BioString(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

PemPair PemsOf(EVP_PKEY* pkey) {
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PrivateKey(priv.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr), 1);
  EXPECT_EQ(PEM_write_bio_PUBKEY(pub.get(), pkey), 1);
  return {BioString(priv.get()), BioString(pub.get())};
}

PemPair RsaPems(size_t bits) {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  EXPECT_NE(pkey, nullptr);
  return PemsOf(pkey.get());
}

PemPair EcPems() {
  absl::StatusOr<std::pair<std::string, std::string>> pair = GenerateEcKeyPair();
  EXPECT_TRUE(pair.ok()) << pair.status();
  return {pair->first, pair->second};
}

PkeyPtr ReadPrivate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Signs `input` independently of jwt.cc. ES256 gives JOSE R||S unless `der` is set.
std::string SignJose(const std::string& private_pem, bool es256, absl::string_view input,
                     bool der = false) {
  PkeyPtr pkey = ReadPrivate(private_pem);
  EXPECT_NE(pkey, nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey.get()), 1);
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &len, in, input.size()), 1);
  std::string sig(len, '\0');
  EXPECT_EQ(
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()), 1);
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  if (!es256 || der) return sig;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(ecdsa, &r, &s);
  std::string raw(64, '\0');
  BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(ecdsa);
  return raw;
}

// Claims as raw JSON values; an entry mapped to "" is left out.
using Claims = std::map<std::string, std::string>;

Claims DefaultClaims() {
  return {
      {"iss", "\"fhv-test\""},
      {"aud", "\"fhv\""},
      {"sub", "\"u-123\""},
      {"org", "\"0180\""},
      {"org_kind", "\"municipality\""},
      {"roles", "[\"recruiter\",\"admin\"]"},
      {"regions", "[\"r-stockholm\"]"},
      {"iat", absl::StrCat(absl::ToUnixSeconds(kNow))},
      {"exp", absl::StrCat(absl::ToUnixSeconds(kNow + absl::Hours(1)))},
  };
}

Claims With(Claims claims, const std::string& name, const std::string& raw_json) {
  claims[name] = raw_json;
  return claims;
}

std::string Json(const Claims& claims) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : claims) {
    if (!v.empty()) parts.push_back(absl::StrCat("\"", k, "\":", v));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

// A hand-made token: base64url(header) "." base64url(payload) "." base64url(signature by key).
std::string HandMade(absl::string_view header_json, absl::string_view payload_json,
                     const std::string& private_pem, bool es256) {
  std::string input = absl::StrCat(B64(header_json), ".", B64(payload_json));
  return absl::StrCat(input, ".", B64(SignJose(private_pem, es256, input)));
}

class JwtTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ec_ = new PemPair(EcPems());
    other_ec_ = new PemPair(EcPems());
    rsa_ = new PemPair(RsaPems(2048));
  }
  static void TearDownTestSuite() {
    delete ec_;
    delete other_ec_;
    delete rsa_;
  }

  static VerifierOptions Options() { return VerifierOptions{.issuer = kIssuer}; }

  // Knows "ec" (ES256) and "rsa" (RS256).
  static TokenVerifier Verifier() {
    absl::StatusOr<TokenVerifier> v =
        TokenVerifier::Create({{"ec", ec_->public_pem}, {"rsa", rsa_->public_pem}}, Options());
    EXPECT_TRUE(v.ok()) << v.status();
    return *std::move(v);
  }

  static TokenSigner Signer(const PemPair& keys, std::string kid) {
    absl::StatusOr<TokenSigner> s = TokenSigner::Create(keys.private_pem, std::move(kid), kIssuer);
    EXPECT_TRUE(s.ok()) << s.status();
    return *std::move(s);
  }

  static Principal Alice() {
    Principal p;
    p.user = "u-123";
    p.org_id = "0180";
    p.org_kind = OrgKind::kMunicipality;
    p.roles = {"recruiter", "admin"};
    p.regions = {"r-stockholm", "r-uppsala"};
    return p;
  }

  static std::string EcToken(const Claims& claims, absl::string_view kid = "ec") {
    return HandMade(absl::StrCat(R"({"alg":"ES256","typ":"JWT","kid":")", kid, "\"}"), Json(claims),
                    ec_->private_pem, /*es256=*/true);
  }

  static inline PemPair* ec_ = nullptr;
  static inline PemPair* other_ec_ = nullptr;
  static inline PemPair* rsa_ = nullptr;
};

// Passes iff `result` is UNAUTHENTICATED with exactly `reason` as its message.
testing::AssertionResult Refused(const absl::StatusOr<Principal>& result,
                                 absl::string_view reason) {
  if (result.ok()) return testing::AssertionFailure() << "accepted; expected \"" << reason << "\"";
  if (result.status().code() != absl::StatusCode::kUnauthenticated ||
      result.status().message() != reason) {
    return testing::AssertionFailure()
           << "got " << result.status() << "; expected UNAUTHENTICATED: " << reason;
  }
  return testing::AssertionSuccess();
}
#define EXPECT_REFUSED(expr, reason) EXPECT_TRUE(Refused((expr), (reason)))

void ExpectAlice(const Principal& p, absl::Time exp) {
  EXPECT_EQ(p.user, "u-123");
  EXPECT_EQ(p.org_id, "0180");
  EXPECT_EQ(p.org_kind, OrgKind::kMunicipality);
  EXPECT_EQ(p.roles, (std::vector<std::string>{"recruiter", "admin"}));
  EXPECT_EQ(p.regions, (std::vector<std::string>{"r-stockholm", "r-uppsala"}));
  EXPECT_EQ(p.expires_at, exp);
  EXPECT_TRUE(p.HasRole("admin"));
  EXPECT_FALSE(p.HasRole("Admin"));
}

// ---- round trips ----

TEST_F(JwtTest, Es256MintedTokenVerifiesWithEveryClaim) {
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(8));
  ASSERT_TRUE(token.ok()) << token.status();
  std::vector<std::string> seg = Segments(*token);
  ASSERT_EQ(seg.size(), 3u);
  EXPECT_EQ(Decode(seg[2]).size(), 64u);  // JOSE R||S, not DER.
  const std::string header = Decode(seg[0]);
  EXPECT_NE(header.find(R"("alg":"ES256")"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("typ":"JWT")"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("kid":"ec")"), std::string::npos) << header;
  const std::string payload = Decode(seg[1]);
  EXPECT_NE(payload.find(R"("iat":1700000000)"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("exp":1700028800)"), std::string::npos) << payload;

  absl::StatusOr<Principal> p = Verifier().Verify(*token, kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  ExpectAlice(*p, kNow + absl::Hours(8));
}

TEST_F(JwtTest, Rs256MintedTokenVerifiesWithEveryClaim) {
  TokenSigner signer = Signer(*rsa_, "rsa");
  EXPECT_EQ(signer.algorithm(), SignatureAlgorithm::kRs256);
  absl::StatusOr<std::string> token = signer.Mint(Alice(), kNow, absl::Minutes(5));
  ASSERT_TRUE(token.ok()) << token.status();
  std::vector<std::string> seg = Segments(*token);
  ASSERT_EQ(seg.size(), 3u);
  EXPECT_EQ(Decode(seg[2]).size(), 256u);
  EXPECT_NE(Decode(seg[0]).find(R"("alg":"RS256")"), std::string::npos);

  absl::StatusOr<Principal> p = Verifier().Verify(*token, kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  ExpectAlice(*p, kNow + absl::Minutes(5));
}

TEST_F(JwtTest, AgencyAndInternalPrincipalsRoundTrip) {
  Principal agency = Alice();
  agency.org_id = "5561234567";
  agency.org_kind = OrgKind::kAgency;
  agency.regions.clear();
  Principal internal = Alice();
  internal.org_id = "fhv";
  internal.org_kind = OrgKind::kInternal;
  internal.roles = {"service"};
  for (const Principal& in : {agency, internal}) {
    absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(in, kNow, absl::Hours(1));
    ASSERT_TRUE(token.ok()) << token.status();
    absl::StatusOr<Principal> out = Verifier().Verify(*token, kNow);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->org_id, in.org_id);
    EXPECT_EQ(out->org_kind, in.org_kind);
    EXPECT_EQ(out->roles, in.roles);
    EXPECT_EQ(out->regions, in.regions);
  }
}

TEST_F(JwtTest, HandMadeTokenWithoutOptionalClaimsVerifies) {
  Claims claims = DefaultClaims();
  claims["regions"] = "";
  claims["iat"] = "";
  claims["roles"] = "[]";
  absl::StatusOr<Principal> p = Verifier().Verify(EcToken(claims), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->roles.empty());
  EXPECT_TRUE(p->regions.empty());
}

// ---- time ----

TEST_F(JwtTest, ExpiredRefusedAfterLeeway) {
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  const absl::Time exp = kNow + absl::Hours(1);
  const TokenVerifier v = Verifier();  // Leeway 30s.
  EXPECT_TRUE(v.Verify(*token, exp).ok());
  EXPECT_TRUE(v.Verify(*token, exp + absl::Seconds(30)).ok());
  EXPECT_REFUSED(v.Verify(*token, exp + absl::Seconds(30) + absl::Nanoseconds(1)), "token expired");
  EXPECT_REFUSED(v.Verify(*token, exp + absl::Hours(24)), "token expired");
}

TEST_F(JwtTest, ZeroLeewayIsExact) {
  absl::StatusOr<TokenVerifier> v =
      TokenVerifier::Create({{"ec", ec_->public_pem}},
                            VerifierOptions{.issuer = kIssuer, .leeway = absl::ZeroDuration()});
  ASSERT_TRUE(v.ok());
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(v->Verify(*token, kNow + absl::Hours(1)).ok());
  EXPECT_REFUSED(v->Verify(*token, kNow + absl::Hours(1) + absl::Seconds(1)), "token expired");
}

TEST_F(JwtTest, NotBeforeInFutureRefused) {
  const TokenVerifier v = Verifier();
  const std::string in_an_hour =
      EcToken(With(DefaultClaims(), "nbf", absl::StrCat(absl::ToUnixSeconds(kNow) + 3600)));
  EXPECT_REFUSED(v.Verify(in_an_hour, kNow), "token not yet valid");
  EXPECT_TRUE(v.Verify(in_an_hour, kNow + absl::Hours(1)).ok());
  // Within leeway: nbf 30s ahead is accepted, 31s ahead is not.
  EXPECT_TRUE(
      v.Verify(EcToken(With(DefaultClaims(), "nbf", absl::StrCat(absl::ToUnixSeconds(kNow) + 30))),
               kNow)
          .ok());
  EXPECT_REFUSED(
      v.Verify(EcToken(With(DefaultClaims(), "nbf", absl::StrCat(absl::ToUnixSeconds(kNow) + 31))),
               kNow),
      "token not yet valid");
}

TEST_F(JwtTest, BadTimeClaimsRefused) {
  const TokenVerifier v = Verifier();
  Claims no_exp = DefaultClaims();
  no_exp["exp"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_exp), kNow), "missing claim: exp");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "exp", "\"1700003600\"")), kNow),
                 "bad claim: exp");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "exp", "1e300")), kNow), "bad claim: exp");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "nbf", "\"soon\"")), kNow),
                 "bad claim: nbf");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "iat", "null")), kNow), "bad claim: iat");
}

// ---- signatures and algorithms ----

TEST_F(JwtTest, SignedByAnotherKeyRefused) {
  absl::StatusOr<std::string> token = Signer(*other_ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_REFUSED(Verifier().Verify(*token, kNow), "bad signature");

  PemPair other_rsa = RsaPems(2048);
  token = Signer(other_rsa, "rsa").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_REFUSED(Verifier().Verify(*token, kNow), "bad signature");
}

TEST_F(JwtTest, AlgNoneRefused) {
  const std::string payload = B64(Json(DefaultClaims()));
  for (const char* alg : {"none", "None", "NONE"}) {
    const std::string header = B64(absl::StrCat(R"({"alg":")", alg, R"(","typ":"JWT"})"));
    EXPECT_REFUSED(Verifier().Verify(absl::StrCat(header, ".", payload, "."), kNow),
                   "unsupported algorithm");
    // Even with the kid of a real key.
    const std::string with_kid = B64(absl::StrCat(R"({"alg":")", alg, R"(","kid":"ec"})"));
    EXPECT_REFUSED(Verifier().Verify(absl::StrCat(with_kid, ".", payload, "."), kNow),
                   "unsupported algorithm");
  }
}

TEST_F(JwtTest, HmacRefusedEvenKeyedWithThePublicKey) {
  // The classic confusion: HS256 keyed with the verifier's own public key PEM.
  const std::string input = absl::StrCat(B64(R"({"alg":"HS256","typ":"JWT","kid":"rsa"})"), ".",
                                         B64(Json(DefaultClaims())));
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_len = 0;
  ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, rsa_->public_pem.data(),
                      rsa_->public_pem.size(), reinterpret_cast<const unsigned char*>(input.data()),
                      input.size(), mac, sizeof(mac), &mac_len),
            nullptr);
  const std::string token =
      absl::StrCat(input, ".", B64(absl::string_view(reinterpret_cast<char*>(mac), mac_len)));
  EXPECT_REFUSED(Verifier().Verify(token, kNow), "unsupported algorithm");
}

TEST_F(JwtTest, MissingOrOtherAlgRefused) {
  const std::string claims = Json(DefaultClaims());
  for (const char* header :
       {R"({"typ":"JWT","kid":"ec"})", R"({"alg":null,"kid":"ec"})", R"({"alg":256,"kid":"ec"})",
        R"({"alg":"es256","kid":"ec"})", R"({"alg":"ES384","kid":"ec"})",
        R"({"alg":"PS256","kid":"rsa"})", R"({"alg":["ES256"],"kid":"ec"})"}) {
    EXPECT_REFUSED(Verifier().Verify(HandMade(header, claims, ec_->private_pem, true), kNow),
                   "unsupported algorithm")
        << header;
  }
}

TEST_F(JwtTest, AlgorithmMustMatchTheKeyOfTheKid) {
  const std::string claims = Json(DefaultClaims());
  // ES256, correctly signed by the EC key, but naming the RSA key.
  EXPECT_REFUSED(Verifier().Verify(HandMade(R"({"alg":"ES256","kid":"rsa"})", claims,
                                            ec_->private_pem, /*es256=*/true),
                                   kNow),
                 "algorithm does not match key");
  // RS256, correctly signed by the RSA key, but naming the EC key.
  EXPECT_REFUSED(Verifier().Verify(HandMade(R"({"alg":"RS256","kid":"ec"})", claims,
                                            rsa_->private_pem, /*es256=*/false),
                                   kNow),
                 "algorithm does not match key");
  // The same tokens naming the right keys pass, so the refusals above are about the pairing.
  EXPECT_TRUE(
      Verifier()
          .Verify(HandMade(R"({"alg":"ES256","kid":"ec"})", claims, ec_->private_pem, true), kNow)
          .ok());
  EXPECT_TRUE(
      Verifier()
          .Verify(HandMade(R"({"alg":"RS256","kid":"rsa"})", claims, rsa_->private_pem, false),
                  kNow)
          .ok());
}

TEST_F(JwtTest, AlgorithmMustMatchTheOnlyKeyWithoutKid) {
  absl::StatusOr<TokenVerifier> rsa_only =
      TokenVerifier::Create({{"rsa", rsa_->public_pem}}, Options());
  ASSERT_TRUE(rsa_only.ok());
  const std::string claims = Json(DefaultClaims());
  EXPECT_REFUSED(
      rsa_only->Verify(HandMade(R"({"alg":"ES256"})", claims, ec_->private_pem, true), kNow),
      "algorithm does not match key");
  EXPECT_TRUE(
      rsa_only->Verify(HandMade(R"({"alg":"RS256"})", claims, rsa_->private_pem, false), kNow)
          .ok());
}

TEST_F(JwtTest, TamperedTokenRefused) {
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  std::vector<std::string> seg = Segments(*token);

  // Payload swapped for one granting another org, signature kept.
  const std::string forged_payload = B64(Json(With(DefaultClaims(), "org", "\"1480\"")));
  EXPECT_REFUSED(Verifier().Verify(absl::StrCat(seg[0], ".", forged_payload, ".", seg[2]), kNow),
                 "bad signature");

  // One bit of the signature flipped.
  std::string sig = Decode(seg[2]);
  sig[10] ^= 0x01;
  EXPECT_REFUSED(Verifier().Verify(absl::StrCat(seg[0], ".", seg[1], ".", B64(sig)), kNow),
                 "bad signature");

  // Signature removed.
  EXPECT_REFUSED(Verifier().Verify(absl::StrCat(seg[0], ".", seg[1], "."), kNow), "bad signature");
}

TEST_F(JwtTest, Es256SignatureMustBeRaw64Bytes) {
  const std::string input =
      absl::StrCat(B64(R"({"alg":"ES256","kid":"ec"})"), ".", B64(Json(DefaultClaims())));
  // A valid signature in DER form (what OpenSSL emits) is not JOSE and is refused.
  const std::string der = SignJose(ec_->private_pem, true, input, /*der=*/true);
  EXPECT_REFUSED(Verifier().Verify(absl::StrCat(input, ".", B64(der)), kNow), "bad signature");
  // Raw signature with a stray byte.
  const std::string raw = SignJose(ec_->private_pem, true, input);
  EXPECT_REFUSED(Verifier().Verify(absl::StrCat(input, ".", B64(raw + "x")), kNow),
                 "bad signature");
  EXPECT_TRUE(Verifier().Verify(absl::StrCat(input, ".", B64(raw)), kNow).ok());
}

// ---- issuer, audience, claims ----

TEST_F(JwtTest, WrongIssuerRefused) {
  EXPECT_REFUSED(Verifier().Verify(EcToken(With(DefaultClaims(), "iss", "\"someone-else\"")), kNow),
                 "wrong issuer");
  Claims no_iss = DefaultClaims();
  no_iss["iss"] = "";
  EXPECT_REFUSED(Verifier().Verify(EcToken(no_iss), kNow), "missing claim: iss");
  // Also through the signer: a token minted for another issuer.
  absl::StatusOr<TokenSigner> signer = TokenSigner::Create(ec_->private_pem, "ec", "other-issuer");
  ASSERT_TRUE(signer.ok());
  absl::StatusOr<std::string> token = signer->Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_REFUSED(Verifier().Verify(*token, kNow), "wrong issuer");
}

TEST_F(JwtTest, AudienceMustMatch) {
  const TokenVerifier v = Verifier();
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "aud", "\"other\"")), kNow),
                 "wrong audience");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "aud", R"(["a","b"])")), kNow),
                 "wrong audience");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "aud", "[]")), kNow), "wrong audience");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "aud", "7")), kNow), "bad claim: aud");
  Claims no_aud = DefaultClaims();
  no_aud["aud"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_aud), kNow), "missing claim: aud");
  EXPECT_TRUE(v.Verify(EcToken(With(DefaultClaims(), "aud", R"(["other","fhv"])")), kNow).ok());

  absl::StatusOr<TokenSigner> signer =
      TokenSigner::Create(ec_->private_pem, "ec", kIssuer, "not-fhv");
  ASSERT_TRUE(signer.ok());
  absl::StatusOr<std::string> token = signer->Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  EXPECT_REFUSED(v.Verify(*token, kNow), "wrong audience");
}

TEST_F(JwtTest, OrganisationClaimsChecked) {
  const TokenVerifier v = Verifier();
  Claims no_org = DefaultClaims();
  no_org["org"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_org), kNow), "missing claim: org");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "org", "\"\"")), kNow),
                 "missing claim: org");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "org", "180")), kNow), "bad claim: org");
  // The id must fit the kind: a kommunkod is 4 digits, an organisationsnummer 10.
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "org", "\"5561234567\"")), kNow),
                 "bad claim: org");
  EXPECT_REFUSED(v.Verify(EcToken(With(With(DefaultClaims(), "org_kind", "\"agency\""), "org",
                                       "\"556123-4567\"")),
                          kNow),
                 "bad claim: org");
  EXPECT_REFUSED(
      v.Verify(EcToken(With(With(DefaultClaims(), "org_kind", "\"internal\""), "org", "\"0180\"")),
               kNow),
      "bad claim: org");

  Claims no_kind = DefaultClaims();
  no_kind["org_kind"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_kind), kNow), "missing claim: org_kind");
  for (const char* kind : {"\"kommun\"", "\"Municipality\"", "\"admin\"", "1", "[\"agency\"]"}) {
    EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "org_kind", kind)), kNow),
                   "bad claim: org_kind")
        << kind;
  }
}

TEST_F(JwtTest, SubjectRolesAndRegionsChecked) {
  const TokenVerifier v = Verifier();
  Claims no_sub = DefaultClaims();
  no_sub["sub"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_sub), kNow), "missing claim: sub");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "sub", "\"\"")), kNow),
                 "missing claim: sub");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "sub", "42")), kNow), "bad claim: sub");

  Claims no_roles = DefaultClaims();
  no_roles["roles"] = "";
  EXPECT_REFUSED(v.Verify(EcToken(no_roles), kNow), "missing claim: roles");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "roles", "\"admin\"")), kNow),
                 "bad claim: roles");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "roles", R"(["admin",1])")), kNow),
                 "bad claim: roles");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "regions", R"({"r":1})")), kNow),
                 "bad claim: regions");
  EXPECT_REFUSED(v.Verify(EcToken(With(DefaultClaims(), "regions", R"([""])")), kNow),
                 "bad claim: regions");
}

// ---- headers and kids ----

TEST_F(JwtTest, KidSelection) {
  const std::string claims = Json(DefaultClaims());
  // Several keys: an unknown or missing kid is refused.
  EXPECT_REFUSED(Verifier().Verify(EcToken(DefaultClaims(), "nope"), kNow), "unknown key id");
  EXPECT_REFUSED(
      Verifier().Verify(HandMade(R"({"alg":"ES256"})", claims, ec_->private_pem, true), kNow),
      "unknown key id");
  EXPECT_REFUSED(Verifier().Verify(
                     HandMade(R"({"alg":"ES256","kid":7})", claims, ec_->private_pem, true), kNow),
                 "unknown key id");
  // One key: a missing kid selects it, an unknown one is still refused.
  absl::StatusOr<TokenVerifier> one = TokenVerifier::Create({{"ec", ec_->public_pem}}, Options());
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(
      one->Verify(HandMade(R"({"alg":"ES256"})", claims, ec_->private_pem, true), kNow).ok());
  EXPECT_REFUSED(one->Verify(EcToken(DefaultClaims(), "nope"), kNow), "unknown key id");
}

TEST_F(JwtTest, UnknownHeaderSemanticsRefused) {
  const std::string claims = Json(DefaultClaims());
  EXPECT_REFUSED(Verifier().Verify(HandMade(R"({"alg":"ES256","kid":"ec","crit":["exp"]})", claims,
                                            ec_->private_pem, true),
                                   kNow),
                 "unsupported header: crit");
  EXPECT_REFUSED(Verifier().Verify(HandMade(R"({"alg":"ES256","kid":"ec","typ":"JWE"})", claims,
                                            ec_->private_pem, true),
                                   kNow),
                 "unsupported token type");
}

// ---- malformed ----

TEST_F(JwtTest, MalformedTokensRefused) {
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(Verifier().Verify(*token, kNow).ok());
  std::vector<std::string> seg = Segments(*token);
  const TokenVerifier v = Verifier();

  EXPECT_REFUSED(v.Verify("", kNow), "malformed token");
  EXPECT_REFUSED(v.Verify(absl::StrCat(seg[0], ".", seg[1]), kNow), "malformed token");
  EXPECT_REFUSED(v.Verify(absl::StrCat(*token, "."), kNow), "malformed token");
  EXPECT_REFUSED(v.Verify(absl::StrCat(*token, ".", seg[2]), kNow), "malformed token");
  EXPECT_REFUSED(v.Verify(absl::StrCat(".", seg[1], ".", seg[2]), kNow), "malformed token");

  // Padding, even where it would be "correct" for standard base64.
  std::string padded_header = seg[0];
  while (padded_header.size() % 4 != 0) padded_header += '=';
  ASSERT_NE(padded_header, seg[0]) << "pick a header whose length is not a multiple of 4";
  EXPECT_REFUSED(v.Verify(absl::StrCat(padded_header, ".", seg[1], ".", seg[2]), kNow),
                 "malformed token");
  EXPECT_REFUSED(v.Verify(absl::StrCat(seg[0], ".", seg[1], ".", seg[2], "="), kNow),
                 "malformed token");

  // Characters outside base64url: standard base64's '+' and '/', whitespace, others.
  for (const char* bad : {"+", "/", " ", "\n", "%", "\xc3\xa5"}) {
    std::string header = seg[0];
    header.insert(4, bad);
    EXPECT_REFUSED(v.Verify(absl::StrCat(header, ".", seg[1], ".", seg[2]), kNow),
                   "malformed token")
        << bad;
  }
  // A non-canonical spelling (unused trailing bits set) is refused, not silently accepted.
  std::string sig = seg[2];
  ASSERT_EQ(sig.size() % 4, 2u);  // 64 bytes -> 86 chars; the last char carries 4 unused bits.
  constexpr absl::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  sig.back() = kAlphabet[kAlphabet.find(sig.back()) ^ 1];  // Set the lowest, unused bit.
  ASSERT_EQ(Decode(sig), Decode(seg[2])) << "same bytes, other spelling";
  EXPECT_REFUSED(v.Verify(absl::StrCat(seg[0], ".", seg[1], ".", sig), kNow), "malformed token");

  // Header not JSON, or JSON but not an object.
  for (const char* header : {"not json", "[\"ES256\"]", "\"ES256\"", "{\"alg\":\"ES256\"",
                             "{\"alg\":\"ES256\"} trailing"}) {
    EXPECT_REFUSED(v.Verify(absl::StrCat(B64(header), ".", seg[1], ".", seg[2]), kNow),
                   "malformed token")
        << header;
  }
  // Duplicate keys are refused, not resolved one way or the other.
  EXPECT_REFUSED(v.Verify(absl::StrCat(B64(R"({"alg":"none","alg":"ES256","kid":"ec"})"), ".",
                                       seg[1], ".", seg[2]),
                          kNow),
                 "malformed token");
  EXPECT_REFUSED(
      v.Verify(
          HandMade(R"({"alg":"ES256","kid":"ec"})",
                   absl::StrCat(Json(DefaultClaims()).substr(0, Json(DefaultClaims()).size() - 1),
                                R"(,"org":"1480"})"),
                   ec_->private_pem, true),
          kNow),
      "malformed token");
  // Payload not JSON, correctly signed.
  EXPECT_REFUSED(
      v.Verify(HandMade(R"({"alg":"ES256","kid":"ec"})", "hello", ec_->private_pem, true), kNow),
      "malformed token");
  // Deep nesting does not crash the parser.
  const std::string deep =
      absl::StrCat("{\"alg\":", std::string(2000, '['), std::string(2000, ']'), "}");
  EXPECT_REFUSED(v.Verify(absl::StrCat(B64(deep), ".", seg[1], ".", seg[2]), kNow),
                 "malformed token");
}

TEST_F(JwtTest, OversizedTokenRefused) {
  // Correctly signed but with a huge claim, so only the size check can refuse it.
  const std::string huge = EcToken(
      With(DefaultClaims(), "roles", absl::StrCat("[\"", std::string(kMaxTokenBytes, 'a'), "\"]")));
  ASSERT_GT(huge.size(), kMaxTokenBytes);
  EXPECT_REFUSED(Verifier().Verify(huge, kNow), "token too large");
  EXPECT_REFUSED(Verifier().Verify(std::string(kMaxTokenBytes + 1, 'a'), kNow), "token too large");
  EXPECT_REFUSED(Verifier().Verify(std::string(kMaxTokenBytes, 'a'), kNow), "malformed token");
}

// ---- Authorization header ----

TEST_F(JwtTest, FromAuthorizationHeader) {
  for (const char* ok : {"Bearer x", "bearer x", "BEARER x", "Bearer   x", " Bearer x "}) {
    absl::StatusOr<std::string_view> token = TokenVerifier::FromAuthorizationHeader(ok);
    ASSERT_TRUE(token.ok()) << ok << ": " << token.status();
    EXPECT_EQ(*token, "x");
  }
  struct Case {
    const char* header;
    const char* reason;
  };
  for (const Case& c :
       {Case{"Basic x", "unsupported authorization scheme"},
        Case{"Bearerx", "unsupported authorization scheme"},
        Case{"x", "unsupported authorization scheme"}, Case{"Bearer", "missing bearer token"},
        Case{"Bearer ", "missing bearer token"}, Case{"", "missing bearer token"},
        Case{"Bearer x y", "malformed token"}}) {
    absl::StatusOr<std::string_view> token = TokenVerifier::FromAuthorizationHeader(c.header);
    ASSERT_FALSE(token.ok()) << c.header;
    EXPECT_EQ(token.status().code(), absl::StatusCode::kUnauthenticated) << c.header;
    EXPECT_EQ(token.status().message(), c.reason) << c.header;
  }
}

TEST_F(JwtTest, HeaderThenVerify) {
  absl::StatusOr<std::string> token = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  const std::string header = absl::StrCat("Bearer ", *token);
  absl::StatusOr<std::string_view> extracted = TokenVerifier::FromAuthorizationHeader(header);
  ASSERT_TRUE(extracted.ok());
  EXPECT_TRUE(Verifier().Verify(*extracted, kNow).ok());
}

// ---- construction ----

TEST_F(JwtTest, VerifierCreateRefusesBadConfiguration) {
  EXPECT_EQ(TokenVerifier::Create({}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenVerifier::Create({{"ec", ec_->public_pem}}, VerifierOptions{}).status().code(),
            absl::StatusCode::kInvalidArgument);  // No issuer.
  EXPECT_EQ(TokenVerifier::Create({{"", ec_->public_pem}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenVerifier::Create({{"ec", "garbage"}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A private key is not accepted where a public key belongs.
  EXPECT_EQ(TokenVerifier::Create({{"ec", ec_->private_pem}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  // RSA below 2048 bits and curves other than P-256.
  EXPECT_EQ(TokenVerifier::Create({{"rsa", RsaPems(1024).public_pem}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  PkeyPtr p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_NE(p384, nullptr);
  const PemPair p384_pems = PemsOf(p384.get());
  EXPECT_EQ(TokenVerifier::Create({{"ec", p384_pems.public_pem}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);
  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_NE(ed, nullptr);
  EXPECT_EQ(TokenVerifier::Create({{"ed", PemsOf(ed.get()).public_pem}}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(TokenSigner::Create(p384_pems.private_pem, "k", kIssuer).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenSigner::Create(ec_->public_pem, "k", kIssuer).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TokenSigner::Create(ec_->private_pem, "k", "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, MintRefusesBadPrincipals) {
  const TokenSigner signer = Signer(*ec_, "ec");
  Principal p = Alice();
  EXPECT_EQ(signer.Mint(p, kNow, absl::ZeroDuration()).status().code(),
            absl::StatusCode::kInvalidArgument);
  p.user.clear();
  EXPECT_EQ(signer.Mint(p, kNow, absl::Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = Alice();
  p.org_id = "18";
  EXPECT_EQ(signer.Mint(p, kNow, absl::Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  p = Alice();
  p.roles.push_back("");
  EXPECT_EQ(signer.Mint(p, kNow, absl::Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(JwtTest, FromFilesNamesKeysAfterTheirFiles) {
  const std::string dir = testing::TempDir();
  const std::string ec_path = absl::StrCat(dir, "/jwt_test_ec-1.pub.pem");
  const std::string rsa_path = absl::StrCat(dir, "/jwt_test_rsa-1.pem");
  std::ofstream(ec_path) << ec_->public_pem;
  std::ofstream(rsa_path) << rsa_->public_pem;
  absl::StatusOr<TokenVerifier> v = TokenVerifier::FromFiles({ec_path, rsa_path}, Options());
  ASSERT_TRUE(v.ok()) << v.status();
  absl::StatusOr<std::string> ec_token =
      Signer(*ec_, "jwt_test_ec-1").Mint(Alice(), kNow, absl::Hours(1));
  absl::StatusOr<std::string> rsa_token =
      Signer(*rsa_, "jwt_test_rsa-1").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(ec_token.ok() && rsa_token.ok());
  EXPECT_TRUE(v->Verify(*ec_token, kNow).ok());
  EXPECT_TRUE(v->Verify(*rsa_token, kNow).ok());
  EXPECT_REFUSED(v->Verify(*Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1)), kNow),
                 "unknown key id");

  EXPECT_EQ(
      TokenVerifier::FromFiles({absl::StrCat(dir, "/no-such.pem")}, Options()).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(TokenVerifier::FromFiles({ec_path, ec_path}, Options()).status().code(),
            absl::StatusCode::kInvalidArgument);

  const std::string private_path = absl::StrCat(dir, "/jwt_test_signer.pem");
  std::ofstream(private_path) << ec_->private_pem;
  absl::StatusOr<TokenSigner> signer = TokenSigner::FromFile(private_path, "ec", kIssuer);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_TRUE(Verifier().Verify(*signer->Mint(Alice(), kNow, absl::Hours(1)), kNow).ok());
}

TEST_F(JwtTest, ConcurrentVerification) {
  const TokenVerifier v = Verifier();
  absl::StatusOr<std::string> es = Signer(*ec_, "ec").Mint(Alice(), kNow, absl::Hours(1));
  absl::StatusOr<std::string> rs = Signer(*rsa_, "rsa").Mint(Alice(), kNow, absl::Hours(1));
  ASSERT_TRUE(es.ok() && rs.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (!v.Verify(t % 2 == 0 ? *es : *rs, kNow).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(PrincipalTest, OrgKindNames) {
  for (OrgKind kind :
       {OrgKind::kMunicipality, OrgKind::kAgency, OrgKind::kInternal, OrgKind::kHome}) {
    EXPECT_EQ(ParseOrgKind(OrgKindName(kind)), kind);
  }
  EXPECT_EQ(OrgKindName(OrgKind::kHome), "home");
  EXPECT_EQ(OrgKindName(OrgKind::kMunicipality), "municipality");
  EXPECT_EQ(OrgKindName(OrgKind::kAgency), "agency");
  EXPECT_EQ(OrgKindName(OrgKind::kInternal), "internal");
  EXPECT_EQ(ParseOrgKind("Agency"), std::nullopt);
  EXPECT_EQ(ParseOrgKind(""), std::nullopt);
  EXPECT_TRUE(ValidateOrgId(OrgKind::kMunicipality, "0180").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kMunicipality, "01800").ok());
  EXPECT_TRUE(ValidateOrgId(OrgKind::kAgency, "5561234567").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kAgency, "556123456a").ok());
  EXPECT_TRUE(ValidateOrgId(OrgKind::kInternal, "fhv").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kInternal, "FHV").ok());
  EXPECT_TRUE(ValidateOrgId(OrgKind::kHome, "3f1c2f0a-9e11-4a8a-9c57-0b6e4c1e4d2c").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kHome, "").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kHome, "home 1").ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kHome, std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateOrgId(OrgKind::kHome, "0180").ok());  // a kommunkod
  EXPECT_FALSE(ValidateOrgId(OrgKind::kHome, "fhv").ok());
}

}  // namespace
}  // namespace fhv::auth
