// fhvctl's resources against the contracts, and its reflection helpers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fhv/investigation/v1/investigation_service.pb.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"
#include "tools/fhvctl/commands.h"

namespace fhv::ctl {
namespace {

namespace pb = ::google::protobuf;
using ::testing::HasSubstr;

// Every resource names real RPCs that page, and every column is a field of its records.
TEST(FhvctlResources, MatchTheContracts) {
  ASSERT_GE(Resources().size(), 15u);
  for (const Resource& r : Resources()) {
    SCOPED_TRACE(r.name);
    auto list = FindMethod(r.list_rpc);
    ASSERT_TRUE(list.ok()) << list.status();
    EXPECT_NE(ServiceOf(**list), "");
    const pb::Descriptor& in = *(*list)->input_type();
    const pb::Descriptor& out = *(*list)->output_type();
    EXPECT_NE(in.FindFieldByName("page_size"), nullptr);
    EXPECT_NE(in.FindFieldByName("page_token"), nullptr);
    EXPECT_NE(out.FindFieldByName("next_page_token"), nullptr);
    const pb::FieldDescriptor* items = RecordField(out, true);
    ASSERT_NE(items, nullptr);
    std::unique_ptr<pb::Message> record(
        pb::MessageFactory::generated_factory()->GetPrototype(items->message_type())->New());
    for (const std::string& c : r.columns) {
      EXPECT_TRUE(FieldText(*record, c).ok()) << c;
    }
    if (r.get_rpc.empty()) continue;
    auto get = FindMethod(r.get_rpc);
    ASSERT_TRUE(get.ok()) << get.status();
    EXPECT_EQ(ServiceOf(**get), ServiceOf(**list));
    EXPECT_NE((*get)->input_type()->FindFieldByName(r.get_id), nullptr);
    const pb::FieldDescriptor* one = RecordField(*(*get)->output_type(), false);
    ASSERT_NE(one, nullptr);
    EXPECT_EQ(one->message_type(), items->message_type());
  }
  EXPECT_EQ(FindResource("nonsense").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(FindResource("nonsense").status().message(), HasSubstr("requests"));
}

TEST(FhvctlMethods, AreFoundWithASlashOrADot) {
  auto a = FindMethod("fhv.placement.v1.PlacementService/GetPlacementRequest");
  auto b = FindMethod("fhv.placement.v1.PlacementService.GetPlacementRequest");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(ServiceOf(**a), "placement");
  EXPECT_EQ(FindMethod("fhv.placement.v1.PlacementService/Nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FhvctlSetField, ParsesEnumsNumbersDatesAndNestedFields) {
  recruitment::v1::ListApplicantsRequest applicants;
  ASSERT_TRUE(SetField(applicants, "state", "new").ok());
  EXPECT_EQ(applicants.state(), recruitment::v1::APPLICANT_STATE_NEW);
  ASSERT_TRUE(SetField(applicants, "state", "APPLICANT_STATE_APPROVED").ok());
  EXPECT_EQ(applicants.state(), recruitment::v1::APPLICANT_STATE_APPROVED);
  ASSERT_TRUE(SetField(applicants, "page_size", "25").ok());
  EXPECT_EQ(applicants.page_size(), 25);

  const absl::Status bad_enum = SetField(applicants, "state", "SLEEPING");
  EXPECT_EQ(bad_enum.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_enum.message(), HasSubstr("one of NEW, "));
  EXPECT_THAT(SetField(applicants, "page_size", "many").message(), HasSubstr("whole number"));
  EXPECT_THAT(SetField(applicants, "colour", "red").message(), HasSubstr("unknown field"));

  payments::v1::CreatePaymentRunRequest run;
  ASSERT_TRUE(SetField(run, "month.year", "2026").ok());
  ASSERT_TRUE(SetField(run, "month.month", "12").ok());
  EXPECT_EQ(run.month().year(), 2026);
  EXPECT_EQ(run.month().month(), 12);
  EXPECT_THAT(SetField(run, "month", "2026-12").message(), HasSubstr("month.<field>"));

  payments::v1::ListAgreementsRequest agreements;
  ASSERT_TRUE(SetField(agreements, "active_on", "2026-12-06").ok());
  EXPECT_EQ(agreements.active_on().day(), 6);
  ASSERT_TRUE(SetField(agreements, "states", "ACTIVE").ok());
  ASSERT_TRUE(SetField(agreements, "states", "ENDED").ok());
  EXPECT_EQ(agreements.states_size(), 2);
  EXPECT_THAT(SetField(agreements, "active_on", "6/12").message(), HasSubstr("YYYY-MM-DD"));
}

TEST(FhvctlFieldText, ShowsShortEnumsDatesReferencesAndLists) {
  payments::v1::PaymentRun run;
  run.set_state(payments::v1::PAYMENT_RUN_STATE_APPROVED);
  run.mutable_month()->set_year(2026);
  run.mutable_month()->set_month(3);
  run.set_transfer_total_ore(1234500);
  EXPECT_EQ(*FieldText(run, "state"), "APPROVED");
  EXPECT_EQ(*FieldText(run, "month"), "2026-03");
  EXPECT_EQ(*FieldText(run, "transfer_total_ore"), "1234500");
  EXPECT_EQ(*FieldText(run, "execution_date"), "");  // unset
  EXPECT_FALSE(FieldText(run, "nope").ok());

  recruitment::v1::Organisation org;
  org.mutable_ref()->set_id("2418");
  org.add_region_ids("a");
  org.add_region_ids("b");
  EXPECT_EQ(*FieldText(org, "ref"), "2418");
  EXPECT_EQ(*FieldText(org, "ref.kind"), "UNSPECIFIED");
  EXPECT_EQ(*FieldText(org, "region_ids"), "a,b");

  investigation::v1::Investigation inv;
  inv.mutable_create_time()->set_seconds(1764979200);  // 2025-12-06T00:00:00Z
  inv.mutable_create_time()->set_nanos(5);
  EXPECT_EQ(*FieldText(inv, "create_time"), "2025-12-06T00:00:00Z");
}

TEST(FhvctlTable, PadsColumnsToTheWidestCell) {
  EXPECT_EQ(Table({"id", "ref.kind"}, {{"1", "MUNICIPALITY"}, {"200", "AGENCY"}}),
            "ID   REF_KIND\n"
            "1    MUNICIPALITY\n"
            "200  AGENCY\n");
  EXPECT_EQ(Table({"a"}, {}), "A\n");
}

}  // namespace
}  // namespace fhv::ctl
