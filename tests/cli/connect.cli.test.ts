/**
 * `ml-connector connect` and `ping` as a merchant runs them, against the simulators: Shopify with keys,
 * Zoho Books through the browser OAuth step (played here by following the printed URL), then `ping`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySim, type ShopifySim } from '../../simulators/shopify/index.ts';
import { startZohoBooksSim, type ZohoBooksSim } from '../../simulators/zoho-books/index.ts';

const BIN = fileURLToPath(new URL('../../bin/ml-connector.js', import.meta.url));
const run = promisify(execFile);
const env = { ...process.env, ML_CONNECTOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'mlc-connect-')), DATABASE_URL: '', LOG_LEVEL: 'warn' };
let shopify: ShopifySim;
let zoho: ZohoBooksSim;

beforeAll(async () => {
  shopify = await startShopifySim();
  zoho = await startZohoBooksSim();
});
afterAll(async () => {
  await shopify.close();
  await zoho.close();
});

function cli(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('connect and ping', () => {
  it('refuses Shopify credentials that do not work and stores nothing', async () => {
    const shop = shopify.createShop({ domain: 'cli-shop.myshopify.com' });
    const bad = await cli(['connect', 'shopify', '--shop', shop.domain, '--token', 'shpat_00000000000000000000000000000000', '--webhook-secret', shop.clientSecret, '--api-base-url', shopify.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Nothing was stored/);
    const missing = await cli(['connect', 'shopify', '--shop', shop.domain]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--token/);
  }, 60_000);

  it('connects Shopify with keys and prints the webhook address', async () => {
    const shop = shopify.createShop({ domain: 'cli-shop-2.myshopify.com' });
    const ok = await cli(['connect', 'shopify', '--shop', shop.domain, '--token', shop.accessToken, '--webhook-secret', shop.clientSecret, '--api-base-url', shopify.url]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Connected/);
    expect(ok.stdout).toMatch(/\/webhooks\/[0-9a-f-]+\/\S+/);
  }, 60_000);

  it('connects Zoho Books through the browser step and a local callback, then ping proves both', async () => {
    const port = await freePort();
    const books = zoho.seedSandbox({ dc: 'au', redirectUris: [`http://127.0.0.1:${port}/oauth/callback`] });
    const child = spawn(process.execPath, [BIN, 'connect', 'zoho-books', '--client-id', books.clientId, '--client-secret', books.clientSecret, '--accounts-server', books.accountsServer, '--organization', books.organizationId, '--redirect-port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (!(url = /(http:\/\/\S+\/oauth\/v2\/auth\?\S+)/.exec(out)?.[1])) {
      if (Date.now() > deadline) throw new Error(`no authorize URL printed:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The "browser": Zoho (the simulator) consents and redirects to the CLI's local callback.
    const page = await fetch(url);
    expect(await page.text()).toMatch(/connected to Zoho Books/);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out).toMatch(/Connected/);
    expect(code).toBe(0);

    const ping = await cli(['ping']);
    expect(ping.code).toBe(0);
    expect(ping.stdout).toMatch(/ok\s+shopify/);
    expect(ping.stdout).toMatch(/ok\s+zoho-books/);

    const listed = await cli(['flows']);
    expect(listed.code).toBe(0);
    const flowId = /id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.exec(listed.stdout)?.[1] ?? '';
    expect(listed.stdout).toMatch(/cli-shop-2\.myshopify\.com → Zoho Books/);
    const wrong = await cli(['flows', 'set', flowId, '{"shipments":{"mode":"journal"}}']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/expenseAccountId/);
    const saved = await cli(['flows', 'set', flowId, '{"shipments":{"mode":"journal","expenseAccountId":"5000","creditAccountId":"2000"},"shippingByMethod":{"Express":"42"}}']);
    expect(saved.stdout).toMatch(/Settings saved/);
    expect((await cli(['flows'])).stdout).toMatch(/"expenseAccountId":"5000"/);

    zoho.revokeTokens({});
    const broken = await cli(['ping']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/FAIL\s+zoho-books/);
  }, 90_000);
});
