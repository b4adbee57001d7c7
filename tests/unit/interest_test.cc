// The recruitment service's pure interest rules.

#include "services/recruitment/src/domain/interest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/status.h"

namespace fhv::recruitment {
namespace {

using ::testing::UnorderedElementsAre;

const absl::CivilDay kToday(2026, 11, 23);

v1::Interest Valid() {
  v1::Interest i;
  i.set_source(v1::INTEREST_SOURCE_EMAIL);
  auto* a = i.add_adults();
  a->mutable_name()->set_given_name("Anna");
  a->mutable_name()->set_family_name("Lind");
  a->set_personnummer("121212-1212");
  a->mutable_contact()->set_phone("070-123 45 67");
  i.mutable_home()->set_housing_type(v1::HOUSING_TYPE_FLAT);
  i.add_wanted_assignments(fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ);
  return i;
}

std::vector<std::string> Fields(const absl::Status& st) {
  std::vector<std::string> out;
  for (const auto& v : GetViolations(st)) out.push_back(v.field);
  return out;
}

TEST(InterestRulesTest, AcceptsAndNormalises) {
  v1::Interest in = Valid();
  in.set_id("client-chosen");  // output-only: ignored
  auto r = ValidateInterest(in, kToday);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->interest.adults(0).personnummer(), "201212121212");
  EXPECT_THAT(r->personnummer, ::testing::ElementsAre("201212121212"));
  EXPECT_TRUE(r->interest.id().empty());
}

TEST(InterestRulesTest, ReportsEveryViolation) {
  v1::Interest in;
  auto r = ValidateInterest(in, kToday);
  EXPECT_THAT(Fields(r.status()),
              UnorderedElementsAre("interest.source", "interest.adults",
                                   "interest.home.housing_type", "interest.wanted_assignments"));
}

TEST(InterestRulesTest, AdultRules) {
  v1::Interest in = Valid();
  *in.add_adults() = in.adults(0);  // the same person twice
  in.mutable_adults(0)->mutable_contact()->set_email("no-at-sign");
  in.mutable_adults(0)->mutable_address()->set_postal_code("12");
  auto r = ValidateInterest(in, kToday);
  EXPECT_THAT(Fields(r.status()), UnorderedElementsAre("interest.adults[1].personnummer",
                                                       "interest.adults[0].contact.email",
                                                       "interest.adults[0].address.postal_code"));
  in = Valid();
  in.mutable_adults(0)->clear_contact();
  EXPECT_THAT(Fields(ValidateInterest(in, kToday).status()),
              UnorderedElementsAre("interest.adults[0].contact"));
  in = Valid();
  for (int i = 0; i < 2; ++i) *in.add_adults() = in.adults(0);
  EXPECT_THAT(Fields(ValidateInterest(in, kToday).status()),
              ::testing::Contains("interest.adults"));
}

TEST(InterestRulesTest, HouseholdHomeLanguagesAndPlaces) {
  v1::Interest in = Valid();
  in.add_household_children()->set_age(26);
  in.mutable_home()->set_rooms_for_child(-1);
  in.add_languages("Swedish");
  in.add_wanted_assignments(fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ);  // twice
  in.add_wanted_municipalities("2418");
  in.add_wanted_municipalities("99");
  in.add_wanted_regions("Familjehemsgruppen!");
  in.set_source(v1::INTEREST_SOURCE_CAMPAIGN);  // without a campaign id
  EXPECT_THAT(
      Fields(ValidateInterest(in, kToday).status()),
      UnorderedElementsAre("interest.household_children[0].age", "interest.home.rooms_for_child",
                           "interest.languages[0]", "interest.wanted_assignments[1]",
                           "interest.wanted_municipalities[1]", "interest.wanted_regions[0]",
                           "interest.campaign_id"));
}

TEST(InterestRulesTest, MessagesNeverEchoThePersonnummer) {
  v1::Interest in = Valid();
  in.mutable_adults(0)->set_personnummer("121212-1213");
  auto r = ValidateInterest(in, kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), ::testing::Not(::testing::HasSubstr("1213")));
}

}  // namespace
}  // namespace fhv::recruitment
