#pragma once

// gRPC handlers of fhv.recruitment.v1.RecruitmentService: requests to domain calls and
// back. No SQL and no business rules here.

#include "common/server/call.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"
#include "services/recruitment/src/metrics/recruitment_metrics.h"

namespace fhv::recruitment {

class RecruitmentHandlers final : public v1::RecruitmentService::CallbackService {
 public:
  explicit RecruitmentHandlers(server::Runtime& rt)
      : rt_(rt), metrics_(*rt.metrics, *rt.pool, rt.gauge_refresh) {}

  grpc::ServerUnaryReactor* SubmitInterest(grpc::CallbackServerContext* ctx,
                                           const v1::SubmitInterestRequest* request,
                                           v1::SubmitInterestResponse* response) override;
  grpc::ServerUnaryReactor* GetInterest(grpc::CallbackServerContext* ctx,
                                        const v1::GetInterestRequest* request,
                                        v1::GetInterestResponse* response) override;
  grpc::ServerUnaryReactor* ListInterests(grpc::CallbackServerContext* ctx,
                                          const v1::ListInterestsRequest* request,
                                          v1::ListInterestsResponse* response) override;
  grpc::ServerUnaryReactor* UpsertOrganisation(grpc::CallbackServerContext* ctx,
                                               const v1::UpsertOrganisationRequest* request,
                                               v1::UpsertOrganisationResponse* response) override;
  grpc::ServerUnaryReactor* GetOrganisation(grpc::CallbackServerContext* ctx,
                                            const v1::GetOrganisationRequest* request,
                                            v1::GetOrganisationResponse* response) override;
  grpc::ServerUnaryReactor* ListOrganisations(grpc::CallbackServerContext* ctx,
                                              const v1::ListOrganisationsRequest* request,
                                              v1::ListOrganisationsResponse* response) override;
  grpc::ServerUnaryReactor* UpsertRegion(grpc::CallbackServerContext* ctx,
                                         const v1::UpsertRegionRequest* request,
                                         v1::UpsertRegionResponse* response) override;
  grpc::ServerUnaryReactor* ListRegions(grpc::CallbackServerContext* ctx,
                                        const v1::ListRegionsRequest* request,
                                        v1::ListRegionsResponse* response) override;

  grpc::ServerUnaryReactor* ImportPortalSubmission(
      grpc::CallbackServerContext* ctx, const v1::ImportPortalSubmissionRequest* request,
      v1::ImportPortalSubmissionResponse* response) override;
  grpc::ServerUnaryReactor* GetApplicant(grpc::CallbackServerContext* ctx,
                                         const v1::GetApplicantRequest* request,
                                         v1::GetApplicantResponse* response) override;
  grpc::ServerUnaryReactor* ListApplicants(grpc::CallbackServerContext* ctx,
                                           const v1::ListApplicantsRequest* request,
                                           v1::ListApplicantsResponse* response) override;
  grpc::ServerUnaryReactor* MarkApplicantContacted(
      grpc::CallbackServerContext* ctx, const v1::MarkApplicantContactedRequest* request,
      v1::MarkApplicantContactedResponse* response) override;
  grpc::ServerUnaryReactor* RecordInfoMeeting(grpc::CallbackServerContext* ctx,
                                              const v1::RecordInfoMeetingRequest* request,
                                              v1::RecordInfoMeetingResponse* response) override;
  grpc::ServerUnaryReactor* RecordApplication(grpc::CallbackServerContext* ctx,
                                              const v1::RecordApplicationRequest* request,
                                              v1::RecordApplicationResponse* response) override;
  grpc::ServerUnaryReactor* StartApplicantInvestigation(
      grpc::CallbackServerContext* ctx, const v1::StartApplicantInvestigationRequest* request,
      v1::StartApplicantInvestigationResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawApplicant(grpc::CallbackServerContext* ctx,
                                              const v1::WithdrawApplicantRequest* request,
                                              v1::WithdrawApplicantResponse* response) override;
  grpc::ServerUnaryReactor* GetFunnelReport(grpc::CallbackServerContext* ctx,
                                            const v1::GetFunnelReportRequest* request,
                                            v1::GetFunnelReportResponse* response) override;
  grpc::ServerUnaryReactor* RegisterApprovedHome(
      grpc::CallbackServerContext* ctx, const v1::RegisterApprovedHomeRequest* request,
      v1::RegisterApprovedHomeResponse* response) override;
  grpc::ServerUnaryReactor* GetHome(grpc::CallbackServerContext* ctx,
                                    const v1::GetHomeRequest* request,
                                    v1::GetHomeResponse* response) override;
  grpc::ServerUnaryReactor* ListHomes(grpc::CallbackServerContext* ctx,
                                      const v1::ListHomesRequest* request,
                                      v1::ListHomesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateHomeProfile(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateHomeProfileRequest* request,
                                              v1::UpdateHomeProfileResponse* response) override;
  grpc::ServerUnaryReactor* SetHomeAvailability(grpc::CallbackServerContext* ctx,
                                                const v1::SetHomeAvailabilityRequest* request,
                                                v1::SetHomeAvailabilityResponse* response) override;
  grpc::ServerUnaryReactor* FindCandidateHomes(grpc::CallbackServerContext* ctx,
                                               const v1::FindCandidateHomesRequest* request,
                                               v1::FindCandidateHomesResponse* response) override;
  grpc::ServerUnaryReactor* EvaluateHomes(grpc::CallbackServerContext* ctx,
                                          const v1::EvaluateHomesRequest* request,
                                          v1::EvaluateHomesResponse* response) override;

 private:
  server::Runtime& rt_;
  RecruitmentMetrics metrics_;
};

}  // namespace fhv::recruitment
