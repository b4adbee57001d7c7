#include "common/util/clock.h"

namespace fhv {
namespace {
class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};
}  // namespace

Clock& Clock::System() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

}  // namespace fhv
