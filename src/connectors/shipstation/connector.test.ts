import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { currencyOf, manifest, ShipStationConfig, ShipStationSecrets, v1BaseUrl, v2BaseUrl } from './connector.ts';
import { shipstationConnector } from './index.ts';
import { testConnection } from './test-kit.ts';

describe('shipstationConnector', () => {
  it('is a source with pointer webhooks, two streams and no refresh flow', () => {
    expect(shipstationConnector.auth).toBeUndefined();
    expect(shipstationConnector.streams).toEqual(['orders', 'shipments']);
    expect(Object.keys(manifest.polling.streams)).toEqual([...shipstationConnector.streams]);
    expect(manifest.webhook.subscribed).toEqual(['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    expect(manifest.polling).toMatchObject({ pageSize: 500, overlapMs: 15 * 60_000 });
  });

  it('budgets 40 calls a minute per API key, keyed by a hash: the key itself never appears', () => {
    const connection = testConnection({}, { apiKey: 'a-very-secret-api-key' });
    const budget = shipstationConnector.budget(connection);
    expect(budget.rules).toEqual([{ limit: 40, windowMs: 60_000 }]);
    expect(budget.key).toBe(`shipstation:${createHash('sha256').update('a-very-secret-api-key').digest('hex').slice(0, 32)}`);
    expect(budget.key).not.toContain('a-very-secret-api-key');
    // Two connections with one key share one budget; another key has its own.
    expect(shipstationConnector.budget({ ...connection, id: 'other' }).key).toBe(budget.key);
    expect(shipstationConnector.budget(testConnection({}, { apiKey: 'another' })).key).not.toBe(budget.key);
  });

  it('base URLs: ssapi and api.shipstation.com unless configured; currency USD unless configured', () => {
    expect(v1BaseUrl(testConnection())).toBe('https://ssapi.shipstation.com');
    expect(v2BaseUrl(testConnection())).toBe('https://api.shipstation.com');
    expect(v1BaseUrl(testConnection({ apiBaseUrl: 'http://127.0.0.1:4010/' }))).toBe('http://127.0.0.1:4010');
    expect(currencyOf(testConnection())).toBe('USD');
    expect(currencyOf(testConnection({ currency: 'gbp' }))).toBe('GBP');
  });

  it('config and secrets schemas', () => {
    expect(ShipStationConfig.parse({ apiBaseUrl: 'http://127.0.0.1:4010/', currency: 'cad' })).toEqual({ apiBaseUrl: 'http://127.0.0.1:4010', currency: 'CAD' });
    expect(ShipStationConfig.safeParse({ apiBaseUrl: 'ssapi.shipstation.com' }).success).toBe(false);
    expect(ShipStationSecrets.safeParse({ apiKey: 'k', apiSecret: 's' }).success).toBe(true);
    expect(ShipStationSecrets.safeParse({ apiKey: 'k' }).success).toBe(false);
    expect(ShipStationSecrets.parse({ apiKey: 'k', apiSecret: 's', v2ApiKey: 'v2', webhookToken: 't' })).toEqual({ apiKey: 'k', apiSecret: 's', v2ApiKey: 'v2', webhookToken: 't' });
  });
});
