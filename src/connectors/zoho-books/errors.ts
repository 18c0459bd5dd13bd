/**
 * Zoho Books error answers → our error codes (core/errors.ts). Only 0, 1000 and 1002 are on Zoho's error page;
 * the other codes are [3p]/[mem] in /work/shared/api/zoho-books.md §2.4, so messages are matched too, and any
 * unknown 4xx falls back to VALIDATION carrying Zoho's own message.
 */
import { SyncError, type ErrorCode } from '../../core/errors.ts';

interface CodeRule {
  code: ErrorCode;
  /** What the code means, for the error sentence. */
  meaning: string;
}

/** Zoho body `code` → our code. */
export const ZOHO_CODES: Readonly<Record<number, CodeRule>> = {
  1000: { code: 'TRANSIENT', meaning: 'Zoho Books had an internal error' },
  1002: { code: 'NOT_FOUND', meaning: 'the record does not exist in Zoho Books' },
  1001: { code: 'VALIDATION', meaning: 'a record with this name or number already exists' },
  57: { code: 'PERMISSION_DENIED', meaning: 'the token lacks a scope this call needs; reconnect to grant every scope the connector asks for' },
  6041: { code: 'PERMISSION_DENIED', meaning: 'the user cannot access this organization' },
  5: { code: 'VALIDATION', meaning: 'Zoho Books does not know this URL' },
  37: { code: 'VALIDATION', meaning: 'Zoho Books does not allow this method on this URL' },
  44: { code: 'RATE_LIMITED', meaning: 'Zoho Books asked us to slow down' },
  45: { code: 'RATE_LIMITED', meaning: 'Zoho Books asked us to slow down' },
};

export interface ZohoFailure {
  status: number;
  /** The body's `code`, when it had one. */
  zohoCode: number | undefined;
  /** The body's `message` (Zoho's own words). */
  message: string | undefined;
  headers: Record<string, string>;
  now: Date;
  organizationId?: string | undefined;
  apiDomain?: string | undefined;
  /** The call could have changed data (anything but GET): a 5xx then leaves its outcome uncertain. */
  write?: boolean;
}

const ORG_MESSAGE = /organization_id|CompanyID|organization.*(?:not|invalid)/i;
const TOKEN_MESSAGE = /oauth|access token|invalid token|token (?:has )?expired/i;

/** True when the answer means "this access token is refused": refresh once and retry. */
export function isTokenRejection(status: number, zohoCode: number | undefined, message: string | undefined): boolean {
  if (status === 401) return true;
  return (zohoCode === 14 || zohoCode === 57) && TOKEN_MESSAGE.test(message ?? '');
}

/**
 * How long to wait after a 429: to the next minute boundary (the per-minute window; Zoho sends no
 * Retry-After), or until the daily window resets when `X-Rate-Limit-Remaining` says the day is spent.
 */
export function rateLimitWaitMs(headers: Record<string, string>, now: Date): number {
  const remaining = headers['x-rate-limit-remaining'];
  const reset = Number(headers['x-rate-limit-reset']);
  if (remaining !== undefined && Number(remaining) <= 0 && Number.isFinite(reset) && reset > 0) {
    return Math.ceil(reset * 1000);
  }
  return 60_000 - (now.getTime() % 60_000) + 1_000;
}

/** The SyncError for a Zoho Books answer that is not a success (any status, or `code !== 0`). */
export function zohoError(failure: ZohoFailure): SyncError {
  const { status, zohoCode, message } = failure;
  const said = [zohoCode !== undefined ? `code ${zohoCode}` : undefined, message ? `"${message}"` : undefined]
    .filter(Boolean)
    .join(' ');
  const zohoSaid = `Zoho Books answered HTTP ${status}${said ? ` ${said}` : ''}`;

  if (status === 429 || (zohoCode !== undefined && ZOHO_CODES[zohoCode]?.code === 'RATE_LIMITED')) {
    const wait = rateLimitWaitMs(failure.headers, failure.now);
    return new SyncError('RATE_LIMITED', `${zohoSaid}; waiting ${Math.round(wait / 1000)} s before the next call`, {
      retryAfterMs: wait,
    });
  }
  if (status >= 500) return new SyncError('TRANSIENT', zohoSaid, { uncertain: failure.write === true });
  if (zohoCode === 6041 || ORG_MESSAGE.test(message ?? '')) {
    const org = failure.organizationId ? `organization ${failure.organizationId}` : 'the organization';
    const where = failure.apiDomain ? ` at ${failure.apiDomain}` : '';
    return new SyncError(
      'PERMISSION_DENIED',
      `${zohoSaid}: ${org} does not exist in this data centre${where}, or this user cannot access it; set organizationId to one of the organizations ping lists`,
    );
  }
  const rule = zohoCode !== undefined ? ZOHO_CODES[zohoCode] : undefined;
  if (rule) return new SyncError(rule.code, `${zohoSaid}: ${rule.meaning}`);
  if (status === 403) return new SyncError('PERMISSION_DENIED', zohoSaid);
  if (status === 404) return new SyncError('NOT_FOUND', zohoSaid);
  return new SyncError('VALIDATION', zohoSaid);
}
