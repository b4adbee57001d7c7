// The files of an approved run: a pain.001.001.03 bank file whose control sums match its
// transfers to the öre, whose tags nest, whose text is escaped and cut to the schema's lengths,
// and a finance CSV whose amount column sums to the run's lines.

#include "services/payments/src/domain/bank_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/util/dates.h"
#include "common/util/hash.h"

namespace fhv::payments {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::PaymentRun FebruaryRun() {
  v1::PaymentRun run;
  run.set_payment_run_id("0b6e4c1e-4a8a-4d2c-9c57-3f1c2f0a9e11");
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(2);
  *run.mutable_execution_date() = ToDate(absl::CivilDay(2024, 3, 25));
  return run;
}

v1::MunicipalityPaymentSettings Debtor() {
  v1::MunicipalityPaymentSettings s;
  s.set_municipality_id("2418");
  s.set_debtor_name("Malå kommun");
  s.set_organisationsnummer("2120002627");
  s.mutable_debtor_account()->set_iban("SE4550000000058398257466");
  s.mutable_debtor_account()->set_bic("ESSESESS");
  return s;
}

std::vector<Transfer> Transfers() {
  Transfer bankgiro{.end_to_end_id = "aaaa", .amount_ore = 1'234'505, .creditor_name = "Eva Berg"};
  bankgiro.account.set_bankgiro("54029681");
  Transfer domestic{.end_to_end_id = "bbbb", .amount_ore = 1, .creditor_name = "Åsa Öhman"};
  domestic.account.mutable_domestic()->set_clearing_number("8327");
  domestic.account.mutable_domestic()->set_account_number("9432145");
  Transfer iban{.end_to_end_id = "cccc", .amount_ore = 99, .creditor_name = "Nils & <Ali>"};
  iban.account.set_iban("SE3550000000054910000003");
  return {bankgiro, domestic, iban};
}

// The tags of `xml` nest (every end tag closes the innermost open one) and all are closed.
bool TagsNest(const std::string& xml) {
  std::vector<std::string> open;
  const std::regex tag(R"(<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*?(/?)>)");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), tag); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    if (m[3].length() > 0) continue;  // <empty/>
    if (m[1].length() == 0) {
      open.push_back(m[2]);
    } else {
      if (open.empty() || open.back() != m[2]) return false;
      open.pop_back();
    }
  }
  return open.empty();
}

// Every value of <tag ...>value</tag> in `xml`.
std::vector<std::string> Values(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::regex re("<" + tag + "(?: [^>]*)?>([^<]*)</" + tag + ">");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

int64_t Ore(const std::string& sek) {
  const std::vector<std::string> parts = absl::StrSplit(sek, '.');
  int64_t kronor = 0, ore = 0;
  EXPECT_EQ(parts.size(), 2u) << sek;
  EXPECT_EQ(parts.size() == 2 ? parts[1].size() : 0, 2u) << sek;
  EXPECT_TRUE(absl::SimpleAtoi(parts[0], &kronor) && absl::SimpleAtoi(parts[1], &ore)) << sek;
  return kronor * 100 + ore;
}

TEST(BankFile, AmountsAreKronorWithTwoDecimals) {
  EXPECT_EQ(FormatSek(0), "0.00");
  EXPECT_EQ(FormatSek(1), "0.01");
  EXPECT_EQ(FormatSek(1'234'505), "12345.05");
  EXPECT_EQ(FormatSek(-1234), "-12.34");
  EXPECT_EQ(FormatSek(INT64_MIN), "-92233720368547758.08");
}

TEST(BankFile, ControlSumsAndCountsMatchTheTransfersToTheOre) {
  const auto file =
      Pain001(FebruaryRun(), Debtor(), Transfers(), absl::FromUnixSeconds(1'709'300'000));
  ASSERT_TRUE(file.ok()) << file.status();
  const std::string& xml = file->content;
  EXPECT_TRUE(TagsNest(xml));
  EXPECT_THAT(xml, HasSubstr("xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\""));
  EXPECT_EQ(file->item_count, 3);
  EXPECT_EQ(file->total_ore, 1'234'505 + 1 + 99);
  // Both headers carry the same count and sum; the transfers add up to it.
  EXPECT_THAT(Values(xml, "NbOfTxs"), ::testing::ElementsAre("3", "3"));
  EXPECT_THAT(Values(xml, "CtrlSum"), ::testing::ElementsAre("12346.05", "12346.05"));
  int64_t sum = 0;
  for (const auto& a : Values(xml, "InstdAmt")) sum += Ore(a);
  EXPECT_EQ(sum, file->total_ore);
  EXPECT_THAT(Values(xml, "EndToEndId"), ::testing::ElementsAre("aaaa", "bbbb", "cccc"));
  // The message id is at most 35 characters and names the run.
  EXPECT_EQ(file->message_id, "FHV0b6e4c1e4a8a4d2c9c573f1c2f0a9e11");
  EXPECT_THAT(Values(xml, "MsgId"), ::testing::ElementsAre(file->message_id));
  EXPECT_THAT(Values(xml, "ReqdExctnDt"), ::testing::ElementsAre("2024-03-25"));
  EXPECT_THAT(Values(xml, "CreDtTm"), ::testing::ElementsAre("2024-03-01T13:33:20Z"));
  EXPECT_EQ(file->file_name, "pain001_2418_2024-02.xml");
  EXPECT_EQ(file->sha256, Sha256Hex(xml));
}

TEST(BankFile, EachKindOfAccountIsAddressedAsSwedishBanksExpect) {
  const auto file = Pain001(FebruaryRun(), Debtor(), Transfers(), absl::UnixEpoch());
  ASSERT_TRUE(file.ok()) << file.status();
  const std::string& xml = file->content;
  // Bankgiro through Bankgirot's clearing number, with the proprietary scheme.
  EXPECT_THAT(xml, HasSubstr("<MmbId>9900</MmbId>"));
  EXPECT_THAT(xml, HasSubstr("<Id>54029681</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm>"));
  // A domestic account: its clearing number names the bank; the id is clearing + account.
  EXPECT_THAT(xml, HasSubstr("<MmbId>8327</MmbId>"));
  EXPECT_THAT(xml, HasSubstr("<Id>83279432145</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm>"));
  EXPECT_THAT(Values(xml, "IBAN"),
              ::testing::ElementsAre("SE4550000000058398257466", "SE3550000000054910000003"));
  EXPECT_THAT(Values(xml, "BIC"), ::testing::ElementsAre("ESSESESS"));
  // Names are kept in UTF-8 and escaped.
  EXPECT_THAT(xml, HasSubstr("<Nm>Åsa Öhman</Nm>"));
  EXPECT_THAT(xml, HasSubstr("<Nm>Nils &amp; &lt;Ali&gt;</Nm>"));
  EXPECT_THAT(xml, HasSubstr("<Nm>Malå kommun</Nm>"));
}

TEST(BankFile, NamesAreCutToSeventyCharactersNotBytesAndControlCharactersDropped) {
  std::vector<Transfer> t = Transfers();
  t[0].creditor_name = std::string(69, 'a') + "åäö\n\t";
  const auto file = Pain001(FebruaryRun(), Debtor(), t, absl::UnixEpoch());
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->content, HasSubstr("<Nm>" + std::string(69, 'a') + "å</Nm>"));
  EXPECT_THAT(file->content, Not(HasSubstr("\t")));
}

TEST(BankFile, RefusesWhatABankWouldRefuse) {
  auto t = Transfers();
  t[1].amount_ore = 0;
  EXPECT_EQ(Pain001(FebruaryRun(), Debtor(), t, absl::UnixEpoch()).status().code(),
            absl::StatusCode::kInvalidArgument);
  t = Transfers();
  t[2].end_to_end_id = std::string(36, 'x');
  EXPECT_FALSE(Pain001(FebruaryRun(), Debtor(), t, absl::UnixEpoch()).ok());
  t = Transfers();
  t[0].account.Clear();
  EXPECT_FALSE(Pain001(FebruaryRun(), Debtor(), t, absl::UnixEpoch()).ok());
  v1::PaymentRun undated = FebruaryRun();
  undated.clear_execution_date();
  EXPECT_FALSE(Pain001(undated, Debtor(), Transfers(), absl::UnixEpoch()).ok());
}

TEST(Pain001, WrittenInPartsIsTheSameFile) {
  const auto whole = Pain001(FebruaryRun(), Debtor(), Transfers(), absl::UnixEpoch());
  ASSERT_TRUE(whole.ok()) << whole.status();
  const std::vector<Transfer> all = Transfers();
  ASSERT_GE(all.size(), 2u);
  RunFile parts = Pain001Facts(FebruaryRun());
  std::string content;
  for (const Transfer& t : all) {  // one transfer per part
    auto xml = Pain001Transfers(FebruaryRun(), {t}, parts);
    ASSERT_TRUE(xml.ok()) << xml.status();
    content += *xml;
  }
  EXPECT_EQ(parts.item_count, whole->item_count);
  EXPECT_EQ(parts.total_ore, whole->total_ore);
  auto head =
      Pain001Head(FebruaryRun(), Debtor(), absl::UnixEpoch(), parts.item_count, parts.total_ore);
  ASSERT_TRUE(head.ok()) << head.status();
  content = *head + content + Pain001Tail();
  EXPECT_EQ(content, whole->content);
  EXPECT_EQ(parts.file_name, whole->file_name);
  EXPECT_EQ(parts.message_id, whole->message_id);
  // A bad transfer in a part is refused as in the whole file.
  std::vector<Transfer> bad = {all[0]};
  bad[0].amount_ore = 0;
  EXPECT_EQ(Pain001Transfers(FebruaryRun(), bad, parts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FinanceCsv, OneRowPerLineWithAmountsThatSumToTheLines) {
  std::vector<v1::PaymentLine> lines(3);
  const int64_t amounts[] = {581'224, 271'681, -12'345};
  const v1::PaymentLineKind kinds[] = {v1::PAYMENT_LINE_KIND_FEE,
                                       v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE,
                                       v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION};
  for (int i = 0; i < 3; ++i) {
    lines[i].set_line_id("l" + std::to_string(i));
    lines[i].set_agreement_id("a");
    lines[i].set_home_id("h");
    lines[i].set_kind(kinds[i]);
    lines[i].set_amount_ore(amounts[i]);
    lines[i].set_taxable(i == 0);
    *lines[i].mutable_period_start() = ToDate(absl::CivilDay(2024, 2, 15));
    *lines[i].mutable_period_end() = ToDate(absl::CivilDay(2024, 2, 29));
  }
  lines[2].set_adjustment(true);
  lines[2].mutable_corrects_month()->set_year(2024);
  lines[2].mutable_corrects_month()->set_month(1);
  const RunFile csv = FinanceCsv(FebruaryRun(), lines);
  EXPECT_EQ(csv.item_count, 3);
  EXPECT_EQ(csv.total_ore, 581'224 + 271'681 - 12'345);
  EXPECT_EQ(csv.file_name, "finance_2418_2024-02.csv");
  std::vector<std::string> rows = absl::StrSplit(csv.content, "\r\n");
  ASSERT_EQ(rows.size(), 5u);  // header, three rows, and the empty rest after the last CRLF
  EXPECT_EQ(rows[4], "");
  const std::vector<std::string> header = absl::StrSplit(rows[0], ';');
  EXPECT_EQ(header.front(), "run_id");
  EXPECT_EQ(header.back(), "amount_ore");
  EXPECT_EQ(rows[1],
            "0b6e4c1e-4a8a-4d2c-9c57-3f1c2f0a9e11;l0;a;h;FEE;2024-02-15;2024-02-29;;true;"
            "FEE_EXPENSE;581224");
  int64_t sum = 0;
  for (int i = 1; i <= 3; ++i) {
    const std::vector<std::string> cells = absl::StrSplit(rows[i], ';');
    ASSERT_EQ(cells.size(), header.size()) << rows[i];
    int64_t amount = 0;
    ASSERT_TRUE(absl::SimpleAtoi(cells.back(), &amount));
    sum += amount;
  }
  EXPECT_EQ(sum, csv.total_ore);
  EXPECT_THAT(rows[3], HasSubstr(";2024-01;false;"));
  EXPECT_EQ(csv.sha256, Sha256Hex(csv.content));
}

TEST(FinanceCsv, WrittenInPartsIsTheSameFile) {
  std::vector<v1::PaymentLine> lines(3);
  for (int i = 0; i < 3; ++i) {
    lines[i].set_line_id("l" + std::to_string(i));
    lines[i].set_home_id("h" + std::to_string(i));
    lines[i].set_kind(v1::PAYMENT_LINE_KIND_FEE);
    lines[i].set_amount_ore(1000 * (i + 1));
  }
  const RunFile whole = FinanceCsv(FebruaryRun(), lines);
  RunFile parts = FinanceCsvFacts(FebruaryRun());
  const std::string content = FinanceCsvHeader() +
                              FinanceCsvRows(FebruaryRun(), {lines[0], lines[1]}, parts) +
                              FinanceCsvRows(FebruaryRun(), {lines[2]}, parts);
  EXPECT_EQ(content, whole.content);
  EXPECT_EQ(parts.item_count, 3);
  EXPECT_EQ(parts.total_ore, 6000);
  EXPECT_EQ(parts.file_name, whole.file_name);
}

}  // namespace
}  // namespace fhv::payments
