/**
 * Builds the context a connector runs in for one job: every call audited against the record it serves, every
 * call to a target account drawn from that account's one shared budget (DESIGN.md §2.7), tokens from the
 * token manager. A 429 pauses the whole budget key, so every worker slows down, not just the one that hit it.
 */
import { SyncError } from '../core/errors.ts';
import { auditUrl } from '../core/redact.ts';
import type { EngineDeps } from './deps.ts';
import type { ApiRequest, Connection, ConnectorContext, HttpCall, SourceClient, TargetClient } from './ports.ts';
import type { TokenManager } from './token-manager.ts';

/** A budget wait longer than this gives the job back to the queue instead of holding a worker. */
const MAX_INLINE_WAIT_MS = 3_000;

export interface RuntimeScope {
  tenantId: string;
  recordId: string | null;
}

const FACTS_MEMO_MS = 60 * 60_000;

export class ConnectorRuntime {
  private readonly facts = new Map<string, { value: Promise<unknown>; until: number }>();

  constructor(
    private readonly deps: EngineDeps,
    private readonly tokens: TokenManager,
  ) {}

  source(connection: Connection, scope: RuntimeScope): SourceClient {
    return this.deps.registry.source(this.context(connection, scope));
  }

  /**
   * A target client whose currency lookups are remembered per connection (see `memo`): every invoice asks for its
   * currency, and a list call per order would spend the account's budget (Zoho: 100 a minute) on a fact that does
   * not change.
   */
  target(connection: Connection, scope: RuntimeScope): TargetClient {
    const client = this.deps.registry.target(this.context(connection, scope));
    const resolveCurrency = client.resolveCurrency.bind(client);
    client.resolveCurrency = (code) => this.memo(connection.id, `currency:${code}`, () => resolveCurrency(code));
    return client;
  }

  /**
   * Account facts that do not change within the hour (currencies, company settings), shared by every job of one
   * connection in this process. The promise itself is remembered, so jobs asking at the same moment share one call;
   * a failure is forgotten.
   */
  private memo<T>(connectionId: string, key: string, load: () => Promise<T>): Promise<T> {
    const slot = `${connectionId}:${key}`;
    const now = this.deps.clock.now().getTime();
    const known = this.facts.get(slot);
    if (known && known.until > now) return known.value as Promise<T>;
    const value = load();
    this.facts.set(slot, { value, until: now + FACTS_MEMO_MS });
    value.catch(() => this.facts.delete(slot));
    return value;
  }

  context(connection: Connection, scope: RuntimeScope): ConnectorContext {
    const http = this.http(connection, scope);
    return { connection, http, tokens: this.tokens.provider(connection, http), now: () => this.deps.clock.now(), memo: (key, load) => this.memo(connection.id, key, load) };
  }

  http(connection: Connection, scope: RuntimeScope): HttpCall {
    const { store, budget, registry, transport, clock } = this.deps;
    const limits = registry.budget(connection);
    return async (request: ApiRequest) => {
      if (limits) await this.takeBudget(limits.key, limits.rules);
      const started = clock.now().getTime();
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await transport(request);
        status = response.status;
        if (limits) await this.steerBudget(limits.key, response);
        return response;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        throw e;
      } finally {
        await store.audit.append({
          tenantId: scope.tenantId,
          recordId: scope.recordId,
          connectionId: connection.id,
          kind: 'api',
          step: request.op,
          method: request.method,
          url: auditUrl(request.url),
          status,
          durationMs: clock.now().getTime() - started,
          error,
          detail: null,
        });
      }
    };
  }

  /**
   * The server's own word beats our count: a 429 pauses the key for Retry-After (else a minute), and a
   * window the server says is spent (`X-Rate-Limit-Remaining: 0`, as ShipStation and Zoho send) pauses it
   * until `X-Rate-Limit-Reset` seconds from now, for every worker.
   */
  private async steerBudget(key: string, response: { status: number; headers: Record<string, string> }): Promise<void> {
    const retryAfter = Number(response.headers['retry-after']);
    const reset = Number(response.headers['x-rate-limit-reset']);
    if (response.status === 429) {
      await this.deps.budget.pause(key, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : Number.isFinite(reset) && reset > 0 ? reset * 1000 : 60_000);
    } else if (response.headers['x-rate-limit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
      await this.deps.budget.pause(key, reset * 1000);
    }
  }

  private async takeBudget(key: string, rules: Parameters<EngineDeps['budget']['take']>[1]): Promise<void> {
    let waited = 0;
    for (;;) {
      const waitMs = await this.deps.budget.take(key, rules);
      if (waitMs <= 0) return;
      if (waited + waitMs > MAX_INLINE_WAIT_MS) {
        throw new SyncError('RATE_LIMITED', `the shared budget for ${key} is spent`, { retryAfterMs: waitMs });
      }
      await this.deps.clock.sleep(waitMs);
      waited += waitMs;
    }
  }
}
