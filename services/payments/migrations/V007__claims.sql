-- A home's claims: receipts (files with their SHA-256), purchase pre-approvals and
-- reimbursements. Each record is one stored message with indexed columns beside it.

CREATE TABLE payments.receipt (
  id               uuid        PRIMARY KEY,
  home_id          text        NOT NULL,
  uploader_kind    text        NOT NULL,  -- the uploader's organisation kind and id
  uploader_org     text        NOT NULL,
  reimbursement_id uuid,                  -- set once, when a claim attaches it
  created_at       timestamptz NOT NULL,
  content          bytea       NOT NULL,
  body             bytea       NOT NULL   -- fhv.payments.v1.Receipt
);
-- Receipts never attached, oldest first, for the 30-day clean-up.
CREATE INDEX receipt_unattached ON payments.receipt (created_at) WHERE reimbursement_id IS NULL;

CREATE TABLE payments.purchase_approval (
  id                     uuid        PRIMARY KEY,
  agreement_id           uuid        NOT NULL REFERENCES payments.agreement (id),
  home_id                text        NOT NULL,
  paying_municipality_id text        NOT NULL,
  agency_id              text        NOT NULL,  -- '' for a municipality's own home
  state                  text        NOT NULL,
  version                bigint      NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  body                   bytea       NOT NULL  -- fhv.payments.v1.PurchaseApproval
);
CREATE INDEX purchase_approval_payer ON payments.purchase_approval (paying_municipality_id, id);
CREATE INDEX purchase_approval_home ON payments.purchase_approval (home_id, id);

CREATE TABLE payments.reimbursement (
  id                     uuid        PRIMARY KEY,
  agreement_id           uuid        NOT NULL REFERENCES payments.agreement (id),
  home_id                text        NOT NULL,
  paying_municipality_id text        NOT NULL,
  agency_id              text        NOT NULL,  -- '' for a municipality's own home
  kind                   text        NOT NULL,
  state                  text        NOT NULL,
  payment_run_id         uuid,                  -- the approved run that pays it
  version                bigint      NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  body                   bytea       NOT NULL   -- fhv.payments.v1.Reimbursement
);
CREATE INDEX reimbursement_payer ON payments.reimbursement (paying_municipality_id, created_at DESC, id);
CREATE INDEX reimbursement_home ON payments.reimbursement (home_id, created_at DESC, id);
-- What the next run of a payer pays.
CREATE INDEX reimbursement_payable ON payments.reimbursement (paying_municipality_id)
  WHERE state = 'REIMBURSEMENT_STATE_APPROVED' AND payment_run_id IS NULL AND agency_id = '';
