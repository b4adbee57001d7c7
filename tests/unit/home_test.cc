// The recruitment service's pure rules for homes in the registry.

#include "services/recruitment/src/domain/home.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/status.h"

namespace fhv::recruitment {
namespace {

using ::testing::UnorderedElementsAre;

v1::Home ValidHome() {
  v1::Home h;
  h.mutable_owner()->set_id("2418");
  h.mutable_owner()->set_kind(fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
  h.add_approved_kinds(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  h.set_max_children(2);
  h.set_min_age(0);
  h.set_max_age(12);
  h.set_municipality("2418");
  h.set_support_tier(v1::SUPPORT_TIER_MUNICIPAL);
  auto* adult = h.add_adults();
  adult->set_given_name("Eva");
  adult->set_family_name("Berg");
  h.add_languages("sv");
  h.mutable_address()->set_street("Storgatan 1");
  h.set_protected_address(true);
  return h;
}

std::vector<std::string> Fields(const absl::Status& st) {
  std::vector<std::string> out;
  for (const auto& v : GetViolations(st)) out.push_back(v.field);
  return out;
}

TEST(Home, AValidHomeIsAvailableAndLosesOutputOnlyFields) {
  v1::Home in = ValidHome();
  in.set_id("made-up");
  in.set_placed_children(3);
  in.set_etag("7");
  auto got = ValidateNewHome(in);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id(), "");
  EXPECT_EQ(got->placed_children(), 0);
  EXPECT_EQ(got->etag(), "");
  EXPECT_EQ(got->availability(), v1::AVAILABILITY_AVAILABLE);
}

TEST(Home, PositionsAreKeptCoarse) {
  v1::Home in = ValidHome();
  in.mutable_location()->set_latitude(65.18234);
  in.mutable_location()->set_longitude(18.73861);
  auto got = ValidateNewHome(in);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_DOUBLE_EQ(got->location().latitude(), 65.18);
  EXPECT_DOUBLE_EQ(got->location().longitude(), 18.74);
}

TEST(Home, BadHomeNamesEveryField) {
  v1::Home in = ValidHome();
  in.mutable_owner()->set_kind(fhv::common::v1::ORGANISATION_KIND_UNSPECIFIED);
  in.clear_approved_kinds();
  in.set_max_children(0);
  in.set_min_age(10);
  in.set_max_age(5);
  in.set_municipality("99");
  in.set_support_tier(v1::SUPPORT_TIER_UNSPECIFIED);
  in.set_availability(v1::AVAILABILITY_PAUSED);
  in.clear_adults();
  in.add_languages("SV");
  in.mutable_location()->set_latitude(48.85);  // Paris
  in.mutable_location()->set_longitude(2.35);
  auto got = ValidateNewHome(in);
  ASSERT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(got.status()),
              UnorderedElementsAre("home.owner.kind", "home.approved_kinds", "home.max_children",
                                   "home.max_age", "home.municipality", "home.support_tier",
                                   "home.paused_until", "home.adults", "home.languages[1]",
                                   "home.location"));
}

TEST(Home, OnlyAMunicipalitysHomeIsSharedWithRegions) {
  v1::Home in = ValidHome();
  in.mutable_owner()->set_id("5560360793");
  in.mutable_owner()->set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  in.add_shared_with_regions("familjehemsgruppen");
  EXPECT_THAT(Fields(ValidateNewHome(in).status()),
              UnorderedElementsAre("home.shared_with_regions"));
}

TEST(Home, ProfileUpdateChangesOnlyTheProfile) {
  v1::Home stored = *ValidateNewHome(ValidHome());
  v1::Home update;
  update.set_max_children(9);  // scope: not the owner's to change
  update.add_approved_kinds(fhv::common::v1::ASSIGNMENT_KIND_JOURHEM);
  update.add_languages("ar");
  update.add_experience_tags("trauma");
  update.set_rooms_for_children(2);
  auto got = ApplyProfile(stored, update);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->max_children(), 2);
  EXPECT_EQ(got->approved_kinds_size(), 1);
  EXPECT_THAT(got->languages(), UnorderedElementsAre("ar"));
  EXPECT_EQ(got->rooms_for_children(), 2);
  update.set_rooms_for_children(-1);
  EXPECT_THAT(Fields(ApplyProfile(stored, update).status()),
              UnorderedElementsAre("home.rooms_for_children"));
}

TEST(Home, AProtectedAddressIsShownOnlyToTheOwner) {
  const v1::Home home = *ValidateNewHome(ValidHome());
  EXPECT_EQ(ShownTo(home, "2418").address().street(), "Storgatan 1");
  EXPECT_FALSE(ShownTo(home, "0834").has_address());
  v1::Home open = home;
  open.set_protected_address(false);
  EXPECT_EQ(ShownTo(open, "0834").address().street(), "Storgatan 1");
}

TEST(Home, FullFollowsFromOccupancy) {
  v1::Home home = *ValidateNewHome(ValidHome());
  home.set_placed_children(1);
  EXPECT_EQ(EffectiveAvailability(home), v1::AVAILABILITY_AVAILABLE);
  home.set_placed_children(2);
  EXPECT_EQ(EffectiveAvailability(home), v1::AVAILABILITY_FULL);
}

}  // namespace
}  // namespace fhv::recruitment
