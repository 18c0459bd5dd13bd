/**
 * Named leases in the database (DESIGN.md §3: modes 1–2): one token refresh per connection, one poller per
 * stream, across processes. Expiry is judged by the database clock, the one clock every process shares.
 */
import type { Leases } from '../sync/ports.ts';
import type { Db } from './db.ts';

export function createDbLeases(db: Db): Leases {
  return {
    async acquire(name, owner, ttlMs) {
      if (!(ttlMs > 0)) throw new RangeError('lease ttlMs must be positive');
      // Granted when the row is absent, expired, or already ours (then the expiry is extended).
      const rows = await db.query(
        `INSERT INTO leases AS l (name, owner, acquired_at, expires_at)
         VALUES ($1, $2, now(), now() + $3::double precision * interval '1 millisecond')
         ON CONFLICT (name) DO UPDATE SET
           acquired_at = CASE WHEN l.owner = excluded.owner AND l.expires_at > now() THEN l.acquired_at ELSE excluded.acquired_at END,
           owner = excluded.owner,
           expires_at = excluded.expires_at
         WHERE l.owner = excluded.owner OR l.expires_at <= now()
         RETURNING name`,
        [name, owner, ttlMs],
      );
      return rows.length === 1;
    },
    async release(name, owner) {
      // Only the holder may release; a late release after someone else took over is a no-op.
      await db.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
    },
  };
}
