/**
 * What a failure does to a record and its job, by error class (DESIGN.md §2.9). The one place that decides.
 */
import { classify } from '../core/errors.ts';
import type { JobOutcome, RecordState } from './ports.ts';

/** Transient failures are retried this many runs before the record is `failed` for an operator. */
export const MAX_TRANSIENT_ATTEMPTS = 10;

export interface FailureDecision {
  state: RecordState;
  reason: string;
  job: JobOutcome;
  /** The connection must be reconnected before anything else runs on it. */
  parkConnection: boolean;
}

export function decideFailure(error: unknown, attempt: number): FailureDecision {
  const info = classify(error);
  switch (info.class) {
    case 'validation':
      return { state: 'failed', reason: info.message, job: { status: 'done' }, parkConnection: false };
    case 'conflict':
      return { state: 'conflict', reason: info.message, job: { status: 'done' }, parkConnection: false };
    case 'not_found':
      return { state: 'skipped', reason: info.message, job: { status: 'done' }, parkConnection: false };
    case 'permission':
      return info.code === 'AUTH_REVOKED'
        ? { state: 'retrying', reason: `waiting for the connection to be reconnected: ${info.message}`, job: { status: 'done' }, parkConnection: true }
        : { state: 'failed', reason: info.message, job: { status: 'done' }, parkConnection: false };
    case 'rate':
      return { state: 'retrying', reason: info.message, job: { status: 'retry', delayMs: info.retryAfterMs ?? 60_000, reason: info.message, wait: true }, parkConnection: false };
    case 'auth':
    case 'transient':
      if (attempt >= MAX_TRANSIENT_ATTEMPTS) {
        return { state: 'failed', reason: `gave up after ${attempt} attempts: ${info.message}`, job: { status: 'done' }, parkConnection: false };
      }
      return { state: 'retrying', reason: info.message, job: { status: 'retry', reason: info.message }, parkConnection: false };
  }
}
