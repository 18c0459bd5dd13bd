/**
 * OAuth 1.0a one-legged signatures as WooCommerce checks them (`check_oauth_signature`, notes §2): parameters
 * from the query string, a form body and an `Authorization: OAuth …` header, `oauth_signature` removed, sorted by
 * key (byte order), key and value RFC 3986-encoded, each `key=value` encoded again and joined with `%26`; base
 * string `METHOD&enc(home URL + path)&params`; HMAC-SHA1 or -SHA256 keyed with `consumer_secret&`. PHP's array
 * syntax (`status[]=a`) is kept as PHP parses it, nested keys written `status%5B0%5D`.
 * `signRequest` is the client side, for tests that want HMAC-SHA1 or a hand-built request.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A PHP request array: ordered keys, string leaves. */
export type PhpValue = string | PhpArray;
export type PhpArray = Map<string, PhpValue>;

/** `parse_str` for `[key, value]` pairs (already URL-decoded): `a[]`, `a[0]` and `a[x]` build nested arrays. */
export function phpParse(pairs: Iterable<[string, string]>, into: PhpArray = new Map()): PhpArray {
  for (const [rawKey, value] of pairs) {
    const m = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(rawKey);
    if (!m) {
      into.set(rawKey, value);
      continue;
    }
    const base = m[1] ?? rawKey;
    const path = [...(m[2] ?? '').matchAll(/\[([^\]]*)\]/g)].map((x) => x[1] ?? '');
    if (path.length === 0) {
      into.set(base, value);
      continue;
    }
    let node = into.get(base);
    if (!(node instanceof Map)) {
      node = new Map();
      into.set(base, node);
    }
    let current: PhpArray = node;
    path.forEach((segment, i) => {
      const key = segment === '' ? String(nextIndex(current)) : segment;
      if (i === path.length - 1) current.set(key, value);
      else {
        let child = current.get(key);
        if (!(child instanceof Map)) {
          child = new Map();
          current.set(key, child);
        }
        current = child;
      }
    });
  }
  return into;
}

function nextIndex(array: PhpArray): number {
  let max = -1;
  for (const key of array.keys()) if (/^\d+$/.test(key)) max = Math.max(max, Number(key));
  return max + 1;
}

/** PHP `rawurlencode`: RFC 3986, only `A-Z a-z 0-9 - _ . ~` left as they are. */
export function rawurlencode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** PHP `rawurldecode` (no `+` handling), tolerant of stray `%`. */
export function rawurldecode(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq;
    }
  });
}

function encodeValues(value: PhpValue): PhpValue {
  if (typeof value === 'string') return rawurlencode(value);
  return new Map([...value].map(([k, v]) => [k, encodeValues(v)]));
}

function joinWithEquals(params: PhpArray, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of params) {
    const name = prefix ? `${prefix}%5B${key}%5D` : key;
    if (typeof value === 'string') out.push(rawurlencode(`${name}=${value}`));
    else out.push(...joinWithEquals(value, name));
  }
  return out;
}

/** The string WooCommerce signs. `params` must not contain `oauth_signature`. */
export function baseString(method: string, url: string, params: PhpArray): string {
  const sorted = [...params.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const normalized: PhpArray = new Map(sorted.map((k) => [rawurlencode(k), encodeValues(params.get(k) ?? '')]));
  return `${method.toUpperCase()}&${rawurlencode(url)}&${joinWithEquals(normalized).join('%26')}`;
}

export type SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

export function signature(base: string, consumerSecret: string, method: SignatureMethod): string {
  const algorithm = method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  return createHmac(algorithm, `${consumerSecret}&`).update(base).digest('base64');
}

/** `parse_header`: `oauth_*` pairs of an `Authorization: OAuth …` header, values `urldecode`d. */
export function parseOAuthHeader(header: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!header.startsWith('OAuth ')) return out;
  for (const m of header.matchAll(/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g)) {
    const value = m[3] ? m[3] : (m[4] ?? '');
    out.set(m[1] ?? '', decodeForm(value));
  }
  return out;
}

/** PHP `urldecode`: `+` is a space. */
export function decodeForm(text: string): string {
  return rawurldecode(text.replace(/\+/g, ' '));
}

export interface SignInput {
  method: string;
  /** Full URL without query (the store's URL + path). */
  url: string;
  /** Other request parameters (the query string), already decoded. */
  params?: [string, string][];
  consumerKey: string;
  consumerSecret: string;
  signatureMethod?: SignatureMethod;
  timestamp?: number;
  nonce?: string;
}

/** Client side: the oauth_* parameters for a request (append them to the query string). */
export function signRequest(input: SignInput): [string, string][] {
  const oauth: [string, string][] = [
    ['oauth_consumer_key', input.consumerKey],
    ['oauth_nonce', input.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', input.signatureMethod ?? 'HMAC-SHA1'],
    ['oauth_timestamp', String(input.timestamp ?? Math.floor(Date.now() / 1000))],
  ];
  const params = phpParse([...(input.params ?? []), ...oauth]);
  const sig = signature(baseString(input.method, input.url, params), input.consumerSecret, input.signatureMethod ?? 'HMAC-SHA1');
  return [...oauth, ['oauth_signature', sig]];
}
