#include "services/payments/src/domain/bank_file.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/util/dates.h"
#include "common/util/hash.h"
#include "services/payments/src/domain/ledger.h"

namespace fhv::payments {
namespace {

constexpr int kMaxIdLength = 35;    // Max35Text
constexpr int kMaxNameLength = 70;  // Max70Text
// Bankgirot's clearing number, the creditor agent of a bankgiro transfer.
constexpr char kBankgiroClearing[] = "9900";

// `text` with control characters dropped, cut to `max` characters (not bytes) and escaped.
std::string XmlText(const std::string& text, int max) {
  std::string kept;
  int chars = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c >= 0x20 && c != 0x7F) {
      if (chars == max) break;
      kept.append(text, i, len);
      ++chars;
    }
    i += len;
  }
  return absl::StrReplaceAll(
      kept, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&apos;"}});
}

std::string Month(const v1::YearMonth& m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

std::string Day(const fhv::common::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string ClearingAgent(const std::string& clearing) {
  return absl::StrCat(
      "<CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>SESBA</Cd></ClrSysId><MmbId>", clearing,
      "</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>");
}

// The creditor's agent, name and account: an IBAN (with the BIC when known), a domestic account
// (its clearing number names the bank) or a bankgiro number (through Bankgirot).
std::string Creditor(const Transfer& t) {
  const std::string name =
      absl::StrCat("<Cdtr><Nm>", XmlText(t.creditor_name, kMaxNameLength), "</Nm></Cdtr>");
  const v1::BankAccount& a = t.account;
  switch (a.account_case()) {
    case v1::BankAccount::kIban:
      return absl::StrCat(
          a.bic().empty() ? ""
                          : absl::StrCat("<CdtrAgt><FinInstnId><BIC>", XmlText(a.bic(), 11),
                                         "</BIC></FinInstnId></CdtrAgt>"),
          name, "<CdtrAcct><Id><IBAN>", XmlText(a.iban(), 34), "</IBAN></Id></CdtrAcct>");
    case v1::BankAccount::kDomestic:
      return absl::StrCat(
          ClearingAgent(XmlText(a.domestic().clearing_number(), 5)), name,
          "<CdtrAcct><Id><Othr><Id>",
          XmlText(a.domestic().clearing_number() + a.domestic().account_number(), kMaxIdLength),
          "</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></CdtrAcct>");
    case v1::BankAccount::kBankgiro:
      return absl::StrCat(ClearingAgent(kBankgiroClearing), name, "<CdtrAcct><Id><Othr><Id>",
                          XmlText(a.bankgiro(), kMaxIdLength),
                          "</Id><SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id></CdtrAcct>");
    default:
      return "";
  }
}

std::string Party(const v1::MunicipalityPaymentSettings& debtor) {
  return absl::StrCat("<Nm>", XmlText(debtor.debtor_name(), kMaxNameLength),
                      "</Nm><Id><OrgId><Othr><Id>", XmlText(debtor.organisationsnummer(), 35),
                      "</Id></Othr></OrgId></Id>");
}

std::string FileStem(const v1::PaymentRun& run) {
  return absl::StrCat(run.municipality_id(), "_", Month(run.month()));
}

}  // namespace

std::string FormatSek(int64_t ore) {
  const uint64_t abs = ore < 0 ? 0 - static_cast<uint64_t>(ore) : static_cast<uint64_t>(ore);
  return absl::StrFormat("%s%d.%02d", ore < 0 ? "-" : "", abs / 100, abs % 100);
}

RunFile Pain001Facts(const v1::PaymentRun& run) {
  RunFile file;
  file.file_name = absl::StrCat("pain001_", FileStem(run), ".xml");
  // MsgId and PmtInfId: the run's id without hyphens (32 characters) after "FHV".
  file.message_id = absl::StrCat("FHV", absl::StrReplaceAll(run.payment_run_id(), {{"-", ""}}))
                        .substr(0, kMaxIdLength);
  return file;
}

absl::StatusOr<std::string> Pain001Head(const v1::PaymentRun& run,
                                        const v1::MunicipalityPaymentSettings& debtor,
                                        absl::Time created, int count, int64_t total_ore) {
  if (!DayOf(run.execution_date())) {
    return absl::InvalidArgumentError("the run has no execution date");
  }
  const std::string message_id = Pain001Facts(run).message_id;
  const std::string n = absl::StrCat(count);
  const std::string sum = FormatSek(total_ore);
  const std::string& bic = debtor.debtor_account().bic();
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<CstmrCdtTrfInitn>\n"
      "<GrpHdr><MsgId>",
      message_id, "</MsgId><CreDtTm>",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", created, absl::UTCTimeZone()), "</CreDtTm><NbOfTxs>",
      n, "</NbOfTxs><CtrlSum>", sum, "</CtrlSum><InitgPty>", Party(debtor),
      "</InitgPty></GrpHdr>\n<PmtInf><PmtInfId>", message_id,
      "</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>", n, "</NbOfTxs><CtrlSum>", sum,
      "</CtrlSum><PmtTpInf><SvcLvl><Cd>NURG</Cd></SvcLvl></PmtTpInf><ReqdExctnDt>",
      Day(run.execution_date()), "</ReqdExctnDt><Dbtr>", Party(debtor),
      "</Dbtr><DbtrAcct><Id><IBAN>", XmlText(debtor.debtor_account().iban(), 34),
      "</IBAN></Id><Ccy>SEK</Ccy></DbtrAcct><DbtrAgt><FinInstnId>",
      bic.empty() ? "" : absl::StrCat("<BIC>", XmlText(bic, 11), "</BIC>"),
      "</FinInstnId></DbtrAgt>\n");
}

absl::StatusOr<std::string> Pain001Transfers(const v1::PaymentRun& run,
                                             const std::vector<Transfer>& transfers,
                                             RunFile& file) {
  std::string out;
  for (const Transfer& t : transfers) {
    if (t.amount_ore <= 0) return absl::InvalidArgumentError("a transfer must be positive");
    if (t.end_to_end_id.empty() || t.end_to_end_id.size() > kMaxIdLength) {
      return absl::InvalidArgumentError("a transfer's end-to-end id must have 1 to 35 characters");
    }
    if (t.account.account_case() == v1::BankAccount::ACCOUNT_NOT_SET) {
      return absl::InvalidArgumentError("a transfer has no account");
    }
    const std::string id = XmlText(t.end_to_end_id, kMaxIdLength);
    absl::StrAppend(&out, "<CdtTrfTxInf><PmtId><InstrId>", id, "</InstrId><EndToEndId>", id,
                    "</EndToEndId></PmtId><Amt><InstdAmt Ccy=\"SEK\">", FormatSek(t.amount_ore),
                    "</InstdAmt></Amt>", Creditor(t), "<RmtInf><Ustrd>Ersättning familjehem ",
                    Month(run.month()), "</Ustrd></RmtInf></CdtTrfTxInf>\n");
    file.total_ore += t.amount_ore;
    ++file.item_count;
  }
  return out;
}

std::string Pain001Tail() { return "</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n"; }

absl::StatusOr<RunFile> Pain001(const v1::PaymentRun& run,
                                const v1::MunicipalityPaymentSettings& debtor,
                                const std::vector<Transfer>& transfers, absl::Time created) {
  RunFile file = Pain001Facts(run);
  auto body = Pain001Transfers(run, transfers, file);
  if (!body.ok()) return body.status();
  auto head = Pain001Head(run, debtor, created, file.item_count, file.total_ore);
  if (!head.ok()) return head.status();
  file.content = absl::StrCat(*head, *body, Pain001Tail());
  file.sha256 = Sha256Hex(file.content);
  return file;
}

RunFile FinanceCsvFacts(const v1::PaymentRun& run) {
  RunFile file;
  file.file_name = absl::StrCat("finance_", FileStem(run), ".csv");
  return file;
}

std::string FinanceCsvHeader() {
  return "run_id;line_id;agreement_id;home_id;kind;period_start;period_end;corrects_month;"
         "taxable;ledger_account;amount_ore\r\n";
}

std::string FinanceCsvRows(const v1::PaymentRun& run, const std::vector<v1::PaymentLine>& lines,
                           RunFile& file) {
  std::string out;
  constexpr absl::string_view kKindPrefix = "PAYMENT_LINE_KIND_";
  for (const v1::PaymentLine& l : lines) {
    std::string kind = v1::PaymentLineKind_Name(l.kind());
    if (absl::string_view(kind).substr(0, kKindPrefix.size()) == kKindPrefix) {
      kind.erase(0, kKindPrefix.size());
    }
    absl::StrAppend(&out, run.payment_run_id(), ";", l.line_id(), ";", l.agreement_id(), ";",
                    l.home_id(), ";", kind, ";", Day(l.period_start()), ";", Day(l.period_end()),
                    ";", l.adjustment() ? Month(l.corrects_month()) : "", ";",
                    l.taxable() ? "true" : "false", ";", ExpenseAccount(l.kind()), ";",
                    l.amount_ore(), "\r\n");
    file.total_ore += l.amount_ore();
    ++file.item_count;
  }
  return out;
}

RunFile FinanceCsv(const v1::PaymentRun& run, const std::vector<v1::PaymentLine>& lines) {
  RunFile file = FinanceCsvFacts(run);
  file.content = FinanceCsvHeader() + FinanceCsvRows(run, lines, file);
  file.sha256 = Sha256Hex(file.content);
  return file;
}

}  // namespace fhv::payments
