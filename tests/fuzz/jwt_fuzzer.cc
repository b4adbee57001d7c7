// Fuzzes bearer token parsing and verification (common/auth/jwt.h) with a fixed test key, so that
// fuzzed claims get past the signature. The first input byte picks a mode:
//   raw     the rest is a token (and an "authorization" header value) as a client sends it;
//   signed  a header and a payload of fuzzed JSON, correctly signed with the test key;
//   minted  a principal of fuzzed fields, minted by TokenSigner at a fuzzed time.
//
// Properties:
// - Verify never crashes; it returns a principal or UNAUTHENTICATED with one of the documented
//   reasons, never anything else (so never the token's text).
// - A verified principal is well formed: a user, an org id that fits its kind, no empty role or
//   region, not expired at the time of the check.
// - A correctly signed token is never refused for its signature.
// - Changing any one byte of a token that verifies makes it fail.
// - Mint succeeds exactly when its documented preconditions hold (text that is not ASCII may be
//   refused as not UTF-8), and Verify gives back the minted principal, with exp = now + ttl rounded
//   down to the second: valid up to exp + leeway, expired 1 ns later. Without a kid it verifies
//   only where there is a single key.
// - FromAuthorizationHeader returns a non-empty word inside the header, which "Bearer <word>"
//   gives back again; otherwise one of its documented reasons.
//
// The test key pair is derived from a fixed, public label: nothing secret, and the same key in
// every run, so the tokens in the corpus stay valid.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "tests/fuzz/fuzz_input.h"

namespace fhv::fuzz {
namespace {

using auth::OrgKind;
using auth::Principal;
using auth::TokenSigner;
using auth::TokenVerifier;

constexpr char kIssuer[] = "fhv-fuzz";
constexpr char kKid[] = "fuzz";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);
const absl::Duration kLeeway = absl::Seconds(30);  // VerifierOptions' default.
// The latest "exp" Verify accepts (the end of year 9999).
constexpr int64_t kMaxNumericDate = 253'402'300'799;

enum Mode : uint8_t { kRaw, kSigned, kMinted, kModes };

// ---- the test key ----

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz setup failed: %s\n", what);
    std::abort();
  }
}

// An EC P-256 key pair whose private scalar is SHA-256(`label`).
PkeyPtr KeyFromLabel(std::string_view label) {
  unsigned char scalar[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(label.data()), label.size(), scalar);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> priv(BN_bin2bn(scalar, sizeof(scalar), nullptr),
                                                   &BN_free);
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1), &EC_GROUP_free);
  Require(priv != nullptr && group != nullptr, "EC group");
  std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> pub(EC_POINT_new(group.get()),
                                                          &EC_POINT_free);
  unsigned char pub_octets[65];
  Require(pub != nullptr &&
              EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, nullptr) == 1,
          "public point");
  const size_t pub_len = EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED,
                                            pub_octets, sizeof(pub_octets), nullptr);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        &OSSL_PARAM_BLD_free);
  Require(pub_len == sizeof(pub_octets) && build != nullptr &&
              OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                              SN_X9_62_prime256v1, 0) == 1 &&
              OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) == 1 &&
              OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_octets,
                                               pub_len) == 1,
          "key parameters");
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  Require(params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
              EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) == 1,
          "EVP_PKEY_fromdata");
  return PkeyPtr(pkey);
}

std::string Pem(EVP_PKEY* pkey, bool private_key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  Require(bio != nullptr && (private_key ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr,
                                                                    nullptr, 0, nullptr, nullptr)
                                         : PEM_write_bio_PUBKEY(bio.get(), pkey)) == 1,
          "PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// The JOSE ES256 signature (R||S, 32 bytes each) of `input`.
std::string Es256Sign(EVP_PKEY* pkey, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  Require(ctx != nullptr &&
              EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
              EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()) == 1,
          "sign");
  std::string der(len, '\0');
  Require(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in,
                         input.size()) == 1,
          "sign");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)), &ECDSA_SIG_free);
  Require(sig != nullptr, "DER signature");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  Require(BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) == 32 &&
              BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) == 32,
          "raw signature");
  return raw;
}

struct Fixture {
  PkeyPtr key;
  std::optional<TokenSigner> signer;          // kid "fuzz"
  std::optional<TokenSigner> signer_no_kid;   // no kid in the header
  std::optional<TokenVerifier> verifier;      // the test key alone
  std::optional<TokenVerifier> verifier_two;  // the test key and another one
};

Fixture& TheFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    f->key = KeyFromLabel("fhv fuzz test key; public by design, never trusted anywhere");
    PkeyPtr other = KeyFromLabel("fhv fuzz second test key");
    const std::string private_pem = Pem(f->key.get(), true);
    const std::string public_pem = Pem(f->key.get(), false);
    auto signer = TokenSigner::Create(private_pem, kKid, kIssuer);
    auto signer_no_kid = TokenSigner::Create(private_pem, "", kIssuer);
    auto verifier = TokenVerifier::Create({{kKid, public_pem}}, {.issuer = kIssuer});
    auto verifier_two = TokenVerifier::Create(
        {{kKid, public_pem}, {"other", Pem(other.get(), false)}}, {.issuer = kIssuer});
    Require(signer.ok() && signer_no_kid.ok() && verifier.ok() && verifier_two.ok(),
            "signer and verifiers");
    f->signer.emplace(*std::move(signer));
    f->signer_no_kid.emplace(*std::move(signer_no_kid));
    f->verifier.emplace(*std::move(verifier));
    f->verifier_two.emplace(*std::move(verifier_two));
    return f;
  }();
  return *fixture;
}

// ---- properties ----

std::string B64(std::string_view data) {
  return absl::WebSafeBase64Escape(absl::string_view(data.data(), data.size()));
}

std::string Short(std::string_view token) {
  return absl::CHexEscape(absl::string_view(token.data(), std::min<size_t>(token.size(), 400)));
}

// The documented reasons Verify may give.
bool IsDocumentedReason(std::string_view message) {
  static const std::set<std::string, std::less<>> kReasons = [] {
    std::set<std::string, std::less<>> reasons = {"token too large",
                                                  "malformed token",
                                                  "unsupported algorithm",
                                                  "unsupported token type",
                                                  "unsupported header: crit",
                                                  "unknown key id",
                                                  "algorithm does not match key",
                                                  "bad signature",
                                                  "wrong issuer",
                                                  "wrong audience",
                                                  "token expired",
                                                  "token not yet valid"};
    for (const char* claim :
         {"iss", "aud", "exp", "nbf", "iat", "sub", "org", "org_kind", "roles", "regions"}) {
      reasons.insert(absl::StrCat("missing claim: ", claim));
      reasons.insert(absl::StrCat("bad claim: ", claim));
    }
    return reasons;
  }();
  return kReasons.count(message) > 0;
}

// Checks what Verify gave for `token` at `now`.
void CheckVerified(const absl::StatusOr<Principal>& result, std::string_view token,
                   absl::Time now) {
  const std::string context = absl::StrCat("token \"", Short(token), "\"");
  if (!result.ok()) {
    FHV_FUZZ_CHECK(result.status().code() == absl::StatusCode::kUnauthenticated &&
                       IsDocumentedReason(std::string(result.status().message())),
                   absl::StrCat(context, ": ", result.status().ToString()));
    return;
  }
  const Principal& p = *result;
  FHV_FUZZ_CHECK(!p.user.empty(), context);
  FHV_FUZZ_CHECK(auth::ValidateOrgId(p.org_kind, p.org_id).ok(), context);
  for (const auto& list : {p.roles, p.regions}) {
    for (const auto& item : list) FHV_FUZZ_CHECK(!item.empty(), context);
  }
  FHV_FUZZ_CHECK(now <= p.expires_at + kLeeway, context);
}

// A token that verifies fails once any one of its bytes changes.
void CheckTamperFails(const TokenVerifier& verifier, const std::string& token, absl::Time now,
                      size_t position, char replacement) {
  if (token.empty()) return;
  std::string tampered = token;
  tampered[position % tampered.size()] = replacement;
  if (tampered == token) return;
  auto result = verifier.Verify(tampered, now);
  FHV_FUZZ_CHECK(!result.ok(), absl::StrCat("verified after a change: \"", Short(tampered),
                                            "\" from \"", Short(token), "\""));
  CheckVerified(result, tampered, now);
}

void CheckAuthorizationHeader(std::string_view header) {
  auto token = TokenVerifier::FromAuthorizationHeader(header);
  const std::string context = absl::StrCat("header \"", Short(header), "\"");
  if (!token.ok()) {
    const std::string message(token.status().message());
    FHV_FUZZ_CHECK(
        token.status().code() == absl::StatusCode::kUnauthenticated &&
            (message == "missing bearer token" || message == "unsupported authorization scheme" ||
             message == "malformed token"),
        absl::StrCat(context, ": ", token.status().ToString()));
    return;
  }
  FHV_FUZZ_CHECK(!token->empty() && token->data() >= header.data() &&
                     token->data() + token->size() <= header.data() + header.size(),
                 context);
  for (char c : *token) {
    FHV_FUZZ_CHECK(!absl::ascii_isspace(static_cast<unsigned char>(c)), context);
  }
  const std::string again_header = absl::StrCat("Bearer ", std::string(*token));
  auto again = TokenVerifier::FromAuthorizationHeader(again_header);
  FHV_FUZZ_CHECK(again.ok() && *again == *token, context);
}

void Raw(Reader& in) {
  const size_t position = in.Int<uint16_t>();
  const char replacement = static_cast<char>(in.Int<uint8_t>());
  const std::string token = in.Rest();
  const Fixture& f = TheFixture();
  auto result = f.verifier->Verify(token, kNow);
  CheckVerified(result, token, kNow);
  if (result.ok()) CheckTamperFails(*f.verifier, token, kNow, position, replacement);
  CheckVerified(f.verifier_two->Verify(token, kNow), token, kNow);
  CheckAuthorizationHeader(token);
}

void Signed(Reader& in) {
  const size_t position = in.Int<uint16_t>();
  const char replacement = static_cast<char>(in.Int<uint8_t>());
  const std::string header = in.String(512);
  const std::string payload = in.Rest();
  const Fixture& f = TheFixture();
  const std::string signing_input = absl::StrCat(B64(header), ".", B64(payload));
  const std::string token =
      absl::StrCat(signing_input, ".", B64(Es256Sign(f.key.get(), signing_input)));
  auto result = f.verifier->Verify(token, kNow);
  CheckVerified(result, token, kNow);
  FHV_FUZZ_CHECK(result.ok() || result.status().message() != "bad signature",
                 absl::StrCat("header ", absl::CHexEscape(header)));
  if (result.ok()) CheckTamperFails(*f.verifier, token, kNow, position, replacement);
}

std::string Digits(Reader& in, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + in.Int<uint8_t>(0, 9)));
  return out;
}

void Minted(Reader& in) {
  const size_t position = in.Int<uint16_t>();
  const char replacement = static_cast<char>(in.Int<uint8_t>());
  const bool with_kid = !in.Bool();
  Principal p;
  p.user = in.String(64);
  p.org_kind = static_cast<OrgKind>(in.Int<uint8_t>(0, 3));
  switch (in.Int<uint8_t>(0, 4)) {
    case 0:
      p.org_id = Digits(in, 4);
      break;
    case 1:
      p.org_id = Digits(in, 10);
      break;
    case 2:
      p.org_id = "fhv";
      break;
    default:
      p.org_id = in.String(70);
      break;
  }
  p.roles.resize(in.Int<uint8_t>(0, 3));
  for (auto& role : p.roles) role = in.String(24);
  p.regions.resize(in.Int<uint8_t>(0, 3));
  for (auto& region : p.regions) region = in.String(24);
  constexpr int64_t kMaxTtlSeconds = 400 * 24 * 3600;
  const absl::Time now =
      absl::FromUnixMillis(in.Int<int64_t>(0, (kMaxNumericDate - kMaxTtlSeconds) * 1000));
  const int64_t ttl_seconds = in.Int<int64_t>(-10, kMaxTtlSeconds);
  const absl::Duration ttl = absl::Seconds(ttl_seconds);

  const Fixture& f = TheFixture();
  auto token = (with_kid ? f.signer : f.signer_no_kid)->Mint(p, now, ttl);
  bool want_ok =
      ttl_seconds > 0 && !p.user.empty() && auth::ValidateOrgId(p.org_kind, p.org_id).ok();
  // Non-ASCII text may be refused as not UTF-8; ASCII is always UTF-8.
  bool ascii = absl::c_all_of(p.user, absl::ascii_isascii);
  for (const auto& list : {p.roles, p.regions}) {
    for (const auto& item : list) {
      want_ok = want_ok && !item.empty();
      ascii = ascii && absl::c_all_of(item, absl::ascii_isascii);
    }
  }
  const auto escaped = [](const std::vector<std::string>& list) {
    std::vector<std::string> out;
    for (const auto& item : list) out.push_back(absl::StrCat("\"", absl::CHexEscape(item), "\""));
    return absl::StrCat("[", absl::StrJoin(out, ","), "]");
  };
  const std::string context = absl::StrCat(
      "user \"", absl::CHexEscape(p.user), "\" org \"", absl::CHexEscape(p.org_id), "\" kind ",
      std::string(auth::OrgKindName(p.org_kind)), " roles ", escaped(p.roles), " regions ",
      escaped(p.regions), " now ", absl::FormatTime(now), " ttl ", ttl_seconds, "s");
  const std::string outcome = token.ok() ? "minted" : token.status().ToString();
  FHV_FUZZ_CHECK(!token.ok() || want_ok, absl::StrCat(context, ": ", outcome));
  if (!token.ok()) {
    FHV_FUZZ_CHECK(token.status().code() == absl::StatusCode::kInvalidArgument,
                   absl::StrCat(context, ": ", outcome));
    FHV_FUZZ_CHECK(!want_ok || (!ascii && absl::StrContains(token.status().message(), "UTF-8")),
                   absl::StrCat(context, ": ", outcome));
    return;
  }

  auto verified = f.verifier->Verify(*token, now);
  FHV_FUZZ_CHECK(verified.ok(), absl::StrCat(context, ": ", verified.status().ToString()));
  const absl::Time exp = absl::FromUnixSeconds(absl::ToUnixSeconds(now + ttl));
  FHV_FUZZ_CHECK(verified->user == p.user && verified->org_id == p.org_id &&
                     verified->org_kind == p.org_kind && verified->roles == p.roles &&
                     verified->regions == p.regions && verified->expires_at == exp,
                 context);
  FHV_FUZZ_CHECK(f.verifier->Verify(*token, exp + kLeeway).ok(), context);
  auto expired = f.verifier->Verify(*token, exp + kLeeway + absl::Nanoseconds(1));
  FHV_FUZZ_CHECK(!expired.ok() && expired.status().message() == "token expired", context);
  // A missing kid picks the key only where there is just one.
  auto two = f.verifier_two->Verify(*token, now);
  FHV_FUZZ_CHECK(with_kid ? two.ok() : two.status().message() == "unknown key id", context);
  CheckTamperFails(*f.verifier, *token, now, position, replacement);
}

// ---- seeds ----

std::string MintedToken(const TokenSigner& signer, OrgKind kind, std::string org) {
  Principal p;
  p.user = "u-fuzz-1";
  p.org_kind = kind;
  p.org_id = std::move(org);
  p.roles = {"case_worker", "finance_officer"};
  p.regions = {"r-1"};
  auto token = signer.Mint(p, kNow - absl::Minutes(1), absl::Hours(1));
  Require(token.ok(), "seed token");
  return *token;
}

std::vector<std::pair<std::string, std::string>> Seeds() {
  const Fixture& f = TheFixture();
  const std::string valid = MintedToken(*f.signer, OrgKind::kMunicipality, "2418");
  const auto raw = [](std::string_view token) {
    return Writer().Int<uint8_t>(kRaw).Int<uint16_t>(40).Int<uint8_t>('A').Rest(token).bytes();
  };
  const auto signed_json = [](std::string_view header, std::string_view payload) {
    return Writer()
        .Int<uint8_t>(kSigned)
        .Int<uint16_t>(10)
        .Int<uint8_t>('x')
        .String(header)
        .Rest(payload)
        .bytes();
  };
  const std::string header = R"({"alg":"ES256","typ":"JWT","kid":"fuzz"})";
  const std::string claims =
      R"("iss":"fhv-fuzz","sub":"u-1","org":"2418","org_kind":"municipality",)"
      R"("roles":["case_worker"],"regions":["r-1"],"iat":1699999940,"exp":1700003540)";
  std::vector<std::pair<std::string, std::string>> seeds = {
      {"raw-municipality", raw(valid)},
      {"raw-agency", raw(MintedToken(*f.signer, OrgKind::kAgency, "5560160680"))},
      {"raw-internal", raw(MintedToken(*f.signer, OrgKind::kInternal, "fhv"))},
      {"raw-home-no-kid", raw(MintedToken(*f.signer_no_kid, OrgKind::kHome, "h-42"))},
      {"raw-bearer", raw(absl::StrCat("Bearer ", valid))},
      {"raw-bad-signature", raw(absl::StrCat(valid.substr(0, valid.rfind('.') + 1), "AAAA"))},
      {"raw-none", raw(absl::StrCat(B64(R"({"alg":"none"})"), ".", B64("{}"), "."))},
      {"signed-valid", signed_json(header, absl::StrCat("{", claims, R"(,"aud":"fhv"})"))},
      {"signed-aud-list", signed_json(header, absl::StrCat("{", claims, R"(,"aud":["x","fhv"]})"))},
      {"signed-nbf",
       signed_json(header, absl::StrCat("{", claims, R"(,"aud":"fhv","nbf":1800000000})"))},
      {"signed-duplicate",
       signed_json(header, absl::StrCat("{", claims, R"(,"aud":"fhv","sub":"u-2"})"))},
      {"signed-nested",
       signed_json(header,
                   absl::StrCat("{", claims, R"(,"aud":"fhv","x":{"a":[1,2.5e3,null,true]}})"))},
      {"signed-crit", signed_json(R"({"alg":"ES256","crit":["b64"]})", "{}")},
      {"signed-no-kid-home",
       signed_json(R"({"alg":"ES256"})",
                   R"({"iss":"fhv-fuzz","aud":"fhv","sub":"h","org":"h-1","org_kind":"home",)"
                   R"("roles":[],"exp":1700003540})")},
  };
  // An agency's finance officer with a kid, org id 5555555555, for an hour from kNow + 0.5 s.
  Writer minted;
  minted.Int<uint8_t>(kMinted).Int<uint16_t>(7).Int<uint8_t>('Q').Bool(false).String("u-7");
  minted.Int<uint8_t>(static_cast<uint8_t>(OrgKind::kAgency)).Int<uint8_t>(1);
  for (int i = 0; i < 10; ++i) minted.Int<uint8_t>(5);
  minted.Int<uint8_t>(1).String("finance_officer").Int<uint8_t>(0);
  minted.Int<int64_t>(1'700'000'000'500, 0).Int<int64_t>(3600, -10);
  seeds.emplace_back("minted-agency", minted.bytes());
  return seeds;
}

}  // namespace
}  // namespace fhv::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fhv::fuzz::TheFixture();
  fhv::fuzz::MaybeWriteSeeds(*argc, *argv, fhv::fuzz::Seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fhv::fuzz::Reader in(data, size);
  switch (in.Int<uint8_t>(0, fhv::fuzz::kModes - 1)) {
    case fhv::fuzz::kRaw:
      fhv::fuzz::Raw(in);
      break;
    case fhv::fuzz::kSigned:
      fhv::fuzz::Signed(in);
      break;
    default:
      fhv::fuzz::Minted(in);
      break;
  }
  return 0;
}
