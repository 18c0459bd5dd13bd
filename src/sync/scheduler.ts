/**
 * The scheduler role: polls every source stream (the safety net), refreshes tokens ahead of expiry, and
 * sweeps inbox events that were committed but never queued. Several schedulers may run (one per machine);
 * leases in the shared store keep them from doing the work twice:
 * - a poll: one per stream per round. A scheduler that takes a stream's round lease keeps it from round to
 *   round (it is renewed by the same holder); the others skip that stream until it stops (it releases on stop)
 *   or dies (the lease runs out after one and a half rounds). engine.poll's own lease keeps any two polls of a
 *   stream (scheduler, backfill, manual) from overlapping.
 * - token refresh: the token manager's lease and re-read (refresh once, DESIGN.md §2.8).
 * - inbox sweep and webhook repair: a lease while they run, so a hook is never re-registered twice.
 * - catalog poll: a lease per connection and a due check on its stored time (poll-catalog.ts).
 */
import type { Engine } from './engine.ts';
import { catalogTask, CATALOG_CHECK_EVERY_MS } from './poll-catalog.ts';
import type { Connection } from './ports.ts';
import { checkWebhooks } from './webhook-health.ts';
import { holderId } from './with-lease.ts';

export interface SchedulerOptions {
  pollEveryMs: number;
  /** Where sources send webhooks; without it, self-registered webhooks are not checked. */
  publicUrl?: string;
  webhookCheckEveryMs?: number;
  sweepEveryMs?: number;
  refreshEveryMs?: number;
  /** How often a source's catalog (products, shipping methods) is read again; due-ness is checked every 10 minutes. */
  catalogEveryMs?: number;
}

export interface Scheduler {
  /** Runs one round of every task now, after the one running (tests, `sync now`); the leases still apply. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(engine: Engine, options: SchedulerOptions): Scheduler {
  const { store, logger, leases } = engine.deps;
  const timers: NodeJS.Timeout[] = [];
  let running = Promise.resolve();
  let stopped = false;
  // One holder for this scheduler's whole life: renewing a round lease is taking it again as the same holder.
  const roundHolder = holderId(`${engine.deps.ownerId}:scheduler`);
  const roundTtlMs = Math.ceil(options.pollEveryMs * 1.5);
  const roundLeases = new Set<string>();

  // Tasks run one after another, never two at once in one scheduler; a task queued when stop() came is dropped.
  const enqueue = (name: string, task: () => Promise<void>): Promise<void> => {
    running = running
      .then(() => (stopped ? undefined : task()))
      .catch((error: unknown) => {
        logger.warn({ task: name, err: error instanceof Error ? error.message : String(error) }, 'scheduled task failed; it runs again next round');
      });
    return running;
  };
  const guard = (name: string, task: () => Promise<void>) => () => {
    if (!stopped) void enqueue(name, task);
  };

  /** Runs `task` unless another scheduler holds `name`; the lease is released after. */
  const exclusive = async (name: string, ttlMs: number, task: () => Promise<void>): Promise<void> => {
    const holder = holderId(engine.deps.ownerId);
    if (!(await leases.acquire(name, holder, ttlMs))) return;
    try {
      await task();
    } finally {
      await leases.release(name, holder);
    }
  };

  const pollAll = async () => {
    for (const connection of await activeConnections('source')) {
      for (const stream of engine.deps.registry.streams(connection.system)) {
        if (stopped) return;
        const round = `poll-round:${connection.id}:${stream}`;
        if (!(await leases.acquire(round, roundHolder, roundTtlMs))) continue; // another scheduler polls this stream
        roundLeases.add(round);
        try {
          const report = await engine.poll(connection, stream);
          if (report.queued > 0) logger.info({ connectionId: connection.id, ...report }, 'poll found changes');
        } catch (error) {
          logger.warn({ connectionId: connection.id, stream, err: error instanceof Error ? error.message : String(error) }, 'poll failed');
        }
      }
    }
  };

  const refreshAhead = async () => {
    const now = engine.deps.clock.now();
    for (const connection of await activeConnections()) {
      const auth = engine.deps.registry.auth(connection.system);
      const due = auth?.refreshDueAt(connection);
      if (!auth || !due || due.getTime() > now.getTime()) continue;
      const http = engine.runtime.http(connection, { tenantId: connection.tenantId, recordId: null });
      await engine.tokens.refresh(connection, auth.accessTokenOf(connection), http).catch((error: unknown) => {
        logger.warn({ connectionId: connection.id, err: error instanceof Error ? error.message : String(error) }, 'token refresh failed');
      });
    }
  };

  const checkAllWebhooks = async () => {
    const publicUrl = options.publicUrl;
    if (!publicUrl) return;
    for (const connection of await activeConnections('source')) {
      if (stopped) return;
      await exclusive(`webhooks:${connection.id}`, 5 * 60_000, async () => {
        await checkWebhooks(engine, connection, publicUrl);
      });
    }
  };

  const sweep = () =>
    exclusive('sweep-inbox', 5 * 60_000, async () => {
      const count = await engine.sweepInbox();
      if (count > 0) logger.info({ count }, 'queued stranded inbox events');
    });

  async function activeConnections(role?: 'source' | 'target'): Promise<Connection[]> {
    return (await store.connections.listAll()).filter((c) => c.status === 'active' && (!role || c.role === role));
  }

  const every = (ms: number, name: string, task: () => Promise<void>) => {
    const run = guard(name, task);
    timers.push(setInterval(run, ms).unref());
  };
  every(options.pollEveryMs, 'poll', pollAll);
  every(options.refreshEveryMs ?? 60_000, 'refresh', refreshAhead);
  every(options.sweepEveryMs ?? 15_000, 'sweep', sweep);
  every(options.webhookCheckEveryMs ?? 10 * 60_000, 'webhooks', checkAllWebhooks);
  every(CATALOG_CHECK_EVERY_MS, 'catalog', catalogTask(engine, options.catalogEveryMs));
  guard('webhooks', checkAllWebhooks)();

  return {
    tick: () =>
      enqueue('tick', async () => {
        await sweep();
        await refreshAhead();
        await checkAllWebhooks();
        await pollAll();
        await catalogTask(engine, options.catalogEveryMs)();
      }),
    stop: async () => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await running;
      // Hand the streams over now rather than when the leases run out.
      await Promise.all([...roundLeases].map((name) => leases.release(name, roundHolder).catch(() => undefined)));
    },
  };
}
