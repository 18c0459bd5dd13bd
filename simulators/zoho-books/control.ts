/**
 * The simulator's own setup and inspection calls, used in process by tests and over HTTP
 * (`/_sim/zoho-books/...`) by a launcher in another process. Each HTTP route mirrors one method.
 */
import { json, parseJsonBody, type SimRequest, type SimResponse } from '../_kit/server.ts';
import { mergeConfig, type ConfigPatch, type Plan, type ZohoSimConfig } from './config.ts';
import type { SimContext } from './context.ts';
import { accountsServer, apiDomain, DATA_CENTRE_IDS, normaliseDataCentre, type DataCentre } from './data-centres.ts';
import { tokenJson, type TokenResponse } from './oauth.ts';
import { renderAccount } from './routes/chart-of-accounts.ts';
import { renderContact } from './routes/contacts.ts';
import { renderCreditNote } from './routes/credit-notes.ts';
import { renderPayment } from './routes/customer-payments.ts';
import { renderAllComments } from './routes/invoice-comments.ts';
import { renderJournal } from './routes/journals.ts';
import { renderItem } from './routes/items.ts';
import { renderCurrency, renderTax } from './routes/settings.ts';
import { parseScopes } from './scopes.ts';
import { buildOrganization } from './seed.ts';
import type { User } from './state.ts';
import { Dec } from '../_kit/dec.ts';
import { renderInvoice } from './invoice-view.ts';

export interface RegisterClientInput {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** DCs the client is enabled in; all by default (Multi-DC on). */
  dataCentres?: string[];
}

export interface CreateOrganizationInput {
  name: string;
  /** Base currency; defaults to USD. */
  currencyCode?: string;
  /** Data centre id (`us`, `eu`, `in`, `au`, `jp`, `ca`, `sa`, `cn`, `uk`; `com` means `us`). Defaults to `us`. */
  dc?: string;
  /** Decides the daily API cap; defaults to `professional`. */
  plan?: Plan;
  contactName?: string;
  email?: string;
}

export interface CreateUserInput {
  email: string;
  /** Organization ids; all must be in one data centre, which becomes the user's. */
  organizations: string[];
  /** Needed only when `organizations` is empty. */
  dc?: string;
}

export interface UserRef {
  email?: string;
  userId?: string;
}

export interface IssueTokensInput extends UserRef {
  clientId: string;
  /** Comma-separated string or list, e.g. `ZohoBooks.fullaccess.all`. */
  scopes: string | string[];
  /** With a refresh token (default true). */
  offline?: boolean;
}

export interface TokenFilterInput extends UserRef {
  clientId?: string;
  dc?: string;
  token?: string;
}

export interface SandboxInput {
  redirectUris: string[];
  dc?: string;
  currencyCode?: string;
  clientId?: string;
  clientSecret?: string;
  email?: string;
}

export interface SandboxSeed {
  clientId: string;
  clientSecret: string;
  email: string;
  userId: string;
  organizationId: string;
  dc: DataCentre;
  accountsServer: string;
  apiDomain: string;
}

export type OrgState = Record<string, unknown>;

export class SimControl {
  constructor(
    private readonly ctx: SimContext,
    private readonly setConfig: (next: ZohoSimConfig) => void,
  ) {}

  registerClient(input: RegisterClientInput): { clientId: string } {
    if (!input.clientId || !input.clientSecret) throw new Error('clientId and clientSecret are required');
    if (!Array.isArray(input.redirectUris) || input.redirectUris.length === 0) throw new Error('redirectUris must list at least one URI');
    for (const uri of input.redirectUris) new URL(uri);
    this.ctx.store.clients.set(input.clientId, {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUris: [...input.redirectUris],
      dataCentres: (input.dataCentres ?? DATA_CENTRE_IDS).map(normaliseDataCentre),
    });
    return { clientId: input.clientId };
  }

  createOrganization(input: CreateOrganizationInput): string {
    if (!input.name) throw new Error('name is required');
    const org = buildOrganization(
      this.ctx.store.ids,
      {
        name: input.name,
        currencyCode: input.currencyCode ?? 'USD',
        dc: normaliseDataCentre(input.dc),
        plan: input.plan ?? 'professional',
        ...(input.contactName ? { contactName: input.contactName } : {}),
        ...(input.email ? { email: input.email } : {}),
      },
      this.ctx.clock.now(),
    );
    this.ctx.store.orgs.set(org.organization_id, org);
    return org.organization_id;
  }

  createUser(input: CreateUserInput): string {
    if (!input.email) throw new Error('email is required');
    if (this.ctx.store.userByEmail(input.email)) throw new Error(`user ${input.email} already exists`);
    const orgs = (input.organizations ?? []).map((id) => {
      const org = this.ctx.store.orgs.get(id);
      if (!org) throw new Error(`no organization ${id}`);
      return org;
    });
    const dcs = new Set(orgs.map((o) => o.dc));
    if (dcs.size > 1) throw new Error('a Zoho user lives in one data centre; its organizations must share it');
    const dc = orgs[0]?.dc ?? normaliseDataCentre(input.dc);
    if (input.dc && normaliseDataCentre(input.dc) !== dc) throw new Error(`dc ${input.dc} differs from the organizations' (${dc})`);
    const user: User = { userId: this.ctx.store.ids.userId(), email: input.email, dc, organizations: orgs.map((o) => o.organization_id) };
    this.ctx.store.users.set(user.userId, user);
    return user.userId;
  }

  private user(ref: UserRef): User {
    const user = ref.userId ? this.ctx.store.users.get(ref.userId) : ref.email ? this.ctx.store.userByEmail(ref.email) : undefined;
    if (!user) throw new Error(`no user ${ref.userId ?? ref.email ?? '(none given)'}`);
    return user;
  }

  /** Tokens without the browser step, through the same store and limits as the token endpoint. */
  issueTokens(input: IssueTokensInput): TokenResponse {
    const user = this.user(input);
    const client = this.ctx.store.clients.get(input.clientId);
    if (!client) throw new Error(`no client ${input.clientId}`);
    const scopes = parseScopes(Array.isArray(input.scopes) ? input.scopes.join(',') : input.scopes);
    if (!scopes) throw new Error('invalid scopes');
    const now = this.ctx.clock.now();
    const base = { clientId: client.clientId, userId: user.userId, dc: user.dc, scopes };
    let refresh;
    if (input.offline ?? true) {
      const minted = this.ctx.tokens.mintRefreshToken(base, now);
      if (!minted.ok) throw new Error('refresh-token limit reached (Access Denied)');
      refresh = minted.value;
    }
    return tokenJson(this.ctx, this.ctx.tokens.mintAccessToken(base, refresh, now), refresh);
  }

  private filter(input: TokenFilterInput = {}) {
    return {
      ...(input.userId || input.email ? { userId: this.user(input).userId } : {}),
      ...(input.clientId ? { clientId: input.clientId } : {}),
      ...(input.dc ? { dc: normaliseDataCentre(input.dc) } : {}),
      ...(input.token ? { token: input.token } : {}),
    };
  }

  /** Revokes matching refresh tokens (with their access tokens) and access tokens; returns how many. */
  revokeTokens(input: TokenFilterInput = {}): number {
    return this.ctx.tokens.revokeWhere(this.filter(input));
  }

  /** Ends matching access tokens' hour now; refresh tokens keep working. */
  expireAccessTokens(input: TokenFilterInput = {}): number {
    return this.ctx.tokens.expireWhere(this.filter(input), this.ctx.clock.now());
  }

  /** The organization's records as the API's GET of each would render them (a JSON copy). */
  state(orgId: string): OrgState {
    const org = this.ctx.store.orgs.get(orgId);
    if (!org) throw new Error(`no organization ${orgId}`);
    const now = this.ctx.clock.now();
    const snapshot = {
      organization: { organization_id: org.organization_id, name: org.name, dc: org.dc, plan: org.plan, currency_code: org.currency_code },
      contacts: [...org.contacts.values()].map((c) => renderContact(org, c)),
      items: [...org.items.values()].map((i) => renderItem(org, i)),
      invoices: [...org.invoices.values()].map((i) => renderInvoice(org, i, now)),
      /** Every invoice's comments and history, as `GET /invoices/{id}/comments` rows (oldest first). */
      comments: renderAllComments(org, now),
      creditnotes: [...org.creditnotes.values()].map((n) => renderCreditNote(org, n)),
      customerpayments: [...org.payments.values()].map((p) => renderPayment(org, p)),
      journals: [...org.journals.values()].map((j) => renderJournal(org, j)),
      currencies: [...org.currencies.values()].map(renderCurrency),
      taxes: [...org.taxes.values()].map(renderTax),
      chartofaccounts: [...org.accounts.values()].map(renderAccount),
    };
    return JSON.parse(JSON.stringify(snapshot, (_k, v: unknown) => (v instanceof Dec ? v.toJSON() : v))) as OrgState;
  }

  configure(patch: ConfigPatch): ZohoSimConfig {
    const next = mergeConfig(this.ctx.config(), patch);
    this.setConfig(next);
    return next;
  }

  /** A ready-to-connect sandbox: one client, one organization, one user. */
  seedSandbox(input: SandboxInput): SandboxSeed {
    const dc = normaliseDataCentre(input.dc);
    const clientId = input.clientId ?? '1000.SANDBOXCLIENT0000000000000000';
    const clientSecret = input.clientSecret ?? 'sandbox-secret-0000000000000000000000000000';
    this.registerClient({ clientId, clientSecret, redirectUris: input.redirectUris });
    const organizationId = this.createOrganization({ name: 'Sandbox Books', currencyCode: input.currencyCode ?? 'USD', dc });
    const email = input.email ?? `sandbox-${organizationId}@example.com`;
    const userId = this.createUser({ email, organizations: [organizationId] });
    return {
      clientId,
      clientSecret,
      email,
      userId,
      organizationId,
      dc,
      accountsServer: accountsServer(this.ctx.baseUrl(), dc),
      apiDomain: apiDomain(this.ctx.baseUrl(), dc),
    };
  }

  /** Serves `/_sim/zoho-books/...`; undefined for other paths so the kit answers 404. */
  route(req: SimRequest, sub: string): SimResponse | undefined {
    if (!sub.startsWith('zoho-books/')) return undefined;
    const path = sub.slice('zoho-books/'.length);
    const body = parseJsonBody<Record<string, unknown>>(req) ?? {};
    try {
      const key = `${req.method} ${path.replace(/^state\/.+$/, 'state/:id')}`;
      switch (key) {
        case 'POST clients':
          return json(201, this.registerClient(body as unknown as RegisterClientInput));
        case 'POST organizations':
          return json(201, { organization_id: this.createOrganization(body as unknown as CreateOrganizationInput) });
        case 'POST users':
          return json(201, { user_id: this.createUser(body as unknown as CreateUserInput) });
        case 'POST tokens/issue':
          return json(200, this.issueTokens(body as unknown as IssueTokensInput));
        case 'POST tokens/revoke':
          return json(200, { revoked: this.revokeTokens(body as TokenFilterInput) });
        case 'POST tokens/expire':
          return json(200, { expired: this.expireAccessTokens(body as TokenFilterInput) });
        case 'GET state/:id':
          return json(200, this.state(path.slice('state/'.length)));
        case 'GET config':
          return json(200, this.ctx.config());
        case 'POST config':
          return json(200, this.configure(body as ConfigPatch));
        case 'POST sandbox':
          return json(201, this.seedSandbox(body as unknown as SandboxInput));
        case 'GET data-centres':
          return json(
            200,
            DATA_CENTRE_IDS.map((dc) => ({ dc, accountsServer: accountsServer(this.ctx.baseUrl(), dc), apiDomain: apiDomain(this.ctx.baseUrl(), dc) })),
          );
        default:
          return json(404, { error: `no control route ${req.method} /_sim/${sub}` });
      }
    } catch (e) {
      return json(400, { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
