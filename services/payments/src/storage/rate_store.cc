#include "services/payments/src/storage/rate_store.h"

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "google/protobuf/util/json_util.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

// A stored table: its definition with the row's version, creator and time.
absl::StatusOr<v1::RateTable> Parse(const db::Result& r, int row) {
  v1::RateTable t;
  const auto st = google::protobuf::util::JsonStringToMessage(std::string(r.Text(row, 0)), &t);
  if (!st.ok()) return absl::InternalError("a stored rate table does not parse");
  t.set_version(static_cast<int>(r.Int64(row, 1)));
  t.set_created_by_user_id(std::string(r.Text(row, 2)));
  *t.mutable_create_time() = ToTimestamp(r.Time(row, 3));
  return t;
}

}  // namespace

absl::StatusOr<v1::RateTable> RateStore::Get(db::Connection& conn, int year, int version) {
  auto r = conn.Exec(sql::kGetRateTable,
                     {year, version > 0 ? db::Param(version) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return Error(absl::StatusCode::kNotFound, "RATE_TABLE_NOT_FOUND",
                 absl::StrCat("there is no rate table for ", year,
                              version > 0 ? absl::StrCat(" version ", version) : ""));
  }
  return Parse(*r, 0);
}

absl::StatusOr<std::vector<v1::RateTable>> RateStore::List(
    db::Connection& conn, int limit, std::optional<std::pair<int, int>> after) {
  auto r = conn.Exec(sql::kListRateTables,
                     {limit, after ? db::Param(after->first) : db::Param(std::nullopt),
                      after ? db::Param(after->second) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  std::vector<v1::RateTable> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto t = Parse(*r, i);
    if (!t.ok()) return t.status();
    out.push_back(*std::move(t));
  }
  return out;
}

absl::StatusOr<std::optional<int>> RateStore::LatestYear(db::Connection& conn) {
  auto r = conn.Exec(sql::kLatestRateYear);
  if (!r.ok()) return r.status();
  if (r->IsNull(0, 0)) return std::optional<int>();
  return std::optional<int>(static_cast<int>(r->Int64(0, 0)));
}

absl::Status RateStore::Add(db::Connection& conn, v1::RateTable& table, const std::string& user,
                            absl::Time now) {
  v1::RateTable definition = table;
  definition.clear_version();
  definition.clear_created_by_user_id();
  definition.clear_create_time();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(definition, &json, options).ok()) {
    return absl::InternalError("a rate table does not print as JSON");
  }
  auto r = conn.Exec(sql::kInsertRateTable, {table.year(), json, user, now});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kAborted, "CONCURRENT_VERSION",
                 "another version of the year's table was added at the same time; retry");
  }
  if (!r.ok()) return r.status();
  table.set_version(static_cast<int>(r->Int64(0, 0)));
  table.set_created_by_user_id(user);
  *table.mutable_create_time() = ToTimestamp(now);
  return absl::OkStatus();
}

}  // namespace fhv::payments
