#pragma once

// gRPC handlers of fhv.payments.v1.PaymentsService: requests to domain calls and back. No SQL
// and no business rules here. RPCs not overridden here answer UNIMPLEMENTED.

#include "common/server/call.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

class PaymentsHandlers final : public v1::PaymentsService::CallbackService {
 public:
  explicit PaymentsHandlers(server::Runtime& rt) : rt_(rt) {}

  grpc::ServerUnaryReactor* GetRateTable(grpc::CallbackServerContext* ctx,
                                         const v1::GetRateTableRequest* request,
                                         v1::GetRateTableResponse* response) override;
  grpc::ServerUnaryReactor* ListRateTables(grpc::CallbackServerContext* ctx,
                                           const v1::ListRateTablesRequest* request,
                                           v1::ListRateTablesResponse* response) override;
  grpc::ServerUnaryReactor* AddRateTable(grpc::CallbackServerContext* ctx,
                                         const v1::AddRateTableRequest* request,
                                         v1::AddRateTableResponse* response) override;

 private:
  server::Runtime& rt_;
};

}  // namespace fhv::payments
