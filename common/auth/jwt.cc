#include "common/auth/jwt.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace fhv::auth {
namespace {

using ::google::protobuf::ListValue;
using ::google::protobuf::Struct;
using ::google::protobuf::Value;

constexpr size_t kEs256CoordinateBytes = 32;
constexpr size_t kEs256SignatureBytes = 2 * kEs256CoordinateBytes;
constexpr int kMinRsaBits = 2048;
// NumericDate bounds: the epoch up to the end of year 9999.
constexpr double kMaxNumericDate = 253402300799.0;

struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
struct BignumDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;

// Debian 12's Abseil is built with its own absl::string_view, distinct from std::string_view.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::shared_ptr<EVP_PKEY> Share(EvpPkeyPtr pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey.release(), EvpPkeyDeleter());
}

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(reason);
}

// Drops whatever OpenSSL queued on this thread so that it cannot leak into a later, unrelated
// error report.
void ClearOpenSslErrors() { ERR_clear_error(); }

BioPtr MemBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// Returns the contents of a memory BIO.
std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return contents.str();
}

// Returns the algorithm `pkey` is allowed to serve, or INVALID_ARGUMENT.
absl::StatusOr<SignatureAlgorithm> AlgorithmForKey(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[80] = {0};
    size_t group_len = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &group_len) != 1 ||
        absl::string_view(group, group_len) != SN_X9_62_prime256v1) {
      ClearOpenSslErrors();
      return absl::InvalidArgumentError("EC key is not on curve P-256");
    }
    return SignatureAlgorithm::kEs256;
  }
  // "RSA" excludes RSA-PSS keys, which have their own type.
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
      return absl::InvalidArgumentError("RSA key is shorter than 2048 bits");
    }
    return SignatureAlgorithm::kRs256;
  }
  return absl::InvalidArgumentError("unsupported key type (want EC P-256 or RSA)");
}

absl::StatusOr<EvpPkeyPtr> ParsePublicKeyPem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  EvpPkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  ClearOpenSslErrors();
  if (pkey == nullptr) {
    return absl::InvalidArgumentError("not a PEM public key (BEGIN PUBLIC KEY)");
  }
  return pkey;
}

// Refuses to prompt for a pass phrase: keys must be unencrypted.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(absl::string_view pem) {
  BioPtr bio = MemBio(pem);
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  EvpPkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ClearOpenSslErrors();
  if (pkey == nullptr) {
    return absl::InvalidArgumentError("not an unencrypted PEM private key");
  }
  return pkey;
}

// ---- base64url and JSON ----

std::string Base64UrlEncode(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

// Strict base64url (RFC 7515 section 2): only [A-Za-z0-9_-], no padding, no whitespace, and the
// canonical encoding only (unused trailing bits are zero), so every token has exactly one spelling.
bool Base64UrlDecode(absl::string_view in, std::string* out) {
  for (char c : in) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  if (in.size() % 4 == 1) return false;
  if (!absl::WebSafeBase64Unescape(in, out)) return false;
  return absl::WebSafeBase64Escape(*out) == in;
}

// True if `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF), as JSON text must be.
bool IsUtf8(absl::string_view s) {
  static constexpr uint32_t kMinCodePoint[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t continuation;
    uint32_t code_point;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      continuation = 1;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      continuation = 2;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      continuation = 3;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= continuation) return false;
    for (size_t k = 1; k <= continuation; ++k) {
      const auto byte = static_cast<unsigned char>(s[i + k]);
      if ((byte & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    if (code_point < kMinCodePoint[continuation] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += continuation + 1;
  }
  return true;
}

// Parses a JSON object. Returns false for anything else (arrays, scalars, syntax errors).
bool ParseJsonObject(absl::string_view json, Struct* out) {
  if (json.empty()) return false;
  return google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(json.data(), json.size()), out)
      .ok();
}

absl::StatusOr<std::string> ToJson(const Struct& object) {
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(object, &json);
  if (!status.ok()) return absl::InternalError("cannot serialise JSON");
  return json;
}

const Value* Find(const Struct& object, absl::string_view name) {
  auto it = object.fields().find(std::string(name));
  return it == object.fields().end() ? nullptr : &it->second;
}

void SetString(Struct& object, absl::string_view name, absl::string_view value) {
  (*object.mutable_fields())[std::string(name)].set_string_value(std::string(value));
}

void SetNumber(Struct& object, absl::string_view name, double value) {
  (*object.mutable_fields())[std::string(name)].set_number_value(value);
}

void SetStringList(Struct& object, absl::string_view name, const std::vector<std::string>& values) {
  ListValue* list = (*object.mutable_fields())[std::string(name)].mutable_list_value();
  for (const std::string& v : values) list->add_values()->set_string_value(v);
}

// ---- claims ----

// Reads a required non-empty string claim.
absl::StatusOr<std::string> RequiredString(const Struct& claims, absl::string_view name) {
  const Value* v = Find(claims, name);
  if (v == nullptr || v->kind_case() == Value::kNullValue) {
    return Unauthenticated(absl::StrCat("missing claim: ", name));
  }
  if (v->kind_case() != Value::kStringValue) {
    return Unauthenticated(absl::StrCat("bad claim: ", name));
  }
  if (v->string_value().empty()) return Unauthenticated(absl::StrCat("missing claim: ", name));
  return v->string_value();
}

// Reads a NumericDate claim; nullopt if absent and not `required`.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const Struct& claims, absl::string_view name,
                                                      bool required) {
  const Value* v = Find(claims, name);
  if (v == nullptr) {
    if (required) return Unauthenticated(absl::StrCat("missing claim: ", name));
    return std::nullopt;
  }
  if (v->kind_case() != Value::kNumberValue || !std::isfinite(v->number_value()) ||
      v->number_value() < 0 || v->number_value() > kMaxNumericDate) {
    return Unauthenticated(absl::StrCat("bad claim: ", name));
  }
  return absl::UnixEpoch() + absl::Seconds(v->number_value());
}

// Reads an array of non-empty strings; an absent claim is an error only if `required`.
absl::StatusOr<std::vector<std::string>> StringList(const Struct& claims, absl::string_view name,
                                                    bool required) {
  std::vector<std::string> out;
  const Value* v = Find(claims, name);
  if (v == nullptr) {
    if (required) return Unauthenticated(absl::StrCat("missing claim: ", name));
    return out;
  }
  if (v->kind_case() != Value::kListValue) {
    return Unauthenticated(absl::StrCat("bad claim: ", name));
  }
  for (const Value& item : v->list_value().values()) {
    if (item.kind_case() != Value::kStringValue || item.string_value().empty()) {
      return Unauthenticated(absl::StrCat("bad claim: ", name));
    }
    out.push_back(item.string_value());
  }
  return out;
}

// ---- signatures ----

// Converts a JOSE ES256 signature (R||S, 32 bytes each) to DER for OpenSSL.
std::optional<std::string> RawEcdsaToDer(absl::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BignumPtr r(BN_bin2bn(bytes, kEs256CoordinateBytes, nullptr));
  BignumPtr s(BN_bin2bn(bytes + kEs256CoordinateBytes, kEs256CoordinateBytes, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr) return std::nullopt;
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // Owned by `sig` now.
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
  return der;
}

// Converts an OpenSSL DER ECDSA signature to JOSE R||S, each left-padded to 32 bytes.
std::optional<std::string> DerEcdsaToRaw(absl::string_view der) {
  const auto* in = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (sig == nullptr) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(kEs256SignatureBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, kEs256CoordinateBytes) != kEs256CoordinateBytes ||
      BN_bn2binpad(s, out + kEs256CoordinateBytes, kEs256CoordinateBytes) !=
          kEs256CoordinateBytes) {
    return std::nullopt;
  }
  return raw;
}

// Returns true iff `signature` (JOSE form) is a valid `alg` signature of `input` under `pkey`.
bool VerifySignature(SignatureAlgorithm alg, EVP_PKEY* pkey, absl::string_view input,
                     absl::string_view signature) {
  std::string der;
  if (alg == SignatureAlgorithm::kEs256) {
    std::optional<std::string> converted = RawEcdsaToDer(signature);
    if (!converted.has_value()) return false;
    der = std::move(*converted);
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(pkey))) {
    return false;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return false;
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by `ctx`.
  bool ok = EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey) == 1 &&
            (alg != SignatureAlgorithm::kRs256 ||
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  ClearOpenSslErrors();
  return ok;
}

// Returns the JOSE form of the `alg` signature of `input` under `pkey`.
absl::StatusOr<std::string> Sign(SignatureAlgorithm alg, EVP_PKEY* pkey, absl::string_view input) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // Owned by `ctx`.
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, pkey) != 1 ||
      (alg == SignatureAlgorithm::kRs256 &&
       EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    ClearOpenSslErrors();
    return absl::InternalError("cannot start signing");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    ClearOpenSslErrors();
    return absl::InternalError("signing failed");
  }
  signature.resize(len);
  if (alg == SignatureAlgorithm::kRs256) return signature;
  std::optional<std::string> raw = DerEcdsaToRaw(signature);
  if (!raw.has_value()) return absl::InternalError("cannot convert ECDSA signature");
  return *std::move(raw);
}

std::optional<SignatureAlgorithm> ParseAlgorithm(absl::string_view name) {
  if (name == "ES256") return SignatureAlgorithm::kEs256;
  if (name == "RS256") return SignatureAlgorithm::kRs256;
  return std::nullopt;
}

// Returns the kid for a key file: basename minus ".pub.pem" or ".pem".
absl::StatusOr<std::string> KidFromPath(absl::string_view path) {
  absl::string_view base = path;
  if (size_t slash = base.rfind('/'); slash != absl::string_view::npos)
    base.remove_prefix(slash + 1);
  if (!absl::ConsumeSuffix(&base, ".pub.pem") && !absl::ConsumeSuffix(&base, ".pem")) {
    return absl::InvalidArgumentError(absl::StrCat("key file name must end in .pem: ", path));
  }
  if (base.empty()) return absl::InvalidArgumentError(absl::StrCat("empty key id: ", path));
  return std::string(base);
}

}  // namespace

std::string_view SignatureAlgorithmName(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kEs256:
      return "ES256";
    case SignatureAlgorithm::kRs256:
      return "RS256";
  }
  return "unknown";
}

// ---- TokenVerifier ----

absl::StatusOr<TokenVerifier> TokenVerifier::Create(
    std::map<std::string, std::string> public_keys_pem, VerifierOptions options) {
  if (public_keys_pem.empty()) return absl::InvalidArgumentError("no public keys");
  if (options.issuer.empty()) return absl::InvalidArgumentError("issuer is empty");
  if (options.audience.empty()) return absl::InvalidArgumentError("audience is empty");
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leeway is negative");
  }
  KeyMap keys;
  for (const auto& [kid, pem] : public_keys_pem) {
    if (kid.empty()) return absl::InvalidArgumentError("empty key id");
    absl::StatusOr<EvpPkeyPtr> pkey = ParsePublicKeyPem(pem);
    if (!pkey.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key \"", kid, "\": ", pkey.status().message()));
    }
    absl::StatusOr<SignatureAlgorithm> alg = AlgorithmForKey(pkey->get());
    if (!alg.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key \"", kid, "\": ", alg.status().message()));
    }
    keys.emplace(kid, Key{*alg, Share(*std::move(pkey))});
  }
  return TokenVerifier(std::move(keys), std::move(options));
}

absl::StatusOr<TokenVerifier> TokenVerifier::FromFiles(const std::vector<std::string>& paths,
                                                       VerifierOptions options) {
  std::map<std::string, std::string> pems;
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> kid = KidFromPath(path);
    if (!kid.ok()) return kid.status();
    absl::StatusOr<std::string> pem = ReadFile(path);
    if (!pem.ok()) return pem.status();
    if (!pems.emplace(*kid, *std::move(pem)).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate key id \"", *kid, "\": ", path));
    }
  }
  return Create(std::move(pems), std::move(options));
}

absl::StatusOr<Principal> TokenVerifier::Verify(std::string_view token_view, absl::Time now) const {
  if (token_view.size() > kMaxTokenBytes) return Unauthenticated("token too large");
  const absl::string_view token = ToAbsl(token_view);

  // Exactly three segments: header.payload.signature.
  const size_t dot1 = token.find('.');
  if (dot1 == absl::string_view::npos) return Unauthenticated("malformed token");
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == absl::string_view::npos || token.find('.', dot2 + 1) != absl::string_view::npos) {
    return Unauthenticated("malformed token");
  }
  const absl::string_view header_b64 = token.substr(0, dot1);
  const absl::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const absl::string_view signature_b64 = token.substr(dot2 + 1);
  std::string header_json;
  std::string payload_json;
  std::string signature;
  if (header_b64.empty() || payload_b64.empty() || !Base64UrlDecode(header_b64, &header_json) ||
      !Base64UrlDecode(payload_b64, &payload_json) || !Base64UrlDecode(signature_b64, &signature)) {
    return Unauthenticated("malformed token");
  }

  // Header: the algorithm and key, checked before the signature.
  Struct header;
  if (!ParseJsonObject(header_json, &header)) return Unauthenticated("malformed token");
  const Value* alg_value = Find(header, "alg");
  if (alg_value == nullptr || alg_value->kind_case() != Value::kStringValue) {
    return Unauthenticated("unsupported algorithm");
  }
  const std::optional<SignatureAlgorithm> alg = ParseAlgorithm(alg_value->string_value());
  if (!alg.has_value()) return Unauthenticated("unsupported algorithm");
  if (const Value* typ = Find(header, "typ");
      typ != nullptr && (typ->kind_case() != Value::kStringValue ||
                         !absl::EqualsIgnoreCase(typ->string_value(), "JWT"))) {
    return Unauthenticated("unsupported token type");
  }
  // No extension is understood, so any "crit" must be refused (RFC 7515 section 4.1.11).
  if (Find(header, "crit") != nullptr) return Unauthenticated("unsupported header: crit");

  const Key* key = nullptr;
  if (const Value* kid = Find(header, "kid"); kid != nullptr) {
    if (kid->kind_case() != Value::kStringValue) return Unauthenticated("unknown key id");
    auto it = keys_.find(kid->string_value());
    if (it == keys_.end()) return Unauthenticated("unknown key id");
    key = &it->second;
  } else if (keys_.size() == 1) {
    key = &keys_.begin()->second;
  } else {
    return Unauthenticated("unknown key id");
  }
  // Algorithm confusion: a key verifies only the algorithm it was loaded for.
  if (key->alg != *alg) return Unauthenticated("algorithm does not match key");
  if (!VerifySignature(key->alg, key->pkey.get(), token.substr(0, dot2), signature)) {
    return Unauthenticated("bad signature");
  }

  // Claims, trusted only now that the signature holds.
  Struct claims;
  if (!ParseJsonObject(payload_json, &claims)) return Unauthenticated("malformed token");

  absl::StatusOr<std::string> iss = RequiredString(claims, "iss");
  if (!iss.ok()) return iss.status();
  if (*iss != options_.issuer) return Unauthenticated("wrong issuer");

  const Value* aud = Find(claims, "aud");
  if (aud == nullptr) return Unauthenticated("missing claim: aud");
  bool audience_ok = false;
  if (aud->kind_case() == Value::kStringValue) {
    audience_ok = aud->string_value() == options_.audience;
  } else if (aud->kind_case() == Value::kListValue) {
    for (const Value& item : aud->list_value().values()) {
      if (item.kind_case() != Value::kStringValue) return Unauthenticated("bad claim: aud");
      audience_ok = audience_ok || item.string_value() == options_.audience;
    }
  } else {
    return Unauthenticated("bad claim: aud");
  }
  if (!audience_ok) return Unauthenticated("wrong audience");

  absl::StatusOr<std::optional<absl::Time>> exp = NumericDate(claims, "exp", /*required=*/true);
  if (!exp.ok()) return exp.status();
  absl::StatusOr<std::optional<absl::Time>> nbf = NumericDate(claims, "nbf", /*required=*/false);
  if (!nbf.ok()) return nbf.status();
  absl::StatusOr<std::optional<absl::Time>> iat = NumericDate(claims, "iat", /*required=*/false);
  if (!iat.ok()) return iat.status();
  if (now > **exp + options_.leeway) return Unauthenticated("token expired");
  if (nbf->has_value() && now + options_.leeway < **nbf) {
    return Unauthenticated("token not yet valid");
  }

  Principal principal;
  principal.expires_at = **exp;
  absl::StatusOr<std::string> sub = RequiredString(claims, "sub");
  if (!sub.ok()) return sub.status();
  principal.user = *std::move(sub);
  absl::StatusOr<std::string> org = RequiredString(claims, "org");
  if (!org.ok()) return org.status();
  principal.org_id = *std::move(org);
  absl::StatusOr<std::string> org_kind = RequiredString(claims, "org_kind");
  if (!org_kind.ok()) return org_kind.status();
  const std::optional<OrgKind> kind = ParseOrgKind(*org_kind);
  if (!kind.has_value()) return Unauthenticated("bad claim: org_kind");
  principal.org_kind = *kind;
  if (!ValidateOrgId(principal.org_kind, principal.org_id).ok()) {
    return Unauthenticated("bad claim: org");
  }
  absl::StatusOr<std::vector<std::string>> roles = StringList(claims, "roles", /*required=*/true);
  if (!roles.ok()) return roles.status();
  principal.roles = *std::move(roles);
  absl::StatusOr<std::vector<std::string>> regions =
      StringList(claims, "regions", /*required=*/false);
  if (!regions.ok()) return regions.status();
  principal.regions = *std::move(regions);
  return principal;
}

absl::StatusOr<std::string_view> TokenVerifier::FromAuthorizationHeader(
    std::string_view header_view) {
  const absl::string_view header = absl::StripAsciiWhitespace(ToAbsl(header_view));
  if (header.empty()) return Unauthenticated("missing bearer token");
  const size_t space = header.find(' ');
  const absl::string_view scheme = header.substr(0, space);
  if (!absl::EqualsIgnoreCase(scheme, "Bearer")) {
    return Unauthenticated("unsupported authorization scheme");
  }
  if (space == absl::string_view::npos) return Unauthenticated("missing bearer token");
  // Not empty: `header` ends in a non-space character after `space`.
  const absl::string_view token = absl::StripLeadingAsciiWhitespace(header.substr(space + 1));
  // A token is one word (RFC 6750 b64token); anything else is not ours to guess at.
  for (char c : token) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return Unauthenticated("malformed token");
    }
  }
  return std::string_view(token.data(), token.size());
}

// ---- TokenSigner ----

absl::StatusOr<TokenSigner> TokenSigner::Create(std::string_view private_key_pem, std::string kid,
                                                std::string issuer, std::string audience) {
  if (issuer.empty()) return absl::InvalidArgumentError("issuer is empty");
  if (audience.empty()) return absl::InvalidArgumentError("audience is empty");
  absl::StatusOr<EvpPkeyPtr> pkey = ParsePrivateKeyPem(ToAbsl(private_key_pem));
  if (!pkey.ok()) return pkey.status();
  absl::StatusOr<SignatureAlgorithm> alg = AlgorithmForKey(pkey->get());
  if (!alg.ok()) return alg.status();
  return TokenSigner(*alg, Share(*std::move(pkey)), std::move(kid), std::move(issuer),
                     std::move(audience));
}

absl::StatusOr<TokenSigner> TokenSigner::FromFile(const std::string& path, std::string kid,
                                                  std::string issuer, std::string audience) {
  absl::StatusOr<std::string> pem = ReadFile(path);
  if (!pem.ok()) return pem.status();
  absl::StatusOr<TokenSigner> signer =
      Create(*pem, std::move(kid), std::move(issuer), std::move(audience));
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat(path, ": ", signer.status().message()));
  }
  return signer;
}

absl::StatusOr<std::string> TokenSigner::Mint(const Principal& principal, absl::Time now,
                                              absl::Duration ttl) const {
  if (ttl <= absl::ZeroDuration()) return absl::InvalidArgumentError("ttl must be positive");
  if (principal.user.empty()) return absl::InvalidArgumentError("user is empty");
  if (!IsUtf8(principal.user)) return absl::InvalidArgumentError("user is not valid UTF-8");
  if (absl::Status s = ValidateOrgId(principal.org_kind, principal.org_id); !s.ok()) return s;
  for (const std::string& role : principal.roles) {
    if (role.empty()) return absl::InvalidArgumentError("empty role");
    if (!IsUtf8(role)) return absl::InvalidArgumentError("a role is not valid UTF-8");
  }
  for (const std::string& region : principal.regions) {
    if (region.empty()) return absl::InvalidArgumentError("empty region");
    if (!IsUtf8(region)) return absl::InvalidArgumentError("a region is not valid UTF-8");
  }

  Struct header;
  SetString(header, "alg", ToAbsl(SignatureAlgorithmName(alg_)));
  SetString(header, "typ", "JWT");
  if (!kid_.empty()) SetString(header, "kid", kid_);

  Struct payload;
  SetString(payload, "iss", issuer_);
  SetString(payload, "aud", audience_);
  SetString(payload, "sub", principal.user);
  SetString(payload, "org", principal.org_id);
  SetString(payload, "org_kind", ToAbsl(OrgKindName(principal.org_kind)));
  SetStringList(payload, "roles", principal.roles);
  SetStringList(payload, "regions", principal.regions);
  SetNumber(payload, "iat", static_cast<double>(absl::ToUnixSeconds(now)));
  SetNumber(payload, "exp", static_cast<double>(absl::ToUnixSeconds(now + ttl)));

  absl::StatusOr<std::string> header_json = ToJson(header);
  if (!header_json.ok()) return header_json.status();
  absl::StatusOr<std::string> payload_json = ToJson(payload);
  if (!payload_json.ok()) return payload_json.status();
  std::string token =
      absl::StrCat(Base64UrlEncode(*header_json), ".", Base64UrlEncode(*payload_json));
  absl::StatusOr<std::string> signature = Sign(alg_, pkey_.get(), token);
  if (!signature.ok()) return signature.status();
  absl::StrAppend(&token, ".", Base64UrlEncode(*signature));
  if (token.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError("token would exceed kMaxTokenBytes");
  }
  return token;
}

// ---- keys ----

absl::StatusOr<std::pair<std::string, std::string>> GenerateEcKeyPair() {
  EvpPkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BioPtr private_bio(BIO_new(BIO_s_mem()));
  BioPtr public_bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || private_bio == nullptr || public_bio == nullptr ||
      PEM_write_bio_PrivateKey(private_bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1 ||
      PEM_write_bio_PUBKEY(public_bio.get(), pkey.get()) != 1) {
    ClearOpenSslErrors();
    return absl::InternalError("cannot generate an EC P-256 key pair");
  }
  return std::make_pair(BioContents(private_bio.get()), BioContents(public_bio.get()));
}

}  // namespace fhv::auth
