-- Per-tenant API tokens: a merchant's own key to the admin API, reaching only that tenant's routes (DESIGN.md §2.11).
-- Only a SHA-256 of the token's secret part is kept; the token itself is shown once, when issued.
CREATE TABLE tenant_tokens (
  token_id     text PRIMARY KEY,
  tenant_id    text NOT NULL REFERENCES tenants (tenant_id),
  secret_hash  text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  label        text NOT NULL,
  created_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  UNIQUE (tenant_id, token_id)
);
CREATE INDEX tenant_tokens_tenant_idx ON tenant_tokens (tenant_id);
