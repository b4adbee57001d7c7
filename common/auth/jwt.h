#pragma once

// Signed JWTs (compact JWS, ES256 or RS256) for the "authorization: Bearer <token>" metadata that
// every call carries. Signatures are made and checked by OpenSSL 3's EVP API; no other algorithm
// (in particular "none" and the HMAC family) is accepted.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY.

namespace fhv::auth {

// Tokens longer than this are refused before any decoding.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;

// The JWS algorithms the suite accepts. Each is bound to one key type.
enum class SignatureAlgorithm {
  kEs256,  // ECDSA over P-256 with SHA-256; 64-byte R||S signature. EC P-256 keys.
  kRs256,  // RSASSA-PKCS1-v1_5 with SHA-256. RSA keys of at least 2048 bits.
};

// Returns "ES256" or "RS256".
std::string_view SignatureAlgorithmName(SignatureAlgorithm alg);

struct VerifierOptions {
  std::string issuer;  // Required "iss"; must not be empty.
  std::string audience = "fhv";
  absl::Duration leeway = absl::Seconds(30);  // Clock skew allowed on "exp" and "nbf"; >= 0.
};

// Verifies bearer tokens against a fixed set of public keys.
// Copyable (copies share the immutable keys). Thread-safe after construction.
class TokenVerifier {
 public:
  // `public_keys_pem`: key id ("kid") -> PEM public key ("BEGIN PUBLIC KEY", SubjectPublicKeyInfo),
  // EC P-256 for ES256 or RSA >= 2048 bits for RS256. A key verifies only its own algorithm.
  // Returns INVALID_ARGUMENT if there is no key, a kid is empty, a key does not parse or has
  // another type or size, the issuer or audience is empty, or the leeway is negative.
  static absl::StatusOr<TokenVerifier> Create(std::map<std::string, std::string> public_keys_pem,
                                              VerifierOptions options);

  // Loads the PEM public key files at `paths`; each key's kid is its file's basename without the
  // ".pub.pem" suffix or, failing that, the ".pem" suffix ("keys/dev.pub.pem" -> "dev").
  // Returns NOT_FOUND if a file cannot be read, INVALID_ARGUMENT if a name lacks ".pem", two files
  // give the same kid, or Create refuses the keys.
  static absl::StatusOr<TokenVerifier> FromFiles(const std::vector<std::string>& paths,
                                                 VerifierOptions options);

  // Verifies a compact JWS and its claims at time `now` and returns the caller it names.
  // The header's "kid" selects the key; a missing kid is accepted only if there is exactly one
  // key. Returns UNAUTHENTICATED with a short reason that never includes the token:
  //   "token too large", "malformed token", "unsupported algorithm", "unsupported token type",
  //   "unsupported header: crit", "unknown key id", "algorithm does not match key",
  //   "bad signature", "wrong issuer", "wrong audience", "token expired",
  //   "token not yet valid", "missing claim: <name>", "bad claim: <name>".
  // Expired means now > exp + leeway; not yet valid means now + leeway < nbf. "iat", if present,
  // must be a number but is not compared with `now`. Duplicate JSON keys make a token malformed.
  absl::StatusOr<Principal> Verify(std::string_view token, absl::Time now) const;

  // Returns the token in an "authorization" metadata value "Bearer <token>" (the scheme is
  // case-insensitive). The result points into `header`. Returns UNAUTHENTICATED
  // ("missing bearer token", "unsupported authorization scheme") otherwise.
  static absl::StatusOr<std::string_view> FromAuthorizationHeader(std::string_view header);

 private:
  struct Key {
    SignatureAlgorithm alg;
    std::shared_ptr<evp_pkey_st> pkey;  // Never modified after construction.
  };
  using KeyMap = std::map<std::string, Key, std::less<>>;

  TokenVerifier(KeyMap keys, VerifierOptions options)
      : keys_(std::move(keys)), options_(std::move(options)) {}

  KeyMap keys_;
  VerifierOptions options_;
};

// Mints tokens with one private key. Meant for the dev tool, tests and the suite's own services;
// users get their tokens from an identity provider. Copyable. Thread-safe after construction.
class TokenSigner {
 public:
  // `private_key_pem`: an unencrypted PEM private key (PKCS#8 or traditional), EC P-256 -> ES256 or
  // RSA >= 2048 bits -> RS256. `kid` goes into the header (omitted if empty).
  // Returns INVALID_ARGUMENT if the key does not parse or is of another type or size, or if
  // `issuer` or `audience` is empty.
  static absl::StatusOr<TokenSigner> Create(std::string_view private_key_pem, std::string kid,
                                            std::string issuer, std::string audience = "fhv");
  // As Create, reading the key from `path`. Returns NOT_FOUND if it cannot be read.
  static absl::StatusOr<TokenSigner> FromFile(const std::string& path, std::string kid,
                                              std::string issuer, std::string audience = "fhv");

  // Returns a token for `principal` with iat = now and exp = now + ttl (whole seconds, rounded
  // down); `principal.expires_at` is ignored. Returns INVALID_ARGUMENT if ttl <= 0, the user is
  // empty, the org id does not fit its kind (ValidateOrgId), a role or region is empty, the user,
  // a role or a region is not valid UTF-8 (JSON cannot carry it), or the token would exceed
  // kMaxTokenBytes; INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Mint(const Principal& principal, absl::Time now,
                                   absl::Duration ttl) const;

  SignatureAlgorithm algorithm() const { return alg_; }

 private:
  TokenSigner(SignatureAlgorithm alg, std::shared_ptr<evp_pkey_st> pkey, std::string kid,
              std::string issuer, std::string audience)
      : alg_(alg),
        pkey_(std::move(pkey)),
        kid_(std::move(kid)),
        issuer_(std::move(issuer)),
        audience_(std::move(audience)) {}

  SignatureAlgorithm alg_;
  std::shared_ptr<evp_pkey_st> pkey_;  // Never modified after construction.
  std::string kid_;
  std::string issuer_;
  std::string audience_;
};

// Generates a new EC P-256 key pair as PEM strings: {private (PKCS#8, unencrypted),
// public (SubjectPublicKeyInfo)}. Returns INTERNAL if OpenSSL fails.
absl::StatusOr<std::pair<std::string, std::string>> GenerateEcKeyPair();

}  // namespace fhv::auth
