#pragma once

// Pure rules of what agencies invoice and of the cost report: an agency's monthly invoice basis
// to a municipality (placement days × the daily rate, and its homes' approved claims), and the
// cost figures of own and agency homes per month. No I/O.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

// The invoice of `agency` to `municipality` for `month`: per agreement in force in the month,
// a DAILY_RATE line for each stretch of days under one version (days × its daily rate); per
// claim, a REIMBURSEMENT line of its approved amount. Lines in the order given; totals set.
// The caller passes only the agency's agreements and claims for that municipality.
v1::AgencyInvoice BuildAgencyInvoice(const std::string& id,
                                     const fhv::common::v1::OrganisationRef& agency,
                                     const std::string& municipality_id, absl::CivilMonth month,
                                     const std::vector<v1::Agreement>& agreements,
                                     const std::vector<v1::Reimbursement>& claims);

// The figures of a month's own homes, from the lines of its approved run.
v1::CostFigures OwnHomeCosts(const std::vector<v1::PaymentLine>& lines);
// The figures of an agency invoice.
v1::CostFigures AgencyCosts(const v1::AgencyInvoice& invoice);
// Adds `more` to `into` and sets the total and the cost per day again.
void AddCosts(v1::CostFigures& into, const v1::CostFigures& more);

}  // namespace fhv::payments
