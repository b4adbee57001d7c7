#pragma once

// gRPC handlers of fhv.payments.v1.PaymentsService: requests to domain calls and back. No SQL
// and no business rules here. Runs, agreements and the ledger are in payments_handlers.cc,
// claims in claims_handlers.cc, agencies in agency_handlers.cc, stays in stay_handlers.cc.

#include "common/events/sink.h"
#include "common/server/call.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "services/payments/src/metrics/payments_metrics.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

class PaymentsHandlers final : public v1::PaymentsService::CallbackService {
 public:
  explicit PaymentsHandlers(server::Runtime& rt)
      : rt_(rt), metrics_(*rt.metrics, *rt.pool, rt.gauge_refresh) {}

  grpc::ServerUnaryReactor* GetRateTable(grpc::CallbackServerContext* ctx,
                                         const v1::GetRateTableRequest* request,
                                         v1::GetRateTableResponse* response) override;
  grpc::ServerUnaryReactor* ListRateTables(grpc::CallbackServerContext* ctx,
                                           const v1::ListRateTablesRequest* request,
                                           v1::ListRateTablesResponse* response) override;
  grpc::ServerUnaryReactor* AddRateTable(grpc::CallbackServerContext* ctx,
                                         const v1::AddRateTableRequest* request,
                                         v1::AddRateTableResponse* response) override;
  grpc::ServerUnaryReactor* GetMunicipalityPaymentSettings(
      grpc::CallbackServerContext* ctx, const v1::GetMunicipalityPaymentSettingsRequest* request,
      v1::GetMunicipalityPaymentSettingsResponse* response) override;
  grpc::ServerUnaryReactor* SetMunicipalityPaymentSettings(
      grpc::CallbackServerContext* ctx, const v1::SetMunicipalityPaymentSettingsRequest* request,
      v1::SetMunicipalityPaymentSettingsResponse* response) override;
  grpc::ServerUnaryReactor* GetPayee(grpc::CallbackServerContext* ctx,
                                     const v1::GetPayeeRequest* request,
                                     v1::GetPayeeResponse* response) override;
  grpc::ServerUnaryReactor* SetPayee(grpc::CallbackServerContext* ctx,
                                     const v1::SetPayeeRequest* request,
                                     v1::SetPayeeResponse* response) override;
  grpc::ServerUnaryReactor* CreateAgreement(grpc::CallbackServerContext* ctx,
                                            const v1::CreateAgreementRequest* request,
                                            v1::CreateAgreementResponse* response) override;
  grpc::ServerUnaryReactor* GetAgreement(grpc::CallbackServerContext* ctx,
                                         const v1::GetAgreementRequest* request,
                                         v1::GetAgreementResponse* response) override;
  grpc::ServerUnaryReactor* ListAgreements(grpc::CallbackServerContext* ctx,
                                           const v1::ListAgreementsRequest* request,
                                           v1::ListAgreementsResponse* response) override;
  grpc::ServerUnaryReactor* AmendAgreement(grpc::CallbackServerContext* ctx,
                                           const v1::AmendAgreementRequest* request,
                                           v1::AmendAgreementResponse* response) override;
  grpc::ServerUnaryReactor* EndAgreement(grpc::CallbackServerContext* ctx,
                                         const v1::EndAgreementRequest* request,
                                         v1::EndAgreementResponse* response) override;
  grpc::ServerUnaryReactor* CreatePaymentRun(grpc::CallbackServerContext* ctx,
                                             const v1::CreatePaymentRunRequest* request,
                                             v1::CreatePaymentRunResponse* response) override;
  grpc::ServerUnaryReactor* GetPaymentRun(grpc::CallbackServerContext* ctx,
                                          const v1::GetPaymentRunRequest* request,
                                          v1::GetPaymentRunResponse* response) override;
  grpc::ServerUnaryReactor* ListPaymentRuns(grpc::CallbackServerContext* ctx,
                                            const v1::ListPaymentRunsRequest* request,
                                            v1::ListPaymentRunsResponse* response) override;
  grpc::ServerUnaryReactor* RecalculatePaymentRun(
      grpc::CallbackServerContext* ctx, const v1::RecalculatePaymentRunRequest* request,
      v1::RecalculatePaymentRunResponse* response) override;
  grpc::ServerUnaryReactor* ApprovePaymentRun(grpc::CallbackServerContext* ctx,
                                              const v1::ApprovePaymentRunRequest* request,
                                              v1::ApprovePaymentRunResponse* response) override;
  grpc::ServerUnaryReactor* MarkPaymentRunPaid(grpc::CallbackServerContext* ctx,
                                               const v1::MarkPaymentRunPaidRequest* request,
                                               v1::MarkPaymentRunPaidResponse* response) override;
  grpc::ServerUnaryReactor* MarkPaymentRunFailed(
      grpc::CallbackServerContext* ctx, const v1::MarkPaymentRunFailedRequest* request,
      v1::MarkPaymentRunFailedResponse* response) override;
  grpc::ServerUnaryReactor* ListPayouts(grpc::CallbackServerContext* ctx,
                                        const v1::ListPayoutsRequest* request,
                                        v1::ListPayoutsResponse* response) override;
  grpc::ServerUnaryReactor* GetBankFile(grpc::CallbackServerContext* ctx,
                                        const v1::GetBankFileRequest* request,
                                        v1::GetBankFileResponse* response) override;
  grpc::ServerUnaryReactor* GetFinanceExport(grpc::CallbackServerContext* ctx,
                                             const v1::GetFinanceExportRequest* request,
                                             v1::GetFinanceExportResponse* response) override;
  grpc::ServerUnaryReactor* ListLedgerEntries(grpc::CallbackServerContext* ctx,
                                              const v1::ListLedgerEntriesRequest* request,
                                              v1::ListLedgerEntriesResponse* response) override;
  grpc::ServerUnaryReactor* ListPaymentLines(grpc::CallbackServerContext* ctx,
                                             const v1::ListPaymentLinesRequest* request,
                                             v1::ListPaymentLinesResponse* response) override;

  // A home's claims (claims_handlers.cc).
  grpc::ServerUnaryReactor* UploadReceipt(grpc::CallbackServerContext* ctx,
                                          const v1::UploadReceiptRequest* request,
                                          v1::UploadReceiptResponse* response) override;
  grpc::ServerUnaryReactor* GetReceipt(grpc::CallbackServerContext* ctx,
                                       const v1::GetReceiptRequest* request,
                                       v1::GetReceiptResponse* response) override;
  grpc::ServerUnaryReactor* RequestPurchaseApproval(
      grpc::CallbackServerContext* ctx, const v1::RequestPurchaseApprovalRequest* request,
      v1::RequestPurchaseApprovalResponse* response) override;
  grpc::ServerUnaryReactor* GetPurchaseApproval(grpc::CallbackServerContext* ctx,
                                                const v1::GetPurchaseApprovalRequest* request,
                                                v1::GetPurchaseApprovalResponse* response) override;
  grpc::ServerUnaryReactor* ListPurchaseApprovals(
      grpc::CallbackServerContext* ctx, const v1::ListPurchaseApprovalsRequest* request,
      v1::ListPurchaseApprovalsResponse* response) override;
  grpc::ServerUnaryReactor* ApprovePurchaseApproval(
      grpc::CallbackServerContext* ctx, const v1::ApprovePurchaseApprovalRequest* request,
      v1::ApprovePurchaseApprovalResponse* response) override;
  grpc::ServerUnaryReactor* RejectPurchaseApproval(
      grpc::CallbackServerContext* ctx, const v1::RejectPurchaseApprovalRequest* request,
      v1::RejectPurchaseApprovalResponse* response) override;
  grpc::ServerUnaryReactor* SubmitReimbursement(grpc::CallbackServerContext* ctx,
                                                const v1::SubmitReimbursementRequest* request,
                                                v1::SubmitReimbursementResponse* response) override;
  grpc::ServerUnaryReactor* GetReimbursement(grpc::CallbackServerContext* ctx,
                                             const v1::GetReimbursementRequest* request,
                                             v1::GetReimbursementResponse* response) override;
  grpc::ServerUnaryReactor* ListReimbursements(grpc::CallbackServerContext* ctx,
                                               const v1::ListReimbursementsRequest* request,
                                               v1::ListReimbursementsResponse* response) override;
  grpc::ServerUnaryReactor* ApproveReimbursement(
      grpc::CallbackServerContext* ctx, const v1::ApproveReimbursementRequest* request,
      v1::ApproveReimbursementResponse* response) override;
  grpc::ServerUnaryReactor* RejectReimbursement(grpc::CallbackServerContext* ctx,
                                                const v1::RejectReimbursementRequest* request,
                                                v1::RejectReimbursementResponse* response) override;
  // Agencies' invoices and the cost report (agency_handlers.cc).
  grpc::ServerUnaryReactor* CreateAgencyInvoice(grpc::CallbackServerContext* ctx,
                                                const v1::CreateAgencyInvoiceRequest* request,
                                                v1::CreateAgencyInvoiceResponse* response) override;
  grpc::ServerUnaryReactor* GetAgencyInvoice(grpc::CallbackServerContext* ctx,
                                             const v1::GetAgencyInvoiceRequest* request,
                                             v1::GetAgencyInvoiceResponse* response) override;
  grpc::ServerUnaryReactor* ListAgencyInvoices(grpc::CallbackServerContext* ctx,
                                               const v1::ListAgencyInvoicesRequest* request,
                                               v1::ListAgencyInvoicesResponse* response) override;
  grpc::ServerUnaryReactor* GetCostReport(grpc::CallbackServerContext* ctx,
                                          const v1::GetCostReportRequest* request,
                                          v1::GetCostReportResponse* response) override;

  // Contact families' stays (stay_handlers.cc).
  grpc::ServerUnaryReactor* RecordContactFamilyStay(
      grpc::CallbackServerContext* ctx, const v1::RecordContactFamilyStayRequest* request,
      v1::RecordContactFamilyStayResponse* response) override;
  grpc::ServerUnaryReactor* ListContactFamilyStays(
      grpc::CallbackServerContext* ctx, const v1::ListContactFamilyStaysRequest* request,
      v1::ListContactFamilyStaysResponse* response) override;

 private:
  server::Runtime& rt_;
  PaymentsMetrics metrics_;
};

// The events payments consumes: a placement's start creates its agreement, its end ends it.
void RegisterEventHandlers(server::Runtime& rt, events::EventSink& sink);

}  // namespace fhv::payments
