/**
 * What an operator relies on: the admin API shows every record with its reason and audit trail, a conflict
 * can be replayed once its cause is fixed, and nothing in the database holds a secret in plain text.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';

let e: E2E;
beforeEach(async () => {
  e = await startE2E();
});
afterEach(async () => e.close());

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${e.appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${e.adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

describe('operator', () => {
  it('replays a conflict once its cause is fixed, and the trail explains both runs', async () => {
    e.startWorker();
    e.shopify.setWebhookSwitches({ hold: true });
    const order = e.shopify.placeOrder(SHOP, sampleOrder());
    e.shopify.overrideTotals(SHOP, order.id, { total: '70.00' });
    e.shopify.releaseWebhooks({});
    await e.waitForRecords((rs) => rs.some((r) => r.state === 'conflict'), 'the conflict');

    const listed = (await (await admin(`/api/tenants/${e.tenantId}/records?state=conflict`)).json()) as { records: Array<{ id: string; reason: string; source_ref: string }> };
    expect(listed.records).toHaveLength(1);
    expect(listed.records[0]?.source_ref).toBe(order.name);
    const id = listed.records[0]?.id ?? '';

    e.shopify.overrideTotals(SHOP, order.id, { total: '64.86' });
    const replay = await admin(`/api/tenants/${e.tenantId}/records/${id}/replay`, { method: 'POST', body: '{}' });
    expect(replay.status).toBe(200);
    await e.waitForRecords((rs) => rs.some((r) => r.id === id && r.state === 'synced'), 'the replay');
    expect(e.invoices()).toHaveLength(1);

    const detail = (await (await admin(`/api/tenants/${e.tenantId}/records/${id}`)).json()) as { audit: Array<{ step: string; kind: string }> };
    const steps = detail.audit.map((a) => a.step);
    expect(steps).toContain('error:conflict');
    expect(steps).toContain('replay-requested');
    expect(steps).toContain('created-invoice');
    expect(detail.audit.some((a) => a.kind === 'api' && a.step === 'zoho.invoices.create')).toBe(true);
  });

  it('refuses the admin API without its token and validates its input', async () => {
    expect((await fetch(`${e.appUrl}/api/records`)).status).toBe(401);
    expect((await admin('/api/records?state=bogus')).status).toBe(400);
    expect((await admin(`/api/tenants/${e.tenantId}/records/nope/replay`, { method: 'POST', body: '{}' })).status).toBe(409);
    const { integrations } = (await (await admin(`/api/tenants/${e.tenantId}/integrations`)).json()) as { integrations: Array<{ id: string }> };
    const flow = integrations[0]?.id ?? '';
    const bad = await admin(`/api/tenants/${e.tenantId}/integrations/${flow}/settings`, { method: 'PUT', body: JSON.stringify({ shipments: { mode: 'journal' } }) });
    expect(bad.status).toBe(400);
    const good = await admin(`/api/tenants/${e.tenantId}/integrations/${flow}/settings`, { method: 'PUT', body: JSON.stringify({ shipments: { mode: 'note' } }) });
    expect(good.status).toBe(200);
    expect((await e.db.store.integrations.get(e.tenantId, flow))?.settings).toEqual({ shipments: { mode: 'note' } });
    expect((await admin(`/api/tenants/${e.tenantId}/integrations/nope/settings`, { method: 'PUT', body: '{}' })).status).toBe(404);
    const connections = (await (await admin(`/api/tenants/${e.tenantId}/connections`)).json()) as { connections: Array<Record<string, unknown>> };
    expect(connections.connections).toHaveLength(2);
    expect(JSON.stringify(connections)).not.toMatch(/accessToken|refreshToken|webhookSecret|clientSecret|secrets/);
  });

  it('a database dump holds no token or secret in plain text', async () => {
    e.startWorker();
    e.shopify.placeOrder(SHOP, sampleOrder());
    await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'synced'), 'the order');
    const source = await e.db.store.connections.get(e.tenantId, e.source.id);
    const target = await e.db.store.connections.get(e.tenantId, e.target.id);
    const secrets = [...Object.values(source?.secrets ?? {}), ...Object.values(target?.secrets ?? {})].filter((v) => v.length >= 8 && !/^\d{4}-\d\d-\d\dT/.test(v));
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const tables = await e.db.db.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()");
    let dump = '';
    for (const { tablename } of tables) {
      const rows = await e.db.db.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM ${tablename} t`);
      dump += JSON.stringify(rows);
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(dump).not.toContain(secret);
  });
});
