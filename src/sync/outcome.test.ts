import { describe, expect, it } from 'vitest';
import { SyncError } from '../core/errors.ts';
import { decideFailure, MAX_TRANSIENT_ATTEMPTS } from './outcome.ts';

describe('decideFailure', () => {
  it('stops on validation errors and shows the reason', () => {
    const d = decideFailure(new SyncError('VALIDATION', 'customer_id is required'), 1);
    expect(d).toMatchObject({ state: 'failed', job: { status: 'done' } });
    expect(d.reason).toContain('customer_id is required');
  });

  it('waits as told on rate limits', () => {
    expect(decideFailure(new SyncError('RATE_LIMITED', 'x', { retryAfterMs: 42_000 }), 3).job).toEqual({ status: 'retry', delayMs: 42_000, reason: expect.any(String), wait: true });
  });

  it('retries transient failures with backoff, then fails with the count', () => {
    expect(decideFailure(new SyncError('TRANSIENT'), 1)).toMatchObject({ state: 'retrying', job: { status: 'retry' } });
    const last = decideFailure(new Error('socket hang up'), MAX_TRANSIENT_ATTEMPTS);
    expect(last.state).toBe('failed');
    expect(last.reason).toContain(`${MAX_TRANSIENT_ATTEMPTS} attempts`);
  });

  it('parks the connection on a revoked grant without losing the record', () => {
    expect(decideFailure(new SyncError('AUTH_REVOKED'), 1)).toMatchObject({ state: 'retrying', parkConnection: true });
  });

  it('marks totals that do not tie out as conflict', () => {
    expect(decideFailure(new SyncError('TOTALS_MISMATCH'), 1).state).toBe('conflict');
  });
});
