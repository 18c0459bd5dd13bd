/**
 * The raw transport every connector call goes through: fetch with a timeout, lower-cased headers, and network
 * failures turned into SyncErrors. A write that timed out or lost its connection is `uncertain`: it may have
 * been done, so the engine must look before it creates again (DESIGN.md §2.4).
 */
import { SyncError } from '../../core/errors.ts';
import type { ApiRequest, ApiResponse, HttpCall } from '../../sync/ports.ts';

export { auditUrl } from '../../core/redact.ts';

export interface TransportOptions {
  defaultTimeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export function createTransport(options: TransportOptions = {}): HttpCall {
  const fetchImpl = options.fetchImpl ?? fetch;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs;
    const isWrite = request.method !== 'GET';
    let response: Response;
    try {
      response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SyncError(timedOut ? 'TIMEOUT' : 'NETWORK', `${request.op}: ${describe(error)}`, { uncertain: isWrite, cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new SyncError('NETWORK', `${request.op}: the response was cut off`, { uncertain: isWrite, cause: error });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, headers, text };
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}

/** Seconds or an HTTP date in Retry-After, as milliseconds. */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
