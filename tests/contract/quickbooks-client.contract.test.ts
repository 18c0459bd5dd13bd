/**
 * The QuickBooks Online connector against the QuickBooks simulator (simulators/quickbooks): the real OAuth flow
 * through `authorizeUrl` + `exchangeCode`, the real HTTP transport, and a TokenProvider that refreshes through the
 * connector's AuthFlow and keeps every rotated refresh token. Calls are paced on the simulator clock (130 ms each)
 * so the simulator's real limits (10 per second, 500 per minute per realm) stay on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startQuickBooksSim, type QuickBooksSim } from '../../simulators/quickbooks/index.ts';
import type { ContactDraft, InvoiceDraft } from '../../src/core/documents.ts';
import { Order, type OrderInput } from '../../src/core/model.ts';
import { postOrder } from '../../src/core/posting/order-to-invoice.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { syncErrorOf } from '../../src/connectors/_kit/testing.ts';
import { createQuickBooksClient } from '../../src/connectors/quickbooks/client.ts';
import { authorizeUrl, createQuickBooksAuth, createQuickBooksTarget, exchangeCode, type QuickBooksTarget } from '../../src/connectors/quickbooks/index.ts';
import type { ApiRequest, AuthFlow, Connection, ConnectorContext, HttpCall, ResolvedRefs, TokenProvider } from '../../src/sync/ports.ts';

const REDIRECT_URI = 'http://127.0.0.1:3000/oauth/quickbooks/callback';

let sim: QuickBooksSim;
let clientId: string;
let realmId: string;
let auth: AuthFlow;

/** One connection's live state: the connection (secrets replaced on every refresh) and what happened to it. */
interface Live {
  connection: Connection;
  ctx: ConnectorContext;
  target: QuickBooksTarget;
  tokens: TokenProvider & { refreshes: number };
  /** Runs once before the next API request whose URL matches (then removes itself). */
  before(match: RegExp, action: () => void): void;
  apiCalls: ApiRequest[];
}

function paced(inner: HttpCall, hooks: Array<{ match: RegExp; action: () => void }>, apiCalls: ApiRequest[]): HttpCall {
  return async (request) => {
    if (request.url.includes('/v3/company/')) {
      sim.clock.advance(130);
      apiCalls.push(request);
      const hook = hooks.findIndex((h) => h.match.test(`${request.method} ${request.url}`));
      if (hook >= 0) {
        const [found] = hooks.splice(hook, 1);
        found?.action();
      }
    }
    return inner(request);
  };
}

/** A TokenProvider in the engine's manner: single-flight refresh, rotated tokens kept before use. */
function tokenProvider(state: { connection: Connection }, http: HttpCall): TokenProvider & { refreshes: number } {
  let inFlight: Promise<void> | null = null;
  const provider = {
    refreshes: 0,
    refresh(): Promise<void> {
      inFlight ??= (async () => {
        const tokens = await auth.refresh(state.connection, http);
        provider.refreshes += 1;
        state.connection = { ...state.connection, secrets: { ...state.connection.secrets, ...tokens.secrets } };
      })().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async accessToken(): Promise<string> {
      const due = auth.refreshDueAt(state.connection);
      if (due && due.getTime() <= sim.clock.now()) await provider.refresh();
      return state.connection.secrets['accessToken'] ?? '';
    },
    async afterRejection(rejected: string): Promise<string> {
      if (state.connection.secrets['accessToken'] === rejected) await provider.refresh();
      return state.connection.secrets['accessToken'] ?? '';
    },
  };
  return provider;
}

function live(connection: Connection): Live {
  const hooks: Array<{ match: RegExp; action: () => void }> = [];
  const apiCalls: ApiRequest[] = [];
  const http = paced(createTransport(), hooks, apiCalls);
  const state = { connection };
  const tokens = tokenProvider(state, http);
  const ctx: ConnectorContext = { connection, http, tokens, now: () => sim.clock.date() };
  return {
    get connection() {
      return state.connection;
    },
    ctx,
    target: createQuickBooksTarget(ctx),
    tokens,
    before: (match, action) => hooks.push({ match, action }),
    apiCalls,
  };
}

function connectionOf(secrets: Record<string, string>, config: Record<string, string>): Connection {
  const at = sim.clock.date().toISOString();
  return {
    id: `conn-${config['realmId']}`,
    tenantId: 'tenant-1',
    system: 'quickbooks',
    role: 'target',
    label: 'QuickBooks',
    status: 'active',
    statusReason: null,
    config,
    secrets,
    webhookKey: 'wk',
    createdAt: at,
    updatedAt: at,
  };
}

/** The engine's resolution, in short: find or create the contact and items, resolve taxes and currency. */
async function resolveRefs(target: QuickBooksTarget, draft: InvoiceDraft): Promise<ResolvedRefs> {
  const contactId = ((await target.findContact(draft.contact)) ?? (await target.createContact(draft.contact))).id;
  const needs = target.invoiceNeeds(draft);
  const itemIds: Record<string, string> = {};
  for (const item of needs.items) itemIds[item.key] = ((await target.findItem(item)) ?? (await target.createItem(item))).id;
  const taxIds: Record<string, string> = {};
  for (const tax of needs.taxes) taxIds[tax.rate] = (await target.resolveTax(tax.rate, tax.title)).id;
  const currency = await target.resolveCurrency(draft.currency);
  return { contactId, itemIds, taxIds, ...(currency.isBase ? {} : { currencyId: currency.id }) };
}

function draftOf(input: OrderInput): InvoiceDraft {
  const result = postOrder(Order.parse(input));
  if (!result.ok) throw new Error(result.issues.join(' | '));
  return result.invoice;
}

const BUYER = { source: 'shopify', id: '115310627314723954', email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe' } as const;

/** A US order: a discounted taxed mug, three taxed stickers, untaxed shipping; Shopify's own tax amounts. */
const US_ORDER: OrderInput = {
  source: 'shopify',
  id: '820982911946154508',
  number: '#1001',
  status: 'paid',
  currency: 'USD',
  taxesIncluded: false,
  createdAt: '2026-04-01T10:00:00Z',
  updatedAt: '2026-04-01T10:05:00Z',
  customer: BUYER,
  billingAddress: { name: 'Jane Doe', line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' },
  lines: [
    { id: '1', sku: 'MUG-01', title: 'Enamel mug', quantity: 2, unitPrice: '12.50', discount: '2.50', taxLines: [{ title: 'CA State Tax', rate: '0.08', amount: '1.80' }] },
    { id: '2', title: 'Sticker', quantity: 3, unitPrice: '1.99', taxLines: [{ title: 'CA State Tax', rate: '0.08', amount: '0.48' }] },
  ],
  shippingLines: [{ title: 'Standard', code: 'STD', price: '5.00' }],
  discounts: [{ code: 'MUG10', amount: '2.50', allocatedToLines: true }],
  totals: { subtotal: '30.97', discount: '2.50', tax: '2.28', shipping: '5.00', total: '35.75' },
};

let us: Live;

beforeAll(async () => {
  sim = await startQuickBooksSim();
  const seed = sim.seedSandbox({ redirectUris: [REDIRECT_URI] });
  clientId = seed.app.clientId;
  realmId = seed.company.realmId;
  auth = createQuickBooksAuth({ now: () => sim.clock.date() });

  // The real consent flow: our authorize URL, the simulator's redirect (code, state, realmId), our code exchange.
  const consent = await fetch(authorizeUrl({ clientId, redirectUri: REDIRECT_URI, state: 'st-1', oauthBaseUrl: sim.url }), { redirect: 'manual' });
  const callback = new URL(consent.headers.get('location') ?? '');
  expect(callback.searchParams.get('state')).toBe('st-1');
  const tokens = await exchangeCode(createTransport(), {
    code: callback.searchParams.get('code') ?? '',
    realmId: callback.searchParams.get('realmId') ?? '',
    redirectUri: REDIRECT_URI,
    clientId,
    clientSecret: seed.app.clientSecret,
    environment: 'sandbox',
    now: sim.clock.date(),
    oauthBaseUrl: sim.url,
    apiBaseUrl: seed.endpoints.apiBase.sandbox,
  });
  expect(tokens.config).toMatchObject({ realmId, environment: 'sandbox' });
  us = live(connectionOf(tokens.secrets, tokens.config as Record<string, string>));
});

afterAll(async () => {
  await sim?.close();
});

describe('QuickBooks connector against the simulator', () => {
  it('ping names the company', async () => {
    expect(await us.target.ping()).toEqual({ ok: true, message: `Connected to QuickBooks Online company Sandbox Company_US_1 (realm ${realmId}, sandbox).` });
    expect(us.apiCalls.every((r) => new URL(r.url).searchParams.get('minorversion') === '75')).toBe(true);
  });

  it('creates customer, items and invoice from a canonical order; TotalAmt equals the order total', async () => {
    const draft = draftOf(US_ORDER);
    const refs = await resolveRefs(us.target, draft);
    expect(refs.taxIds).toEqual({ '0.08': '2', '0': 'NON' });
    const invoice = await us.target.createInvoice(draft, refs);
    expect(invoice).toMatchObject({ number: '#1001', reference: '#1001', total: '35.75', status: 'open' });
    expect(invoice.total).toBe(draft.total);

    const stored = sim.getEntity({ realmId, entity: 'Invoice', id: invoice.id }) as Record<string, any>;
    expect(stored['TxnTaxDetail']['TotalTax']).toBe(2.28);
    expect(stored['PrivateNote']).toBe('Shopify order #1001 (id 820982911946154508) [ref:#1001]');
    // Found again by its reference, and the same contact and items on the next order.
    expect((await us.target.findInvoicesByReference('#1001')).map((i) => i.id)).toEqual([invoice.id]);
    expect((await resolveRefs(us.target, draft)).contactId).toBe(refs.contactId);
    expect(sim.listEntities({ realmId, entity: 'Item' })).toHaveLength(2);
  });

  it('the same create retried (same requestid) makes one invoice', async () => {
    const draft = draftOf({ ...US_ORDER, id: '820982911946154599', number: '#1002' });
    const refs = await resolveRefs(us.target, draft);
    const before = sim.listEntities({ realmId, entity: 'Invoice' }).length;
    const first = await us.target.createInvoice(draft, refs);
    const second = await us.target.createInvoice(draft, refs);
    expect(second.id).toBe(first.id);
    expect(sim.listEntities({ realmId, entity: 'Invoice' })).toHaveLength(before + 1);
    const ids = us.apiCalls.filter((r) => r.method === 'POST' && /\/invoice\?/.test(r.url)).slice(-2).map((r) => new URL(r.url).searchParams.get('requestid'));
    expect(ids[0]).toBe(ids[1]);
  });

  it('a DisplayName taken by a vendor gets the email as a suffix', async () => {
    await createQuickBooksClient(us.ctx).write('Vendor', { DisplayName: 'Grace Hopper' });
    const contact: ContactDraft = { key: 'email:grace@example.com', email: 'grace@example.com', displayName: 'Grace Hopper', firstName: 'Grace' };
    expect(await us.target.findContact(contact)).toBeNull();
    const created = await us.target.createContact(contact);
    expect((sim.getEntity({ realmId, entity: 'Customer', id: created.id }) as Record<string, unknown>)['DisplayName']).toBe('Grace Hopper (grace@example.com)');
    expect(await us.target.findContact(contact)).toEqual(created);
  });

  it('quotes and backslashes in a name are data in a query, never syntax', async () => {
    const contact: ContactDraft = { key: 'guest:shopify:77', email: null, displayName: "O'Brien \\ Sons" };
    const created = await us.target.createContact(contact);
    expect(await us.target.findContact(contact)).toEqual(created);
    expect(await us.target.findContact({ ...contact, displayName: "x' AND Active IN (true,false) AND DisplayName LIKE '%" })).toBeNull();
  });

  it('a stale SyncToken (someone edited in QuickBooks between our read and write) is re-read and retried; both edits stay', async () => {
    const contact: ContactDraft = { key: 'email:ada@example.com', email: 'ada@example.com', displayName: 'Ada Lovelace', firstName: 'Ada' };
    const { id } = await us.target.createContact(contact);
    us.before(/^POST .*\/customer\?.*operation=update/, () => {
      sim.editAsUser({ realmId, entity: 'Customer', id, patch: { Notes: 'VIP, call first' }, user: 'Sandbox User' });
    });
    await us.target.updateContact(id, { ...contact, lastName: 'Lovelace', phone: '+44 20 7946 0000' });
    const stored = sim.getEntity({ realmId, entity: 'Customer', id }) as Record<string, any>;
    expect(stored).toMatchObject({ FamilyName: 'Lovelace', Notes: 'VIP, call first', PrimaryPhone: { FreeFormNumber: '+44 20 7946 0000' }, SyncToken: '2' });
    const updates = us.apiCalls.filter((r) => /\/customer\?.*operation=update/.test(r.url));
    expect(updates.map((r) => (JSON.parse(r.body ?? '{}') as { SyncToken: string }).SyncToken)).toEqual(['0', '1']);

    const draft = draftOf({ ...US_ORDER, id: '820982911946154600', number: '#1003' });
    const refs = await resolveRefs(us.target, draft);
    const invoice = await us.target.createInvoice(draft, refs);
    us.before(/^POST .*\/invoice\?.*operation=update/, () => {
      sim.editAsUser({ realmId, entity: 'Invoice', id: invoice.id, patch: { CustomerMemo: { value: 'Thank you!' } } });
    });
    const changed = draftOf({ ...US_ORDER, id: '820982911946154600', number: '#1003', shippingLines: [{ title: 'Express', price: '9.00' }], totals: { ...US_ORDER.totals, shipping: '9.00', total: '39.75' } });
    const updated = await us.target.updateInvoice(invoice.id, changed, refs);
    expect(updated.total).toBe('39.75');
    expect((sim.getEntity({ realmId, entity: 'Invoice', id: invoice.id }) as Record<string, any>)['CustomerMemo']).toEqual({ value: 'Thank you!' });
  });

  it('shipment notes go on the invoice once; a cancelled order’s invoice is voided, then already void', async () => {
    const [invoice] = await us.target.findInvoicesByReference('#1001');
    const note = { marker: '[shipment shipstation:77 1Z999]', text: 'Shipped 2026-04-02 via UPS Ground, tracking 1Z999 [shipment shipstation:77 1Z999]', carrier: 'UPS', service: 'Ground', trackingNumber: '1Z999', shipDate: '2026-04-02' };
    await us.target.annotateInvoice(invoice!.id, note);
    await us.target.annotateInvoice(invoice!.id, note);
    const stored = sim.getEntity({ realmId, entity: 'Invoice', id: invoice!.id }) as Record<string, any>;
    expect(stored).toMatchObject({ ShipDate: '2026-04-02', TrackingNum: '1Z999', ShipMethodRef: { value: 'UPS Ground' }, SyncToken: '1' });
    expect(stored['PrivateNote']).toBe(`Shopify order #1001 (id 820982911946154508) [ref:#1001]\n${note.text}`);

    // An order update keeps the shipment line in PrivateNote.
    const draft = draftOf(US_ORDER);
    await us.target.updateInvoice(invoice!.id, draft, await resolveRefs(us.target, draft));
    expect((sim.getEntity({ realmId, entity: 'Invoice', id: invoice!.id }) as Record<string, any>)['PrivateNote']).toContain(note.marker);

    expect(await us.target.voidInvoice(invoice!.id)).toBe('voided');
    expect(await us.target.voidInvoice(invoice!.id)).toBe('already_void');
    expect((await us.target.getInvoice(invoice!.id))?.status).toBe('void');
  });

  it('an expired access token is refreshed once, and the rotated refresh token is kept', async () => {
    const before = us.connection.secrets['refreshToken'];
    const refreshes = us.tokens.refreshes;
    sim.expireAccessTokens({ clientId });
    expect((await us.target.findInvoicesByReference('#1002')).length).toBe(1);
    expect(us.tokens.refreshes).toBe(refreshes + 1);
    expect(us.connection.secrets['refreshToken']).not.toBe(before);
    // The new pair works, and the next call needs no refresh.
    await us.target.getInvoice('1');
    expect(us.tokens.refreshes).toBe(refreshes + 1);
  });

  it('two refreshes racing with the same old refresh token: both get the same successor; once it is used, the old one is dead', async () => {
    // The simulator's rule (supersededRefreshToken: 'until-successor-used', the default): a superseded token still
    // answers, with the SAME successor, until that successor has been used; after that it is invalid_grant.
    const connection = us.connection;
    const http = createTransport();
    const [a, b] = await Promise.all([auth.refresh(connection, http), auth.refresh(connection, http)]);
    expect(a.secrets['refreshToken']).toBe(b.secrets['refreshToken']);
    expect(a.secrets['refreshToken']).not.toBe(connection.secrets['refreshToken']);
    const next = await auth.refresh({ ...connection, secrets: { ...connection.secrets, ...a.secrets } }, http);
    const late = await syncErrorOf(auth.refresh(connection, http));
    expect(late.code).toBe('AUTH_REVOKED');
    expect(late.message).toMatch(/invalid_grant: Token invalid.*reconnect QuickBooks/);
    us.connection.secrets = { ...us.connection.secrets, ...next.secrets };
  });

  it('with superseded tokens dying at once, the losing racer gets AUTH_REVOKED: refresh must be single-flight', async () => {
    sim.configure({ supersededRefreshToken: 'immediately' });
    try {
      const connection = us.connection;
      const http = createTransport();
      const outcomes = await Promise.allSettled([auth.refresh(connection, http), auth.refresh(connection, http)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const won = outcomes.find((o) => o.status === 'fulfilled');
      const lost = outcomes.find((o) => o.status === 'rejected');
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'AUTH_REVOKED' });
      if (won?.status === 'fulfilled') us.connection.secrets = { ...us.connection.secrets, ...won.value.secrets };
      // The provider's single flight: two rejections of the same token make one refresh.
      sim.expireAccessTokens({ clientId });
      const refreshes = us.tokens.refreshes;
      await Promise.all([us.target.getInvoice('1'), us.target.getInvoice('2')]);
      expect(us.tokens.refreshes).toBe(refreshes + 1);
    } finally {
      sim.configure({ supersededRefreshToken: 'until-successor-used' });
    }
  });

  it('a batch of 30 creates answers per item, a refused one included', async () => {
    const operations = Array.from({ length: 30 }, (_, i) => ({
      operation: 'create' as const,
      entity: 'Customer' as const,
      body: { DisplayName: i === 17 ? 'Grace Hopper' : `Backfill buyer ${i}` },
    }));
    const before = us.apiCalls.length;
    const results = await us.target.batch(operations);
    expect(us.apiCalls.length - before).toBe(1);
    expect(results).toHaveLength(30);
    expect(results.filter((r) => r.ok)).toHaveLength(29);
    const refused = results[17];
    expect(refused?.ok === false && refused.error.qboCode).toBe('6240');
    expect(results[0]?.ok === true && results[0].record['DisplayName']).toBe('Backfill buyer 0');
  });
});

describe('a Canadian company', () => {
  it('puts the tax code of each rate on every line and lets QuickBooks compute tax that ties out', async () => {
    const company = sim.createCompany({ country: 'CA', name: 'Maple Goods' });
    const tokens = sim.connect({ clientId, realmId: company.realmId });
    const ca = live(
      connectionOf(
        {
          clientId,
          clientSecret: us.connection.secrets['clientSecret'] ?? '',
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          accessTokenExpiresAt: new Date(sim.clock.now() + tokens.expires_in * 1000).toISOString(),
        },
        { realmId: company.realmId, environment: 'sandbox', apiBaseUrl: sim.endpoints().apiBase.sandbox, oauthBaseUrl: sim.url },
      ),
    );
    const draft = draftOf({
      ...US_ORDER,
      id: '5001',
      number: '#5001',
      currency: 'CAD',
      lines: [
        { id: '1', sku: 'TOQUE', title: 'Wool toque', quantity: 2, unitPrice: '10.00', taxLines: [{ title: 'HST ON', rate: '0.13', amount: '2.60' }] },
        { id: '2', title: 'Gift card', quantity: 1, unitPrice: '5.00', taxLines: [] },
      ],
      shippingLines: [{ title: 'Canada Post', price: '4.00', taxLines: [{ title: 'GST', rate: '0.05', amount: '0.20' }] }],
      discounts: [],
      totals: { tax: '2.80', total: '31.80' },
    });
    const refs = await resolveRefs(ca.target, draft);
    expect(refs.taxIds).toEqual({ '0.13': '5', '0': '6', '0.05': '4' });
    const invoice = await ca.target.createInvoice(draft, refs);
    expect(invoice.total).toBe('31.80');
    const stored = (sim.getEntity({ realmId: company.realmId, entity: 'Invoice', id: invoice.id }) as Record<string, any>);
    expect(stored['GlobalTaxCalculation']).toBe('TaxExcluded');
    expect(stored['TxnTaxDetail']['TotalTax']).toBe(2.8);
    expect(await ca.target.resolveCurrency('CAD')).toEqual({ id: 'CAD', isBase: true });
    expect((await syncErrorOf(ca.target.resolveTax('0.15', 'HST NS'))).code).toBe('VALIDATION');
  });
});
