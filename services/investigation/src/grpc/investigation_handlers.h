#pragma once

// gRPC handlers of fhv.investigation.v1.InvestigationService: requests to domain calls and
// back. No SQL and no business rules here.

#include "common/server/call.h"
#include "fhv/investigation/v1/investigation_service.grpc.pb.h"
#include "services/investigation/src/metrics/investigation_metrics.h"

namespace fhv::investigation {

namespace v1 = ::fhv::investigation::v1;

struct Settings {
  // Register checks unanswered this many days are overdue (ListOverdueRegisterChecks with
  // 0, and the metrics).
  int overdue_register_check_days = 30;
};

class InvestigationHandlers final : public v1::InvestigationService::CallbackService {
 public:
  InvestigationHandlers(server::Runtime& rt, Settings settings)
      : rt_(rt),
        settings_(settings),
        metrics_(*rt.metrics, *rt.pool, *rt.clock, rt.gauge_refresh,
                 settings.overdue_register_check_days) {}

  grpc::ServerUnaryReactor* OpenInvestigation(grpc::CallbackServerContext* ctx,
                                              const v1::OpenInvestigationRequest* request,
                                              v1::OpenInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* OpenFollowUpInvestigation(
      grpc::CallbackServerContext* ctx, const v1::OpenFollowUpInvestigationRequest* request,
      v1::OpenFollowUpInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* GetInvestigation(grpc::CallbackServerContext* ctx,
                                             const v1::GetInvestigationRequest* request,
                                             v1::GetInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* ListInvestigations(grpc::CallbackServerContext* ctx,
                                               const v1::ListInvestigationsRequest* request,
                                               v1::ListInvestigationsResponse* response) override;
  grpc::ServerUnaryReactor* AssignInvestigator(grpc::CallbackServerContext* ctx,
                                               const v1::AssignInvestigatorRequest* request,
                                               v1::AssignInvestigatorResponse* response) override;
  grpc::ServerUnaryReactor* StartInvestigation(grpc::CallbackServerContext* ctx,
                                               const v1::StartInvestigationRequest* request,
                                               v1::StartInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* AddHouseholdMember(grpc::CallbackServerContext* ctx,
                                               const v1::AddHouseholdMemberRequest* request,
                                               v1::AddHouseholdMemberResponse* response) override;
  grpc::ServerUnaryReactor* RemoveHouseholdMember(
      grpc::CallbackServerContext* ctx, const v1::RemoveHouseholdMemberRequest* request,
      v1::RemoveHouseholdMemberResponse* response) override;
  grpc::ServerUnaryReactor* UpdateHomeProfile(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateHomeProfileRequest* request,
                                              v1::UpdateHomeProfileResponse* response) override;
  grpc::ServerUnaryReactor* RequestRegisterCheck(
      grpc::CallbackServerContext* ctx, const v1::RequestRegisterCheckRequest* request,
      v1::RequestRegisterCheckResponse* response) override;
  grpc::ServerUnaryReactor* RecordRegisterCheckAnswer(
      grpc::CallbackServerContext* ctx, const v1::RecordRegisterCheckAnswerRequest* request,
      v1::RecordRegisterCheckAnswerResponse* response) override;
  grpc::ServerUnaryReactor* GetRegisterCheckNote(
      grpc::CallbackServerContext* ctx, const v1::GetRegisterCheckNoteRequest* request,
      v1::GetRegisterCheckNoteResponse* response) override;
  grpc::ServerUnaryReactor* ListOverdueRegisterChecks(
      grpc::CallbackServerContext* ctx, const v1::ListOverdueRegisterChecksRequest* request,
      v1::ListOverdueRegisterChecksResponse* response) override;
  grpc::ServerUnaryReactor* RecordHomeVisit(grpc::CallbackServerContext* ctx,
                                            const v1::RecordHomeVisitRequest* request,
                                            v1::RecordHomeVisitResponse* response) override;
  grpc::ServerUnaryReactor* RecordInterview(grpc::CallbackServerContext* ctx,
                                            const v1::RecordInterviewRequest* request,
                                            v1::RecordInterviewResponse* response) override;
  grpc::ServerUnaryReactor* RecordReference(grpc::CallbackServerContext* ctx,
                                            const v1::RecordReferenceRequest* request,
                                            v1::RecordReferenceResponse* response) override;
  grpc::ServerUnaryReactor* RecordTraining(grpc::CallbackServerContext* ctx,
                                           const v1::RecordTrainingRequest* request,
                                           v1::RecordTrainingResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTrainingProgress(
      grpc::CallbackServerContext* ctx, const v1::UpdateTrainingProgressRequest* request,
      v1::UpdateTrainingProgressResponse* response) override;
  grpc::ServerUnaryReactor* MarkReadyForDecision(
      grpc::CallbackServerContext* ctx, const v1::MarkReadyForDecisionRequest* request,
      v1::MarkReadyForDecisionResponse* response) override;
  grpc::ServerUnaryReactor* ReturnForCompletion(grpc::CallbackServerContext* ctx,
                                                const v1::ReturnForCompletionRequest* request,
                                                v1::ReturnForCompletionResponse* response) override;
  grpc::ServerUnaryReactor* ApproveInvestigation(
      grpc::CallbackServerContext* ctx, const v1::ApproveInvestigationRequest* request,
      v1::ApproveInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* RejectInvestigation(grpc::CallbackServerContext* ctx,
                                                const v1::RejectInvestigationRequest* request,
                                                v1::RejectInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* DiscontinueInvestigation(
      grpc::CallbackServerContext* ctx, const v1::DiscontinueInvestigationRequest* request,
      v1::DiscontinueInvestigationResponse* response) override;

 private:
  server::Runtime& rt_;
  const Settings settings_;
  InvestigationMetrics metrics_;
};

}  // namespace fhv::investigation
