/**
 * A tenant's own API token (DESIGN.md §2.11: each tenant's data reachable only with that tenant's authority).
 * Merchant A holds a token; merchant B on the same install has a connection, a flow and a synced record. With A's
 * token, every route the app serves under /api is tried with A and with B in the path: A's own routes answer,
 * B's and the install-wide ones refuse (403) and return nothing of B's; a revoked or altered token opens nothing;
 * the database keeps only a hash of the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncRecord } from '../../src/sync/ports.ts';
import { tokenParts } from '../../src/sync/tenant-tokens.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';
import { enumerateRoutes } from '../support/routes.ts';

let e: E2E;
let b: { tenantId: string; connectionId: string; integrationId: string; record: SyncRecord };
let token: string;
let tokenId: string;

beforeAll(async () => {
  e = await startE2E();
  e.startWorker(2);
  e.shopify.placeOrder(SHOP, sampleOrder());
  await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'synced'), "A's order");

  // Merchant B, written straight to the store: what matters here is that B has data A could try to reach.
  const store = e.db.store;
  const tenant = await store.tenants.create({ name: 'merchant b' });
  const source = await store.connections.create({ tenantId: tenant.id, system: 'shopify', role: 'source', label: 'b shop', config: { shop: 'b.myshopify.com' }, secrets: { accessToken: 'shpat_b_secret' } });
  const target = await store.connections.create({ tenantId: tenant.id, system: 'zoho-books', role: 'target', label: 'b books', config: { organizationId: '777' }, secrets: { accessToken: 'zoho_b_secret' } });
  const flow = await store.integrations.create({ tenantId: tenant.id, sourceConnectionId: source.id, targetConnectionId: target.id, settings: {} });
  const ensured = await store.records.ensure({ tenantId: tenant.id, integrationId: flow.id, entityType: 'order', sourceId: '42' }, { sourceRef: '#B-42' });
  const record = await store.records.update(tenant.id, ensured.id, { state: 'failed', reason: "B's private reason" });
  b = { tenantId: tenant.id, connectionId: source.id, integrationId: flow.id, record };

  const issued = await api('POST', `/api/tenants/${e.tenantId}/tokens`, e.adminToken, { label: 'accounting team' });
  expect(issued.status).toBe(201);
  token = String(issued.json.token);
  tokenId = String(issued.json.id);
});
afterAll(async () => e?.close());

async function api(method: string, path: string, bearer: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${e.appUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, json, text };
}

/** A concrete path for `route` in `tenantId`'s name, with B's real ids where an id is asked for. */
function concrete(route: string, tenantId: string): string {
  return route
    .replace(':tenantId', tenantId)
    .replace('/records/:id', `/records/${b.record.id}`)
    .replace('/integrations/:id', `/integrations/${b.integrationId}`)
    .replace('/tokens/:id', `/tokens/${tokenId}`);
}

const BODIES: Record<string, unknown> = {
  'POST /api/tenants/:tenantId/replay': { state: 'failed' },
  'PUT /api/tenants/:tenantId/integrations/:id/settings': { shipments: { mode: 'note' } },
  'POST /api/tenants/:tenantId/tokens': { label: 'sneaky' },
};

describe("a tenant's own token", () => {
  it('is shown once: the database and the token list hold only its id and a hash', async () => {
    expect(token).toMatch(/^mlt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const { secret } = tokenParts(token)!;
    const listed = await api('GET', `/api/tenants/${e.tenantId}/tokens`, token);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain('secretHash');
    const rows = await e.db.db.query<{ row: string }>('SELECT row_to_json(t)::text AS row FROM tenant_tokens t', []);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(secret);
  });

  it("reaches every route of its own tenant, and no route of another tenant or of the install", async () => {
    const routes = enumerateRoutes(e.app).filter((r) => r.split(' ')[1]?.startsWith('/api/'));
    const bRecordBefore = JSON.stringify(await e.db.store.records.get(b.tenantId, b.record.id));
    const bFlowBefore = JSON.stringify(await e.db.store.integrations.get(b.tenantId, b.integrationId));
    const own: string[] = [];
    let refused = 0;
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const scoped = path.includes(':tenantId');
      const asB = await api(method, scoped ? concrete(path, b.tenantId) : path, token, BODIES[route] ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
      expect(asB.status, `${route} with B in the path`).toBe(403);
      expect(asB.text).not.toContain(b.record.id);
      expect(asB.text).not.toContain('#B-42');
      expect(asB.text).not.toContain("B's private reason");
      refused++;
      if (scoped && route !== 'POST /api/tenants/:tenantId/tokens') own.push(route);
    }
    // Nothing of B changed: no replay, no settings, no token revoked.
    expect(JSON.stringify(await e.db.store.records.get(b.tenantId, b.record.id))).toBe(bRecordBefore);
    expect(JSON.stringify(await e.db.store.integrations.get(b.tenantId, b.integrationId))).toBe(bFlowBefore);

    // Its own tenant's reads answer, with A's data only.
    const records = await api('GET', `/api/tenants/${e.tenantId}/records`, token);
    expect(records.status).toBe(200);
    expect((records.json.records as Array<{ tenantId: string }>).every((r) => r.tenantId === e.tenantId)).toBe(true);
    expect((records.json.records as unknown[]).length).toBeGreaterThan(0);
    const connections = await api('GET', `/api/tenants/${e.tenantId}/connections`, token);
    expect(connections.status).toBe(200);
    expect(connections.text).not.toContain('secrets');
    // Issuing tokens stays with the install's admin.
    expect((await api('POST', `/api/tenants/${e.tenantId}/tokens`, token, { label: 'more' })).status).toBe(403);
    console.log(`tenant token: ${routes.length} /api routes tried with another tenant or none in the path, ${refused} refused (403) with none of its data; ${own.length} routes scoped to its own tenant`);
  });

  it('an altered, unknown or revoked token opens nothing (401)', async () => {
    const { id, secret } = tokenParts(token)!;
    const altered = [
      `mlt_${id}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
      `mlt_${'0'.repeat(16)}_${secret}`,
      `mlt_${id}_`,
      token.toUpperCase(),
    ];
    for (const bad of altered) expect((await api('GET', `/api/tenants/${e.tenantId}/records`, bad)).status).toBe(401);

    const second = await api('POST', `/api/tenants/${e.tenantId}/tokens`, e.adminToken, { label: 'to revoke' });
    const secondToken = String(second.json.token);
    expect((await api('GET', `/api/tenants/${e.tenantId}/records`, secondToken)).status).toBe(200);
    // Another tenant's id in the path cannot revoke A's token, even with the admin's help of the wrong tenant.
    expect((await api('DELETE', `/api/tenants/${b.tenantId}/tokens/${String(second.json.id)}`, e.adminToken)).status).toBe(404);
    const revoked = await api('DELETE', `/api/tenants/${e.tenantId}/tokens/${String(second.json.id)}`, token);
    expect(revoked.status).toBe(200);
    expect((await api('GET', `/api/tenants/${e.tenantId}/records`, secondToken)).status).toBe(401);
    expect((await api('GET', `/api/tenants/${e.tenantId}/records`, token)).status).toBe(200);
    expect((await api('GET', '/api/records', e.adminToken)).status).toBe(200);
  });
});
