/**
 * WordPress REST errors: `{ "code", "message", "data": { "status", … } }` (notes §3). A few WooCommerce paths pass
 * a bare status as the error data (`new WP_Error( code, message, 500 )`); WordPress then answers with that status
 * and `"data": 500` — kept, because a client that reads `data.status` must survive it.
 */
import type { SimResponse } from '../_kit/server.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { phpJson } from './php-json.ts';

export class WpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra keys inside `data`, or a bare number to send as `data` itself. */
    readonly data?: { [key: string]: JsonValue } | number,
  ) {
    super(message);
  }
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' } as const;

export function restJson(status: number, body: JsonValue, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: phpJson(body) };
}

export function errorResponse(error: WpError): SimResponse {
  const data: JsonValue = typeof error.data === 'number' ? error.data : { status: error.status, ...(error.data ?? {}) };
  return restJson(error.status, { code: error.code, message: error.message, data });
}

export const noRoute = (): WpError => new WpError('rest_no_route', 'No route was found matching the URL and request method.', 404);

/** What an anonymous caller (401) or a key whose user lacks the capability (403) gets, per action. */
export const CANNOT: Record<'list' | 'view' | 'create' | 'edit' | 'delete' | 'batch', { code: string; message: string }> = {
  list: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' },
  view: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot view this resource.' },
  create: { code: 'woocommerce_rest_cannot_create', message: 'Sorry, you are not allowed to create resources.' },
  edit: { code: 'woocommerce_rest_cannot_edit', message: 'Sorry, you are not allowed to edit this resource.' },
  delete: { code: 'woocommerce_rest_cannot_delete', message: 'Sorry, you are not allowed to delete this resource.' },
  batch: { code: 'woocommerce_rest_cannot_batch', message: 'Sorry, you are not allowed to batch manipulate this resource.' },
};
