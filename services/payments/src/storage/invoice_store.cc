#include "services/payments/src/storage/invoice_store.h"

#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

absl::CivilDay FirstDay(absl::CivilMonth m) { return absl::CivilDay(m); }

absl::CivilDay FirstDayOf(const v1::YearMonth& m) { return absl::CivilDay(m.year(), m.month(), 1); }

template <typename Message>
absl::StatusOr<std::vector<Message>> All(const db::Result& r) {
  std::vector<Message> out(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    if (!out[i].ParseFromString(r.Bytes(i, 0))) {
      return absl::InternalError("a stored invoice record does not parse");
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::Agreement>> InvoiceStore::AgencyAgreementsInForce(
    db::Connection& conn, const std::string& municipality_id, absl::CivilDay from,
    absl::CivilDay to) {
  auto r = conn.Exec(sql::kAgencyAgreementsInForce, {municipality_id, from, to});
  if (!r.ok()) return r.status();
  return All<v1::Agreement>(*r);
}

absl::StatusOr<bool> InvoiceStore::Insert(db::Connection& conn, const v1::AgencyInvoice& inv,
                                          absl::Time now) {
  auto r = conn.Exec(sql::kInsertInvoice,
                     {inv.agency_invoice_id(), inv.agency().id(), inv.municipality_id(),
                      FirstDayOf(inv.month()), now, db::Param::Bytes(inv.SerializeAsString())});
  if (!r.ok()) return r.status();
  return r->rows() == 1;
}

absl::StatusOr<v1::AgencyInvoice> InvoiceStore::Get(db::Connection& conn, const std::string& id) {
  auto r = conn.Exec(sql::kGetInvoice, {id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return PermissionDenied("the invoice does not exist or is not the caller's");
  auto all = All<v1::AgencyInvoice>(*r);
  if (!all.ok()) return all.status();
  return std::move(all->front());
}

absl::StatusOr<std::optional<v1::AgencyInvoice>> InvoiceStore::OfMonth(
    db::Connection& conn, const std::string& agency_id, const std::string& municipality_id,
    absl::CivilMonth month) {
  auto r = conn.Exec(sql::kInvoiceOfMonth, {agency_id, municipality_id, FirstDay(month)});
  if (!r.ok()) return r.status();
  auto all = All<v1::AgencyInvoice>(*r);
  if (!all.ok()) return all.status();
  if (all->empty()) return std::nullopt;
  return std::move(all->front());
}

absl::StatusOr<std::vector<v1::AgencyInvoice>> InvoiceStore::List(
    db::Connection& conn, const std::string& agency_id, const std::string& municipality_id,
    std::optional<absl::CivilMonth> from, std::optional<absl::CivilMonth> to, int limit,
    const std::optional<std::pair<absl::CivilMonth, std::string>>& after) {
  auto month = [](const std::optional<absl::CivilMonth>& m) {
    return m ? db::Param(FirstDay(*m)) : db::Param(std::nullopt);
  };
  auto r = conn.Exec(sql::kListInvoices,
                     {db::Param::NullIfEmpty(agency_id), db::Param::NullIfEmpty(municipality_id),
                      after ? db::Param(FirstDay(after->first)) : db::Param(std::nullopt),
                      after ? db::Param(after->second) : db::Param(std::nullopt), month(from),
                      month(to), limit + 1});
  if (!r.ok()) return r.status();
  return All<v1::AgencyInvoice>(*r);
}

absl::StatusOr<std::vector<v1::AgencyInvoice>> InvoiceStore::OfPeriod(
    db::Connection& conn, const std::string& municipality_id, absl::CivilMonth from,
    absl::CivilMonth to) {
  auto r = conn.Exec(sql::kInvoicesOfPeriod, {municipality_id, FirstDay(from), FirstDay(to)});
  if (!r.ok()) return r.status();
  return All<v1::AgencyInvoice>(*r);
}

absl::Status InvoiceStore::PutRunCost(db::Connection& conn, const v1::PaymentRun& run,
                                      const v1::CostFigures& figures) {
  return conn
      .Exec(sql::kInsertRunCost,
            {run.payment_run_id(), run.municipality_id(), FirstDayOf(run.month()),
             db::Param::Bytes(figures.SerializeAsString())})
      .status();
}

absl::StatusOr<std::map<absl::CivilMonth, v1::CostFigures>> InvoiceStore::RunCosts(
    db::Connection& conn, const std::string& municipality_id, absl::CivilMonth from,
    absl::CivilMonth to) {
  auto r = conn.Exec(sql::kRunCostsOfPeriod, {municipality_id, FirstDay(from), FirstDay(to)});
  if (!r.ok()) return r.status();
  std::map<absl::CivilMonth, v1::CostFigures> out;
  for (int i = 0; i < r->rows(); ++i) {
    if (!out[absl::CivilMonth(r->Date(i, 0))].ParseFromString(r->Bytes(i, 1))) {
      return absl::InternalError("stored cost figures do not parse");
    }
  }
  return out;
}

}  // namespace fhv::payments
