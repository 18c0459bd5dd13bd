/**
 * QuickBooks Online error answers → our error codes (core/errors.ts), from /work/shared/api/quickbooks-online.md §6.
 *
 * A fault comes in three dresses: `{"Fault":{"Error":[{Message,Detail,code,element}],"type"}}` (the service), the
 * lower-cased `{"fault":{"error":[{message,detail,code}]}}` and XML `<IntuitResponse><Fault type><Error code>`
 * (the gateway, for 401 and 429, even when JSON was asked for). A 200 can carry a Fault too (batch items).
 * Codes are strings. Unknown 4xx answers fall back to VALIDATION carrying QBO's own Message and Detail.
 */
import { SyncError, type ErrorCode } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import { manifest } from './connector.ts';

export interface QboFaultError {
  code: string | undefined;
  message: string;
  detail: string;
  element: string;
}

export interface QboFault {
  type: string | undefined;
  errors: QboFaultError[];
}

/** A SyncError that keeps QBO's fault code, so callers can react to 6240, 5010 or 610 without reading text. */
export class QboError extends SyncError {
  readonly qboCode: string | undefined;
  readonly status: number;
  constructor(code: ErrorCode, detail: string, qbo: { qboCode: string | undefined; status: number; retryAfterMs?: number; uncertain?: boolean }) {
    super(code, detail, {
      ...(qbo.retryAfterMs !== undefined ? { retryAfterMs: qbo.retryAfterMs } : {}),
      ...(qbo.uncertain !== undefined ? { uncertain: qbo.uncertain } : {}),
    });
    this.qboCode = qbo.qboCode;
    this.status = qbo.status;
  }
}

export function qboCodeOf(error: unknown): string | undefined {
  return error instanceof QboError ? error.qboCode : undefined;
}

interface CodeRule {
  code: ErrorCode;
  /** What it means, in our words, after QBO's own. */
  meaning?: string;
}

/** QBO fault code → our code (§6.2, §6.3). Ranges below cover the rest. */
export const QBO_CODES: Readonly<Record<string, CodeRule>> = {
  '100': { code: 'AUTH_EXPIRED', meaning: 'the access token was refused' },
  '3200': { code: 'AUTH_EXPIRED', meaning: 'the access token was refused' },
  '120': { code: 'PERMISSION_DENIED', meaning: "the company's QuickBooks subscription does not allow this" },
  '3100': {
    code: 'PERMISSION_DENIED',
    meaning: 'the token is not authorized for this company: another realm, the other environment (sandbox vs production), or no accounting scope',
  },
  '3001': { code: 'RATE_LIMITED', meaning: 'over 500 requests per minute or 10 per second for this company' },
  '5010': { code: 'TRANSIENT', meaning: 'someone changed the record at the same time; it is read again and the change retried' },
  '610': { code: 'NOT_FOUND', meaning: 'the record, or one it points at, does not exist or was made inactive' },
  '6210': { code: 'DUPLICATE_IN_TARGET', meaning: 'another invoice already uses this number' },
  '6140': { code: 'DUPLICATE_IN_TARGET', meaning: 'another invoice already uses this number' },
  '6240': { code: 'VALIDATION', meaning: 'the name is already used by a customer, vendor, employee or item' },
  '6190': { code: 'PERMISSION_DENIED', meaning: "the company's subscription has ended or was cancelled" },
};

/** Parses any of the three fault dresses; null when the text holds no fault. */
export function parseFault(text: string): QboFault | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed.startsWith('<')) return parseXmlFault(trimmed);
  let parsed: unknown;
  try {
    parsed = parseJsonExact(trimmed);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return null;
    throw error;
  }
  return faultOf(parsed);
}

/** The fault inside a parsed body (`Fault` or `fault`), or a batch item's `Fault`. */
export function faultOf(body: unknown): QboFault | null {
  if (!isRecord(body)) return null;
  const fault = body['Fault'] ?? body['fault'];
  if (!isRecord(fault)) return null;
  const list = fault['Error'] ?? fault['error'];
  const errors = (Array.isArray(list) ? list : isRecord(list) ? [list] : []).filter(isRecord).map(
    (e): QboFaultError => ({
      code: textOf(e['code']),
      message: textOf(e['Message'] ?? e['message']) ?? '',
      detail: textOf(e['Detail'] ?? e['detail']) ?? '',
      element: textOf(e['element']) ?? '',
    }),
  );
  return { type: textOf(fault['type']), errors };
}

function parseXmlFault(xml: string): QboFault | null {
  const fault = /<Fault\b([^>]*)>([\s\S]*?)<\/Fault>/i.exec(xml);
  if (!fault) return null;
  const type = /\btype="([^"]*)"/i.exec(fault[1] ?? '')?.[1];
  const errors: QboFaultError[] = [];
  for (const match of (fault[2] ?? '').matchAll(/<Error\b([^>]*)>([\s\S]*?)<\/Error>/gi)) {
    const attrs = match[1] ?? '';
    const inner = match[2] ?? '';
    errors.push({
      code: unescapeXml(/\bcode="([^"]*)"/i.exec(attrs)?.[1]),
      message: unescapeXml(/<Message>([\s\S]*?)<\/Message>/i.exec(inner)?.[1]) ?? '',
      detail: unescapeXml(/<Detail>([\s\S]*?)<\/Detail>/i.exec(inner)?.[1]) ?? '',
      element: unescapeXml(/\belement="([^"]*)"/i.exec(attrs)?.[1]) ?? '',
    });
  }
  return { type: type === undefined ? undefined : unescapeXml(type), errors };
}

export interface QboFailure {
  status: number;
  fault: QboFault | null;
  headers: Record<string, string>;
  /** The call could have changed data: a 5xx or a lost answer then leaves its outcome uncertain. */
  write: boolean;
  /** Audit label of the call, for the sentence. */
  op: string;
}

/** The SyncError for a QuickBooks answer that is not a success (any status, or a 200 carrying a Fault). */
export function qboError(failure: QboFailure): QboError {
  const { status, fault } = failure;
  const first = fault?.errors[0];
  const qboCode = first?.code;
  const said = fault?.errors.length
    ? fault.errors.map((e) => [e.code ? `code ${e.code}` : undefined, e.message ? `"${e.message}"` : undefined, e.detail && e.detail !== e.message ? `(${e.detail})` : undefined].filter(Boolean).join(' ')).join('; ')
    : '';
  const qboSaid = `QuickBooks answered HTTP ${status}${said ? ` ${said}` : ''} to ${failure.op}`;
  const make = (code: ErrorCode, meaning: string | undefined, extra: { retryAfterMs?: number; uncertain?: boolean } = {}): QboError =>
    new QboError(code, meaning ? `${qboSaid}: ${meaning}` : qboSaid, { qboCode, status, ...extra });

  if (status === 429 || qboCode === '3001') {
    const wait = retryAfter(failure.headers) ?? manifest.rateLimits.throttleWaitMs;
    return make('RATE_LIMITED', `waiting ${Math.round(wait / 1000)} s before the next call to this company`, { retryAfterMs: wait });
  }
  const rule = qboCode !== undefined ? QBO_CODES[qboCode] : undefined;
  if (rule) return make(rule.code, rule.meaning);
  if (status >= 500) return make('TRANSIENT', 'QuickBooks failed on its side', { uncertain: failure.write });
  const numeric = qboCode !== undefined && /^\d+$/.test(qboCode) ? Number(qboCode) : undefined;
  if (numeric !== undefined && numeric >= 10_000) return make('TRANSIENT', 'QuickBooks reported a severe internal error', { uncertain: failure.write });
  if (status === 401) return make('AUTH_EXPIRED', 'the access token was refused');
  if (status === 403) return make('PERMISSION_DENIED', 'this app or user may not do this in the company');
  if (status === 404) return make('VALIDATION', 'no such QuickBooks resource; check apiBaseUrl and realmId');
  return make('VALIDATION', undefined);
}

function retryAfter(headers: Record<string, string>): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function unescapeXml(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
