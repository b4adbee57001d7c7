#include "services/recruitment/src/domain/home.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "services/recruitment/src/domain/organisation.h"

namespace fhv::recruitment {
namespace {

bool ValidDate(const fhv::common::v1::Date& d) {
  return validation::ParseDate(d.year(), d.month(), d.day()).ok();
}

// The profile: the fields UpdateHomeProfile may change.
void CheckProfile(Violations& v, const v1::Home& h) {
  validation::CheckCodes(v, "home.languages", h.languages(), 3);
  validation::CheckCodes(v, "home.cultural_competence", h.cultural_competence(), 64);
  validation::CheckCodes(v, "home.experience_tags", h.experience_tags(), 64);
  validation::CheckText(v, "home.display_name", h.display_name(), 200, false);
  if (h.rooms_for_children() < 0 || h.rooms_for_children() > 20) {
    v.Add("home.rooms_for_children", "must be 0..20");
  }
  if (h.trainings_size() > 20) v.Add("home.trainings", "must list at most 20");
  for (int i = 0; i < h.trainings_size() && i < 20; ++i) {
    const std::string at = absl::StrCat("home.trainings[", i, "]");
    validation::CheckText(v, at + ".name", h.trainings(i).name(), 100, true);
    if (!ValidDate(h.trainings(i).completed_on())) v.Add(at + ".completed_on", "is not a date");
  }
  std::set<std::string> regions;
  for (int i = 0; i < h.shared_with_regions_size(); ++i) {
    if (!IsRegionId(h.shared_with_regions(i))) {
      v.Add(absl::StrCat("home.shared_with_regions[", i, "]"), "must be a region id");
    } else if (!regions.insert(h.shared_with_regions(i)).second) {
      v.Add(absl::StrCat("home.shared_with_regions[", i, "]"), "is named twice");
    }
  }
  if (h.shared_with_regions_size() > 0 &&
      h.owner().kind() != fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY) {
    v.Add("home.shared_with_regions", "only a municipality's home can be shared with regions");
  }
  if (!fhv::common::v1::FamilyComposition_IsValid(h.family_composition())) {
    v.Add("home.family_composition", "is not a family composition");
  }
  validation::CheckText(v, "home.address.street", h.address().street(), 200, false);
  validation::CheckText(v, "home.address.city", h.address().city(), 100, false);
  validation::CheckText(v, "home.address.postal_code", h.address().postal_code(), 6, false);
  if (h.has_location()) {
    const double lat = h.location().latitude(), lon = h.location().longitude();
    // Sweden and its neighbourhood.
    if (!(lat >= 54 && lat <= 70) || !(lon >= 10 && lon <= 25)) {
      v.Add("home.location", "must be a position in Sweden");
    }
  }
}

// Positions are kept coarse (two decimals, about 1 km), never a doorstep.
void Coarsen(v1::Home& h) {
  if (!h.has_location()) return;
  h.mutable_location()->set_latitude(std::round(h.location().latitude() * 100) / 100);
  h.mutable_location()->set_longitude(std::round(h.location().longitude() * 100) / 100);
}

}  // namespace

absl::StatusOr<v1::Home> ValidateNewHome(const v1::Home& in) {
  v1::Home h = in;
  h.clear_id();
  h.clear_placed_children();
  h.clear_approved_on();
  h.clear_etag();
  Violations v;
  const auto kind = h.owner().kind();
  if (kind == fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY) {
    v.Check("home.owner.id", validation::CheckKommunkod(h.owner().id()));
  } else if (kind == fhv::common::v1::ORGANISATION_KIND_AGENCY) {
    auto orgnr = validation::ParseOrganisationsnummer(h.owner().id());
    if (orgnr.ok()) {
      h.mutable_owner()->set_id(*orgnr);
    } else {
      v.Add("home.owner.id", std::string(orgnr.status().message()));
    }
  } else {
    v.Add("home.owner.kind", "must be a municipality or an agency");
  }
  if (!h.applicant_id().empty() && h.applicant_id().size() != 36) {
    v.Add("home.applicant_id", "must be an applicant id (a UUID)");
  }
  std::set<int> kinds;
  if (h.approved_kinds_size() == 0) v.Add("home.approved_kinds", "must name at least one kind");
  for (int i = 0; i < h.approved_kinds_size(); ++i) {
    const int k = h.approved_kinds(i);
    if (k == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
        !fhv::common::v1::AssignmentKind_IsValid(k)) {
      v.Add(absl::StrCat("home.approved_kinds[", i, "]"), "is not a kind of assignment");
    } else if (!kinds.insert(k).second) {
      v.Add(absl::StrCat("home.approved_kinds[", i, "]"), "is named twice");
    }
  }
  if (h.max_children() < 1 || h.max_children() > 10) v.Add("home.max_children", "must be 1..10");
  if (h.min_age() < 0 || h.min_age() > 120) v.Add("home.min_age", "must be 0..120");
  if (h.max_age() < h.min_age() || h.max_age() > 120) {
    v.Add("home.max_age", "must be min_age..120");
  }
  v.Check("home.municipality", validation::CheckKommunkod(h.municipality()));
  if (h.support_tier() == v1::SUPPORT_TIER_UNSPECIFIED ||
      !v1::SupportTier_IsValid(h.support_tier())) {
    v.Add("home.support_tier", "is required");
  }
  if (h.availability() == v1::AVAILABILITY_UNSPECIFIED)
    h.set_availability(v1::AVAILABILITY_AVAILABLE);
  if (h.availability() == v1::AVAILABILITY_PAUSED) {
    if (!ValidDate(h.paused_until())) v.Add("home.paused_until", "is required when PAUSED");
  } else if (h.availability() != v1::AVAILABILITY_AVAILABLE) {
    v.Add("home.availability", "must be AVAILABLE or PAUSED");
  } else {
    h.clear_paused_until();
  }
  if (h.adults_size() < 1 || h.adults_size() > 2)
    v.Add("home.adults", "must name one or two adults");
  for (int i = 0; i < h.adults_size() && i < 2; ++i) {
    const std::string at = absl::StrCat("home.adults[", i, "]");
    validation::CheckText(v, at + ".given_name", h.adults(i).given_name(), 200, true);
    validation::CheckText(v, at + ".family_name", h.adults(i).family_name(), 200, true);
  }
  CheckProfile(v, h);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  Coarsen(h);
  return h;
}

absl::StatusOr<v1::Home> ApplyProfile(const v1::Home& stored, const v1::Home& update) {
  v1::Home h = stored;
  *h.mutable_languages() = update.languages();
  *h.mutable_cultural_competence() = update.cultural_competence();
  *h.mutable_experience_tags() = update.experience_tags();
  h.set_rooms_for_children(update.rooms_for_children());
  *h.mutable_trainings() = update.trainings();
  *h.mutable_shared_with_regions() = update.shared_with_regions();
  h.set_family_composition(update.family_composition());
  h.set_display_name(update.display_name());
  *h.mutable_address() = update.address();
  h.set_protected_address(update.protected_address());
  if (update.has_location()) {
    *h.mutable_location() = update.location();
  } else {
    h.clear_location();
  }
  Violations v;
  CheckProfile(v, h);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  Coarsen(h);
  return h;
}

absl::StatusOr<v1::Home> HomeFromApproval(const std::string& home_id,
                                          const std::string& applicant_id,
                                          const fhv::common::v1::OrganisationRef& owner,
                                          const fhv::investigation::v1::ApprovalScope& scope,
                                          const fhv::investigation::v1::HomeProfile& profile) {
  namespace inv = ::fhv::investigation::v1;
  v1::Home h;
  h.set_applicant_id(applicant_id);
  *h.mutable_owner() = owner;
  *h.mutable_approved_kinds() = scope.assignment_kinds();
  h.set_max_children(scope.max_children());
  h.set_min_age(scope.min_age_years());
  h.set_max_age(scope.max_age_years());
  switch (scope.support_tier()) {
    case inv::HOME_SUPPORT_TIER_MUNICIPAL:
      h.set_support_tier(v1::SUPPORT_TIER_MUNICIPAL);
      break;
    case inv::HOME_SUPPORT_TIER_AGENCY_SUPPORTED:
      h.set_support_tier(v1::SUPPORT_TIER_AGENCY);
      break;
    case inv::HOME_SUPPORT_TIER_INTENSIVELY_REINFORCED:
      h.set_support_tier(v1::SUPPORT_TIER_INTENSIVELY_REINFORCED);
      break;
    default:
      break;  // refused by validation below
  }
  h.set_display_name(profile.display_name());
  h.set_family_composition(profile.family_composition());
  *h.mutable_languages() = profile.languages();
  *h.mutable_cultural_competence() = profile.cultural_competences();
  *h.mutable_experience_tags() = profile.experience_tags();
  h.set_rooms_for_children(profile.rooms_for_placed_children());
  h.set_municipality(profile.location_municipality_id());
  if (profile.has_coarse_location()) {
    h.mutable_location()->set_latitude(profile.coarse_location().latitude());
    h.mutable_location()->set_longitude(profile.coarse_location().longitude());
  }
  *h.mutable_address() = profile.address();
  h.set_protected_address(profile.address_protected());
  *h.mutable_shared_with_regions() = profile.shared_with_region_ids();
  for (const auto& adult : profile.adults()) *h.add_adults() = adult.name();
  for (const auto& t : profile.completed_trainings()) {
    auto* training = h.add_trainings();
    switch (t.program()) {
      case inv::TRAINING_PROGRAM_PRIDE:
        training->set_name("PRIDE");
        break;
      case inv::TRAINING_PROGRAM_ETT_HEM_ATT_VAXA_I:
        training->set_name("Ett hem att växa i");
        break;
      default:
        training->set_name(t.program_name());
    }
    *training->mutable_completed_on() = t.completed_date();
  }
  auto valid = ValidateNewHome(h);
  if (!valid.ok()) return valid.status();
  valid->set_id(home_id);
  return valid;
}

v1::Home ShownTo(v1::Home home, const std::string& viewer_org) {
  if (home.protected_address() && home.owner().id() != viewer_org) home.clear_address();
  return home;
}

v1::Availability EffectiveAvailability(const v1::Home& home) {
  if (home.placed_children() >= home.max_children()) return v1::AVAILABILITY_FULL;
  return home.availability();
}

}  // namespace fhv::recruitment
