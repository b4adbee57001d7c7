#include "services/payments/src/storage/claim_store.h"

#include "common/util/status.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

template <typename Message>
std::string Body(Message m) {
  m.clear_etag();
  return m.SerializeAsString();
}

template <typename Message>
absl::StatusOr<Message> Parse(const db::Result& r, int row) {
  Message m;
  if (!m.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored claim record does not parse");
  }
  m.set_etag(std::string(r.Text(row, 1)));
  return m;
}

template <typename Message>
absl::StatusOr<Message> One(db::Connection& conn, const db::Statement& stmt,
                            const std::string& id) {
  auto r = conn.Exec(stmt, {id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return PermissionDenied("the record does not exist or is not the caller's");
  return Parse<Message>(*r, 0);
}

template <typename Message>
absl::StatusOr<std::vector<Message>> All(const db::Result& r, int limit) {
  std::vector<Message> out;
  for (int i = 0; i < std::min(r.rows(), limit); ++i) {
    auto m = Parse<Message>(r, i);
    if (!m.ok()) return m.status();
    out.push_back(*std::move(m));
  }
  return out;
}

absl::StatusOr<std::string> NewVersion(absl::StatusOr<db::Result> r, const char* what) {
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return StaleEtag(what);
  return std::string(r->Text(0, 0));
}

db::Param Array(const std::vector<std::string>& v) {
  return v.empty() ? db::Param(std::nullopt) : db::Param::TextArray(v);
}

}  // namespace

absl::Status ClaimStore::InsertReceipt(db::Connection& conn, const v1::Receipt& r,
                                       const std::string& uploader_kind,
                                       const std::string& uploader_org, const std::string& content,
                                       absl::Time now) {
  return conn
      .Exec(sql::kInsertReceipt,
            {r.receipt_id(), r.home_id(), uploader_kind, uploader_org, now,
             db::Param::Bytes(content), db::Param::Bytes(r.SerializeAsString())})
      .status();
}

absl::StatusOr<StoredReceipt> ClaimStore::GetReceipt(db::Connection& conn, const std::string& id,
                                                     bool with_content) {
  auto r = conn.Exec(sql::kGetReceipt, {id, with_content});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return PermissionDenied("the receipt does not exist or is not the caller's");
  StoredReceipt out;
  if (!out.receipt.ParseFromString(r->Bytes(0, 0))) {
    return absl::InternalError("a stored receipt does not parse");
  }
  out.uploader_kind = std::string(r->Text(0, 1));
  out.uploader_org = std::string(r->Text(0, 2));
  if (!r->IsNull(0, 3)) out.receipt.set_reimbursement_id(std::string(r->Text(0, 3)));
  if (with_content) out.content = r->Bytes(0, 4);
  return out;
}

absl::StatusOr<std::vector<v1::Receipt>> ClaimStore::AttachReceipts(
    db::Connection& conn, const std::vector<std::string>& ids, const std::string& home_id,
    const std::string& reimbursement_id) {
  auto r = conn.Exec(sql::kAttachReceipts, {db::Param::TextArray(ids), home_id, reimbursement_id});
  if (!r.ok()) return r.status();
  std::vector<v1::Receipt> out(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    if (!out[i].ParseFromString(r->Bytes(i, 0))) {
      return absl::InternalError("a stored receipt does not parse");
    }
    out[i].set_reimbursement_id(reimbursement_id);
  }
  return out;
}

absl::Status ClaimStore::InsertPurchase(db::Connection& conn, v1::PurchaseApproval& a,
                                        const std::string& agency_id, absl::Time now) {
  auto r = conn.Exec(
      sql::kInsertPurchase,
      {a.purchase_approval_id(), a.agreement_id(), a.home_id(), a.paying_municipality_id(),
       agency_id, v1::PurchaseApprovalState_Name(a.state()), now, db::Param::Bytes(Body(a))});
  if (!r.ok()) return r.status();
  a.set_etag("1");
  return absl::OkStatus();
}

absl::StatusOr<v1::PurchaseApproval> ClaimStore::GetPurchase(db::Connection& conn,
                                                             const std::string& id) {
  return One<v1::PurchaseApproval>(conn, sql::kGetPurchase, id);
}

absl::StatusOr<v1::PurchaseApproval> ClaimStore::LockPurchase(db::Connection& conn,
                                                              const std::string& id) {
  return One<v1::PurchaseApproval>(conn, sql::kLockPurchase, id);
}

absl::Status ClaimStore::UpdatePurchase(db::Connection& conn, v1::PurchaseApproval& a,
                                        absl::Time now) {
  auto version =
      NewVersion(conn.Exec(sql::kUpdatePurchase,
                           {a.purchase_approval_id(), v1::PurchaseApprovalState_Name(a.state()),
                            db::Param::Bytes(Body(a)), now}),
                 "purchase pre-approval");
  if (!version.ok()) return version.status();
  a.set_etag(*version);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::PurchaseApproval>> ClaimStore::ListPurchases(
    db::Connection& conn, const ClaimParty& p, const ClaimFilter& f, int limit,
    const std::optional<std::string>& after) {
  auto r = conn.Exec(
      sql::kListPurchases,
      {db::Param::NullIfEmpty(p.paying_municipality_id), db::Param::NullIfEmpty(p.home_id),
       db::Param::NullIfEmpty(p.agency_id), after ? db::Param(*after) : db::Param(std::nullopt),
       db::Param::NullIfEmpty(f.home_id), db::Param::NullIfEmpty(f.agreement_id), Array(f.states),
       limit + 1});
  if (!r.ok()) return r.status();
  return All<v1::PurchaseApproval>(*r, limit + 1);
}

absl::Status ClaimStore::InsertClaim(db::Connection& conn, v1::Reimbursement& c,
                                     const std::string& agency_id, absl::Time now) {
  auto r = conn.Exec(sql::kInsertClaim,
                     {c.reimbursement_id(), c.agreement_id(), c.home_id(),
                      c.paying_municipality_id(), agency_id, v1::ReimbursementKind_Name(c.kind()),
                      v1::ReimbursementState_Name(c.state()), now, db::Param::Bytes(Body(c))});
  if (!r.ok()) return r.status();
  c.set_etag("1");
  return absl::OkStatus();
}

absl::StatusOr<v1::Reimbursement> ClaimStore::GetClaim(db::Connection& conn,
                                                       const std::string& id) {
  return One<v1::Reimbursement>(conn, sql::kGetClaim, id);
}

absl::StatusOr<v1::Reimbursement> ClaimStore::LockClaim(db::Connection& conn,
                                                        const std::string& id) {
  return One<v1::Reimbursement>(conn, sql::kLockClaim, id);
}

absl::Status ClaimStore::UpdateClaim(db::Connection& conn, v1::Reimbursement& c, absl::Time now) {
  auto version =
      NewVersion(conn.Exec(sql::kUpdateClaim,
                           {c.reimbursement_id(), v1::ReimbursementState_Name(c.state()),
                            db::Param::NullIfEmpty(c.payment_run_id()), db::Param::Bytes(Body(c)),
                            now, db::Param::NullIfEmpty(c.agency_invoice_id())}),
                 "reimbursement");
  if (!version.ok()) return version.status();
  c.set_etag(*version);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Reimbursement>> ClaimStore::ListClaims(
    db::Connection& conn, const ClaimParty& p, const ClaimFilter& f, int limit,
    const std::optional<TimeKey>& after) {
  auto r = conn.Exec(sql::kListClaims,
                     {db::Param::NullIfEmpty(p.paying_municipality_id),
                      db::Param::NullIfEmpty(p.home_id), db::Param::NullIfEmpty(p.agency_id),
                      after ? db::Param(after->first) : db::Param(std::nullopt),
                      after ? db::Param(after->second) : db::Param(std::nullopt),
                      db::Param::NullIfEmpty(f.home_id), db::Param::NullIfEmpty(f.agreement_id),
                      Array(f.states), Array(f.kinds), limit + 1});
  if (!r.ok()) return r.status();
  return All<v1::Reimbursement>(*r, limit + 1);
}

absl::StatusOr<std::vector<v1::Reimbursement>> ClaimStore::Payable(
    db::Connection& conn, const std::string& municipality_id) {
  auto r = conn.Exec(sql::kPayableClaims, {municipality_id});
  if (!r.ok()) return r.status();
  return All<v1::Reimbursement>(*r, r->rows());
}

absl::StatusOr<std::vector<v1::Reimbursement>> ClaimStore::OfRun(db::Connection& conn,
                                                                 const std::string& run_id) {
  auto r = conn.Exec(sql::kClaimsOfRun, {run_id});
  if (!r.ok()) return r.status();
  return All<v1::Reimbursement>(*r, r->rows());
}

absl::StatusOr<std::vector<v1::Reimbursement>> ClaimStore::Invoiceable(
    db::Connection& conn, const std::string& municipality_id, const std::string& agency_id) {
  auto r = conn.Exec(sql::kInvoiceableClaims, {municipality_id, agency_id});
  if (!r.ok()) return r.status();
  return All<v1::Reimbursement>(*r, r->rows());
}

}  // namespace fhv::payments
