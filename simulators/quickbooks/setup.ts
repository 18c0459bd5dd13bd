/**
 * The in-process methods tests and launchers use to arrange the world: apps, companies, connections, token
 * expiry and revocation, reads of state, and changes "made in the QuickBooks UI". Each is mirrored by a JSON route
 * in control.ts.
 */
import { ACCOUNTING_SCOPE } from './api.ts';
import type { Country } from './company.ts';
import { mergeConfig, type ConfigPatch, type QboSimConfig } from './config.ts';
import type { Scope, SimContext } from './context.ts';
import { readEntity, updateEntity } from './crud.ts';
import { specByName, type EntityName } from './entity-specs.ts';
import { QboFault } from './fault.ts';
import { clientId as newClientId, realmId as newRealmId, secret } from './ids.ts';
import { fromPlain, isObject, toPlain } from './json.ts';
import { HOSTS, PATHS, tokenBody, type TokenResponse } from './oauth.ts';
import { render } from './render.ts';
import { HOME_CURRENCY, seedCompany } from './seed.ts';
import type { AppRecord, Environment, WebhookFormat } from './tokens.ts';

/** A setup call the simulator cannot honour; control routes answer `{error}` with `status`. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface RegisterAppInput {
  redirectUris: string[];
  environment?: Environment;
  name?: string;
  clientId?: string;
  clientSecret?: string;
  verifierToken?: string;
  webhookUrl?: string;
  /** Entity names to notify about; all when omitted. */
  webhookEntities?: string[];
  webhookFormat?: WebhookFormat;
}

export type AppCredentials = Omit<AppRecord, 'webhookUrl' | 'webhookEntities'> & { webhookUrl?: string; webhookEntities?: string[] };

export interface CreateCompanyInput {
  realmId?: string;
  name?: string;
  environment?: Environment;
  country?: Country;
  homeCurrency?: string;
  timeZone?: string;
  multiCurrency?: boolean;
  customTxnNumbers?: boolean;
  allowShipping?: boolean;
  /** Production only (api notes §11.5). */
  automatedSalesTax?: boolean;
  astRatePercent?: string;
}

export interface CompanySummary {
  realmId: string;
  name: string;
  environment: Environment;
  country: Country;
  homeCurrency: string;
  timeZone: string;
  multiCurrency: boolean;
  /** `${apiBase}/v3/company/${realmId}` */
  companyUrl: string;
}

export interface Endpoints {
  authorize: string;
  token: string;
  revoke: string;
  discoveryProduction: string;
  discoverySandbox: string;
  apiBase: { production: string; sandbox: string };
}

export interface SeedSandboxInput {
  redirectUris?: string[];
  webhookUrl?: string;
  country?: Country;
  multiCurrency?: boolean;
  clientId?: string;
  clientSecret?: string;
  verifierToken?: string;
}

export interface SandboxSeed {
  app: AppCredentials;
  company: CompanySummary;
  endpoints: Endpoints;
}

export interface ConnectInput {
  clientId: string;
  realmId: string;
  scopes?: string[];
  /** Add `x_refresh_token_hard_expires_in` as with the opt-in header. */
  includeHardExpiry?: boolean;
}

export type ConnectResult = TokenResponse & { realmId: string };

export interface TokenFilterInput {
  clientId?: string;
  realmId?: string;
  token?: string;
}

export interface EntityRef {
  realmId: string;
  entity: string;
  id: string;
}

export const SANDBOX_CLIENT_ID = 'ABsandboxClientId000000000000000000000000000000000';
export const SANDBOX_CLIENT_SECRET = 'sandboxClientSecret000000000000000000000';
export const SANDBOX_VERIFIER_TOKEN = 'sandbox-verifier-token-0000000000000000';

export class SimSetup {
  constructor(
    private readonly ctx: SimContext,
    private readonly setConfig: (next: QboSimConfig) => void,
  ) {}

  endpoints(): Endpoints {
    const base = this.ctx.baseUrl();
    return {
      authorize: `${base}${PATHS.authorize}`,
      token: `${base}${PATHS.token}`,
      revoke: `${base}${PATHS.revoke}`,
      discoveryProduction: `${base}${PATHS.discoveryProduction}`,
      discoverySandbox: `${base}${PATHS.discoverySandbox}`,
      apiBase: { production: `${base}${HOSTS.production}`, sandbox: `${base}${HOSTS.sandbox}` },
    };
  }

  registerApp(input: RegisterAppInput): AppCredentials {
    const environment = input.environment ?? 'sandbox';
    if (environment !== 'sandbox' && environment !== 'production') throw new SimInputError(`environment must be sandbox or production, not ${String(environment)}`);
    if (!Array.isArray(input.redirectUris) || input.redirectUris.length === 0) throw new SimInputError('redirectUris (at least one) is required');
    for (const uri of input.redirectUris) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new SimInputError(`not a URL: ${uri}`);
      }
      if (environment === 'production' && this.ctx.config().requireHttpsProductionRedirects && url.protocol !== 'https:') {
        throw new SimInputError(`production redirect URIs must use https: ${uri}`);
      }
    }
    const app: AppRecord = {
      clientId: input.clientId ?? newClientId(),
      clientSecret: input.clientSecret ?? secret(),
      name: input.name ?? 'Sandbox App',
      environment,
      redirectUris: [...input.redirectUris],
      verifierToken: input.verifierToken ?? secret(36),
      webhookUrl: input.webhookUrl,
      webhookEntities: input.webhookEntities,
      webhookFormat: input.webhookFormat ?? 'legacy',
    };
    if (this.ctx.tokens.apps.has(app.clientId)) throw new SimInputError(`client ${app.clientId} is already registered`, 409);
    this.ctx.tokens.apps.set(app.clientId, app);
    return credentials(app);
  }

  createCompany(input: CreateCompanyInput = {}): CompanySummary {
    const environment = input.environment ?? 'sandbox';
    const country = input.country ?? 'US';
    if (!(country in HOME_CURRENCY)) throw new SimInputError(`country must be one of ${Object.keys(HOME_CURRENCY).join(', ')}`);
    if (input.automatedSalesTax && environment === 'sandbox') throw new SimInputError('sandbox companies do not support Automated Sales Tax');
    if (input.automatedSalesTax && country !== 'US') throw new SimInputError('Automated Sales Tax is a US feature');
    const realmId = input.realmId ?? newRealmId(environment);
    if (this.ctx.companies.has(realmId)) throw new SimInputError(`company ${realmId} exists`, 409);
    const homeCurrency = input.homeCurrency ?? HOME_CURRENCY[country];
    if (!/^[A-Z]{3}$/.test(homeCurrency)) throw new SimInputError('homeCurrency must be a 3-letter code');
    const company = seedCompany(
      {
        realmId,
        environment,
        name: input.name ?? 'Sandbox Company_US_1',
        country,
        homeCurrency,
        timeZone: input.timeZone ?? 'America/Los_Angeles',
        automatedSalesTax: input.automatedSalesTax ?? false,
        astRatePercent: input.astRatePercent ?? '8.25',
        createdAt: this.ctx.clock.now(),
      },
      (event) => this.ctx.webhooks.collect(event),
      this.ctx.config().apiUserName,
    );
    const prefs = company.get('Preferences', '1')!;
    const sales = prefs.data['SalesFormsPrefs'];
    const currency = prefs.data['CurrencyPrefs'];
    if (isObject(sales)) {
      if (input.customTxnNumbers !== undefined) sales['CustomTxnNumbers'] = input.customTxnNumbers;
      if (input.allowShipping !== undefined) sales['AllowShipping'] = input.allowShipping;
    }
    if (isObject(currency) && input.multiCurrency) currency['MultiCurrencyEnabled'] = true;
    this.ctx.companies.set(realmId, company);
    return this.summary(realmId);
  }

  private summary(realmId: string): CompanySummary {
    const c = this.company(realmId);
    const o = c.options;
    return {
      realmId,
      name: o.name,
      environment: o.environment,
      country: o.country,
      homeCurrency: o.homeCurrency,
      timeZone: o.timeZone,
      multiCurrency: c.multiCurrency,
      companyUrl: `${this.endpoints().apiBase[o.environment]}/v3/company/${realmId}`,
    };
  }

  private company(realmId: string) {
    const c = this.ctx.companies.get(realmId);
    if (!c) throw new SimInputError(`no company ${realmId}`, 404);
    return c;
  }

  /** One sandbox app and one US sandbox company, ready for the OAuth flow. */
  seedSandbox(input: SeedSandboxInput = {}): SandboxSeed {
    const app = this.registerApp({
      redirectUris: input.redirectUris ?? ['http://127.0.0.1:3000/oauth/quickbooks/callback'],
      clientId: input.clientId ?? SANDBOX_CLIENT_ID,
      clientSecret: input.clientSecret ?? SANDBOX_CLIENT_SECRET,
      verifierToken: input.verifierToken ?? SANDBOX_VERIFIER_TOKEN,
      name: 'ml-connector sandbox',
      ...(input.webhookUrl !== undefined ? { webhookUrl: input.webhookUrl } : {}),
    });
    const company = this.createCompany({ country: input.country ?? 'US', ...(input.multiCurrency !== undefined ? { multiCurrency: input.multiCurrency } : {}) });
    return { app, company, endpoints: this.endpoints() };
  }

  /** The whole consent + code exchange in one step (same grant, same limits, no browser). */
  connect(input: ConnectInput): ConnectResult {
    const app = this.ctx.tokens.apps.get(input.clientId);
    if (!app) throw new SimInputError(`no app ${input.clientId}`, 404);
    const company = this.company(input.realmId);
    if (company.options.environment !== app.environment) throw new SimInputError(`company ${input.realmId} is ${company.options.environment}; app keys are ${app.environment}`);
    const now = this.ctx.clock.now();
    const { grant, access, refresh } = this.ctx.tokens.openGrant(app.clientId, input.realmId, input.scopes ?? [ACCOUNTING_SCOPE], now);
    return { ...tokenBody(now, access, refresh, grant, input.includeHardExpiry === true), realmId: input.realmId };
  }

  expireAccessTokens(filter: TokenFilterInput = {}): { expired: number } {
    return { expired: this.ctx.tokens.expireAccessWhere(filter, this.ctx.clock.now()) };
  }

  /** Disconnects: every matching grant's tokens answer 401 / invalid_grant from now on. */
  revokeGrant(filter: TokenFilterInput = {}): { revoked: number } {
    return { revoked: this.ctx.tokens.revokeWhere(filter) };
  }

  config(): QboSimConfig {
    return this.ctx.config();
  }

  configure(patch: ConfigPatch): QboSimConfig {
    let next: QboSimConfig;
    try {
      next = mergeConfig(this.ctx.config(), patch);
    } catch (e) {
      throw new SimInputError(e instanceof Error ? e.message : String(e));
    }
    this.setConfig(next);
    return next;
  }

  private entityName(name: string): EntityName {
    const spec = specByName(name);
    if (!spec) throw new SimInputError(`unknown entity ${name}`);
    return spec.name;
  }

  private scope(realmId: string, writer: string): Scope {
    return { ctx: this.ctx, company: this.company(realmId), batch: undefined, writer, include: new Set(), now: this.ctx.clock.now() };
  }

  /** An entity as the API would answer it. */
  getEntity(ref: EntityRef): unknown {
    const scope = this.scope(ref.realmId, 'control');
    try {
      return toPlain(readEntity(scope, this.entityName(ref.entity), ref.id));
    } catch (e) {
      if (e instanceof QboFault) throw new SimInputError(`no ${ref.entity} ${ref.id} in ${ref.realmId}`, 404);
      throw e;
    }
  }

  listEntities(input: { realmId: string; entity: string }): unknown[] {
    const company = this.company(input.realmId);
    return company.live(this.entityName(input.entity)).map((e) => toPlain(render(company, e)));
  }

  /**
   * A change made by a person in QuickBooks (sparse update of `patch`): SyncToken moves on, webhooks fire, and a
   * client holding the old SyncToken gets 5010 naming `user`.
   */
  editAsUser(input: EntityRef & { patch: Record<string, unknown>; user?: string }): unknown {
    const scope = this.scope(input.realmId, input.user ?? 'Sandbox User');
    const type = this.entityName(input.entity);
    const current = scope.company.get(type, input.id);
    if (!current) throw new SimInputError(`no ${input.entity} ${input.id} in ${input.realmId}`, 404);
    const patch = fromPlain(input.patch ?? {});
    if (!isObject(patch)) throw new SimInputError('patch must be an object');
    try {
      const updated = updateEntity(scope, type, { ...patch, Id: input.id, SyncToken: String(current.syncToken), sparse: true });
      this.ctx.webhooks.flush();
      return toPlain(render(scope.company, updated));
    } catch (e) {
      if (e instanceof QboFault) throw new SimInputError(e.message);
      throw e;
    }
  }
}

function credentials(app: AppRecord): AppCredentials {
  const { webhookUrl, webhookEntities, ...rest } = app;
  return { ...rest, redirectUris: [...app.redirectUris], ...(webhookUrl !== undefined ? { webhookUrl } : {}), ...(webhookEntities !== undefined ? { webhookEntities } : {}) };
}
