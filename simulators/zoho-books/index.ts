/**
 * Zoho Books simulator: Zoho Accounts OAuth for every data centre plus the Books v3 API, on one loopback
 * server. Accounts server for DC x: `${url}/accounts/x`; API domain: `${url}/api/x` (so the API is at
 * `${url}/api/x/books/v3/...`). Written from shared/api/zoho-books.md, never from our client code.
 */
import { SimClock } from '../_kit/clock.ts';
import { json, startSimServer, type SimRequest, type SimResponse, type SimServer } from '../_kit/server.ts';
import { handleApi } from './api.ts';
import { DEFAULT_CONFIG, mergeConfig, type ConfigPatch, type ZohoSimConfig } from './config.ts';
import type { SimContext } from './context.ts';
import {
  SimControl,
  type CreateOrganizationInput,
  type CreateUserInput,
  type IssueTokensInput,
  type OrgState,
  type RegisterClientInput,
  type SandboxInput,
  type SandboxSeed,
  type TokenFilterInput,
} from './control.ts';
import { accountsServer, apiDomain, isDataCentre, normaliseDataCentre } from './data-centres.ts';
import { handleAccounts, type TokenResponse } from './oauth.ts';
import { RateLimiter } from './rate-limit.ts';
import { Store } from './state.ts';
import { TokenStore } from './tokens.ts';

export interface ZohoBooksSimOptions {
  port?: number;
  clock?: SimClock;
  /** Daily API cap for every organization, overriding the per-plan values. */
  dailyCap?: number;
  /** Requests per minute per organization (default 100). */
  perMinute?: number;
  /** Any other setting from `ZohoSimConfig` (uncertain facts are all there). */
  config?: ConfigPatch;
}

export interface ZohoBooksSim {
  readonly server: SimServer;
  readonly url: string;
  readonly clock: SimClock;
  config(): ZohoSimConfig;
  /** `${url}/accounts/{dc}`. */
  accountsServer(dc: string): string;
  /** `${url}/api/{dc}`, the `api_domain` of tokens issued in that DC. */
  apiDomain(dc: string): string;
  registerClient(input: RegisterClientInput): { clientId: string };
  createOrganization(input: CreateOrganizationInput): string;
  createUser(input: CreateUserInput): string;
  issueTokens(input: IssueTokensInput): TokenResponse;
  revokeTokens(filter?: TokenFilterInput): number;
  expireAccessTokens(filter?: TokenFilterInput): number;
  state(orgId: string): OrgState;
  configure(patch: ConfigPatch): ZohoSimConfig;
  seedSandbox(input: SandboxInput): SandboxSeed;
  /** Forgets every client, user, organization and token. */
  reset(): void;
  close(): Promise<void>;
}

export type { ConfigPatch, ZohoSimConfig } from './config.ts';
export type {
  CreateOrganizationInput,
  CreateUserInput,
  IssueTokensInput,
  OrgState,
  RegisterClientInput,
  SandboxInput,
  SandboxSeed,
  TokenFilterInput,
} from './control.ts';
export type { DataCentre } from './data-centres.ts';
export type { TokenResponse } from './oauth.ts';

export async function startZohoBooksSim(options: ZohoBooksSimOptions = {}): Promise<ZohoBooksSim> {
  const clock = options.clock ?? new SimClock();
  let config = mergeConfig(DEFAULT_CONFIG, {
    ...options.config,
    ...(options.dailyCap !== undefined ? { dailyCap: options.dailyCap } : {}),
    ...(options.perMinute !== undefined ? { perMinute: options.perMinute } : {}),
  });
  let baseUrl = '';
  const store = new Store();
  const ctx: SimContext = {
    store,
    tokens: new TokenStore(() => config),
    limiter: new RateLimiter(),
    clock,
    config: () => config,
    baseUrl: () => baseUrl,
  };
  const control = new SimControl(ctx, (next) => {
    config = next;
  });
  const reset = (): void => {
    store.reset();
    ctx.tokens.reset();
    ctx.limiter.reset();
  };

  const handle = (req: SimRequest): SimResponse => {
    const m = /^\/(accounts|api)\/([^/]+)(\/.*)?$/.exec(req.path);
    const dc = m?.[2];
    if (!m || !dc || !isDataCentre(dc)) return json(404, { code: 5, message: 'Invalid URL Passed' });
    const sub = m[3] ?? '/';
    return m[1] === 'accounts' ? handleAccounts(ctx, req, dc, sub) : handleApi(ctx, req, dc, sub);
  };

  const server = await startSimServer({
    name: 'zoho-books',
    ...(options.port !== undefined ? { port: options.port } : {}),
    clock,
    handle,
    control: (req, sub) => control.route(req, sub),
    reset,
    maskHeaders: ['x-zoho-webhook-signature'],
  });
  baseUrl = server.url;

  return {
    server,
    url: server.url,
    clock,
    config: () => config,
    accountsServer: (dc) => accountsServer(baseUrl, normaliseDataCentre(dc)),
    apiDomain: (dc) => apiDomain(baseUrl, normaliseDataCentre(dc)),
    registerClient: (input) => control.registerClient(input),
    createOrganization: (input) => control.createOrganization(input),
    createUser: (input) => control.createUser(input),
    issueTokens: (input) => control.issueTokens(input),
    revokeTokens: (filter) => control.revokeTokens(filter),
    expireAccessTokens: (filter) => control.expireAccessTokens(filter),
    state: (orgId) => control.state(orgId),
    configure: (patch) => control.configure(patch),
    seedSandbox: (input) => control.seedSandbox(input),
    reset,
    close: () => server.close(),
  };
}
