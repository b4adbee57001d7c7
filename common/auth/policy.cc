#include "common/auth/policy.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace fhv::auth {
namespace {

struct Rule {
  Action action;
  std::string name;
  std::vector<OrgKind> kinds;
  std::vector<std::string> roles;  // any one of them; empty: any caller of those kinds
};

// The whole policy: who may take each action.
const std::vector<Rule>& Rules() {
  using K = OrgKind;
  static const auto* rules = new std::vector<Rule>{
      {Action::kDeliverEvent, "DeliverEvent", {K::kInternal}, {"service"}},
      {Action::kSubmitInterest,
       "SubmitInterest",
       {K::kMunicipality, K::kAgency},
       {"recruiter", "admin"}},
      {Action::kReadInterest,
       "ReadInterest",
       {K::kMunicipality, K::kAgency},
       {"recruiter", "investigator", "admin"}},
      // Organisations and regions decide who sees which homes: the suite's own admins only.
      {Action::kManageOrganisations, "ManageOrganisations", {K::kInternal}, {"admin"}},
      // Organisations and regions are public facts: any authenticated caller.
      {Action::kReadOrganisations,
       "ReadOrganisations",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {}},
      // The investigation service reads the applicant it opens an investigation for.
      {Action::kReadApplicant,
       "ReadApplicant",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"recruiter", "investigator", "admin", "service"}},
      {Action::kStepApplicant,
       "StepApplicant",
       {K::kMunicipality, K::kAgency},
       {"recruiter", "admin"}},
      {Action::kReadFunnel,
       "ReadFunnel",
       {K::kMunicipality},
       {"recruiter", "operations_manager", "admin"}},
      {Action::kRegisterHome,
       "RegisterHome",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"admin"}},
      {Action::kReadHomes,
       "ReadHomes",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"recruiter", "investigator", "case_worker", "consultant", "operations_manager", "admin",
        "service"}},
      {Action::kUpdateHome, "UpdateHome", {K::kMunicipality, K::kAgency}, {"recruiter", "admin"}},
      {Action::kFindHomes,
       "FindHomes",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"case_worker", "consultant", "operations_manager", "recruiter", "admin", "service"}},
      {Action::kOpenInvestigation,
       "OpenInvestigation",
       {K::kMunicipality, K::kAgency},
       {"investigator", "investigation_decider", "admin"}},
      {Action::kReadInvestigation,
       "ReadInvestigation",
       {K::kMunicipality, K::kAgency},
       {"investigator", "investigation_decider", "admin"}},
      {Action::kAssignInvestigator,
       "AssignInvestigator",
       {K::kMunicipality, K::kAgency},
       {"investigator", "investigation_decider", "admin"}},
      {Action::kWorkInvestigation,
       "WorkInvestigation",
       {K::kMunicipality, K::kAgency},
       {"investigator", "investigation_decider"}},
      {Action::kRecordInvestigationStep,
       "RecordInvestigationStep",
       {K::kMunicipality, K::kAgency},
       {"investigator"}},
      {Action::kDecideInvestigation,
       "DecideInvestigation",
       {K::kMunicipality, K::kAgency},
       {"investigation_decider"}},
      // Any caller of a municipality or agency gets as far as the audit; the handler then
      // refuses every role but investigator and investigation_decider.
      {Action::kReadRegisterNote,
       "ReadRegisterNote",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {}},
      {Action::kDiscontinueInvestigation,
       "DiscontinueInvestigation",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"investigator", "investigation_decider", "service"}},
      {Action::kCreatePlacementRequest,
       "CreatePlacementRequest",
       {K::kMunicipality},
       {"case_worker"}},
      {Action::kReadPlacementRequest,
       "ReadPlacementRequest",
       {K::kMunicipality, K::kAgency},
       {"case_worker", "operations_manager", "consultant", "committee_member", "committee_chair",
        "delegated_decider", "admin"}},
      {Action::kStepPlacementRequest,
       "StepPlacementRequest",
       {K::kMunicipality, K::kAgency},
       {"case_worker", "operations_manager", "consultant"}},
      {Action::kDecidePlacementRequest,
       "DecidePlacementRequest",
       {K::kMunicipality},
       {"committee_member", "committee_chair", "delegated_decider"}},
      {Action::kReadPlacement,
       "ReadPlacement",
       {K::kMunicipality, K::kAgency, K::kInternal},
       {"case_worker", "operations_manager", "consultant", "committee_member", "committee_chair",
        "admin", "service"}},
      {Action::kRecordStatutoryStep,
       "RecordStatutoryStep",
       {K::kMunicipality},
       {"case_worker", "committee_member", "delegated_decider"}},
      {Action::kReadStatutoryItems,
       "ReadStatutoryItems",
       {K::kMunicipality},
       {"case_worker", "committee_member", "committee_chair", "admin"}},
      {Action::kReadClockRules, "ReadClockRules", {K::kMunicipality, K::kAgency, K::kInternal}, {}},
      {Action::kSetDelegation, "SetDelegation", {K::kMunicipality}, {"admin"}},
      {Action::kReadDelegations,
       "ReadDelegations",
       {K::kMunicipality},
       {"admin", "committee_member", "committee_chair", "delegated_decider", "case_worker"}},
      {Action::kReadRateTables, "ReadRateTables", {K::kMunicipality, K::kAgency, K::kInternal}, {}},
      {Action::kManageRateTables, "ManageRateTables", {K::kInternal}, {"admin"}},
      {Action::kReadAgreements,
       "ReadAgreements",
       {K::kMunicipality, K::kHome},
       {"finance_officer", "case_worker", "admin", "foster_home"}},
      {Action::kWriteAgreements,
       "WriteAgreements",
       {K::kMunicipality},
       {"finance_officer", "case_worker"}},
      {Action::kCreatePaymentRun,
       "CreatePaymentRun",
       {K::kMunicipality, K::kInternal},
       {"finance_officer", "service"}},
      // A home reads its own payment lines and payouts of approved runs; the rest is the payer's.
      {Action::kWorkPaymentRuns,
       "WorkPaymentRuns",
       {K::kMunicipality, K::kHome},
       {"finance_officer", "foster_home"}},
      {Action::kReadPayerSettings,
       "ReadPayerSettings",
       {K::kMunicipality},
       {"finance_officer", "admin"}},
      {Action::kSetPayerSettings, "SetPayerSettings", {K::kMunicipality}, {"admin"}},
      {Action::kManagePayees, "ManagePayees", {K::kMunicipality}, {"finance_officer"}},
      {Action::kUploadReceipt,
       "UploadReceipt",
       {K::kHome, K::kAgency, K::kMunicipality},
       {"foster_home", "consultant", "finance_officer", "case_worker"}},
      {Action::kReadClaims,
       "ReadClaims",
       {K::kHome, K::kAgency, K::kMunicipality},
       {"foster_home", "consultant", "finance_officer", "case_worker"}},
      {Action::kClaim, "Claim", {K::kHome, K::kAgency}, {"foster_home", "consultant"}},
      {Action::kDecideClaims,
       "DecideClaims",
       {K::kMunicipality},
       {"finance_officer", "case_worker"}},
      {Action::kAgencyInvoices,
       "AgencyInvoices",
       {K::kAgency, K::kMunicipality},
       {"finance_officer", "operations_manager"}},
      {Action::kReadCostReport,
       "ReadCostReport",
       {K::kMunicipality},
       {"finance_officer", "case_worker", "admin"}},
      {Action::kRecordStay,
       "RecordStay",
       {K::kMunicipality, K::kHome},
       {"finance_officer", "case_worker", "foster_home"}},
  };
  return *rules;
}

}  // namespace

absl::Status Authorize(const Principal& principal, Action action) {
  for (const Rule& rule : Rules()) {
    if (rule.action != action) continue;
    bool kind_ok = false;
    for (OrgKind k : rule.kinds) kind_ok |= principal.org_kind == k;
    bool role_ok = rule.roles.empty();
    for (const std::string& r : rule.roles) role_ok |= principal.HasRole(r);
    if (kind_ok && role_ok) return absl::OkStatus();
    return PermissionDenied(absl::StrCat("the caller may not ", rule.name));
  }
  return PermissionDenied("the action has no policy");
}

}  // namespace fhv::auth
