// TLS and mutual TLS on a real binary, with certificates made at test time.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A CA, a server certificate for 127.0.0.1 and a client certificate, all P-256.
class Certs {
 public:
  Certs() {
    char tmpl[] = "/tmp/fhv-tls-XXXXXX";
    dir_ = mkdtemp(tmpl);
    const std::string d = dir_;
    const std::string script = absl::StrCat(
        "set -e; cd ", d, "; ",
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=fhv-test-ca -keyout ca.key -out ca.pem 2>/dev/null; ",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost "
        "-keyout server.key -out server.csr 2>/dev/null; ",
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > server.ext; ",
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
        "-extfile server.ext -out server.pem 2>/dev/null; ",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=agency "
        "-keyout client.key -out client.csr 2>/dev/null; ",
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
        "-out client.pem 2>/dev/null");
    ok_ = std::system(script.c_str()) == 0;
  }
  ~Certs() { std::system(absl::StrCat("rm -rf ", dir_).c_str()); }
  bool ok() const { return ok_; }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
  bool ok_ = false;
};

grpc::StatusCode Call(std::shared_ptr<grpc::ChannelCredentials> creds, const std::string& address,
                      const std::string& token) {
  auto stub =
      fhv::recruitment::v1::RecruitmentService::NewStub(grpc::CreateChannel(address, creds));
  fhv::recruitment::v1::ListInterestsResponse resp;
  return stub->ListInterests(Ctx(token).get(), {}, &resp).error_code();
}

class TlsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certs_.ok()) << "openssl could not make the test certificates";
    auto r =
        RunBinary("fhv-recruitment", {"--migrate", "--database_dsn=" + db_.Dsn("recruitment")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  std::vector<std::string> Args() const {
    return {"--database_dsn=" + db_.Dsn("recruitment"),
            "--jwt_public_keys=" + keys_.public_pem_path(), "--jwt_issuer=fhv-test",
            "--tls_cert=" + certs_.Path("server.pem"), "--tls_key=" + certs_.Path("server.key")};
  }
  std::shared_ptr<grpc::ChannelCredentials> Tls(bool with_client_cert) const {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = Read(certs_.Path("ca.pem"));
    if (with_client_cert) {
      o.pem_private_key = Read(certs_.Path("client.key"));
      o.pem_cert_chain = Read(certs_.Path("client.pem"));
    }
    return grpc::SslCredentials(o);
  }

  Certs certs_;
  TestDatabase db_{{"recruitment"}};
  TestKeys keys_;
};

TEST_F(TlsE2E, ServesTlsAndRefusesPlaintext) {
  ServiceProcess server("fhv-recruitment", Args());
  ASSERT_TRUE(server.running()) << server.Log();
  const std::string token = keys_.Mint(Recruiter());
  EXPECT_EQ(Call(Tls(false), server.address(), token), grpc::StatusCode::OK);
  EXPECT_EQ(Call(grpc::InsecureChannelCredentials(), server.address(), token),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsE2E, MutualTlsRequiresAClientCertificate) {
  std::vector<std::string> args = Args();
  args.push_back("--tls_client_ca=" + certs_.Path("ca.pem"));
  ServiceProcess server("fhv-recruitment", args);
  ASSERT_TRUE(server.running()) << server.Log();
  const std::string token = keys_.Mint(Recruiter());
  EXPECT_EQ(Call(Tls(true), server.address(), token), grpc::StatusCode::OK);
  EXPECT_EQ(Call(Tls(false), server.address(), token), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace fhv::testing
