/**
 * Seeds for the property runs taken from the simulators, the way the product meets them: signed webhook
 * deliveries (headers and exact bytes) caught by a loopback receiver, and the API answers the mappings read
 * (Shopify GraphQL nodes and webhook JSON, WooCommerce REST orders and customers, ShipStation V1 orders and
 * shipments). Everything is parsed with parseJsonExact, as the connectors do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startShipStationSim } from '../../simulators/shipstation/index.ts';
import { startShopifySim } from '../../simulators/shopify/index.ts';
import { startWooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { parseJsonExact } from '../../src/core/json.ts';
import { CUSTOMER_QUERY, ORDER_QUERY } from '../../src/connectors/shopify/queries.ts';

export interface Delivery {
  headers: Record<string, string>;
  body: Buffer;
}

export interface SimSeeds {
  shopify: { shop: string; secret: string; deliveries: Delivery[]; restOrders: unknown[]; restCustomers: unknown[]; gqlOrders: unknown[]; gqlCustomers: unknown[] };
  woocommerce: { siteUrl: string; secret: string; deliveries: Delivery[]; orders: unknown[]; customers: unknown[] };
  shipstation: { apiBaseUrl: string; deliveries: Delivery[]; orders: unknown[]; shipments: unknown[]; customers: unknown[] };
}

/** A loopback receiver that answers 200 and keeps every request, by path. */
async function receiver(): Promise<{ url: string; got: Map<string, Delivery[]>; close(): Promise<void> }> {
  const got = new Map<string, Delivery[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
      const list = got.get(req.url ?? '/') ?? [];
      list.push({ headers, body: Buffer.concat(chunks) });
      got.set(req.url ?? '/', list);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

async function json(url: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  return parseJsonExact(text);
}

export async function collectSimSeeds(): Promise<SimSeeds> {
  const inbox = await receiver();
  const shopify = await startShopifySim();
  const woo = await startWooCommerceSim({ deliverAsync: false });
  const ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  try {
    // ---- Shopify: orders in the shop currency and in another presentment currency, with discounts and tax.
    const shop = shopify.createShop({ domain: 'fuzz-seeds.myshopify.com', currency: 'USD' });
    for (const topic of ['orders/create', 'customers/create']) shopify.subscribeWebhook({ shop: shop.domain, topic, address: `${inbox.url}/shopify` });
    const line = (sku: string, price: string, quantity: number, tax: string) => ({ sku, title: `Item ${sku}`, quantity, price, taxLines: [{ title: 'VAT', rate: '0.2', amount: tax }] });
    const placed = [
      shopify.placeOrder(shop.domain, { customer: { email: 'a@example.com', firstName: 'Ann', lastName: 'Lee' }, lineItems: [line('A', '14.50', 2, '5.80'), line('B', '0.99', 7, '1.39')], shippingLines: [{ title: 'Std', code: 'STD', price: '4.95' }], financialStatus: 'PAID' }),
      shopify.placeOrder(shop.domain, { email: 'b@example.com', lineItems: [line('C', '100.00', 1, '20.00')], discountCodes: [{ code: 'TEN', amount: '10.00', type: 'fixed_amount' }], presentmentCurrency: 'EUR', presentmentRate: '0.9137', financialStatus: 'PENDING' }),
      shopify.placeOrder(shop.domain, { lineItems: [line('D', '1999', 3, '0')], taxesIncluded: true, financialStatus: 'AUTHORIZED' }),
    ];
    shopify.createCustomer(shop.domain, { email: 'c@example.com', firstName: 'Cy', lastName: 'Young' });
    await shopify.settleWebhooks();
    const gql = (query: string, operationName: string, id: string) =>
      json(shopify.graphqlUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken }, body: JSON.stringify({ query, operationName, variables: { id } }) });
    const gqlOrders = await Promise.all(placed.map(async (o) => ((await gql(ORDER_QUERY, 'OrderById', `gid://shopify/Order/${o.id}`)) as { data: { order: unknown } }).data.order));
    const gqlCustomers = await Promise.all(
      shopify.listCustomers(shop.domain).map(async (c) => ((await gql(CUSTOMER_QUERY, 'CustomerById', `gid://shopify/Customer/${c.id}`)) as { data: { customer: unknown } }).data.customer),
    );
    const shopifyDeliveries = inbox.got.get('/shopify') ?? [];
    const topicOf = (d: Delivery) => d.headers['x-shopify-topic'] ?? '';

    // ---- WooCommerce: exclusive and inclusive tax, fees, coupons, a registered customer.
    const site = woo.createSite({ https: false, currency: 'USD' });
    const secret = 'fuzz-woo-secret';
    for (const topic of ['order.created', 'customer.created']) await woo.subscribeWebhook(site.siteId, { topic, deliveryUrl: `${inbox.url}/woo`, secret });
    const customer = woo.createCustomer(site.siteId, { email: 'd@example.com', firstName: 'Di', lastName: 'Ng' });
    const wooOrders = [
      woo.placeOrder(site.siteId, { lineItems: [{ sku: 'MUG', name: 'Mug &amp; saucer', quantity: 2, price: '14.50' }], shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat', total: '6.95', taxable: true }], feeLines: [{ name: 'Wrap', total: '2.00', taxable: true }], coupons: [{ code: 'WELCOME5', amount: '5.00' }], setPaid: true, billing: { email: 'e@example.com', first_name: 'Ed' } }),
      woo.placeOrder(site.siteId, { lineItems: [{ sku: 'TEE', name: 'Tee', quantity: 3, price: '9.99' }], customerId: customer.id, status: 'on-hold' }),
    ];
    await woo.settleWebhooks();

    // ---- ShipStation: an imported order (ORDER_NOTIFY) and its label (SHIP_NOTIFY).
    const account = ss.createAccount({ name: 'fuzz-seeds' });
    for (const event of ['ORDER_NOTIFY', 'SHIP_NOTIFY'] as const) ss.subscribeWebhook({ accountId: account.accountId, event, targetUrl: `${inbox.url}/shipstation` });
    const imported = ss.importOrder({
      accountId: account.accountId,
      order: { orderNumber: 'SS-1', orderStatus: 'awaiting_shipment', customerEmail: 'f@example.com', customerUsername: 'fay', billTo: { name: 'Fay Ray' }, items: [{ sku: 'BOOK', name: 'Book', quantity: 2, unitPrice: '10.00', taxAmount: '1.60' }], taxAmount: '1.60', shippingAmount: '5.00', amountPaid: '26.60' },
    });
    ss.shipOrder({ accountId: account.accountId, orderId: imported.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1Z0001', shipmentCost: '6.10' });
    await ss.settleWebhooks();
    const basic = { authorization: `Basic ${Buffer.from(`${account.apiKey}:${account.apiSecret}`).toString('base64')}` };
    const ssOrders = ((await json(`${ss.url}/orders`, { headers: basic })) as { orders: unknown[] }).orders;
    const ssShipments = ((await json(`${ss.url}/shipments?includeShipmentItems=true`, { headers: basic })) as { shipments: unknown[] }).shipments;
    const ssCustomers = ((await json(`${ss.url}/customers`, { headers: basic })) as { customers: unknown[] }).customers;

    const seeds: SimSeeds = {
      shopify: {
        shop: shop.domain,
        secret: shop.clientSecret,
        deliveries: shopifyDeliveries,
        restOrders: shopifyDeliveries.filter((d) => topicOf(d).startsWith('orders/')).map((d) => parseJsonExact(d.body.toString('utf8'))),
        restCustomers: shopifyDeliveries.filter((d) => topicOf(d).startsWith('customers/')).map((d) => parseJsonExact(d.body.toString('utf8'))),
        gqlOrders,
        gqlCustomers,
      },
      woocommerce: { siteUrl: site.siteUrl, secret, deliveries: inbox.got.get('/woo') ?? [], orders: wooOrders.map((o) => parseJsonExact(JSON.stringify(o))), customers: [parseJsonExact(JSON.stringify(customer))] },
      shipstation: { apiBaseUrl: ss.url, deliveries: inbox.got.get('/shipstation') ?? [], orders: ssOrders, shipments: ssShipments, customers: ssCustomers },
    };
    for (const [system, value] of Object.entries(seeds)) {
      for (const [name, list] of Object.entries(value)) if (Array.isArray(list) && list.length === 0) throw new Error(`no ${system} ${name} from the simulator`);
    }
    return seeds;
  } finally {
    await Promise.all([shopify.close(), woo.close(), ss.close(), inbox.close()]);
  }
}
