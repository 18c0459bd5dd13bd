/** Helpers shared by connector tests (imported by *.test.ts only). */
import { SyncError } from '../../core/errors.ts';

/** The SyncError `promise` rejects with; anything else (or success) fails the test. */
export async function syncErrorOf(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a SyncError');
}
