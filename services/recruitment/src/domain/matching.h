#pragma once

// Pure rules for matching homes to a child (or sibling group): which homes qualify
// (hard constraints) and how they rank (soft criteria, in points). No I/O.
//
// Points, at most 90:
// - distance:   30 at 0 km from the child's home municipality, falling linearly to 0 at
//               300 km (rounded to whole points); 0 when either position is unknown;
// - language:   20 x (the child's languages the home speaks / the child's languages);
// - experience: 10 for each needs tag the home has experience of, at most 30; a sibling
//               group (children > 1) counts "sibling_groups" as a need;
// - training:   10 if the home has completed at least one training.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// A child's needs, validated.
struct ValidNeeds {
  int youngest_age = 0;
  int oldest_age = 0;
  int children = 1;
  fhv::common::v1::AssignmentKind kind = fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED;
  bool intensively_reinforced = false;
  absl::CivilDay start_date;
  std::string home_municipality;  // kommunkod
  std::vector<std::string> languages;
  std::vector<std::string> needs_tags;
};

// INVALID_ARGUMENT listing every violation under "needs." (an impossible age range,
// no kind, a bad date or kommunkod, too many children or tags).
absl::StatusOr<ValidNeeds> ValidateNeeds(const v1::ChildNeeds& in);

// What matching needs to know of one home.
struct HomeFacts {
  std::string id;
  bool visible = false;  // to the asking organisation
  std::vector<fhv::common::v1::AssignmentKind> approved_kinds;
  int max_children = 0;
  int min_age = 0;
  int max_age = 0;
  int placed_children = 0;
  v1::SupportTier tier = v1::SUPPORT_TIER_UNSPECIFIED;
  // AVAILABLE or PAUSED as set by the owner; FULL follows from occupancy.
  v1::Availability availability = v1::AVAILABILITY_UNSPECIFIED;
  // Paused through this day (inclusive) when availability is PAUSED.
  std::optional<absl::CivilDay> paused_until;
  std::optional<GeoPoint> location;
  std::vector<std::string> languages;
  std::vector<std::string> experience_tags;
  std::vector<std::string> trainings;  // names of completed trainings
};

// Where the child comes from, for distance.
struct Origin {
  std::optional<GeoPoint> location;
  std::string name;  // the home municipality's name, for the explanation
};

struct Candidate {
  std::string home_id;
  // True if every hard constraint is met.
  bool eligible = false;
  int score = 0;
  // Hard constraints first, in a fixed order, then the soft criteria.
  std::vector<v1::MatchCriterion> criteria;
};

// Evaluates one home for `needs`. Hard constraints: approved_kind, capacity (free places
// for all the children), age_range, available_on_start, visible, reinforced_alone (an
// intensively reinforced home has no other child placed) and support_tier (a placement
// that needs an intensively reinforced home gets only such homes). With `explain` false
// only `eligible` and `score` are set (fast, for ranking many homes); with true also
// `criteria`, with the same eligibility and score.
Candidate Evaluate(const HomeFacts& home, const ValidNeeds& needs, const Origin& origin,
                   bool explain = true);

// The eligible candidates, best first: score descending, then home id ascending.
std::vector<Candidate> Rank(std::vector<Candidate> candidates);

// Great-circle distance in km.
double DistanceKm(const GeoPoint& a, const GeoPoint& b);

}  // namespace fhv::recruitment
