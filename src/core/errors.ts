/**
 * One table maps every failure to a class, and the class decides what the engine does (DESIGN.md §2.9).
 * Connectors throw `SyncError` with a code from this table; the engine never inspects messages.
 */

export type ErrorClass = 'validation' | 'auth' | 'permission' | 'rate' | 'transient' | 'conflict' | 'not_found';

export interface ErrorSpec {
  readonly class: ErrorClass;
  readonly message: string;
}

export const ERRORS = {
  VALIDATION: { class: 'validation', message: 'the target refused the document as invalid' },
  SOURCE_PAYLOAD_INVALID: { class: 'validation', message: 'the source record does not match the expected shape' },
  DEPENDENCY_BLOCKED: { class: 'validation', message: 'a record this one depends on cannot be posted' },
  TOTALS_MISMATCH: { class: 'conflict', message: 'the order total does not tie out' },
  TARGET_TOTAL_MISMATCH: { class: 'conflict', message: 'the target computed a different total' },
  DUPLICATE_IN_TARGET: { class: 'conflict', message: 'the target holds more than one document for this reference' },
  TARGET_LOCKED: { class: 'conflict', message: 'the target document can no longer be changed' },
  AUTH_EXPIRED: { class: 'auth', message: 'the access token was refused' },
  AUTH_REVOKED: { class: 'permission', message: 'the grant was revoked; reconnect the account' },
  PERMISSION_DENIED: { class: 'permission', message: 'the account lacks a permission this sync needs' },
  RATE_LIMITED: { class: 'rate', message: 'the service asked us to slow down' },
  TRANSIENT: { class: 'transient', message: 'the service failed temporarily' },
  NETWORK: { class: 'transient', message: 'the service could not be reached' },
  TIMEOUT: { class: 'transient', message: 'the service did not answer in time' },
  NOT_FOUND: { class: 'not_found', message: 'the record does not exist' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class SyncError extends Error {
  override name = 'SyncError';
  readonly code: ErrorCode;
  readonly class: ErrorClass;
  /** For `rate`: how long the server asked us to wait. */
  readonly retryAfterMs: number | undefined;
  /** True when the request may have reached the target and done its work (timeout, dropped connection). */
  readonly uncertain: boolean;

  constructor(code: ErrorCode, detail?: string, options: { retryAfterMs?: number; uncertain?: boolean; cause?: unknown } = {}) {
    super(detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message, { cause: options.cause });
    this.code = code;
    this.class = ERRORS[code].class;
    this.retryAfterMs = options.retryAfterMs;
    this.uncertain = options.uncertain ?? false;
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

/** Anything that is not a SyncError is a bug or an unknown failure: treat it as transient, and say so. */
export function classify(error: unknown): { class: ErrorClass; code: ErrorCode | 'UNKNOWN'; message: string; retryAfterMs?: number } {
  if (isSyncError(error)) {
    return { class: error.class, code: error.code, message: error.message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
  }
  return { class: 'transient', code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error) };
}
