#include "services/payments/src/storage/run_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

constexpr int kBatch = 2000;

absl::CivilDay FirstDay(absl::CivilMonth m) { return absl::CivilDay(m); }

std::string Body(v1::PaymentRun run) {
  run.clear_etag();
  return run.SerializeAsString();
}

template <typename Message>
absl::StatusOr<Message> Parse(const db::Result& r, int row) {
  Message m;
  if (!m.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored payment record does not parse");
  }
  if constexpr (std::is_same_v<Message, v1::PaymentRun>) m.set_etag(std::string(r.Text(row, 1)));
  return m;
}

absl::StatusOr<v1::PaymentRun> One(db::Connection& conn, const db::Statement& stmt,
                                   const std::string& id) {
  auto r = conn.Exec(stmt, {id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return PermissionDenied("the run does not exist or is not the caller's");
  return Parse<v1::PaymentRun>(*r, 0);
}

std::optional<absl::CivilMonth> MonthOf(const v1::YearMonth& m) {
  if (m.year() == 0) return std::nullopt;
  return absl::CivilMonth(m.year(), m.month());
}

}  // namespace

absl::StatusOr<bool> RunStore::Insert(db::Connection& conn, v1::PaymentRun& run, absl::Time now) {
  auto r = conn.Exec(sql::kInsertRun,
                     {run.payment_run_id(), run.municipality_id(), FirstDay(*MonthOf(run.month())),
                      v1::PaymentRunState_Name(run.state()), now, db::Param::Bytes(Body(run))});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return false;
  run.set_etag(std::string(r->Text(0, 0)));
  return true;
}

absl::StatusOr<v1::PaymentRun> RunStore::Get(db::Connection& conn, const std::string& id) {
  return One(conn, sql::kGetRun, id);
}

absl::StatusOr<v1::PaymentRun> RunStore::Lock(db::Connection& conn, const std::string& id) {
  return One(conn, sql::kLockRun, id);
}

absl::StatusOr<std::optional<v1::PaymentRun>> RunStore::OfMonth(db::Connection& conn,
                                                                const std::string& municipality_id,
                                                                absl::CivilMonth month) {
  auto r = conn.Exec(sql::kGetRunOfMonth, {municipality_id, FirstDay(month)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<v1::PaymentRun>();
  auto run = Parse<v1::PaymentRun>(*r, 0);
  if (!run.ok()) return run.status();
  return std::optional<v1::PaymentRun>(*std::move(run));
}

absl::Status RunStore::Update(db::Connection& conn, v1::PaymentRun& run, absl::Time now) {
  auto r = conn.Exec(sql::kUpdateRun, {run.payment_run_id(), v1::PaymentRunState_Name(run.state()),
                                       db::Param::Bytes(Body(run)), now});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("the run vanished while locked");
  run.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::PaymentRun>> RunStore::List(
    db::Connection& conn, const std::string& municipality_id,
    const std::vector<std::string>& states, std::optional<absl::CivilMonth> from,
    std::optional<absl::CivilMonth> to, int limit, std::optional<absl::CivilMonth> before) {
  auto day = [](std::optional<absl::CivilMonth> m) {
    return m ? db::Param(FirstDay(*m)) : db::Param(std::nullopt);
  };
  auto r = conn.Exec(sql::kListRuns,
                     {municipality_id, limit, day(before),
                      states.empty() ? db::Param(std::nullopt) : db::Param::TextArray(states),
                      day(from), day(to)});
  if (!r.ok()) return r.status();
  std::vector<v1::PaymentRun> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto run = Parse<v1::PaymentRun>(*r, i);
    if (!run.ok()) return run.status();
    out.push_back(*std::move(run));
  }
  return out;
}

absl::Status RunStore::ForEachAgreementInForce(
    db::Connection& conn, const std::string& municipality_id, absl::CivilMonth month,
    const std::function<absl::Status(const v1::Agreement&)>& fn) {
  std::optional<std::string> after;
  while (true) {
    auto r = conn.Exec(sql::kAgreementsInForce,
                       {municipality_id, FirstDay(month), absl::CivilDay(month + 1) - 1,
                        after ? db::Param(*after) : db::Param(std::nullopt), kBatch});
    if (!r.ok()) return r.status();
    for (int i = 0; i < r->rows(); ++i) {
      v1::Agreement a;
      if (!a.ParseFromString(r->Bytes(i, 0))) {
        return absl::InternalError("a stored agreement does not parse");
      }
      if (auto st = fn(a); !st.ok()) return st;
    }
    if (r->rows() < kBatch) return absl::OkStatus();
    after = std::string(r->Text(r->rows() - 1, 2));
  }
}

absl::Status RunStore::ForEachAgreementToRecheck(
    db::Connection& conn, const std::string& run_id, const std::string& municipality_id,
    absl::CivilMonth month,
    const std::function<absl::Status(const v1::Agreement&, absl::CivilDay, const PaidByMonth&)>&
        fn) {
  if (auto d = conn.Exec(sql::kDeleteRechecked, {run_id}); !d.ok()) return d.status();
  std::optional<std::string> after;
  while (true) {
    auto r = conn.Exec(sql::kAgreementsToRecheck,
                       {municipality_id, FirstDay(month),
                        after ? db::Param(*after) : db::Param(std::nullopt), kBatch});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return absl::OkStatus();
    std::vector<v1::Agreement> batch(r->rows());
    std::vector<std::string> ids;
    std::vector<int64_t> versions;
    for (int i = 0; i < r->rows(); ++i) {
      if (!batch[i].ParseFromString(r->Bytes(i, 0))) {
        return absl::InternalError("a stored agreement does not parse");
      }
      ids.push_back(batch[i].agreement_id());
      versions.push_back(r->Int64(i, 1));
    }
    // What approved runs paid for the batch, by agreement and the month paid for.
    auto lines = conn.Exec(sql::kPaidLinesOfAgreements,
                           {db::Param::TextArray(ids), municipality_id, FirstDay(month)});
    if (!lines.ok()) return lines.status();
    std::map<std::string, PaidByMonth> paid;
    for (int i = 0; i < lines->rows(); ++i) {
      v1::PaymentLine l;
      if (!l.ParseFromString(lines->Bytes(i, 1))) {
        return absl::InternalError("a stored payment line does not parse");
      }
      if (l.kind() == v1::PAYMENT_LINE_KIND_REIMBURSEMENT) continue;
      const v1::YearMonth& m = l.adjustment() ? l.corrects_month() : l.month();
      paid[std::string(lines->Text(i, 0))][absl::CivilMonth(m.year(), m.month())]
          [{l.kind(), l.taxable()}] += l.amount_ore();
    }
    for (int i = 0; i < r->rows(); ++i) {
      if (auto st = fn(batch[i], r->Date(i, 2), paid[batch[i].agreement_id()]); !st.ok()) {
        return st;
      }
    }
    if (auto in = conn.Exec(sql::kInsertRechecked,
                            {run_id, db::Param::TextArray(ids), db::Param::Int64Array(versions)});
        !in.ok()) {
      return in.status();
    }
    if (r->rows() < kBatch) return absl::OkStatus();
    after = std::string(r->Text(r->rows() - 1, 3));
  }
}

absl::StatusOr<std::vector<absl::CivilMonth>> RunStore::PaidMonths(
    db::Connection& conn, const std::string& municipality_id, absl::CivilMonth month) {
  auto r = conn.Exec(sql::kPaidMonths, {municipality_id, FirstDay(month)});
  if (!r.ok()) return r.status();
  std::vector<absl::CivilMonth> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Date(i, 0));
  return out;
}

absl::Status RunStore::ClearRecheck(db::Connection& conn, const std::string& run_id) {
  return conn.Exec(sql::kClearRecheck, {run_id}).status();
}

absl::Status RunStore::CheckRunOrder(db::Connection& conn, const std::string& municipality_id,
                                     absl::CivilMonth month) {
  auto r = conn.Exec(sql::kRunOrder, {municipality_id, FirstDay(month)});
  if (!r.ok()) return r.status();
  if (r->Int64(0, 0) > 0) {
    return FailedPrecondition("EARLIER_RUN_OPEN",
                              "an earlier month's run is not approved yet; approve it first");
  }
  if (r->Int64(0, 1) > 0) {
    return FailedPrecondition("LATER_RUN_APPROVED",
                              "a later month's run is approved; an earlier month is paid by "
                              "corrections, not by a run of its own");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> RunStore::OtherRunApprovedSince(db::Connection& conn,
                                                     const v1::PaymentRun& run, absl::Time since) {
  auto r = conn.Exec(sql::kRunsApprovedSince, {run.municipality_id(), run.payment_run_id(), since});
  if (!r.ok()) return r.status();
  return r->Int64(0, 0) > 0;
}

absl::Status RunStore::ClearLines(db::Connection& conn, const std::string& run_id) {
  if (auto r = conn.Exec(sql::kDeleteRunLines, {run_id}); !r.ok()) return r.status();
  return conn.Exec(sql::kDeleteRunPayouts, {run_id}).status();
}

absl::Status RunStore::InsertLines(db::Connection& conn, const std::string& run_id, int first_seq,
                                   const std::vector<v1::PaymentLine>& lines) {
  for (size_t start = 0; start < lines.size(); start += kBatch) {
    const size_t end = std::min(lines.size(), start + kBatch);
    std::vector<int64_t> seq, amount;
    std::vector<std::string> agreement, home, taxable, body, adjustment;
    for (size_t i = start; i < end; ++i) {
      const v1::PaymentLine& l = lines[i];
      seq.push_back(first_seq + static_cast<int64_t>(i));
      agreement.push_back(l.agreement_id());
      home.push_back(l.home_id());
      amount.push_back(l.amount_ore());
      taxable.push_back(l.taxable() ? "t" : "f");
      adjustment.push_back(l.adjustment() ? "t" : "f");
      body.push_back(*db::Param::Bytes(l.SerializeAsString()).value());
    }
    auto r = conn.Exec(
        sql::kInsertLines,
        {run_id, db::Param::Int64Array(seq), db::Param::TextArray(agreement),
         db::Param::TextArray(home), db::Param::Int64Array(amount), db::Param::TextArray(taxable),
         db::Param::TextArray(body), db::Param::TextArray(adjustment)});
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status RunStore::InsertPayouts(db::Connection& conn, const std::string& run_id,
                                     const std::vector<v1::Payout>& payouts) {
  for (size_t start = 0; start < payouts.size(); start += kBatch) {
    const size_t end = std::min(payouts.size(), start + kBatch);
    std::vector<std::string> home, body;
    std::vector<int64_t> net;
    for (size_t i = start; i < end; ++i) {
      home.push_back(payouts[i].home_id());
      net.push_back(payouts[i].net_ore());
      body.push_back(*db::Param::Bytes(payouts[i].SerializeAsString()).value());
    }
    auto r =
        conn.Exec(sql::kInsertPayouts, {run_id, db::Param::TextArray(home),
                                        db::Param::Int64Array(net), db::Param::TextArray(body)});
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::Status RunStore::ForEachHomeSums(
    db::Connection& conn, const v1::PaymentRun& run,
    const std::function<absl::Status(const std::vector<HomeSums>&)>& fn) {
  std::string after;  // home ids are never empty
  while (true) {
    auto r = conn.Exec(sql::kHomeSums, {run.payment_run_id(), run.municipality_id(),
                                        FirstDay(*MonthOf(run.month())), after, kBatch});
    if (!r.ok()) return r.status();
    std::vector<HomeSums> page(r->rows());
    for (int i = 0; i < r->rows(); ++i) {
      page[i] = {.home_id = std::string(r->Text(i, 0)),
                 .taxable_ore = r->Int64(i, 1),
                 .tax_free_ore = r->Int64(i, 2),
                 .carried_in_ore = r->Int64(i, 3),
                 .first_agreement_id = std::string(r->Text(i, 4))};
    }
    if (!page.empty()) {
      if (auto st = fn(page); !st.ok()) return st;
    }
    if (r->rows() < kBatch) return absl::OkStatus();
    after = page.back().home_id;
  }
}

absl::StatusOr<LineCounts> RunStore::CountLines(db::Connection& conn, const std::string& run_id) {
  auto r = conn.Exec(sql::kLineCounts, {run_id});
  if (!r.ok()) return r.status();
  return LineCounts{.lines = static_cast<int>(r->Int64(0, 0)),
                    .agreements = static_cast<int>(r->Int64(0, 1)),
                    .adjustment_ore = r->Int64(0, 2)};
}

namespace {

// Parses the first column of every row.
template <typename Message>
absl::StatusOr<std::vector<Message>> Bodies(const db::Result& r) {
  std::vector<Message> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto m = Parse<Message>(r, i);
    if (!m.ok()) return m.status();
    out.push_back(*std::move(m));
  }
  return out;
}

}  // namespace

absl::Status RunStore::ForEachPayoutPage(
    db::Connection& conn, const std::string& run_id, bool with_lines,
    const std::function<absl::Status(const std::vector<v1::Payout>&,
                                     const std::vector<v1::PaymentLine>&)>& fn) {
  std::string after;  // home ids are never empty
  while (true) {
    auto r = conn.Exec(sql::kPayoutPage, {run_id, after, kBatch});
    if (!r.ok()) return r.status();
    auto payouts = Bodies<v1::Payout>(*r);
    if (!payouts.ok()) return payouts.status();
    if (payouts->empty()) return absl::OkStatus();
    std::vector<v1::PaymentLine> lines;
    if (with_lines) {
      auto l = conn.Exec(sql::kLinesOfHomes,
                         {run_id, payouts->front().home_id(), payouts->back().home_id()});
      if (!l.ok()) return l.status();
      auto parsed = Bodies<v1::PaymentLine>(*l);
      if (!parsed.ok()) return parsed.status();
      lines = *std::move(parsed);
    }
    if (auto st = fn(*payouts, lines); !st.ok()) return st;
    if (static_cast<int>(payouts->size()) < kBatch) return absl::OkStatus();
    after = payouts->back().home_id();
  }
}

absl::StatusOr<std::vector<v1::PaymentLine>> RunStore::ListLines(
    db::Connection& conn, const std::string& municipality_id, const LineFilter& f, int limit,
    const std::optional<std::pair<std::string, int>>& after,
    std::optional<std::pair<std::string, int>>* last) {
  auto r = conn.Exec(
      sql::kListLines,
      {db::Param::NullIfEmpty(municipality_id),
       after ? db::Param(after->first) : db::Param(std::nullopt),
       after ? db::Param(after->second) : db::Param(std::nullopt), db::Param::NullIfEmpty(f.run_id),
       db::Param::NullIfEmpty(f.home_id), db::Param::NullIfEmpty(f.agreement_id), limit + 1,
       f.from ? db::Param(FirstDay(*f.from)) : db::Param(std::nullopt),
       f.to ? db::Param(FirstDay(*f.to)) : db::Param(std::nullopt), f.adjustments_only,
       f.approved_runs_only});
  if (!r.ok()) return r.status();
  std::vector<v1::PaymentLine> out;
  const int n = std::min(r->rows(), limit);
  for (int i = 0; i < n; ++i) {
    auto l = Parse<v1::PaymentLine>(*r, i);
    if (!l.ok()) return l.status();
    out.push_back(*std::move(l));
  }
  last->reset();
  if (r->rows() > limit) {
    int seq = 0;
    (void)absl::SimpleAtoi(r->Text(n - 1, 2), &seq);
    *last = std::pair(std::string(r->Text(n - 1, 1)), seq);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Payout>> RunStore::ListPayouts(
    db::Connection& conn, const std::string& municipality_id, const PayoutFilter& f, int limit,
    const std::optional<std::pair<std::string, std::string>>& after,
    std::optional<std::pair<std::string, std::string>>* last) {
  auto month = [](const std::optional<absl::CivilMonth>& m) {
    return m ? db::Param(FirstDay(*m)) : db::Param(std::nullopt);
  };
  auto r = conn.Exec(sql::kListPayouts,
                     {db::Param::NullIfEmpty(municipality_id),
                      after ? db::Param(after->first) : db::Param(std::nullopt),
                      after ? db::Param(after->second) : db::Param(std::nullopt),
                      db::Param::NullIfEmpty(f.run_id), db::Param::NullIfEmpty(f.home_id),
                      month(f.from), month(f.to), limit + 1, f.approved_runs_only});
  if (!r.ok()) return r.status();
  std::vector<v1::Payout> out;
  const int n = std::min(r->rows(), limit);
  for (int i = 0; i < n; ++i) {
    auto p = Parse<v1::Payout>(*r, i);
    if (!p.ok()) return p.status();
    out.push_back(*std::move(p));
  }
  last->reset();
  if (r->rows() > limit) {
    *last = std::pair(std::string(r->Text(n - 1, 1)), std::string(r->Text(n - 1, 2)));
  }
  return out;
}

namespace {

const char* KindName(RunFileKind kind) {
  return kind == RunFileKind::kBankFile ? "BANK_FILE" : "FINANCE_EXPORT";
}

}  // namespace

absl::Status RunStore::PutFilePart(db::Connection& conn, const std::string& run_id,
                                   RunFileKind kind, int seq, const std::string& content) {
  return conn
      .Exec(sql::kInsertRunFilePart, {run_id, KindName(kind), seq, db::Param::Bytes(content)})
      .status();
}

absl::StatusOr<std::string> RunStore::AssembleFile(db::Connection& conn, const std::string& run_id,
                                                   RunFileKind kind, const RunFile& file,
                                                   absl::Time now) {
  auto r =
      conn.Exec(sql::kAssembleRunFile, {run_id, KindName(kind), file.file_name, file.message_id,
                                        file.item_count, file.total_ore, now});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("a run's file has no parts");
  return std::string(r->Text(0, 0));
}

absl::StatusOr<std::optional<StoredFileChunk>> RunStore::FileChunk(db::Connection& conn,
                                                                   const std::string& run_id,
                                                                   RunFileKind kind, int64_t offset,
                                                                   int max_bytes) {
  auto r = conn.Exec(sql::kRunFileChunk,
                     {run_id, KindName(kind), offset + 1, static_cast<int64_t>(max_bytes)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::nullopt;
  StoredFileChunk c;
  c.file.file_name = std::string(r->Text(0, 0));
  c.file.message_id = std::string(r->Text(0, 1));
  c.file.item_count = static_cast<int>(r->Int64(0, 2));
  c.file.total_ore = r->Int64(0, 3);
  c.file.sha256 = std::string(r->Text(0, 4));
  c.total_size = r->Int64(0, 5);
  c.created = r->Time(0, 6);
  c.file.content = r->Bytes(0, 7);
  return c;
}

}  // namespace fhv::payments
