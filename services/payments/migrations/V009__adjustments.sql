-- Corrections of earlier months. An agreement changed back in time is marked from the first day
-- the change concerns; the next run compares each earlier month an approved run paid with what
-- the agreement gives for it now, adds the differences as adjustment lines, and its approval
-- clears the mark.

ALTER TABLE payments.agreement ADD COLUMN recheck_from date;
CREATE INDEX agreement_recheck ON payments.agreement (paying_municipality_id)
  WHERE recheck_from IS NOT NULL;

ALTER TABLE payments.payment_line ADD COLUMN adjustment boolean NOT NULL DEFAULT false;
