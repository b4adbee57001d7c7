// fhv-bench-matching: the latency benchmark of recruitment's FindCandidateHomes.
//
//   fhv-bench-matching seed --database_dsn=<dsn> --askers_file=<path> [--homes=20000]
//   fhv-bench-matching measure --address=<host:port> --database_dsn=<dsn>
//                      --askers_file=<path> --tokens_dir=<dir> [--queries=1000] [--warmup=50]
//
// `seed` enters a generated registry (290 municipalities, about 30 regions, 3 agencies and
// --homes homes) straight through the service's storage layer, on the service's own role,
// and writes the three askers to measure to --askers_file, one a line:
//   <name> <org_kind> <org_id> <role> <regions, comma-separated, or ->
// `measure` then calls FindCandidateHomes over gRPC, one call at a time, with the token in
// <tokens_dir>/<name>.jwt for each asker, and prints a table and one JSON line.
// The data and the queries come from a fixed seed: every run sees the same registry and
// asks the same questions. bench/run-matching runs both; see BENCHMARKS.md.
//
// Exit codes: 0 success, 1 a failure (any RPC error included), 2 usage error.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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
#include "common/validation/identifiers.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"
#include "services/recruitment/src/domain/home.h"
#include "services/recruitment/src/domain/organisation.h"
#include "services/recruitment/src/storage/home_store.h"
#include "services/recruitment/src/storage/organisation_store.h"

ABSL_FLAG(std::string, database_dsn, "", "libpq DSN of the recruitment service's own role");
ABSL_FLAG(std::string, askers_file, "", "seed writes, measure reads the askers to measure");
ABSL_FLAG(int, homes, 20000, "seed: homes to generate");
ABSL_FLAG(int, homes_per_transaction, 5000, "seed: homes entered per transaction");
ABSL_FLAG(std::string, address, "", "measure: host:port of fhv-recruitment");
ABSL_FLAG(std::string, tokens_dir, "", "measure: directory with <asker>.jwt bearer tokens");
ABSL_FLAG(int, queries, 1000, "measure: measured calls per asker");
ABSL_FLAG(int, warmup, 50, "measure: unmeasured calls per asker before its measured ones");
ABSL_FLAG(int, page_size, 20, "measure: page_size of every call");
ABSL_FLAG(uint64_t, seed, 20240917, "random seed of the data and the queries");

namespace {

namespace v1 = ::fhv::recruitment::v1;
namespace cv1 = ::fhv::common::v1;
using fhv::db::Connection;
using fhv::recruitment::HomeStore;
using fhv::recruitment::OrganisationStore;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kSynopsis[] =
    "  fhv-bench-matching seed --database_dsn=<dsn> --askers_file=<path> [--homes=20000]\n"
    "  fhv-bench-matching measure --address=<host:port> --database_dsn=<dsn>\n"
    "                     --askers_file=<path> --tokens_dir=<dir> [--queries=1000] "
    "[--warmup=50]\n";

// Every date of the data and of the queries counts from this day, so that the data set
// and the answers do not change with the day the benchmark runs.
constexpr absl::CivilDay kReferenceDay(2026, 3, 2);

int UsageError(absl::string_view message) {
  std::cerr << "fhv-bench-matching: " << message << "\nusage:\n" << kSynopsis;
  return kExitUsage;
}

int Failure(absl::string_view message) {
  std::cerr << "fhv-bench-matching: " << message << "\n";
  return kExitFailure;
}

// Deterministic random numbers: the same seed gives the same sequence everywhere (the
// engine is fully specified; no std distribution, whose results are not). Not thread-safe.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
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

double Round2(double v) { return std::round(v * 100) / 100; }

cv1::Date ToDate(absl::CivilDay d) {
  cv1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// ---------------------------------------------------------------------------------------
// The data set.

// The 21 counties (län) with their real county codes, their number of municipalities
// (290 in all) and a rough centre; municipalities are placed around the centre.
struct County {
  const char* code;
  const char* name;
  int municipalities;
  double latitude, longitude;  // centre
  double spread;               // degrees of latitude around it (twice that of longitude)
};

constexpr County kCounties[] = {
    {"01", "Stockholm", 26, 59.40, 18.10, 0.35},
    {"03", "Uppsala", 8, 60.00, 17.60, 0.35},
    {"04", "Södermanland", 9, 59.10, 16.60, 0.30},
    {"05", "Östergötland", 13, 58.40, 15.60, 0.40},
    {"06", "Jönköping", 13, 57.60, 14.40, 0.40},
    {"07", "Kronoberg", 8, 56.80, 14.60, 0.30},
    {"08", "Kalmar", 12, 57.10, 16.20, 0.45},
    {"09", "Gotland", 1, 57.50, 18.50, 0.10},
    {"10", "Blekinge", 5, 56.20, 15.20, 0.10},
    {"12", "Skåne", 33, 55.85, 13.50, 0.30},
    {"13", "Halland", 6, 56.90, 12.70, 0.30},
    {"14", "Västra Götaland", 49, 58.10, 12.60, 0.60},
    {"17", "Värmland", 16, 59.80, 13.20, 0.50},
    {"18", "Örebro", 12, 59.30, 15.00, 0.35},
    {"19", "Västmanland", 10, 59.70, 16.30, 0.30},
    {"20", "Dalarna", 15, 60.80, 14.70, 0.60},
    {"21", "Gävleborg", 10, 61.40, 16.40, 0.50},
    {"22", "Västernorrland", 7, 62.80, 17.30, 0.50},
    {"23", "Jämtland", 8, 63.20, 14.20, 0.70},
    {"24", "Västerbotten", 15, 64.60, 18.60, 0.80},
    {"25", "Norrbotten", 14, 66.50, 20.50, 0.90},
};

struct Municipality {
  std::string id;  // kommunkod
  std::string name;
  int county = 0;  // index into kCounties
  double latitude = 0, longitude = 0;
  double weight = 1;  // relative number of homes
  std::vector<std::string> regions;
};

struct Agency {
  std::string id;  // organisationsnummer
  std::string name;
  double share;  // of the agencies' homes
};

struct DataSet {
  std::vector<Municipality> municipalities;
  std::vector<v1::Region> regions;
  std::vector<Agency> agencies;
};

std::string MunicipalityName(Rng& rng) {
  static const std::vector<std::string> kFirst = {
      "Ny",  "Öster", "Väster", "Norr",  "Söder", "Stor",   "Lill",  "Berg", "Sjö",
      "Ek",  "Björk", "Gran",   "Lind",  "Ås",    "Hög",    "Ljung", "Bäck", "Al",
      "Mal", "Sand",  "Hammar", "Kungs", "Fors",  "Strand", "Mörk",  "Bred", "Vik"};
  static const std::vector<std::string> kLast = {"köping", "by",   "sund",  "vik", "hamn", "torp",
                                                 "stad",   "holm", "dal",   "ryd", "fors", "berga",
                                                 "näs",    "å",    "lunda", "sjö", "tuna", "hult"};
  return absl::StrCat(rng.Pick(kFirst), rng.Pick(kLast));
}

// Ten digits starting "55" (a limited company) with a valid Luhn check digit.
std::string MakeOrganisationsnummer(Rng& rng) {
  std::string digits = "556";
  while (digits.size() < 9) digits.push_back(static_cast<char>('0' + rng.Between(0, 9)));
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[i] - '0';
    if (i % 2 == 0) d *= 2;  // the check digit is 10th: the 1st, 3rd, ... are doubled
    sum += d / 10 + d % 10;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

DataSet MakeDataSet(Rng& rng) {
  DataSet data;
  for (int c = 0; c < static_cast<int>(std::size(kCounties)); ++c) {
    const County& county = kCounties[c];
    for (int j = 0; j < county.municipalities; ++j) {
      Municipality m;
      m.id = absl::StrFormat("%s%02d", county.code, 14 + j);
      m.name = MunicipalityName(rng);
      m.county = c;
      m.latitude = Round2(
          std::clamp(county.latitude + rng.Uniform(-county.spread, county.spread), 55.4, 67.8));
      m.longitude = Round2(std::clamp(
          county.longitude + rng.Uniform(-2 * county.spread, 2 * county.spread), 11.2, 23.9));
      // A few large municipalities hold many homes, most hold a few.
      const double u = rng.Unit();
      m.weight = 1 + 40 * u * u * u * u;
      data.municipalities.push_back(std::move(m));
    }
  }

  // Regions: runs of 5-15 neighbouring municipalities (in county order); some regions
  // also take in the first members of the next one, so a few municipalities are in two.
  const int n = static_cast<int>(data.municipalities.size());
  std::vector<std::pair<int, int>> runs;  // [begin, end)
  for (int begin = 0; begin < n;) {
    const int remaining = n - begin;
    int size = rng.Between(5, 15);
    if (remaining - size < 5) size = remaining <= 15 ? remaining : remaining - 5;
    runs.emplace_back(begin, begin + size);
    begin += size;
  }
  for (size_t r = 0; r < runs.size(); ++r) {
    v1::Region region;
    region.set_id(absl::StrFormat("samverkan-%02d", r + 1));
    const Municipality& first = data.municipalities[runs[r].first];
    region.set_name(absl::StrFormat("Familjehemssamverkan %s %d", kCounties[first.county].name,
                                    static_cast<int>(r + 1)));
    int end = runs[r].second;
    if (r + 1 < runs.size() && rng.Chance(0.4)) end += rng.Between(1, 2);
    for (int i = runs[r].first; i < end && i < n; ++i) {
      region.add_municipalities(data.municipalities[i].id);
      data.municipalities[i].regions.push_back(region.id());
    }
    data.regions.push_back(std::move(region));
  }

  const std::vector<std::pair<std::string, double>> agencies = {
      {"Familjehemsresurs Sverige AB", 0.5},
      {"Trygga Hem Konsult AB", 0.3},
      {"Norrlands Familjevård AB", 0.2}};
  for (const auto& [name, share] : agencies) {
    data.agencies.push_back({MakeOrganisationsnummer(rng), name, share});
  }
  return data;
}

// A generated home with what the storage layer records besides it.
struct GeneratedHome {
  v1::Home home;
  absl::CivilDay approved_on;
  bool revoked = false;
  struct Placement {
    std::string id;
    absl::CivilDay start;
    std::optional<absl::CivilDay> end;
  };
  std::vector<Placement> placements;
};

cv1::AssignmentKind HomeKind(Rng& rng) {
  static const std::vector<double> kWeights = {55, 12, 20, 10, 3};
  static const cv1::AssignmentKind kKinds[] = {
      cv1::ASSIGNMENT_KIND_FAMILJEHEM, cv1::ASSIGNMENT_KIND_JOURHEM,
      cv1::ASSIGNMENT_KIND_KONTAKTFAMILJ, cv1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD,
      cv1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT};
  return kKinds[rng.Weighted(kWeights)];
}

GeneratedHome MakeHome(Rng& rng, const DataSet& data, const std::vector<double>& muni_weights,
                       const std::vector<double>& agency_weights, int index) {
  static const std::vector<std::string> kGiven = {
      "Anna", "Erik", "Maria", "Lars",   "Karin", "Anders", "Sara",  "Johan", "Fatima", "Ali",
      "Eva",  "Per",  "Amina", "Mikael", "Lena",  "Hassan", "Sofia", "Jonas", "Elin",   "Omar"};
  static const std::vector<std::string> kFamily = {
      "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",  "Olsson",
      "Persson",   "Svensson",  "Lindberg", "Ahmed",   "Hussein",  "Virtanen", "Nowak",
      "Lindqvist", "Berg",      "Holm",     "Ekström", "Sandberg", "Haile"};
  static const std::vector<std::string> kStreets = {"Storgatan",  "Skolvägen", "Kyrkvägen",
                                                    "Björkvägen", "Ängsvägen", "Byvägen"};

  GeneratedHome g;
  v1::Home& h = g.home;
  const bool municipal = rng.Chance(0.75);
  const Municipality* located;
  if (municipal) {
    const Municipality& owner = data.municipalities[rng.Weighted(muni_weights)];
    h.mutable_owner()->set_id(owner.id);
    h.mutable_owner()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
    located = &owner;
    if (rng.Chance(0.15)) {  // a home in a neighbouring municipality of the county
      std::vector<const Municipality*> county;
      for (const auto& m : data.municipalities) {
        if (m.county == owner.county) county.push_back(&m);
      }
      located = county[rng.Next() % county.size()];
    }
    h.set_support_tier(rng.Chance(0.04) ? v1::SUPPORT_TIER_INTENSIVELY_REINFORCED
                                        : v1::SUPPORT_TIER_MUNICIPAL);
    if (!owner.regions.empty() && rng.Chance(0.4)) {
      if (owner.regions.size() > 1 && rng.Chance(0.5)) {
        for (const auto& r : owner.regions) h.add_shared_with_regions(r);
      } else {
        h.add_shared_with_regions(rng.Pick(owner.regions));
      }
    }
  } else {
    const Agency& owner = data.agencies[rng.Weighted(agency_weights)];
    h.mutable_owner()->set_id(owner.id);
    h.mutable_owner()->set_kind(cv1::ORGANISATION_KIND_AGENCY);
    located = &data.municipalities[rng.Weighted(muni_weights)];
    h.set_support_tier(rng.Chance(0.2) ? v1::SUPPORT_TIER_INTENSIVELY_REINFORCED
                                       : v1::SUPPORT_TIER_AGENCY);
  }
  h.set_municipality(located->id);
  const bool reinforced = h.support_tier() == v1::SUPPORT_TIER_INTENSIVELY_REINFORCED;

  // Approval scope.
  const cv1::AssignmentKind kind = reinforced ? cv1::ASSIGNMENT_KIND_FAMILJEHEM : HomeKind(rng);
  h.add_approved_kinds(kind);
  if (kind == cv1::ASSIGNMENT_KIND_FAMILJEHEM && rng.Chance(0.3)) {
    h.add_approved_kinds(cv1::ASSIGNMENT_KIND_JOURHEM);
  } else if (kind == cv1::ASSIGNMENT_KIND_JOURHEM && rng.Chance(0.4)) {
    h.add_approved_kinds(cv1::ASSIGNMENT_KIND_FAMILJEHEM);
  } else if (kind == cv1::ASSIGNMENT_KIND_KONTAKTFAMILJ && rng.Chance(0.15)) {
    h.add_approved_kinds(cv1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD);
  }
  if (reinforced) {
    h.set_max_children(rng.Chance(0.7) ? 1 : 2);
  } else {
    h.set_max_children(1 + rng.Weighted({30, 35, 22, 13}));
  }
  if (kind == cv1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT) {
    h.set_min_age(18);
    h.set_max_age(80);
  } else {
    h.set_min_age(rng.Pick(std::vector<int>{0, 0, 0, 2, 4, 6, 7, 10, 12, 13}));
    h.set_max_age(std::min(20, h.min_age() + rng.Between(5, 18)));
  }
  g.approved_on = kReferenceDay - rng.Between(30, 3650);

  // Profile.
  static const std::vector<std::pair<std::string, double>> kLanguages = {
      {"sv", 0.96}, {"en", 0.35}, {"ar", 0.07},  {"so", 0.03},
      {"fi", 0.05}, {"fa", 0.03}, {"ti", 0.015}, {"pl", 0.025}};
  for (const auto& [code, p] : kLanguages) {
    if (rng.Chance(p)) h.add_languages(code);
  }
  if (h.languages_size() == 0) h.add_languages("sv");
  static const std::vector<std::pair<std::string, double>> kExperience = {
      {"infants", 0.2},
      {"teenagers", 0.3},
      {"sibling_groups", 0.2},
      {"neuropsychiatric", 0.25},
      {"trauma", 0.3}};
  for (const auto& [tag, p] : kExperience) {
    if (rng.Chance(p)) h.add_experience_tags(tag);
  }
  if (h.languages_size() > 1 && rng.Chance(0.5)) h.add_cultural_competence("flersprakig");
  auto training = [&](const char* name) {
    v1::Training* t = h.add_trainings();
    t->set_name(name);
    *t->mutable_completed_on() =
        ToDate(absl::CivilDay(rng.Between(2012, 2025), rng.Between(1, 12), rng.Between(1, 28)));
  };
  if (rng.Chance(municipal ? 0.65 : 0.8)) training("Ett hem att växa i");
  if (rng.Chance(0.12)) training("PRIDE");
  h.set_rooms_for_children(h.max_children());

  const int adults = rng.Chance(0.75) ? 2 : 1;
  const std::string family = rng.Pick(kFamily);
  for (int a = 0; a < adults; ++a) {
    cv1::PersonName* name = h.add_adults();
    name->set_given_name(rng.Pick(kGiven));
    name->set_family_name(family);
  }
  if (adults == 1) {
    h.set_family_composition(rng.Chance(0.75) ? cv1::FAMILY_COMPOSITION_SINGLE_WOMAN
                                              : cv1::FAMILY_COMPOSITION_SINGLE_MAN);
  } else {
    static const cv1::FamilyComposition kCouples[] = {
        cv1::FAMILY_COMPOSITION_COUPLE_WITH_CHILDREN,
        cv1::FAMILY_COMPOSITION_COUPLE_WITHOUT_CHILDREN,
        cv1::FAMILY_COMPOSITION_COUPLE_WITH_ADULT_CHILDREN,
        cv1::FAMILY_COMPOSITION_SAME_SEX_COUPLE};
    h.set_family_composition(kCouples[rng.Weighted({45, 20, 25, 10})]);
  }
  h.mutable_address()->set_street(absl::StrCat(rng.Pick(kStreets), " ", rng.Between(1, 120)));
  h.mutable_address()->set_postal_code(absl::StrFormat("%05d", rng.Between(10000, 98999)));
  h.mutable_address()->set_city(located->name);
  h.set_protected_address(rng.Chance(0.02));
  if (rng.Chance(0.97)) {  // a few homes have no known position
    h.mutable_location()->set_latitude(Round2(located->latitude + rng.Uniform(-0.12, 0.12)));
    h.mutable_location()->set_longitude(Round2(located->longitude + rng.Uniform(-0.2, 0.2)));
  }

  // Availability and occupancy.
  if (rng.Chance(0.12)) {
    h.set_availability(v1::AVAILABILITY_PAUSED);
    *h.mutable_paused_until() = ToDate(kReferenceDay + rng.Between(1, 150));
  } else {
    h.set_availability(v1::AVAILABILITY_AVAILABLE);
  }
  if (rng.Chance(0.5)) {
    const int placed = rng.Between(1, h.max_children());
    for (int p = 0; p < placed; ++p) {
      g.placements.push_back({absl::StrFormat("bench-%05d-%d", index, p),
                              kReferenceDay - rng.Between(10, 2000), std::nullopt});
    }
  }
  if (rng.Chance(0.2)) {  // an earlier placement that has ended
    const absl::CivilDay start = kReferenceDay - rng.Between(800, 3000);
    g.placements.push_back(
        {absl::StrFormat("bench-%05d-ended", index), start, start + rng.Between(30, 700)});
  }
  g.revoked = rng.Chance(0.01);
  return g;
}

// The seed's statements: reads that choose the askers and count what they see. The
// service's own statements are used for every write (through HomeStore and
// OrganisationStore).
const fhv::db::Statement kCountHomes{"bench_count_homes", "SELECT count(*) FROM recruitment.home"};

// The municipality that sees the most homes shared by its regions (not its own).
const fhv::db::Statement kMostSharedMunicipality{
    "bench_most_shared_municipality",
    "SELECT rm.municipality, count(DISTINCT hr.home_id) FROM recruitment.region_member rm "
    "JOIN recruitment.home_region hr ON hr.region_id = rm.region_id "
    "JOIN recruitment.home h ON h.id = hr.home_id AND NOT h.revoked "
    "WHERE h.owner_id <> rm.municipality GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"};

const fhv::db::Statement kLargestAgency{
    "bench_largest_agency",
    "SELECT owner_id FROM recruitment.home WHERE owner_kind = 'ORGANISATION_KIND_AGENCY' "
    "AND NOT revoked GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"};

const fhv::db::Statement kRegionsOf{
    "bench_regions_of",
    "SELECT region_id FROM recruitment.region_member WHERE municipality = $1 ORDER BY 1"};

// Homes in matching that viewer ($1 org, $2 municipality, $3 all) may see: the same rule
// as the service's FHV_HOME_VISIBLE in services/recruitment/sql/statements.h.
const fhv::db::Statement kVisibleHomes{
    "bench_visible_homes",
    "SELECT count(*) FROM recruitment.home h WHERE NOT h.revoked AND ($3 OR h.owner_id = $1 "
    "OR ($2 AND EXISTS (SELECT 1 FROM recruitment.home_region hr JOIN recruitment.region_member "
    "rm ON rm.region_id = hr.region_id WHERE hr.home_id = h.id AND rm.municipality = $1)))"};

absl::StatusOr<std::unique_ptr<Connection>> Open() {
  const std::string dsn = absl::GetFlag(FLAGS_database_dsn);
  if (dsn.empty()) return absl::InvalidArgumentError("--database_dsn is required");
  // Big transactions: no statement timeout.
  return Connection::Open(dsn, nullptr, absl::ZeroDuration());
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

absl::Status SeedOrganisations(Connection& conn, const DataSet& data, absl::Time now) {
  return fhv::db::InTransaction(conn, [&]() -> absl::Status {
    for (const Municipality& m : data.municipalities) {
      v1::Organisation o;
      o.mutable_ref()->set_id(m.id);
      o.mutable_ref()->set_kind(cv1::ORGANISATION_KIND_MUNICIPALITY);
      o.set_name(m.name);
      o.mutable_location()->set_latitude(m.latitude);
      o.mutable_location()->set_longitude(m.longitude);
      auto valid = fhv::recruitment::ValidateOrganisation(o);
      if (!valid.ok()) {
        return absl::InternalError(absl::StrCat("generated municipality ", m.id,
                                                " is invalid: ", valid.status().ToString()));
      }
      if (auto st = OrganisationStore::Upsert(conn, *valid, now); !st.ok()) return st.status();
    }
    for (const Agency& a : data.agencies) {
      v1::Organisation o;
      o.mutable_ref()->set_id(a.id);
      o.mutable_ref()->set_kind(cv1::ORGANISATION_KIND_AGENCY);
      o.set_name(a.name);
      auto valid = fhv::recruitment::ValidateOrganisation(o);
      if (!valid.ok()) {
        return absl::InternalError(
            absl::StrCat("generated agency ", a.id, " is invalid: ", valid.status().ToString()));
      }
      if (auto st = OrganisationStore::Upsert(conn, *valid, now); !st.ok()) return st.status();
    }
    for (const v1::Region& r : data.regions) {
      auto valid = fhv::recruitment::ValidateRegion(r);
      if (!valid.ok()) {
        return absl::InternalError(
            absl::StrCat("generated region ", r.id(), " is invalid: ", valid.status().ToString()));
      }
      if (auto st = OrganisationStore::UpsertRegion(conn, *valid, now); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
}

// Validates each home as RegisterApprovedHome does and enters it with its placements.
// Prints progress every 1,000 homes.
absl::Status SeedHomes(Connection& conn, const std::vector<GeneratedHome>& homes, size_t begin,
                       size_t end, absl::Time now, std::chrono::steady_clock::time_point started) {
  return fhv::db::InTransaction(conn, [&]() -> absl::Status {
    for (size_t i = begin; i < end; ++i) {
      if (i > begin && i % 1000 == 0) {
        std::cout << absl::StrFormat("seed: homes %d/%d (%.1f s)\n", i, homes.size(),
                                     SecondsSince(started))
                  << std::flush;
      }
      const GeneratedHome& g = homes[i];
      auto valid = fhv::recruitment::ValidateNewHome(g.home);
      if (!valid.ok()) {
        return absl::InternalError(absl::StrCat(
            "generated home ", i, " fails ValidateNewHome: ", valid.status().ToString()));
      }
      valid->set_id(g.home.id());
      auto stored = HomeStore::Upsert(conn, *valid, g.approved_on, now);
      if (!stored.ok()) return stored.status();
      for (const auto& p : g.placements) {
        if (auto st = HomeStore::RecordPlacement(conn, p.id, g.home.id(), p.start, p.end, now);
            !st.ok()) {
          return st;
        }
      }
      if (g.revoked) {
        if (auto st = HomeStore::Revoke(conn, g.home.id(), now); !st.ok()) return st;
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>> RegionsOf(Connection& conn, const std::string& id) {
  auto r = conn.Exec(kRegionsOf, {id});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Text(i, 0));
  return out;
}

int Seed() {
  const int n = absl::GetFlag(FLAGS_homes);
  const int batch = absl::GetFlag(FLAGS_homes_per_transaction);
  const std::string askers_file = absl::GetFlag(FLAGS_askers_file);
  if (n < 1) return UsageError("--homes must be at least 1");
  if (batch < 1) return UsageError("--homes_per_transaction must be at least 1");
  if (askers_file.empty()) return UsageError("seed needs --askers_file");
  auto conn = Open();
  if (!conn.ok()) return Failure(conn.status().ToString());

  const auto started = std::chrono::steady_clock::now();
  const absl::Time now = absl::FromCivil(kReferenceDay, absl::UTCTimeZone());
  Rng rng(absl::GetFlag(FLAGS_seed));
  const DataSet data = MakeDataSet(rng);
  if (auto st = SeedOrganisations(**conn, data, now); !st.ok()) return Failure(st.ToString());
  std::cout << absl::StrFormat(
                   "seed: %d municipalities in %d regions, %d agencies entered (%.1f s)\n",
                   data.municipalities.size(), data.regions.size(), data.agencies.size(),
                   SecondsSince(started))
            << std::flush;

  std::vector<double> muni_weights, agency_weights;
  for (const auto& m : data.municipalities) muni_weights.push_back(m.weight);
  for (const auto& a : data.agencies) agency_weights.push_back(a.share);
  std::vector<GeneratedHome> homes;
  homes.reserve(n);
  for (int i = 0; i < n; ++i) {
    GeneratedHome g = MakeHome(rng, data, muni_weights, agency_weights, i);
    g.home.set_id(rng.Uuid());
    homes.push_back(std::move(g));
  }
  for (size_t begin = 0; begin < homes.size(); begin += batch) {
    const size_t end = std::min(homes.size(), begin + batch);
    if (auto st = SeedHomes(**conn, homes, begin, end, now, started); !st.ok()) {
      return Failure(st.ToString());
    }
    std::cout << absl::StrFormat("seed: homes %d/%d committed (%.1f s)\n", end, homes.size(),
                                 SecondsSince(started))
              << std::flush;
  }
  // As autovacuum would in time: fresh statistics for the planner, a clean visibility map.
  for (const char* table :
       {"home", "home_region", "home_placement", "region_member", "organisation", "region"}) {
    if (auto st = (*conn)->ExecScript(absl::StrCat("VACUUM (ANALYZE) recruitment.", table));
        !st.ok()) {
      return Failure(st.ToString());
    }
  }
  auto total = (*conn)->Exec(kCountHomes);
  if (!total.ok()) return Failure(total.status().ToString());
  std::cout << absl::StrFormat("seed: %d homes in the registry, vacuumed and analysed (%.1f s)\n",
                               total->Int64(0, 0), SecondsSince(started));

  auto muni = (*conn)->Exec(kMostSharedMunicipality);
  if (!muni.ok()) return Failure(muni.status().ToString());
  auto agency = (*conn)->Exec(kLargestAgency);
  if (!agency.ok()) return Failure(agency.status().ToString());
  if (muni->rows() == 0 || agency->rows() == 0) {
    return Failure("no shared municipality home or no agency home was generated");
  }
  const std::string muni_id(muni->Text(0, 0));
  auto regions = RegionsOf(**conn, muni_id);
  if (!regions.ok()) return Failure(regions.status().ToString());
  std::ofstream out(askers_file);
  out << "municipality municipality " << muni_id << " case_worker "
      << (regions->empty() ? "-" : absl::StrJoin(*regions, ",")) << "\n"
      << "agency agency " << agency->Text(0, 0) << " consultant -\n"
      << "service internal fhv service -\n";
  out.close();
  if (!out) return Failure(absl::StrCat("cannot write ", askers_file));
  return 0;
}

// ---------------------------------------------------------------------------------------
// The measurement.

struct Asker {
  std::string name;
  std::string org_kind;  // as fhv-token spells it
  std::string org_id;
  std::string role;
  std::string regions;
  std::string token;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

absl::StatusOr<std::vector<Asker>> ReadAskers(const std::string& path,
                                              const std::string& tokens_dir) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  std::vector<Asker> out;
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipWhitespace())) {
    std::vector<std::string> f = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (f.size() != 5) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": a line has not 5 fields"));
    }
    Asker a{f[0], f[1], f[2], f[3], f[4], ""};
    auto token = ReadFile(absl::StrCat(tokens_dir, "/", a.name, ".jwt"));
    if (!token.ok()) return token.status();
    a.token = std::string(absl::StripAsciiWhitespace(*token));
    out.push_back(std::move(a));
  }
  if (out.empty()) return absl::InvalidArgumentError(absl::StrCat(path, " names no asker"));
  return out;
}

// One child's (or sibling group's) needs as a case worker of `own` (or, when empty, of
// any municipality) would ask.
v1::ChildNeeds MakeNeeds(Rng& rng, const std::vector<std::string>& municipalities,
                         const std::string& own) {
  v1::ChildNeeds n;
  const int children = 1 + rng.Weighted({75, 18, 7});
  n.set_children(children);
  n.set_youngest_age(rng.Between(0, 16));
  n.set_oldest_age(children == 1 ? n.youngest_age()
                                 : std::min(17, n.youngest_age() + rng.Between(1, 6)));
  static const cv1::AssignmentKind kKinds[] = {cv1::ASSIGNMENT_KIND_FAMILJEHEM,
                                               cv1::ASSIGNMENT_KIND_JOURHEM,
                                               cv1::ASSIGNMENT_KIND_KONTAKTFAMILJ};
  n.set_kind(kKinds[rng.Weighted({60, 25, 15})]);
  n.set_intensively_reinforced(n.kind() == cv1::ASSIGNMENT_KIND_FAMILJEHEM && rng.Chance(0.1));
  *n.mutable_start_date() = ToDate(kReferenceDay + rng.Between(0, 60));
  n.set_home_municipality(!own.empty() && rng.Chance(0.85) ? own : rng.Pick(municipalities));
  static const std::vector<std::vector<std::string>> kLanguages = {
      {"sv"}, {}, {"ar"}, {"so"}, {"ar", "sv"}, {"fi", "sv"}, {"fa"}, {"ti"}, {"pl"}, {"en"}};
  for (const auto& l : kLanguages[rng.Weighted({50, 12, 9, 5, 8, 4, 4, 3, 3, 2})]) {
    n.add_languages(l);
  }
  static const std::vector<std::pair<std::string, double>> kTags = {
      {"infants", 0.1}, {"teenagers", 0.25}, {"neuropsychiatric", 0.2}, {"trauma", 0.35}};
  for (const auto& [tag, p] : kTags) {
    if (rng.Chance(p)) n.add_needs_tags(tag);
  }
  if (children > 1 && rng.Chance(0.5)) n.add_needs_tags("sibling_groups");
  return n;
}

struct Result {
  const Asker* asker;
  int64_t visible = 0;
  int calls = 0;
  int errors = 0;
  double mean_returned = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0;  // milliseconds
};

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

std::string AskerLabel(const Asker& a) {
  if (a.org_kind == "municipality") {
    return absl::StrCat("municipality ", a.org_id,
                        a.regions == "-" ? "" : absl::StrCat(" (", a.regions, ")"));
  }
  if (a.org_kind == "agency") return absl::StrCat("agency ", a.org_id);
  return absl::StrCat("internal ", a.org_id, " (", a.role, ")");
}

int Measure() {
  const std::string address = absl::GetFlag(FLAGS_address);
  const std::string askers_file = absl::GetFlag(FLAGS_askers_file);
  const std::string tokens_dir = absl::GetFlag(FLAGS_tokens_dir);
  const int queries = absl::GetFlag(FLAGS_queries);
  const int warmup = absl::GetFlag(FLAGS_warmup);
  const int page_size = absl::GetFlag(FLAGS_page_size);
  if (address.empty()) return UsageError("measure needs --address");
  if (askers_file.empty()) return UsageError("measure needs --askers_file");
  if (tokens_dir.empty()) return UsageError("measure needs --tokens_dir");
  if (queries < 1 || warmup < 0) return UsageError("--queries must be >= 1, --warmup >= 0");
  auto askers = ReadAskers(askers_file, tokens_dir);
  if (!askers.ok()) return Failure(askers.status().ToString());
  auto conn = Open();
  if (!conn.ok()) return Failure(conn.status().ToString());
  auto total = (*conn)->Exec(kCountHomes);
  if (!total.ok()) return Failure(total.status().ToString());
  const int64_t homes = total->Int64(0, 0);
  auto listed =
      OrganisationStore::List(**conn, 1000, std::nullopt, cv1::ORGANISATION_KIND_MUNICIPALITY);
  if (!listed.ok()) return Failure(listed.status().ToString());
  std::vector<std::string> municipalities;
  for (const auto& o : *listed) municipalities.push_back(o.ref().id());
  if (municipalities.empty()) return Failure("no municipality in the registry: seed first");

  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return Failure(absl::StrCat("cannot connect to ", address));
  }
  auto stub = v1::RecruitmentService::NewStub(channel);

  std::vector<Result> results;
  int failed = 0;  // calls that failed, warm-up calls included
  int warmup_errors = 0;
  for (size_t a = 0; a < askers->size(); ++a) {
    const Asker& asker = (*askers)[a];
    Result result{.asker = &asker};
    auto visible = (*conn)->Exec(kVisibleHomes, {asker.org_id, asker.org_kind == "municipality",
                                                 asker.org_kind == "internal"});
    if (!visible.ok()) return Failure(visible.status().ToString());
    result.visible = visible->Int64(0, 0);

    // The same questions for a given asker in every run.
    Rng rng(absl::GetFlag(FLAGS_seed) * 31 + a + 1);
    const std::string own = asker.org_kind == "municipality" ? asker.org_id : "";
    std::cout << absl::StrFormat("measure: %s sees %d homes; %d warm-up calls, then %d measured\n",
                                 AskerLabel(asker), result.visible, warmup, queries)
              << std::flush;
    std::vector<double> latencies;
    latencies.reserve(queries);
    int64_t returned = 0;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < warmup + queries; ++i) {
      v1::FindCandidateHomesRequest request;
      *request.mutable_needs() = MakeNeeds(rng, municipalities, own);
      request.set_page_size(page_size);
      v1::FindCandidateHomesResponse response;
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", absl::StrCat("Bearer ", asker.token));
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      const auto t0 = std::chrono::steady_clock::now();
      const grpc::Status status = stub->FindCandidateHomes(&ctx, request, &response);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (i < warmup) {
        if (!status.ok()) {
          ++warmup_errors;
          if (failed++ < 5) {
            std::cerr << "warm-up call failed: " << status.error_code() << " "
                      << status.error_message() << "\n";
          }
        }
        continue;
      }
      ++result.calls;
      if (!status.ok()) {
        ++result.errors;
        if (failed++ < 5) {
          std::cerr << "call failed: " << status.error_code() << " " << status.error_message()
                    << "\n";
        }
        continue;
      }
      latencies.push_back(ms);
      returned += response.candidates_size();
      if (result.calls % 250 == 0 && result.calls < queries) {
        std::cout << absl::StrFormat("measure: %s: %d/%d calls (%.1f s)\n", asker.name,
                                     result.calls, queries, SecondsSince(started))
                  << std::flush;
      }
    }
    std::sort(latencies.begin(), latencies.end());
    result.p50 = Percentile(latencies, 0.50);
    result.p95 = Percentile(latencies, 0.95);
    result.p99 = Percentile(latencies, 0.99);
    result.max = latencies.empty() ? 0 : latencies.back();
    result.mean_returned =
        latencies.empty() ? 0
                          : static_cast<double>(returned) / static_cast<double>(latencies.size());
    results.push_back(result);
  }

  std::cout << absl::StrFormat(
      "\nFindCandidateHomes over %d homes, page_size %d, one caller, %d calls per asker after "
      "%d warm-up calls (ms)\n\n",
      homes, page_size, queries, warmup);
  int width = 5;
  for (const Result& r : results) {
    width = std::max(width, static_cast<int>(AskerLabel(*r.asker).size()));
  }
  std::cout << absl::StrFormat("%-*s %6s %6s %8s %8s %8s %8s %8s %8s\n", width, "asker", "calls",
                               "errors", "visible", "returned", "p50", "p95", "p99", "max");
  std::vector<std::string> json;
  int errors = 0;
  for (const Result& r : results) {
    errors += r.errors;
    std::cout << absl::StrFormat("%-*s %6d %6d %8d %8.1f %8.2f %8.2f %8.2f %8.2f\n", width,
                                 AskerLabel(*r.asker), r.calls, r.errors, r.visible,
                                 r.mean_returned, r.p50, r.p95, r.p99, r.max);
    json.push_back(absl::StrFormat(
        "{\"asker\":\"%s\",\"org_kind\":\"%s\",\"org\":\"%s\",\"calls\":%d,\"errors\":%d,"
        "\"visible\":%d,\"mean_returned\":%.1f,\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f,"
        "\"max_ms\":%.2f}",
        r.asker->name, r.asker->org_kind, r.asker->org_id, r.calls, r.errors, r.visible,
        r.mean_returned, r.p50, r.p95, r.p99, r.max));
  }
  std::cout << "\n(visible: homes in matching the asker may see; returned: candidates per call)\n";
  std::cout << absl::StrFormat(
                   "{\"benchmark\":\"matching\",\"rpc\":\"FindCandidateHomes\",\"homes\":%d,"
                   "\"page_size\":%d,\"warmup\":%d,\"results\":[%s]}\n",
                   homes, page_size, warmup, absl::StrJoin(json, ","))
            << std::flush;
  if (errors + warmup_errors > 0) {
    return Failure(absl::StrCat(errors, " measured and ", warmup_errors, " warm-up calls failed"));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "bench/matching/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(absl::StrCat(
      "the FindCandidateHomes benchmark (run it with bench/run-matching).\nusage:\n", kSynopsis));
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) return UsageError("missing subcommand (seed or measure)");
  if (args.size() > 2) return UsageError(absl::StrCat("unexpected argument: ", args[2]));
  const absl::string_view command = args[1];
  if (command == "seed") return Seed();
  if (command == "measure") return Measure();
  return UsageError(absl::StrCat("unknown subcommand: ", command));
}
