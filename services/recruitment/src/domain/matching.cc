#include "services/recruitment/src/domain/matching.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"

namespace fhv::recruitment {
namespace {

constexpr int kMaxDistancePoints = 30;
constexpr double kZeroPointsKm = 300;
constexpr int kLanguagePoints = 20;
constexpr int kPointsPerExperience = 10;
constexpr int kMaxExperiencePoints = 30;
constexpr int kTrainingPoints = 10;

v1::MatchCriterion Hard(std::string name, bool met, std::string detail) {
  v1::MatchCriterion c;
  c.set_name(std::move(name));
  c.set_hard(true);
  c.set_met(met);
  c.set_detail(std::move(detail));
  return c;
}

v1::MatchCriterion Soft(std::string name, int points, std::string detail) {
  v1::MatchCriterion c;
  c.set_name(std::move(name));
  c.set_met(points > 0);
  c.set_points(points);
  c.set_detail(std::move(detail));
  return c;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string KindName(fhv::common::v1::AssignmentKind kind) {
  return fhv::common::v1::AssignmentKind_Name(kind);
}

bool IsTag(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ValidNeeds> ValidateNeeds(const v1::ChildNeeds& in) {
  ValidNeeds out;
  Violations v;
  if (in.youngest_age() < 0 || in.youngest_age() > 120)
    v.Add("needs.youngest_age", "must be 0..120");
  if (in.oldest_age() < 0 || in.oldest_age() > 120) v.Add("needs.oldest_age", "must be 0..120");
  if (in.oldest_age() < in.youngest_age()) {
    v.Add("needs.oldest_age", "must not be below youngest_age");
  }
  if (in.children() < 1 || in.children() > 8) v.Add("needs.children", "must be 1..8");
  if (in.children() == 1 && in.youngest_age() != in.oldest_age()) {
    v.Add("needs.oldest_age", "must equal youngest_age for one child");
  }
  if (in.kind() == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
      !fhv::common::v1::AssignmentKind_IsValid(in.kind())) {
    v.Add("needs.kind", "is required");
  }
  auto start =
      validation::ParseDate(in.start_date().year(), in.start_date().month(), in.start_date().day());
  if (!start.ok()) v.Add("needs.start_date", std::string(start.status().message()));
  if (auto st = validation::CheckKommunkod(in.home_municipality()); !st.ok()) {
    v.Add("needs.home_municipality", std::string(st.message()));
  }
  if (in.languages_size() > 10) v.Add("needs.languages", "must list at most 10");
  for (int i = 0; i < in.languages_size() && i < 10; ++i) {
    if (!IsTag(in.languages(i)) || in.languages(i).size() > 3) {
      v.Add(absl::StrCat("needs.languages[", i, "]"), "must be an ISO 639 code, e.g. \"sv\"");
    }
  }
  if (in.needs_tags_size() > 20) v.Add("needs.needs_tags", "must list at most 20");
  for (int i = 0; i < in.needs_tags_size() && i < 20; ++i) {
    if (!IsTag(in.needs_tags(i))) {
      v.Add(absl::StrCat("needs.needs_tags[", i, "]"), "must be a tag of a-z, 0-9, '_', '-'");
    }
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  out.youngest_age = in.youngest_age();
  out.oldest_age = in.oldest_age();
  out.children = in.children();
  out.kind = in.kind();
  out.intensively_reinforced = in.intensively_reinforced();
  out.start_date = *start;
  out.home_municipality = in.home_municipality();
  // Sets: the same language or tag twice must not count twice.
  std::set<std::string> languages(in.languages().begin(), in.languages().end());
  std::set<std::string> tags(in.needs_tags().begin(), in.needs_tags().end());
  out.languages.assign(languages.begin(), languages.end());
  out.needs_tags.assign(tags.begin(), tags.end());
  return out;
}

double DistanceKm(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRad = M_PI / 180.0;
  const double dlat = (b.latitude - a.latitude) * kRad;
  const double dlon = (b.longitude - a.longitude) * kRad;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * kRad) * std::cos(b.latitude * kRad) * std::sin(dlon / 2) *
                       std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

Candidate Evaluate(const HomeFacts& home, const ValidNeeds& needs, const Origin& origin) {
  Candidate c;
  c.home_id = home.id;
  auto& out = c.criteria;

  const bool kind_ok = std::find(home.approved_kinds.begin(), home.approved_kinds.end(),
                                 needs.kind) != home.approved_kinds.end();
  out.push_back(
      Hard("approved_kind", kind_ok,
           absl::StrCat(kind_ok ? "approved for " : "not approved for ", KindName(needs.kind))));

  const int free = std::max(0, home.max_children - home.placed_children);
  out.push_back(Hard(
      "capacity", free >= needs.children,
      absl::StrCat(free, " of ", home.max_children, " places free, ", needs.children, " needed")));

  const bool ages_ok = home.min_age <= needs.youngest_age && needs.oldest_age <= home.max_age;
  out.push_back(Hard("age_range", ages_ok,
                     absl::StrCat("approved for ages ", home.min_age, "-", home.max_age)));

  bool available = false;
  std::string why;
  if (home.availability == v1::AVAILABILITY_AVAILABLE) {
    available = true;
    why = "available";
  } else if (home.availability == v1::AVAILABILITY_PAUSED && home.paused_until) {
    available = *home.paused_until < needs.start_date;
    why = absl::StrCat("paused until ", absl::FormatCivilTime(*home.paused_until));
  } else {
    why = "not available";
  }
  out.push_back(Hard("available_on_start", available, why));

  out.push_back(Hard("visible", home.visible,
                     home.visible ? "visible to the asking organisation"
                                  : "not visible to the asking organisation"));

  const bool reinforced = home.tier == v1::SUPPORT_TIER_INTENSIVELY_REINFORCED;
  const bool alone = !reinforced || home.placed_children == 0;
  out.push_back(Hard("reinforced_alone", alone,
                     !reinforced ? "not an intensively reinforced home"
                     : alone     ? "intensively reinforced, no other child placed"
                                 : "intensively reinforced, another child is placed"));

  const bool tier_ok = !needs.intensively_reinforced || reinforced;
  out.push_back(Hard("support_tier", tier_ok,
                     needs.intensively_reinforced
                         ? (reinforced ? "intensively reinforced as needed"
                                       : "not intensively reinforced as needed")
                         : "any tier"));

  c.eligible = true;
  for (const auto& criterion : out) c.eligible &= criterion.met();

  // Soft criteria.
  if (home.location && origin.location) {
    const double km = DistanceKm(*home.location, *origin.location);
    const int points =
        static_cast<int>(std::lround(kMaxDistancePoints * std::max(0.0, 1.0 - km / kZeroPointsKm)));
    out.push_back(Soft("distance", points,
                       absl::StrCat(std::lround(km), " km from ",
                                    origin.name.empty() ? needs.home_municipality : origin.name)));
  } else {
    out.push_back(Soft("distance", 0, "distance unknown"));
  }

  if (needs.languages.empty()) {
    out.push_back(Soft("language", 0, "no language asked for"));
  } else {
    std::vector<std::string> spoken;
    for (const auto& l : needs.languages) {
      if (Contains(home.languages, l)) spoken.push_back(l);
    }
    const int points = static_cast<int>(
        std::lround(kLanguagePoints * static_cast<double>(spoken.size()) / needs.languages.size()));
    out.push_back(Soft("language", points,
                       spoken.empty() ? "speaks none of the child's languages"
                                      : absl::StrCat("speaks ", absl::StrJoin(spoken, ", "))));
  }

  std::vector<std::string> tags = needs.needs_tags;
  if (needs.children > 1 && !Contains(tags, "sibling_groups")) tags.push_back("sibling_groups");
  std::vector<std::string> matched;
  for (const auto& t : tags) {
    if (Contains(home.experience_tags, t)) matched.push_back(t);
  }
  std::sort(matched.begin(), matched.end());
  out.push_back(
      Soft("experience",
           std::min(kMaxExperiencePoints, kPointsPerExperience * static_cast<int>(matched.size())),
           matched.empty() ? "no experience of the needs asked for"
                           : absl::StrCat("experience of ", absl::StrJoin(matched, ", "))));

  out.push_back(Soft("training", home.trainings.empty() ? 0 : kTrainingPoints,
                     home.trainings.empty()
                         ? "no training completed"
                         : absl::StrCat("completed ", absl::StrJoin(home.trainings, ", "))));

  for (const auto& criterion : out) c.score += criterion.points();
  return c;
}

std::vector<Candidate> Rank(std::vector<Candidate> candidates) {
  std::erase_if(candidates, [](const Candidate& c) { return !c.eligible; });
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.home_id < b.home_id;
  });
  return candidates;
}

}  // namespace fhv::recruitment
