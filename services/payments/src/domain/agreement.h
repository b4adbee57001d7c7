#pragma once

// Pure rules of agreements (uppdragsavtal): created from a placement's start or by hand, ended
// by the placement's end or by hand, and changed only by new versions of their terms from a
// date, the history kept. No I/O.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "fhv/placement/v1/events.pb.h"
#include "services/payments/src/domain/compensation.h"

namespace fhv::payments {

// The agreement of a started placement: ACTIVE from its start, version 1 with the agreed fee
// (or the table's base level) and, for an agency home, the agency's daily rate.
v1::Agreement FromPlacement(const fhv::placement::v1::PlacementStartedEvent& e,
                            const std::string& agreement_id, absl::Time now);

// A hand-made agreement (contact family or person, or a placement from before the suite).
// INVALID_ARGUMENT listing every violation.
absl::StatusOr<v1::Agreement> NewManual(const v1::Agreement& in, const v1::AgreementTerms& terms,
                                        const std::string& agreement_id,
                                        const std::string& municipality_id, const std::string& user,
                                        absl::Time now);

// INVALID_ARGUMENT listing every violation of `terms` (field names under `field`): absurd or
// negative amounts, extra allowances without a reason.
absl::Status ValidateTerms(const v1::AgreementTerms& terms, const std::string& field);

// A new version of the terms from `valid_from` (one with the same valid_from is superseded).
absl::Status Amend(v1::Agreement& a, absl::CivilDay valid_from, const v1::AgreementTerms& terms,
                   const std::string& reason, const std::string& user, absl::Time now);

// Ends the agreement on `end_date` (its last day). `by_placement` for PlacementEndedEvent;
// a placement's agreement is not ended by hand (AGREEMENT_OF_PLACEMENT).
absl::Status End(v1::Agreement& a, absl::CivilDay end_date, bool by_placement, absl::Time now);

// Fills the computed fields: each version's valid_to.
void Derive(v1::Agreement& a);

// The agreement as MonthLines takes it: the versions in force, oldest first.
AgreementPeriod PeriodOf(const v1::Agreement& a);

// True when `terms` pay an expense allowance above the table's tax-free maximum for some age.
bool AllowanceOverMax(const v1::AgreementTerms& terms, const v1::RateTable& table);

// Whether `p` may read the agreements paid by `municipality_id`: its finance officers, case
// workers and admins.
bool MayRead(const auth::Principal& p, const std::string& municipality_id);
// Whether `p` is a foster home acting for itself (its org id is its home id).
bool IsHome(const auth::Principal& p);
// Whether `p` may read `a`: the payer's staff (MayRead) or the home itself.
bool MayReadAgreement(const auth::Principal& p, const v1::Agreement& a);

}  // namespace fhv::payments
