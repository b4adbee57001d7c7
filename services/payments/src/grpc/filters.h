#pragma once

// Filters of the payments listings, read from requests.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/status.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/repeated_field.h"

namespace fhv::payments {

// The names of the enum values in `values` (e.g. a listing's states); a violation of
// field[i] in `v` for 0 or an unknown number.
template <typename Enum>
std::vector<std::string> EnumNames(Violations& v, absl::string_view field,
                                   const google::protobuf::RepeatedField<int>& values) {
  const google::protobuf::EnumDescriptor* d = google::protobuf::GetEnumDescriptor<Enum>();
  std::vector<std::string> out;
  for (int i = 0; i < values.size(); ++i) {
    const auto* value = values[i] == 0 ? nullptr : d->FindValueByNumber(values[i]);
    if (value == nullptr) {
      v.Add(absl::StrCat(field, "[", i, "]"), "is not a known value");
    } else {
      out.push_back(value->name());
    }
  }
  return out;
}

}  // namespace fhv::payments
