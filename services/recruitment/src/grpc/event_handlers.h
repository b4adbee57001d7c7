#pragma once

// The events the recruitment service consumes. From investigation: an opened initial
// investigation, approvals (which enter or update the home), rejections, revocations and
// withdrawals move the applicant and the registry. From placement: placements started and
// ended keep each home's occupancy true.

#include "common/events/sink.h"

namespace fhv::recruitment {

void RegisterEventHandlers(server::Runtime& rt, events::EventSink& sink);

}  // namespace fhv::recruitment
