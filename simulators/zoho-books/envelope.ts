/**
 * The Books response envelope (api notes §2.3): `{code:0, message, <key>}` on success, `{code:≠0, message}`
 * with a 4xx/5xx status on failure. Handlers throw `ZohoApiError` for expected failures; the dispatcher
 * renders it with the configured catalogue so codes stay in one place.
 */
import { json, type SimResponse } from '../_kit/server.ts';
import type { ApiErrorCatalogue, ErrorSpec } from './config.ts';

export type ErrorKind = keyof ApiErrorCatalogue;

export class ZohoApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly details: Record<string, string> = {},
  ) {
    super(`${kind} ${JSON.stringify(details)}`);
  }
}

/** Shorthands for the failures handlers raise most. */
export const fail = {
  notFound: (entity: string) => new ZohoApiError('notFound', { entity }),
  reference: (entity: string) => new ZohoApiError('referenceNotFound', { entity }),
  invalid: (field: string) => new ZohoApiError('invalidValue', { field }),
  duplicate: (detail: string) => new ZohoApiError('duplicate', { detail }),
  rule: (detail: string) => new ZohoApiError('businessRule', { detail }),
};

export function renderError(spec: ErrorSpec, details: Record<string, string>, headers: Record<string, string> = {}): SimResponse {
  const message = spec.message.replace(/\{(\w+)\}/g, (_, name: string) => details[name] ?? '');
  return json(spec.status, { code: spec.code, message }, headers);
}

export function ok(message: string, payload: Record<string, unknown> = {}): SimResponse {
  return json(200, { code: 0, message, ...payload });
}

export function created(message: string, payload: Record<string, unknown>): SimResponse {
  return json(201, { code: 0, message, ...payload });
}
