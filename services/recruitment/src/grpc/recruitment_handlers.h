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

 private:
  server::Runtime& rt_;
};

}  // namespace fhv::recruitment
