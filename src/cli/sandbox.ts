/**
 * The sandbox a new user sees on `npm start`: both simulators in a child process, a tenant connected to them
 * through the same connect path a merchant uses (keys for Shopify, a real OAuth code exchange for Zoho
 * Books), webhooks subscribed by the product itself (as for a real shop), and sample orders placed. Each start
 * makes a fresh sandbox tenant (the simulators keep nothing); earlier sandbox connections are disabled.
 */
import { randomBytes } from 'node:crypto';
import { authorizeUrl } from '../connectors/zoho-books/auth.ts';
import type { Runtime } from '../main.ts';
import type { Connection } from '../sync/ports.ts';
import { webhookAddress } from '../sync/webhook-health.ts';
import { connectShopify, connectZohoBooks } from './connect-flows.ts';
import { SANDBOX_ORDERS, SANDBOX_SHOP } from './sandbox-orders.ts';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.ts';

export interface Sandbox {
  tenantId: string;
  tenantName: string;
  simulators: Record<string, string>;
  shopify: Connection;
  zoho: Connection;
  organizationId: string;
  ordersPlaced: number;
  stop(): Promise<void>;
}

async function control<T>(base: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}/_sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`simulator control ${path} failed: ${parsed.error ?? response.status}`);
  return parsed;
}

export async function disableOldSandboxes(rt: Runtime): Promise<void> {
  for (const connection of await rt.store.connections.listAll()) {
    if (connection.config.sandbox === true && connection.status !== 'disabled') {
      await rt.store.connections.update(connection.tenantId, connection.id, { status: 'disabled', statusReason: 'an earlier sandbox run; its simulators are gone' });
    }
  }
}

export async function startSandbox(rt: Runtime, publicUrl: string): Promise<Sandbox> {
  await disableOldSandboxes(rt);
  let sims: SimulatorProcess | null = await startSimulatorProcess(['shopify', 'zoho-books'], { stdio: 'ignore' });
  try {
    const shopifyUrl = sims.urls.shopify ?? '';
    const zohoUrl = sims.urls['zoho-books'] ?? '';
    const tenantName = `sandbox ${new Date().toISOString().slice(0, 19).replace('T', ' ')} ${randomBytes(2).toString('hex')}`;

    const shop = await control<{ domain: string; accessToken: string; clientSecret: string }>(shopifyUrl, 'shopify/createShop', { domain: SANDBOX_SHOP, name: 'ml-connector sandbox shop', currency: 'USD' });
    const shopify = await connectShopify(rt, { tenant: tenantName, shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: shopifyUrl, config: { sandbox: true } });

    const redirectUri = `${publicUrl}/oauth/callback`;
    const books = await control<{ clientId: string; clientSecret: string; organizationId: string; accountsServer: string }>(zohoUrl, 'zoho-books/sandbox', { dc: 'eu', currencyCode: 'USD', redirectUris: [redirectUri] });
    const grant = await consent(books.accountsServer, books.clientId, redirectUri);
    const zoho = await connectZohoBooks(rt, {
      tenant: tenantName,
      clientId: books.clientId,
      clientSecret: books.clientSecret,
      redirectUri,
      grant,
      organizationId: books.organizationId,
      config: { sandbox: true },
    });

    // The source's own subscribe path, called directly: a first subscription is set-up, not a repair to report.
    const source = rt.engine.runtime.source(shopify.connection, { tenantId: shopify.connection.tenantId, recordId: null });
    const webhooks = await source.ensureWebhooks?.(webhookAddress(publicUrl, shopify.connection));
    if (!webhooks?.ok) throw new Error(`the sandbox could not subscribe its Shopify webhooks: ${webhooks?.message ?? 'no webhook support'}`);
    for (const { order } of SANDBOX_ORDERS) await control(shopifyUrl, 'shopify/placeOrder', { shop: shop.domain, order });

    const running = sims;
    sims = null;
    return {
      tenantId: shopify.connection.tenantId,
      tenantName,
      simulators: running.urls,
      shopify: shopify.connection,
      zoho: zoho.connection,
      organizationId: books.organizationId,
      ordersPlaced: SANDBOX_ORDERS.length,
      stop: () => running.stop(),
    };
  } finally {
    await sims?.stop();
  }
}

/** The simulator consents at once (no browser): follow its redirect far enough to read the code. */
export async function consent(accountsServer: string, clientId: string, redirectUri: string) {
  const state = randomBytes(16).toString('hex');
  const url = authorizeUrl({ accountsServer, clientId, redirectUri, state });
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (!location) throw new Error(`the Zoho Books simulator did not redirect (status ${response.status})`);
  const back = new URL(location);
  const code = back.searchParams.get('code');
  if (!code || back.searchParams.get('state') !== state) throw new Error('the Zoho Books simulator redirected without a code for this state');
  const location_ = back.searchParams.get('location');
  return { code, accountsServer: back.searchParams.get('accounts-server') ?? accountsServer, ...(location_ ? { location: location_ } : {}) };
}
