#pragma once

// The consuming side of events: fhv.common.v1.EventSinkService. Each event id is
// recorded in <schema>.processed_events in the same transaction as its effect, so a
// repeated delivery is acknowledged without a second effect.

#include <functional>
#include <map>
#include <string>

#include "common/server/call.h"
#include "fhv/common/v1/events.grpc.pb.h"

namespace fhv::events {

class EventSink final : public fhv::common::v1::EventSinkService::CallbackService {
 public:
  // Applies one event inside the delivery's transaction.
  using Handler = std::function<absl::Status(server::CallContext&, db::Connection&,
                                             const fhv::common::v1::EventEnvelope&)>;

  explicit EventSink(server::Runtime& rt) : rt_(rt) {}

  // Registers the handler for payloads of `event_type` (full message name). Call before
  // the server starts.
  void On(std::string event_type, Handler handler) {
    handlers_[std::move(event_type)] = std::move(handler);
  }
  bool empty() const { return handlers_.empty(); }

  grpc::ServerUnaryReactor* DeliverEvent(grpc::CallbackServerContext* ctx,
                                         const fhv::common::v1::DeliverEventRequest* request,
                                         fhv::common::v1::DeliverEventResponse* response) override;

 private:
  server::Runtime& rt_;
  std::map<std::string, Handler, std::less<>> handlers_;
};

// The payload of `envelope` as `Event`; INVALID_ARGUMENT if it does not parse as one.
template <typename Event>
absl::StatusOr<Event> Unpack(const fhv::common::v1::EventEnvelope& envelope) {
  Event event;
  if (!envelope.payload().UnpackTo(&event)) {
    return absl::InvalidArgumentError("the event's payload does not parse");
  }
  return event;
}

// A handler for events of type `Event` that `apply` applies.
template <typename Event>
EventSink::Handler On(
    std::function<absl::Status(server::CallContext&, db::Connection&, const Event&)> apply) {
  return [apply](server::CallContext& call, db::Connection& conn,
                 const fhv::common::v1::EventEnvelope& envelope) -> absl::Status {
    auto event = Unpack<Event>(envelope);
    if (!event.ok()) return event.status();
    return apply(call, conn, *event);
  };
}

}  // namespace fhv::events
