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
    if (!validation::IsCode(in.languages(i), 3)) {
      v.Add(absl::StrCat("needs.languages[", i, "]"), "must be an ISO 639 code, e.g. \"sv\"");
    }
  }
  if (in.needs_tags_size() > 20) v.Add("needs.needs_tags", "must list at most 20");
  for (int i = 0; i < in.needs_tags_size() && i < 20; ++i) {
    if (!validation::IsCode(in.needs_tags(i))) {
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

namespace {

// Adds up a home's criteria; builds their explanations only when asked, since ranking
// rates every visible home and explains only the ones returned.
class Criteria {
 public:
  Criteria(Candidate& c, bool explain) : c_(c), explain_(explain) { c_.eligible = true; }

  template <typename Detail>
  void Hard(const char* name, bool met, Detail detail) {
    c_.eligible &= met;
    if (explain_) c_.criteria.push_back(fhv::recruitment::Hard(name, met, detail()));
  }
  template <typename Detail>
  void Soft(const char* name, int points, Detail detail) {
    c_.score += points;
    if (explain_) c_.criteria.push_back(fhv::recruitment::Soft(name, points, detail()));
  }

 private:
  Candidate& c_;
  const bool explain_;
};

}  // namespace

Candidate Evaluate(const HomeFacts& home, const ValidNeeds& needs, const Origin& origin,
                   bool explain) {
  Candidate c;
  c.home_id = home.id;
  Criteria out(c, explain);

  const bool kind_ok = std::find(home.approved_kinds.begin(), home.approved_kinds.end(),
                                 needs.kind) != home.approved_kinds.end();
  out.Hard("approved_kind", kind_ok, [&] {
    return absl::StrCat(kind_ok ? "approved for " : "not approved for ", KindName(needs.kind));
  });

  const int free = std::max(0, home.max_children - home.placed_children);
  out.Hard("capacity", free >= needs.children, [&] {
    return absl::StrCat(free, " of ", home.max_children, " places free, ", needs.children,
                        " needed");
  });

  const bool ages_ok = home.min_age <= needs.youngest_age && needs.oldest_age <= home.max_age;
  out.Hard("age_range", ages_ok,
           [&] { return absl::StrCat("approved for ages ", home.min_age, "-", home.max_age); });

  const bool paused = home.availability == v1::AVAILABILITY_PAUSED && home.paused_until;
  const bool available = home.availability == v1::AVAILABILITY_AVAILABLE ||
                         (paused && *home.paused_until < needs.start_date);
  out.Hard("available_on_start", available, [&]() -> std::string {
    if (home.availability == v1::AVAILABILITY_AVAILABLE) return "available";
    if (paused) return absl::StrCat("paused until ", absl::FormatCivilTime(*home.paused_until));
    return "not available";
  });

  out.Hard("visible", home.visible, [&] {
    return std::string(home.visible ? "visible to the asking organisation"
                                    : "not visible to the asking organisation");
  });

  const bool reinforced = home.tier == v1::SUPPORT_TIER_INTENSIVELY_REINFORCED;
  const bool alone = !reinforced || home.placed_children == 0;
  out.Hard("reinforced_alone", alone, [&] {
    return std::string(!reinforced ? "not an intensively reinforced home"
                       : alone     ? "intensively reinforced, no other child placed"
                                   : "intensively reinforced, another child is placed");
  });

  const bool tier_ok = !needs.intensively_reinforced || reinforced;
  out.Hard("support_tier", tier_ok, [&] {
    return std::string(!needs.intensively_reinforced ? "any tier"
                       : reinforced                  ? "intensively reinforced as needed"
                                                     : "not intensively reinforced as needed");
  });

  // Soft criteria.
  if (home.location && origin.location) {
    const double km = DistanceKm(*home.location, *origin.location);
    const int points =
        static_cast<int>(std::lround(kMaxDistancePoints * std::max(0.0, 1.0 - km / kZeroPointsKm)));
    out.Soft("distance", points, [&] {
      return absl::StrCat(std::lround(km), " km from ",
                          origin.name.empty() ? needs.home_municipality : origin.name);
    });
  } else {
    out.Soft("distance", 0, [] { return std::string("distance unknown"); });
  }

  if (needs.languages.empty()) {
    out.Soft("language", 0, [] { return std::string("no language asked for"); });
  } else {
    int spoken = 0;
    for (const auto& l : needs.languages) spoken += Contains(home.languages, l);
    const int points = static_cast<int>(
        std::lround(kLanguagePoints * static_cast<double>(spoken) / needs.languages.size()));
    out.Soft("language", points, [&]() -> std::string {
      std::vector<std::string> names;
      for (const auto& l : needs.languages) {
        if (Contains(home.languages, l)) names.push_back(l);
      }
      if (names.empty()) return "speaks none of the child's languages";
      return absl::StrCat("speaks ", absl::StrJoin(names, ", "));
    });
  }

  const bool siblings = needs.children > 1 && !Contains(needs.needs_tags, "sibling_groups");
  int matched = 0;
  for (const auto& t : needs.needs_tags) matched += Contains(home.experience_tags, t);
  if (siblings) matched += Contains(home.experience_tags, "sibling_groups");
  out.Soft("experience", std::min(kMaxExperiencePoints, kPointsPerExperience * matched),
           [&]() -> std::string {
             std::vector<std::string> names;
             for (const auto& t : needs.needs_tags) {
               if (Contains(home.experience_tags, t)) names.push_back(t);
             }
             if (siblings && Contains(home.experience_tags, "sibling_groups")) {
               names.push_back("sibling_groups");
             }
             std::sort(names.begin(), names.end());
             if (names.empty()) return "no experience of the needs asked for";
             return absl::StrCat("experience of ", absl::StrJoin(names, ", "));
           });

  out.Soft("training", home.trainings.empty() ? 0 : kTrainingPoints, [&]() -> std::string {
    if (home.trainings.empty()) return "no training completed";
    return absl::StrCat("completed ", absl::StrJoin(home.trainings, ", "));
  });
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
