// fhv-token: makes development keys and mints bearer tokens for the local stack and the tests.
// Never used with production keys.
//
//   fhv-token keygen --out=<prefix>
//   fhv-token mint --private_key=<pem> --user=<sub> --org=<id> --org_kind=<kind> [--roles=a,b]
//                  [--regions=r1,r2] [--kid=dev] [--issuer=fhv-local] [--audience=fhv] [--ttl=8h]
//
// Exit codes: 0 success, 1 the operation failed (e.g. a file exists), 2 usage error.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"

ABSL_FLAG(std::string, out, "", "keygen: path prefix; writes <out>.pem (0600) and <out>.pub.pem");
ABSL_FLAG(std::string, private_key, "", "mint: PEM private key file (EC P-256 or RSA)");
ABSL_FLAG(std::string, kid, "dev", "mint: key id written to the token header");
ABSL_FLAG(std::string, issuer, "fhv-local", "mint: \"iss\" claim");
ABSL_FLAG(std::string, audience, "fhv", "mint: \"aud\" claim");
ABSL_FLAG(std::string, user, "", "mint: \"sub\" claim, a user id (never a personnummer)");
ABSL_FLAG(std::string, org, "", "mint: kommunkod (4 digits), organisationsnummer (10) or fhv");
ABSL_FLAG(std::string, org_kind, "", "mint: municipality | agency | internal | home");
ABSL_FLAG(std::string, roles, "", "mint: comma-separated roles, e.g. recruiter,admin");
ABSL_FLAG(std::string, regions, "", "mint: comma-separated region ids");
ABSL_FLAG(std::string, ttl, "8h", "mint: lifetime, e.g. 30m, 8h");

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kSynopsis[] =
    "  fhv-token keygen --out=<path-prefix>\n"
    "  fhv-token mint --private_key=<pem> --user=<sub> --org=<id>\n"
    "                 --org_kind=municipality|agency|internal|home [--roles=a,b] "
    "[--regions=r1,r2]\n"
    "                 [--kid=dev] [--issuer=fhv-local] [--audience=fhv] [--ttl=8h]\n";

int UsageError(absl::string_view message) {
  std::cerr << "fhv-token: " << message << "\nusage:\n" << kSynopsis;
  return kExitUsage;
}

int Failure(absl::string_view message) {
  std::cerr << "fhv-token: " << message << "\n";
  return kExitFailure;
}

// Creates `path` with `mode`, failing if it exists. Returns the descriptor or -1 (errno set).
int CreateExclusive(const std::string& path, mode_t mode) {
  return open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return fsync(fd) == 0;
}

int Keygen() {
  const std::string prefix = absl::GetFlag(FLAGS_out);
  if (prefix.empty()) return UsageError("keygen needs --out=<path-prefix>");
  const std::string private_path = prefix + ".pem";
  const std::string public_path = prefix + ".pub.pem";
  for (const std::string& path : {private_path, public_path}) {
    if (access(path.c_str(), F_OK) == 0) {
      return Failure(absl::StrCat(path, " already exists; refusing to overwrite it"));
    }
  }
  absl::StatusOr<std::pair<std::string, std::string>> pair = fhv::auth::GenerateEcKeyPair();
  if (!pair.ok()) return Failure(pair.status().message());

  // O_EXCL: never overwrite, even if a file appeared since the check above.
  const int private_fd = CreateExclusive(private_path, 0600);
  if (private_fd < 0) {
    return Failure(absl::StrCat("cannot create ", private_path, ": ", std::strerror(errno)));
  }
  const int public_fd = CreateExclusive(public_path, 0644);
  if (public_fd < 0) {
    const int err = errno;
    close(private_fd);
    unlink(private_path.c_str());
    return Failure(absl::StrCat("cannot create ", public_path, ": ", std::strerror(err)));
  }
  const bool ok = WriteAll(private_fd, pair->first) && WriteAll(public_fd, pair->second);
  const bool closed = close(private_fd) == 0 && close(public_fd) == 0;
  if (!ok || !closed) {
    unlink(private_path.c_str());
    unlink(public_path.c_str());
    return Failure("cannot write the key files");
  }
  std::cerr << "wrote " << private_path << " (private, 0600) and " << public_path << "\n";
  return 0;
}

// "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& csv) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(csv, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

int Mint() {
  const std::string private_key = absl::GetFlag(FLAGS_private_key);
  const std::string user = absl::GetFlag(FLAGS_user);
  const std::string org = absl::GetFlag(FLAGS_org);
  const std::string org_kind_name = absl::GetFlag(FLAGS_org_kind);
  if (private_key.empty()) return UsageError("mint needs --private_key");
  if (user.empty()) return UsageError("mint needs --user");
  if (org.empty()) return UsageError("mint needs --org");
  if (org_kind_name.empty()) return UsageError("mint needs --org_kind");
  const std::optional<fhv::auth::OrgKind> org_kind = fhv::auth::ParseOrgKind(org_kind_name);
  if (!org_kind.has_value()) {
    return UsageError("--org_kind must be municipality, agency, internal or home");
  }
  absl::Duration ttl;
  if (!absl::ParseDuration(absl::GetFlag(FLAGS_ttl), &ttl) || ttl <= absl::ZeroDuration()) {
    return UsageError("--ttl must be a positive duration such as 30m or 8h");
  }

  absl::StatusOr<fhv::auth::TokenSigner> signer =
      fhv::auth::TokenSigner::FromFile(private_key, absl::GetFlag(FLAGS_kid),
                                       absl::GetFlag(FLAGS_issuer), absl::GetFlag(FLAGS_audience));
  if (!signer.ok()) return Failure(signer.status().message());

  fhv::auth::Principal principal;
  principal.user = user;
  principal.org_id = org;
  principal.org_kind = *org_kind;
  principal.roles = SplitList(absl::GetFlag(FLAGS_roles));
  principal.regions = SplitList(absl::GetFlag(FLAGS_regions));
  absl::StatusOr<std::string> token = signer->Mint(principal, absl::Now(), ttl);
  if (!token.ok()) {
    return token.status().code() == absl::StatusCode::kInvalidArgument
               ? UsageError(token.status().message())
               : Failure(token.status().message());
  }
  std::cout << *token << "\n";
  return std::cout.flush() ? 0 : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // --help lists the flags defined in this file.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "fhv-token/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(absl::StrCat(
      "makes development keys and tokens for the local stack and the tests.\nusage:\n", kSynopsis));
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) return UsageError("missing subcommand (keygen or mint)");
  if (args.size() > 2) return UsageError(absl::StrCat("unexpected argument: ", args[2]));
  const absl::string_view command = args[1];
  if (command == "keygen") return Keygen();
  if (command == "mint") return Mint();
  return UsageError(absl::StrCat("unknown subcommand: ", command));
}
