#include "services/payments/src/storage/payee_store.h"

#include "absl/strings/numbers.h"
#include "common/util/status.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

template <typename Message>
absl::StatusOr<std::optional<Message>> Optional(db::Connection& conn, const db::Statement& stmt,
                                                const std::vector<db::Param>& params) {
  auto r = conn.Exec(stmt, params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<Message>();
  Message m;
  if (!m.ParseFromString(r->Bytes(0, 0))) {
    return absl::InternalError("a stored payment setting does not parse");
  }
  m.set_etag(std::string(r->Text(0, 1)));
  return std::optional<Message>(std::move(m));
}

// The version an etag names, or NULL for a first write.
absl::StatusOr<db::Param> VersionOf(const std::string& etag) {
  if (etag.empty()) return db::Param(std::nullopt);
  int64_t version = 0;
  if (!absl::SimpleAtoi(etag, &version)) {
    Violations v;
    v.Add("etag", "is not an etag of this record");
    return v.ToStatus();
  }
  return db::Param(version);
}

template <typename Message>
std::string Body(Message m) {
  m.clear_etag();
  return m.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::optional<v1::MunicipalityPaymentSettings>> PayeeStore::GetSettings(
    db::Connection& conn, const std::string& municipality_id) {
  return Optional<v1::MunicipalityPaymentSettings>(conn, sql::kGetSettings, {municipality_id});
}

absl::Status PayeeStore::PutSettings(db::Connection& conn, v1::MunicipalityPaymentSettings& s,
                                     absl::Time now) {
  auto version = VersionOf(s.etag());
  if (!version.ok()) return version.status();
  auto r =
      conn.Exec(sql::kPutSettings, {s.municipality_id(), db::Param::Bytes(Body(s)), *version, now});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return StaleEtag("payment settings");
  s.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::Payee>> PayeeStore::GetPayee(db::Connection& conn,
                                                              const std::string& municipality_id,
                                                              const std::string& home_id) {
  return Optional<v1::Payee>(conn, sql::kGetPayee, {municipality_id, home_id});
}

absl::Status PayeeStore::PutPayee(db::Connection& conn, v1::Payee& p, absl::Time now) {
  auto version = VersionOf(p.etag());
  if (!version.ok()) return version.status();
  auto r =
      conn.Exec(sql::kPutPayee, {p.municipality_id(), p.home_id(), p.has_account(),
                                 p.withholding_tax_bp(), db::Param::Bytes(Body(p)), now, *version});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return StaleEtag("payee");
  p.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, v1::Payee>> PayeeStore::PayeesOf(
    db::Connection& conn, const std::string& municipality_id,
    const std::vector<std::string>& home_ids) {
  auto r = conn.Exec(sql::kPayeesOf, {municipality_id, db::Param::TextArray(home_ids)});
  if (!r.ok()) return r.status();
  std::map<std::string, v1::Payee> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::Payee p;
    if (!p.ParseFromString(r->Bytes(i, 0))) return absl::InternalError("a payee does not parse");
    out[p.home_id()] = std::move(p);
  }
  return out;
}

absl::StatusOr<std::map<std::string, PayeeFacts>> PayeeStore::Facts(
    db::Connection& conn, const std::string& municipality_id,
    const std::vector<std::string>& home_ids) {
  auto r = conn.Exec(sql::kPayeeFacts, {municipality_id, db::Param::TextArray(home_ids)});
  if (!r.ok()) return r.status();
  std::map<std::string, PayeeFacts> out;
  for (int i = 0; i < r->rows(); ++i) {
    out[std::string(r->Text(i, 0))] = {.has_account = r->Bool(i, 1),
                                       .withholding_tax_bp = static_cast<int>(r->Int64(i, 2))};
  }
  return out;
}

}  // namespace fhv::payments
