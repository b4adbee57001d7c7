// The recruitment service's pure matching rules: hard constraints, points and ranking.

#include "services/recruitment/src/domain/matching.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "common/util/status.h"

namespace fhv::recruitment {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr auto kFamiljehem = fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM;
constexpr auto kJourhem = fhv::common::v1::ASSIGNMENT_KIND_JOURHEM;

// Malå and Lycksele are about 60 km apart.
const GeoPoint kMala{65.18, 18.74};
const GeoPoint kLycksele{64.60, 18.67};

ValidNeeds OneChild(int age = 8) {
  ValidNeeds n;
  n.youngest_age = age;
  n.oldest_age = age;
  n.children = 1;
  n.kind = kFamiljehem;
  n.start_date = absl::CivilDay(2026, 12, 1);
  n.home_municipality = "2418";
  return n;
}

HomeFacts OpenHome(const std::string& id = "h1") {
  HomeFacts h;
  h.id = id;
  h.visible = true;
  h.approved_kinds = {kFamiljehem};
  h.max_children = 2;
  h.min_age = 0;
  h.max_age = 17;
  h.tier = v1::SUPPORT_TIER_MUNICIPAL;
  h.availability = v1::AVAILABILITY_AVAILABLE;
  return h;
}

// Name -> (met, points) of each criterion.
std::map<std::string, std::pair<bool, int>> ByName(const Candidate& c) {
  std::map<std::string, std::pair<bool, int>> out;
  for (const auto& k : c.criteria) out[k.name()] = {k.met(), k.points()};
  return out;
}

std::vector<std::string> Unmet(const Candidate& c) {
  std::vector<std::string> out;
  for (const auto& k : c.criteria) {
    if (k.hard() && !k.met()) out.push_back(k.name());
  }
  return out;
}

TEST(Matching, AnOpenHomeMeetsEveryHardConstraintAndExplainsEach) {
  const Candidate c = Evaluate(OpenHome(), OneChild(), {});
  EXPECT_TRUE(c.eligible);
  std::vector<std::string> names;
  for (const auto& k : c.criteria) names.push_back(k.name());
  EXPECT_THAT(names, ElementsAre("approved_kind", "capacity", "age_range", "available_on_start",
                                 "visible", "reinforced_alone", "support_tier", "distance",
                                 "language", "experience", "training"));
  for (const auto& k : c.criteria) EXPECT_FALSE(k.detail().empty()) << k.name();
  EXPECT_EQ(c.score, 0);
}

TEST(Matching, EachHardConstraintExcludesOnItsOwn) {
  struct Case {
    std::string name;
    std::function<void(HomeFacts&, ValidNeeds&)> change;
  };
  const std::vector<Case> cases = {
      {"approved_kind", [](HomeFacts& h, ValidNeeds&) { h.approved_kinds = {kJourhem}; }},
      {"capacity", [](HomeFacts& h, ValidNeeds&) { h.placed_children = 2; }},
      {"capacity",
       [](HomeFacts& h, ValidNeeds& n) {  // one place free, two siblings
         h.placed_children = 1;
         n.children = 2;
         n.youngest_age = 6;
       }},
      {"age_range", [](HomeFacts& h, ValidNeeds&) { h.min_age = 10; }},
      {"age_range", [](HomeFacts& h, ValidNeeds&) { h.max_age = 7; }},
      {"available_on_start",
       [](HomeFacts& h, ValidNeeds&) {
         h.availability = v1::AVAILABILITY_PAUSED;
         h.paused_until = absl::CivilDay(2026, 12, 1);  // paused through the start day
       }},
      {"visible", [](HomeFacts& h, ValidNeeds&) { h.visible = false; }},
      {"reinforced_alone",
       [](HomeFacts& h, ValidNeeds&) {
         h.tier = v1::SUPPORT_TIER_INTENSIVELY_REINFORCED;
         h.placed_children = 1;
       }},
      {"support_tier", [](HomeFacts&, ValidNeeds& n) { n.intensively_reinforced = true; }},
  };
  for (const auto& c : cases) {
    HomeFacts home = OpenHome();
    ValidNeeds needs = OneChild();
    c.change(home, needs);
    const Candidate got = Evaluate(home, needs, {});
    EXPECT_FALSE(got.eligible) << c.name;
    EXPECT_THAT(Unmet(got), ElementsAre(c.name));
  }
}

TEST(Matching, APauseThatEndsBeforeTheStartDoesNotExclude) {
  HomeFacts home = OpenHome();
  home.availability = v1::AVAILABILITY_PAUSED;
  home.paused_until = absl::CivilDay(2026, 11, 30);
  EXPECT_TRUE(Evaluate(home, OneChild(), {}).eligible);
}

TEST(Matching, AReinforcedHomeTakesASiblingGroupWhenEmpty) {
  HomeFacts home = OpenHome();
  home.tier = v1::SUPPORT_TIER_INTENSIVELY_REINFORCED;
  ValidNeeds needs = OneChild(9);
  needs.children = 2;
  needs.youngest_age = 7;
  needs.intensively_reinforced = true;
  EXPECT_TRUE(Evaluate(home, needs, {}).eligible);
}

TEST(Matching, DistancePointsFallLinearlyTo300Km) {
  HomeFacts home = OpenHome();
  home.location = kLycksele;
  const Origin origin{kMala, "Malå"};
  const Candidate c = Evaluate(home, OneChild(), origin);
  const double km = DistanceKm(kMala, kLycksele);
  EXPECT_NEAR(km, 64.5, 2.0);
  EXPECT_EQ(ByName(c)["distance"].second, static_cast<int>(std::lround(30 * (1 - km / 300))));
  EXPECT_EQ(c.criteria[7].detail(), absl::StrCat(std::lround(km), " km from Malå"));
  home.location = GeoPoint{55.6, 13.0};  // Malmö: over 300 km
  EXPECT_EQ(ByName(Evaluate(home, OneChild(), origin))["distance"].second, 0);
  home.location = kMala;
  EXPECT_EQ(ByName(Evaluate(home, OneChild(), origin))["distance"].second, 30);
  home.location.reset();
  EXPECT_EQ(ByName(Evaluate(home, OneChild(), origin))["distance"], std::make_pair(false, 0));
}

TEST(Matching, LanguageExperienceAndTrainingPoints) {
  HomeFacts home = OpenHome();
  home.languages = {"sv", "ar"};
  home.experience_tags = {"trauma", "infants", "sibling_groups", "teenagers"};
  home.trainings = {"PRIDE"};
  ValidNeeds needs = OneChild();
  needs.languages = {"ar", "so"};
  needs.needs_tags = {"trauma", "neuropsychiatric"};
  auto got = ByName(Evaluate(home, needs, {}));
  EXPECT_EQ(got["language"].second, 10);  // one of two
  EXPECT_EQ(got["experience"].second, 10);
  EXPECT_EQ(got["training"].second, 10);
  // A sibling group counts sibling_groups as a need; experience is capped at 30.
  needs.children = 2;
  needs.youngest_age = 5;
  needs.needs_tags = {"trauma", "infants", "teenagers"};
  got = ByName(Evaluate(home, needs, {}));
  EXPECT_EQ(got["experience"].second, 30);
  EXPECT_EQ(Evaluate(home, needs, {}).score, 10 + 30 + 10);
}

TEST(Matching, RankKeepsEligibleBestFirstAndBreaksTiesById) {
  std::vector<Candidate> in = {
      {.home_id = "b", .eligible = true, .score = 10},
      {.home_id = "a", .eligible = true, .score = 10},
      {.home_id = "c", .eligible = true, .score = 40},
      {.home_id = "d", .eligible = false, .score = 90},
  };
  std::vector<std::string> ids;
  for (const auto& c : Rank(in)) ids.push_back(c.home_id);
  EXPECT_THAT(ids, ElementsAre("c", "a", "b"));
}

TEST(Matching, ValidateNeedsNamesEveryProblem) {
  v1::ChildNeeds in;
  in.set_youngest_age(9);
  in.set_oldest_age(7);
  in.set_children(0);
  in.set_home_municipality("24");
  in.add_languages("Arabic");
  in.add_needs_tags("Trauma!");
  auto got = ValidateNeeds(in);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(got.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, UnorderedElementsAre("needs.oldest_age", "needs.children", "needs.kind",
                                           "needs.start_date", "needs.home_municipality",
                                           "needs.languages[0]", "needs.needs_tags[0]"));

  v1::ChildNeeds ok;
  ok.set_youngest_age(4);
  ok.set_oldest_age(9);
  ok.set_children(2);
  ok.set_kind(kFamiljehem);
  ok.mutable_start_date()->set_year(2026);
  ok.mutable_start_date()->set_month(12);
  ok.mutable_start_date()->set_day(1);
  ok.set_home_municipality("2418");
  ok.add_languages("ar");
  ok.add_languages("ar");
  auto valid = ValidateNeeds(ok);
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_THAT(valid->languages, ElementsAre("ar"));  // counted once
  // One child has one age.
  ok.set_children(1);
  EXPECT_EQ(ValidateNeeds(ok).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fhv::recruitment
