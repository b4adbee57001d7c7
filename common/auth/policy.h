#pragma once

// The one policy function of the suite: which roles of which kind of organisation
// may take each action. Record-level rules (whose record it is) live in each
// service's domain code and are checked after this.

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace fhv::auth {

enum class Action {
  kDeliverEvent,  // service-to-service event delivery
  // recruitment
  kSubmitInterest,
  kReadInterest,
  kManageOrganisations,  // organisations and regions
  kReadOrganisations,
  kReadApplicant,  // applicants and their pipeline
  kStepApplicant,  // the pipeline's verbs
  kReadFunnel,     // funnel reports
  kRegisterHome,   // entering an approved home by hand
  kReadHomes,      // the registry
  kUpdateHome,     // the owner's profile and availability
  kFindHomes,      // matching
  // investigation
  kOpenInvestigation,         // initial and follow-up
  kReadInvestigation,         // investigations and overdue checks
  kAssignInvestigator,        // reassigning the investigator
  kWorkInvestigation,         // starting the work
  kRecordInvestigationStep,   // household, profile and the mandatory steps
  kDecideInvestigation,       // approve, reject, return for completion
  kReadRegisterNote,          // checked per record after the attempt is audited
  kDiscontinueInvestigation,  // also the recruitment service when an applicant withdraws
  // placement (each verb then checks the caller's role towards the request)
  kCreatePlacementRequest,
  kReadPlacementRequest,
  kStepPlacementRequest,    // the owner's and the addressee's steps of the flow
  kDecidePlacementRequest,  // the committee's decisions and their reports
  kReadPlacement,
  kRecordStatutoryStep,
  kReadStatutoryItems,
  kReadClockRules,
  kSetDelegation,
  kReadDelegations,
  // payments
  kReadRateTables,
  kManageRateTables,  // SKR's national tables: the suite's own admins
  kReadAgreements,
  kWriteAgreements,
  kCreatePaymentRun,  // also the suite's services (a scheduler)
  kWorkPaymentRuns,   // read, recalculate and approve runs; the ledger
  kReadPayerSettings,
  kSetPayerSettings,
  kManagePayees,
  kUploadReceipt,   // the home, its agency's consultant, the paying municipality
  kReadClaims,      // receipts, purchase pre-approvals and reimbursements
  kClaim,           // a home's claims and purchase requests, or its consultant's
  kDecideClaims,    // the paying municipality
  kAgencyInvoices,  // an agency's invoices, by the agency or the invoiced municipality
  kReadCostReport,
  kRecordStay,  // a contact family's stay: the paying municipality or the home itself
};

// OK if `principal` may take `action`; PERMISSION_DENIED naming the action otherwise.
absl::Status Authorize(const Principal& principal, Action action);

}  // namespace fhv::auth
