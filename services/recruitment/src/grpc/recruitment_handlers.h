#pragma once

// gRPC handlers of fhv.recruitment.v1.RecruitmentService: requests to domain calls and
// back. No SQL and no business rules here.

#include "common/server/call.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"

namespace fhv::recruitment {

class RecruitmentHandlers final : public v1::RecruitmentService::CallbackService {
 public:
  explicit RecruitmentHandlers(server::Runtime& rt) : rt_(rt) {}

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

 private:
  server::Runtime& rt_;
};

}  // namespace fhv::recruitment
