-- Which changed agreements a run rechecked, at which version: its approval clears exactly those
-- marks, so a change that came after the calculation is corrected by a later run.
CREATE TABLE payments.run_recheck (
  run_id       uuid   NOT NULL REFERENCES payments.payment_run (id),
  agreement_id uuid   NOT NULL,
  version      bigint NOT NULL,
  PRIMARY KEY (run_id, agreement_id)
);

-- The claims a run pays, and the claims and pre-approvals of an agency's homes.
CREATE INDEX reimbursement_run ON payments.reimbursement (payment_run_id)
  WHERE payment_run_id IS NOT NULL;
CREATE INDEX reimbursement_agency ON payments.reimbursement (agency_id, created_at DESC, id)
  WHERE agency_id <> '';
CREATE INDEX purchase_approval_agency ON payments.purchase_approval (agency_id, id)
  WHERE agency_id <> '';
