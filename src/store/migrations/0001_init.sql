-- ml-connector schema v1. One PostgreSQL dialect for PGlite and PostgreSQL (DESIGN.md §3).
-- Rules kept here: every table carries tenant_id (§2.11); ids are text; no float columns (§2.6);
-- timestamps are timestamptz; secrets live only in connections.secrets_sealed (AES-256-GCM, see sealer.ts).
-- Child rows reference their parent by (tenant_id, id), so the database itself refuses a row that points
-- at another tenant's connection or integration.

CREATE TABLE tenants (
  tenant_id   text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE connections (
  id              text PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (tenant_id),
  system          text NOT NULL CHECK (system IN ('shopify', 'woocommerce', 'shipstation', 'zoho-books', 'quickbooks')),
  role            text NOT NULL CHECK (role IN ('source', 'target')),
  label           text NOT NULL,
  status          text NOT NULL CHECK (status IN ('active', 'needs_reauth', 'disabled')),
  status_reason   text,
  config          jsonb NOT NULL,
  -- `v1:<keyId>:<iv>:<tag>:<ciphertext>`; never plaintext.
  secrets_sealed  text NOT NULL CHECK (secrets_sealed LIKE 'v1:%'),
  webhook_key     text NOT NULL UNIQUE,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  UNIQUE (tenant_id, id)
);

CREATE TABLE integrations (
  id                    text PRIMARY KEY,
  tenant_id             text NOT NULL REFERENCES tenants (tenant_id),
  source_connection_id  text NOT NULL,
  target_connection_id  text NOT NULL,
  enabled               boolean NOT NULL,
  settings              jsonb NOT NULL,
  created_at            timestamptz NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, source_connection_id) REFERENCES connections (tenant_id, id),
  FOREIGN KEY (tenant_id, target_connection_id) REFERENCES connections (tenant_id, id)
);
CREATE INDEX integrations_source_idx ON integrations (tenant_id, source_connection_id);
CREATE INDEX integrations_target_idx ON integrations (tenant_id, target_connection_id);

CREATE TABLE inbox_events (
  id             text PRIMARY KEY,
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  connection_id  text NOT NULL,
  delivery_id    text NOT NULL,
  topic          text NOT NULL,
  entity_type    text NOT NULL CHECK (entity_type IN ('order', 'customer', 'product', 'refund', 'shipment')),
  source_id      text NOT NULL,
  payload        text NOT NULL,
  headers        jsonb NOT NULL,
  received_at    timestamptz NOT NULL,
  triggered_at   timestamptz,
  enqueued_at    timestamptz,
  -- Tie-breaker for "oldest first" when several events share a received_at.
  seq            bigint GENERATED ALWAYS AS IDENTITY,
  UNIQUE (connection_id, delivery_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
);
-- The recovery sweep (listUnenqueued) reads only the few rows a crash left behind.
CREATE INDEX inbox_events_unenqueued_idx ON inbox_events (received_at, seq) WHERE enqueued_at IS NULL;

CREATE TABLE sync_records (
  id              text PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (tenant_id),
  integration_id  text NOT NULL,
  entity_type     text NOT NULL CHECK (entity_type IN ('order', 'customer', 'product', 'refund', 'shipment')),
  source_id       text NOT NULL,
  source_ref      text,
  state           text NOT NULL CHECK (state IN ('pending', 'running', 'synced', 'retrying', 'failed', 'conflict', 'skipped')),
  target_type     text,
  target_id       text,
  reason          text,
  attempts        integer NOT NULL DEFAULT 0,
  last_event_id   text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  synced_at       timestamptz,
  UNIQUE (integration_id, entity_type, source_id),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, integration_id) REFERENCES integrations (tenant_id, id)
);
CREATE INDEX sync_records_state_idx ON sync_records (tenant_id, state, updated_at DESC);

CREATE TABLE links (
  id                    text PRIMARY KEY,
  tenant_id             text NOT NULL REFERENCES tenants (tenant_id),
  target_connection_id  text NOT NULL,
  kind                  text NOT NULL CHECK (kind IN ('contact', 'item', 'invoice', 'credit_note', 'journal', 'tax')),
  source_key            text NOT NULL,
  target_id             text,
  state                 text NOT NULL CHECK (state IN ('claimed', 'confirmed')),
  claimed_at            timestamptz NOT NULL,
  confirmed_at          timestamptz,
  UNIQUE (target_connection_id, kind, source_key),
  FOREIGN KEY (tenant_id, target_connection_id) REFERENCES connections (tenant_id, id),
  CHECK (state = 'claimed' OR target_id IS NOT NULL)
);

-- Append-only. No foreign key on record/connection: an audit write must never fail because of what it describes.
CREATE TABLE audit_log (
  id             text PRIMARY KEY,
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  record_id      text,
  connection_id  text,
  kind           text NOT NULL CHECK (kind IN ('step', 'api', 'security')),
  step           text NOT NULL,
  method         text,
  url            text,
  status         integer,
  duration_ms    integer,
  error          text,
  detail         jsonb NOT NULL,
  at             timestamptz NOT NULL,
  seq            bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX audit_log_record_idx ON audit_log (tenant_id, record_id, seq);
CREATE INDEX audit_log_connection_idx ON audit_log (tenant_id, connection_id, seq);
CREATE INDEX audit_log_tenant_idx ON audit_log (tenant_id, seq);

CREATE TABLE cursors (
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  connection_id  text NOT NULL,
  stream         text NOT NULL,
  value          text NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, stream),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
);

-- Coordination tables. The Leases and RateBudget ports name keys, not tenants (a budget key is a target
-- account, a lease a connection or stream), so tenant_id is NULL for install-wide rows and no foreign key applies.
CREATE TABLE leases (
  name         text PRIMARY KEY,
  tenant_id    text,
  owner        text NOT NULL,
  acquired_at  timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);

-- One fixed-window counter per (key, rule); rule is '<limit>/<windowMs>'. paused_until lives on the row with
-- rule '' so that a pause and the counters share one table and one key space.
CREATE TABLE rate_budgets (
  key           text NOT NULL,
  rule          text NOT NULL,
  tenant_id     text,
  limit_count   integer NOT NULL,
  window_ms     integer NOT NULL,
  window_start  timestamptz NOT NULL,
  count         integer NOT NULL,
  paused_until  timestamptz,
  PRIMARY KEY (key, rule)
);

-- The jobs-table queue (src/queue/jobs-table.ts). No foreign key to tenants: the queue is a port of its own and
-- must pass the same conformance suite as the BullMQ adapter, which knows nothing of tenants.
CREATE TABLE jobs (
  id           text PRIMARY KEY,
  tenant_id    text NOT NULL,
  name         text NOT NULL,
  key          text NOT NULL,
  payload      jsonb NOT NULL,
  -- 0 live, 1 backfill: claims order by priority first.
  priority     smallint NOT NULL DEFAULT 0,
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  run_at       timestamptz NOT NULL,
  locked_by    text,
  lease_until  timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  CHECK (state <> 'running' OR (locked_by IS NOT NULL AND lease_until IS NOT NULL))
);
-- One writer per entity (DESIGN.md §2.3): even if two claims race, the second insert into this index fails.
CREATE UNIQUE INDEX jobs_one_running_per_key ON jobs (key) WHERE state = 'running';
-- Queued duplicates coalesce: enqueue upserts on this index.
CREATE UNIQUE INDEX jobs_one_queued_per_key_name ON jobs (key, name) WHERE state = 'queued';
CREATE INDEX jobs_due_idx ON jobs (priority, run_at, seq) WHERE state = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_until) WHERE state = 'running';
CREATE INDEX jobs_done_idx ON jobs (finished_at) WHERE state = 'done';
