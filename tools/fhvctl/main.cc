// fhvctl: the suite's command-line client.
//
//   fhvctl resources                          what can be listed and read
//   fhvctl list <resource> [field=value ...]  every record, paging through the API
//   fhvctl get <resource> <id>                one record
//   fhvctl call <Service/Method> [json|-]     any RPC, the request and answer as JSON
//
// Tables by default, JSON with --json (list: one record a line). The token comes from the
// FHV_TOKEN environment variable or --token_file; the addresses from the local stack's ports file
// or --<service>=host:port. Exits 0 on success, 1 when a call fails (its status explained), 2 on a
// usage error.

#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/util/status.h"
#include "tools/fhvctl/commands.h"

ABSL_FLAG(std::string, ports_file, "",
          "the local stack's ports file (default: $FHV_LOCAL_DIR/ports, else .local/ports)");
ABSL_FLAG(std::string, host, "127.0.0.1", "the host of the ports file's services");
ABSL_FLAG(std::string, recruitment, "", "host:port of the recruitment service");
ABSL_FLAG(std::string, investigation, "", "host:port of the investigation service");
ABSL_FLAG(std::string, placement, "", "host:port of the placement service");
ABSL_FLAG(std::string, payments, "", "host:port of the payments service");
ABSL_FLAG(std::string, token_file, "", "a file holding the bearer token (else $FHV_TOKEN)");
ABSL_FLAG(std::string, ca_file, "", "PEM CA bundle: call the services over TLS");
ABSL_FLAG(bool, json, false, "print JSON instead of tables");
ABSL_FLAG(int, page_size, 100, "records a page when listing (the services allow up to 500)");
ABSL_FLAG(int, limit, 0, "list at most this many records (0: all)");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(15), "deadline of each call");

namespace {

namespace pb = ::google::protobuf;
using fhv::ctl::Resource;

constexpr int kCallFailed = 1;
constexpr int kUsage = 2;

// A usage error or a failed call, with the exit code to end with.
struct Exit {
  int code;
  std::string message;
};

// What to do about a status, for the common codes.
std::string Hint(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnauthenticated:
      return "the token is missing, expired or not signed by a key the service trusts: set "
             "FHV_TOKEN or --token_file (the local stack writes .local/dev-token)";
    case absl::StatusCode::kPermissionDenied:
      return "the token's organisation or roles do not allow this; a record of another "
             "organisation and one that does not exist get the same answer";
    case absl::StatusCode::kUnavailable:
      return "the service or its database cannot be reached now; retry (is the suite up? "
             "deploy/local/up starts it)";
    case absl::StatusCode::kDeadlineExceeded:
      return "no answer within --timeout";
    case absl::StatusCode::kAborted:
      return "the record changed since it was read (stale etag): read it again and retry";
    case absl::StatusCode::kFailedPrecondition:
      return "the record is not in a state that allows this";
    case absl::StatusCode::kAlreadyExists:
      return "this request_id was used before with another request";
    default:
      return "";
  }
}

std::string Explain(const absl::Status& st) {
  std::string out = absl::StrCat(absl::StatusCodeToString(st.code()), ": ", st.message());
  if (const std::string reason = fhv::GetReason(st); !reason.empty()) {
    absl::StrAppend(&out, " (reason ", reason, ")");
  }
  for (const auto& [key, value] : fhv::GetErrorMetadata(st)) {
    absl::StrAppend(&out, "\n  ", key, ": ", value);
  }
  for (const auto& v : fhv::GetViolations(st)) {
    absl::StrAppend(&out, "\n  ", v.field, ": ", v.description);
  }
  if (const std::string hint = Hint(st.code()); !hint.empty()) {
    absl::StrAppend(&out, "\n  hint: ", hint);
  }
  return out;
}

class Client {
 public:
  Client() : token_(ReadToken()), addresses_(ReadAddresses()) {}

  // Calls `method` with `request`; the answer in `response` (a message of the output type).
  void Call(const pb::MethodDescriptor& method, const pb::Message& request, pb::Message* response) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token_));
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
    grpc::TemplatedGenericStub<pb::Message, pb::Message> stub(Channel(method));
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, absl::StrCat("/", method.service()->full_name(), "/", method.name()),
                   grpc::StubOptions(), &request, response,
                   [&](grpc::Status st) { done.set_value(std::move(st)); });
    const absl::Status st = fhv::FromGrpcStatus(done.get_future().get());
    if (!st.ok()) throw Exit{kCallFailed, Explain(st)};
  }

  std::unique_ptr<pb::Message> New(const pb::Descriptor& d) {
    return std::unique_ptr<pb::Message>(factory_.GetPrototype(&d)->New());
  }

 private:
  static std::string ReadToken() {
    std::string token;
    if (const std::string file = absl::GetFlag(FLAGS_token_file); !file.empty()) {
      std::ifstream in(file);
      if (!in) throw Exit{kUsage, absl::StrCat("cannot read --token_file ", file)};
      in >> token;
    } else if (const char* env = std::getenv("FHV_TOKEN"); env != nullptr) {
      token = env;
    }
    token = std::string(absl::StripAsciiWhitespace(token));
    if (token.empty()) {
      throw Exit{kUsage,
                 "no token: set FHV_TOKEN or --token_file (the local stack writes "
                 ".local/dev-token; tools/fhv-token mints others)"};
    }
    return token;
  }

  static std::map<std::string, std::string> ReadAddresses() {
    std::map<std::string, std::string> out;
    std::string path = absl::GetFlag(FLAGS_ports_file);
    if (path.empty()) {
      const char* dir = std::getenv("FHV_LOCAL_DIR");
      path = absl::StrCat(dir != nullptr ? dir : ".local", "/ports");
    }
    std::ifstream in(path);
    std::string service, grpc_port, metrics_port;
    while (in >> service >> grpc_port >> metrics_port) {
      out[service] = absl::StrCat(absl::GetFlag(FLAGS_host), ":", grpc_port);
    }
    for (const auto& [name, flag] : {std::pair{"recruitment", &FLAGS_recruitment},
                                     {"investigation", &FLAGS_investigation},
                                     {"placement", &FLAGS_placement},
                                     {"payments", &FLAGS_payments}}) {
      if (std::string a = absl::GetFlag(*flag); !a.empty()) out[name] = a;
    }
    return out;
  }

  std::shared_ptr<grpc::Channel> Channel(const pb::MethodDescriptor& method) {
    const std::string service = fhv::ctl::ServiceOf(method);
    auto it = addresses_.find(service);
    if (it == addresses_.end()) {
      throw Exit{kUsage, absl::StrCat("no address for ", service, ": give --", service,
                                      "=host:port or start the local stack (deploy/local/up)")};
    }
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
    if (const std::string ca = absl::GetFlag(FLAGS_ca_file); !ca.empty()) {
      std::ifstream in(ca);
      if (!in) throw Exit{kUsage, absl::StrCat("cannot read --ca_file ", ca)};
      grpc::SslCredentialsOptions options;
      options.pem_root_certs.assign(std::istreambuf_iterator<char>(in), {});
      creds = grpc::SslCredentials(options);
    }
    return grpc::CreateChannel(it->second, creds);
  }

  std::string token_;
  std::map<std::string, std::string> addresses_;
  pb::DynamicMessageFactory factory_;
};

const pb::MethodDescriptor& Method(const std::string& name) {
  auto m = fhv::ctl::FindMethod(name);
  if (!m.ok()) throw Exit{kUsage, std::string(m.status().message())};
  return **m;
}

std::string Json(const pb::Message& m, bool pretty) {
  pb::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!pb::util::MessageToJsonString(m, &out, options).ok()) return "{}";
  if (pretty && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void Check(const absl::Status& st) {
  if (!st.ok()) throw Exit{kUsage, std::string(st.message())};
}

int Resources() {
  std::vector<std::vector<std::string>> rows;
  for (const Resource& r : fhv::ctl::Resources()) {
    const auto& list = Method(r.list_rpc);
    rows.push_back({r.name, fhv::ctl::ServiceOf(list), list.name(),
                    r.get_rpc.empty() ? "" : Method(r.get_rpc).name()});
  }
  std::cout << fhv::ctl::Table({"resource", "service", "list", "get"}, rows);
  return 0;
}

int List(Client& client, const Resource& r, const std::vector<std::string>& filters) {
  const pb::MethodDescriptor& method = Method(r.list_rpc);
  auto request = client.New(*method.input_type());
  for (const std::string& f : filters) {
    const std::vector<std::string> kv = absl::StrSplit(f, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty()) {
      throw Exit{kUsage, absl::StrCat("filter '", f, "' is not field=value")};
    }
    Check(fhv::ctl::SetField(*request, kv[0], kv[1]));
  }
  Check(fhv::ctl::SetField(*request, "page_size", absl::StrCat(absl::GetFlag(FLAGS_page_size))));
  const pb::FieldDescriptor* items = fhv::ctl::RecordField(*method.output_type(), true);
  const bool json = absl::GetFlag(FLAGS_json);
  const int limit = absl::GetFlag(FLAGS_limit);
  const bool progress = isatty(STDERR_FILENO) != 0;
  std::vector<std::vector<std::string>> rows;
  int count = 0, pages = 0;
  for (;;) {
    auto response = client.New(*method.output_type());
    client.Call(method, *request, response.get());
    ++pages;
    const pb::Reflection& refl = *response->GetReflection();
    for (int i = 0; i < refl.FieldSize(*response, items) && (limit == 0 || count < limit); ++i) {
      const pb::Message& record = refl.GetRepeatedMessage(*response, items, i);
      ++count;
      if (json) {
        std::cout << Json(record, false) << "\n";
        continue;
      }
      std::vector<std::string> row;
      for (const std::string& c : r.columns) {
        auto text = fhv::ctl::FieldText(record, c);
        row.push_back(text.ok() ? *text : "?");
      }
      rows.push_back(std::move(row));
    }
    const std::string next =
        refl.GetString(*response, response->GetDescriptor()->FindFieldByName("next_page_token"));
    if (next.empty() || (limit > 0 && count >= limit)) break;
    if (progress)
      std::cerr << "\rfhvctl: " << count << " records, page " << pages << "..." << std::flush;
    Check(fhv::ctl::SetField(*request, "page_token", next));
  }
  if (progress && pages > 1) std::cerr << "\r\033[K";
  if (!json) {
    std::cout << fhv::ctl::Table(r.columns, rows);
    std::cerr << count << " " << r.name << "\n";
  }
  return 0;
}

int Get(Client& client, const Resource& r, const std::string& id) {
  if (r.get_rpc.empty()) throw Exit{kUsage, absl::StrCat(r.name, " can only be listed")};
  const pb::MethodDescriptor& method = Method(r.get_rpc);
  auto request = client.New(*method.input_type());
  Check(fhv::ctl::SetField(*request, r.get_id, id));
  auto response = client.New(*method.output_type());
  client.Call(method, *request, response.get());
  const pb::FieldDescriptor* field = fhv::ctl::RecordField(*method.output_type(), false);
  const pb::Message& record =
      field != nullptr ? response->GetReflection()->GetMessage(*response, field) : *response;
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << Json(record, true) << "\n";
    return 0;
  }
  // One row a field: scalars as text, lists of records by their number.
  std::vector<std::vector<std::string>> rows;
  const pb::Descriptor& d = *record.GetDescriptor();
  for (int i = 0; i < d.field_count(); ++i) {
    const pb::FieldDescriptor& f = *d.field(i);
    std::string text;
    if (f.is_repeated() && f.type() == pb::FieldDescriptor::TYPE_MESSAGE) {
      const int n = record.GetReflection()->FieldSize(record, &f);
      if (n > 0) text = absl::StrCat("(", n, " - see --json)");
    } else {
      text = fhv::ctl::FieldText(record, f.name()).value_or("?");
    }
    if (!text.empty()) rows.push_back({f.name(), text});
  }
  std::cout << fhv::ctl::Table({"field", "value"}, rows);
  return 0;
}

int CallJson(Client& client, const std::string& name, std::string body) {
  const pb::MethodDescriptor& method = Method(name);
  if (body == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), {});
  }
  auto request = client.New(*method.input_type());
  if (!body.empty()) {
    const auto st = pb::util::JsonStringToMessage(body, request.get());
    if (!st.ok()) {
      throw Exit{kUsage, absl::StrCat("the request is not a ", method.input_type()->full_name(),
                                      " in JSON: ", st.message().as_string())};
    }
  }
  auto response = client.New(*method.output_type());
  client.Call(method, *request, response.get());
  std::cout << Json(*response, true) << "\n";
  return 0;
}

int Run(const std::vector<std::string>& args) {
  const std::string usage =
      "usage: fhvctl [flags] resources | list <resource> [field=value ...] | get <resource> <id> "
      "| call <Service/Method> [json|-]  (fhvctl --help for the flags)";
  if (args.empty()) throw Exit{kUsage, usage};
  const std::string& verb = args[0];
  if (verb == "resources" && args.size() == 1) return Resources();
  if (verb == "call" && (args.size() == 2 || args.size() == 3)) {
    Client client;
    return CallJson(client, args[1], args.size() == 3 ? args[2] : "");
  }
  if ((verb == "list" && args.size() >= 2) || (verb == "get" && args.size() == 3)) {
    auto resource = fhv::ctl::FindResource(args[1]);
    if (!resource.ok()) throw Exit{kUsage, std::string(resource.status().message())};
    Client client;
    if (verb == "get") return Get(client, **resource, args[2]);
    return List(client, **resource, {args.begin() + 2, args.end()});
  }
  throw Exit{kUsage, usage};
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the fhv suite's command-line client: fhvctl resources | list <resource> [field=value ...] "
      "| get <resource> <id> | call <Service/Method> [json|-]");
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  try {
    return Run({positional.begin() + 1, positional.end()});
  } catch (const Exit& e) {
    std::cerr << "fhvctl: " << e.message << "\n";
    return e.code;
  }
}
