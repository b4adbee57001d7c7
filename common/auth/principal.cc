#include "common/auth/principal.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace fhv::auth {
namespace {

bool AllDigits(std::string_view s, size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

}  // namespace

bool Principal::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view OrgKindName(OrgKind kind) {
  switch (kind) {
    case OrgKind::kMunicipality:
      return "municipality";
    case OrgKind::kAgency:
      return "agency";
    case OrgKind::kInternal:
      return "internal";
    case OrgKind::kHome:
      return "home";
  }
  return "unknown";
}

std::optional<OrgKind> ParseOrgKind(std::string_view name) {
  for (OrgKind kind :
       {OrgKind::kMunicipality, OrgKind::kAgency, OrgKind::kInternal, OrgKind::kHome}) {
    if (name == OrgKindName(kind)) return kind;
  }
  return std::nullopt;
}

absl::Status ValidateOrgId(OrgKind kind, std::string_view org_id) {
  switch (kind) {
    case OrgKind::kMunicipality:
      if (AllDigits(org_id, 4)) return absl::OkStatus();
      return absl::InvalidArgumentError("a municipality's org id is a 4-digit kommunkod");
    case OrgKind::kAgency:
      if (AllDigits(org_id, 10)) return absl::OkStatus();
      return absl::InvalidArgumentError("an agency's org id is a 10-digit organisationsnummer");
    case OrgKind::kInternal:
      if (org_id == "fhv") return absl::OkStatus();
      return absl::InvalidArgumentError("an internal org id is \"fhv\"");
    case OrgKind::kHome:
      // Never all digits and never "fhv": a home's id cannot be another kind's.
      if (!org_id.empty() && org_id.size() <= 64 && org_id != "fhv" &&
          !AllDigits(org_id, org_id.size()) &&
          std::all_of(org_id.begin(), org_id.end(), [](char c) {
            return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
          })) {
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError("a home's org id is its registry id");
  }
  return absl::InvalidArgumentError("unknown org kind");
}

}  // namespace fhv::auth
