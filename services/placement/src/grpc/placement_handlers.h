#pragma once

// gRPC handlers of fhv.placement.v1.PlacementService: requests to domain calls and back. No SQL
// and no business rules here.

#include "common/metrics/gauges.h"
#include "common/server/call.h"
#include "fhv/placement/v1/placement_service.grpc.pb.h"
#include "services/placement/src/jobs/due_dates.h"
#include "services/placement/src/metrics/placement_metrics.h"

namespace fhv::placement {

namespace v1 = ::fhv::placement::v1;

struct Settings {
  // Emergency requests not accepted within this time are counted by the metrics.
  absl::Duration emergency_accept_within = absl::Hours(4);
};

class PlacementHandlers final : public v1::PlacementService::CallbackService {
 public:
  PlacementHandlers(server::Runtime& rt, Settings settings)
      : rt_(rt),
        metrics_(*rt.metrics, *rt.pool, *rt.clock, rt.gauge_refresh,
                 settings.emergency_accept_within),
        due_dates_("recomputing stale statutory due dates", rt.gauge_refresh,
                   [&rt] { return ReconcileDueDates(*rt.pool, *rt.clock).status(); }) {}

  grpc::ServerUnaryReactor* CreatePlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::CreatePlacementRequestRequest* request,
      v1::CreatePlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* GetPlacementRequest(grpc::CallbackServerContext* ctx,
                                                const v1::GetPlacementRequestRequest* request,
                                                v1::GetPlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* ListPlacementRequests(
      grpc::CallbackServerContext* ctx, const v1::ListPlacementRequestsRequest* request,
      v1::ListPlacementRequestsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::UpdatePlacementRequestRequest* request,
      v1::UpdatePlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* AcceptPlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::AcceptPlacementRequestRequest* request,
      v1::AcceptPlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* DeclinePlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::DeclinePlacementRequestRequest* request,
      v1::DeclinePlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* ReaddressPlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::ReaddressPlacementRequestRequest* request,
      v1::ReaddressPlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* AddIntakeStatement(grpc::CallbackServerContext* ctx,
                                               const v1::AddIntakeStatementRequest* request,
                                               v1::AddIntakeStatementResponse* response) override;
  grpc::ServerUnaryReactor* AssignConsultant(grpc::CallbackServerContext* ctx,
                                             const v1::AssignConsultantRequest* request,
                                             v1::AssignConsultantResponse* response) override;
  grpc::ServerUnaryReactor* ProposeHomes(grpc::CallbackServerContext* ctx,
                                         const v1::ProposeHomesRequest* request,
                                         v1::ProposeHomesResponse* response) override;
  grpc::ServerUnaryReactor* ReturnToMatching(grpc::CallbackServerContext* ctx,
                                             const v1::ReturnToMatchingRequest* request,
                                             v1::ReturnToMatchingResponse* response) override;
  grpc::ServerUnaryReactor* ScheduleVisit(grpc::CallbackServerContext* ctx,
                                          const v1::ScheduleVisitRequest* request,
                                          v1::ScheduleVisitResponse* response) override;
  grpc::ServerUnaryReactor* RecordVisitOutcome(grpc::CallbackServerContext* ctx,
                                               const v1::RecordVisitOutcomeRequest* request,
                                               v1::RecordVisitOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* PutUpForDecision(grpc::CallbackServerContext* ctx,
                                             const v1::PutUpForDecisionRequest* request,
                                             v1::PutUpForDecisionResponse* response) override;
  grpc::ServerUnaryReactor* DecidePlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::DecidePlacementRequestRequest* request,
      v1::DecidePlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* RecordDecisionReported(
      grpc::CallbackServerContext* ctx, const v1::RecordDecisionReportedRequest* request,
      v1::RecordDecisionReportedResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawPlacementRequest(
      grpc::CallbackServerContext* ctx, const v1::WithdrawPlacementRequestRequest* request,
      v1::WithdrawPlacementRequestResponse* response) override;
  grpc::ServerUnaryReactor* StartPlacement(grpc::CallbackServerContext* ctx,
                                           const v1::StartPlacementRequest* request,
                                           v1::StartPlacementResponse* response) override;
  grpc::ServerUnaryReactor* EndPlacement(grpc::CallbackServerContext* ctx,
                                         const v1::EndPlacementRequest* request,
                                         v1::EndPlacementResponse* response) override;
  grpc::ServerUnaryReactor* GetPlacement(grpc::CallbackServerContext* ctx,
                                         const v1::GetPlacementRequest* request,
                                         v1::GetPlacementResponse* response) override;
  grpc::ServerUnaryReactor* ListPlacements(grpc::CallbackServerContext* ctx,
                                           const v1::ListPlacementsRequest* request,
                                           v1::ListPlacementsResponse* response) override;
  grpc::ServerUnaryReactor* RecordStatutoryStep(grpc::CallbackServerContext* ctx,
                                                const v1::RecordStatutoryStepRequest* request,
                                                v1::RecordStatutoryStepResponse* response) override;
  grpc::ServerUnaryReactor* ListDueStatutoryItems(
      grpc::CallbackServerContext* ctx, const v1::ListDueStatutoryItemsRequest* request,
      v1::ListDueStatutoryItemsResponse* response) override;
  grpc::ServerUnaryReactor* ListStatutoryClockRules(
      grpc::CallbackServerContext* ctx, const v1::ListStatutoryClockRulesRequest* request,
      v1::ListStatutoryClockRulesResponse* response) override;
  grpc::ServerUnaryReactor* SetDelegation(grpc::CallbackServerContext* ctx,
                                          const v1::SetDelegationRequest* request,
                                          v1::SetDelegationResponse* response) override;
  grpc::ServerUnaryReactor* ListDelegations(grpc::CallbackServerContext* ctx,
                                            const v1::ListDelegationsRequest* request,
                                            v1::ListDelegationsResponse* response) override;

 private:
  server::Runtime& rt_;
  PlacementMetrics metrics_;
  // Due dates left stale by a write of another binary (see ReconcileDueDates).
  metrics::Periodic due_dates_;
};

}  // namespace fhv::placement
