/**
 * Bad input on every public endpoint. The routes are enumerated from the Fastify app itself and compared with
 * the table below, so a route added without a row here fails the suite. For the webhook route, each source
 * (Shopify, WooCommerce, ShipStation) gets forged and missing signatures (401), malformed and truncated JSON
 * (400), wrong content types (400), an oversized body (413) and unknown addresses (404); a refused delivery
 * stores nothing and leaves exactly one security log line and one security audit row. The admin routes refuse
 * every request without their token, with no data in the answer. Then odd payloads with valid signatures
 * (numbers beyond 2^53 and 1e400, 10,000-deep nesting, invalid UTF-8, BOM, UTF-16, NUL bytes, 900 KB strings)
 * get a clear 4xx or are stored and end as a record with a reason: never a 5xx, a crash or a hang.
 * The property runs over the verifiers and mappings are in tests/fuzz/.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShipStationSim, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import { startShopifySim, type ShopifySim } from '../../simulators/shopify/index.ts';
import { startWooCommerceSim, type WooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { awaitOAuthRedirect, connectShipStation, connectShopify, connectWooCommerce } from '../../src/cli/connect-flows.ts';
import { hmacSha256Base64 } from '../../src/connectors/_kit/hmac.ts';
import type { Connection } from '../../src/sync/ports.ts';
import { captureLogs, trackUnhandledRejections } from '../support/log-capture.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';
import { enumerateRoutes } from '../support/routes.ts';

type Source = 'shopify' | 'woocommerce' | 'shipstation';
const SOURCES: readonly Source[] = ['shopify', 'woocommerce', 'shipstation'];
const SHOP = 'bad-input.myshopify.com';

const logs = captureLogs();
const rejections = trackUnhandledRejections();
let p: Platform;
let shopify: ShopifySim;
let woo: WooCommerceSim;
let ss: ShipStationSim;
const conn = {} as Record<Source, Connection>;
let wooSiteUrl = '';

beforeAll(async () => {
  p = await startPlatform({ logTo: logs.stream });
  shopify = await startShopifySim();
  woo = await startWooCommerceSim({ deliverAsync: false });
  ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  p.onClose(() => shopify.close());
  p.onClose(() => woo.close());
  p.onClose(() => ss.close());
  const deps = { store: p.db.store, engine: p.engine };
  const shop = shopify.createShop({ domain: SHOP, currency: 'USD' });
  conn.shopify = (await connectShopify(deps, { tenant: p.tenant, shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: shopify.url })).connection;
  const site = woo.createSite({ https: false, currency: 'USD' });
  wooSiteUrl = String((await connectWooCommerce(deps, { tenant: p.tenant, siteUrl: site.siteUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret })).connection.config.siteUrl);
  conn.woocommerce = (await p.db.store.connections.list(p.tenantId)).find((c) => c.system === 'woocommerce') as Connection;
  const account = ss.createAccount({ name: 'bad-input' });
  conn.shipstation = (await connectShipStation(deps, { tenant: p.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
});
afterAll(async () => {
  rejections.stop();
  await p?.close();
});

// ---------------------------------------------------------------- deliveries as each platform signs them

const urlOf = (source: Source) => p.webhookUrlOf(conn[source]);
const secretOf = (source: Source) => conn[source].secrets.webhookSecret ?? '';

/** A body each source would accept, unique per call. */
function validBody(source: Source, id = nextId()): string {
  switch (source) {
    case 'shopify':
      return `{"id":${id},"name":"#${id}","total_price":"10.00"}`;
    case 'woocommerce':
      return `{"id":${id},"number":"${id}","date_modified_gmt":"2026-04-01T10:00:00","total":"10.00"}`;
    case 'shipstation':
      return `{"resource_url":"${ss.url}/orders?storeID=1&importBatch=${randomUUID()}","resource_type":"ORDER_NOTIFY"}`;
  }
}

let idSeq = 7_000_000;
const nextId = () => String((idSeq += 1));

/** The headers the platform sends with `body`, signed with `secret` (ShipStation signs nothing). */
function signed(source: Source, body: Buffer | string, options: { secret?: string; contentType?: string } = {}): Record<string, string> {
  const secret = options.secret ?? secretOf(source);
  const bytes = Buffer.from(body);
  const contentType = { 'content-type': options.contentType ?? 'application/json' };
  switch (source) {
    case 'shopify':
      return {
        ...contentType,
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-api-version': '2026-04',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-triggered-at': '2026-04-01T10:00:00.000Z',
        'x-shopify-hmac-sha256': hmacSha256Base64(secret, bytes),
      };
    case 'woocommerce':
      return {
        ...contentType,
        'x-wc-webhook-source': `${wooSiteUrl}/`,
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-id': '17',
        'x-wc-webhook-delivery-id': randomUUID().replace(/-/g, ''),
        'x-wc-webhook-signature': hmacSha256Base64(secret, bytes),
      };
    case 'shipstation':
      return contentType;
  }
}

const SIGNATURE_HEADER: Record<Source, string | null> = { shopify: 'x-shopify-hmac-sha256', woocommerce: 'x-wc-webhook-signature', shipstation: null };

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
  return { status: res.status, text: await res.text() };
}

async function count(sql: string, params: unknown[]): Promise<number> {
  const rows = await p.db.db.query<{ n: string | number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}
/** What a delivery to `source` can leave behind: inbox rows, records, security audit rows and log lines. */
async function traces(source: Source) {
  const id = conn[source].id;
  return {
    inbox: await count('SELECT count(*) AS n FROM inbox_events WHERE connection_id = $1', [id]),
    records: await count('SELECT count(*) AS n FROM sync_records', []),
    securityAudit: await count(`SELECT count(*) AS n FROM audit_log WHERE kind = 'security' AND connection_id = $1`, [id]),
    securityLog: logs.count('webhook refused', { connectionId: id }),
  };
}

// ---------------------------------------------------------------- the route table

/** How each route is attacked below. A route the app serves that is missing here fails the coverage test. */
const ROUTES = {
  'POST /webhooks/:connectionId/:key': 'webhook',
  'GET /api/tenants': 'admin',
  'GET /api/records': 'admin',
  'GET /api/tenants/:tenantId/records': 'admin',
  'GET /api/tenants/:tenantId/records/:id': 'admin',
  'POST /api/tenants/:tenantId/records/:id/replay': 'admin',
  'POST /api/tenants/:tenantId/replay': 'admin',
  'POST /api/ping': 'admin',
  'GET /api/tenants/:tenantId/integrations': 'admin',
  'PUT /api/tenants/:tenantId/integrations/:id/settings': 'admin',
  'GET /api/tenants/:tenantId/integrations/:id/mapping-options': 'admin',
  'GET /api/tenants/:tenantId/connections': 'admin',
  'POST /api/tenants/:tenantId/tokens': 'admin',
  'GET /api/tenants/:tenantId/tokens': 'admin',
  'DELETE /api/tenants/:tenantId/tokens/:id': 'admin',
  'GET /health': 'public',
  'GET /metrics': 'public',
  'GET /': 'public',
} as const satisfies Record<string, 'webhook' | 'admin' | 'public'>;

describe('every public route is covered', () => {
  it('the routes the app serves are exactly the routes in the table', () => {
    const served = enumerateRoutes(p.app);
    console.log(`routes served: ${served.length} (${served.filter((r) => ROUTES[r as keyof typeof ROUTES] === 'admin').length} admin, 1 webhook, ${served.filter((r) => ROUTES[r as keyof typeof ROUTES] === 'public').length} public); table rows: ${Object.keys(ROUTES).length}`);
    // The parse is checked against Fastify's own lookup, so a misread tree cannot make this pass.
    for (const route of served) {
      const [method, url] = route.split(' ') as [string, string];
      expect(p.app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }
    expect([...served].sort()).toEqual(Object.keys(ROUTES).sort());
  });
});

// ---------------------------------------------------------------- the webhook route, per source

interface Attack {
  name: string;
  /** Expected status per source; null where the attack does not apply (ShipStation signs nothing). */
  status: Record<Source, number | null>;
  /** True when the connector refuses it (a security line and audit row); false when the route does. */
  refusedByVerifier: boolean;
  send(source: Source): Promise<{ status: number; text: string }>;
}

const ATTACKS: Attack[] = [
  {
    name: 'forged signature (signed with another secret)',
    status: { shopify: 401, woocommerce: 401, shipstation: null },
    refusedByVerifier: true,
    send: (s) => {
      const body = validBody(s);
      return post(urlOf(s), body, signed(s, body, { secret: 'not-the-secret' }));
    },
  },
  {
    name: 'missing signature header',
    status: { shopify: 401, woocommerce: 401, shipstation: null },
    refusedByVerifier: true,
    send: (s) => {
      const body = validBody(s);
      const headers = signed(s, body);
      delete headers[SIGNATURE_HEADER[s] ?? ''];
      return post(urlOf(s), body, headers);
    },
  },
  {
    name: 'signature of another body (changed on the way)',
    status: { shopify: 401, woocommerce: 401, shipstation: null },
    refusedByVerifier: true,
    send: (s) => post(urlOf(s), validBody(s), signed(s, validBody(s))),
  },
  {
    name: "ShipStation's only proof besides the key: a pointer at another host",
    status: { shopify: null, woocommerce: null, shipstation: 400 },
    refusedByVerifier: true,
    send: (s) => {
      const body = '{"resource_url":"https://attacker.example/orders?importBatch=1","resource_type":"ORDER_NOTIFY"}';
      return post(urlOf(s), body, signed(s, body));
    },
  },
  {
    name: 'malformed JSON, validly signed',
    status: { shopify: 400, woocommerce: 400, shipstation: 400 },
    refusedByVerifier: true,
    send: (s) => post(urlOf(s), "{id: 1, 'x': }", signed(s, "{id: 1, 'x': }")),
  },
  {
    name: 'truncated JSON, validly signed',
    status: { shopify: 400, woocommerce: 400, shipstation: 400 },
    refusedByVerifier: true,
    send: (s) => {
      const body = validBody(s).slice(0, -7);
      return post(urlOf(s), body, signed(s, body));
    },
  },
  {
    name: 'empty body, validly signed',
    status: { shopify: 400, woocommerce: 400, shipstation: 400 },
    refusedByVerifier: true,
    send: (s) => post(urlOf(s), '', signed(s, '')),
  },
  {
    name: 'wrong content type (text/plain)',
    status: { shopify: 400, woocommerce: 400, shipstation: 400 },
    refusedByVerifier: false,
    send: (s) => {
      const body = validBody(s);
      return post(urlOf(s), body, signed(s, body, { contentType: 'text/plain' }));
    },
  },
  {
    name: 'wrong content type (multipart/form-data)',
    status: { shopify: 400, woocommerce: 400, shipstation: 400 },
    refusedByVerifier: false,
    send: (s) => {
      const body = validBody(s);
      return post(urlOf(s), body, signed(s, body, { contentType: 'multipart/form-data; boundary=x' }));
    },
  },
  {
    name: 'body over the 1 MiB limit (2 MiB), validly signed',
    status: { shopify: 413, woocommerce: 413, shipstation: 413 },
    refusedByVerifier: false,
    send: (s) => {
      const body = `${validBody(s).slice(0, -1)},"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
      return post(urlOf(s), body, signed(s, body));
    },
  },
  {
    name: 'unknown connection id',
    status: { shopify: 404, woocommerce: 404, shipstation: 404 },
    refusedByVerifier: false,
    send: (s) => {
      const body = validBody(s);
      return post(`${p.appUrl}/webhooks/${randomUUID()}/${conn[s].webhookKey}`, body, signed(s, body));
    },
  },
  {
    name: 'right connection id, wrong key',
    status: { shopify: 404, woocommerce: 404, shipstation: 404 },
    refusedByVerifier: false,
    send: (s) => {
      const body = validBody(s);
      const key = conn[s].webhookKey;
      const wrong = `${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`;
      return post(`${p.appUrl}/webhooks/${conn[s].id}/${wrong}`, body, signed(s, body));
    },
  },
];

describe('the webhook route refuses bad deliveries, per source', () => {
  it('every attack gets its status; nothing is stored; a connector refusal leaves one security log line and one audit row', async () => {
    const rows: string[] = [];
    let sent = 0;
    for (const attack of ATTACKS) {
      const cells: string[] = [];
      for (const source of SOURCES) {
        const expected = attack.status[source];
        if (expected === null) {
          cells.push(`${source} n/a`);
          continue;
        }
        const before = await traces(source);
        const res = await attack.send(source);
        sent += 1;
        const after = await traces(source);
        const what = `${attack.name} → ${source}`;
        expect(res.status, `${what}: ${res.text}`).toBe(expected);
        expect(after.inbox, `${what}: inbox`).toBe(before.inbox);
        expect(after.records, `${what}: records`).toBe(before.records);
        const security = attack.refusedByVerifier ? 1 : 0;
        expect(after.securityLog - before.securityLog, `${what}: security log lines`).toBe(security);
        expect(after.securityAudit - before.securityAudit, `${what}: security audit rows`).toBe(security);
        // The refusal names the problem and nothing else: no secret, no stored data.
        expect(res.text).not.toContain(secretOf(source) || '\u0000none');
        cells.push(`${source} ${res.status}`);
      }
      rows.push(`  ${attack.name}: ${cells.join(', ')}`);
    }
    console.log(`webhook attacks: ${sent} deliveries refused, 0 stored\n${rows.join('\n')}`);
    for (const source of SOURCES) expect((await traces(source)).inbox).toBe(0);
  });

  it('the security log line says who and why, and holds neither the signature nor the secret', async () => {
    const refused = logs.lines().filter((l) => l.msg === 'webhook refused');
    expect(refused.length).toBeGreaterThanOrEqual(9);
    const codes = new Set(refused.map((l) => String(l.code)));
    console.log(`security log lines: ${refused.length}, codes: ${[...codes].sort().join(', ')}`);
    expect(codes).toEqual(new Set(['webhook_invalid_signature', 'webhook_missing_headers', 'webhook_invalid_body', 'webhook_foreign_url']));
    for (const line of refused) {
      expect(line.level).toBe(40); // warn
      expect(Object.values(conn).map((c) => c.id)).toContain(line.connectionId);
      const text = JSON.stringify(line);
      for (const source of ['shopify', 'woocommerce'] as const) expect(text).not.toContain(secretOf(source));
    }
  });
});

// ---------------------------------------------------------------- the admin routes

describe('the admin routes refuse requests without their token', () => {
  const attempts = (token: string): Array<[string, Record<string, string>]> => [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token' }],
    ['the token with one character more', { authorization: `Bearer ${token}x` }],
    ['the token with its last character missing', { authorization: `Bearer ${token.slice(0, -1)}` }],
    ['the token as Basic credentials', { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` }],
    ['the token without its scheme', { authorization: token }],
    ['a webhook key as the token', { authorization: `Bearer ${conn.shopify.webhookKey}` }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
  ];

  it('every admin route × every bad token: 401, no data, nothing changed', async () => {
    // Real ids in every path, so a route that skipped its check would have data to leak.
    const flow = (await p.db.store.integrations.list(p.tenantId))[0];
    const settingsBefore = JSON.stringify(flow?.settings ?? null);
    const auditBefore = await count('SELECT count(*) AS n FROM audit_log', []);
    const concrete = (route: string) =>
      route.replace(':tenantId', p.tenantId).replace('/records/:id', `/records/${randomUUID()}`).replace('/integrations/:id', `/integrations/${flow?.id ?? 'none'}`);
    const bodies: Record<string, string> = { 'POST /api/tenants/:tenantId/replay': '{"state":"synced"}', 'PUT /api/tenants/:tenantId/integrations/:id/settings': '{"shipments":{"mode":"note"}}' };
    const adminRoutes = Object.entries(ROUTES).filter(([, kind]) => kind === 'admin').map(([route]) => route);
    let refused = 0;
    for (const route of adminRoutes) {
      const [method, path] = route.split(' ') as [string, string];
      for (const [why, headers] of attempts(p.adminToken)) {
        const res = await fetch(`${p.appUrl}${concrete(path)}?token=${encodeURIComponent(p.adminToken)}`, {
          method,
          headers: { ...headers, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          ...(method === 'GET' ? {} : { body: bodies[route] ?? '{}' }),
        });
        const body = (await res.json()) as Record<string, unknown>;
        expect(res.status, `${route} with ${why}`).toBe(401);
        expect(Object.keys(body).sort(), `${route} with ${why}`).toEqual(['error', 'message']);
        expect(JSON.stringify(body)).not.toContain(p.tenantId);
        refused += 1;
      }
    }
    // Nothing the refused calls could have done happened: no replay, no settings change, no ping.
    expect(await count('SELECT count(*) AS n FROM audit_log', [])).toBe(auditBefore);
    expect(JSON.stringify((await p.db.store.integrations.get(p.tenantId, flow?.id ?? ''))?.settings ?? null)).toBe(settingsBefore);
    console.log(`admin routes: ${adminRoutes.length} × ${attempts(p.adminToken).length} bad credentials (a ?token= query included on each) = ${refused} requests, all 401 with no data`);
    // And the right token is let in, so the 401s above prove the check and not a broken route.
    const ok = await fetch(`${p.appUrl}/api/tenants/${p.tenantId}/connections`, { headers: { authorization: `Bearer ${p.adminToken}` } });
    expect(ok.status).toBe(200);
  });

  it('the public routes answer without the token and show no tenant data; unknown paths are 404', async () => {
    const secrets = Object.values(conn).flatMap((c) => Object.values(c.secrets));
    const figures: string[] = [];
    for (const route of Object.entries(ROUTES).filter(([, kind]) => kind === 'public').map(([r]) => r)) {
      const path = route.split(' ')[1] ?? '/';
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(`${p.appUrl}${path}`, { method });
        const text = await res.text();
        expect(res.status, `${method} ${path}`).toBe(200);
        expect(text).not.toContain(p.tenantId);
        for (const c of Object.values(conn)) expect(text).not.toContain(c.id);
        for (const secret of secrets) expect(text).not.toContain(secret);
        figures.push(`${method} ${path} ${res.status} (${text.length} bytes)`);
      }
    }
    for (const path of ['/api/tenants/x/secrets', '/webhooks', '/webhooks/a', '/.env', '/api/tenants/x/records/y/audit']) {
      const res = await fetch(`${p.appUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(p.tenantId);
    }
    const wrongMethod = await fetch(urlOf('shopify'), { method: 'GET' });
    expect(wrongMethod.status).toBe(404);
    console.log(`public routes: ${figures.join('; ')}; 5 unknown paths and GET on a webhook address → 404`);
  });
});

// ---------------------------------------------------------------- odd payloads with valid signatures

interface Oddity {
  name: string;
  /** The body for `source`, with `id` as its record id where the source reads one. */
  body(source: Source, id: string): Buffer;
  contentType?: string;
}

/** A valid body for `source` with `extra` (raw JSON text) spliced in as one more member. */
function withMember(source: Source, id: string, extra: string): string {
  return `${validBody(source, id).slice(0, -1)},${extra}}`;
}

const ODDITIES: Oddity[] = [
  { name: 'id above 2^53 (9007199254740993)', body: (s) => Buffer.from(validBody(s, '9007199254740993')) },
  { name: 'id with 60 digits', body: (s) => Buffer.from(validBody(s, '123456789012345678901234567890123456789012345678901234567890')) },
  { name: 'id 1e400', body: (s) => Buffer.from(validBody(s, '1e400')) },
  { name: 'amount 1e400 and -0 and 1e-400', body: (s, id) => Buffer.from(withMember(s, id, '"big":1e400,"neg":-0,"tiny":1e-400')) },
  { name: '10,000-deep nesting', body: (s, id) => Buffer.from(withMember(s, id, `"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}`)) },
  { name: '10,000-deep objects', body: (s, id) => Buffer.from(withMember(s, id, `"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)) },
  { name: 'invalid UTF-8 in a string', body: (s, id) => Buffer.concat([Buffer.from(withMember(s, id, '"note":"').slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]) },
  { name: 'UTF-8 BOM before the JSON', body: (s, id) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validBody(s, id))]) },
  { name: 'UTF-16LE with BOM', body: (s, id) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(validBody(s, id), 'utf16le')]), contentType: 'application/json; charset=utf-16' },
  { name: 'raw NUL bytes in a string', body: (s, id) => Buffer.from(withMember(s, id, '"note":"a\u0000b\u0000"')) },
  { name: 'escaped \\u0000 in a string', body: (s, id) => Buffer.from(withMember(s, id, '"note":"a\\u0000b","first_name":"\\u0000"')) },
  {
    name: 'escaped NUL and a lone surrogate in the fields that are stored',
    body: (s, id) => {
      if (s === 'woocommerce') return Buffer.from(`{"id":${id},"date_modified_gmt":"2026-04-01T10:00:00\\u0000\\ud800"}`);
      if (s === 'shipstation') return Buffer.from(`{"resource_url":"${ss.url}/orders?importBatch=${id}\\u0000\\ud800","resource_type":"ORDER_NOTIFY"}`);
      return Buffer.from(`{"id":${id},"name":"#\\u0000\\ud800"}`);
    },
  },
  { name: 'lone surrogate escapes', body: (s, id) => Buffer.from(withMember(s, id, '"note":"\\ud800\\udfff\\udc00"')) },
  { name: '900 KB string', body: (s, id) => Buffer.from(withMember(s, id, `"note":"${'é'.repeat(450 * 1024)}"`)) },
  { name: 'duplicate keys (id twice)', body: (s, id) => Buffer.from(withMember(s, id, `"id":${nextId()}`)) },
];

describe('odd payloads through the real webhook path, validly signed', () => {
  it('each gets a clear 4xx or is stored and ends as a record with a reason; never a 5xx, a crash or a hang', async () => {
    p.startWorker(2);
    const outcome: string[] = [];
    const storedOrderIds: Array<{ source: Source; id: string; oddity: string }> = [];
    const storedPointers: Array<{ eventId: string; oddity: string }> = [];
    let requests = 0;
    for (const oddity of ODDITIES) {
      const cells: string[] = [];
      for (const source of SOURCES) {
        const id = nextId();
        const body = oddity.body(source, id);
        const before = await traces(source);
        const started = Date.now();
        const res = await post(urlOf(source), body, signed(source, body, oddity.contentType ? { contentType: oddity.contentType } : {}));
        requests += 1;
        const after = await traces(source);
        const what = `${oddity.name} → ${source}`;
        expect(res.status, `${what}: ${res.text}`).toBeLessThan(500);
        expect([200, 400], `${what}: ${res.text}`).toContain(res.status);
        if (res.status === 200) {
          const received = (JSON.parse(res.text) as { received: number }).received;
          expect(after.inbox - before.inbox, what).toBe(received);
          if (received > 0) {
            const [event] = await p.db.db.query<{ id: string; source_id: string }>('SELECT id, source_id FROM inbox_events WHERE connection_id = $1 ORDER BY seq DESC LIMIT 1', [conn[source].id]);
            if (source === 'shipstation') storedPointers.push({ eventId: event?.id ?? '', oddity: oddity.name });
            else storedOrderIds.push({ source, id: event?.source_id ?? '', oddity: oddity.name });
          }
        } else {
          expect(after.inbox, what).toBe(before.inbox);
          expect(JSON.parse(res.text)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        }
        cells.push(`${source} ${res.status} (${Date.now() - started} ms)`);
      }
      outcome.push(`  ${oddity.name}: ${cells.join(', ')}`);
    }
    // Exact ids: a number above 2^53 is kept digit for digit, never rounded through a float.
    const big = storedOrderIds.filter((s) => s.oddity.startsWith('id above 2^53'));
    expect(big.map((s) => s.id)).toEqual(big.map(() => '9007199254740993'));

    // Every stored order event ends as a record with a reason (the shop has no such order), or synced.
    const records = await p.waitForRecords(
      (rs) => storedOrderIds.every((s) => rs.some((r) => r.sourceId === s.id && ['skipped', 'failed', 'conflict', 'synced'].includes(r.state))),
      'a final record for every stored order event',
      90_000,
    );
    const finals = storedOrderIds.map((s) => records.find((r) => r.sourceId === s.id && ['skipped', 'failed', 'conflict', 'synced'].includes(r.state)));
    for (const [i, record] of finals.entries()) {
      expect(record?.state === 'synced' || (record?.reason ?? '').length > 0, `${storedOrderIds[i]?.oddity} → ${storedOrderIds[i]?.source}`).toBe(true);
    }
    // Every stored pointer is followed to its end (the simulator's batch is empty) and logged.
    const deadline = Date.now() + 60_000;
    const followed = () => storedPointers.filter((s) => logs.lines().some((l) => l.eventId === s.eventId && (l.msg === 'pointer followed' || l.msg === 'pointer could not be followed')));
    while (followed().length < storedPointers.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(followed().length).toBe(storedPointers.length);

    // Still serving: health and a well-formed delivery after all that.
    expect((await fetch(`${p.appUrl}/health`)).status).toBe(200);
    const ok = validBody('shopify');
    expect((await post(urlOf('shopify'), ok, signed('shopify', ok))).status).toBe(200);
    expect(logs.lines().filter((l) => l.msg === 'request failed')).toEqual([]);
    expect(rejections.reasons).toEqual([]);

    const reasons = new Map<string, number>();
    for (const r of finals) reasons.set(`${r?.state}: ${r?.reason ?? ''}`, (reasons.get(`${r?.state}: ${r?.reason ?? ''}`) ?? 0) + 1);
    console.log(
      `odd payloads: ${ODDITIES.length} kinds × 3 sources = ${requests} signed deliveries, 0 × 5xx; ` +
        `${storedOrderIds.length} order events stored → ${finals.length} final records; ${storedPointers.length} pointers followed\n${outcome.join('\n')}\n` +
        `  final records: ${[...reasons].map(([k, n]) => `${n} × ${k}`).join('; ')}`,
    );
  }, 180_000);
});

describe('odd text in the source record itself', () => {
  it('an order whose line holds NUL or an unpaired surrogate ends failed with its reason, not retried for ever', async () => {
    // The webhook is only a trigger: the handler reads the order from Shopify, and that text must be storable.
    const placed = shopify.placeOrder(SHOP, {
      customer: { email: 'nul@example.com', firstName: 'Nul', lastName: 'Byte' },
      lineItems: [{ sku: 'MUG\u0000', title: 'Mug\u0000\udc00', quantity: 1, price: '10.00' }],
      financialStatus: 'PAID',
    });
    const body = validBody('shopify', placed.id);
    expect((await post(urlOf('shopify'), body, signed('shopify', body))).status).toBe(200);
    const records = await p.waitForRecords((rs) => rs.some((r) => r.sourceId === placed.id && r.state === 'failed'), 'the order to fail with a reason', 60_000);
    const record = records.find((r) => r.sourceId === placed.id);
    expect(record?.reason).toMatch(/NUL character or an unpaired UTF-16 surrogate/);
    expect(record?.attempts).toBe(1);
    console.log(`source order with NUL in a line: ${record?.state} after ${record?.attempts} attempt, reason: ${record?.reason}`);
  });
});

// ---------------------------------------------------------------- the OAuth callback (CLI connect)

describe('the OAuth callback the connect command opens', () => {
  /** Starts a callback server; resolves once it listens, with its address and the state it expects. */
  async function openCallback() {
    let callbackUrl = '';
    let authorizeUrl = '';
    const done = awaitOAuthRedirect({
      port: 0,
      provider: 'Test',
      buildUrl: (redirectUri, state) => `https://example.invalid/authorize?redirect_uri=${encodeURIComponent(redirectUri)}&state=${state}`,
      onUrl: (url, redirectUri) => {
        authorizeUrl = url;
        callbackUrl = redirectUri;
      },
      timeoutMs: 20_000,
    });
    done.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!callbackUrl && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { done, callbackUrl, state: new URL(authorizeUrl).searchParams.get('state') ?? '' };
  }

  it('refuses a wrong or missing state and other paths, and accepts only its own redirect', async () => {
    const { done, callbackUrl, state } = await openCallback();
    const statuses: Record<string, number> = {};
    const hit = async (name: string, url: string) => {
      const res = await fetch(url);
      await res.arrayBuffer();
      statuses[name] = res.status;
    };
    await hit('other path', callbackUrl.replace('/oauth/callback', '/admin'));
    await hit('no state', `${callbackUrl}?code=abc`);
    await hit('wrong state', `${callbackUrl}?code=abc&state=${state}x`);
    await hit('state with a NUL and 2 KB', `${callbackUrl}?code=abc&state=%00${'a'.repeat(2048)}`);
    expect(statuses).toEqual({ 'other path': 404, 'no state': 400, 'wrong state': 400, 'state with a NUL and 2 KB': 400 });
    await hit('right state', `${callbackUrl}?code=the-code&state=${state}`);
    const { params } = await done;
    expect(statuses['right state']).toBe(200);
    expect(params.get('code')).toBe('the-code');
    // A grant the user denied: 400, and the connect command stops with the provider's reason.
    const denied = await openCallback();
    const res = await fetch(`${denied.callbackUrl}?error=access_denied&state=${denied.state}`);
    await res.arrayBuffer();
    statuses['denied grant'] = res.status;
    expect(res.status).toBe(400);
    await expect(denied.done).rejects.toThrow(/did not grant access: access_denied/);
    console.log(`OAuth callback: ${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  });
});
