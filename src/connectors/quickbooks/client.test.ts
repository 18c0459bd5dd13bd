import { describe, expect, it } from 'vitest';

import { SyncError } from '../../core/errors.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createQuickBooksClient, queryLiteral, selectQuery } from './client.ts';
import { QboError } from './errors.ts';
import {
  AUTH_FAILED,
  COMPANY,
  context,
  entity,
  fakeHttp,
  fault,
  json,
  NOT_FOUND,
  rows,
  THROTTLED,
} from './test-support/fake-http.ts';

function setup(config: Parameters<typeof context>[1] = {}) {
  const http = fakeHttp();
  const ctx = context(http, config);
  return { http, ctx, client: createQuickBooksClient(ctx) };
}

const CUSTOMER = { Id: '58', SyncToken: '0', DisplayName: 'Ada Lovelace', domain: 'QBO', sparse: false };

describe('requests', () => {
  it('send minorversion=75 on every call, a Bearer token, JSON accept and, for bodies, JSON content type', async () => {
    const { http, client } = setup();
    http.on('GET', 'customer/58', entity('Customer', CUSTOMER));
    http.on('POST', 'customer', entity('Customer', CUSTOMER));
    http.on('POST', 'query', rows('Customer', [CUSTOMER]));
    http.on('POST', 'batch', json(200, { BatchItemResponse: [{ bId: '0', Customer: CUSTOMER }], time: 't' }));
    await client.read('Customer', '58');
    await client.write('Customer', { Id: '58', SyncToken: '0', sparse: true, Notes: 'x' }, { operation: 'update' });
    await client.query(selectQuery('Customer'), 'q');
    await client.batch([{ operation: 'create', entity: 'Customer', body: { DisplayName: 'B' } }]);
    expect(http.seen).toHaveLength(4);
    for (const request of http.seen) {
      expect(request.parsedUrl.searchParams.get('minorversion')).toBe('75');
      expect(request.url.startsWith(`${COMPANY}/`)).toBe(true);
      expect(request.headers).toMatchObject({ authorization: 'Bearer tok-1', accept: 'application/json' });
    }
    expect(http.seen[1]?.parsedUrl.searchParams.get('operation')).toBe('update');
    expect(http.seen[1]?.headers?.['content-type']).toBe('application/json');
    expect(http.seen[2]?.headers?.['content-type']).toBe('application/text');
    expect(http.seen[2]?.body).toBe('SELECT * FROM Customer');
  });

  it('keep ids and amounts exactly as QuickBooks wrote them', async () => {
    const { http, client } = setup();
    http.on('GET', 'invoice/130', json(200, '{"Invoice":{"Id":"130","TotalAmt":35.75,"Balance":9007199254740993,"SyncToken":"0"},"time":"t"}'));
    expect(await client.read('Invoice', '130')).toEqual({ Id: '130', TotalAmt: '35.75', Balance: 9007199254740993n, SyncToken: '0' });
  });

  it('a 401 refreshes once and retries once with the new token', async () => {
    const { http, ctx, client } = setup();
    http.on('GET', 'customer/58', entity('Customer', CUSTOMER));
    // The newest handler answers first: one expired-token 401, then the entity.
    http.on('GET', 'customer/58', AUTH_FAILED, 1);
    expect(await client.read('Customer', '58')).toMatchObject({ Id: '58' });
    expect(ctx.tokens.refreshes).toEqual(['tok-1']);
    expect(http.seen.map((r) => r.headers?.['authorization'])).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('a second 401 after the refresh is AUTH_EXPIRED, and no third call is made', async () => {
    const { http, ctx, client } = setup();
    http.on('GET', 'customer/58', AUTH_FAILED);
    const error = await syncErrorOf(client.read('Customer', '58'));
    expect(error).toMatchObject({ code: 'AUTH_EXPIRED', class: 'auth' });
    expect(error.message).toMatch(/freshly refreshed access token.*code 3200/);
    expect(ctx.tokens.refreshes).toHaveLength(1);
    expect(http.seen).toHaveLength(2);
  });
});

describe('faults', () => {
  it('429 code 3001 (the gateway’s XML) is RATE_LIMITED with the 60 s wait', async () => {
    const { http, client } = setup();
    http.on('POST', 'query', THROTTLED);
    const error = await syncErrorOf(client.query('SELECT * FROM Item', 'q'));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', class: 'rate', retryAfterMs: 60_000, qboCode: '3001' });
    expect(error.message).toMatch(/HTTP 429 code 3001 "message=ThrottleExceeded/);
  });

  it('3001 in the lower-cased JSON form, and a plain 429, are RATE_LIMITED too; a Retry-After is honoured', async () => {
    const { http, client } = setup();
    http.on('GET', 'item/1', json(429, { fault: { error: [{ message: 'message=ThrottleExceeded', detail: 'The request limit was reached.', code: '3001' }], type: 'SERVICE' }, time: 't' }), 1);
    expect(await syncErrorOf(client.read('Item', '1'))).toMatchObject({ code: 'RATE_LIMITED', qboCode: '3001' });
    http.on('GET', 'item/1', json(429, 'busy', { 'retry-after': '5' }), 1);
    expect(await syncErrorOf(client.read('Item', '1'))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 5000 });
  });

  it('validation faults carry QBO’s Message and Detail; 6240, 5010, 6210 keep their codes', async () => {
    const { http, client } = setup();
    http.on('POST', 'invoice', fault(400, '6000', 'A business validation error has occurred while processing your request', 'Business Validation Error: Make sure all your transactions have a GST/HST rate before you save.'), 1);
    const error = await syncErrorOf(client.write('Invoice', {}));
    expect(error).toMatchObject({ code: 'VALIDATION', qboCode: '6000' });
    expect(error.message).toContain('Make sure all your transactions have a GST/HST rate before you save.');
    http.on('POST', 'invoice', fault(400, '6210', 'Duplicate Document Number Error', 'You must specify a different number.'), 1);
    expect(await syncErrorOf(client.write('Invoice', {}))).toMatchObject({ code: 'DUPLICATE_IN_TARGET', qboCode: '6210' });
    http.on('POST', 'invoice', fault(400, '5010', 'Stale Object Error', 'Stale Object Error : You and x were working on this at the same time.'), 1);
    expect(await syncErrorOf(client.write('Invoice', {}))).toMatchObject({ code: 'TRANSIENT', qboCode: '5010' });
    http.on('POST', 'invoice', fault(403, '3100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', 'The token is not authorized for company 1.', 'SERVICE'), 1);
    expect(await syncErrorOf(client.write('Invoice', {}))).toMatchObject({ code: 'PERMISSION_DENIED', qboCode: '3100' });
  });

  it('a 200 that carries a Fault is an error; a 5xx on a write is transient and uncertain', async () => {
    const { http, client } = setup();
    http.on('POST', 'invoice', fault(200, '2010', 'Request has invalid or unsupported property', 'Property Name:ShipAmt specified is unsupported or invalid'), 1);
    expect(await syncErrorOf(client.write('Invoice', {}))).toMatchObject({ code: 'VALIDATION', qboCode: '2010' });
    http.on('POST', 'invoice', json(503, '<html>Service Unavailable</html>'), 1);
    expect(await syncErrorOf(client.write('Invoice', {}))).toMatchObject({ code: 'TRANSIENT', uncertain: true });
  });

  it('reading a missing object (610) is null', async () => {
    const { http, client } = setup();
    http.on('GET', 'invoice/9', NOT_FOUND);
    expect(await client.read('Invoice', '9')).toBeNull();
  });

  it('a broken config fails with a sentence', () => {
    const http = fakeHttp();
    expect(() => createQuickBooksClient(context(http, { realmId: null }))).toThrow(/config is incomplete or invalid \(realmId\)/);
  });
});

describe('query language', () => {
  it('escapes quotes and backslashes in literals, so a name can never close the string', () => {
    expect(queryLiteral("O'Brien")).toBe("'O\\'Brien'");
    expect(queryLiteral('back\\slash')).toBe("'back\\\\slash'");
    expect(queryLiteral("\\' OR Id > '0")).toBe("'\\\\\\' OR Id > \\'0'");
    expect(queryLiteral(true)).toBe('true');
    expect(queryLiteral(12n)).toBe('12');
    expect(() => queryLiteral(1.5)).toThrow(/decimals as strings/);
  });

  it('an injection attempt through a customer name stays one string literal', () => {
    const name = "x' AND Active IN (true,false) AND DisplayName LIKE '%";
    const statement = selectQuery('Customer', [{ field: 'DisplayName', op: '=', value: name }], { maxResults: 10 });
    expect(statement).toBe("SELECT * FROM Customer WHERE DisplayName = 'x\\' AND Active IN (true,false) AND DisplayName LIKE \\'%' MAXRESULTS 10");
    // Reading the literal back the way QBO does (backslash escapes) gives the name, whole.
    const literal = /= '((?:\\.|[^'\\])*)'/.exec(statement)?.[1] ?? '';
    expect(literal.replace(/\\(.)/g, '$1')).toBe(name);
  });

  it('refuses property and entity names that are not identifiers', () => {
    expect(() => selectQuery('Customer; DROP', [])).toThrow(TypeError);
    expect(() => selectQuery('Customer', [{ field: "DisplayName'", op: '=', value: 'x' }])).toThrow(TypeError);
    expect(selectQuery('Invoice', [{ field: 'MetaData.LastUpdatedTime', op: '>=', value: '2026-03-01T00:00:00Z' }, { field: 'Id', op: 'IN', value: ['1', '2'] }], { orderBy: 'Id desc', startPosition: 1001, maxResults: 1000 })).toBe(
      "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '2026-03-01T00:00:00Z' AND Id IN ('1', '2') ORDERBY Id DESC STARTPOSITION 1001 MAXRESULTS 1000",
    );
  });

  it('"no rows" is QueryResponse {} and an empty list', async () => {
    const { http, client } = setup();
    http.on('POST', 'query', json(200, { QueryResponse: {}, time: 't' }));
    expect(await client.query(selectQuery('Customer', [{ field: 'DisplayName', op: '=', value: 'Nobody' }]), 'q')).toEqual([]);
  });

  it('pages with STARTPOSITION and MAXRESULTS until a short page', async () => {
    const { http, client } = setup();
    const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ Id: String(from + i), Name: `Item ${from + i}` }));
    http.on('POST', 'query', (request) => {
      const start = Number(/STARTPOSITION (\d+)/.exec(request.body ?? '')?.[1]);
      return rows('Item', start === 1 ? page(1, 2) : start === 3 ? page(3, 2) : page(5, 1));
    });
    const all = await client.queryAll('Item', [], 'q', { pageSize: 2 });
    expect(all.map((r) => r['Id'])).toEqual(['1', '2', '3', '4', '5']);
    expect(http.seen.map((r) => r.body)).toEqual([
      'SELECT * FROM Item STARTPOSITION 1 MAXRESULTS 2',
      'SELECT * FROM Item STARTPOSITION 3 MAXRESULTS 2',
      'SELECT * FROM Item STARTPOSITION 5 MAXRESULTS 2',
    ]);
  });
});

describe('batch', () => {
  it('sends at most 30 items a request and answers per item, matched by bId, faults included', async () => {
    const { http, client } = setup();
    http.on('POST', 'batch', (request) => {
      const items = (JSON.parse(request.body ?? '{}') as { BatchItemRequest: Array<{ bId: string; Customer: { DisplayName: string } }> }).BatchItemRequest;
      // Answer out of order, and refuse one name, as QBO does per item.
      const answers = items.reverse().map((item) =>
        item.Customer.DisplayName === 'Buyer 7'
          ? { bId: item.bId, Fault: { type: 'ValidationFault', Error: [{ Message: 'Duplicate Name Exists Error', Detail: 'The name supplied already exists.', code: '6240', element: '' }] } }
          : { bId: item.bId, Customer: { Id: `c${item.Customer.DisplayName.slice(6)}`, DisplayName: item.Customer.DisplayName } },
      );
      return json(200, { BatchItemResponse: answers, time: 't' });
    });
    const operations = Array.from({ length: 31 }, (_, i) => ({ operation: 'create' as const, entity: 'Customer' as const, body: { DisplayName: `Buyer ${i}` } }));
    const results = await client.batch(operations, { requestId: 'backfill-1' });
    expect(http.seen).toHaveLength(2);
    expect(http.seen.map((r) => (JSON.parse(r.body ?? '{}') as { BatchItemRequest: unknown[] }).BatchItemRequest.length)).toEqual([30, 1]);
    expect(http.seen.map((r) => r.parsedUrl.searchParams.get('requestid'))).toEqual(['backfill-1.0', 'backfill-1.1']);
    expect(results).toHaveLength(31);
    expect(results[0]).toEqual({ ok: true, entity: 'Customer', record: { Id: 'c0', DisplayName: 'Buyer 0' } });
    expect(results[30]).toMatchObject({ ok: true, record: { Id: 'c30' } });
    const refused = results[7];
    expect(refused?.ok).toBe(false);
    expect(refused && !refused.ok && refused.error).toBeInstanceOf(QboError);
    expect(refused && !refused.ok && refused.error.qboCode).toBe('6240');
  });

  it('refuses a requestid too long for a batch (36 characters)', async () => {
    const { client } = setup();
    const error = await client.batch([{ query: 'SELECT * FROM Item' }], { requestId: 'x'.repeat(40) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
  });
});
