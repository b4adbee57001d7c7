// fhv-bench-payments: the benchmark of a municipality's monthly payment run.
//
//   fhv-bench-payments seed --database_dsn=<dsn> [--agreements=30000] [--month=2025-03]
//   fhv-bench-payments measure --address=<host:port> --token_file=<path> --service_pid=<pid>
//                      [--month=2025-03] [--database_dsn=<dsn>] [--metrics_address=<host:port>]
//                      [--postgres_pid=<pid>]
//
// `seed` enters, straight through the service's storage layer on the service's own role, the
// agreements of one paying municipality (--municipality, 2418) on about 0.73 homes per
// agreement, a payee with an account for each of its own homes and its payment settings. Every
// agreement is built by the domain's own functions (FromPlacement, NewManual, Amend, End) and is
// in force on some day of --month.
// `measure` then calls, over gRPC and one at a time, CreatePaymentRun for --month,
// ApprovePaymentRun, GetBankFile (read whole, in chunks, and checked against the run) and
// MarkPaymentRunPaid, timing each in the client and reading the service's resident memory
// (VmRSS, VmHWM in /proc/<pid>/status) around and during each call. With --metrics_address it
// also reports the service's database time per statement for each call, and with
// --postgres_pid the CPU time of the PostgreSQL cluster's processes. It prints a table and one
// JSON line. The data come from a fixed seed. bench/run-payments runs both; see BENCHMARKS.md.
//
// Exit codes: 0 success, 1 a failure (any RPC error or failed check included), 2 usage error.

#include <grpcpp/grpcpp.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/db/transaction.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/validation/identifiers.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "services/payments/src/domain/accounts.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/compensation.h"
#include "services/payments/src/storage/agreement_store.h"
#include "services/payments/src/storage/payee_store.h"
#include "services/payments/src/storage/rate_store.h"

ABSL_FLAG(std::string, database_dsn, "",
          "libpq DSN of the payments service's own role (measure: optional, to count agreements)");
ABSL_FLAG(std::string, municipality, "2418", "the paying municipality (kommunkod)");
ABSL_FLAG(std::string, month, "2025-03", "the month paid, YYYY-MM; a past month with a rate table");
ABSL_FLAG(int, agreements, 30000, "seed: agreements to generate");
ABSL_FLAG(int, agreements_per_transaction, 5000, "seed: agreements (and payees) per transaction");
ABSL_FLAG(uint64_t, seed, 20250301, "seed: random seed of the data");
ABSL_FLAG(std::string, address, "", "measure: host:port of fhv-payments");
ABSL_FLAG(std::string, token_file, "", "measure: file with a finance officer's bearer token");
ABSL_FLAG(int, service_pid, 0, "measure: process id of fhv-payments, for its memory and CPU");
ABSL_FLAG(int, postgres_pid, 0,
          "measure: optional; the postmaster's process id, for the cluster's CPU time");
ABSL_FLAG(
    std::string, metrics_address, "",
    "measure: optional; host:port of the service's /metrics, for database time per statement");
ABSL_FLAG(int, chunk_bytes, 1 << 20, "measure: max_bytes of each GetBankFile call");
ABSL_FLAG(int, rpc_timeout_seconds, 600, "measure: deadline of each call");

namespace {

namespace v1 = ::fhv::payments::v1;
namespace cv1 = ::fhv::common::v1;
namespace pl = ::fhv::placement::v1;
using fhv::db::Connection;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kSynopsis[] =
    "  fhv-bench-payments seed --database_dsn=<dsn> [--agreements=30000] [--month=2025-03]\n"
    "  fhv-bench-payments measure --address=<host:port> --token_file=<path> --service_pid=<pid>\n"
    "                     [--month=2025-03] [--database_dsn=<dsn>] [--metrics_address=<host:port>]"
    "\n                     [--postgres_pid=<pid>]\n";

int UsageError(absl::string_view message) {
  std::cerr << "fhv-bench-payments: " << message << "\nusage:\n" << kSynopsis;
  return kExitUsage;
}

int Failure(absl::string_view message) {
  std::cerr << "fhv-bench-payments: " << message << "\n";
  return kExitFailure;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

absl::StatusOr<absl::CivilMonth> Month() {
  absl::CivilMonth m;
  if (!absl::ParseCivilTime(absl::GetFlag(FLAGS_month), &m) || m.year() < 2000) {
    return absl::InvalidArgumentError("--month must be YYYY-MM");
  }
  return m;
}

// Deterministic random numbers: the same seed gives the same sequence everywhere (the engine is
// fully specified; no std distribution, whose results are not). Not thread-safe.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }
  // An index drawn with probability proportional to `weights[i]`.
  int Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + Between(0, 9)));
    return s;
  }
  // A version 4 UUID in canonical form.
  std::string Uuid() {
    const uint64_t hi = (Next() & ~uint64_t{0xF000}) | uint64_t{0x4000};
    const uint64_t lo = (Next() & ~(uint64_t{0x3} << 62)) | (uint64_t{0x2} << 62);
    return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                           lo >> 48, lo & 0xFFFFFFFFFFFFULL);
  }

 private:
  std::mt19937_64 engine_;
};

// ---------------------------------------------------------------------------------------
// The data set.

// `digits` followed by the Luhn check digit that makes the whole valid.
std::string WithLuhn(const std::string& digits) {
  for (char c = '0'; c <= '9'; ++c) {
    if (fhv::validation::LuhnValid(digits + c)) return digits + c;
  }
  return digits + "0";  // not reached
}

// A personnummer, 12 digits, of someone born on `born`.
std::string Personnummer(Rng& rng, absl::CivilDay born) {
  const std::string date = absl::StrFormat("%04d%02d%02d", born.year(), born.month(), born.day());
  const std::string serial = absl::StrFormat("%03d", rng.Between(0, 999));
  const std::string ten = WithLuhn(date.substr(2) + serial);
  return date.substr(0, 2) + ten;
}

// A Swedish IBAN: SE, check digits, a 3-digit bank code and a 17-digit account.
std::string SwedishIban(Rng& rng) {
  static const std::vector<std::string> kBanks = {"500", "600", "800", "300", "954"};
  const std::string bban = rng.Pick(kBanks) + rng.Digits(17);
  int remainder = 0;
  for (char c : bban + "281400") remainder = (remainder * 10 + (c - '0')) % 97;  // S=28 E=14
  return absl::StrFormat("SE%02d%s", 98 - remainder, bban);
}

v1::BankAccount Account(Rng& rng, std::map<std::string, int>& kinds) {
  v1::BankAccount a;
  switch (rng.Weighted({45, 20, 35})) {
    case 0:  // bankgiro, 7 or 8 digits with a Luhn check digit
      a.set_bankgiro(
          WithLuhn(absl::StrCat(rng.Between(1, 9), rng.Digits(rng.Chance(0.5) ? 5 : 6))));
      ++kinds["bankgiro"];
      break;
    case 1:
      a.set_iban(SwedishIban(rng));
      if (rng.Chance(0.4))
        a.set_bic(
            rng.Pick(std::vector<std::string>{"ESSESESS", "HANDSESS", "SWEDSESS", "NDEASESS"}));
      ++kinds["iban"];
      break;
    default: {
      static const std::vector<std::pair<std::string, int>> kClearings = {
          {"3300", 10}, {"6123", 9}, {"8327", 10}, {"5001", 7}, {"9270", 7}};
      const auto& [clearing, length] = rng.Pick(kClearings);
      a.mutable_domestic()->set_clearing_number(clearing);
      a.mutable_domestic()->set_account_number(rng.Digits(length));
      ++kinds["domestic"];
      break;
    }
  }
  return a;
}

const std::vector<std::string>& GivenNames() {
  static const std::vector<std::string> k = {
      "Anna", "Erik", "Maria", "Lars",   "Karin", "Anders", "Sara",  "Johan", "Fatima", "Ali",
      "Eva",  "Per",  "Amina", "Mikael", "Lena",  "Hassan", "Sofia", "Jonas", "Åsa",    "Örjan"};
  return k;
}

const std::vector<std::string>& FamilyNames() {
  static const std::vector<std::string> k = {
      "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",  "Olsson",
      "Persson",   "Svensson",  "Lindberg", "Ahmed",   "Hussein",  "Virtanen", "Nowak",
      "Lindqvist", "Berg",      "Holm",     "Ekström", "Sandberg", "Öberg"};
  return k;
}

struct Agency {
  std::string id;  // organisationsnummer
};

struct Counts {
  int homes = 0, own_homes = 0, agency_homes = 0;
  int agreements = 0, agency_agreements = 0, familjehem = 0, jourhem = 0;
  int manual = 0, from_placement = 0;
  int starting_in_month = 0, ending_in_month = 0, amended_in_month = 0, with_history = 0;
  int raised_1 = 0, agreed_fee = 0, extra_allowance = 0, allowance_addition = 0,
      allowance_over_max = 0, fixed_allowance = 0, child_allowance_deduction = 0;
  int birthday_in_month = 0, turning_13_in_month = 0;
  int expected_lines = 0;
  std::map<int, int> ages;  // age on the month's last day
  std::map<std::string, int> accounts;
};

// The terms of one agreement version of an own home.
v1::AgreementTerms OwnTerms(Rng& rng, bool jourhem, Counts& n) {
  v1::AgreementTerms t;
  const int fee = jourhem ? rng.Weighted({90, 10, 0}) : rng.Weighted({72, 22, 6});
  if (fee == 0) {
    t.set_fee_level_code("BASE");
  } else if (fee == 1) {
    t.set_fee_level_code("RAISED_1");
    ++n.raised_1;
  } else {
    t.set_monthly_fee_ore(rng.Between(115, 180) * 10'000);
    ++n.agreed_fee;
  }
  if (rng.Chance(0.03)) {
    t.set_expense_allowance_fixed_monthly_ore(rng.Between(50, 80) * 10'000);
    ++n.fixed_allowance;
  } else if (rng.Chance(0.15)) {
    t.set_expense_allowance_addition_bp(static_cast<int32_t>(rng.Between(2, 12) * 500));
    ++n.allowance_addition;
  }
  if (rng.Chance(0.10)) {
    const int count = rng.Chance(0.2) ? 2 : 1;
    static const std::vector<std::string> kReasons = {"Särskilda behov enligt vårdplan",
                                                      "Resor till umgänge", "Fritidsaktivitet",
                                                      "Förhöjt slitage", "Skolresor"};
    for (int i = 0; i < count; ++i) {
      v1::ExtraAllowance* x = t.add_extra_allowances();
      x->set_reason(rng.Pick(kReasons));
      x->set_monthly_amount_ore(rng.Between(5, 50) * 10'000);
      x->set_taxable(rng.Chance(0.5));
    }
    ++n.extra_allowance;
  }
  if (rng.Chance(0.05)) {
    t.set_child_allowance_deduction_monthly_ore(125'000);  // barnbidrag paid to the home
    ++n.child_allowance_deduction;
  }
  return t;
}

bool PlainBase(const v1::AgreementTerms& t) {
  v1::AgreementTerms base;
  base.set_fee_level_code("BASE");
  return t.SerializeAsString() == base.SerializeAsString();
}

int AgeOn(absl::CivilDay born, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - born.year());
  if (day.month() < born.month() || (day.month() == born.month() && day.day() < born.day())) --age;
  return age;
}

// Rate tables by year, read once; nullopt for a year without one.
class Tables {
 public:
  explicit Tables(Connection& conn) : conn_(conn) {}
  absl::StatusOr<const v1::RateTable*> Of(int year) {
    auto it = tables_.find(year);
    if (it == tables_.end()) {
      auto t = fhv::payments::RateStore::Get(conn_, year);
      if (!t.ok() && t.status().code() != absl::StatusCode::kNotFound) return t.status();
      it = tables_.emplace(year, t.ok() ? std::optional(*std::move(t)) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  Connection& conn_;
  std::map<int, std::optional<v1::RateTable>> tables_;
};

struct DataSet {
  std::vector<v1::Agreement> agreements;
  std::vector<v1::Payee> payees;
  Counts n;
};

// Generates the agreements and payees; every agreement is built by the domain's functions,
// checked with ValidateTerms and, for an own home, with MonthLines for the month.
absl::StatusOr<DataSet> Generate(Rng& rng, Tables& tables, int total, const std::string& payer,
                                 absl::CivilMonth month, absl::Time now) {
  const absl::CivilDay first(month), last = absl::CivilDay(month + 1) - 1;
  const int dim = static_cast<int>(last - first) + 1;
  const absl::CivilDay today = last + 10;
  auto month_table = tables.Of(static_cast<int>(month.year()));
  if (!month_table.ok()) return month_table.status();
  if (*month_table == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("no rate table for ", month.year()));
  }
  const std::vector<Agency> agencies = {{"5567037485"}, {"5566778899"}, {"5560360793"}};
  DataSet d;
  Counts& n = d.n;
  const std::string user = "bench-seed";
  while (n.agreements < total) {
    const std::string home_id = rng.Uuid();
    const bool agency = rng.Chance(0.08);
    const bool jourhem = !agency && rng.Chance(0.15);
    const int children = std::min(total - n.agreements, 1 + rng.Weighted({72, 20, 8}));
    const Agency& owner = agencies[rng.Weighted({50, 30, 20})];
    ++n.homes;
    ++(agency ? n.agency_homes : n.own_homes);
    for (int c = 0; c < children; ++c) {
      // A child of 0 to 20 on the month's last day.
      const absl::CivilDay born = last - rng.Between(0, 21 * 365 + 4);
      const int age = AgeOn(born, last);
      ++n.ages[age];
      if (born.month() == month.month() && born < first) {
        ++n.birthday_in_month;
        if (age == 13) ++n.turning_13_in_month;
      }
      // In force before the month; some start or end in it (pro rata).
      absl::CivilDay from;
      const bool starts_in_month = rng.Chance(0.04) || born >= first;
      if (starts_in_month) {
        from = std::max(born, first + rng.Between(1, dim - 1));
        ++n.starting_in_month;
      } else {
        const int64_t max_back = std::min<int64_t>(first - born, jourhem ? 120 : 8 * 365);
        from = first - rng.Between(1, std::max<int64_t>(1, max_back));
      }
      std::optional<absl::CivilDay> end;
      if (rng.Chance(jourhem ? 0.15 : 0.04)) {
        end = std::max(from, first + rng.Between(0, dim - 2));
        ++n.ending_in_month;
      }

      v1::Agreement a;
      const std::string id = rng.Uuid();
      const bool manual = !agency && rng.Chance(0.3);
      v1::AgreementTerms terms;
      if (!agency) terms = OwnTerms(rng, jourhem, n);
      if (manual) {
        v1::Agreement in;
        in.set_assignment_kind(jourhem ? cv1::ASSIGNMENT_KIND_JOURHEM
                                       : cv1::ASSIGNMENT_KIND_FAMILJEHEM);
        in.set_home_id(home_id);
        if (rng.Chance(0.5)) {
          in.set_child_id(rng.Uuid());
        } else {
          in.set_client_reference(absl::StrFormat("MAL-%d-%d", from.year(), rng.Between(1, 999)));
        }
        *in.mutable_child_birth_date() = fhv::ToDate(born);
        *in.mutable_valid_from() = fhv::ToDate(from);
        auto made = fhv::payments::NewManual(in, terms, id, payer, user, now);
        if (!made.ok()) {
          return absl::InternalError(
              absl::StrCat("NewManual refused a generated agreement: ", made.status().ToString()));
        }
        a = *std::move(made);
        ++n.manual;
      } else {
        pl::PlacementStartedEvent e;
        e.set_placement_id(rng.Uuid());
        e.set_placement_request_id(rng.Uuid());
        e.set_home_id(home_id);
        e.mutable_child()->set_child_id(rng.Uuid());
        *e.mutable_child()->mutable_birth_date() = fhv::ToDate(born);
        e.set_paying_municipality_id(payer);
        e.set_form(jourhem  ? pl::PLACEMENT_FORM_JOURHEM
                   : agency ? pl::PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM
                            : pl::PLACEMENT_FORM_FAMILJEHEM);
        *e.mutable_start_date() = fhv::ToDate(from);
        e.set_agency_home(agency);
        if (agency) {
          e.mutable_agency()->set_id(owner.id);
          e.mutable_agency()->set_kind(cv1::ORGANISATION_KIND_AGENCY);
          *e.mutable_home_owner() = e.agency();
          e.set_agency_daily_rate_ore(rng.Between(150, 350) * 1'000);
        } else {
          e.mutable_home_owner()->set_id(payer);
          e.mutable_home_owner()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
          if (terms.monthly_fee_ore() > 0 && terms.extra_allowances_size() == 0 &&
              terms.expense_allowance_addition_bp() == 0) {
            e.set_agreed_monthly_fee_ore(terms.monthly_fee_ore());
          }
        }
        a = fhv::payments::FromPlacement(e, id, now);
        ++n.from_placement;
        // The municipality's own terms, when the placement's were not all: a new version from
        // the first day (superseding the placement's) or from a later day before the month.
        if (!agency && !PlainBase(terms) &&
            terms.SerializeAsString() != a.versions(0).terms().SerializeAsString()) {
          const absl::CivilDay amend_from =
              from >= first ? from : std::min(first - 1, from + rng.Between(0, 90));
          if (amend_from > from) ++n.with_history;
          if (auto st = fhv::payments::Amend(a, amend_from, terms, "Uppdragsavtal enligt beslut",
                                             user, now);
              !st.ok()) {
            return absl::InternalError(
                absl::StrCat("Amend refused generated terms: ", st.ToString()));
          }
        }
      }
      // A few terms change in the month itself: two versions in force, lines for each.
      if (!agency && !starts_in_month && rng.Chance(0.03)) {
        v1::AgreementTerms changed = a.versions(a.versions_size() - 1).terms();
        if (changed.fee_level_code() == "BASE") {
          changed.set_fee_level_code("RAISED_1");
        } else {
          v1::ExtraAllowance* x = changed.add_extra_allowances();
          x->set_reason("Ökade behov efter uppföljning");
          x->set_monthly_amount_ore(rng.Between(10, 40) * 10'000);
        }
        if (auto st = fhv::payments::Amend(a, first + rng.Between(1, dim - 1), changed,
                                           "Ökade behov efter uppföljning", user, now);
            !st.ok()) {
          return absl::InternalError(absl::StrCat("Amend refused a change: ", st.ToString()));
        }
        ++n.amended_in_month;
      }
      if (end) {
        if (auto st = fhv::payments::End(a, *end, /*by_placement=*/!manual, now); !st.ok()) {
          return absl::InternalError(absl::StrCat("End refused a generated end: ", st.ToString()));
        }
      }
      // As the service flags them: an allowance above the tax-free maximum of the table of the
      // version's first year.
      for (auto& v : *a.mutable_versions()) {
        if (auto st = fhv::payments::ValidateTerms(v.terms(), "terms"); !st.ok()) {
          return absl::InternalError(
              absl::StrCat("a generated agreement has invalid terms: ", st.ToString()));
        }
        auto table = tables.Of(static_cast<int>(fhv::DayOf(v.valid_from())->year()));
        if (!table.ok()) return table.status();
        if (*table != nullptr) {
          v.set_expense_allowance_over_max(fhv::payments::AllowanceOverMax(v.terms(), **table));
        }
      }
      if (agency) {
        ++n.agency_agreements;
      } else {
        auto lines = fhv::payments::MonthLines(fhv::payments::PeriodOf(a), **month_table, month);
        if (!lines.ok()) {
          return absl::InternalError(absl::StrCat("a generated agreement has no lines for the ",
                                                  "month: ", lines.status().ToString()));
        }
        if (lines->empty()) return absl::InternalError("a generated agreement is not in force");
        n.expected_lines += static_cast<int>(lines->size());
        for (const auto& l : *lines) {
          if (l.kind == v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX) {
            ++n.allowance_over_max;
            break;
          }
        }
      }
      ++(jourhem ? n.jourhem : n.familjehem);
      ++n.agreements;
      d.agreements.push_back(std::move(a));
    }
    if (!agency) {  // the agency is paid by its invoice, the home by the agency
      v1::Payee p;
      p.set_home_id(home_id);
      p.set_municipality_id(payer);
      p.mutable_name()->set_given_name(rng.Pick(GivenNames()));
      p.mutable_name()->set_family_name(rng.Pick(FamilyNames()));
      p.set_personnummer(Personnummer(rng, absl::CivilDay(1955, 1, 1) + rng.Between(0, 40 * 365)));
      *p.mutable_account() = Account(rng, n.accounts);
      p.set_withholding_tax_bp(rng.Chance(0.02) ? 0 : static_cast<int>(rng.Between(2900, 3600)));
      if (auto st = fhv::payments::ValidatePayee(p, today); !st.ok()) {
        return absl::InternalError(absl::StrCat("a generated payee is invalid: ", st.ToString()));
      }
      d.payees.push_back(std::move(p));
    }
  }
  return d;
}

absl::StatusOr<std::unique_ptr<Connection>> Open() {
  const std::string dsn = absl::GetFlag(FLAGS_database_dsn);
  if (dsn.empty()) return absl::InvalidArgumentError("--database_dsn is required");
  // Big transactions: no statement timeout.
  return Connection::Open(dsn, nullptr, absl::ZeroDuration());
}

const fhv::db::Statement kCountAgreements{
    "bench_count_agreements",
    "SELECT count(*), count(*) FILTER (WHERE agency_home), "
    "count(*) FILTER (WHERE valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $2::date)),"
    " (SELECT count(*) FROM payments.payee WHERE municipality_id = $1) "
    "FROM payments.agreement WHERE paying_municipality_id = $1"};

int Seed() {
  const int total = absl::GetFlag(FLAGS_agreements);
  const int batch = absl::GetFlag(FLAGS_agreements_per_transaction);
  const std::string payer = absl::GetFlag(FLAGS_municipality);
  if (total < 1) return UsageError("--agreements must be at least 1");
  if (batch < 1) return UsageError("--agreements_per_transaction must be at least 1");
  auto month = Month();
  if (!month.ok()) return UsageError(month.status().message());
  auto conn = Open();
  if (!conn.ok()) return Failure(conn.status().ToString());

  const auto started = std::chrono::steady_clock::now();
  // Every record is written as of the 1st of the month after the month paid.
  const absl::Time now = absl::FromCivil(absl::CivilDay(*month + 1), absl::UTCTimeZone());
  Rng rng(absl::GetFlag(FLAGS_seed));
  Tables tables(**conn);
  auto data = Generate(rng, tables, total, payer, *month, now);
  if (!data.ok()) return Failure(data.status().ToString());
  const Counts& n = data->n;
  std::cout << absl::StrFormat("seed: %d agreements on %d homes generated (%.1f s)\n", n.agreements,
                               n.homes, SecondsSince(started))
            << std::flush;

  for (size_t begin = 0; begin < data->agreements.size(); begin += batch) {
    const size_t end = std::min(data->agreements.size(), begin + batch);
    auto st = fhv::db::InTransaction(**conn, [&]() -> absl::Status {
      for (size_t i = begin; i < end; ++i) {
        auto inserted = fhv::payments::AgreementStore::Insert(**conn, data->agreements[i], now);
        if (!inserted.ok()) return inserted.status();
        if (!*inserted) return absl::AlreadyExistsError("a placement has an agreement already");
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return Failure(st.ToString());
    std::cout << absl::StrFormat("seed: agreements %d/%d committed (%.1f s)\n", end,
                                 data->agreements.size(), SecondsSince(started))
              << std::flush;
  }
  for (size_t begin = 0; begin < data->payees.size(); begin += batch) {
    const size_t end = std::min(data->payees.size(), begin + batch);
    auto st = fhv::db::InTransaction(**conn, [&]() -> absl::Status {
      for (size_t i = begin; i < end; ++i) {
        v1::Payee p = data->payees[i];
        *p.mutable_update_time() = fhv::ToTimestamp(now);
        if (auto st = fhv::payments::PayeeStore::PutPayee(**conn, p, now); !st.ok()) return st;
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return Failure(st.ToString());
  }
  std::cout << absl::StrFormat("seed: %d payees committed (%.1f s)\n", data->payees.size(),
                               SecondsSince(started))
            << std::flush;

  v1::MunicipalityPaymentSettings s;
  s.set_municipality_id(payer);
  s.set_debtor_name("Malå kommun");
  s.set_organisationsnummer("212000-2627");
  s.mutable_debtor_account()->set_iban("SE4550000000058398257466");
  s.mutable_debtor_account()->set_bic("ESSESESS");
  s.set_execution_day_of_month(25);
  if (auto st = fhv::payments::ValidateSettings(s); !st.ok()) return Failure(st.ToString());
  *s.mutable_update_time() = fhv::ToTimestamp(now);
  if (auto st = fhv::payments::PayeeStore::PutSettings(**conn, s, now); !st.ok()) {
    return Failure(st.ToString());
  }

  // As autovacuum would in time: fresh statistics for the planner, a clean visibility map.
  for (const char* table : {"agreement", "payee", "payer_settings"}) {
    if (auto st = (*conn)->ExecScript(absl::StrCat("VACUUM (ANALYZE) payments.", table));
        !st.ok()) {
      return Failure(st.ToString());
    }
  }
  const absl::CivilDay first(*month), last = absl::CivilDay(*month + 1) - 1;
  auto counted = (*conn)->Exec(kCountAgreements, {payer, first, last});
  if (!counted.ok()) return Failure(counted.status().ToString());
  std::cout << absl::StrFormat(
      "seed: %d agreements of %s (%d of agency homes), %d in force in %s, %d payees; vacuumed "
      "and analysed (%.1f s)\n",
      counted->Int64(0, 0), payer, counted->Int64(0, 1), counted->Int64(0, 2),
      absl::FormatCivilTime(*month), counted->Int64(0, 3), SecondsSince(started));

  std::vector<std::string> ages;
  for (const auto& [age, count] : n.ages) ages.push_back(absl::StrCat(age, ":", count));
  std::vector<std::string> accounts;
  for (const auto& [kind, count] : n.accounts) accounts.push_back(absl::StrCat(kind, " ", count));
  std::cout << absl::StrFormat(
      "seed: homes %d (own %d, agency %d); agreements familjehem %d, jourhem %d; from placements "
      "%d, manual %d\n"
      "seed: starting in the month %d, ending in it %d, terms changed in it %d, earlier versions "
      "%d\n"
      "seed: RAISED_1 %d, agreed fee %d, allowance addition %d (above the tax-free maximum in "
      "the month %d), fixed allowance %d, extra allowances %d, child allowance deducted %d\n"
      "seed: birthdays in the month %d (turning 13: %d); ages on the month's last day %s\n"
      "seed: payee accounts: %s; lines expected for the month %d\n",
      n.homes, n.own_homes, n.agency_homes, n.familjehem, n.jourhem, n.from_placement, n.manual,
      n.starting_in_month, n.ending_in_month, n.amended_in_month, n.with_history, n.raised_1,
      n.agreed_fee, n.allowance_addition, n.allowance_over_max, n.fixed_allowance,
      n.extra_allowance, n.child_allowance_deduction, n.birthday_in_month, n.turning_13_in_month,
      absl::StrJoin(ages, " "), absl::StrJoin(accounts, ", "), n.expected_lines);
  return 0;
}

// ---------------------------------------------------------------------------------------
// The measurement.

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// VmRSS and VmHWM of a process, in kB.
struct Memory {
  int64_t rss_kb = 0, hwm_kb = 0;
};

absl::StatusOr<Memory> ReadMemory(int pid) {
  auto text = ReadFile(absl::StrCat("/proc/", pid, "/status"));
  if (!text.ok()) return text.status();
  Memory m;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    int64_t* field = absl::StartsWith(line, "VmRSS:")   ? &m.rss_kb
                     : absl::StartsWith(line, "VmHWM:") ? &m.hwm_kb
                                                        : nullptr;
    if (field == nullptr) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (f.size() < 2 || !absl::SimpleAtoi(f[1], field)) {
      return absl::InternalError(absl::StrCat("cannot parse /proc/", pid, "/status"));
    }
  }
  if (m.rss_kb == 0) return absl::InternalError(absl::StrCat("no VmRSS for process ", pid));
  return m;
}

// A process's user and system CPU time and its parent, from /proc/<pid>/stat.
struct CpuTime {
  double seconds = 0;
  int ppid = 0;
};

std::optional<CpuTime> ReadCpu(int pid) {
  auto text = ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  if (!text.ok()) return std::nullopt;
  const size_t paren = text->rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  // After the command: state ppid ... utime (14th field) stime (15th).
  std::vector<absl::string_view> f =
      absl::StrSplit(absl::string_view(*text).substr(paren + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  CpuTime c;
  if (f.size() < 13 || !absl::SimpleAtoi(f[1], &c.ppid) || !absl::SimpleAtoi(f[11], &utime) ||
      !absl::SimpleAtoi(f[12], &stime)) {
    return std::nullopt;
  }
  c.seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return c;
}

// The CPU time of a PostgreSQL cluster: the postmaster and its children alive now (the
// service's pooled backends live as long as the service).
double ClusterCpu(int postmaster) {
  double total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    auto c = ReadCpu(pid);
    if (c && (pid == postmaster || c->ppid == postmaster)) total += c->seconds;
  }
  return total;
}

// Polls a process's VmRSS every 5 ms while alive and keeps the largest.
class PeakSampler {
 public:
  explicit PeakSampler(int pid)
      : thread_([this, pid] {
          while (!stop_.load()) {
            if (auto m = ReadMemory(pid); m.ok()) peak_ = std::max(peak_.load(), m->rss_kb);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          }
        }) {}
  int64_t Stop() {
    stop_ = true;
    thread_.join();
    return peak_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_{0};
  std::thread thread_;
};

// GET http://<address>/metrics: the body.
absl::StatusOr<std::string> ScrapeMetrics(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("--metrics_address: host:port");
  const std::string host = address.substr(0, colon), port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", address));
  }
  const int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  const bool connected = fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  if (!connected) {
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", address));
  }
  const std::string request =
      absl::StrCat("GET /metrics HTTP/1.0\r\nHost: ", address, "\r\nConnection: close\r\n\r\n");
  std::string response;
  bool ok = send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size());
  char buffer[65536];
  while (ok) {
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0) ok = false;
    if (got <= 0) break;
    response.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (!ok || body == std::string::npos || !absl::StartsWith(response, "HTTP/1.")) {
    return absl::UnavailableError(absl::StrCat("no /metrics answer from ", address));
  }
  return response.substr(body + 4);
}

// The database time of the service by statement: seconds and statements run.
using QueryTimes = std::map<std::string, std::pair<double, int64_t>>;

QueryTimes ParseQueryTimes(const std::string& metrics) {
  QueryTimes out;
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    const bool sum = absl::StartsWith(line, "fhv_db_query_duration_seconds_sum{");
    const bool count = absl::StartsWith(line, "fhv_db_query_duration_seconds_count{");
    if (!sum && !count) continue;
    const size_t label = line.find("statement=\"");
    const size_t close = line.rfind('}');
    const size_t space = line.rfind(' ');
    if (label == absl::string_view::npos || close == absl::string_view::npos ||
        space == absl::string_view::npos) {
      continue;
    }
    const size_t begin = label + 11;
    const std::string name(line.substr(begin, line.find('"', begin) - begin));
    double value = 0;
    if (!absl::SimpleAtod(line.substr(space + 1), &value)) continue;
    if (sum) {
      out[name].first = value;
    } else {
      out[name].second = static_cast<int64_t>(value);
    }
  }
  return out;
}

struct Step {
  std::string name;
  double seconds = 0;
  Memory before, after;
  int64_t peak_rss_kb = 0;
  double service_cpu = 0, postgres_cpu = 0;
  bool has_postgres_cpu = false;
  std::string detail;
  double db_seconds = 0;  // the service's statements, summed
  int64_t statements = 0;
  std::vector<std::pair<std::string, std::pair<double, int64_t>>> top;  // by time
};

std::string Mb(int64_t kb) { return absl::StrFormat("%.1f", static_cast<double>(kb) / 1024); }

class Measurement {
 public:
  Measurement(int service_pid, int postgres_pid, std::string metrics)
      : service_pid_(service_pid), postgres_pid_(postgres_pid), metrics_(std::move(metrics)) {}

  // Runs `fn` as step `name`, with the service's memory and CPU read before and after and its
  // resident memory sampled during the call.
  absl::Status Run(const std::string& name, const std::function<absl::Status(Step&)>& fn) {
    Step s;
    s.name = name;
    QueryTimes queries_before;
    if (!metrics_.empty()) {
      auto text = ScrapeMetrics(metrics_);
      if (!text.ok()) return text.status();
      queries_before = ParseQueryTimes(*text);
    }
    auto before = ReadMemory(service_pid_);
    if (!before.ok()) return before.status();
    s.before = *before;
    const auto cpu_before = ReadCpu(service_pid_);
    const double pg_before = postgres_pid_ > 0 ? ClusterCpu(postgres_pid_) : 0;
    PeakSampler sampler(service_pid_);
    const auto t0 = std::chrono::steady_clock::now();
    const absl::Status st = fn(s);
    s.seconds = SecondsSince(t0);
    s.peak_rss_kb = sampler.Stop();
    const auto cpu_after = ReadCpu(service_pid_);
    if (postgres_pid_ > 0) {
      s.postgres_cpu = ClusterCpu(postgres_pid_) - pg_before;
      s.has_postgres_cpu = true;
    }
    auto after = ReadMemory(service_pid_);
    if (!after.ok()) return after.status();
    s.after = *after;
    s.peak_rss_kb = std::max({s.peak_rss_kb, s.before.rss_kb, s.after.rss_kb});
    if (cpu_before && cpu_after) s.service_cpu = cpu_after->seconds - cpu_before->seconds;
    if (!metrics_.empty()) {
      auto text = ScrapeMetrics(metrics_);
      if (!text.ok()) return text.status();
      for (const auto& [statement, value] : ParseQueryTimes(*text)) {
        const auto& old = queries_before[statement];
        const double seconds = value.first - old.first;
        const int64_t count = value.second - old.second;
        if (count <= 0) continue;
        s.db_seconds += seconds;
        s.statements += count;
        s.top.push_back({statement, {seconds, count}});
      }
      std::sort(s.top.begin(), s.top.end(),
                [](const auto& x, const auto& y) { return x.second.first > y.second.first; });
    }
    steps_.push_back(std::move(s));
    return st;
  }

  const std::vector<Step>& steps() const { return steps_; }
  bool has_metrics() const { return !metrics_.empty(); }

 private:
  const int service_pid_, postgres_pid_;
  const std::string metrics_;
  std::vector<Step> steps_;
};

std::string GrpcError(absl::string_view rpc, const grpc::Status& st) {
  return absl::StrCat(rpc, " failed: code ", static_cast<int>(st.error_code()), " ",
                      st.error_message());
}

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

int Measure() {
  const std::string address = absl::GetFlag(FLAGS_address);
  const std::string token_file = absl::GetFlag(FLAGS_token_file);
  const int service_pid = absl::GetFlag(FLAGS_service_pid);
  const std::string payer = absl::GetFlag(FLAGS_municipality);
  const int chunk_bytes = absl::GetFlag(FLAGS_chunk_bytes);
  const int timeout = absl::GetFlag(FLAGS_rpc_timeout_seconds);
  if (address.empty()) return UsageError("measure needs --address");
  if (token_file.empty()) return UsageError("measure needs --token_file");
  if (service_pid <= 0) return UsageError("measure needs --service_pid");
  if (chunk_bytes < 1 || timeout < 1) return UsageError("--chunk_bytes, --rpc_timeout_seconds > 0");
  auto month = Month();
  if (!month.ok()) return UsageError(month.status().message());
  auto token_text = ReadFile(token_file);
  if (!token_text.ok()) return Failure(token_text.status().ToString());
  const std::string token(absl::StripAsciiWhitespace(*token_text));

  // What the run should cover, counted in SQL.
  int64_t agreements = -1, agency_agreements = -1, in_force = -1, payees = -1;
  if (!absl::GetFlag(FLAGS_database_dsn).empty()) {
    auto conn = Open();
    if (!conn.ok()) return Failure(conn.status().ToString());
    auto counted = (*conn)->Exec(kCountAgreements,
                                 {payer, absl::CivilDay(*month), absl::CivilDay(*month + 1) - 1});
    if (!counted.ok()) return Failure(counted.status().ToString());
    agreements = counted->Int64(0, 0);
    agency_agreements = counted->Int64(0, 1);
    in_force = counted->Int64(0, 2);
    payees = counted->Int64(0, 3);
  }

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return Failure(absl::StrCat("cannot connect to ", address));
  }
  auto stub = v1::PaymentsService::NewStub(channel);
  auto context = [&](grpc::ClientContext& ctx) {
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout));
  };

  auto idle = ReadMemory(service_pid);
  if (!idle.ok()) return Failure(idle.status().ToString());
  std::cout << absl::StrFormat(
                   "measure: payment run of %s for %s%s; fhv-payments (pid %d) resident %s MB, "
                   "peak so far %s MB\n",
                   payer, absl::FormatCivilTime(*month),
                   agreements >= 0 ? absl::StrFormat(" over %d agreements (%d in force, %d of "
                                                     "agency homes)",
                                                     agreements, in_force, agency_agreements)
                                   : "",
                   service_pid, Mb(idle->rss_kb), Mb(idle->hwm_kb))
            << std::flush;

  Measurement m(service_pid, absl::GetFlag(FLAGS_postgres_pid),
                absl::GetFlag(FLAGS_metrics_address));
  v1::PaymentRun run;
  auto st = m.Run("CreatePaymentRun", [&](Step& s) -> absl::Status {
    v1::CreatePaymentRunRequest request;
    request.set_request_id(fhv::NewUuid());
    request.set_municipality_id(payer);
    request.mutable_month()->set_year(static_cast<int>(month->year()));
    request.mutable_month()->set_month(month->month());
    v1::CreatePaymentRunResponse response;
    grpc::ClientContext ctx;
    context(ctx);
    const grpc::Status status = stub->CreatePaymentRun(&ctx, request, &response);
    if (!status.ok()) return absl::InternalError(GrpcError("CreatePaymentRun", status));
    if (!response.created()) {
      return absl::FailedPreconditionError(
          "the month's run existed already: seed a fresh database");
    }
    run = response.payment_run();
    s.detail = absl::StrFormat("%d lines, %d transfers", run.line_count(), run.transfer_count());
    return absl::OkStatus();
  });
  if (!st.ok()) return Failure(st.message());
  std::cout << absl::StrFormat(
                   "measure: CreatePaymentRun %.2f s: %d agreements with lines, %d lines, %d "
                   "transfers, %d problems\n",
                   m.steps().back().seconds, run.agreement_count(), run.line_count(),
                   run.transfer_count(), run.problems_size())
            << std::flush;
  if (run.problems_size() > 0) {
    return Failure(absl::StrCat("the run has ", run.problems_size(), " problems, the first ",
                                run.problems(0).code(), " of home ", run.problems(0).home_id()));
  }

  st = m.Run("ApprovePaymentRun", [&](Step& s) -> absl::Status {
    v1::ApprovePaymentRunRequest request;
    request.set_payment_run_id(run.payment_run_id());
    request.set_etag(run.etag());
    request.set_request_id(fhv::NewUuid());
    v1::ApprovePaymentRunResponse response;
    grpc::ClientContext ctx;
    context(ctx);
    const grpc::Status status = stub->ApprovePaymentRun(&ctx, request, &response);
    if (!status.ok()) return absl::InternalError(GrpcError("ApprovePaymentRun", status));
    run = response.payment_run();
    if (run.state() != v1::PAYMENT_RUN_STATE_APPROVED || run.bank_file_sha256().size() != 64) {
      return absl::InternalError("the approved run is not APPROVED with a bank file hash");
    }
    s.detail = "ledger posted, files written";
    return absl::OkStatus();
  });
  if (!st.ok()) return Failure(st.message());
  std::cout << absl::StrFormat("measure: ApprovePaymentRun %.2f s\n", m.steps().back().seconds)
            << std::flush;

  std::string file;
  int chunks = 0;
  v1::GetBankFileResponse facts;
  st = m.Run("GetBankFile", [&](Step& s) -> absl::Status {
    for (int64_t offset = 0;;) {
      v1::GetBankFileRequest request;
      request.set_payment_run_id(run.payment_run_id());
      request.set_offset(offset);
      request.set_max_bytes(chunk_bytes);
      v1::GetBankFileResponse response;
      grpc::ClientContext ctx;
      context(ctx);
      const grpc::Status status = stub->GetBankFile(&ctx, request, &response);
      if (!status.ok()) return absl::InternalError(GrpcError("GetBankFile", status));
      ++chunks;
      if (response.offset() != offset) return absl::InternalError("a chunk at the wrong offset");
      file += response.content();
      offset += static_cast<int64_t>(response.content().size());
      response.clear_content();
      facts = response;
      if (response.end_of_file()) break;
      if (offset == request.offset()) return absl::InternalError("an empty chunk before the end");
    }
    s.detail = absl::StrFormat("%d bytes in %d chunks", file.size(), chunks);
    return absl::OkStatus();
  });
  if (!st.ok()) return Failure(st.message());
  // The file is whole and matches the run to the öre.
  const std::string sha = Sha256Hex(file);
  size_t transactions = 0;
  for (size_t at = file.find("<CdtTrfTxInf>"); at != std::string::npos;
       at = file.find("<CdtTrfTxInf>", at + 1)) {
    ++transactions;
  }
  std::vector<std::string> wrong;
  if (static_cast<int64_t>(file.size()) != facts.total_size_bytes()) wrong.push_back("size");
  if (sha != facts.sha256() || sha != run.bank_file_sha256()) wrong.push_back("SHA-256");
  if (facts.control_sum_ore() != run.transfer_total_ore()) wrong.push_back("control sum");
  if (facts.number_of_transactions() != run.transfer_count() ||
      static_cast<int64_t>(transactions) != run.transfer_count()) {
    wrong.push_back("number of transactions");
  }
  if (!wrong.empty()) {
    return Failure(
        absl::StrCat("the bank file does not match the run: ", absl::StrJoin(wrong, ", ")));
  }
  std::cout << absl::StrFormat(
                   "measure: GetBankFile %.2f s: %d bytes, SHA-256, control sum %s SEK and %d "
                   "transactions match the run\n",
                   m.steps().back().seconds, file.size(),
                   absl::StrFormat("%d.%02d", run.transfer_total_ore() / 100,
                                   run.transfer_total_ore() % 100),
                   transactions)
            << std::flush;
  const size_t file_bytes = file.size();
  std::string().swap(file);

  st = m.Run("MarkPaymentRunPaid", [&](Step& s) -> absl::Status {
    v1::MarkPaymentRunPaidRequest request;
    request.set_payment_run_id(run.payment_run_id());
    request.set_etag(run.etag());
    request.set_request_id(fhv::NewUuid());
    const auto execution = fhv::DayOf(run.execution_date());
    const absl::CivilDay today = fhv::Today(absl::Now());
    *request.mutable_paid_date() =
        fhv::ToDate(execution && *execution < today ? *execution : today);
    request.set_bank_reference(absl::StrCat("BENCH-", absl::FormatCivilTime(*month)));
    v1::MarkPaymentRunPaidResponse response;
    grpc::ClientContext ctx;
    context(ctx);
    const grpc::Status status = stub->MarkPaymentRunPaid(&ctx, request, &response);
    if (!status.ok()) return absl::InternalError(GrpcError("MarkPaymentRunPaid", status));
    if (response.payment_run().state() != v1::PAYMENT_RUN_STATE_PAID) {
      return absl::InternalError("the run is not PAID");
    }
    s.detail = "ledger posted";
    return absl::OkStatus();
  });
  if (!st.ok()) return Failure(st.message());

  // The table.
  const auto& steps = m.steps();
  std::cout << absl::StrFormat(
      "\nPayment run of %s for %s: %d agreements with lines, %d lines, %d transfers (%s SEK), "
      "bank file %d bytes\nfhv-payments resident memory before the run %s MB (MB below; peak = "
      "largest VmRSS sampled every 5 ms during the call; VmHWM = the process's peak so far)\n\n",
      payer, absl::FormatCivilTime(*month), run.agreement_count(), run.line_count(),
      run.transfer_count(),
      absl::StrFormat("%d.%02d", run.transfer_total_ore() / 100, run.transfer_total_ore() % 100),
      file_bytes, Mb(idle->rss_kb));
  std::cout << absl::StrFormat("%-19s %8s %10s %10s %10s %8s %9s %9s%s  %s\n", "call", "seconds",
                               "rss before", "rss after", "rss peak", "VmHWM", "svc cpu s",
                               "pg cpu s", m.has_metrics() ? "      db s" : "", "");
  std::vector<std::string> json_steps;
  for (const Step& s : steps) {
    std::cout << absl::StrFormat(
        "%-19s %8.2f %10s %10s %10s %8s %9.2f %9s%s  %s\n", s.name, s.seconds, Mb(s.before.rss_kb),
        Mb(s.after.rss_kb), Mb(s.peak_rss_kb), Mb(s.after.hwm_kb), s.service_cpu,
        s.has_postgres_cpu ? absl::StrFormat("%.2f", s.postgres_cpu) : "-",
        m.has_metrics() ? absl::StrFormat(" %9.2f", s.db_seconds) : "", s.detail);
    std::vector<std::string> top;
    for (size_t i = 0; i < s.top.size() && i < 8; ++i) {
      top.push_back(absl::StrFormat("{\"statement\":\"%s\",\"seconds\":%.3f,\"count\":%d}",
                                    s.top[i].first, s.top[i].second.first, s.top[i].second.second));
    }
    json_steps.push_back(absl::StrFormat(
        "{\"rpc\":\"%s\",\"seconds\":%.3f,\"rss_before_kb\":%d,\"rss_after_kb\":%d,"
        "\"rss_peak_kb\":%d,\"hwm_after_kb\":%d,\"service_cpu_s\":%.2f,\"postgres_cpu_s\":%s,"
        "\"db_seconds\":%s,\"statements\":%d,\"top_statements\":[%s]}",
        s.name, s.seconds, s.before.rss_kb, s.after.rss_kb, s.peak_rss_kb, s.after.hwm_kb,
        s.service_cpu, s.has_postgres_cpu ? absl::StrFormat("%.2f", s.postgres_cpu) : "null",
        m.has_metrics() ? absl::StrFormat("%.3f", s.db_seconds) : "null", s.statements,
        absl::StrJoin(top, ",")));
  }
  if (m.has_metrics()) {
    std::cout << "\nThe service's database time by statement (seconds, statements run):\n";
    for (const Step& s : steps) {
      std::vector<std::string> top;
      for (size_t i = 0; i < s.top.size() && i < 6; ++i) {
        top.push_back(absl::StrFormat("%s %.2f (%d)", s.top[i].first, s.top[i].second.first,
                                      s.top[i].second.second));
      }
      std::cout << absl::StrFormat("  %-19s %s\n", s.name, absl::StrJoin(top, ", "));
    }
  }
  int64_t peak = idle->hwm_kb;
  for (const Step& s : steps) peak = std::max({peak, s.after.hwm_kb, s.peak_rss_kb});
  std::cout << absl::StrFormat(
      "\n(svc cpu: fhv-payments' user+system CPU during the call; pg cpu: the PostgreSQL "
      "cluster's; db s: the service's own timing of its statements)\n");
  std::cout << absl::StrFormat(
                   "{\"benchmark\":\"payment_run\",\"municipality\":\"%s\",\"month\":\"%s\","
                   "\"agreements\":%d,\"agreements_in_force\":%d,\"agency_agreements\":%d,"
                   "\"payees\":%d,\"run_agreements\":%d,\"lines\":%d,\"transfers\":%d,"
                   "\"transfer_total_ore\":%d,\"bank_file_bytes\":%d,\"bank_file_chunks\":%d,"
                   "\"rss_idle_kb\":%d,\"hwm_idle_kb\":%d,\"hwm_kb\":%d,\"steps\":[%s]}\n",
                   payer, absl::FormatCivilTime(*month), agreements, in_force, agency_agreements,
                   payees, run.agreement_count(), run.line_count(), run.transfer_count(),
                   run.transfer_total_ore(), file_bytes, chunks, idle->rss_kb, idle->hwm_kb, peak,
                   absl::StrJoin(json_steps, ","))
            << std::flush;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "bench/payments/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(absl::StrCat(
      "the monthly payment run benchmark (run it with bench/run-payments).\nusage:\n", kSynopsis));
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) return UsageError("missing subcommand (seed or measure)");
  if (args.size() > 2) return UsageError(absl::StrCat("unexpected argument: ", args[2]));
  const absl::string_view command = args[1];
  if (command == "seed") return Seed();
  if (command == "measure") return Measure();
  return UsageError(absl::StrCat("unknown subcommand: ", command));
}
