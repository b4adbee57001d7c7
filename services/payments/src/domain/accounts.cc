#include "services/payments/src/domain/accounts.h"

#include <algorithm>
#include <cctype>

#include "common/validation/identifiers.h"
#include "common/validation/request.h"

namespace fhv::payments {
namespace {

std::string Compact(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ') out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool ValidIban(const std::string& input) {
  const std::string iban = Compact(input);
  if (iban.size() < 15 || iban.size() > 34) return false;
  if (!std::isalpha(static_cast<unsigned char>(iban[0])) ||
      !std::isalpha(static_cast<unsigned char>(iban[1])) || !AllDigits(iban.substr(2, 2))) {
    return false;
  }
  if (iban.compare(0, 2, "SE") == 0 && iban.size() != 24) return false;
  // The check: the country and check digits moved to the end, letters as 10..35, mod 97 = 1.
  const std::string moved = iban.substr(4) + iban.substr(0, 4);
  int remainder = 0;
  for (char c : moved) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      const int value = c - 'A' + 10;
      remainder = (remainder * 100 + value) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

bool ValidBic(const std::string& input) {
  const std::string bic = Compact(input);
  if (bic.size() != 8 && bic.size() != 11) return false;
  for (size_t i = 0; i < bic.size(); ++i) {
    const auto c = static_cast<unsigned char>(bic[i]);
    if (i < 6 ? !std::isalpha(c) : !std::isalnum(c)) return false;
  }
  return true;
}

void CheckAccount(Violations& v, const std::string& field, const v1::BankAccount& a,
                  bool require_iban) {
  switch (a.account_case()) {
    case v1::BankAccount::kIban:
      if (!ValidIban(a.iban())) v.Add(field + ".iban", "is not a valid IBAN");
      if (require_iban && !ValidBic(a.bic())) v.Add(field + ".bic", "is required: a valid BIC");
      if (!require_iban && !a.bic().empty() && !ValidBic(a.bic())) {
        v.Add(field + ".bic", "is not a valid BIC");
      }
      return;
    case v1::BankAccount::kDomestic:
      if (require_iban) break;
      if (!AllDigits(a.domestic().clearing_number()) || a.domestic().clearing_number().size() < 4 ||
          a.domestic().clearing_number().size() > 5) {
        v.Add(field + ".domestic.clearing_number", "must be 4 or 5 digits");
      }
      if (!AllDigits(a.domestic().account_number()) || a.domestic().account_number().size() > 15) {
        v.Add(field + ".domestic.account_number", "must be 1 to 15 digits");
      }
      return;
    case v1::BankAccount::kBankgiro:
      if (require_iban) break;
      if (!AllDigits(a.bankgiro()) || a.bankgiro().size() < 7 || a.bankgiro().size() > 8 ||
          !validation::LuhnValid(a.bankgiro())) {
        v.Add(field + ".bankgiro", "must be 7 or 8 digits with a valid check digit");
      }
      return;
    default:
      break;
  }
  v.Add(field, require_iban ? "must be an IBAN with a BIC" : "is required: an account");
}

absl::Status ValidateSettings(v1::MunicipalityPaymentSettings& s) {
  Violations v;
  validation::CheckText(v, "settings.debtor_name", s.debtor_name(), 70, true);
  auto orgnr = validation::ParseOrganisationsnummer(s.organisationsnummer());
  if (!orgnr.ok()) {
    v.Add("settings.organisationsnummer", "is not a valid organisationsnummer");
  } else {
    s.set_organisationsnummer(*orgnr);
  }
  CheckAccount(v, "settings.debtor_account", s.debtor_account(), /*require_iban=*/true);
  if (s.execution_day_of_month() < 1 || s.execution_day_of_month() > 28) {
    v.Add("settings.execution_day_of_month", "must be 1..28");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  s.mutable_debtor_account()->set_iban(Compact(s.debtor_account().iban()));
  s.mutable_debtor_account()->set_bic(Compact(s.debtor_account().bic()));
  return absl::OkStatus();
}

absl::Status ValidatePayee(v1::Payee& p, absl::CivilDay today) {
  Violations v;
  validation::CheckText(v, "payee.home_id", p.home_id(), 64, true);
  validation::CheckText(v, "payee.name.given_name", p.name().given_name(), 100, true);
  validation::CheckText(v, "payee.name.family_name", p.name().family_name(), 100, true);
  auto id = validation::ParsePersonalIdentity(p.personnummer(), today);
  if (!id.ok()) {
    v.Add("payee.personnummer", "is not a valid personnummer");
  } else {
    p.set_personnummer(id->digits);
  }
  CheckAccount(v, "payee.account", p.account(), /*require_iban=*/false);
  if (p.withholding_tax_bp() < 0 || p.withholding_tax_bp() > 10000) {
    v.Add("payee.withholding_tax_bp", "must be 0..10000 basis points");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (p.account().has_iban()) p.mutable_account()->set_iban(Compact(p.account().iban()));
  return absl::OkStatus();
}

}  // namespace fhv::payments
