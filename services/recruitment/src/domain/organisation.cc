#include "services/recruitment/src/domain/organisation.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"

namespace fhv::recruitment {

bool IsRegionId(const std::string& id) { return validation::IsCode(id, 64); }

absl::StatusOr<v1::Organisation> ValidateOrganisation(const v1::Organisation& in) {
  v1::Organisation out = in;
  out.clear_region_ids();
  Violations v;
  switch (in.ref().kind()) {
    case fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY:
      v.Check("organisation.ref.id", validation::CheckKommunkod(in.ref().id()));
      break;
    case fhv::common::v1::ORGANISATION_KIND_AGENCY: {
      auto orgnr = validation::ParseOrganisationsnummer(in.ref().id());
      if (orgnr.ok()) {
        out.mutable_ref()->set_id(*orgnr);
      } else {
        v.Add("organisation.ref.id", std::string(orgnr.status().message()));
      }
      break;
    }
    default:
      v.Add("organisation.ref.kind", "must be a municipality or an agency");
  }
  validation::CheckText(v, "organisation.name", in.name(), 200, true);
  if (!in.organisationsnummer().empty()) {
    auto orgnr = validation::ParseOrganisationsnummer(in.organisationsnummer());
    if (orgnr.ok()) {
      out.set_organisationsnummer(*orgnr);
    } else {
      v.Add("organisation.organisationsnummer", std::string(orgnr.status().message()));
    }
  }
  if (in.ref().kind() == fhv::common::v1::ORGANISATION_KIND_AGENCY) {
    out.set_organisationsnummer(out.ref().id());
  }
  if (in.has_location()) {
    const double lat = in.location().latitude(), lon = in.location().longitude();
    // Sweden and its neighbourhood; coordinates are coarse (two decimals).
    if (!(lat >= 55.0 && lat <= 69.5)) v.Add("organisation.location.latitude", "must be 55..69.5");
    if (!(lon >= 10.0 && lon <= 24.5)) {
      v.Add("organisation.location.longitude", "must be 10..24.5");
    }
    out.mutable_location()->set_latitude(std::round(lat * 100) / 100);
    out.mutable_location()->set_longitude(std::round(lon * 100) / 100);
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  return out;
}

absl::StatusOr<v1::Region> ValidateRegion(const v1::Region& in) {
  v1::Region out;
  Violations v;
  if (!IsRegionId(in.id())) v.Add("region.id", "must be 1..64 of a-z, 0-9, '-' and '_'");
  out.set_id(in.id());
  validation::CheckText(v, "region.name", in.name(), 200, true);
  out.set_name(in.name());
  if (in.municipalities_size() == 0) v.Add("region.municipalities", "must name a municipality");
  if (in.municipalities_size() > 290) v.Add("region.municipalities", "must name at most 290");
  std::set<std::string> seen;
  for (int i = 0; i < in.municipalities_size() && i < 290; ++i) {
    const std::string field = absl::StrCat("region.municipalities[", i, "]");
    if (auto st = validation::CheckKommunkod(in.municipalities(i)); !st.ok()) {
      v.Add(field, std::string(st.message()));
    } else if (!seen.insert(in.municipalities(i)).second) {
      v.Add(field, "is named twice");
    }
  }
  for (const auto& m : seen) out.add_municipalities(m);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  return out;
}

}  // namespace fhv::recruitment
