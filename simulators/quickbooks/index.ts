/**
 * QuickBooks Online simulator: Intuit OAuth 2.0 and the Accounting API v3 on one loopback server, written from
 * shared/api/quickbooks-online.md and the Intuit XSDs, never from our client code. Every Intuit host is a path
 * prefix under the server URL, so a client only swaps base URLs:
 *   `${url}/appcenter.intuit.com/connect/oauth2`, `${url}/oauth.platform.intuit.com/oauth2/v1/tokens/bearer`,
 *   `${url}/developer.api.intuit.com/v2/oauth2/tokens/revoke`,
 *   `${url}/quickbooks.api.intuit.com/v3/company/{realmId}/...` (production companies),
 *   `${url}/sandbox-quickbooks.api.intuit.com/v3/company/{realmId}/...` (sandbox companies).
 * Tests drive it in process through the returned object; a launcher uses `/_sim/quickbooks/<method>` (control.ts).
 */
import { SimClock } from '../_kit/clock.ts';
import { json, startSimServer, type SimRequest, type SimResponse, type SimServer } from '../_kit/server.ts';
import { handleApi } from './api.ts';
import type { Company } from './company.ts';
import { DEFAULT_CONFIG, mergeConfig, type ConfigPatch, type QboSimConfig } from './config.ts';
import type { SimContext } from './context.ts';
import { controlRoutes } from './control.ts';
import { handleOAuth, HOSTS } from './oauth.ts';
import { RateLimiter } from './rate-limit.ts';
import { RequestIdStore } from './request-ids.ts';
import {
  SimSetup,
  type AppCredentials,
  type CompanySummary,
  type ConnectInput,
  type ConnectResult,
  type CreateCompanyInput,
  type EntityRef,
  type Endpoints,
  type RegisterAppInput,
  type SandboxSeed,
  type SeedSandboxInput,
  type TokenFilterInput,
} from './setup.ts';
import { TokenStore } from './tokens.ts';
import { QboWebhooks, type DeliveryInfo, type WebhookSwitches } from './webhooks-out.ts';
import type { WebhookDelivery } from '../_kit/webhook-sender.ts';

export type { ConfigPatch, FaultCatalogue, FaultSpec, QboSimConfig } from './config.ts';
export { DEFAULT_CONFIG, DEFAULT_FAULTS } from './config.ts';
export type * from './setup.ts';
export { SimInputError, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_VERIFIER_TOKEN } from './setup.ts';
export type { TokenResponse } from './oauth.ts';
export { HOSTS, PATHS } from './oauth.ts';
export type { DeliveryInfo, WebhookSwitches } from './webhooks-out.ts';
export { sign as signWebhook } from './webhooks-out.ts';

/** Settings of `QboSimConfig` (all uncertain facts live there) may be given flat or under `config`. */
export type QuickBooksSimOptions = ConfigPatch & {
  port?: number;
  clock?: SimClock;
  config?: ConfigPatch;
};

export type QuickBooksDelivery = WebhookDelivery & { info: DeliveryInfo | undefined };

export interface QuickBooksSimApi {
  endpoints(): Endpoints;
  registerApp(input: RegisterAppInput): AppCredentials;
  createCompany(input?: CreateCompanyInput): CompanySummary;
  seedSandbox(input?: SeedSandboxInput): SandboxSeed;
  connect(input: ConnectInput): ConnectResult;
  expireAccessTokens(filter?: TokenFilterInput): { expired: number };
  revokeGrant(filter?: TokenFilterInput): { revoked: number };
  config(): QboSimConfig;
  configure(patch: ConfigPatch): QboSimConfig;
  getEntity(ref: EntityRef): unknown;
  listEntities(input: { realmId: string; entity: string }): unknown[];
  editAsUser(input: EntityRef & { patch: Record<string, unknown>; user?: string }): unknown;
  deliveries(): QuickBooksDelivery[];
  settleWebhooks(): Promise<void>;
  setWebhookSwitches(switches: WebhookSwitches): Required<WebhookSwitches>;
}

export interface QuickBooksSim extends QuickBooksSimApi {
  readonly server: SimServer;
  readonly url: string;
  readonly clock: SimClock;
  /** Forgets every app, company, token and delivery (also `POST /_sim/reset`). */
  reset(): void;
  close(): Promise<void>;
}

export async function startQuickBooksSim(options: QuickBooksSimOptions = {}): Promise<QuickBooksSim> {
  const { port, clock: givenClock, config: nested, ...flat } = options;
  const clock = givenClock ?? new SimClock();
  let config = mergeConfig(mergeConfig(DEFAULT_CONFIG, flat), nested);
  let baseUrl = '';
  const tokens = new TokenStore(() => config);
  const companies = new Map<string, Company>();
  const ctx: SimContext = {
    tokens,
    companies,
    limiter: new RateLimiter(),
    requestIds: new RequestIdStore(),
    webhooks: new QboWebhooks(clock, tokens, () => config),
    clock,
    config: () => config,
    baseUrl: () => baseUrl,
  };
  const setup = new SimSetup(ctx, (next) => {
    config = next;
  });
  const reset = (): void => {
    tokens.reset();
    companies.clear();
    ctx.limiter.reset();
    ctx.requestIds.reset();
    ctx.webhooks.reset();
  };

  const api: QuickBooksSimApi = {
    endpoints: () => setup.endpoints(),
    registerApp: (input) => setup.registerApp(input),
    createCompany: (input) => setup.createCompany(input),
    seedSandbox: (input) => setup.seedSandbox(input),
    connect: (input) => setup.connect(input),
    expireAccessTokens: (filter) => setup.expireAccessTokens(filter),
    revokeGrant: (filter) => setup.revokeGrant(filter),
    config: () => setup.config(),
    configure: (patch) => setup.configure(patch),
    getEntity: (ref) => setup.getEntity(ref),
    listEntities: (input) => setup.listEntities(input),
    editAsUser: (input) => setup.editAsUser(input),
    deliveries: () => ctx.webhooks.deliveries(),
    settleWebhooks: () => ctx.webhooks.settle(),
    setWebhookSwitches: (switches) => ctx.webhooks.setSwitches(switches),
  };

  const handle = async (req: SimRequest): Promise<SimResponse> => {
    const oauth = handleOAuth(ctx, req);
    if (oauth) return oauth;
    for (const env of ['production', 'sandbox'] as const) {
      const prefix = HOSTS[env];
      if (req.path.startsWith(`${prefix}/`)) return handleApi(ctx, req, env, req.path.slice(prefix.length));
    }
    return json(404, { error: `no Intuit host at ${req.path}; see README.md for the path prefixes` });
  };

  const server = await startSimServer({
    name: 'quickbooks',
    ...(port !== undefined ? { port } : {}),
    clock,
    handle,
    control: (req, sub) => controlRoutes(api, req, sub),
    reset,
  });
  baseUrl = server.url;

  return { ...api, server, url: server.url, clock, reset, close: () => server.close() };
}
