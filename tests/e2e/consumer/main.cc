// fhv-test-consumer: a minimal consuming service for the end-to-end outbox tests. It
// applies fhv.recruitment.v1.ApplicantRegisteredEvent by inserting one row into
// test_consumer.effects, through the same EventSink as the real services. It refuses,
// every time, events of applicants who want to be a contact person for an adult.

#include "common/server/server.h"
#include "fhv/recruitment/v1/events.pb.h"

namespace fhv::testconsumer {
const std::vector<db::MigrationFile>& Migrations();
}

int main(int argc, char** argv) {
  return fhv::server::Main(
      argc, argv,
      {.name = "test_consumer",
       .migrations = &fhv::testconsumer::Migrations(),
       .make_services =
           [](fhv::server::Runtime&) { return std::vector<std::unique_ptr<grpc::Service>>{}; },
       .consume =
           [](fhv::server::Runtime&, fhv::events::EventSink& sink) {
             sink.On(
                 "fhv.recruitment.v1.ApplicantRegisteredEvent",
                 [](fhv::server::CallContext&, fhv::db::Connection& conn,
                    const fhv::common::v1::EventEnvelope& event) -> absl::Status {
                   fhv::recruitment::v1::ApplicantRegisteredEvent payload;
                   if (!event.payload().UnpackTo(&payload)) {
                     return absl::InvalidArgumentError("payload does not parse");
                   }
                   // A poison event for the tests: refused every time.
                   for (int kind : payload.wanted_assignments()) {
                     if (kind == fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT) {
                       return absl::FailedPreconditionError("refused by the test consumer");
                     }
                   }
                   static const fhv::db::Statement insert{
                       "insert_effect",
                       "INSERT INTO test_consumer.effects (event_id, applicant_id) "
                       "VALUES ($1::uuid, $2)"};
                   return conn.Exec(insert, {event.event_id(), payload.applicant_id()}).status();
                 });
           }});
}
