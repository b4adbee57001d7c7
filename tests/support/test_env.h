#pragma once

// Support for integration and end-to-end tests: throwaway databases in the
// PostgreSQL that tests/run starts (FHV_TEST_PG_DSN), test signing keys, and the
// real service binaries as child processes.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/db/connection.h"

namespace fhv::testing {

// The superuser DSN of the test cluster; the test fails (not skips) without it.
std::string AdminDsn();

// A fresh database with one schema per named service, each owned by a login role
// of its own made for this database; database and roles are dropped at destruction.
class TestDatabase {
 public:
  // On the cluster of `admin_dsn` (a superuser's DSN); empty: AdminDsn().
  explicit TestDatabase(const std::vector<std::string>& services, std::string admin_dsn = "");
  ~TestDatabase();
  const std::string& name() const { return name_; }
  // DSN as the service's own role.
  std::string Dsn(const std::string& service) const;
  // The service's role name.
  std::string Role(const std::string& service) const { return name_ + "_" + service; }
  // DSN as the superuser (for tampering and inspection).
  std::string AdminDsnForDb() const;
  // Opens a connection as the superuser, failing the test on error.
  std::unique_ptr<db::Connection> Admin() const;
  // The single number a `SELECT count(*) ...` returns, as the superuser; -1 (and a test
  // failure) on error.
  int64_t Count(const std::string& sql) const;

 private:
  std::string admin_dsn_;
  std::string name_;
  std::vector<std::string> services_;
};

// An EC key pair written to a temporary directory, and tokens signed with it.
class TestKeys {
 public:
  TestKeys();
  ~TestKeys();
  const std::string& private_pem_path() const { return private_path_; }
  const std::string& public_pem_path() const { return public_path_; }  // kid "test"
  const auth::TokenSigner& signer() const { return *signer_; }
  // A token for `principal` valid for an hour from now.
  std::string Mint(const auth::Principal& principal) const;

 private:
  std::string dir_;
  std::string private_path_;
  std::string public_path_;
  std::unique_ptr<auth::TokenSigner> signer_;
};

// Principals for tests.
auth::Principal Recruiter(const std::string& org_id = "2418");
auth::Principal Admin(const std::string& org_id = "2418");
auth::Principal Service();
// An admin of the suite itself (kind internal): organisations and regions.
auth::Principal SuiteAdmin();

// A service binary running as a child process, started with its ready file.
class ServiceProcess {
 public:
  // Starts bin/<binary> with `args` (plus --grpc_address/--metrics_address on
  // port 0 and --ready_file) and waits until it is ready or has exited.
  ServiceProcess(std::string binary, std::vector<std::string> args, int grpc_port = 0);
  ~ServiceProcess();  // SIGKILL if still running.

  // Starts (again) and waits until ready; returns false if it exited first.
  bool Start(absl::Duration timeout = absl::Seconds(30));
  // SIGTERM and wait; returns the exit status (or -1 after a SIGKILL on timeout).
  int Stop(absl::Duration timeout = absl::Seconds(20));
  // SIGKILL and wait.
  void Kill();
  // Sends SIGTERM without waiting; Wait() collects the exit status.
  void Terminate();
  // Waits for the process to exit; its exit code, or -1.
  int Wait(absl::Duration timeout = absl::Seconds(30));
  bool running() const { return pid_ > 0; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  std::string address() const;
  // Everything the process wrote to stderr/stdout so far.
  std::string Log() const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::string dir_;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int fixed_port_ = 0;
};

// The exit code (-1 if it did not exit) and the output, stdout and stderr, of a command.
struct RunResult {
  int exit_code = -1;
  std::string output;
};
// Runs the shell command `command` to completion.
RunResult RunCommand(const std::string& command);
// Runs `bin/<binary> args...` to completion.
RunResult RunBinary(const std::string& binary, const std::vector<std::string>& args);

// GET http://127.0.0.1:<port><path>, the body ("" on error).
std::string HttpGet(int port, const std::string& path);

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace fhv::testing
