import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_VERSION, entityTypeOfTopic, manifest, normalizeShopDomain, ShopifyConfig } from './connector.ts';
import { legacyId, parseGid, toGid } from './gid.ts';
import { shopifyConnector } from './index.ts';

const HERE = fileURLToPath(new URL('./', import.meta.url));

describe('Shopify connector facts', () => {
  it('writes the API version in one place only', () => {
    expect(API_VERSION).toBe('2026-04');
    const others = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'connector.ts');
    for (const file of others) expect(readFileSync(`${HERE}${file}`, 'utf8'), file).not.toMatch(/\b20\d\d-(01|04|07|10)\b(?!-)/);
    expect(manifest.graphqlPath).toBe('/admin/api/2026-04/graphql.json');
  });

  it('imports only core, the kit and port types (layer rule)', () => {
    const files = readdirSync(HERE).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const imports = [...readFileSync(`${HERE}${file}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
      for (const spec of imports.filter((s) => s.startsWith('.'))) {
        expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.ts|\.\.\/\.\.\/core\/[\w/-]+\.ts|\.\.\/_kit\/[\w-]+\.ts|\.\.\/\.\.\/sync\/ports\.ts)$/);
      }
    }
  });

  it('maps the handled topics to entity types and ignores others', () => {
    expect(entityTypeOfTopic('orders/create')).toBe('order');
    expect(entityTypeOfTopic('ORDERS/CANCELLED')).toBe('order');
    expect(entityTypeOfTopic('customers/update')).toBe('customer');
    expect(entityTypeOfTopic('refunds/create')).toBeUndefined();
    expect(entityTypeOfTopic('app/uninstalled')).toBeUndefined();
  });

  it('normalises shop domains in config', () => {
    expect(normalizeShopDomain(' https://Example.MyShopify.com/admin ')).toBe('example.myshopify.com');
    expect(ShopifyConfig.parse({ shopDomain: 'Example.myshopify.com' })).toEqual({ shopDomain: 'example.myshopify.com' });
  });

  it('exports the connector as the registry expects it', () => {
    expect(shopifyConnector.manifest.system).toBe('shopify');
    expect(shopifyConnector.manifest.role).toBe('source');
    expect(typeof shopifyConnector.webhook.verify).toBe('function');
    expect(typeof shopifyConnector.source).toBe('function');
    expect(shopifyConnector.auth).toBeUndefined();
  });
});

describe('gid helpers', () => {
  it('turns gids into numeric legacy ids and back', () => {
    expect(legacyId('gid://shopify/Order/820982911946154508')).toBe('820982911946154508');
    expect(legacyId('gid://shopify/MailingAddress/8941943193892?model_name=CustomerAddress')).toBe('8941943193892');
    expect(legacyId(141249953214522974n)).toBe('141249953214522974');
    expect(legacyId(42)).toBe('42');
    expect(parseGid('gid://shopify/LineItem/1')).toEqual({ resource: 'LineItem', id: '1' });
    expect(parseGid('1')).toBeNull();
    expect(toGid('Order', '820982911946154508')).toBe('gid://shopify/Order/820982911946154508');
    expect(toGid('Order', 'gid://shopify/Order/5')).toBe('gid://shopify/Order/5');
    expect(toGid('Order', 'gid://shopify/Customer/5')).toBeNull();
    expect(toGid('Customer', '#1001')).toBeNull();
  });
});
