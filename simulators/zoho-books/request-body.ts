/**
 * Books accepts a body as `application/json` (Zoho's OAS) or as a form field `JSONString=<json>` (what the
 * PHP and Go clients send; api notes §2.1). Both must work, and anything else is refused the way Zoho does.
 */
import type { SimRequest } from '../_kit/server.ts';
import { ZohoApiError } from './envelope.ts';

export type JsonObject = Record<string, unknown>;

export function readBody(req: SimRequest): JsonObject {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  let text: string | undefined;
  if (type.includes('application/x-www-form-urlencoded')) {
    text = new URLSearchParams(req.text).get('JSONString') ?? undefined;
  } else if (type.includes('multipart/form-data')) {
    text = multipartField(req.text, type, 'JSONString');
  } else if (req.text.trim() !== '') {
    text = req.text;
  }
  // Zoho also reads JSONString from the query string of a POST.
  text ??= req.query.get('JSONString') ?? undefined;
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ZohoApiError('invalidJsonString');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ZohoApiError('invalidJsonString');
  return parsed as JsonObject;
}

function multipartField(body: string, type: string, name: string): string | undefined {
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  if (!boundary) return undefined;
  for (const part of body.split(`--${boundary}`)) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    if (head && new RegExp(`name="${name}"`).test(head)) return rest.join('\n\n').replace(/\r?\n$/, '');
  }
  return undefined;
}
