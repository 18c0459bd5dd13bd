/**
 * The Accounting API host (`{sandbox-}quickbooks.api.intuit.com`), `/v3/company/{realmId}/...` (api notes §2).
 * Every call passes, in order: bearer token (401 3200), realm, environment and scope (403 3100), request limits
 * (429 3001), `requestid` replay, then the resource. `minorversion` is accepted with any value; below 75 or absent it
 * is treated as 75, and no behaviour here differs by version [src S9].
 */
import type { SimRequest, SimResponse } from '../_kit/server.ts';
import { runBatch } from './batch.ts';
import { runCdc } from './cdc.ts';
import type { Company } from './company.ts';
import { companyTime, fault, type Scope, type SimContext } from './context.ts';
import { createEntity, deleteEntity, readEntity, updateEntity, voidEntity } from './crud.ts';
import { specByResource } from './entity-specs.ts';
import { faultResponse, QboFault } from './fault.ts';
import { invalid, required } from './fields.ts';
import { intuitTid } from './ids.ts';
import { isObject, JsonSyntaxError, parseJson, str, writeJson, type Json, type JsonObject } from './json.ts';
import { runQuery } from './query-run.ts';
import { render } from './render.ts';
import { qboTimestamp } from './time.ts';
import type { Environment } from './tokens.ts';
import { sendInvoice } from './send.ts';

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
const DEFAULT_ZONE = 'America/Los_Angeles';

function answer(company: Company, now: number, key: string, value: Json, headers: Record<string, string>): SimResponse {
  const body: JsonObject = { [key]: value, time: companyTime(company, now, true) };
  return { status: 200, headers: { ...headers, 'content-type': 'application/json;charset=UTF-8' }, body: writeJson(body) };
}

export async function handleApi(ctx: SimContext, req: SimRequest, env: Environment, sub: string): Promise<SimResponse> {
  const cfg = ctx.config();
  const now = ctx.clock.now();
  const headers = { intuit_tid: intuitTid() };
  const m = /^\/v3\/company\/([^/]+)(\/.*)?$/.exec(sub);
  const company = m ? ctx.companies.get(m[1]!) : undefined;
  const time = company ? companyTime(company, now, true) : qboTimestamp(now, DEFAULT_ZONE, true);
  const fail = (f: QboFault): SimResponse => faultResponse(f, time, cfg.gatewayFaultStyle, headers);
  if (!m) return fail(fault(ctx, 'badUrl', { path: sub }));
  const realmId = m[1]!;
  const rest = m[2] ?? '';

  // Authentication.
  const auth = req.headers['authorization'];
  if (!auth) return fail(fault(ctx, 'authMissing'));
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  const token = bearer?.[1];
  if (!token || token.length < 20 || token.length > 4096) return fail(fault(ctx, 'authFailed', { reason: 'Malformed bearer token: too short or too long' }));
  const check = ctx.tokens.checkAccess(token, now);
  if (!check.ok) {
    const reason = check.reason === 'expired' ? `Token expired: ${token.slice(0, 20)}` : check.reason === 'revoked' ? 'Token revoked' : 'Token invalid';
    return fail(fault(ctx, 'authFailed', { reason }));
  }
  const grant = check.grant;

  // Authorization: the token's realm, this host's environment, the accounting scope.
  if (grant.realmId !== realmId || !company || company.options.environment !== env) {
    return fail(fault(ctx, 'forbidden', { reason: `The token is not authorized for company ${realmId} on this host.` }));
  }
  if (!grant.scopes.includes(ACCOUNTING_SCOPE)) return fail(fault(ctx, 'forbidden', { reason: `The token lacks the ${ACCOUNTING_SCOPE} scope.` }));

  const isBatch = /^\/batch\/?$/i.test(rest);
  const limit = ctx.limiter.take(realmId, grant.clientId, isBatch, now, cfg);
  if (limit) return fail(fault(ctx, 'throttled'));

  ctx.limiter.enter(realmId, grant.clientId);
  try {
    const requestId = req.query.get('requestid') ?? undefined;
    if (requestId !== undefined) {
      const max = isBatch ? cfg.batchRequestIdMaxLength : cfg.requestIdMaxLength;
      if (requestId.length === 0 || requestId.length > max) {
        return fail(fault(ctx, 'invalidRequestId', { reason: `requestid must be 1 to ${max} characters, got ${requestId.length}.` }));
      }
      const replay = ctx.requestIds.get(realmId, requestId, now, cfg.requestIdWindowMs);
      if (replay) return replay;
    }
    if (cfg.processingDelayMs > 0) await ctx.clock.sleep(cfg.processingDelayMs);

    const app = ctx.tokens.apps.get(grant.clientId);
    const include = new Set((req.query.get('include') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
    const scope: Scope = { ctx, company, batch: undefined, writer: app?.name ?? cfg.apiUserName, include, now: ctx.clock.now() };
    let response: SimResponse;
    try {
      response = resource(scope, req, rest, headers, requestId);
    } catch (e) {
      if (!(e instanceof QboFault)) throw e;
      response = faultResponse(e, companyTime(company, scope.now, true), cfg.gatewayFaultStyle, headers);
    }
    if (requestId !== undefined && (response.status < 400 || cfg.requestIdReplaysErrors)) ctx.requestIds.put(realmId, requestId, response, now);
    ctx.webhooks.flush();
    return response;
  } finally {
    ctx.limiter.leave(realmId, grant.clientId);
  }
}

function jsonBody(scope: Scope, req: SimRequest): JsonObject {
  if (!req.text.trim()) required(scope, 'request body');
  let parsed: Json;
  try {
    parsed = parseJson(req.text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) invalid(scope, `request body (${e.message})`);
    throw e;
  }
  if (!isObject(parsed)) invalid(scope, 'request body');
  return parsed;
}

function resource(scope: Scope, req: SimRequest, rest: string, headers: Record<string, string>, requestId: string | undefined): SimResponse {
  const { company } = scope;
  const segments = rest.split('/').filter(Boolean);
  const first = (segments[0] ?? '').toLowerCase();
  const ok = (key: string, value: Json) => answer(company, scope.now, key, value, headers);
  const badUrl = () => fault(scope, 'badUrl', { path: rest });

  if (first === 'query' && segments.length === 1) {
    const text = req.method === 'GET' ? req.query.get('query') : req.method === 'POST' ? req.text : null;
    if (!text) throw fault(scope, 'required', { name: 'query' }, 'query');
    return ok('QueryResponse', runQuery(scope, text));
  }
  if (first === 'batch' && segments.length === 1 && req.method === 'POST') {
    const result = runBatch(scope, jsonBody(scope, req), requestId);
    return { status: 200, headers: { ...headers, 'content-type': 'application/json;charset=UTF-8' }, body: writeJson({ ...result, time: companyTime(company, scope.now, true) }) };
  }
  if (first === 'cdc' && segments.length === 1 && req.method === 'GET') {
    return ok('CDCResponse', runCdc(scope, req.query.get('entities') ?? undefined, req.query.get('changedSince') ?? undefined));
  }
  if (first === 'companyinfo') {
    if (req.method !== 'GET' || segments[1] !== company.realmId || segments.length !== 2) {
      if (req.method === 'POST') throw fault(scope, 'unsupportedOperation', { operation: 'Update' });
      throw badUrl();
    }
    return ok('CompanyInfo', readEntity(scope, 'CompanyInfo', company.realmId));
  }
  if (first === 'preferences' && segments.length === 1) {
    if (req.method === 'GET') return ok('Preferences', readEntity(scope, 'Preferences', '1'));
    if (req.method === 'POST') return ok('Preferences', render(company, updateEntity(scope, 'Preferences', { ...jsonBody(scope, req), Id: '1' })));
    throw badUrl();
  }

  const spec = specByResource(first);
  if (!spec || spec.kind === 'settings') throw badUrl();
  if (req.method === 'GET' && segments.length === 2) return ok(spec.name, readEntity(scope, spec.name, segments[1]!));
  if (req.method === 'POST' && segments.length === 3 && spec.name === 'Invoice' && segments[2]!.toLowerCase() === 'send') {
    return ok('Invoice', render(company, sendInvoice(scope, req, segments[1]!)));
  }
  if (req.method !== 'POST' || segments.length !== 1) throw badUrl();

  const body = jsonBody(scope, req);
  const operation = (req.query.get('operation') ?? '').toLowerCase();
  if (operation === 'delete') return ok(spec.name, deleteEntity(scope, spec.name, body));
  if (operation === 'void') return ok(spec.name, render(company, voidEntity(scope, spec.name, body)));
  if (operation === 'update' && scope.include.has('void')) return ok(spec.name, render(company, voidEntity(scope, spec.name, body)));
  if (operation === 'update' || (operation === '' && str(body['Id']) !== undefined)) return ok(spec.name, render(company, updateEntity(scope, spec.name, body)));
  if (operation !== '' && operation !== 'create') throw fault(scope, 'unsupportedOperation', { operation });
  return ok(spec.name, render(company, createEntity(scope, spec.name, body)));
}
