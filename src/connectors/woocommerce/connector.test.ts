import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entityTypeOfTopic, HANDLED_TOPICS, manifest, normalizeSiteUrl, WooCommerceConfig, woocommerceBudget, WooCommerceSecrets } from './connector.ts';
import { woocommerceConnector } from './index.ts';
import { testConnection } from './test-kit.ts';

const HERE = fileURLToPath(new URL('./', import.meta.url));

describe('WooCommerce connector facts', () => {
  it('imports only core, the kit and port types (layer rule)', () => {
    const files = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of files) {
      const imports = [...readFileSync(`${HERE}${file}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
      for (const spec of imports) {
        if (spec.startsWith('.')) {
          expect(spec, `${file} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.ts|\.\.\/\.\.\/core\/[\w/-]+\.ts|\.\.\/_kit\/[\w-]+\.ts|\.\.\/\.\.\/sync\/ports\.ts)$/);
        } else {
          expect(spec, `${file} imports ${spec}`).toMatch(/^(zod|node:crypto)$/);
        }
      }
    }
  });

  it('handles the four topics it registers and ignores others', () => {
    expect(HANDLED_TOPICS).toEqual(['order.created', 'order.updated', 'customer.created', 'customer.updated']);
    expect(entityTypeOfTopic('order.created')).toBe('order');
    expect(entityTypeOfTopic(' ORDER.UPDATED ')).toBe('order');
    expect(entityTypeOfTopic('customer.updated')).toBe('customer');
    expect(entityTypeOfTopic('order.deleted')).toBeUndefined();
    expect(entityTypeOfTopic('product.updated')).toBeUndefined();
    expect(entityTypeOfTopic('action.woocommerce_new_order')).toBeUndefined();
  });

  it('pages by 100 with a 10-minute overlap', () => {
    expect(manifest.polling.pageSize).toBe(100);
    expect(manifest.polling.overlapMs).toBe(600_000);
    expect(manifest.restPrefix).toBe('/wp-json/wc/v3');
  });

  it('normalises store URLs', () => {
    expect(normalizeSiteUrl(' HTTPS://Shop.Example/ ')).toBe('https://shop.example');
    expect(normalizeSiteUrl('shop.example')).toBe('https://shop.example');
    expect(normalizeSiteUrl('http://shop.example/blog/?x=1#y')).toBe('http://shop.example/blog');
    expect(normalizeSiteUrl('http://127.0.0.1:8080/sites/shop-1/')).toBe('http://127.0.0.1:8080/sites/shop-1');
  });

  it('validates config and secrets', () => {
    expect(WooCommerceConfig.parse({ siteUrl: 'https://Shop.example/' })).toEqual({ siteUrl: 'https://shop.example' });
    expect(WooCommerceConfig.safeParse({ siteUrl: '' }).success).toBe(false);
    expect(WooCommerceConfig.safeParse({ siteUrl: 'https://shop.example', signatureMethod: 'PLAINTEXT' }).success).toBe(false);
    expect(WooCommerceSecrets.safeParse({ consumerKey: 'ck_1', consumerSecret: 'cs_1' }).success).toBe(false);
    expect(WooCommerceSecrets.safeParse({ consumerKey: 'ck_1', consumerSecret: 'cs_1', webhookSecret: 'w' }).success).toBe(true);
  });

  it('has a polite per-store budget, overridable per minute', () => {
    expect(woocommerceBudget(testConnection())).toEqual({
      key: 'woocommerce:site:shop.example',
      rules: [
        { limit: 4, windowMs: 1_000 },
        { limit: 120, windowMs: 60_000 },
      ],
    });
    expect(woocommerceBudget(testConnection({ siteUrl: 'https://shop.example/', requestsPerMinute: 300 })).rules[1]).toEqual({ limit: 300, windowMs: 60_000 });
    expect(woocommerceBudget(testConnection({ siteUrl: '' })).key).toBe('woocommerce:connection:conn-woo');
  });

  it('exports the connector as the registry expects it', () => {
    expect(woocommerceConnector.manifest.system).toBe('woocommerce');
    expect(woocommerceConnector.manifest.role).toBe('source');
    expect(typeof woocommerceConnector.webhook.verify).toBe('function');
    expect(typeof woocommerceConnector.source).toBe('function');
    expect(woocommerceConnector.auth).toBeUndefined();
    expect(woocommerceConnector.streams).toEqual(['orders', 'customers']);
    expect(woocommerceConnector.budget(testConnection()).rules).toHaveLength(2);
  });
});
