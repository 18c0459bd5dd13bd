-- The budget becomes a sliding log: one row per granted call, so "at most N in any windowMs" holds exactly,
-- as servers count it. A fixed window lets twice the limit through around a window boundary.
CREATE TABLE rate_calls (
  key      text NOT NULL,
  -- Budgets are per target account; the tenant is not known to the port (as in rate_budgets).
  tenant_id text,
  rule     text NOT NULL,
  at       timestamptz NOT NULL
);
CREATE INDEX rate_calls_key_rule_at_idx ON rate_calls (key, rule, at);
