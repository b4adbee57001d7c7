#include "services/payments/src/storage/ledger_store.h"

#include "common/util/dates.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {

absl::Status LedgerWriter::Add(const std::vector<v1::LedgerEntry>& entries) {
  constexpr size_t kBatch = 5000;
  for (const v1::LedgerEntry& e : entries) {
    if (!tally_.Add(e)) return absl::InternalError("a ledger entry is not positive");
    pending_.push_back(e);
    if (pending_.size() >= kBatch) {
      if (auto st = Flush(); !st.ok()) return st;
    }
  }
  return absl::OkStatus();
}

absl::Status LedgerWriter::Finish() {
  if (auto st = Flush(); !st.ok()) return st;
  if (!tally_.balanced()) return absl::InternalError("a ledger transaction does not balance");
  return absl::OkStatus();
}

absl::Status LedgerWriter::Flush() {
  if (pending_.empty()) return absl::OkStatus();
  std::vector<std::string> account, side, counterparty;
  std::vector<int64_t> amount;
  for (const v1::LedgerEntry& e : pending_) {
    account.push_back(e.account());
    side.push_back(v1::LedgerSide_Name(e.side()));
    amount.push_back(e.amount_ore());
    counterparty.push_back(e.counterparty_id());
  }
  const v1::LedgerEntry& first = pending_.front();
  auto r = conn_.Exec(sql::kInsertLedger,
                      {transaction_id_, first.municipality_id(), *DayOf(first.posting_date()),
                       v1::LedgerSourceKind_Name(first.source_kind()), first.source_id(), now_,
                       db::Param::TextArray(account), db::Param::TextArray(side),
                       db::Param::Int64Array(amount), db::Param::TextArray(counterparty)});
  pending_.clear();
  return r.status();
}

absl::Status LedgerStore::Append(db::Connection& conn, const std::string& transaction_id,
                                 const std::vector<v1::LedgerEntry>& entries, absl::Time now) {
  LedgerWriter w(conn, transaction_id, now);
  if (auto st = w.Add(entries); !st.ok()) return st;
  return w.Finish();
}

absl::StatusOr<std::vector<v1::LedgerEntry>> LedgerStore::List(db::Connection& conn,
                                                               const std::string& municipality_id,
                                                               const LedgerFilter& f, int limit,
                                                               std::optional<int64_t> after) {
  auto r = conn.Exec(
      sql::kListLedger,
      {municipality_id, limit, after ? db::Param(*after) : db::Param(std::nullopt),
       f.from ? db::Param(*f.from) : db::Param(std::nullopt),
       f.to ? db::Param(*f.to) : db::Param(std::nullopt), db::Param::NullIfEmpty(f.account),
       db::Param::NullIfEmpty(f.transaction_id), db::Param::NullIfEmpty(f.source_id)});
  if (!r.ok()) return r.status();
  std::vector<v1::LedgerEntry> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::LedgerEntry& e = out.emplace_back();
    e.set_entry_id(std::string(r->Text(i, 0)));
    e.set_transaction_id(std::string(r->Text(i, 1)));
    e.set_municipality_id(std::string(r->Text(i, 2)));
    *e.mutable_posting_date() = ToDate(r->Date(i, 3));
    e.set_account(std::string(r->Text(i, 4)));
    v1::LedgerSide side;
    if (v1::LedgerSide_Parse(std::string(r->Text(i, 5)), &side)) e.set_side(side);
    e.set_amount_ore(r->Int64(i, 6));
    v1::LedgerSourceKind kind;
    if (v1::LedgerSourceKind_Parse(std::string(r->Text(i, 7)), &kind)) e.set_source_kind(kind);
    e.set_source_id(std::string(r->Text(i, 8)));
    e.set_counterparty_id(std::string(r->Text(i, 9)));
    *e.mutable_create_time() = ToTimestamp(r->Time(i, 10));
  }
  return out;
}

}  // namespace fhv::payments
