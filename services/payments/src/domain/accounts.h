#pragma once

// Checks of the payer's settings and of payees: bank accounts (IBAN with its check digits,
// BIC, Swedish clearing and account numbers, bankgiro numbers with their check digit),
// organisationsnummer, personnummer and the tax withheld. Pure; messages never echo the value.

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "common/util/status.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

// True if `iban` (spaces allowed) has a known length for its country and valid check digits.
bool ValidIban(const std::string& iban);
// True if `bic` is 8 or 11 characters: bank (4 letters), country (2), location (2), branch (3).
bool ValidBic(const std::string& bic);

// Adds a violation under `field` for each problem of `account`; `require_iban` for a debtor.
void CheckAccount(Violations& v, const std::string& field, const v1::BankAccount& account,
                  bool require_iban);

// INVALID_ARGUMENT listing every violation; `settings` normalised (organisationsnummer with 10
// digits, IBAN without spaces, upper case).
absl::Status ValidateSettings(v1::MunicipalityPaymentSettings& settings);
// INVALID_ARGUMENT listing every violation; `payee` normalised (personnummer with 12 digits).
absl::Status ValidatePayee(v1::Payee& payee, absl::CivilDay today);

}  // namespace fhv::payments
