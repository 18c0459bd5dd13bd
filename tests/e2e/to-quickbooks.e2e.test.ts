/**
 * QuickBooks Online as the target, end to end through both simulators: Shopify and ShipStation orders become
 * invoices, a shipment updates its invoice's ship date and tracking, a revoked grant parks the connection
 * without losing anything, two workers racing on an expired token refresh once, and a 429 burst loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startShipStationSim } from '../../simulators/shipstation/index.ts';
import { startWooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { connectQuickBooks, connectShipStation, connectWooCommerce } from '../../src/cli/connect-flows.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { authorizeUrl as quickbooksAuthorizeUrl } from '../../src/connectors/quickbooks/auth.ts';
import { createEngine } from '../../src/main.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { formatDec, parseDec } from '../../src/core/money.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';

let e: E2E | undefined;
afterEach(async () => e?.close());

const synced = (n: number) => (rs: Array<{ entityType: string; state: string }>) => rs.filter((r) => r.entityType === 'order' && r.state === 'synced').length >= n;
const tokenRefreshes = (e: E2E) => (e.qbo?.server.requests() ?? []).filter((r) => r.path.endsWith('/tokens/bearer') && r.body.includes('grant_type=refresh_token'));

describe('→ QuickBooks Online', () => {
  it('posts a Shopify order as one invoice whose TotalAmt is the order total', async () => {
    e = await startE2E({ target: 'quickbooks' });
    e.startWorker();
    const order = e.shopify.placeOrder(SHOP, sampleOrder());
    await e.waitForRecords(synced(1), 'the order');
    const invoices = e.invoices();
    expect(invoices).toHaveLength(1);
    expect(String(invoices[0]?.TotalAmt)).toBe('64.86');
    expect(invoices[0]?.DocNumber).toBe(order.name);
    expect(String(invoices[0]?.PrivateNote)).toContain(order.name);
  });

  it('posts a ShipStation order, then its shipment fills ship date and tracking on the invoice', async () => {
    e = await startE2E({ target: 'quickbooks' });
    const ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
    e.onClose(() => ss.close());
    const account = ss.createAccount();
    const source = (await connectShipStation({ store: e.db.store, engine: e.engine }, { tenant: e.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
    await checkWebhooks(e.engine, source, e.appUrl);
    e.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: { orderNumber: 'SS-QBO-1', orderStatus: 'awaiting_shipment', customerEmail: 'grace@example.com', billTo: { name: 'Grace Hopper' }, items: [{ sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: '10.00' }], shippingAmount: '5.00', amountPaid: '25.00' } });
    await ss.settleWebhooks();
    await e.waitForRecords(synced(1), 'the ShipStation order');
    const invoice = e.invoices().find((i) => i.DocNumber === 'SS-QBO-1');
    expect(formatDec(parseDec(String(invoice?.TotalAmt)), 2)).toBe('25.00');
    ss.shipOrder({ accountId: account.accountId, orderId: imported.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1ZQBO0001', shipmentCost: '6.10' });
    await ss.settleWebhooks();
    await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'shipment' && r.state === 'synced'), 'the shipment');
    const shipped = e.invoices().find((i) => i.DocNumber === 'SS-QBO-1');
    expect(shipped?.TrackingNum).toBe('1ZQBO0001');
    expect(shipped?.ShipDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(e.invoices().filter((i) => i.DocNumber === 'SS-QBO-1')).toHaveLength(1);
  });

  it('posts a WooCommerce order (fee, coupon, taxed shipping) whose TotalAmt is the order total', async () => {
    e = await startE2E({ target: 'quickbooks' });
    const woo = await startWooCommerceSim({ deliverAsync: false });
    e.onClose(() => woo.close());
    const site = woo.createSite({ https: false, currency: 'USD' });
    const source = (await connectWooCommerce({ store: e.db.store, engine: e.engine }, { tenant: e.tenant, siteUrl: site.siteUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret })).connection;
    await checkWebhooks(e.engine, source, e.appUrl);
    e.startWorker();
    const placed = woo.placeOrder(site.siteId, {
      lineItems: [{ sku: 'MUG-BLK', name: 'Black mug', quantity: 2, price: '14.50' }],
      shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat rate', total: '6.95', taxable: true }],
      feeLines: [{ name: 'Gift wrap', total: '2.00', taxable: true }],
      coupons: [{ code: 'WELCOME5', amount: '5.00' }],
      setPaid: true,
      billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
    }) as unknown as { number: string; total: string };
    await woo.settleWebhooks();
    await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'synced' && r.sourceRef !== null && !r.sourceRef.startsWith('#')), 'the WooCommerce order');
    const invoice = e.invoices().find((i) => i.DocNumber === placed.number);
    expect(formatDec(parseDec(String(invoice?.TotalAmt)), 2)).toBe(placed.total);
  });

  it('a revoked grant parks the connection; nothing is lost and everything syncs after reconnecting', async () => {
    e = await startE2E({ target: 'quickbooks' });
    const qbo = e.qbo;
    if (!qbo) throw new Error('no QuickBooks simulator');
    e.startWorker();
    qbo.revokeGrant({});
    qbo.expireAccessTokens({});
    const order = e.shopify.placeOrder(SHOP, sampleOrder());
    await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'retrying' && /reconnect/i.test(r.reason ?? '')), 'the record to wait for a reconnect');
    const parked = await e.db.store.connections.get(e.tenantId, e.target.id);
    expect(parked?.status).toBe('needs_reauth');
    expect(parked?.statusReason).toMatch(/reconnect/i);
    expect(e.invoices()).toHaveLength(0);

    const stored = await e.db.store.connections.get(e.tenantId, e.target.id);
    const answer = await fetch(quickbooksAuthorizeUrl({ clientId: stored?.secrets.clientId ?? '', redirectUri: `${e.appUrl}/oauth/callback`, state: 'again', oauthBaseUrl: qbo.url }), { redirect: 'manual' });
    const back = new URL(answer.headers.get('location') ?? '');
    const reconnected = await connectQuickBooks({ store: e.db.store, engine: e.engine }, {
      tenant: e.tenant,
      clientId: stored?.secrets.clientId ?? '',
      clientSecret: stored?.secrets.clientSecret ?? '',
      redirectUri: `${e.appUrl}/oauth/callback`,
      code: back.searchParams.get('code') ?? '',
      realmId: e.realmId,
      environment: 'sandbox',
      oauthBaseUrl: qbo.url,
      apiBaseUrl: String(stored?.config.apiBaseUrl ?? ''),
    });
    expect(reconnected.connection.id).toBe(e.target.id); // the same connection, not a twin
    expect(reconnected.message).toMatch(/resumed/);
    await e.waitForRecords(synced(1), 'the order after reconnecting');
    expect(e.invoices().map((i) => i.DocNumber)).toEqual([order.name]);
  });

  it('reads the company settings once per connection, not once per order', async () => {
    e = await startE2E({ target: 'quickbooks' });
    const reads = (end: string) => (e?.qbo?.server.requests() ?? []).filter((r) => r.method === 'GET' && r.path.split('?')[0]?.endsWith(end)).length;
    const before = { preferences: reads('/preferences'), companyinfo: reads(`/companyinfo/${e.realmId}`) };
    e.startWorker(2);
    for (let i = 0; i < 4; i++) e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: `settings${i}@example.com`, firstName: 'Settings', lastName: String(i) } }));
    await e.waitForRecords(synced(4), 'four orders');
    // Each job used to read both again: 4 orders made 4 reads of each.
    expect(reads('/preferences') - before.preferences).toBeLessThanOrEqual(1);
    expect(reads(`/companyinfo/${e.realmId}`) - before.companyinfo).toBeLessThanOrEqual(1);
    expect(e.invoices()).toHaveLength(4);
  });

  it('two workers racing on an expired token refresh it once, and no invalid_grant follows', async () => {
    e = await startE2E({ target: 'quickbooks' });
    // A second worker process's engine on the same database: its own queue worker, the same leases and budget.
    const second = createEngine({ db: e.db.db, store: e.db.store, logger: createLogger({ level: 'silent' }), transport: createTransport({ defaultTimeoutMs: 5_000 }), ownerId: `second-${randomUUID().slice(0, 8)}` });
    e.qbo?.expireAccessTokens({});
    const before = tokenRefreshes(e).length;
    e.startWorker(4);
    const worker2 = second.startWorker({ concurrency: 4, pollMs: 25 });
    try {
      for (let i = 0; i < 6; i++) e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: `racer${i}@example.com`, firstName: 'Racer', lastName: String(i) } }));
      // Past one 60 s QuickBooks throttle pause: this test is about the refresh, not about the budget's margin.
      await e.waitForRecords(synced(6), 'all six orders', 80_000);
    } finally {
      await worker2.close(2_000);
    }
    expect(tokenRefreshes(e).length - before).toBe(1);
    const refused = (e.qbo?.server.requests() ?? []).filter((r) => r.path.endsWith('/tokens/bearer') && r.status === 400);
    expect(refused).toHaveLength(0);
    expect((await e.db.store.connections.get(e.tenantId, e.target.id))?.status).toBe('active');
    expect(e.invoices()).toHaveLength(6);
  }, 120_000);

  it('a 429 burst (Fault 3001) loses nothing and duplicates nothing', async () => {
    e = await startE2E({ target: 'quickbooks' });
    e.qbo?.server.faults.add({ pathPrefix: '/', method: 'POST', status: 429, rate: 0.4, times: 8, body: { Fault: { Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.', code: '3001' }], type: 'SERVICE' }, time: new Date().toISOString() }, headers: { 'Retry-After': '1' } });
    e.startWorker(3);
    for (let i = 0; i < 5; i++) e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: `burst${i}@example.com`, firstName: 'Burst', lastName: String(i) } }));
    await e.waitForRecords(synced(5), 'all five orders through the burst', 60_000);
    const invoices = e.invoices();
    expect(invoices).toHaveLength(5);
    expect(new Set(invoices.map((i) => i.DocNumber)).size).toBe(5);
  }, 90_000);
});
