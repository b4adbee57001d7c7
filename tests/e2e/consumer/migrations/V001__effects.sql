-- One row per applied ApplicantRegisteredEvent: the effect whose count the tests check.
CREATE TABLE test_consumer.effects (
  event_id     uuid PRIMARY KEY,
  applicant_id text NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT now()
);
