import type { Db } from './db.ts';
import type { Sealer } from './sealer.ts';

/** What every repository needs: the handle (pool or transaction), the sealer, and the clock for row timestamps. */
export interface RepoContext {
  db: Db;
  sealer: Sealer;
  now: () => Date;
}

export const newId = (): string => crypto.randomUUID();
