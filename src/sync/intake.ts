/**
 * Webhook intake under a burst (DESIGN.md §2.1: durable before acknowledged, and fast: Shopify gives 5 s).
 *
 * Each delivery costs a connection lookup, an inbox insert and a hand-off to the queue (records, jobs: five or six
 * statements). Done in full for every delivery, a thousand simultaneous deliveries make six thousand statements
 * before the last is answered, and on PGlite each one runs on this thread: far beyond 5 s. So, once per engine:
 * - the connection a webhook address names is looked up once per CONNECTION_TTL_MS and shared (a secret rotated or a
 *   connection removed is seen at most that much later);
 * - inbox inserts that arrive while one is being written are written next, together, in one statement (group
 *   commit; in a busy spell the writer first gathers for GATHER_MS, a lone delivery is written at once); each
 *   delivery is still answered only once its own event is committed;
 * - hand-offs to the queue run one at a time, in arrival order, on one background lane. A delivery that arrives
 *   alone waits for its own hand-off (a quiet system behaves as before: queued when answered). Deliveries that
 *   arrive together (less than LANE_QUIET_MS apart) are answered once committed, and the lane hands them over
 *   when arrivals pause, or LANE_YIELD_MS into the spell at the latest, so a burst is answered first and queued
 *   right after; under load that lasts longer, both share. A process that dies first loses nothing: the event is
 *   committed, and the inbox sweep hands it over (sweepInbox).
 * - the lane takes one turn of the event loop between hand-offs: PGlite answers on the microtask queue, so a chain of
 *   hand-offs would otherwise keep the loop from reading new requests (seconds, for a thousand).
 */
import type { EngineDeps } from './deps.ts';
import { dispatchEvent } from './dispatch.ts';
import type { Connection, InboxEvent, NewInboxEvent } from './ports.ts';

type Committed = { inserted: boolean; event: InboxEvent };

/** How long a looked-up connection (or an unknown address) is reused for the deliveries that follow. */
export const CONNECTION_TTL_MS = 1_000;
/** Deliveries less than this apart belong to one busy spell. */
export const LANE_QUIET_MS = 250;
/** The longest the hand-off lane gives way to arriving deliveries in one busy spell. */
export const LANE_YIELD_MS = 10_000;
/** In a busy spell, how long the writer gathers inserts before it writes them together. */
export const GATHER_MS = 5;

interface PendingInsert {
  event: NewInboxEvent;
  resolve: (value: Committed) => void;
  reject: (error: unknown) => void;
}

interface HandOff {
  event: InboxEvent;
  /** A delivery is waiting for this one: it goes without waiting for a pause. */
  urgent: boolean;
  done: () => void;
}

export class WebhookIntake {
  private readonly lookups = new Map<string, { at: number; connection: Promise<Connection | null> }>();
  private pending: PendingInsert[] = [];
  private writing: Promise<void> | null = null;
  /** The current busy spell: when it began, how many deliveries it has had, when the last one arrived. */
  private spellSince = 0;
  private spellArrivals = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;
  private readonly lane: HandOff[] = [];
  private draining: Promise<void> | null = null;
  private dispatching = false;

  constructor(
    private readonly deps: Pick<EngineDeps, 'store' | 'queue' | 'logger'>,
    private readonly maxBatch = 500,
  ) {}

  /** The connection a webhook address names, or null; one lookup serves an address for CONNECTION_TTL_MS. */
  connection(connectionId: string, webhookKey: string): Promise<Connection | null> {
    const key = JSON.stringify([connectionId, webhookKey]);
    const now = Date.now();
    const known = this.lookups.get(key);
    if (known && now - known.at < CONNECTION_TTL_MS) return known.connection;
    for (const [k, v] of this.lookups) if (now - v.at >= CONNECTION_TTL_MS) this.lookups.delete(k);
    const connection = this.deps.store.connections.getByWebhookKey(connectionId, webhookKey);
    // A failed lookup is not remembered: the next delivery asks again.
    connection.catch(() => this.lookups.delete(key));
    this.lookups.set(key, { at: now, connection });
    return connection;
  }

  /**
   * Commits the event to the inbox (with whatever else is waiting to be written); resolves once it is durable.
   * `alone` tells whether it is so far the only delivery of its busy spell.
   */
  async commit(event: NewInboxEvent): Promise<Committed & { alone: boolean }> {
    const now = Date.now();
    if (now - this.lastArrival >= LANE_QUIET_MS) {
      this.spellSince = now;
      this.spellArrivals = 0;
    }
    this.lastArrival = now;
    this.spellArrivals += 1;
    const committed = await new Promise<Committed>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      this.kickWriter();
    });
    return { ...committed, alone: this.spellArrivals === 1 };
  }

  /**
   * Hands a committed event to the queue on the background lane; `done` resolves once it is queued (never rejects:
   * a failure is logged and left to the inbox sweep). With `urgent`, it does not wait for arrivals to pause.
   */
  handOff(event: InboxEvent, urgent: boolean): Promise<void> {
    const done = new Promise<void>((resolve) => this.lane.push({ event, urgent, done: resolve }));
    this.kickLane();
    return done;
  }

  /** True when nothing is queued on the lane or being handed off. */
  get laneIdle(): boolean {
    return this.lane.length === 0 && !this.dispatching;
  }

  /** Resolves once nothing is being written or handed off (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.writing || this.draining) await Promise.all([this.writing, this.draining]);
  }

  private kickWriter(): void {
    if (this.writing) return;
    this.writing = this.write().finally(() => {
      this.writing = null;
      if (this.pending.length > 0) this.kickWriter();
    });
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0) {
      if (this.spellArrivals > 1 && this.pending.length < this.maxBatch) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      const batch = this.pending.splice(0, this.maxBatch);
      let results: Committed[];
      try {
        results = await this.deps.store.inbox.insertMany(batch.map((p) => p.event));
      } catch (error) {
        // An event the store refuses must not fail the deliveries written with it: write those one by one.
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const p of batch) await this.deps.store.inbox.insert(p.event).then(p.resolve, p.reject);
        continue;
      }
      batch.forEach((p, i) => p.resolve(results[i]!));
    }
  }

  private kickLane(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.lane.length > 0) this.kickLane();
    });
  }

  /** Waits for a pause in arrivals, at most until LANE_YIELD_MS into the current busy spell. */
  private async yieldToArrivals(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const quietIn = this.lastArrival + LANE_QUIET_MS - now;
      const capIn = this.spellSince + LANE_YIELD_MS - now;
      if (quietIn <= 0 || capIn <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietIn, capIn)));
    }
  }

  private async drain(): Promise<void> {
    for (let next = this.lane.shift(); next; next = this.lane.shift()) {
      this.dispatching = true;
      try {
        if (!next.urgent) {
          // PGlite answers on the microtask queue: a chain of hand-offs would never let the event loop read a new
          // request or fire the writer's timer. One turn of the loop between hand-offs lets them in.
          await new Promise((resolve) => setImmediate(resolve));
          await this.yieldToArrivals();
        }
        await dispatchEvent(this.deps, next.event);
      } catch (error) {
        // The event is committed; the inbox sweep hands it over later.
        this.deps.logger.error({ eventId: next.event.id, err: error instanceof Error ? error.message : String(error) }, 'enqueue failed; the sweeper will retry');
      } finally {
        this.dispatching = false;
        next.done();
      }
    }
  }
}
