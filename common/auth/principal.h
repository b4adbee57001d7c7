#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace fhv::auth {

// The kind of organisation a caller acts for. kInternal: the suite's own services; kHome: a
// foster home acting for itself (its org id is the registry's home id).
enum class OrgKind { kMunicipality, kAgency, kInternal, kHome };

// The authenticated caller, built only from a verified token (see TokenVerifier).
// A plain value; safe to copy and share read-only between threads.
struct Principal {
  // "sub": a user id (never a personnummer).
  std::string user;
  // "org": kommunkod (4 digits), organisationsnummer (10 digits), "fhv" for kInternal, or the
  // home id for kHome.
  std::string org_id;
  // "org_kind": "municipality" | "agency" | "internal" | "home".
  OrgKind org_kind = OrgKind::kMunicipality;
  // "roles": e.g. "recruiter", "admin", "service".
  std::vector<std::string> roles;
  // "regions": ids of regions the organisation belongs to (may be empty).
  std::vector<std::string> regions;
  // "exp".
  absl::Time expires_at;

  // Returns true iff `roles` contains `role` exactly (case-sensitive).
  bool HasRole(std::string_view role) const;
};

// Returns the claim spelling of `kind`: "municipality", "agency", "internal" or "home".
std::string_view OrgKindName(OrgKind kind);

// Returns the kind spelled `name` (exactly as OrgKindName spells it), or nullopt.
std::optional<OrgKind> ParseOrgKind(std::string_view name);

// The organisation id that goes with `kind`: kMunicipality takes a kommunkod (exactly 4 digits),
// kAgency an organisationsnummer (exactly 10 digits, no hyphen), kInternal exactly "fhv", kHome a
// home id (1 to 64 letters, digits, '-' or '_', not all digits and not "fhv", so that it is never
// another kind's id).
// Returns INVALID_ARGUMENT otherwise.
absl::Status ValidateOrgId(OrgKind kind, std::string_view org_id);

}  // namespace fhv::auth
