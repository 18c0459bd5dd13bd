/**
 * Redis connections for distributed mode (DESIGN.md §3), and the small Lua-script helper the Redis adapters share.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../sync/ports.ts';

export interface OpenRedisOptions {
  /**
   * Commands fail after a couple of reconnect attempts instead of waiting for Redis to come back. For leases and
   * rate budgets, whose callers retry on their own. BullMQ needs the opposite (its blocking reads must wait), so a
   * queue connection leaves this off.
   */
  failFast?: boolean;
  /** Shown in CLIENT LIST. */
  name?: string;
  connectTimeoutMs?: number;
  logger?: Logger;
}

export function openRedis(url: string, options: OpenRedisOptions = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: options.failFast ? 2 : null,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    ...(options.name ? { connectionName: options.name } : {}),
  });
  // Without a listener ioredis prints every reconnect error to stderr; the URL may carry a password, so only the
  // host goes into the log.
  let lastLogged = 0;
  client.on('error', (error: unknown) => {
    const now = Date.now();
    if (now - lastLogged < 10_000) return;
    lastLogged = now;
    options.logger?.warn({ redis: describeRedisUrl(url), err: describeRedisError(error) }, 'redis connection error; retrying');
  });
  return client;
}

/** Quits politely, and cuts the socket if Redis does not answer in time (a closing process must not hang). */
export async function closeRedis(client: Redis, timeoutMs = 2_000): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit().then(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Already closed or never connected: disconnect below either way.
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** host:port/db, never the credentials. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

function describeRedisError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}

export type ScriptArg = string | number;

/**
 * A Lua script bound to a client, run with EVALSHA (ioredis falls back to EVAL once per connection). Scripts run
 * atomically on the server, which is what makes each adapter operation a single step for every process.
 */
export function defineScript<T>(client: Redis, name: string, numberOfKeys: number | 'variable', lua: string): (...args: ScriptArg[]) => Promise<T> {
  const commands = client as unknown as Record<string, ((...args: ScriptArg[]) => Promise<T>) | undefined>;
  // 'variable': the caller passes the number of keys first, as with EVAL.
  if (typeof commands[name] !== 'function') client.defineCommand(name, numberOfKeys === 'variable' ? { lua } : { numberOfKeys, lua });
  return (...args) => commands[name]!.apply(client, args);
}
