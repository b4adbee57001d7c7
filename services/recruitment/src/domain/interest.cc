#include "services/recruitment/src/domain/interest.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "services/recruitment/src/domain/organisation.h"

namespace fhv::recruitment {
namespace {

void CheckAdult(Violations& v, const std::string& at, v1::InterestAdult& adult,
                absl::CivilDay today, std::vector<std::string>& personnummer) {
  validation::CheckText(v, at + ".name.given_name", adult.name().given_name(), 200, true);
  validation::CheckText(v, at + ".name.family_name", adult.name().family_name(), 200, true);
  auto id = validation::ParsePersonalIdentity(adult.personnummer(), today);
  if (!id.ok()) {
    v.Add(at + ".personnummer", std::string(id.status().message()));
  } else {
    adult.set_personnummer(id->digits);
    personnummer.push_back(id->digits);
  }
  validation::CheckText(v, at + ".contact.email", adult.contact().email(), 254, false);
  if (!adult.contact().email().empty() && adult.contact().email().find('@') == std::string::npos) {
    v.Add(at + ".contact.email", "is not an e-mail address");
  }
  validation::CheckText(v, at + ".contact.phone", adult.contact().phone(), 40, false);
  for (char c : adult.contact().phone()) {
    if (!((c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-')) {
      v.Add(at + ".contact.phone", "may hold only digits, spaces, '+' and '-'");
      break;
    }
  }
  validation::CheckText(v, at + ".address.street", adult.address().street(), 200, false);
  validation::CheckText(v, at + ".address.city", adult.address().city(), 100, false);
  const std::string& postal = adult.address().postal_code();
  if (!postal.empty()) {
    std::string digits;
    for (char c : postal) {
      if (c != ' ') digits += c;
    }
    bool ok = digits.size() == 5;
    for (char c : digits) ok &= c >= '0' && c <= '9';
    if (!ok) v.Add(at + ".address.postal_code", "must be five digits");
  }
}

}  // namespace

std::string SourceName(v1::InterestSource source) { return v1::InterestSource_Name(source); }

absl::StatusOr<ValidInterest> ValidateInterest(const v1::Interest& in, absl::CivilDay today) {
  ValidInterest out;
  v1::Interest& interest = out.interest;
  interest = in;
  // Output-only fields are ignored.
  interest.clear_id();
  interest.clear_receiving_organisation();
  interest.clear_applicant_id();
  interest.clear_received_at();
  interest.clear_portal_submission_id();
  interest.clear_screening_score();
  interest.clear_portal_answers();

  Violations v;
  if (interest.source() == v1::INTEREST_SOURCE_UNSPECIFIED) {
    v.Add("interest.source", "is required");
  } else if (!v1::InterestSource_IsValid(interest.source())) {
    v.Add("interest.source", "is not a known source");
  }
  // A code, not free text: it labels metrics.
  if (!interest.campaign_id().empty() && !IsRegionId(interest.campaign_id())) {
    v.Add("interest.campaign_id", "must be a code of 1..64 of a-z, 0-9, '-', '_'");
  }
  if (interest.source() == v1::INTEREST_SOURCE_CAMPAIGN && interest.campaign_id().empty()) {
    v.Add("interest.campaign_id", "is required when the source is a campaign");
  }
  if (interest.adults_size() < 1 || interest.adults_size() > 2) {
    v.Add("interest.adults", "must name one or two adults");
  }
  for (int i = 0; i < interest.adults_size() && i < 2; ++i) {
    CheckAdult(v, absl::StrCat("interest.adults[", i, "]"), *interest.mutable_adults(i), today,
               out.personnummer);
  }
  if (out.personnummer.size() == 2 && out.personnummer[0] == out.personnummer[1]) {
    v.Add("interest.adults[1].personnummer", "is the same person as adults[0]");
  }
  bool reachable = false;
  for (const auto& a : interest.adults()) {
    reachable |= !a.contact().email().empty() || !a.contact().phone().empty();
  }
  if (interest.adults_size() > 0 && !reachable) {
    v.Add("interest.adults[0].contact", "an e-mail address or a phone number is required");
  }
  if (interest.household_children_size() > 20) {
    v.Add("interest.household_children", "must list at most 20 children");
  }
  for (int i = 0; i < interest.household_children_size() && i < 20; ++i) {
    const int age = interest.household_children(i).age();
    if (age < 0 || age > 25) {
      v.Add(absl::StrCat("interest.household_children[", i, "].age"), "must be 0..25");
    }
  }
  if (interest.home().housing_type() == v1::HOUSING_TYPE_UNSPECIFIED ||
      !v1::HousingType_IsValid(interest.home().housing_type())) {
    v.Add("interest.home.housing_type", "is required");
  }
  if (interest.home().rooms_for_child() < 0 || interest.home().rooms_for_child() > 20) {
    v.Add("interest.home.rooms_for_child", "must be 0..20");
  }
  if (interest.languages_size() > 20) v.Add("interest.languages", "must list at most 20");
  for (int i = 0; i < interest.languages_size() && i < 20; ++i) {
    if (!validation::IsCode(interest.languages(i), 3)) {
      v.Add(absl::StrCat("interest.languages[", i, "]"),
            "must be an ISO 639 code in lower case, e.g. \"sv\"");
    }
  }
  std::set<int> kinds;
  if (interest.wanted_assignments_size() == 0) {
    v.Add("interest.wanted_assignments", "must name at least one kind of assignment");
  }
  for (int i = 0; i < interest.wanted_assignments_size(); ++i) {
    const int kind = interest.wanted_assignments(i);
    if (kind == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
        !fhv::common::v1::AssignmentKind_IsValid(kind)) {
      v.Add(absl::StrCat("interest.wanted_assignments[", i, "]"), "is not a kind of assignment");
    } else if (!kinds.insert(kind).second) {
      v.Add(absl::StrCat("interest.wanted_assignments[", i, "]"), "is named twice");
    }
  }
  if (interest.wanted_municipalities_size() > 290) {
    v.Add("interest.wanted_municipalities", "must list at most 290");
  }
  for (int i = 0; i < interest.wanted_municipalities_size() && i < 290; ++i) {
    if (auto st = validation::CheckKommunkod(interest.wanted_municipalities(i)); !st.ok()) {
      v.Add(absl::StrCat("interest.wanted_municipalities[", i, "]"), std::string(st.message()));
    }
  }
  for (int i = 0; i < interest.wanted_regions_size() && i < 50; ++i) {
    if (!IsRegionId(interest.wanted_regions(i))) {
      v.Add(absl::StrCat("interest.wanted_regions[", i, "]"),
            "must be a region id (a-z, 0-9, '-', '_')");
    }
  }
  validation::CheckText(v, "interest.note", interest.note(), 4000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  return out;
}

absl::StatusOr<ValidInterest> ValidatePortalSubmission(const v1::PortalSubmission& in,
                                                       absl::CivilDay today) {
  v1::Interest interest;
  interest.set_source(v1::INTEREST_SOURCE_PORTAL);
  interest.set_campaign_id(in.campaign_id());
  *interest.mutable_adults() = in.adults();
  *interest.mutable_household_children() = in.household_children();
  *interest.mutable_home() = in.home();
  *interest.mutable_languages() = in.languages();
  *interest.mutable_wanted_assignments() = in.wanted_assignments();
  *interest.mutable_wanted_municipalities() = in.chosen_municipalities();

  Violations v;
  validation::CheckText(v, "submission.submission_id", in.submission_id(), 128, true);
  if (in.screening_score() < 0 || in.screening_score() > 1000) {
    v.Add("submission.screening_score", "must be 0..1000");
  }
  if (in.chosen_municipalities_size() == 0) {
    v.Add("submission.chosen_municipalities", "must name at least one municipality");
  }
  if (in.answers_size() > 200) v.Add("submission.answers", "must hold at most 200 answers");
  for (const auto& [question, answer] : in.answers()) {
    if (question.empty() || question.size() > 64) {
      v.Add("submission.answers", "question ids must be 1..64 characters");
      break;
    }
    validation::CheckText(v, absl::StrCat("submission.answers[", question, "]"), answer, 4000,
                          false);
  }
  auto valid = ValidateInterest(interest, today);
  if (!valid.ok()) {
    // The same checks, named as the portal names its fields.
    for (const auto& fv : GetViolations(valid.status())) {
      std::string field = fv.field;
      if (field.rfind("interest.", 0) == 0) field = "submission." + field.substr(9);
      const std::string wanted = "submission.wanted_municipalities";
      if (field.rfind(wanted, 0) == 0) {
        field = "submission.chosen_municipalities" + field.substr(wanted.size());
      }
      v.Add(field, fv.description);
    }
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  valid->interest.set_portal_submission_id(in.submission_id());
  valid->interest.set_screening_score(in.screening_score());
  *valid->interest.mutable_portal_answers() = in.answers();
  return valid;
}

}  // namespace fhv::recruitment
