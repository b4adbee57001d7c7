#include "services/payments/src/grpc/payments_handlers.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "services/payments/src/domain/compensation.h"
#include "services/payments/src/storage/rate_store.h"

namespace fhv::payments {

grpc::ServerUnaryReactor* PaymentsHandlers::GetRateTable(grpc::CallbackServerContext* ctx,
                                                         const v1::GetRateTableRequest* request,
                                                         v1::GetRateTableResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetRateTable", .action = auth::Action::kReadRateTables}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        Violations v;
        if (request->year() < 2000 || request->year() > 9999) v.Add("year", "must be 2000..9999");
        if (request->version() < 0) v.Add("version", "must not be negative");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto table = RateStore::Get(conn, request->year(), request->version());
        if (!table.ok()) return table.status();
        *response->mutable_rate_table() = *std::move(table);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListRateTables(
    grpc::CallbackServerContext* ctx, const v1::ListRateTablesRequest* request,
    v1::ListRateTablesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListRateTables", .action = auth::Action::kReadRateTables}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto key = DecodePageToken(request->page_token(), "rate_tables", 2);
        std::optional<std::pair<int, int>> after;
        int year = 0, version = 0;
        if (!key.ok() || (!key->empty() && (!absl::SimpleAtoi((*key)[0], &year) ||
                                             !absl::SimpleAtoi((*key)[1], &version)))) {
          Violations v;
          v.Add("page_token", "is not a token of this listing");
          return v.ToStatus();
        }
        if (!key->empty()) after = std::pair(year, version);
        auto tables = RateStore::List(conn, *page_size + 1, after);
        if (!tables.ok()) return tables.status();
        const bool more = static_cast<int>(tables->size()) > *page_size;
        if (more) tables->pop_back();
        for (auto& t : *tables) *response->add_rate_tables() = std::move(t);
        if (more) {
          const auto& last = *response->rate_tables().rbegin();
          response->set_next_page_token(EncodePageToken(
              "rate_tables", {absl::StrCat(last.year()), absl::StrCat(last.version())}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::AddRateTable(grpc::CallbackServerContext* ctx,
                                                         const v1::AddRateTableRequest* request,
                                                         v1::AddRateTableResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "AddRateTable",
       .action = auth::Action::kManageRateTables,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        v1::RateTable table = request->rate_table();
        if (auto st = ValidateRateTable(table); !st.ok()) return st;
        // The next year's table, or a new version of the current or a future year; a past
        // year's figures are never changed.
        auto latest = RateStore::LatestYear(conn);
        if (!latest.ok()) return latest.status();
        const int this_year = static_cast<int>(Today(call.now()).year());
        const int next = *latest ? **latest + 1 : this_year;
        if (table.year() < this_year || table.year() > next) {
          return Error(absl::StatusCode::kFailedPrecondition, "RATE_TABLE_YEAR_NOT_ALLOWED",
                       absl::StrCat("a table may be added for ", this_year, " to ", next,
                                    " only: a past year's table is never changed"));
        }
        if (auto st = RateStore::Add(conn, table, call.principal().user, call.now()); !st.ok()) {
          return st;
        }
        call.Audit("rate_table", absl::StrCat(table.year(), "/", table.version()));
        *response->mutable_rate_table() = std::move(table);
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments
