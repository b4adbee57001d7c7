#pragma once

// The events the recruitment service consumes: placements started and ended keep each
// home's occupancy true.

#include "common/events/sink.h"

namespace fhv::recruitment {

void RegisterEventHandlers(server::Runtime& rt, events::EventSink& sink);

}  // namespace fhv::recruitment
