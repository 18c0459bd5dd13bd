/**
 * Fault switches a test flips to make a simulator misbehave the way the real service sometimes does.
 * Faults match requests by path prefix (and optionally method) and can be limited to a number of hits.
 */
export interface FaultRule {
  /** Matches when the request path starts with this ('' matches all). */
  pathPrefix?: string;
  method?: string;
  /** Answer with this status instead of the real handler (e.g. 500, 503, 429). */
  status?: number;
  /** Body to send with `status`; a JSON value. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Add this many real milliseconds before answering. */
  latencyMs?: number;
  /** Never answer; the socket is destroyed after `latencyMs` (or 30 s). Models a timeout. */
  hang?: boolean;
  /** Run the real handler, then wait this many real ms before answering (the work is done; the answer is late). */
  delayResponseMs?: number;
  /** Run the real handler, then drop the connection before the response: the outcome is unknown to the caller. */
  dropAfterHandling?: boolean;
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /**
   * Seed for this rule's own random stream (used with `rate`): the same seed hits the same positions in the
   * sequence of requests the rule sees, so a failing run can be replayed. Without it, the box's source is used.
   */
  seed?: number;
  /** Hit at most this many requests, then the rule retires. */
  times?: number;
}

export interface ActiveFault extends FaultRule {
  id: number;
  hits: number;
  /** Requests that matched path, method and `times` and drew a number against `rate`. */
  seen: number;
}

/** mulberry32: a small, fast, well-spread 32-bit PRNG; returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultBox {
  private rules: ActiveFault[] = [];
  private streams = new Map<number, () => number>();
  private nextId = 1;
  private random: () => number;

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ ...rule, id, hits: 0, seen: 0 });
    if (rule.seed !== undefined) this.streams.set(id, seededRandom(rule.seed));
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
    this.streams.delete(id);
  }

  clear(): void {
    this.rules = [];
    this.streams.clear();
  }

  list(): readonly ActiveFault[] {
    return this.rules;
  }

  /** Returns the rule that hits this request, counting it, or undefined. */
  match(method: string, path: string): ActiveFault | undefined {
    for (const rule of this.rules) {
      if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.times !== undefined && rule.hits >= rule.times) continue;
      if (rule.rate !== undefined) {
        rule.seen += 1;
        if ((this.streams.get(rule.id) ?? this.random)() >= rule.rate) continue;
      }
      rule.hits += 1;
      return rule;
    }
    return undefined;
  }
}
