#include "absl/strings/string_view.h"
#include "common/auth/policy.h"

#include <initializer_list>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace fhv::auth {
namespace {

struct Rule {
  absl::string_view name;
  std::initializer_list<OrgKind> kinds;
  std::initializer_list<absl::string_view> roles;
};

Rule RuleFor(Action action) {
  using K = OrgKind;
  switch (action) {
    case Action::kDeliverEvent:
      return {"DeliverEvent", {K::kInternal}, {"service"}};
    case Action::kSubmitInterest:
      return {"SubmitInterest", {K::kMunicipality, K::kAgency}, {"recruiter", "admin"}};
    case Action::kReadInterest:
      return {"ReadInterest",
              {K::kMunicipality, K::kAgency},
              {"recruiter", "investigator", "admin"}};
  }
  return {"unknown", {}, {}};
}

}  // namespace

absl::Status Authorize(const Principal& principal, Action action) {
  const Rule rule = RuleFor(action);
  bool kind_ok = false;
  for (OrgKind k : rule.kinds) kind_ok |= principal.org_kind == k;
  bool role_ok = false;
  for (absl::string_view r : rule.roles) role_ok |= principal.HasRole({r.data(), r.size()});
  if (kind_ok && role_ok) return absl::OkStatus();
  return PermissionDenied(absl::StrCat("the caller may not ", rule.name));
}

}  // namespace fhv::auth
