/**
 * Secrets are sealed (DESIGN.md §2 principle 11), checked after a full run of all five systems in one tenant:
 * Shopify, WooCommerce and ShipStation orders posted to both Zoho Books and QuickBooks Online, both targets'
 * access tokens expired and refreshed mid-run (QuickBooks rotating its refresh token), a ping of every
 * connection and the admin API read. Then a dump of every table (every row as JSON text), every log line at
 * debug level and every admin API answer are searched for each secret the run ever held: tokens before and after
 * refresh, client secrets, the WooCommerce consumer key and secret, the ShipStation key and secret, every webhook
 * secret, the admin token and the sealing key, plain, base64 and URL-encoded, and any "Bearer <token>".
 * (tests/e2e/operator.e2e.test.ts keeps a narrower dump check for Shopify → Zoho Books.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQuickBooksSim, type QuickBooksSim } from '../../simulators/quickbooks/index.ts';
import { startShipStationSim, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import { startWooCommerceSim, type WooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { connectQuickBooks, connectShipStation, connectWooCommerce } from '../../src/cli/connect-flows.ts';
import { authorizeUrl as quickbooksAuthorizeUrl } from '../../src/connectors/quickbooks/auth.ts';
import type { Connection, SyncRecord } from '../../src/sync/ports.ts';
import { startScheduler } from '../../src/sync/scheduler.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';
import { captureLogs } from '../support/log-capture.ts';

const logs = captureLogs();
let e: E2E;
let qbo: QuickBooksSim;
let woo: WooCommerceSim;
let ss: ShipStationSim;
let wooSiteId = '';
let ssAccountId = 0;
/** Every secret value any connection held at any point of the run, by where it came from. */
const held = new Map<string, string>();
/** Every admin API answer of the run. */
let adminAnswers = '';
let refreshes = { zoho: 0, quickbooks: 0 };

const admin = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${e.appUrl}${path}`, { ...init, headers: { authorization: `Bearer ${e.adminToken}`, 'content-type': 'application/json' } });
  const text = await res.text();
  adminAnswers += text;
  expect(res.status, `${path}: ${text}`).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
};

async function remember(stage: string): Promise<Connection[]> {
  const connections = await e.db.store.connections.list(e.tenantId);
  for (const c of connections) for (const [name, value] of Object.entries(c.secrets)) held.set(value, `${c.system}.${name} (${stage})`);
  return connections;
}

const synced = (records: SyncRecord[]) => records.filter((r) => r.entityType === 'order' && r.state === 'synced').length;

beforeAll(async () => {
  e = await startE2E({ logTo: logs.stream });
  const deps = { store: e.db.store, engine: e.engine };

  // A second target in the same tenant: QuickBooks Online, connected through its OAuth redirect.
  qbo = await startQuickBooksSim();
  e.onClose(() => qbo.close());
  const redirectUri = `${e.appUrl}/oauth/callback`;
  const seed = qbo.seedSandbox({ redirectUris: [redirectUri] });
  const answer = await fetch(quickbooksAuthorizeUrl({ clientId: seed.app.clientId, redirectUri, state: 'secrets', oauthBaseUrl: qbo.url }), { redirect: 'manual' });
  const back = new URL(answer.headers.get('location') ?? '');
  await connectQuickBooks(deps, {
    tenant: e.tenant,
    clientId: seed.app.clientId,
    clientSecret: seed.app.clientSecret,
    redirectUri,
    code: back.searchParams.get('code') ?? '',
    realmId: back.searchParams.get('realmId') ?? '',
    environment: 'sandbox',
    oauthBaseUrl: qbo.url,
    apiBaseUrl: seed.endpoints.apiBase.sandbox,
  });

  // WooCommerce (consumer key and secret, a webhook secret the product makes) and ShipStation (key and secret).
  woo = await startWooCommerceSim({ deliverAsync: false });
  e.onClose(() => woo.close());
  const site = woo.createSite({ https: false, currency: 'USD' });
  wooSiteId = site.siteId;
  const wooSource = (await connectWooCommerce(deps, { tenant: e.tenant, siteUrl: site.siteUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret })).connection;
  expect((await checkWebhooks(e.engine, wooSource, e.appUrl))?.ok).toBe(true);
  ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  e.onClose(() => ss.close());
  const account = ss.createAccount({ name: 'secrets' });
  ssAccountId = account.accountId;
  const ssSource = (await connectShipStation(deps, { tenant: e.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
  expect((await checkWebhooks(e.engine, ssSource, e.appUrl))?.ok).toBe(true);
  await remember('connected');
  e.startWorker(3);

  // Round 1: one order from each source, each posted to both targets.
  e.shopify.placeOrder(SHOP, sampleOrder());
  woo.placeOrder(wooSiteId, { lineItems: [{ sku: 'MUG-BLK', name: 'Black mug', quantity: 2, price: '14.50' }], shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat rate', total: '6.95', taxable: true }], setPaid: true, billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' } });
  await woo.settleWebhooks();
  ss.importOrder({ accountId: ssAccountId, order: { orderNumber: 'SS-SECRET-1', orderStatus: 'awaiting_shipment', customerEmail: 'grace@example.com', billTo: { name: 'Grace Hopper' }, items: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: '10.00' }], shippingAmount: '5.00', amountPaid: '25.00' } });
  await ss.settleWebhooks();
  await e.waitForRecords((rs) => synced(rs) >= 6, 'three orders in two books', 90_000);

  // Round 2: both targets' access tokens expire; the next order makes each refresh (QuickBooks rotates its refresh token).
  const tokenCalls = () => ({
    zoho: e.zoho.server.requests().filter((r) => r.path.endsWith('/oauth/v2/token') && r.body.includes('grant_type=refresh_token')).length,
    quickbooks: qbo.server.requests().filter((r) => r.path.endsWith('/tokens/bearer') && r.body.includes('grant_type=refresh_token')).length,
  });
  const before = tokenCalls();
  e.zoho.expireAccessTokens({});
  qbo.expireAccessTokens({});
  e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'second@example.com', firstName: 'Second', lastName: 'Buyer' } }));
  await e.waitForRecords((rs) => synced(rs) >= 8, 'the order after the tokens expired', 90_000);
  const after = tokenCalls();
  refreshes = { zoho: after.zoho - before.zoho, quickbooks: after.quickbooks - before.quickbooks };
  await remember('after refresh');

  // Round 3: things fail, so the error paths log too: a forged webhook; the WooCommerce key revoked and ShipStation
  // answering 401 during a scheduler round (polls, refresh-ahead, webhook check); both targets' grants revoked
  // while an order waits for them.
  const forged = await fetch(e.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': SHOP, 'x-shopify-api-version': '2026-04', 'x-shopify-webhook-id': 'forged', 'x-shopify-hmac-sha256': 'Zm9yZ2Vk' }, body: '{"id":1}' });
  expect(forged.status).toBe(401);
  woo.revokeKey(wooSiteId, site.keyId);
  ss.server.faults.add({ pathPrefix: '/', status: 401, times: 50, body: { Message: 'Authorization has been denied for this request.' } });
  e.zoho.revokeTokens({});
  e.zoho.expireAccessTokens({});
  qbo.revokeGrant({});
  qbo.expireAccessTokens({});
  e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'third@example.com', firstName: 'Third', lastName: 'Buyer' } }));
  const scheduler = startScheduler(e.engine, { pollEveryMs: 3_600_000, publicUrl: e.appUrl });
  await scheduler.tick();
  await scheduler.stop();
  await e.waitForRecords((rs) => rs.filter((r) => r.state === 'retrying' && /reconnect/i.test(r.reason ?? '')).length >= 2, 'the order to wait for both targets to be reconnected', 90_000);
  await remember('after revocation');

  // The operator's view of it all.
  await admin('/api/ping', { method: 'POST', body: '{}' });
  await admin(`/api/tenants/${e.tenantId}/connections`);
  await admin(`/api/tenants/${e.tenantId}/integrations`);
  const { records } = (await admin(`/api/tenants/${e.tenantId}/records`)) as { records: Array<{ id: string }> };
  for (const record of records) await admin(`/api/tenants/${e.tenantId}/records/${record.id}`);
  await admin('/api/records');
  await e.stopWorker();
}, 240_000);
afterAll(async () => e?.close());

/** The forms a secret could leak in: as is, base64, URL-encoded. */
function forms(secret: string): string[] {
  return [...new Set([secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)])];
}

/** Every secret to look for, with its name: the connections' (all stages), the admin token, the sealing key. */
function secretsToFind(): Array<[string, string]> {
  const list: Array<[string, string]> = [];
  for (const [value, name] of held) {
    // Expiry times and other short non-secret values kept among the secrets are not what this test hunts.
    if (value.length < 8 || /^\d{4}-\d\d-\d\dT/.test(value) || /^\d+$/.test(value)) continue;
    list.push([name, value]);
  }
  list.push(['admin token', e.adminToken]);
  const sealingKey = Buffer.alloc(32, 7); // tests/support/test-db.ts testSealer()
  list.push(['sealing key (hex)', sealingKey.toString('hex')], ['sealing key (base64)', sealingKey.toString('base64')]);
  return list;
}

async function dumpAllTables(): Promise<{ text: string; tables: number; rows: number }> {
  const tables = await e.db.db.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
  let text = '';
  let rows = 0;
  for (const { tablename } of tables) {
    const result = await e.db.db.query<{ row: unknown }>(`SELECT row_to_json(t)::text AS row FROM ${tablename} t`);
    rows += result.length;
    text += `-- ${tablename}\n${result.map((r) => String(r.row)).join('\n')}\n`;
  }
  return { text, tables: tables.length, rows };
}

describe('secrets after a full run of all five systems', () => {
  it('the run covered every system, both token refreshes, a rotated QuickBooks refresh token and the failure paths', async () => {
    const connections = await e.db.store.connections.list(e.tenantId);
    expect(connections.map((c) => c.system).sort()).toEqual(['quickbooks', 'shipstation', 'shopify', 'woocommerce', 'zoho-books']);
    expect(refreshes.zoho).toBeGreaterThanOrEqual(1);
    expect(refreshes.quickbooks).toBeGreaterThanOrEqual(1);
    const names = [...held.values()];
    for (const expected of ['shopify.accessToken', 'shopify.webhookSecret', 'woocommerce.consumerKey', 'woocommerce.consumerSecret', 'woocommerce.webhookSecret', 'shipstation.apiKey', 'shipstation.apiSecret', 'zoho-books.refreshToken', 'zoho-books.clientSecret', 'quickbooks.refreshToken', 'quickbooks.clientSecret']) {
      expect(names.some((n) => n.startsWith(expected)), expected).toBe(true);
    }
    // Refreshed tokens are new values: the old ones are hunted too.
    expect(names.filter((n) => n.startsWith('zoho-books.accessToken')).length).toBeGreaterThanOrEqual(2);
    expect(names.filter((n) => n.startsWith('quickbooks.accessToken')).length).toBeGreaterThanOrEqual(2);
    expect(names.filter((n) => n.startsWith('quickbooks.refreshToken')).length).toBeGreaterThanOrEqual(2);
    // The failure round ran its error paths, each leaving its log line.
    for (const msg of ['webhook refused', 'poll failed', 'connection needs to be reconnected']) expect(logs.count(msg), msg).toBeGreaterThanOrEqual(1);
    const invoices = { zoho: e.invoices().length, quickbooks: qbo.listEntities({ realmId: String(connections.find((c) => c.system === 'quickbooks')?.config.realmId), entity: 'Invoice' }).length };
    expect(invoices).toEqual({ zoho: 4, quickbooks: 4 });
    console.log(
      `full run: 5 connections, 4 orders from 3 sources → ${invoices.zoho} Zoho + ${invoices.quickbooks} QuickBooks invoices; token refreshes: Zoho ${refreshes.zoho}, QuickBooks ${refreshes.quickbooks} (refresh token rotated); ` +
        `failure round: forged webhook, WooCommerce key revoked, ShipStation 401s, both grants revoked; ${held.size} distinct secret values held`,
    );
  });

  it('a dump of every table holds none of them, in any form, and no "Bearer <token>"', async () => {
    const dump = await dumpAllTables();
    const secrets = secretsToFind();
    const found = secrets.filter(([, value]) => forms(value).some((f) => dump.text.includes(f))).map(([name]) => name);
    expect(found).toEqual([]);
    expect(dump.text).not.toMatch(/Bearer\s+[A-Za-z0-9._~+/-]{8,}/);
    expect(dump.text).not.toMatch(/Zoho-oauthtoken\s+\S{8,}/);
    expect(dump.text).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{12,}/);
    // The sealed column is there and is ciphertext.
    expect(dump.text).toMatch(/"secrets_sealed":"v1:test:/);
    const skipped = [...held].filter(([value]) => !secrets.some(([, v]) => v === value)).map(([value, name]) => `${name}=${value.length > 24 ? `${value.slice(0, 24)}…` : value}`);
    console.log(`not hunted (expiry times, numbers, under 8 characters): ${skipped.join(', ')}`);
    console.log(`database dump: ${dump.tables} tables, ${dump.rows} rows, ${dump.text.length} characters; ${secrets.length} secrets × 3 forms searched: 0 found; no Bearer / Zoho-oauthtoken / Basic credentials`);
  });

  it('every log line (debug level) holds none of them, and no "Bearer <token>"', () => {
    const text = logs.text();
    const lines = logs.lines();
    // The logger ran at debug level; the product writes few lines (no debug statements, warnings on failure paths).
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const secrets = secretsToFind();
    const found = secrets.filter(([, value]) => forms(value).some((f) => text.includes(f))).map(([name]) => name);
    expect(found).toEqual([]);
    expect(text).not.toMatch(/Bearer\s+[A-Za-z0-9._~+/-]{8,}/);
    expect(text).not.toMatch(/Zoho-oauthtoken\s+\S{8,}/);
    expect(text).not.toMatch(/Basic\s+[A-Za-z0-9+/=]{12,}/);
    const levels = new Map<number, number>();
    for (const l of lines) levels.set(l.level, (levels.get(l.level) ?? 0) + 1);
    console.log(`logs: ${lines.length} lines (${[...levels].sort().map(([lv, n]) => `${n} at level ${lv}`).join(', ')}), ${text.length} characters; ${secrets.length} secrets × 3 forms searched: 0 found`);
  });

  it('the admin API answers hold none of them', () => {
    expect(adminAnswers.length).toBeGreaterThan(1000);
    const found = secretsToFind().filter(([, value]) => forms(value).some((f) => adminAnswers.includes(f))).map(([name]) => name);
    expect(found).toEqual([]);
    expect(adminAnswers).not.toMatch(/accessToken|refreshToken|clientSecret|consumerSecret|webhookSecret|apiSecret|secrets_sealed/);
    console.log(`admin API: ${adminAnswers.length} characters of answers (ping, connections, integrations, every record with its audit trail): 0 secrets`);
  });
});
