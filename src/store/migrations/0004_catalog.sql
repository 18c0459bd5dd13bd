-- A source connection's catalog, polled on a schedule and offered for mapping: products → target items, shipping
-- methods (carrier + service) → target items or accounts. Rows are never deleted: an entry the source stops listing
-- stays, inactive, with vanished_at, so a mapping made to it can still be explained. `sync_id` names the poll that
-- last saw the row; a poll marks every row it did not see as vanished.
CREATE TABLE catalog_products (
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  connection_id  text NOT NULL,
  source_id      text NOT NULL,
  sku            text,
  name           text NOT NULL,
  -- Exact decimal text (DESIGN.md §2.6: no float columns).
  price          text CHECK (price IS NULL OR price ~ '^-?[0-9]+(\.[0-9]+)?$'),
  active         boolean NOT NULL,
  vanished_at    timestamptz,
  sync_id        text NOT NULL,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, source_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
);
CREATE INDEX catalog_products_tenant_idx ON catalog_products (tenant_id, connection_id);

CREATE TABLE catalog_shipping_methods (
  tenant_id      text NOT NULL REFERENCES tenants (tenant_id),
  connection_id  text NOT NULL,
  carrier_code   text NOT NULL,
  service_code   text NOT NULL,
  carrier_name   text NOT NULL,
  name           text NOT NULL,
  domestic       boolean,
  international  boolean,
  active         boolean NOT NULL,
  vanished_at    timestamptz,
  sync_id        text NOT NULL,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, carrier_code, service_code),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id)
);
CREATE INDEX catalog_shipping_methods_tenant_idx ON catalog_shipping_methods (tenant_id, connection_id);
