// fhvctl's model of the suite: the resources it lists and gets, and the reflection helpers that
// turn command-line words into request fields and response messages into table rows. Pure: no
// I/O, no network; the contracts come from the generated descriptors linked into the binary.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fhv::ctl {

// A kind of record fhvctl can list (and get, where the contract has a Get RPC).
struct Resource {
  std::string name;      // on the command line, e.g. "requests"
  std::string list_rpc;  // e.g. "fhv.placement.v1.PlacementService.ListPlacementRequests"
  std::string get_rpc;   // empty if there is none
  std::string get_id;    // the Get request's id field, e.g. "placement_request_id"
  std::vector<std::string> columns;  // field paths of the record, e.g. "addressee.id"
};

// Every resource, in the order `fhvctl resources` shows them.
const std::vector<Resource>& Resources();

// The resource named `name`, or NOT_FOUND naming the known ones.
absl::StatusOr<const Resource*> FindResource(absl::string_view name);

// The method `full_name` ("pkg.Service.Method" or "pkg.Service/Method"), or NOT_FOUND.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(absl::string_view full_name);

// The suite service ("recruitment", ...) that serves `method`.
std::string ServiceOf(const google::protobuf::MethodDescriptor& method);

// The record field of a response: a List response's one repeated message field, a Get response's
// one message field; nullptr if there is not exactly one.
const google::protobuf::FieldDescriptor* RecordField(const google::protobuf::Descriptor& response,
                                                     bool repeated);

// Sets `path` (dotted, e.g. "month.year") of `message` from `value`: numbers, true/false, enum
// values by full or short name (NEW for APPLICANT_STATE_NEW), a Date as YYYY-MM-DD. A repeated
// field gets `value` appended. INVALID_ARGUMENT naming the field if it is unknown or the value
// does not fit.
absl::Status SetField(google::protobuf::Message& message, absl::string_view path,
                      absl::string_view value);

// The text of `path` in `message` for a table cell: enums by short name, dates as YYYY-MM-DD,
// timestamps in UTC to the second, repeated values joined by ",", "" when unset.
// INVALID_ARGUMENT if the path names no field.
absl::StatusOr<std::string> FieldText(const google::protobuf::Message& message,
                                      absl::string_view path);

// A table: a header line of the column names in upper case, then one line per row, columns
// padded to their widest cell.
std::string Table(const std::vector<std::string>& columns,
                  const std::vector<std::vector<std::string>>& rows);

}  // namespace fhv::ctl
