// fhv-loadgen: the load benchmark of the suite (bench/run-load; see BENCHMARKS.md).
//
//   fhv-loadgen seed --database_dsn=<placement dsn> --registry_dsn=<recruitment dsn>
//               --askers_file=<path> [--placements=30000]
//   fhv-loadgen echo-server --ready_file=<path> [--address=127.0.0.1:0]
//   fhv-loadgen measure --echo=<host:port> --recruitment=<host:port> --placement=<host:port>
//               --database_dsn=<placement dsn> --registry_dsn=<recruitment dsn>
//               --askers_file=<path> --tokens_dir=<dir> [--callers=32] [--seconds=20]
//               [--warmup_seconds=3] [--scenarios=...] [--soak_seconds=0]
//               [--service_pids=recruitment:PID,placement:PID] [--report=<path>]
//
// `seed` enters 30,000 active placements (with their requests) over the registry's 290
// municipalities through placement's storage layer, each in one of the registry's homes, and
// writes the municipalities whose staff the callers act as to --askers_file.
// `echo-server` serves the ceiling: a gRPC call that does no work (callback API, as the services).
// `measure` runs each scenario with N closed-loop callers (gRPC callback API), then the soak,
// and prints a table and the JSON report (also written to --report).
//
// Exit codes: 0 every call succeeded, 1 a failure (a failed call included), 2 usage error.
// Targets are reported, not enforced: a missed target is a finding, not a crash.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/loadgen/harness.h"
#include "common/audit/audit.h"
#include "common/auth/principal.h"
#include "common/db/connection.h"
#include "common/db/transaction.h"
#include "common/events/outbox.h"
#include "common/server/call.h"
#include "common/server/runtime.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/validation/identifiers.h"
#include "echo.grpc.pb.h"
#include "fhv/placement/v1/placement_service.grpc.pb.h"
#include "fhv/recruitment/v1/events.pb.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"
#include "services/placement/src/domain/request.h"
#include "services/placement/src/storage/placement_store.h"
#include "services/recruitment/src/domain/interest.h"
#include "services/recruitment/src/storage/interest_store.h"
#include "services/recruitment/src/storage/organisation_store.h"

ABSL_FLAG(std::string, database_dsn, "", "libpq DSN of the placement service's role");
ABSL_FLAG(std::string, registry_dsn, "", "libpq DSN of the recruitment service's role");
ABSL_FLAG(std::string, askers_file, "", "the municipalities the callers act as, one a line");
ABSL_FLAG(int, placements, 30000, "seed: active placements to enter");
ABSL_FLAG(std::string, address, "127.0.0.1:0", "echo-server: where to listen");
ABSL_FLAG(std::string, ready_file, "", "echo-server: written with the port once serving");
ABSL_FLAG(std::string, echo, "", "measure: host:port of the echo server");
ABSL_FLAG(std::string, recruitment, "", "measure: host:port of fhv-recruitment");
ABSL_FLAG(std::string, placement, "", "measure: host:port of fhv-placement");
ABSL_FLAG(std::string, tokens_dir, "", "measure: <municipality>.jwt bearer tokens");
ABSL_FLAG(int, callers, 32, "measure: concurrent callers, each one call at a time");
ABSL_FLAG(int, seconds, 20, "measure: measured seconds per scenario");
ABSL_FLAG(int, warmup_seconds, 3, "measure: unmeasured seconds before each scenario");
ABSL_FLAG(int, sql_connections, 8,
          "measure: connections of the bare SQL baseline (the services' --pool_size)");
ABSL_FLAG(std::string, scenarios,
          "echo,get-request,read,sql-submit-interest,sql-submit-interest-wide,submit-interest,"
          "write,mixed",
          "measure: scenarios to run, in order");
ABSL_FLAG(int, soak_seconds, 0, "measure: then the mixed scenario this long, sampling memory");
ABSL_FLAG(std::string, service_pids, "", "measure: name:pid,... whose memory the soak samples");
ABSL_FLAG(std::string, report, "", "measure: also write the JSON report here");
ABSL_FLAG(uint64_t, seed, 20261206, "random seed of the data and the calls");

namespace {

namespace rv1 = ::fhv::recruitment::v1;
namespace pv1 = ::fhv::placement::v1;
namespace cv1 = ::fhv::common::v1;
using fhv::NewUuid;
using fhv::ToDate;
using fhv::bench::Done;
using fhv::bench::LoadOptions;
using fhv::bench::LoadResult;
using fhv::bench::Operation;
using fhv::db::Connection;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kPlacementsPerTransaction = 2000;
constexpr int kEchoPayloadBytes = 512;
// Thresholds of issue 8, reported against each run.
constexpr double kReadShareOfEcho = 0.40;
constexpr double kWriteShareOfSql = 0.60;
constexpr double kP99TargetMs = 20;
// "Flat": the soak's last minute is at most this much above its second minute.
constexpr double kFlatGrowthFraction = 0.05;
constexpr double kFlatGrowthFloorMb = 8;
constexpr size_t kMinSoakSamples = 10;

int Failure(absl::string_view message) {
  std::cerr << "fhv-loadgen: " << message << "\n";
  return kExitFailure;
}

int UsageError(absl::string_view message) {
  std::cerr << "fhv-loadgen: " << message << "\n(see the comment at the top of "
            << "bench/loadgen/main.cc, or bench/run-load --help)\n";
  return kExitUsage;
}

absl::Status RequireFlags(std::initializer_list<std::pair<const char*, std::string>> flags) {
  for (const auto& [name, value] : flags) {
    if (value.empty()) return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  }
  return absl::OkStatus();
}

absl::CivilDay TodayUtc() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

// A valid personnummer (12 digits) of someone born on `born`, the `n`th of that day (n < 1000).
std::string Personnummer(absl::CivilDay born, int n) {
  const std::string nine =
      absl::StrFormat("%02d%02d%02d%03d", born.year() % 100, born.month(), born.day(), n % 1000);
  for (char c = '0'; c <= '9'; ++c) {
    if (fhv::validation::LuhnValid(nine + c)) {
      return absl::StrFormat("%04d%02d%02d%03d%c", born.year(), born.month(), born.day(), n % 1000,
                             c);
    }
  }
  return "";  // unreachable: one check digit always fits
}

absl::StatusOr<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    line = std::string(absl::StripAsciiWhitespace(line));
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// --- seed -----------------------------------------------------------------------------------

// A version 4 UUID from `rng`, so that a seed gives the same data on every run.
std::string NewUuidForBench(std::mt19937_64& rng) {
  const uint64_t hi = (rng() & ~uint64_t{0xF000}) | uint64_t{0x4000};
  const uint64_t lo = (rng() & ~(uint64_t{0x3} << 62)) | (uint64_t{0x2} << 62);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                         lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

struct RegistryHome {
  std::string id, owner_id;
  bool agency = false;
};

int Seed() {
  const std::string dsn = absl::GetFlag(FLAGS_database_dsn);
  const std::string registry_dsn = absl::GetFlag(FLAGS_registry_dsn);
  const std::string askers_file = absl::GetFlag(FLAGS_askers_file);
  const int placements = absl::GetFlag(FLAGS_placements);
  if (auto st = RequireFlags(
          {{"database_dsn", dsn}, {"registry_dsn", registry_dsn}, {"askers_file", askers_file}});
      !st.ok()) {
    return UsageError(st.message());
  }
  if (placements < 1) return UsageError("--placements must be positive");

  // The registry the matching benchmark's seed made: its municipalities and homes.
  auto registry = Connection::Open(registry_dsn, nullptr);
  if (!registry.ok()) return Failure(registry.status().ToString());
  auto m = (*registry)->Exec({"bench_municipalities",
                              "SELECT id FROM recruitment.organisation "
                              "WHERE kind = 'ORGANISATION_KIND_MUNICIPALITY' ORDER BY id"});
  auto h = (*registry)->Exec({"bench_homes",
                              "SELECT id, owner_id, owner_kind FROM recruitment.home "
                              "WHERE NOT revoked ORDER BY id"});
  if (!m.ok()) return Failure(m.status().ToString());
  if (!h.ok()) return Failure(h.status().ToString());
  std::vector<std::string> municipalities;
  for (int i = 0; i < m->rows(); ++i) municipalities.emplace_back(m->Text(i, 0));
  std::vector<RegistryHome> homes;
  for (int i = 0; i < h->rows(); ++i) {
    homes.push_back({std::string(h->Text(i, 0)), std::string(h->Text(i, 1)),
                     h->Text(i, 2) == "ORGANISATION_KIND_AGENCY"});
  }
  if (municipalities.empty() || homes.empty()) {
    return Failure("the registry is empty: run fhv-bench-matching seed first");
  }

  // Placements per municipality fall off with size (Zipf, s = 0.9): in the largest about
  // 2,800 of 30,000, in the smallest a handful. Municipalities are ranked in a shuffled order.
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  std::vector<std::string> ranked = municipalities;
  std::shuffle(ranked.begin(), ranked.end(), rng);
  std::vector<double> weights;
  for (size_t r = 0; r < ranked.size(); ++r) weights.push_back(1.0 / std::pow(r + 1.0, 0.9));
  std::discrete_distribution<size_t> pick_municipality(weights.begin(), weights.end());

  auto conn = Connection::Open(dsn, nullptr);
  if (!conn.ok()) return Failure(conn.status().ToString());
  const absl::CivilDay today = TodayUtc();
  static const pv1::LegalBasis kBases[] = {pv1::LEGAL_BASIS_VOLUNTARY, pv1::LEGAL_BASIS_VOLUNTARY,
                                           pv1::LEGAL_BASIS_LVU_HOME_ENVIRONMENT,
                                           pv1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR};
  static const pv1::PlacementForm kForms[] = {
      pv1::PLACEMENT_FORM_FAMILJEHEM, pv1::PLACEMENT_FORM_FAMILJEHEM,
      pv1::PLACEMENT_FORM_FAMILJEHEM, pv1::PLACEMENT_FORM_JOURHEM};
  const absl::Time started = absl::Now();
  int entered = 0;
  while (entered < placements) {
    const int batch = std::min(kPlacementsPerTransaction, placements - entered);
    auto st = fhv::db::InTransaction(**conn, [&]() -> absl::Status {
      for (int i = 0; i < batch; ++i) {
        const int n = entered + i;
        const std::string& municipality = ranked[pick_municipality(rng)];
        const RegistryHome& home = homes[rng() % homes.size()];
        // Started up to three years ago; the request was made two weeks before.
        const absl::CivilDay start = today - static_cast<int>(rng() % 1100);
        const absl::CivilDay born = start - 15 - static_cast<int>(rng() % (17 * 365));
        fhv::placement::Actor actor{.caller = {.user = "bench-case-worker",
                                               .org_id = municipality,
                                               .org_kind = fhv::auth::OrgKind::kMunicipality,
                                               .roles = {"case_worker"}},
                                    .now = absl::FromCivil(start - 14, absl::UTCTimeZone()),
                                    .today = start - 14};
        pv1::CreatePlacementRequestRequest in;
        in.mutable_addressee()->set_id(municipality);
        in.mutable_addressee()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
        auto& child = *in.mutable_child();
        child.set_personnummer(Personnummer(born, n % 997));
        child.mutable_name()->set_given_name("Barn");
        child.mutable_name()->set_family_name(absl::StrCat("Bench", n));
        *child.mutable_birth_date() = ToDate(born);
        child.mutable_address()->set_street("Skolgatan 1");
        child.mutable_address()->set_postal_code("11122");
        child.mutable_address()->set_city("Orten");
        child.add_languages("sv");
        in.set_legal_basis(kBases[rng() % 4]);
        in.set_urgency(pv1::PLACEMENT_URGENCY_PLANNED);
        in.set_form(kForms[rng() % 4]);
        *in.mutable_wanted_start_date() = ToDate(start);
        auto r = fhv::placement::NewRequest(in, NewUuidForBench(rng), actor);
        if (!r.ok()) return r.status();
        auto child_id = fhv::placement::PlacementStore::ChildId(**conn, r->child().personnummer(),
                                                                NewUuidForBench(rng));
        if (!child_id.ok()) return child_id.status();
        r->mutable_child()->set_child_id(*child_id);
        r->set_state(pv1::PLACEMENT_REQUEST_STATE_PLACED);
        auto insert = fhv::placement::PlacementStore::InsertRequest(**conn, *r, actor.now);
        if (!insert.ok()) return insert;
        // As StartPlacement makes it.
        pv1::Placement p;
        p.set_placement_id(NewUuidForBench(rng));
        p.set_placement_request_id(r->placement_request_id());
        p.set_municipality_id(municipality);
        p.mutable_child()->set_child_id(*child_id);
        *p.mutable_child()->mutable_birth_date() = ToDate(born);
        p.set_home_id(home.id);
        p.mutable_home_owner()->set_id(home.owner_id);
        p.mutable_home_owner()->set_kind(home.agency ? cv1::ORGANISATION_KIND_AGENCY
                                                     : cv1::ORGANISATION_KIND_MUNICIPALITY);
        p.set_agency_home(home.agency);
        p.set_form(r->form());
        p.set_legal_basis(r->legal_basis());
        *p.mutable_start_date() = ToDate(start);
        *p.mutable_care_start_date() = ToDate(start);
        p.set_state(pv1::PLACEMENT_STATE_ACTIVE);
        const absl::Time at = absl::FromCivil(start, absl::UTCTimeZone());
        if (auto s = fhv::placement::PlacementStore::InsertPlacement(**conn, p, at); !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return Failure(absl::StrCat("seeding placements failed: ", st.ToString()));
    entered += batch;
    std::cout << absl::StrFormat("seed: %d of %d placements entered\n", entered, placements)
              << std::flush;
  }
  if (auto st = (*conn)->ExecScript("VACUUM ANALYZE"); !st.ok()) {
    std::cerr << "fhv-loadgen: VACUUM ANALYZE failed (continuing): " << st << "\n";
  }
  // The callers act as staff of four municipalities of different sizes.
  std::ofstream out(askers_file);
  for (size_t rank : {0, 4, 29, 149}) {
    if (rank < ranked.size()) out << ranked[rank] << "\n";
  }
  if (!out.flush()) return Failure(absl::StrCat("cannot write ", askers_file));
  std::cout << absl::StrFormat("seed: %d placements in %d municipalities, %d homes, in %.1f s\n",
                               placements, municipalities.size(), homes.size(),
                               absl::ToDoubleSeconds(absl::Now() - started));
  return 0;
}

// --- echo-server ----------------------------------------------------------------------------

class EchoService final : public fhv::bench::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const fhv::bench::v1::EchoMessage* request,
                                 fhv::bench::v1::EchoMessage* response) override {
    response->set_payload(request->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int ServeEcho() {
  const std::string ready_file = absl::GetFlag(FLAGS_ready_file);
  if (ready_file.empty()) return UsageError("--ready_file is required");
  EchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_address), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return Failure("the echo server could not listen");
  {
    std::ofstream out(ready_file + ".tmp");
    out << "{\"grpc_port\":" << port << "}\n";
  }
  std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
  std::cout << "echo-server: serving on port " << port << std::endl;
  server->Wait();  // until killed
  return 0;
}

// --- measure --------------------------------------------------------------------------------

struct Asker {
  std::string municipality, token;
  std::vector<std::string> request_ids;  // requests it may read
};

absl::Status ToAbsl(const grpc::Status& st) {
  if (st.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(st.error_code()), st.error_message());
}

// One asynchronous call: its context, request and response live until it ends.
template <typename Req, typename Resp>
struct AsyncCall {
  grpc::ClientContext ctx;
  Req request;
  Resp response;
};

// Starts a call with `start(ctx, request, response, callback)`; `check` may turn a successful
// answer into an error (a wrong answer counts as an error).
template <typename Req, typename Resp, typename StartFn>
void StartCall(const std::string& token, Req request, StartFn start, Done done,
               std::function<absl::Status(const Resp&)> check = nullptr) {
  auto* call = new AsyncCall<Req, Resp>;
  call->request = std::move(request);
  if (!token.empty()) call->ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  call->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  start(&call->ctx, &call->request, &call->response,
        [call, done = std::move(done), check = std::move(check)](grpc::Status st) {
          absl::Status result = ToAbsl(st);
          if (result.ok() && check) result = check(call->response);
          delete call;
          done(std::move(result));
        });
}

// Channels to one target; callers share them round-robin. Separate channels do not share a
// connection (GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL).
template <typename Service>
class Stubs {
 public:
  Stubs(const std::string& address, int channels) {
    for (int i = 0; i < channels; ++i) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      stubs_.push_back(Service::NewStub(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
    }
  }
  typename Service::Stub* For(int caller) { return stubs_[caller % stubs_.size()].get(); }

 private:
  std::vector<std::unique_ptr<typename Service::Stub>> stubs_;
};

// Unique adults for the interests of this run: `k` → a personnummer (16 million of them).
std::string AdultPersonnummer(int64_t k) {
  return Personnummer(absl::CivilDay(1960, 1, 1) + static_cast<int>((k / 997) % 16000),
                      static_cast<int>(k % 997));
}

rv1::Interest NewInterest(const std::string& personnummer, const std::string& municipality) {
  rv1::Interest i;
  i.set_source(rv1::INTEREST_SOURCE_PHONE);
  auto* adult = i.add_adults();
  adult->mutable_name()->set_given_name("Anna");
  adult->mutable_name()->set_family_name("Lind");
  adult->set_personnummer(personnummer);
  adult->mutable_contact()->set_email("anna@example.se");
  i.mutable_home()->set_housing_type(rv1::HOUSING_TYPE_HOUSE);
  i.mutable_home()->set_rooms_for_child(1);
  i.add_languages("sv");
  i.add_wanted_assignments(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
  i.add_wanted_municipalities(municipality);
  i.add_household_children()->set_age(7);
  return i;
}

rv1::ChildNeeds NewNeeds(std::mt19937_64& rng, const std::string& municipality) {
  rv1::ChildNeeds n;
  const int children = rng() % 5 == 0 ? 2 : 1;
  n.set_children(children);
  n.set_youngest_age(static_cast<int>(rng() % 16));
  n.set_oldest_age(n.youngest_age() + children - 1);
  static const cv1::AssignmentKind kKinds[] = {
      cv1::ASSIGNMENT_KIND_FAMILJEHEM, cv1::ASSIGNMENT_KIND_FAMILJEHEM,
      cv1::ASSIGNMENT_KIND_JOURHEM, cv1::ASSIGNMENT_KIND_KONTAKTFAMILJ};
  n.set_kind(kKinds[rng() % 4]);
  *n.mutable_start_date() = ToDate(TodayUtc() + static_cast<int>(rng() % 60));
  n.set_home_municipality(municipality);
  if (rng() % 3 == 0) n.add_languages("ar");
  if (rng() % 4 == 0) n.add_needs_tags("trauma");
  return n;
}

pv1::CreatePlacementRequestRequest NewPlacementRequest(int64_t k, const std::string& municipality) {
  const absl::CivilDay today = TodayUtc();
  const absl::CivilDay born = today - 30 - static_cast<int>(k % (17 * 365));
  pv1::CreatePlacementRequestRequest in;
  in.set_request_id(NewUuid());
  in.mutable_addressee()->set_id(municipality);
  in.mutable_addressee()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
  auto& child = *in.mutable_child();
  child.set_personnummer(Personnummer(born, static_cast<int>((k / (17 * 365)) % 997)));
  child.mutable_name()->set_given_name("Barn");
  child.mutable_name()->set_family_name("Lastprov");
  *child.mutable_birth_date() = ToDate(born);
  child.mutable_address()->set_street("Skolgatan 1");
  child.mutable_address()->set_postal_code("11122");
  child.mutable_address()->set_city("Orten");
  child.add_languages("sv");
  in.set_legal_basis(pv1::LEGAL_BASIS_VOLUNTARY);
  in.set_urgency(pv1::PLACEMENT_URGENCY_PLANNED);
  in.set_form(pv1::PLACEMENT_FORM_FAMILJEHEM);
  *in.mutable_wanted_start_date() = ToDate(today + 14);
  return in;
}

// The SQL of SubmitInterest's write path without gRPC, tokens, validation of the message or
// protobuf on the wire: per call one transaction with the idempotency claim, the places check,
// the interest and applicant rows, two audit rows, the event and the stored response, through
// the same storage functions as the handler (services/recruitment/src/grpc, Register) and the
// same idempotency statements as common/server/call.cc (RunWrite). Keep it in step with them.
class SqlSubmitInterest {
 public:
  SqlSubmitInterest(std::string dsn, int connections) : dsn_(std::move(dsn)) {
    conns_.resize(connections);
  }

  absl::Status Open() {
    for (auto& c : conns_) {
      auto conn = Connection::Open(dsn_, nullptr);
      if (!conn.ok()) return conn.status();
      c = *std::move(conn);
    }
    return absl::OkStatus();
  }

  absl::Status Run(int caller, const std::string& municipality, const std::string& personnummer) {
    Connection& conn = *conns_[caller];
    fhv::auth::Principal principal{.user = "bench-recruiter",
                                   .org_id = municipality,
                                   .org_kind = fhv::auth::OrgKind::kMunicipality,
                                   .roles = {"recruiter"}};
    const absl::Time now = absl::Now();
    auto valid = fhv::recruitment::ValidateInterest(NewInterest(personnummer, municipality),
                                                    absl::ToCivilDay(now, absl::UTCTimeZone()));
    if (!valid.ok()) return valid.status();
    const std::string request_id = NewUuid();
    fhv::server::CallContext call(runtime_, principal, request_id, "SubmitInterest", now);
    const fhv::db::Statement claim{
        "bench_idempotency_claim",
        "INSERT INTO recruitment.idempotency (org_id, method, request_id, request_hash, response, "
        "created_at) VALUES ($1, $2, $3, $4, ''::bytea, $5) ON CONFLICT DO NOTHING"};
    const fhv::db::Statement save{"bench_idempotency_save",
                                  "UPDATE recruitment.idempotency SET response = $4 "
                                  "WHERE org_id = $1 AND method = $2 AND request_id = $3"};
    return fhv::db::InTransaction(conn, [&]() -> absl::Status {
      call.ResetForRetry();
      auto claimed = conn.Exec(claim, {municipality, "SubmitInterest", request_id,
                                       fhv::db::Param::Bytes(std::string(32, 'h')), now});
      if (!claimed.ok()) return claimed.status();
      const auto& i = valid->interest;
      auto unknown_m = fhv::recruitment::OrganisationStore::UnknownMunicipalities(
          conn, {i.wanted_municipalities().begin(), i.wanted_municipalities().end()});
      if (!unknown_m.ok()) return unknown_m.status();
      auto unknown_r = fhv::recruitment::OrganisationStore::UnknownRegions(
          conn, {i.wanted_regions().begin(), i.wanted_regions().end()});
      if (!unknown_r.ok()) return unknown_r.status();
      auto registered = fhv::recruitment::InterestStore::Register(conn, *valid, principal, now);
      if (!registered.ok()) return registered.status();
      call.Audit("interest", registered->interest.id());
      call.Audit("applicant", registered->interest.applicant_id());
      if (!registered->existing_applicant) {
        rv1::ApplicantRegisteredEvent event;
        event.set_applicant_id(registered->interest.applicant_id());
        event.set_interest_id(registered->interest.id());
        *event.mutable_organisation() = registered->interest.receiving_organisation();
        *event.mutable_wanted_assignments() = registered->interest.wanted_assignments();
        call.Emit("applicant", registered->interest.applicant_id(), event);
      }
      if (auto st = fhv::audit::Append(conn, "recruitment", call.audit_entries()); !st.ok()) {
        return st;
      }
      for (const auto& event : call.events()) {
        if (auto st = fhv::events::Enqueue(conn, "recruitment", router_, event); !st.ok()) {
          return st;
        }
      }
      rv1::SubmitInterestResponse response;
      *response.mutable_interest() = registered->interest;
      auto saved = conn.Exec(save, {municipality, "SubmitInterest", request_id,
                                    fhv::db::Param::Bytes(response.SerializeAsString())});
      return saved.status();
    });
  }

 private:
  const std::string dsn_;
  std::vector<std::unique_ptr<Connection>> conns_;
  // As fhv-recruitment runs by default: no routes for its own events.
  const fhv::events::Router router_{{}};
  const fhv::server::Runtime runtime_{
      .service = "recruitment", .schema = "recruitment", .router = &router_};
};

// Resident memory of `pid` in kB, or -1 if it cannot be read.
int64_t ResidentKb(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string text; std::getline(in, text);) {
    absl::string_view line = text;
    int64_t kb = 0;
    if (absl::ConsumePrefix(&line, "VmRSS:") &&
        absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(line), " kB"), &kb)) {
      return kb;
    }
  }
  return -1;
}

std::string MachineJson() {
  std::string model = "unknown";
  int64_t mem_kb = 0;
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string text; std::getline(cpu, text);) {
    absl::string_view line = text;
    if (absl::ConsumePrefix(&line, "model name")) {
      model = std::string(
          absl::StripAsciiWhitespace(absl::StripPrefix(absl::StripAsciiWhitespace(line), ":")));
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  for (std::string text; std::getline(mem, text);) {
    absl::string_view line = text;
    if (absl::ConsumePrefix(&line, "MemTotal:")) {
      (void)absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(line), " kB"), &mem_kb);
    }
  }
  return absl::StrFormat("{\"cores\":%d,\"cpu\":\"%s\",\"memory_gib\":%.1f}",
                         std::thread::hardware_concurrency(), model, mem_kb / 1048576.0);
}

struct Scenario {
  std::string name, description;
  std::vector<Operation> ops;
  int callers;
  LoadResult result;
};

struct Target {
  std::string name;
  double value, threshold;
  bool met;
  std::string unit;
};

class Measurement {
 public:
  absl::Status Init() {
    if (auto st = RequireFlags({{"echo", absl::GetFlag(FLAGS_echo)},
                                {"recruitment", absl::GetFlag(FLAGS_recruitment)},
                                {"placement", absl::GetFlag(FLAGS_placement)},
                                {"database_dsn", absl::GetFlag(FLAGS_database_dsn)},
                                {"registry_dsn", absl::GetFlag(FLAGS_registry_dsn)},
                                {"askers_file", absl::GetFlag(FLAGS_askers_file)},
                                {"tokens_dir", absl::GetFlag(FLAGS_tokens_dir)}});
        !st.ok()) {
      return st;
    }
    options_.callers = absl::GetFlag(FLAGS_callers);
    options_.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
    options_.warmup = absl::Seconds(absl::GetFlag(FLAGS_warmup_seconds));
    options_.seed = absl::GetFlag(FLAGS_seed);
    if (options_.callers < 1 || absl::GetFlag(FLAGS_seconds) < 1 ||
        absl::GetFlag(FLAGS_warmup_seconds) < 0 || absl::GetFlag(FLAGS_sql_connections) < 1) {
      return absl::InvalidArgumentError(
          "--callers, --seconds and --sql_connections must be positive");
    }
    const int channels = std::min(4, options_.callers);
    echo_ =
        std::make_unique<Stubs<fhv::bench::v1::EchoService>>(absl::GetFlag(FLAGS_echo), channels);
    recruitment_ = std::make_unique<Stubs<rv1::RecruitmentService>>(
        absl::GetFlag(FLAGS_recruitment), channels);
    placement_ =
        std::make_unique<Stubs<pv1::PlacementService>>(absl::GetFlag(FLAGS_placement), channels);
    // Callers act as case workers and recruiters of the seeded municipalities in turn; each may
    // read the requests of its own municipality.
    auto lines = ReadLines(absl::GetFlag(FLAGS_askers_file));
    if (!lines.ok()) return lines.status();
    auto conn = Connection::Open(absl::GetFlag(FLAGS_database_dsn), nullptr);
    if (!conn.ok()) return conn.status();
    for (const auto& m : *lines) {
      auto token = ReadLines(absl::StrCat(absl::GetFlag(FLAGS_tokens_dir), "/", m, ".jwt"));
      if (!token.ok()) return token.status();
      if (token->empty()) return absl::InvalidArgumentError(absl::StrCat("empty token for ", m));
      Asker a{m, token->front(), {}};
      auto page = fhv::placement::PlacementStore::ListRequests(**conn, m, {}, 1000, std::nullopt);
      if (!page.ok()) return page.status();
      for (const auto& r : page->items) a.request_ids.push_back(r.placement_request_id());
      if (a.request_ids.empty()) {
        return absl::FailedPreconditionError(absl::StrCat("municipality ", m, " has no requests"));
      }
      askers_.push_back(std::move(a));
    }
    if (askers_.empty()) return absl::InvalidArgumentError("the askers file names no one");
    if (absl::StrContains(absl::GetFlag(FLAGS_scenarios), "sql-")) {  // the baseline's connections
      sql_ = std::make_unique<SqlSubmitInterest>(
          absl::GetFlag(FLAGS_registry_dsn),
          std::max(absl::GetFlag(FLAGS_sql_connections), options_.callers));
      if (auto st = sql_->Open(); !st.ok()) return st;
    }
    std::mt19937_64 base(options_.seed ^ static_cast<uint64_t>(absl::ToUnixNanos(absl::Now())));
    next_person_ = static_cast<int64_t>(base() % 1000000) * 16;
    return absl::OkStatus();
  }

  int Run() {
    const std::vector<std::string> wanted =
        absl::StrSplit(absl::GetFlag(FLAGS_scenarios), ',', absl::SkipEmpty());
    std::cout << absl::StrFormat("measure: %d callers, %d s each after %d s warm-up; askers: %s\n",
                                 options_.callers, absl::GetFlag(FLAGS_seconds),
                                 absl::GetFlag(FLAGS_warmup_seconds),
                                 absl::StrJoin(askers_, ", ",
                                               [](std::string* out, const Asker& a) {
                                                 absl::StrAppend(out, a.municipality, " (",
                                                                 a.request_ids.size(),
                                                                 " requests read)");
                                               }))
              << std::flush;
    for (const auto& name : wanted) {
      auto scenario = Make(name);
      if (!scenario.ok()) return UsageError(scenario.status().message());
      LoadOptions options = options_;
      options.callers = scenario->callers;
      std::cout << absl::StrFormat("measure: %-20s %s ...", scenario->name, scenario->description)
                << std::flush;
      scenario->result = fhv::bench::RunLoad(scenario->ops, options);
      const auto& t = scenario->result.total;
      std::cout << absl::StrFormat(" %.0f calls/s, p99 %.2f ms, %d errors\n", t.qps, t.p99_ms,
                                   t.errors)
                << std::flush;
      scenarios_.push_back(*std::move(scenario));
    }
    std::string soak_json = "null";
    if (absl::GetFlag(FLAGS_soak_seconds) > 0) soak_json = Soak();
    const std::string report = Report(soak_json);
    std::cout << "\n" << Table() << "\n" << report << std::endl;
    if (const std::string path = absl::GetFlag(FLAGS_report); !path.empty()) {
      std::ofstream out(path);
      out << report << "\n";
      if (!out.flush()) return Failure(absl::StrCat("cannot write ", path));
    }
    for (const auto& s : scenarios_) {
      if (s.result.failed_calls > 0) return Failure("some calls failed (see error_kinds)");
    }
    return soak_failed_ ? Failure("some soak calls failed") : 0;
  }

 private:
  const Asker& AskerOf(int caller) const { return askers_[caller % askers_.size()]; }
  int64_t NextPerson() { return next_person_.fetch_add(1); }

  Operation Echo() {
    return {"Echo", 1, [this](int caller, int64_t, Done done) {
              fhv::bench::v1::EchoMessage m;
              m.set_payload(std::string(kEchoPayloadBytes, 'x'));
              auto* stub = echo_->For(caller);
              StartCall<fhv::bench::v1::EchoMessage, fhv::bench::v1::EchoMessage>(
                  "", std::move(m),
                  [stub](auto* ctx, auto* req, auto* resp, auto cb) {
                    stub->async()->Echo(ctx, req, resp, std::move(cb));
                  },
                  std::move(done));
            }};
  }

  Operation GetRequest(int weight) {
    return {"GetPlacementRequest", weight, [this](int caller, int64_t seq, Done done) {
              const Asker& a = AskerOf(caller);
              pv1::GetPlacementRequestRequest req;
              const std::string id = a.request_ids[(seq * 7919 + caller) % a.request_ids.size()];
              req.set_placement_request_id(id);
              auto* stub = placement_->For(caller);
              StartCall<pv1::GetPlacementRequestRequest, pv1::GetPlacementRequestResponse>(
                  a.token, std::move(req),
                  [stub](auto* ctx, auto* r, auto* resp, auto cb) {
                    stub->async()->GetPlacementRequest(ctx, r, resp, std::move(cb));
                  },
                  std::move(done),
                  [id](const pv1::GetPlacementRequestResponse& resp) {
                    return resp.placement_request().placement_request_id() == id
                               ? absl::OkStatus()
                               : absl::InternalError("answered with another request");
                  });
            }};
  }

  Operation ListDue(int weight) {
    return {"ListDueStatutoryItems", weight, [this](int caller, int64_t, Done done) {
              const Asker& a = AskerOf(caller);
              pv1::ListDueStatutoryItemsRequest req;
              req.set_municipality_id(a.municipality);
              *req.mutable_from_date() = ToDate(TodayUtc());
              *req.mutable_to_date() = ToDate(TodayUtc() + 90);
              req.set_page_size(100);
              auto* stub = placement_->For(caller);
              StartCall<pv1::ListDueStatutoryItemsRequest, pv1::ListDueStatutoryItemsResponse>(
                  a.token, std::move(req),
                  [stub](auto* ctx, auto* r, auto* resp, auto cb) {
                    stub->async()->ListDueStatutoryItems(ctx, r, resp, std::move(cb));
                  },
                  std::move(done));
            }};
  }

  Operation FindHomes(int weight) {
    return {"FindCandidateHomes", weight, [this](int caller, int64_t seq, Done done) {
              const Asker& a = AskerOf(caller);
              std::mt19937_64 rng(options_.seed * 7 + caller * 100003 + seq);
              rv1::FindCandidateHomesRequest req;
              *req.mutable_needs() = NewNeeds(rng, a.municipality);
              req.set_page_size(20);
              auto* stub = recruitment_->For(caller);
              StartCall<rv1::FindCandidateHomesRequest, rv1::FindCandidateHomesResponse>(
                  a.token, std::move(req),
                  [stub](auto* ctx, auto* r, auto* resp, auto cb) {
                    stub->async()->FindCandidateHomes(ctx, r, resp, std::move(cb));
                  },
                  std::move(done));
            }};
  }

  Operation SubmitInterest(int weight) {
    return {"SubmitInterest", weight, [this](int caller, int64_t, Done done) {
              const Asker& a = AskerOf(caller);
              rv1::SubmitInterestRequest req;
              req.set_request_id(NewUuid());
              *req.mutable_interest() =
                  NewInterest(AdultPersonnummer(NextPerson()), a.municipality);
              auto* stub = recruitment_->For(caller);
              StartCall<rv1::SubmitInterestRequest, rv1::SubmitInterestResponse>(
                  a.token, std::move(req),
                  [stub](auto* ctx, auto* r, auto* resp, auto cb) {
                    stub->async()->SubmitInterest(ctx, r, resp, std::move(cb));
                  },
                  std::move(done));
            }};
  }

  Operation CreateRequest(int weight) {
    return {"CreatePlacementRequest", weight, [this](int caller, int64_t, Done done) {
              const Asker& a = AskerOf(caller);
              auto* stub = placement_->For(caller);
              StartCall<pv1::CreatePlacementRequestRequest, pv1::CreatePlacementRequestResponse>(
                  a.token, NewPlacementRequest(NextPerson(), a.municipality),
                  [stub](auto* ctx, auto* r, auto* resp, auto cb) {
                    stub->async()->CreatePlacementRequest(ctx, r, resp, std::move(cb));
                  },
                  std::move(done));
            }};
  }

  Operation SqlSubmit() {
    Operation op{"SubmitInterest SQL", 1, nullptr, nullptr};
    op.run_blocking = [this](int caller, int64_t) {
      return sql_->Run(caller, AskerOf(caller).municipality, AdultPersonnummer(NextPerson()));
    };
    return op;
  }

  absl::StatusOr<Scenario> Make(const std::string& name) {
    const int n = options_.callers;
    if (name == "echo")
      return Scenario{name, "bare gRPC echo (the ceiling of a call)", {Echo()}, n};
    if (name == "get-request") {
      return Scenario{name, "GetPlacementRequest (personal data, audited)", {GetRequest(1)}, n};
    }
    if (name == "read") {
      return Scenario{name,
                      "read-heavy: get a request 50 %, due items 25 %, candidate homes 25 %",
                      {GetRequest(50), ListDue(25), FindHomes(25)},
                      n};
    }
    // The ceiling of a commit: the better of the pool's width and the callers' width.
    if (name == "sql-submit-interest") {
      return Scenario{name,
                      "bare SQL of SubmitInterest's write path, as many connections as the pool",
                      {SqlSubmit()},
                      absl::GetFlag(FLAGS_sql_connections)};
    }
    if (name == "sql-submit-interest-wide") {
      return Scenario{name,
                      "bare SQL of SubmitInterest's write path, a connection per caller",
                      {SqlSubmit()},
                      n};
    }
    if (name == "submit-interest") {
      return Scenario{name, "SubmitInterest (audit rows and event)", {SubmitInterest(1)}, n};
    }
    if (name == "write") {
      return Scenario{name,
                      "write-heavy: interests 50 %, placement requests 50 %",
                      {SubmitInterest(50), CreateRequest(50)},
                      n};
    }
    if (name == "mixed") return Scenario{name, "mixed: reads 80 %, writes 20 %", MixedOps(), n};
    return absl::InvalidArgumentError(absl::StrCat("unknown scenario '", name, "'"));
  }

  std::vector<Operation> MixedOps() {
    return {GetRequest(40), ListDue(20), FindHomes(20), SubmitInterest(10), CreateRequest(10)};
  }

  const Scenario* Find(absl::string_view name) const {
    for (const auto& s : scenarios_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  // The mixed scenario for --soak_seconds while every 5 s each service's resident memory is read.
  std::string Soak() {
    std::vector<std::pair<std::string, int>> pids;
    for (absl::string_view entry :
         absl::StrSplit(absl::GetFlag(FLAGS_service_pids), ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(entry, ':');
      int pid = 0;
      if (absl::SimpleAtoi(kv.second, &pid)) pids.emplace_back(kv.first, pid);
    }
    const int seconds = absl::GetFlag(FLAGS_soak_seconds);
    std::cout << absl::StrFormat("soak: mixed for %d s, memory of %d services every 5 s\n", seconds,
                                 pids.size())
              << std::flush;
    std::vector<std::vector<std::pair<double, int64_t>>> samples(pids.size());
    std::atomic<bool> stop{false};
    const absl::Time t0 = absl::Now();
    std::thread sampler([&] {
      while (!stop.load()) {
        const double at = absl::ToDoubleSeconds(absl::Now() - t0);
        for (size_t i = 0; i < pids.size(); ++i) {
          samples[i].emplace_back(at, ResidentKb(pids[i].second));
        }
        for (int i = 0; i < 50 && !stop.load(); ++i) absl::SleepFor(absl::Milliseconds(100));
      }
    });
    LoadOptions options = options_;
    options.warmup = absl::ZeroDuration();
    options.duration = absl::Seconds(seconds);
    const LoadResult result = fhv::bench::RunLoad(MixedOps(), options);
    stop = true;
    sampler.join();
    soak_failed_ = result.failed_calls > 0;
    // Flat: the mean of the last fifth of the samples is at most 5 % (and at least 8 MB) above the
    // mean of the second fifth, once caches and pools have filled.
    std::vector<std::string> services;
    for (size_t i = 0; i < pids.size(); ++i) {
      const auto& s = samples[i];
      std::vector<std::string> points;
      for (const auto& [at, kb] : s) points.push_back(absl::StrFormat("[%.0f,%d]", at, kb));
      if (s.size() < kMinSoakSamples) {  // fifths of fewer samples say nothing
        services.push_back(absl::StrFormat("\"%s\":{\"flat\":null,\"samples_s_kb\":[%s]}",
                                           pids[i].first, absl::StrJoin(points, ",")));
        std::cout << absl::StrFormat(
            "soak: %s: too short to judge memory (%d samples, %d needed)\n", pids[i].first,
            s.size(), kMinSoakSamples);
        continue;
      }
      const size_t fifth = s.size() / 5;
      auto mean_mb = [&](size_t from, size_t to) {
        double sum = 0;
        int n = 0;
        for (size_t k = from; k < std::min(to, s.size()); ++k, ++n) sum += s[k].second;
        return n ? sum / n / 1024 : 0.0;
      };
      const double early = mean_mb(fifth, 2 * fifth), late = mean_mb(s.size() - fifth, s.size());
      const double allowed = std::max(kFlatGrowthFloorMb, early * kFlatGrowthFraction);
      const bool flat = late - early <= allowed;
      services.push_back(absl::StrFormat(
          "\"%s\":{\"early_mb\":%.1f,\"late_mb\":%.1f,\"growth_mb\":%.1f,\"allowed_mb\":%.1f,"
          "\"flat\":%s,\"samples_s_kb\":[%s]}",
          pids[i].first, early, late, late - early, allowed, flat ? "true" : "false",
          absl::StrJoin(points, ",")));
      targets_.push_back({absl::StrCat(pids[i].first, " memory flat over the soak (growth)"),
                          late - early, allowed, flat, "MB"});
      std::cout << absl::StrFormat("soak: %s %.1f MB → %.1f MB (%s)\n", pids[i].first, early, late,
                                   flat ? "flat" : "GROWING");
    }
    std::cout << absl::StrFormat("soak: %.0f calls/s, p99 %.2f ms, %d errors\n", result.total.qps,
                                 result.total.p99_ms, result.total.errors);
    return absl::StrCat("{\"seconds\":", seconds, ",\"load\":", fhv::bench::ToJson(result),
                        ",\"services\":{", absl::StrJoin(services, ","), "}}");
  }

  std::string Report(const std::string& soak_json) {
    std::vector<std::string> ratios;
    // `to` may name two scenarios, "x|y": the faster is the ceiling.
    auto ratio = [&](absl::string_view of, absl::string_view to, double threshold) {
      const Scenario* a = Find(of);
      const Scenario* b = nullptr;
      for (absl::string_view candidate : absl::StrSplit(to, '|')) {
        const Scenario* c = Find(candidate);
        if (c && (!b || c->result.total.qps > b->result.total.qps)) b = c;
      }
      if (!a || !b || b->result.total.qps <= 0) return;
      to = b->name;
      const double r = a->result.total.qps / b->result.total.qps;
      ratios.push_back(absl::StrFormat("\"%s/%s\":%.3f", of, to, r));
      if (threshold > 0) {
        targets_.push_back({absl::StrCat(of, " calls/s ÷ ", to, " calls/s"), r, threshold,
                            r >= threshold, "ratio"});
      }
    };
    ratio("get-request", "echo", kReadShareOfEcho);
    ratio("read", "echo", 0);
    ratio("mixed", "echo", 0);
    ratio("submit-interest", "sql-submit-interest|sql-submit-interest-wide", kWriteShareOfSql);
    ratio("write", "sql-submit-interest|sql-submit-interest-wide", 0);
    for (const auto& s : scenarios_) {
      if (s.name == "echo" || s.name.rfind("sql-", 0) == 0) continue;
      targets_.push_back({absl::StrCat(s.name, " p99 at ", s.callers, " callers"),
                          s.result.total.p99_ms, kP99TargetMs, s.result.total.p99_ms < kP99TargetMs,
                          "ms"});
    }
    int64_t errors = 0;
    for (const auto& s : scenarios_) errors += s.result.failed_calls;
    targets_.push_back(
        {"errors in all scenarios", static_cast<double>(errors), 0, errors == 0, "calls"});
    std::vector<std::string> scenarios, targets;
    for (const auto& s : scenarios_) {
      scenarios.push_back(
          absl::StrFormat("\"%s\":{\"description\":\"%s\",\"callers\":%d,\"result\":%s}", s.name,
                          s.description, s.callers, fhv::bench::ToJson(s.result)));
    }
    for (const auto& t : targets_) {
      targets.push_back(absl::StrFormat(
          "{\"target\":\"%s\",\"value\":%.3f,\"threshold\":%.3f,\"unit\":\"%s\",\"met\":%s}",
          t.name, t.value, t.threshold, t.unit, t.met ? "true" : "false"));
    }
    return absl::StrFormat(
        "{\"benchmark\":\"load\",\"machine\":%s,\"callers\":%d,\"seconds\":%d,"
        "\"warmup_seconds\":%d,\"scenarios\":{%s},\"ratios\":{%s},\"targets\":[%s],\"soak\":%s}",
        MachineJson(), options_.callers, absl::GetFlag(FLAGS_seconds),
        absl::GetFlag(FLAGS_warmup_seconds), absl::StrJoin(scenarios, ","),
        absl::StrJoin(ratios, ","), absl::StrJoin(targets, ","), soak_json);
  }

  std::string Table() const {
    std::string out =
        absl::StrFormat("%-22s %-24s %7s %9s %8s %8s %8s %8s %7s\n", "scenario", "operation",
                        "callers", "calls/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors");
    auto row = [&](const std::string& s, const std::string& op, int callers,
                   const fhv::bench::Latencies& l) {
      absl::StrAppendFormat(&out, "%-22s %-24s %7d %9.0f %8.2f %8.2f %8.2f %8.2f %7d\n", s, op,
                            callers, l.qps, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms, l.errors);
    };
    for (const auto& s : scenarios_) {
      row(s.name, "(all)", s.callers, s.result.total);
      if (s.result.by_operation.size() > 1) {
        for (const auto& [op, l] : s.result.by_operation) row("", op, s.callers, l);
      }
    }
    out += "\ntargets:\n";
    for (const auto& t : targets_) {
      absl::StrAppendFormat(&out, "  %-4s %-52s %10.3f (threshold %.3f %s)\n",
                            t.met ? "met" : "MISS", t.name, t.value, t.threshold, t.unit);
    }
    return out;
  }

  LoadOptions options_;
  std::unique_ptr<Stubs<fhv::bench::v1::EchoService>> echo_;
  std::unique_ptr<Stubs<rv1::RecruitmentService>> recruitment_;
  std::unique_ptr<Stubs<pv1::PlacementService>> placement_;
  std::vector<Asker> askers_;
  std::unique_ptr<SqlSubmitInterest> sql_;
  std::atomic<int64_t> next_person_{0};
  std::vector<Scenario> scenarios_;
  std::vector<Target> targets_;
  bool soak_failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "fhv-loadgen seed|echo-server|measure [flags]: the load benchmark (bench/run-load)");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) return UsageError("give one command: seed, echo-server or measure");
  const std::string command = args[1];
  if (command == "seed") return Seed();
  if (command == "echo-server") return ServeEcho();
  if (command == "measure") {
    Measurement m;
    if (auto st = m.Init(); !st.ok()) {
      return st.code() == absl::StatusCode::kInvalidArgument ? UsageError(st.message())
                                                             : Failure(st.ToString());
    }
    return m.Run();
  }
  return UsageError(absl::StrCat("unknown command '", command, "'"));
}
