/**
 * A second opinion on the simulator's webhooks: Shopify's own library (`@shopify/shopify-api`) validates the
 * deliveries the simulator signs, exactly as an app in production would.
 */
import '@shopify/shopify-api/adapters/node';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySim, type ShopifySim } from './index.ts';

let sim: ShopifySim;
const verdicts: Array<{ valid: boolean; topic?: string; webhookId?: string }> = [];
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const secret = req.url === '/wrong-secret' ? 'not-the-secret' : clientSecret;
      const api = shopifyApi({ apiKey: 'key', apiSecretKey: secret, hostName: 'app.example.com', apiVersion: ApiVersion.January26, isEmbeddedApp: false, logger: { level: 0 } });
      const result = await api.webhooks.validate({ rawBody: Buffer.concat(chunks).toString('utf8'), rawRequest: req, rawResponse: res });
      verdicts.push(result.valid ? { valid: true, topic: result.topic, webhookId: result.webhookId } : { valid: false });
      res.writeHead(200).end();
    })();
  });
});
let clientSecret = '';
let base = '';

beforeAll(async () => {
  sim = await startShopifySim();
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe("@shopify/shopify-api's validator on the simulator's webhooks", () => {
  it('accepts a delivery signed with the shop app secret', async () => {
    const shop = sim.createShop({ domain: 'second-opinion.myshopify.com' });
    clientSecret = shop.clientSecret;
    sim.subscribeWebhook({ shop: shop.domain, topic: 'orders/create', address: `${base}/ok` });
    sim.placeOrder(shop.domain, { lineItems: [{ title: 'Mug', quantity: 1, price: '9.50' }], customer: { email: 'a@example.com' } });
    await sim.settleWebhooks();
    expect(verdicts.at(-1)).toMatchObject({ valid: true, topic: 'ORDERS_CREATE' });
    expect(verdicts.at(-1)?.webhookId).toBe(sim.deliveries().at(-1)?.headers['X-Shopify-Webhook-Id'] ?? sim.deliveries().at(-1)?.headers['x-shopify-webhook-id']);
  });

  it('rejects it when the app holds another secret', async () => {
    sim.subscribeWebhook({ shop: 'second-opinion.myshopify.com', topic: 'orders/updated', address: `${base}/wrong-secret` });
    const [order] = sim.listOrders('second-opinion.myshopify.com');
    sim.updateOrder('second-opinion.myshopify.com', order?.id ?? '', { note: 'x' });
    await sim.settleWebhooks();
    expect(verdicts.some((v) => !v.valid)).toBe(true);
  });
});
