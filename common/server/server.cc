#include "common/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/audit/audit.h"
#include "common/auth/jwt.h"
#include "common/auth/token_cache.h"
#include "common/db/pool.h"
#include "common/events/outbox.h"
#include "common/metrics/metrics.h"
#include "common/server/config.h"
#include "common/server/peers.h"
#include "common/util/log.h"
#include "google/protobuf/descriptor.h"

namespace fhv::server {
namespace {

// Counts every RPC (health and reflection included) by method and final code.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info, metrics::Metrics* m)
      : metrics_(m), start_(absl::Now()) {
    std::vector<std::string> parts = absl::StrSplit(info->method(), '/', absl::SkipEmpty());
    service_ = "unknown";
    method_ = "unknown";
    // Labels only for methods the server knows: a client-chosen name never becomes a label.
    if (parts.size() == 2 && IsKnownMethod(parts[0], parts[1])) {
      service_ = parts[0];
      method_ = parts[1];
    }
    switch (info->type()) {
      case grpc::experimental::ServerRpcInfo::Type::UNARY:
        type_ = "unary";
        break;
      case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING:
        type_ = "client_stream";
        break;
      case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING:
        type_ = "server_stream";
        break;
      default:
        type_ = "bidi_stream";
    }
  }
  ~MetricsInterceptor() override {
    if (!handled_) Handled("CANCELLED");
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      metrics_->RpcStarted(service_, method_, type_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Handled(CodeName(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  static bool IsKnownMethod(const std::string& service, const std::string& method) {
    if (service == "grpc.health.v1.Health") return method == "Check" || method == "Watch";
    return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(service + "." +
                                                                                method) != nullptr;
  }
  static std::string CodeName(grpc::StatusCode code) {
    std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
    for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(c));
    return name;
  }
  void Handled(const std::string& code) {
    handled_ = true;
    metrics_->RpcHandled(service_, method_, type_, code,
                         absl::ToDoubleSeconds(absl::Now() - start_));
  }

  metrics::Metrics* metrics_;
  absl::Time start_;
  std::string service_, method_, type_;
  bool handled_ = false;
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(metrics::Metrics* m) : metrics_(m) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  metrics::Metrics* metrics_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Fail(absl::string_view what, const absl::Status& status) {
  log::Error(what, {{"error", status.message()}});
  std::cerr << "fhv: " << what << ": " << status.message() << "\n";
  return 1;
}

std::string KidOf(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  for (absl::string_view suffix : {".pub.pem", ".pem"}) {
    if (absl::EndsWith(base, suffix)) return base.substr(0, base.size() - suffix.size());
  }
  return base;
}

}  // namespace

int Main(int argc, char** argv, const ServiceSpec& spec) {
  absl::ParseCommandLine(argc, argv);
  log::SetService(spec.name);
  auto config = ConfigFromFlags();
  if (!config.ok()) return Fail("bad configuration", config.status());

  metrics::Metrics metrics;
  if (config->migrate || config->verify_audit) {
    // Migrations may wait for each other's advisory lock and run long statements.
    auto conn = db::Connection::Open(config->database_dsn, nullptr, absl::ZeroDuration(),
                                     absl::ZeroDuration());
    if (!conn.ok()) return Fail("cannot connect to the database", conn.status());
    if (config->migrate) {
      absl::Status st = db::Migrate(**conn, spec.name, *spec.migrations);
      if (!st.ok()) return Fail("migration refused", st);
      std::cout << "fhv-" << spec.name << ": schema " << spec.name << " is up to date\n";
      return 0;
    }
    auto report = audit::Verify(**conn, spec.name);
    if (!report.ok()) return Fail("audit verification failed", report.status());
    std::cout << "{\"rows\":" << report->rows << ",\"chains\":" << report->chains
              << ",\"ok\":" << (report->ok() ? "true" : "false") << ",\"problems\":[";
    for (size_t i = 0; i < report->problems.size(); ++i) {
      std::string escaped;
      log::AppendJsonEscaped(escaped, report->problems[i]);
      std::cout << (i ? "," : "") << "\"" << escaped << "\"";
    }
    std::cout << "]}\n";
    return report->ok() ? 0 : 2;
  }

  // Block the stop signals in every thread started from here on; the main thread
  // waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Refuse to serve a schema that is behind this binary.
  {
    auto conn = db::Connection::Open(config->database_dsn, nullptr);
    if (!conn.ok()) return Fail("cannot connect to the database", conn.status());
    if (auto st = db::CheckMigrated(**conn, spec.name, *spec.migrations); !st.ok()) {
      return Fail("the database schema is not ready", st);
    }
  }

  auto verifier =
      auth::TokenVerifier::FromFiles(config->jwt_public_keys, {.issuer = config->jwt_issuer});
  if (!verifier.ok()) return Fail("bad JWT public keys", verifier.status());
  auth::VerifiedTokens tokens(*verifier);
  std::optional<auth::TokenSigner> signer;
  if (!config->service_key.empty()) {
    auto s = auth::TokenSigner::FromFile(config->service_key, KidOf(config->service_key),
                                         config->jwt_issuer);
    if (!s.ok()) return Fail("bad --service_key", s.status());
    signer.emplace(*std::move(s));
  }
  auth::ServiceTokens service_tokens(signer ? &*signer : nullptr, spec.name, &Clock::System());
  auto router = events::Router::WithExtra(spec.routes, config->extra_routes);
  if (!router.ok()) return Fail("bad --extra_routes", router.status());

  auto metrics_port = metrics.Serve(config->metrics_address);
  if (!metrics_port.ok()) return Fail("cannot serve metrics", metrics_port.status());

  audit::GroupCommitter audit_committer(config->database_dsn, spec.name, &metrics);
  db::Pool pool({.dsn = config->database_dsn,
                 .size = config->pool_size,
                 .acquire_timeout = config->pool_acquire_timeout,
                 .max_waiting = config->pool_max_waiting,
                 .statement_timeout = config->statement_timeout},
                &metrics);
  Runtime rt{.service = spec.name,
             .schema = spec.name,
             .error_domain = absl::StrCat(spec.name, ".fhv"),
             .clock = &Clock::System(),
             .metrics = &metrics,
             .pool = &pool,
             .tokens = &tokens,
             .audit = &audit_committer,
             .router = &*router,
             .gauge_refresh = config->gauge_refresh};

  if (spec.prepare) {
    if (auto st = spec.prepare(rt); !st.ok()) return Fail("cannot prepare the service", st);
  }

  std::shared_ptr<grpc::ChannelCredentials> peer_creds = grpc::InsecureChannelCredentials();
  if (!config->peer_ca.empty()) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = ReadFile(config->peer_ca);
    if (!config->tls_cert.empty()) {  // for peers that require client certificates
      o.pem_cert_chain = ReadFile(config->tls_cert);
      o.pem_private_key = ReadFile(config->tls_key);
    }
    peer_creds = grpc::SslCredentials(o);
  }
  Peers peers(config->peers, peer_creds, &service_tokens);
  rt.peers = &peers;
  events::Dispatcher dispatcher({.dsn = config->database_dsn,
                                 .schema = spec.name,
                                 .source = spec.name,
                                 .peers = config->peers,
                                 .channel_credentials = peer_creds,
                                 .tokens = &service_tokens},
                                rt.clock, &metrics);
  for (const auto& dest : router->AllDestinations()) {
    if (!config->peers.contains(dest)) {
      log::Warn("events are routed to a service without an address in --peers",
                {{"destination", dest}});
    }
  }

  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (!config->tls_cert.empty()) {
    grpc::SslServerCredentialsOptions o(
        config->tls_client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                      : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    o.pem_key_cert_pairs.push_back({ReadFile(config->tls_key), ReadFile(config->tls_cert)});
    if (!config->tls_client_ca.empty()) o.pem_root_certs = ReadFile(config->tls_client_ca);
    creds = grpc::SslServerCredentials(o);
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  builder.AddListeningPort(config->grpc_address, creds, &grpc_port);
  builder.SetMaxReceiveMessageSize(8 << 20);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<MetricsInterceptorFactory>(&metrics));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::vector<std::unique_ptr<grpc::Service>> services = spec.make_services(rt);
  std::vector<std::string> service_names;
  for (auto& s : services) builder.RegisterService(s.get());
  events::EventSink sink(rt);
  if (spec.consume) spec.consume(rt, sink);
  if (!sink.empty()) builder.RegisterService(&sink);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || grpc_port == 0) {
    return Fail("cannot start the gRPC server",
                absl::UnavailableError(absl::StrCat("cannot listen on ", config->grpc_address)));
  }
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus(false);

  // Health: SERVING only while the database answers.
  std::atomic<bool> stopping{false};
  absl::Notification first_check;
  std::thread health_thread([&] {
    std::unique_ptr<db::Connection> conn;
    const db::Statement ping{"health_ping", "SELECT 1"};
    bool serving = false;
    while (!stopping) {
      bool ok = false;
      if (conn == nullptr || !conn->Healthy()) {
        conn.reset();
        if (auto c = db::Connection::Open(config->database_dsn, nullptr, absl::Seconds(2));
            c.ok()) {
          conn = *std::move(c);
        }
      }
      if (conn != nullptr) ok = conn->Exec(ping).ok();
      if (ok != serving && !stopping) {
        serving = ok;
        health->SetServingStatus(ok);
        log::Write(ok ? log::Level::kInfo : log::Level::kWarn,
                   ok ? "database reachable: SERVING" : "database unreachable: NOT_SERVING");
      }
      if (!first_check.HasBeenNotified()) first_check.Notify();
      for (int i = 0; i < 10 && !stopping; ++i) absl::SleepFor(absl::Milliseconds(100));
    }
  });
  first_check.WaitForNotification();
  dispatcher.Start();

  log::Info("serving", {{"grpc_port", std::to_string(grpc_port)},
                        {"metrics_port", std::to_string(*metrics_port)},
                        {"tls", config->tls_cert.empty() ? "off" : "on"}});
  if (!config->ready_file.empty()) {
    const std::string tmp = config->ready_file + ".tmp";
    std::ofstream(tmp) << "{\"pid\":" << getpid() << ",\"grpc_port\":" << grpc_port
                       << ",\"metrics_port\":" << *metrics_port << "}\n";
    std::rename(tmp.c_str(), config->ready_file.c_str());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::Info("stopping: draining in-flight calls",
            {{"signal", std::to_string(sig)},
             {"drain_seconds", std::to_string(absl::ToInt64Seconds(config->drain_timeout))}});
  stopping = true;
  health->SetServingStatus(false);
  // Stops taking calls; cancels those still running at the deadline.
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoMilliseconds(config->drain_timeout));
  server->Wait();
  health_thread.join();
  dispatcher.Stop();
  if (!config->ready_file.empty()) std::remove(config->ready_file.c_str());
  log::Info("stopped");
  return 0;
}

}  // namespace fhv::server
