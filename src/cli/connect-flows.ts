/**
 * Connecting a system: test the credentials with one cheap read before anything is stored, store them
 * sealed, wire the flows. Shared by `ml-connector connect` and the sandbox, so the sandbox proves the same
 * path a merchant takes.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomState } from '../connectors/_kit/oauth.ts';
import { normalizeShopDomain } from '../connectors/shopify/connector.ts';
import { exchangeCode as exchangeQuickBooksCode } from '../connectors/quickbooks/auth.ts';
import { authorizeUrl, exchangeCode } from '../connectors/zoho-books/auth.ts';
import type { Engine } from '../sync/engine.ts';
import { ensureIntegrations, tenantByName } from '../sync/flows.ts';
import { pingConnection } from '../sync/ping.ts';
import type { Connection, Json, NewConnection, Store } from '../sync/ports.ts';
import { CliError } from './context.ts';

/** What connecting needs: the store and the engine (a Runtime, or a test's own wiring). */
export interface ConnectDeps {
  store: Store;
  engine: Engine;
}

export interface ConnectResult {
  connection: Connection;
  message: string;
}

/**
 * What makes two connections the same account: connecting it again (new keys, a re-granted OAuth consent)
 * updates the stored connection instead of adding a twin, and resumes everything parked behind it.
 */
function identityOf(draft: NewConnection): string | null {
  const key = (name: string) => (typeof draft.config[name] === 'string' ? (draft.config[name] as string) : null);
  switch (draft.system) {
    case 'shopify':
      return key('shopDomain');
    case 'woocommerce':
      return key('siteUrl');
    case 'shipstation':
      return draft.secrets.apiKey ?? null;
    case 'zoho-books':
      return key('organizationId');
    case 'quickbooks':
      return key('realmId');
  }
}

/** Pings a connection that is not stored yet; refuses to store one that does not work. */
async function storeIfWorking(rt: ConnectDeps, draft: NewConnection): Promise<ConnectResult> {
  const now = new Date().toISOString();
  const probe: Connection = { ...draft, id: 'probe', status: 'active', statusReason: null, webhookKey: 'probe', createdAt: now, updatedAt: now };
  const ping = await pingConnection(rt.engine, probe);
  if (!ping.ok) throw new CliError(`${draft.label}: ${ping.message} Nothing was stored.`);
  const identity = identityOf(draft);
  const existing = identity === null ? undefined : (await rt.store.connections.list(draft.tenantId)).find((c) => c.system === draft.system && c.status !== 'disabled' && identityOf(c) === identity);
  if (existing) {
    const connection = await rt.store.connections.update(draft.tenantId, existing.id, {
      label: draft.label,
      config: { ...existing.config, ...draft.config },
      secrets: { ...existing.secrets, ...draft.secrets },
      status: 'active',
      statusReason: null,
    });
    const resumed = await rt.engine.resumeConnection(draft.tenantId, existing.id);
    return { connection, message: `${ping.message} (reconnected${resumed > 0 ? `; ${resumed} waiting record(s) resumed` : ''})` };
  }
  const connection = await rt.store.connections.create(draft);
  await ensureIntegrations(rt.store, draft.tenantId);
  return { connection, message: ping.message };
}

export interface ShopifyConnectInput {
  tenant: string;
  shop: string;
  token: string;
  webhookSecret: string;
  apiBaseUrl?: string;
  config?: Record<string, Json>;
}

export async function connectShopify(rt: ConnectDeps, input: ShopifyConnectInput): Promise<ConnectResult> {
  const shopDomain = normalizeShopDomain(input.shop);
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shopDomain)) throw new CliError(`--shop must be the shop's *.myshopify.com domain, not "${input.shop}"`, 2);
  const tenant = await tenantByName(rt.store, input.tenant);
  return storeIfWorking(rt, {
    tenantId: tenant.id,
    system: 'shopify',
    role: 'source',
    label: shopDomain,
    config: { shopDomain, ...(input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl } : {}), ...input.config },
    secrets: { accessToken: input.token, webhookSecret: input.webhookSecret },
  });
}

export interface WooCommerceConnectInput {
  tenant: string;
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  config?: Record<string, Json>;
}

/** WooCommerce: REST keys; the product registers its own webhooks, signed with a secret it makes now. */
export async function connectWooCommerce(rt: ConnectDeps, input: WooCommerceConnectInput): Promise<ConnectResult> {
  let siteUrl: URL;
  try {
    siteUrl = new URL(input.siteUrl);
  } catch {
    throw new CliError(`--site must be the store's address, such as https://shop.example.com, not "${input.siteUrl}"`, 2);
  }
  if (siteUrl.protocol !== 'https:' && siteUrl.protocol !== 'http:') throw new CliError('--site must start with https:// (or http:// for a store without TLS)', 2);
  const tenant = await tenantByName(rt.store, input.tenant);
  return storeIfWorking(rt, {
    tenantId: tenant.id,
    system: 'woocommerce',
    role: 'source',
    label: siteUrl.host + siteUrl.pathname.replace(/\/$/, ''),
    config: { siteUrl: siteUrl.toString().replace(/\/$/, ''), ...input.config },
    secrets: { consumerKey: input.consumerKey, consumerSecret: input.consumerSecret, webhookSecret: randomBytes(32).toString('base64url') },
  });
}

export interface ShipStationConnectInput {
  tenant: string;
  apiKey: string;
  apiSecret: string;
  v2ApiKey?: string;
  apiBaseUrl?: string;
  v2BaseUrl?: string;
  config?: Record<string, Json>;
}

/** ShipStation: V1 key and secret (Basic), optionally a V2 key. Its webhooks carry no signature: the URL key is the proof. */
export async function connectShipStation(rt: ConnectDeps, input: ShipStationConnectInput): Promise<ConnectResult> {
  const tenant = await tenantByName(rt.store, input.tenant);
  return storeIfWorking(rt, {
    tenantId: tenant.id,
    system: 'shipstation',
    role: 'source',
    label: `ShipStation (${input.apiKey.slice(0, 4)}…)`,
    config: { ...(input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl } : {}), ...(input.v2BaseUrl ? { v2BaseUrl: input.v2BaseUrl } : {}), ...input.config },
    secrets: { apiKey: input.apiKey, apiSecret: input.apiSecret, ...(input.v2ApiKey ? { v2ApiKey: input.v2ApiKey } : {}) },
  });
}

export interface ZohoGrant {
  code: string;
  /** From the redirect: where this user's account lives (Multi-DC). */
  accountsServer: string;
  location?: string;
}

export interface ZohoConnectInput {
  tenant: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  grant: ZohoGrant;
  organizationId?: string;
  config?: Record<string, Json>;
}

export async function connectZohoBooks(rt: ConnectDeps, input: ZohoConnectInput): Promise<ConnectResult> {
  const tenant = await tenantByName(rt.store, input.tenant);
  const http = rt.engine.runtime.http(
    { id: 'connect', tenantId: tenant.id, system: 'zoho-books', role: 'target', label: 'Zoho Books', status: 'active', statusReason: null, config: {}, secrets: {}, webhookKey: '', createdAt: '', updatedAt: '' },
    { tenantId: tenant.id, recordId: null },
  );
  const tokens = await exchangeCode(http, {
    accountsServer: input.grant.accountsServer,
    code: input.grant.code,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    redirectUri: input.redirectUri,
    now: new Date(),
    ...(input.grant.location ? { location: input.grant.location } : {}),
  }).catch((error: unknown) => {
    throw new CliError(`Zoho refused the code: ${error instanceof Error ? error.message : String(error)}`);
  });
  return storeIfWorking(rt, {
    tenantId: tenant.id,
    system: 'zoho-books',
    role: 'target',
    label: `Zoho Books (${String(tokens.config.dc ?? input.grant.accountsServer)})`,
    config: { ...tokens.config, ...(input.organizationId ? { organizationId: input.organizationId } : {}), ...input.config },
    secrets: tokens.secrets,
  });
}

/**
 * The browser half of an OAuth grant: a one-shot local callback server. Resolves with the redirect's query
 * once the provider sends the browser back with a matching `state`.
 */
export async function awaitOAuthRedirect(options: {
  port: number;
  provider: string;
  buildUrl: (redirectUri: string, state: string) => string;
  onUrl: (url: string, redirectUri: string) => void;
  timeoutMs?: number;
}): Promise<{ params: URLSearchParams; redirectUri: string }> {
  const state = randomState();
  let finish: (value: { params: URLSearchParams; redirectUri: string }) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<{ params: URLSearchParams; redirectUri: string }>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let redirectUri = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/oauth/callback') return void res.writeHead(404).end();
    if (url.searchParams.get('state') !== state) return void res.writeHead(400).end('The state does not match this connect session; start again.');
    const error = url.searchParams.get('error');
    if (error || !url.searchParams.get('code')) {
      res.writeHead(400).end(`${options.provider} did not grant access: ${error ?? 'no code'}`);
      return fail(new CliError(`${options.provider} did not grant access: ${error ?? 'no code in the redirect'}`));
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`ml-connector is connected to ${options.provider}. You can close this tab.`);
    finish({ params: url.searchParams, redirectUri });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback`;
  options.onUrl(options.buildUrl(redirectUri, state), redirectUri);
  const timer = setTimeout(() => fail(new CliError(`no redirect from ${options.provider} within the time allowed; start again`)), options.timeoutMs ?? 5 * 60_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
    server.close();
  }
}

export async function awaitZohoGrant(options: { port: number; dc?: string; accountsServer?: string; clientId: string; onUrl: (url: string, redirectUri: string) => void; timeoutMs?: number }): Promise<{ grant: ZohoGrant; redirectUri: string }> {
  const { params, redirectUri } = await awaitOAuthRedirect({
    port: options.port,
    provider: 'Zoho Books',
    buildUrl: (redirect, state) => authorizeUrl({ ...(options.accountsServer ? { accountsServer: options.accountsServer } : { dc: (options.dc ?? 'us') as never }), clientId: options.clientId, redirectUri: redirect, state }),
    onUrl: options.onUrl,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const accountsServer = params.get('accounts-server') ?? options.accountsServer;
  if (!accountsServer) throw new CliError('the redirect named no accounts-server and none was configured');
  const location = params.get('location');
  return { grant: { code: params.get('code') ?? '', accountsServer, ...(location ? { location } : {}) }, redirectUri };
}

export interface QuickBooksConnectInput {
  tenant: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  realmId: string;
  environment: 'production' | 'sandbox';
  oauthBaseUrl?: string;
  apiBaseUrl?: string;
  config?: Record<string, Json>;
}

/** QuickBooks Online: the code and realmId from the redirect, exchanged once; the rotating refresh token is stored sealed. */
export async function connectQuickBooks(rt: ConnectDeps, input: QuickBooksConnectInput): Promise<ConnectResult> {
  const tenant = await tenantByName(rt.store, input.tenant);
  const http = rt.engine.runtime.http(
    { id: 'connect', tenantId: tenant.id, system: 'quickbooks', role: 'target', label: 'QuickBooks Online', status: 'active', statusReason: null, config: {}, secrets: {}, webhookKey: '', createdAt: '', updatedAt: '' },
    { tenantId: tenant.id, recordId: null },
  );
  const tokens = await exchangeQuickBooksCode(http, {
    code: input.code,
    realmId: input.realmId,
    redirectUri: input.redirectUri,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    environment: input.environment,
    now: new Date(),
    ...(input.oauthBaseUrl ? { oauthBaseUrl: input.oauthBaseUrl } : {}),
    ...(input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl } : {}),
  }).catch((error: unknown) => {
    throw new CliError(`Intuit refused the code: ${error instanceof Error ? error.message : String(error)}`);
  });
  return storeIfWorking(rt, {
    tenantId: tenant.id,
    system: 'quickbooks',
    role: 'target',
    label: `QuickBooks Online (${input.environment} company ${input.realmId})`,
    config: { ...tokens.config, ...input.config },
    secrets: tokens.secrets,
  });
}
