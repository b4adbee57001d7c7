// Pure parts of the common core: the error mapping, page tokens, event routes and the
// audit row hash.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/audit/audit.h"
#include "common/events/outbox.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace fhv {
namespace {

using ::testing::HasSubstr;

TEST(StatusTest, ViolationsBecomeBadRequestDetails) {
  Violations v;
  v.Add("interest.adults[0].personnummer", "check digit does not match");
  v.Add("request_id", "is required");
  grpc::Status g = ToGrpcStatus(v.ToStatus(), "recruitment.fhv");
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), 3);
  google::rpc::ErrorInfo info;
  google::rpc::BadRequest bad;
  ASSERT_EQ(details.details_size(), 2);
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  ASSERT_TRUE(details.details(1).UnpackTo(&bad));
  EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info.domain(), "recruitment.fhv");
  ASSERT_EQ(bad.field_violations_size(), 2);
  EXPECT_EQ(bad.field_violations(0).field(), "interest.adults[0].personnummer");
  // And back again, as a client sees it.
  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetReason(back), "INVALID_ARGUMENT");
  EXPECT_EQ(GetViolations(back).size(), 2u);
}

TEST(StatusTest, AFloodOfViolationsListsTheFirstAndCountsTheRest) {
  Violations v;
  const size_t n = Violations::kMaxListedViolations + 5;
  for (size_t i = 0; i < n; ++i) {
    v.Add(absl::StrCat("interest.wanted_municipalities[", i, "]"), "unknown municipality");
  }
  const absl::Status st = v.ToStatus();
  EXPECT_EQ(GetViolations(st).size(), Violations::kMaxListedViolations);
  EXPECT_THAT(st.message(),
              HasSubstr("wanted_municipalities[19]: unknown municipality; and 5 more"));
  EXPECT_THAT(st.message(), ::testing::Not(HasSubstr("[20]")));
}

TEST(StatusTest, ErrorInfoMetadataTravels) {
  absl::Status st = Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE", "wrong state",
                          {{"state", "APPLICANT_STATE_NEW"}});
  absl::Status back = FromGrpcStatus(ToGrpcStatus(st, "d"));
  EXPECT_EQ(GetReason(back), "INVALID_STATE");
  EXPECT_EQ(GetErrorMetadata(back).at("state"), "APPLICANT_STATE_NEW");
}

TEST(StatusTest, InternalDetailsNeverReachTheClient) {
  grpc::Status g = ToGrpcStatus(absl::InternalError("SELECT secret FROM x"), "d");
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(g.error_message(), ::testing::Not(HasSubstr("SELECT")));
  EXPECT_THAT(g.error_details(), ::testing::Not(HasSubstr("SELECT")));
}

TEST(StatusTest, EveryCodeMapsToItself) {
  for (int c = 1; c <= 16; ++c) {
    const auto code = static_cast<absl::StatusCode>(c);
    grpc::Status g = ToGrpcStatus(Error(code, "R", "m"), "d");
    EXPECT_EQ(static_cast<int>(g.error_code()), c);
  }
}

TEST(PagingTest, TokensRoundTripAndAreBoundToTheirFilters) {
  const std::string token = EncodePageToken("org=2418|source=1", {"1700000000", "abc"});
  auto key = DecodePageToken(token, "org=2418|source=1", 2);
  ASSERT_TRUE(key.ok());
  EXPECT_THAT(*key, ::testing::ElementsAre("1700000000", "abc"));
  EXPECT_TRUE(DecodePageToken("", "x", 2)->empty());
  const std::string three_parts = EncodePageToken("org=2418|source=1", {"a", "b", "c"});
  for (const auto& bad : {std::string("!!!"), std::string("AAAA"), three_parts}) {
    auto r = DecodePageToken(bad, "org=2418|source=1", 2);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  auto other = DecodePageToken(token, "org=0834|source=1", 2);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetViolations(other.status())[0].field, "page_token");
}

TEST(PagingTest, PageSizeDefaultsClampsAndRefusesNegative) {
  EXPECT_EQ(*PageSize(0), 50);
  EXPECT_EQ(*PageSize(7), 7);
  EXPECT_EQ(*PageSize(100000), 500);
  EXPECT_EQ(PageSize(-1).status().code(), absl::StatusCode::kInvalidArgument);
}

// Days in keys are read back only as written: a forged one the database cannot hold is
// refused here, not by the query.
TEST(PagingTest, AKeyDayIsAnOrdinaryDate) {
  EXPECT_EQ(KeyDay("2026-12-07"), absl::CivilDay(2026, 12, 7));
  EXPECT_EQ(KeyDay("1000-01-01"), absl::CivilDay(1000, 1, 1));
  for (const char* bad :
       {"", "2026-13-01", "2026-02-30", "300000-01-01", "-0044-03-15", "0001-01-01", "1-01-01",
        "0999-12-31", "2026-1-7", "2026-12-07x", " 2026-12-07"}) {
    EXPECT_EQ(KeyDay(bad), std::nullopt) << bad;
  }
}

TEST(PagingTest, DayKeysRoundTripAndAForgedDayIsRefused) {
  const DayKey key(absl::CivilDay(2026, 12, 7), "7c9e6679-7425-40de-944b-e07fc1f90ae7");
  auto back = DecodeDayKey(EncodeDayKey("f", key), "f");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, key);
  EXPECT_EQ(*DecodeDayKey("", "f"), std::nullopt);
  for (const std::vector<std::string>& forged :
       {std::vector<std::string>{"300000-01-01", key.second}, {"2026-12-07", "not-an-id"}}) {
    EXPECT_EQ(DecodeDayKey(EncodePageToken("f", forged), "f").status().code(),
              absl::StatusCode::kInvalidArgument)
        << forged[0];
  }
  EXPECT_EQ(DecodeDayKey(EncodeDayKey("f", key), "g").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RouterTest, ParsesExtraRoutes) {
  auto r = events::Router::WithExtra({{"a.B", {"x"}}}, "a.B=y|z,c.D=x");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->DestinationsOf("a.B"), ::testing::ElementsAre("x", "y", "z"));
  EXPECT_THAT(r->DestinationsOf("c.D"), ::testing::ElementsAre("x"));
  EXPECT_TRUE(r->DestinationsOf("none").empty());
  EXPECT_THAT(r->AllDestinations(), ::testing::ElementsAre("x", "y", "z"));
  EXPECT_FALSE(events::Router::WithExtra({}, "nodest").ok());
  EXPECT_FALSE(events::Router::WithExtra({}, "=x").ok());
}

TEST(AuditHashTest, EveryFieldAndTheLinkAreCovered) {
  audit::Entry e{absl::FromUnixMicros(1), "u", "o", "r", "a", "t", "i", "q"};
  const std::string base = audit::RowHash(1, 1, std::string(32, '\0'), e);
  EXPECT_EQ(base.size(), 32u);
  EXPECT_EQ(base, audit::RowHash(1, 1, std::string(32, '\0'), e));
  auto differs = [&](audit::Entry changed) {
    return audit::RowHash(1, 1, std::string(32, '\0'), changed) != base;
  };
  for (std::string audit::Entry::*field :
       {&audit::Entry::actor_user, &audit::Entry::actor_org, &audit::Entry::actor_roles,
        &audit::Entry::action, &audit::Entry::resource_type, &audit::Entry::resource_id,
        &audit::Entry::request_id}) {
    audit::Entry changed = e;
    changed.*field += "x";
    EXPECT_TRUE(differs(changed));
  }
  audit::Entry later = e;
  later.occurred_at += absl::Microseconds(1);
  EXPECT_TRUE(differs(later));
  EXPECT_NE(audit::RowHash(2, 1, std::string(32, '\0'), e), base);
  EXPECT_NE(audit::RowHash(1, 2, std::string(32, '\0'), e), base);
  EXPECT_NE(audit::RowHash(1, 1, std::string(32, '\1'), e), base);
  // Length prefixes: moving a character between fields changes the hash.
  audit::Entry shifted = e;
  shifted.actor_user = "uo";
  shifted.actor_org = "";
  EXPECT_TRUE(differs(shifted));
}

}  // namespace
}  // namespace fhv
