/**
 * One install, two merchants (A: this file's E2E tenant, B: "other merchant", each with its own Shopify shop and
 * Zoho Books organization): a webhook, token or API call of one tenant can never read or write the other's
 * records or connections.
 *   - webhooks: every crossing of address, key, signature and shop domain between A and B is refused, stores
 *     nothing, and leaves its security row with the tenant addressed, never with the other;
 *   - admin API: with A in the path, B's records, connections and flows (ids taken from B) are never returned,
 *     replayed or changed;
 *   - tokens: every outbound call (recorded at the transport, headers in full) carries the token of the tenant
 *     whose record it serves: Shopify calls for A's orders carry A's token, Zoho calls for A's organization
 *     carry A's tokens, and a token refresh sends each tenant's own client and refresh token;
 *   - the store refuses cross-tenant reads and writes; and the logs of the whole run hold no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectShopify, connectZohoBooks } from '../../src/cli/connect-flows.ts';
import { hmacSha256Base64 } from '../../src/connectors/_kit/hmac.ts';
import { authorizeUrl } from '../../src/connectors/zoho-books/auth.ts';
import type { Connection, SyncRecord } from '../../src/sync/ports.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';
import { captureLogs } from '../support/log-capture.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}
/** Every outbound call the engine makes, with its headers in full (the simulators' own logs mask tokens). */
const calls: Call[] = [];
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    headers[key] = value;
  });
  calls.push({ url: String(input), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : '', status: res.status });
  return res;
};

const logs = captureLogs();
const OTHER_SHOP = 'other-merchant.myshopify.com';
let e: E2E;
let other: { tenantId: string; source: Connection; target: Connection; organizationId: string; webhookUrl: string };
/** Every Zoho access token each tenant's connection held, and each tenant's refresh token and client id. */
const zohoTokens = { a: new Set<string>(), b: new Set<string>() };

async function rememberTokens(): Promise<void> {
  zohoTokens.a.add((await e.db.store.connections.get(e.tenantId, e.target.id))?.secrets.accessToken ?? '');
  zohoTokens.b.add((await e.db.store.connections.get(other.tenantId, other.target.id))?.secrets.accessToken ?? '');
}

beforeAll(async () => {
  e = await startE2E({ logTo: logs.stream, fetchImpl: recordingFetch });
  // A second merchant on the same install: its own shop, its own Zoho organization.
  const shop = e.shopify.createShop({ domain: OTHER_SHOP, currency: 'USD' });
  const source = await connectShopify({ store: e.db.store, engine: e.engine }, { tenant: 'other merchant', shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: e.shopify.url });
  const redirectUri = `${e.appUrl}/oauth/callback`;
  const books = e.zoho.seedSandbox({ dc: 'us', currencyCode: 'USD', redirectUris: [redirectUri], clientId: '1000.OTHERCLIENT00000000000000000000', clientSecret: 'other-secret-00000000000000000000000000000' });
  // The simulator consents as its first user unless told which one (sim_user): here, the second merchant's.
  const authorize = new URL(authorizeUrl({ accountsServer: books.accountsServer, clientId: books.clientId, redirectUri, state: 'other' }));
  authorize.searchParams.set('sim_user', books.email);
  const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '');
  const grant = { code: back.searchParams.get('code') ?? '', accountsServer: back.searchParams.get('accounts-server') ?? books.accountsServer };
  const target = await connectZohoBooks({ store: e.db.store, engine: e.engine }, { tenant: 'other merchant', clientId: books.clientId, clientSecret: books.clientSecret, redirectUri, grant, organizationId: books.organizationId });
  const webhookUrl = e.webhookUrlOf(source.connection);
  for (const topic of ['orders/create', 'orders/updated']) e.shopify.subscribeWebhook({ shop: shop.domain, topic, address: webhookUrl });
  other = { tenantId: source.connection.tenantId, source: source.connection, target: target.connection, organizationId: books.organizationId, webhookUrl };
  await rememberTokens();
  e.startWorker(3);
});
afterAll(async () => e?.close());

const orders = async (tenantId: string): Promise<SyncRecord[]> => (await e.db.store.records.list(tenantId, { entityType: 'order' })).filter((r) => r.state === 'synced');
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two tenants on one install', () => {
  it("each order lands in its own merchant's books only", async () => {
    const mine = e.shopify.placeOrder(SHOP, sampleOrder());
    const theirs = e.shopify.placeOrder(OTHER_SHOP, sampleOrder({ customer: { email: 'theirs@example.com', firstName: 'Their', lastName: 'Buyer' } }));
    await waitFor('both tenants to sync', async () => (await orders(e.tenantId)).length > 0 && (await orders(other.tenantId)).length > 0);
    expect(e.invoices().map((i) => i.reference_number)).toEqual([mine.name]);
    const theirBooks = e.zoho.state(other.organizationId).invoices as unknown as Array<{ reference_number: string }>;
    expect(theirBooks.map((i) => i.reference_number)).toEqual([theirs.name]);
    expect(e.tenantId).not.toBe(other.tenantId);
    expect((await e.records()).every((r) => r.tenantId === e.tenantId)).toBe(true);
  });

  it('every crossing of webhook address, key, signature and shop between the tenants is refused and stores nothing', async () => {
    const a = { url: e.webhookUrl, id: e.source.id, key: e.source.webhookKey, shop: SHOP, secret: e.source.secrets.webhookSecret ?? '', tenantId: e.tenantId };
    const b = { url: other.webhookUrl, id: other.source.id, key: other.source.webhookKey, shop: OTHER_SHOP, secret: other.source.secrets.webhookSecret ?? '', tenantId: other.tenantId };
    const real = (shop: string) => {
      const d = e.shopify.deliveries().find((x) => x.info?.shop === shop && x.info.topic === 'orders/create');
      if (!d) throw new Error(`no delivery for ${shop}`);
      return d;
    };
    const resigned = (body: string, secret: string, shop: string) => ({ ...real(SHOP).headers, 'x-shopify-shop-domain': shop, 'x-shopify-webhook-id': `cross-${Math.random()}`, 'x-shopify-hmac-sha256': hmacSha256Base64(secret, Buffer.from(body)) });
    const bodyA = real(SHOP).body;
    const cases: Array<{ name: string; url: string; headers: Record<string, string>; body: string; status: number; securityRowFor: string | null }> = [
      { name: "A's real delivery at B's address", url: b.url, headers: real(SHOP).headers, body: bodyA, status: 401, securityRowFor: b.tenantId },
      { name: "B's real delivery at A's address", url: a.url, headers: real(OTHER_SHOP).headers, body: real(OTHER_SHOP).body, status: 401, securityRowFor: a.tenantId },
      { name: "A's body signed with B's secret, A's shop, at A's address", url: a.url, headers: resigned(bodyA, b.secret, a.shop), body: bodyA, status: 401, securityRowFor: a.tenantId },
      { name: "A's body signed with B's secret and naming B's shop, at A's address", url: a.url, headers: resigned(bodyA, b.secret, b.shop), body: bodyA, status: 401, securityRowFor: a.tenantId },
      { name: "A's body signed with A's secret but naming B's shop, at A's address", url: a.url, headers: resigned(bodyA, a.secret, b.shop), body: bodyA, status: 401, securityRowFor: a.tenantId },
      { name: "A's body signed with A's secret, naming B's shop, at B's address", url: b.url, headers: resigned(bodyA, a.secret, b.shop), body: bodyA, status: 401, securityRowFor: b.tenantId },
      { name: "A's connection id with B's key", url: `${e.appUrl}/webhooks/${a.id}/${b.key}`, headers: real(SHOP).headers, body: bodyA, status: 404, securityRowFor: null },
      { name: "B's connection id with A's key", url: `${e.appUrl}/webhooks/${b.id}/${a.key}`, headers: real(SHOP).headers, body: bodyA, status: 404, securityRowFor: null },
    ];
    const count = async (sql: string, params: unknown[]) => Number((await e.db.db.query<{ n: string | number }>(sql, params))[0]?.n ?? 0);
    const state = async () => ({
      inbox: await count('SELECT count(*) AS n FROM inbox_events', []),
      records: await count('SELECT count(*) AS n FROM sync_records', []),
      securityA: await count(`SELECT count(*) AS n FROM audit_log WHERE kind = 'security' AND tenant_id = $1`, [a.tenantId]),
      securityB: await count(`SELECT count(*) AS n FROM audit_log WHERE kind = 'security' AND tenant_id = $1`, [b.tenantId]),
    });
    const rows: string[] = [];
    for (const c of cases) {
      const before = await state();
      const res = await fetch(c.url, { method: 'POST', headers: c.headers, body: c.body });
      const answer = await res.text();
      const after = await state();
      expect(res.status, `${c.name}: ${answer}`).toBe(c.status);
      expect(after.inbox, c.name).toBe(before.inbox);
      expect(after.records, c.name).toBe(before.records);
      expect(after.securityA - before.securityA, `${c.name}: security rows of A`).toBe(c.securityRowFor === a.tenantId ? 1 : 0);
      expect(after.securityB - before.securityB, `${c.name}: security rows of B`).toBe(c.securityRowFor === b.tenantId ? 1 : 0);
      rows.push(`  ${c.name}: ${res.status} ${(JSON.parse(answer) as { error: string }).error}`);
    }
    console.log(`webhook crossings: ${cases.length} refused, 0 stored, each security row with the tenant addressed\n${rows.join('\n')}`);
  });

  it("the admin API with A in the path never returns, replays or changes B's records, connections or flows", async () => {
    const admin = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${e.appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${e.adminToken}`, 'content-type': 'application/json' } });
      return { status: res.status, text: await res.text() };
    };
    const A = e.tenantId;
    const B = other.tenantId;
    const bRecords = await e.db.store.records.list(B);
    const bFlows = await e.db.store.integrations.list(B);
    const bConnections = await e.db.store.connections.list(B);
    const aRecords = await e.db.store.records.list(A);
    expect(bRecords.length).toBeGreaterThan(0);
    expect(aRecords.length).toBeGreaterThan(0);
    const bIds = [...bRecords.map((r) => r.id), ...bFlows.map((f) => f.id), ...bConnections.map((c) => c.id), other.organizationId];
    const bSnapshot = JSON.stringify({ records: bRecords, flows: bFlows, audit: await e.db.store.audit.list(B, { limit: 1000 }) });
    /** B's ids in an answer, other than the ones the request itself named (an error may echo the id it was asked for). */
    const leaks = (text: string, path = '') => bIds.filter((id) => text.includes(id) && !path.includes(id));

    const figures: string[] = [];
    const expectRefused = async (what: string, path: string, init: RequestInit, statuses: number[]) => {
      const res = await admin(path, init);
      expect(statuses, `${what}: ${res.status} ${res.text}`).toContain(res.status);
      expect(leaks(res.text, path), what).toEqual([]);
      figures.push(`${what} → ${res.status}`);
    };
    for (const record of bRecords) {
      await expectRefused("read B's record", `/api/tenants/${A}/records/${record.id}`, {}, [404]);
      await expectRefused("replay B's record", `/api/tenants/${A}/records/${record.id}/replay`, { method: 'POST', body: '{}' }, [409]);
    }
    for (const flow of bFlows) {
      await expectRefused("change B's flow settings", `/api/tenants/${A}/integrations/${flow.id}/settings`, { method: 'PUT', body: JSON.stringify({ shipments: { mode: 'note' } }) }, [404]);
      await expectRefused("read B's flow mapping options", `/api/tenants/${A}/integrations/${flow.id}/mapping-options`, {}, [404]);
    }
    for (const [what, path] of [['list records', 'records'], ['list records by state', 'records?state=synced'], ['list connections', 'connections'], ['list flows', 'integrations']] as const) {
      const res = await admin(`/api/tenants/${A}/${path}`);
      expect(res.status).toBe(200);
      expect(leaks(res.text), `${what} of A`).toEqual([]);
      figures.push(`${what} of A → 200 with 0 of B's ids`);
    }
    const aRecordAsB = aRecords[0]?.id ?? '';
    await expectRefused("read A's record with B in the path", `/api/tenants/${B}/records/${aRecordAsB}`, {}, [404]);
    await expectRefused('a tenant id that tries SQL', `/api/tenants/${encodeURIComponent(`${A}' OR '1'='1`)}/records`, {}, [404]);
    // Replaying all of A's synced records touches A only.
    await waitFor("A's records to be synced", async () => (await e.db.store.records.list(A)).every((r) => r.state === 'synced'));
    const aSynced = (await e.db.store.records.list(A, { state: 'synced' })).length;
    const replayed = await admin(`/api/tenants/${A}/replay`, { method: 'POST', body: '{"state":"synced"}' });
    expect(replayed.status).toBe(200);
    expect((JSON.parse(replayed.text) as { replayed: number }).replayed).toBe(aSynced);
    figures.push(`replay all synced of A → ${replayed.text}`);

    const after = JSON.stringify({ records: await e.db.store.records.list(B), flows: await e.db.store.integrations.list(B), audit: await e.db.store.audit.list(B, { limit: 1000 }) });
    expect(after).toBe(bSnapshot);
    await waitFor("A's replayed records to settle", async () => (await e.db.store.records.list(A)).every((r) => r.state === 'synced'));
    console.log(`admin API crossings (${bRecords.length} records, ${bFlows.length} flows, ${bConnections.length} connections of B): B unchanged byte for byte\n  ${figures.join('\n  ')}\n  note: GET /api/records (no tenant in the path) lists every tenant by design: the admin token is install-wide`);
  });

  it("every outbound call carries the token of the tenant whose record it serves, refresh included", async () => {
    // Both tenants' Zoho access tokens expire; one more order each makes each connection refresh.
    e.zoho.expireAccessTokens({});
    const mine = e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'mine2@example.com', firstName: 'Mine', lastName: 'Two' } }));
    const theirs = e.shopify.placeOrder(OTHER_SHOP, sampleOrder({ customer: { email: 'theirs2@example.com', firstName: 'Their', lastName: 'Two' } }));
    await waitFor('the second order of each tenant', async () => (await orders(e.tenantId)).length >= 2 && (await orders(other.tenantId)).length >= 2);
    await rememberTokens();

    const A = { shopToken: e.source.secrets.accessToken ?? '', orders: new Set(e.shopify.listOrders(SHOP).map((o) => o.id)), org: e.organizationId, client: e.target.secrets.clientId ?? '', refresh: e.target.secrets.refreshToken ?? '' };
    const B = { shopToken: other.source.secrets.accessToken ?? '', orders: new Set(e.shopify.listOrders(OTHER_SHOP).map((o) => o.id)), org: other.organizationId, client: other.target.secrets.clientId ?? '', refresh: other.target.secrets.refreshToken ?? '' };
    expect(A.orders.has(mine.id) && B.orders.has(theirs.id)).toBe(true);
    expect(new Set([A.shopToken, B.shopToken, A.client, B.client, A.refresh, B.refresh]).size).toBe(6);

    // Shopify: the order a call asks for names the tenant; its token must be that tenant's.
    const shopify = calls.filter((c) => c.url.startsWith(e.shopify.url));
    const shopifyBy = { a: 0, b: 0 };
    for (const call of shopify) {
      const token = call.headers['x-shopify-access-token'];
      expect([A.shopToken, B.shopToken]).toContain(token);
      const orderId = /gid:\/\/shopify\/Order\/(\d+)/.exec(call.body)?.[1];
      if (orderId && A.orders.has(orderId)) {
        expect(token, `call for A's order ${orderId}`).toBe(A.shopToken);
        shopifyBy.a += 1;
      } else if (orderId && B.orders.has(orderId)) {
        expect(token, `call for B's order ${orderId}`).toBe(B.shopToken);
        shopifyBy.b += 1;
      }
    }
    // Zoho: organization_id names the tenant; the token must be one that tenant's connection held.
    const zoho = calls.filter((c) => c.url.includes('organization_id='));
    const zohoBy = { a: 0, b: 0, expired: 0 };
    for (const call of zoho) {
      const org = new URL(call.url).searchParams.get('organization_id');
      const token = (call.headers.authorization ?? '').replace(/^Zoho-oauthtoken /, '');
      const own = org === A.org ? zohoTokens.a : org === B.org ? zohoTokens.b : null;
      expect(own, `a Zoho call for organization ${org}`).not.toBeNull();
      expect(own?.has(token), `a Zoho call for organization ${org} with another tenant's token`).toBe(true);
      // A 401 is only ever the tenant's own expired token, answered before its refresh.
      if (call.status === 401) {
        const current = (await e.db.store.connections.get(org === A.org ? e.tenantId : other.tenantId, org === A.org ? e.target.id : other.target.id))?.secrets.accessToken;
        expect(token, call.url).not.toBe(current);
        zohoBy.expired += 1;
      }
      if (org === A.org) zohoBy.a += 1;
      else zohoBy.b += 1;
    }
    expect([...zohoTokens.a].some((t) => zohoTokens.b.has(t))).toBe(false);
    // Token refresh: each tenant's client id travels with its own refresh token and secret.
    const refreshes = calls.filter((c) => c.url.includes('/oauth/v2/token') && c.body.includes('grant_type=refresh_token'));
    for (const call of refreshes) {
      const form = new URLSearchParams(call.body);
      const own = form.get('client_id') === A.client ? A : B;
      expect(form.get('refresh_token'), 'a refresh with another tenant\'s refresh token').toBe(own.refresh);
      expect(form.get('client_secret')).toBe(own === A ? e.target.secrets.clientSecret : other.target.secrets.clientSecret);
    }
    const refreshedBy = new Set(refreshes.map((c) => new URLSearchParams(c.body).get('client_id')));
    expect(refreshedBy).toEqual(new Set([A.client, B.client]));
    expect(shopifyBy.a).toBeGreaterThan(0);
    expect(shopifyBy.b).toBeGreaterThan(0);
    expect(zohoBy.a).toBeGreaterThan(0);
    expect(zohoBy.b).toBeGreaterThan(0);
    console.log(
      `outbound calls recorded: ${calls.length}; Shopify order calls A ${shopifyBy.a} / B ${shopifyBy.b}, each with its own token; ` +
        `Zoho calls A ${zohoBy.a} / B ${zohoBy.b} (${zohoBy.expired} answered 401 to an expired token of its own tenant), each with a token its own connection held (A ${zohoTokens.a.size}, B ${zohoTokens.b.size} tokens, none shared); ` +
        `token refreshes ${refreshes.length}, each with its own client, secret and refresh token`,
    );
  });

  it("one tenant's id never reads or writes the other's rows through the store", async () => {
    const [theirRecord] = await e.db.store.records.list(other.tenantId);
    expect(theirRecord).toBeDefined();
    expect(await e.db.store.records.get(e.tenantId, theirRecord?.id ?? '')).toBeNull();
    expect(await e.db.store.connections.get(e.tenantId, other.target.id)).toBeNull();
    await expect(e.db.store.connections.update(e.tenantId, other.target.id, { label: 'taken' })).rejects.toThrow();
    await expect(e.db.store.integrations.update(e.tenantId, (await e.db.store.integrations.list(other.tenantId))[0]?.id ?? '', { enabled: false })).rejects.toThrow();
    expect(await e.db.store.audit.list(e.tenantId, { recordId: theirRecord?.id ?? '', limit: 10 })).toEqual([]);
    expect((await e.db.store.connections.get(other.tenantId, other.target.id))?.label).not.toBe('taken');
    console.log("store with A's tenant id and B's ids: record get → null, connection get → null, connection update → throws, flow update → throws, audit list → []; B's connection unchanged");
  });

  it('the logs of the whole run (debug level) hold no token, key or secret', async () => {
    const text = logs.text();
    const secrets: string[] = [e.adminToken];
    for (const tenantId of [e.tenantId, other.tenantId]) {
      for (const c of await e.db.store.connections.list(tenantId)) {
        secrets.push(...Object.values(c.secrets).filter((v) => v.length >= 8 && !/^\d{4}-\d\d-\d\dT/.test(v)));
      }
    }
    secrets.push(...zohoTokens.a, ...zohoTokens.b);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer\s+\S{8,}|Zoho-oauthtoken\s+\S{8,}/);
    console.log(`logs: ${logs.lines().length} lines; ${new Set(secrets).size} secrets of both tenants searched: 0 found`);
  });
});
