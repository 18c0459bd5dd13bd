/**
 * Redis helpers for tests. Every suite works under a prefix of its own (parallel files and other people's runs share
 * the server) and deletes its keys when done.
 */
import type { Redis } from 'ioredis';

/** Deletes every key under `prefix:`; SCAN, not KEYS, so a busy shared server is not blocked. */
export async function deleteRedisKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
