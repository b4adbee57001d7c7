#include "tests/support/test_env.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace fhv::testing {
namespace {

std::string MakeTempDir() {
  char tmpl[] = "/tmp/fhv-test-XXXXXX";
  char* dir = mkdtemp(tmpl);
  if (dir == nullptr) std::abort();
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int JsonInt(const std::string& json, const std::string& key) {
  const std::string needle = absl::StrCat("\"", key, "\":");
  size_t at = json.find(needle);
  if (at == std::string::npos) return 0;
  at += needle.size();
  size_t end = json.find_first_of(",}", at);
  int v = 0;
  (void)absl::SimpleAtoi(json.substr(at, end - at), &v);
  return v;
}

void Exec(db::Connection& conn, const std::string& sql) {
  absl::Status st = conn.ExecScript(sql);
  ASSERT_TRUE(st.ok()) << sql << ": " << st;
}

}  // namespace

std::string AdminDsn() {
  const char* dsn = std::getenv("FHV_TEST_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    ADD_FAILURE() << "FHV_TEST_PG_DSN is not set: run the tests through tests/run";
    return "";
  }
  return dsn;
}

TestDatabase::TestDatabase(const std::vector<std::string>& services, std::string admin_dsn)
    : admin_dsn_(admin_dsn.empty() ? AdminDsn() : std::move(admin_dsn)), services_(services) {
  absl::BitGen gen;
  name_ = absl::StrCat("fhv_t_", absl::Uniform<uint64_t>(gen));
  auto admin = db::Connection::Open(admin_dsn_, nullptr);
  if (!admin.ok()) {
    ADD_FAILURE() << "cannot reach the test database: " << admin.status();
    return;
  }
  Exec(**admin, absl::StrCat("CREATE DATABASE ", name_));
  for (const auto& s : services) {
    Exec(**admin, absl::StrCat("CREATE ROLE ", Role(s), " LOGIN"));
    Exec(**admin, absl::StrCat("GRANT CONNECT ON DATABASE ", name_, " TO ", Role(s)));
  }
  auto conn = db::Connection::Open(AdminDsnForDb(), nullptr);
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot reach the test database: " << conn.status();
    return;
  }
  Exec(**conn, "REVOKE ALL ON SCHEMA public FROM PUBLIC");
  for (const auto& s : services) {
    Exec(**conn, absl::StrCat("CREATE SCHEMA ", s, " AUTHORIZATION ", Role(s)));
  }
}

TestDatabase::~TestDatabase() {
  auto admin = db::Connection::Open(admin_dsn_, nullptr);
  if (!admin.ok()) return;
  (void)(*admin)->ExecScript(absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
  for (const auto& s : services_) {
    (void)(*admin)->ExecScript(absl::StrCat("DROP ROLE IF EXISTS ", Role(s)));
  }
}

std::string TestDatabase::Dsn(const std::string& service) const {
  return absl::StrCat(admin_dsn_, " dbname=", name_, " user=", Role(service));
}

std::string TestDatabase::AdminDsnForDb() const {
  return absl::StrCat(admin_dsn_, " dbname=", name_);
}

std::unique_ptr<db::Connection> TestDatabase::Admin() const {
  auto conn = db::Connection::Open(AdminDsnForDb(), nullptr);
  EXPECT_TRUE(conn.ok()) << conn.status();
  return conn.ok() ? *std::move(conn) : nullptr;
}

int64_t TestDatabase::Count(const std::string& sql) const {
  auto admin = Admin();
  if (admin == nullptr) return -1;
  auto r = admin->Exec({"count", sql});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->Int64(0, 0) : -1;
}

TestKeys::TestKeys() : dir_(MakeTempDir()) {
  auto pair = auth::GenerateEcKeyPair();
  if (!pair.ok()) std::abort();
  private_path_ = dir_ + "/test.pem";
  public_path_ = dir_ + "/test.pub.pem";
  std::ofstream(private_path_) << pair->first;
  std::ofstream(public_path_) << pair->second;
  auto signer = auth::TokenSigner::Create(pair->first, "test", "fhv-test");
  if (!signer.ok()) std::abort();
  signer_ = std::make_unique<auth::TokenSigner>(*std::move(signer));
}

TestKeys::~TestKeys() {
  std::remove(private_path_.c_str());
  std::remove(public_path_.c_str());
  rmdir(dir_.c_str());
}

std::string TestKeys::Mint(const auth::Principal& principal) const {
  auto token = signer_->Mint(principal, absl::Now(), absl::Hours(1));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

auth::Principal Recruiter(const std::string& org_id) {
  auth::Principal p;
  p.user = absl::StrCat("recruiter-", org_id);
  p.org_id = org_id;
  p.org_kind = org_id.size() == 10 ? auth::OrgKind::kAgency : auth::OrgKind::kMunicipality;
  p.roles = {"recruiter"};
  return p;
}

auth::Principal Admin(const std::string& org_id) {
  auth::Principal p = Recruiter(org_id);
  p.user = "admin-" + org_id;
  p.roles = {"admin"};
  return p;
}

auth::Principal SuiteAdmin() {
  auth::Principal p;
  p.user = "suite-admin";
  p.org_id = "fhv";
  p.org_kind = auth::OrgKind::kInternal;
  p.roles = {"admin"};
  return p;
}

auth::Principal Service() {
  auth::Principal p;
  p.user = "service:test";
  p.org_id = "fhv";
  p.org_kind = auth::OrgKind::kInternal;
  p.roles = {"service"};
  return p;
}

ServiceProcess::ServiceProcess(std::string binary, std::vector<std::string> args, int grpc_port)
    : binary_(std::move(binary)),
      args_(std::move(args)),
      dir_(MakeTempDir()),
      fixed_port_(grpc_port) {
  EXPECT_TRUE(Start()) << binary_ << " did not become ready:\n" << Log();
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ServiceProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

std::string ServiceProcess::Log() const { return ReadAll(dir_ + "/log"); }

bool ServiceProcess::Start(absl::Duration timeout) {
  const std::string ready = dir_ + "/ready";
  std::remove(ready.c_str());
  std::vector<std::string> argv = {
      absl::StrCat(FHV_BIN_DIR, "/", binary_),
      absl::StrCat("--grpc_address=127.0.0.1:", fixed_port_ ? fixed_port_ : grpc_port_),
      "--metrics_address=127.0.0.1:0", absl::StrCat("--ready_file=", ready)};
  argv.insert(argv.end(), args_.begin(), args_.end());
  pid_ = fork();
  if (pid_ == 0) {
    // The service dies with the test, even when the test crashes.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = open((dir_ + "/log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    const std::string json = ReadAll(ready);
    if (!json.empty()) {
      grpc_port_ = JsonInt(json, "grpc_port");
      metrics_port_ = JsonInt(json, "metrics_port");
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  Kill();
  return false;
}

int ServiceProcess::Stop(absl::Duration timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  Kill();
  return -1;
}

void ServiceProcess::Terminate() {
  if (pid_ > 0) kill(pid_, SIGTERM);
}

int ServiceProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (pid_ > 0 && absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return -1;
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

RunResult RunBinary(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<std::string> parts = {absl::StrCat(FHV_BIN_DIR, "/", binary)};
  parts.insert(parts.end(), args.begin(), args.end());
  std::string cmd;
  for (const auto& p : parts) absl::StrAppend(&cmd, "'", p, "' ");
  return RunCommand(cmd);
}

RunResult RunCommand(const std::string& command) {
  const std::string cmd = absl::StrCat(command, " 2>&1");
  RunResult result;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string req =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  (void)!write(fd, req.data(), req.size());
  std::string resp;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, n);
  close(fd);
  const size_t body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

}  // namespace fhv::testing
