#include "tools/fhvctl/commands.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "fhv/investigation/v1/investigation_service.pb.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "fhv/placement/v1/placement_service.pb.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kR[] = "fhv.recruitment.v1.RecruitmentService.";
constexpr char kI[] = "fhv.investigation.v1.InvestigationService.";
constexpr char kP[] = "fhv.placement.v1.PlacementService.";
constexpr char kPay[] = "fhv.payments.v1.PaymentsService.";

// The generated descriptors are registered only if their files are linked in: refer to one
// message of each service file.
void LinkContracts() {
  (void)fhv::recruitment::v1::GetHomeRequest::descriptor();
  (void)fhv::investigation::v1::GetInvestigationRequest::descriptor();
  (void)fhv::placement::v1::GetPlacementRequestRequest::descriptor();
  (void)fhv::payments::v1::GetAgreementRequest::descriptor();
}

// "APPLICANT_STATE_" for enum ApplicantState: the prefix its values carry.
std::string EnumPrefix(const EnumDescriptor& e) {
  std::string out;
  for (char c : e.name()) {
    if (absl::ascii_isupper(c) && !out.empty()) out += '_';
    out += absl::ascii_toupper(c);
  }
  return out + "_";
}

std::string ShortEnumName(const EnumValueDescriptor& v) {
  const std::string prefix = EnumPrefix(*v.type());
  return absl::StartsWith(v.name(), prefix) ? v.name().substr(prefix.size()) : v.name();
}

bool IsDate(const Descriptor& d) { return d.full_name() == "fhv.common.v1.Date"; }

// Walks `path` to its last field; `holder` becomes the message that holds it. A mutable `holder`
// gets the sub-messages on the way created.
template <typename M>
absl::StatusOr<const FieldDescriptor*> Resolve(M*& holder, absl::string_view path) {
  const std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0;; ++i) {
    const FieldDescriptor* field = holder->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown field '", path, "' (",
                                                     holder->GetDescriptor()->name(), " has no '",
                                                     parts[i], "')"));
    }
    if (i + 1 == parts.size()) return field;
    if (field->type() != FieldDescriptor::TYPE_MESSAGE || field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field '", path, "' ('", parts[i], "' has no fields)"));
    }
    if constexpr (std::is_const_v<M>) {
      holder = &holder->GetReflection()->GetMessage(*holder, field);
    } else {
      holder = holder->GetReflection()->MutableMessage(holder, field);
    }
  }
}

absl::Status BadValue(const FieldDescriptor& f, absl::string_view value, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("field '", f.name(), "': '", value, "' is not ", want));
}

std::string ScalarText(const Message& m, const FieldDescriptor& f, int index) {
  const Reflection& r = *m.GetReflection();
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r.GetRepeatedInt32(m, &f, index) : r.GetInt32(m, &f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r.GetRepeatedInt64(m, &f, index) : r.GetInt64(m, &f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r.GetRepeatedUInt32(m, &f, index) : r.GetUInt32(m, &f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r.GetRepeatedUInt64(m, &f, index) : r.GetUInt64(m, &f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r.GetRepeatedDouble(m, &f, index) : r.GetDouble(m, &f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r.GetRepeatedFloat(m, &f, index) : r.GetFloat(m, &f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r.GetRepeatedBool(m, &f, index) : r.GetBool(m, &f)) ? "yes" : "no";
    case FieldDescriptor::CPPTYPE_ENUM:
      return ShortEnumName(rep ? *r.GetRepeatedEnum(m, &f, index) : *r.GetEnum(m, &f));
    case FieldDescriptor::CPPTYPE_STRING:
      if (f.type() == FieldDescriptor::TYPE_BYTES) return "(bytes)";
      return rep ? r.GetRepeatedString(m, &f, index) : r.GetString(m, &f);
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r.GetRepeatedMessage(m, &f, index) : r.GetMessage(m, &f);
      const Descriptor& d = *sub.GetDescriptor();
      if (!rep && !r.HasField(m, &f)) return "";
      if (IsDate(d) || d.full_name() == "fhv.payments.v1.YearMonth") {
        const Reflection& sr = *sub.GetReflection();
        std::string out = absl::StrCat(sr.GetInt32(sub, d.FindFieldByName("year")), "-");
        const int month = sr.GetInt32(sub, d.FindFieldByName("month"));
        absl::StrAppend(&out, month < 10 ? "0" : "", month);
        if (IsDate(d)) {
          const int day = sr.GetInt32(sub, d.FindFieldByName("day"));
          absl::StrAppend(&out, "-", day < 10 ? "0" : "", day);
        }
        return out;
      }
      if (d.full_name() == "google.protobuf.Timestamp") {
        google::protobuf::Timestamp t;
        t.CopyFrom(sub);
        t.set_nanos(0);
        return google::protobuf::util::TimeUtil::ToString(t);
      }
      if (d.full_name() == "fhv.common.v1.OrganisationRef") {
        return sub.GetReflection()->GetString(sub, d.FindFieldByName("id"));
      }
      return absl::StrCat("(", d.name(), ")");
    }
  }
  return "";
}

}  // namespace

const std::vector<Resource>& Resources() {
  static const auto* resources = new std::vector<Resource>{
      {"organisations",
       absl::StrCat(kR, "ListOrganisations"),
       absl::StrCat(kR, "GetOrganisation"),
       "id",
       {"ref.id", "ref.kind", "name", "region_ids"}},
      {"regions", absl::StrCat(kR, "ListRegions"), "", "", {"id", "name", "municipalities"}},
      {"interests",
       absl::StrCat(kR, "ListInterests"),
       absl::StrCat(kR, "GetInterest"),
       "id",
       {"id", "source", "campaign_id", "applicant_id", "received_at"}},
      {"applicants",
       absl::StrCat(kR, "ListApplicants"),
       absl::StrCat(kR, "GetApplicant"),
       "id",
       {"id", "state", "source", "campaign_id", "wanted_assignments"}},
      {"homes",
       absl::StrCat(kR, "ListHomes"),
       absl::StrCat(kR, "GetHome"),
       "id",
       {"id", "owner", "municipality", "approved_kinds", "availability", "placed_children",
        "max_children"}},
      {"investigations",
       absl::StrCat(kI, "ListInvestigations"),
       absl::StrCat(kI, "GetInvestigation"),
       "investigation_id",
       {"investigation_id", "kind", "state", "applicant_id", "home_id", "investigator_user_id"}},
      {"overdue-register-checks",
       absl::StrCat(kI, "ListOverdueRegisterChecks"),
       "",
       "",
       {"investigation_id", "register_check.register", "register_check.requested_date",
        "investigator_user_id"}},
      {"requests",
       absl::StrCat(kP, "ListPlacementRequests"),
       absl::StrCat(kP, "GetPlacementRequest"),
       "placement_request_id",
       {"placement_request_id", "state", "urgency", "form", "addressee", "wanted_start_date",
        "placement_id"}},
      {"placements",
       absl::StrCat(kP, "ListPlacements"),
       absl::StrCat(kP, "GetPlacement"),
       "placement_id",
       {"placement_id", "state", "form", "home_id", "home_owner", "start_date", "end_date"}},
      {"due-items",
       absl::StrCat(kP, "ListDueStatutoryItems"),
       "",
       "",
       {"due_date", "overdue", "kind", "placement_id", "rule_id", "legal_citation"}},
      {"delegations",
       absl::StrCat(kP, "ListDelegations"),
       "",
       "",
       {"delegation_id", "delegate_user_id", "delegate_title", "valid_from", "valid_to"}},
      {"agreements",
       absl::StrCat(kPay, "ListAgreements"),
       absl::StrCat(kPay, "GetAgreement"),
       "agreement_id",
       {"agreement_id", "state", "assignment_kind", "home_id", "paying_municipality_id",
        "valid_from", "valid_to"}},
      {"runs",
       absl::StrCat(kPay, "ListPaymentRuns"),
       absl::StrCat(kPay, "GetPaymentRun"),
       "payment_run_id",
       {"payment_run_id", "month", "state", "agreement_count", "transfer_count",
        "transfer_total_ore", "problem_count"}},
      {"lines",
       absl::StrCat(kPay, "ListPaymentLines"),
       "",
       "",
       {"month", "home_id", "kind", "days_covered", "amount_ore", "taxable", "adjustment"}},
      {"payouts",
       absl::StrCat(kPay, "ListPayouts"),
       "",
       "",
       {"payout_id", "month", "home_id", "net_ore", "tax_withheld_ore", "transferred"}},
      {"reimbursements",
       absl::StrCat(kPay, "ListReimbursements"),
       absl::StrCat(kPay, "GetReimbursement"),
       "reimbursement_id",
       {"reimbursement_id", "state", "kind", "home_id", "claimed_amount_ore",
        "approved_amount_ore"}},
      {"agency-invoices",
       absl::StrCat(kPay, "ListAgencyInvoices"),
       absl::StrCat(kPay, "GetAgencyInvoice"),
       "agency_invoice_id",
       {"agency_invoice_id", "agency", "month", "placement_days", "total_ore"}},
      {"ledger",
       absl::StrCat(kPay, "ListLedgerEntries"),
       "",
       "",
       {"posting_date", "account", "side", "amount_ore", "source_kind", "source_id"}},
  };
  return *resources;
}

absl::StatusOr<const Resource*> FindResource(absl::string_view name) {
  std::vector<std::string> names;
  for (const Resource& r : Resources()) {
    if (r.name == name) return &r;
    names.push_back(r.name);
  }
  return absl::NotFoundError(
      absl::StrCat("unknown resource '", name, "'; known: ", absl::StrJoin(names, ", ")));
}

absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(absl::string_view full_name) {
  LinkContracts();
  std::string name(full_name);
  std::replace(name.begin(), name.end(), '/', '.');
  if (absl::StartsWith(name, ".")) name.erase(0, 1);
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  if (method == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("unknown method '", full_name, "' (write it as e.g. ",
                     "fhv.placement.v1.PlacementService/GetPlacementRequest)"));
  }
  return method;
}

std::string ServiceOf(const google::protobuf::MethodDescriptor& method) {
  // fhv.<service>.v1.<Name>Service
  const std::vector<std::string> parts = absl::StrSplit(method.service()->full_name(), '.');
  return parts.size() == 4 ? parts[1] : "";
}

const FieldDescriptor* RecordField(const Descriptor& response, bool repeated) {
  const FieldDescriptor* found = nullptr;
  for (int i = 0; i < response.field_count(); ++i) {
    const FieldDescriptor* f = response.field(i);
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_repeated() != repeated) continue;
    if (found != nullptr) return nullptr;
    found = f;
  }
  return found;
}

absl::Status SetField(Message& message, absl::string_view path, absl::string_view value) {
  Message* target = &message;
  auto field = Resolve(target, path);
  if (!field.ok()) return field.status();
  const FieldDescriptor& f = **field;
  const Reflection& r = *target->GetReflection();
  const bool rep = f.is_repeated();
  const std::string v(value);
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t x;
      if (!absl::SimpleAtoi(v, &x)) return BadValue(f, v, "a whole number");
      rep ? r.AddInt32(target, &f, x) : r.SetInt32(target, &f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t x;
      if (!absl::SimpleAtoi(v, &x)) return BadValue(f, v, "a whole number");
      rep ? r.AddInt64(target, &f, x) : r.SetInt64(target, &f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool x;
      if (!absl::SimpleAtob(v, &x)) return BadValue(f, v, "true or false");
      rep ? r.AddBool(target, &f, x) : r.SetBool(target, &f, x);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r.AddString(target, &f, v) : r.SetString(target, &f, v);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumDescriptor& e = *f.enum_type();
      const std::string upper = absl::AsciiStrToUpper(v);
      const EnumValueDescriptor* ev = e.FindValueByName(upper);
      if (ev == nullptr) ev = e.FindValueByName(EnumPrefix(e) + upper);
      if (ev == nullptr || ev->number() == 0) {
        std::vector<std::string> names;
        for (int i = 1; i < e.value_count(); ++i) names.push_back(ShortEnumName(*e.value(i)));
        return BadValue(f, v, absl::StrCat("one of ", absl::StrJoin(names, ", ")));
      }
      rep ? r.AddEnum(target, &f, ev) : r.SetEnum(target, &f, ev);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (IsDate(*f.message_type()) && !rep) {
        const std::vector<std::string> ymd = absl::StrSplit(v, '-');
        int y, m, d;
        if (ymd.size() != 3 || !absl::SimpleAtoi(ymd[0], &y) || !absl::SimpleAtoi(ymd[1], &m) ||
            !absl::SimpleAtoi(ymd[2], &d)) {
          return BadValue(f, v, "a date YYYY-MM-DD");
        }
        Message* date = r.MutableMessage(target, &f);
        const Descriptor& dd = *date->GetDescriptor();
        date->GetReflection()->SetInt32(date, dd.FindFieldByName("year"), y);
        date->GetReflection()->SetInt32(date, dd.FindFieldByName("month"), m);
        date->GetReflection()->SetInt32(date, dd.FindFieldByName("day"), d);
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "field '", path, "' is a message: set its fields, e.g. ", path, ".<field>=..."));
    }
    default:
      return BadValue(f, v, "settable from the command line (use call with JSON)");
  }
}

absl::StatusOr<std::string> FieldText(const Message& message, absl::string_view path) {
  const Message* holder = &message;
  auto field = Resolve(holder, path);
  if (!field.ok()) return field.status();
  const FieldDescriptor& f = **field;
  if (!f.is_repeated()) return ScalarText(*holder, f, 0);
  std::vector<std::string> values;
  const int n = holder->GetReflection()->FieldSize(*holder, &f);
  for (int i = 0; i < n; ++i) values.push_back(ScalarText(*holder, f, i));
  return absl::StrJoin(values, ",");
}

std::string Table(const std::vector<std::string>& columns,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  std::vector<std::string> header;
  for (const std::string& c : columns) {
    std::string h = absl::AsciiStrToUpper(c);
    std::replace(h.begin(), h.end(), '.', '_');
    width.push_back(h.size());
    header.push_back(std::move(h));
  }
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      absl::StrAppend(&l, cells[i]);
      if (i + 1 < cells.size()) l.append(width[i] - cells[i].size() + 2, ' ');
    }
    absl::StrAppend(&out, l, "\n");
  };
  line(header);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace fhv::ctl
