#include "services/payments/src/storage/stay_store.h"

#include "common/util/dates.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

absl::StatusOr<v1::ContactFamilyStay> Parse(const db::Result& r, int row) {
  v1::ContactFamilyStay s;
  if (!s.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored stay does not parse");
  }
  if (!r.IsNull(row, 1)) s.set_payment_run_id(std::string(r.Text(row, 1)));
  return s;
}

}  // namespace

absl::Status StayStore::Insert(db::Connection& conn, const v1::ContactFamilyStay& s,
                               const std::string& paying_municipality_id, absl::Time now) {
  v1::ContactFamilyStay body = s;
  body.clear_payment_run_id();
  return conn
      .Exec(sql::kInsertStay,
            {s.stay_id(), s.agreement_id(), paying_municipality_id, *DayOf(s.arrival_date()),
             *DayOf(s.departure_date()), now, db::Param::Bytes(body.SerializeAsString())})
      .status();
}

absl::StatusOr<bool> StayStore::Overlaps(db::Connection& conn, const std::string& agreement_id,
                                         absl::CivilDay arrival, absl::CivilDay end) {
  auto r = conn.Exec(sql::kStayOverlaps, {agreement_id, arrival, end});
  if (!r.ok()) return r.status();
  return r->Int64(0, 0) > 0;
}

absl::StatusOr<std::vector<v1::ContactFamilyStay>> StayStore::List(
    db::Connection& conn, const std::string& agreement_id, std::optional<absl::CivilDay> from,
    std::optional<absl::CivilDay> to, int limit, const std::optional<DayKey>& after) {
  auto day = [](const std::optional<absl::CivilDay>& d) {
    return d ? db::Param(*d) : db::Param(std::nullopt);
  };
  auto r = conn.Exec(
      sql::kListStays,
      {agreement_id, day(from), day(to), after ? db::Param(after->first) : db::Param(std::nullopt),
       after ? db::Param(after->second) : db::Param(std::nullopt), limit + 1});
  if (!r.ok()) return r.status();
  std::vector<v1::ContactFamilyStay> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto s = Parse(*r, i);
    if (!s.ok()) return s.status();
    out.push_back(*std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<v1::ContactFamilyStay, v1::Agreement>>> StayStore::Payable(
    db::Connection& conn, const std::string& municipality_id, absl::CivilDay last_day) {
  auto r = conn.Exec(sql::kPayableStays, {municipality_id, last_day});
  if (!r.ok()) return r.status();
  std::vector<std::pair<v1::ContactFamilyStay, v1::Agreement>> out(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    if (!out[i].first.ParseFromString(r->Bytes(i, 0)) ||
        !out[i].second.ParseFromString(r->Bytes(i, 1))) {
      return absl::InternalError("a stored stay or agreement does not parse");
    }
  }
  return out;
}

absl::StatusOr<int> StayStore::Bind(db::Connection& conn, const std::vector<std::string>& ids,
                                    const std::string& run_id) {
  if (ids.empty()) return 0;
  auto r = conn.Exec(sql::kBindStays, {db::Param::TextArray(ids), run_id});
  if (!r.ok()) return r.status();
  return r->rows();
}

}  // namespace fhv::payments
