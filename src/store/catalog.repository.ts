/**
 * A source connection's polled catalog (migration 0004): products and shipping methods. A sync stores one whole
 * snapshot in one transaction: every entry is upserted under a fresh sync id, then every row of the connection that
 * this sync did not touch is marked vanished (inactive). Nothing is deleted. Every statement names the tenant, and
 * an upsert that meets another tenant's row under the same key changes nothing and fails. Rows carry the poll's own
 * instant (`at`), not the store clock's.
 */
import type { CatalogProduct, CatalogShippingMethod, CatalogSyncReport, SourceCatalog, Store, StoredCatalogProduct, StoredShippingMethod } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import type { Db } from './db.ts';
import { iso, isoOrNull, textOrNull, tsParam } from './rows.ts';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters and small enough to keep each statement short. */
const CHUNK = 200;

interface ProductRow {
  source_id: string;
  sku: string | null;
  name: string;
  price: string | null;
  active: boolean;
  vanished_at: Date | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

interface MethodRow {
  carrier_code: string;
  service_code: string;
  carrier_name: string;
  name: string;
  domestic: boolean | null;
  international: boolean | null;
  active: boolean;
  vanished_at: Date | null;
  first_seen_at: Date;
  last_seen_at: Date;
}

/** How one catalog table is written: its name, key and value columns, and one entry's values in that order. */
interface TableSpec<T> {
  table: string;
  key: readonly string[];
  values: readonly string[];
  keyOf(entry: T): string;
  row(entry: T): unknown[];
}

const PRODUCTS: TableSpec<CatalogProduct> = {
  table: 'catalog_products',
  key: ['source_id'],
  values: ['sku', 'name', 'price', 'active'],
  keyOf: (p) => p.sourceId,
  row: (p) => [p.sourceId, p.sku, p.name, p.price, p.active],
};

const METHODS: TableSpec<CatalogShippingMethod> = {
  table: 'catalog_shipping_methods',
  key: ['carrier_code', 'service_code'],
  values: ['carrier_name', 'name', 'domestic', 'international', 'active'],
  keyOf: (m) => `${m.carrierCode}\u0000${m.serviceCode}`,
  // Shipping methods have no active flag of their own: a listed service is usable.
  row: (m) => [m.carrierCode, m.serviceCode, m.carrierName, m.name, m.domestic, m.international, true],
};

export function catalogRepository({ db }: RepoContext): Store['catalog'] {
  return {
    sync(tenantId, connectionId, snapshot: SourceCatalog, at: Date): Promise<CatalogSyncReport> {
      return db.transaction(async (tx) => {
        const syncId = newId();
        const stamp = tsParam(at);
        return {
          products: await syncTable(tx, PRODUCTS, tenantId, connectionId, snapshot.products, (p) => p.active, syncId, stamp),
          shippingMethods: await syncTable(tx, METHODS, tenantId, connectionId, snapshot.shippingMethods, () => true, syncId, stamp),
        };
      });
    },

    async products(tenantId, connectionId): Promise<StoredCatalogProduct[]> {
      const rows = await db.query<ProductRow>(
        `SELECT source_id, sku, name, price, active, vanished_at, first_seen_at, last_seen_at FROM catalog_products
         WHERE tenant_id = $1 AND connection_id = $2`,
        [tenantId, connectionId],
      );
      // Sorted here, not in SQL: collations differ between PGlite and a PostgreSQL server, code points do not.
      rows.sort((x, y) => compareText(x.name.toLowerCase(), y.name.toLowerCase()) || compareText(x.source_id, y.source_id));
      return rows.map((r) => ({
        sourceId: r.source_id,
        sku: textOrNull(r.sku),
        name: r.name,
        price: textOrNull(r.price),
        active: r.active,
        vanishedAt: isoOrNull(r.vanished_at),
        firstSeenAt: iso(r.first_seen_at),
        lastSeenAt: iso(r.last_seen_at),
      }));
    },

    async shippingMethods(tenantId, connectionId): Promise<StoredShippingMethod[]> {
      const rows = await db.query<MethodRow>(
        `SELECT carrier_code, service_code, carrier_name, name, domestic, international, active, vanished_at, first_seen_at, last_seen_at
         FROM catalog_shipping_methods WHERE tenant_id = $1 AND connection_id = $2`,
        [tenantId, connectionId],
      );
      rows.sort(
        (x, y) =>
          compareText(x.carrier_name.toLowerCase(), y.carrier_name.toLowerCase()) ||
          compareText(x.carrier_code, y.carrier_code) ||
          compareText(x.name.toLowerCase(), y.name.toLowerCase()) ||
          compareText(x.service_code, y.service_code),
      );
      return rows.map((r) => ({
        carrierCode: r.carrier_code,
        serviceCode: r.service_code,
        carrierName: r.carrier_name,
        name: r.name,
        domestic: r.domestic,
        international: r.international,
        active: r.active,
        vanishedAt: isoOrNull(r.vanished_at),
        firstSeenAt: iso(r.first_seen_at),
        lastSeenAt: iso(r.last_seen_at),
      }));
    },
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function syncTable<T>(
  tx: Db,
  spec: TableSpec<T>,
  tenantId: string,
  connectionId: string,
  entries: readonly T[],
  isActive: (entry: T) => boolean,
  syncId: string,
  stamp: string,
): Promise<{ seen: number; added: number; deactivated: number }> {
  // A source may list an entry twice (two pages that shifted): the last one wins.
  const unique = [...new Map(entries.map((e) => [spec.keyOf(e), e])).values()];
  const keyColumns = spec.key.join(', ');
  const before = new Map(
    (await tx.query<Record<string, unknown>>(`SELECT ${keyColumns}, active FROM ${spec.table} WHERE tenant_id = $1 AND connection_id = $2`, [tenantId, connectionId])).map((r) => [
      spec.key.map((k) => String(r[k])).join('\u0000'),
      r['active'] === true,
    ]),
  );

  let added = 0;
  let deactivated = 0;
  const columns = ['tenant_id', 'connection_id', ...spec.key, ...spec.values, 'vanished_at', 'sync_id', 'first_seen_at', 'last_seen_at', 'updated_at'];
  const changed = spec.values.map((c) => `${spec.table}.${c}`).join(', ');
  const incoming = spec.values.map((c) => `excluded.${c}`).join(', ');
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK);
    const params: unknown[] = [tenantId, connectionId, syncId, stamp];
    const tuples = chunk.map((entry) => {
      const values = spec.row(entry).map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `($1, $2, ${values.join(', ')}, NULL, $3, $4, $4, $4)`;
    });
    const written = await tx.query<{ inserted: boolean }>(
      `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}
       ON CONFLICT (connection_id, ${keyColumns}) DO UPDATE SET
         ${spec.values.map((c) => `${c} = excluded.${c}`).join(', ')},
         updated_at = CASE WHEN ${spec.table}.vanished_at IS NOT NULL OR (${changed}) IS DISTINCT FROM (${incoming}) THEN excluded.updated_at ELSE ${spec.table}.updated_at END,
         vanished_at = NULL,
         sync_id = excluded.sync_id,
         last_seen_at = excluded.last_seen_at
       WHERE ${spec.table}.tenant_id = excluded.tenant_id
       RETURNING (xmax = 0) AS inserted`,
      params,
    );
    if (written.length !== chunk.length) throw new Error(`a ${spec.table} row of connection ${connectionId} belongs to another tenant`);
    added += written.filter((r) => r.inserted).length;
    for (const entry of chunk) if (before.get(spec.keyOf(entry)) === true && !isActive(entry)) deactivated += 1;
  }

  const vanished = await tx.query<Record<string, unknown>>(
    `UPDATE ${spec.table} SET active = false, vanished_at = $4, updated_at = $4
     WHERE tenant_id = $1 AND connection_id = $2 AND sync_id <> $3 AND vanished_at IS NULL
     RETURNING ${keyColumns}`,
    [tenantId, connectionId, syncId, stamp],
  );
  for (const row of vanished) if (before.get(spec.key.map((k) => String(row[k])).join('\u0000')) === true) deactivated += 1;
  return { seen: unique.length, added, deactivated };
}
