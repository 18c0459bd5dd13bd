/**
 * Access tokens, refreshed once (DESIGN.md §2.8): single-flight per connection inside this process (a shared
 * promise) and across processes (a lease, then a re-read: if another process already refreshed, its token
 * is used). New tokens are stored before they are used, because QuickBooks refresh tokens rotate. A dead
 * grant parks the connection as needs_reauth with the reason, and nothing else is tried.
 */
import { SyncError, isSyncError } from '../core/errors.ts';
import type { EngineDeps } from './deps.ts';
import type { Connection, HttpCall, TokenProvider } from './ports.ts';
import { holderId } from './with-lease.ts';

export class TokenManager {
  private inFlight = new Map<string, Promise<Connection>>();

  constructor(private readonly deps: EngineDeps) {}

  provider(connection: Connection, http: HttpCall): TokenProvider {
    let current = connection;
    const auth = this.deps.registry.auth(connection.system);
    const staticToken = (): string => {
      const token = connection.secrets.accessToken;
      if (!token) throw new SyncError('AUTH_REVOKED', `${connection.label} has no access token; reconnect it`);
      return token;
    };
    if (!auth) return { accessToken: async () => staticToken(), afterRejection: async () => staticToken() };

    return {
      accessToken: async () => {
        const due = auth.refreshDueAt(current);
        if (due && due.getTime() <= this.deps.clock.now().getTime()) {
          current = await this.refresh(current, auth.accessTokenOf(current), http);
        }
        const token = auth.accessTokenOf(current);
        if (!token) throw new SyncError('AUTH_REVOKED', `${current.label} has no access token; reconnect it`);
        return token;
      },
      afterRejection: async (rejected) => {
        current = await this.refresh(current, rejected, http);
        const token = auth.accessTokenOf(current);
        if (!token) throw new SyncError('AUTH_REVOKED', `${current.label} has no access token; reconnect it`);
        return token;
      },
    };
  }

  /** Refreshes unless someone already replaced `staleToken`. Exposed for the scheduler's refresh-ahead. */
  refresh(connection: Connection, staleToken: string | undefined, http: HttpCall): Promise<Connection> {
    const running = this.inFlight.get(connection.id);
    if (running) return running;
    const task = this.refreshAcrossProcesses(connection, staleToken, http).finally(() => this.inFlight.delete(connection.id));
    this.inFlight.set(connection.id, task);
    return task;
  }

  private async refreshAcrossProcesses(connection: Connection, staleToken: string | undefined, http: HttpCall): Promise<Connection> {
    const { store, leases, clock, registry } = this.deps;
    const auth = registry.auth(connection.system);
    if (!auth) return connection;
    const lease = `refresh:${connection.id}`;
    const holder = holderId(this.deps.ownerId);
    const deadline = clock.now().getTime() + 30_000;
    while (!(await leases.acquire(lease, holder, 60_000))) {
      // Another process is refreshing: wait for its token to land in the store.
      await clock.sleep(100);
      const latest = await store.connections.get(connection.tenantId, connection.id);
      if (latest && auth.accessTokenOf(latest) !== staleToken && !isDue(auth.refreshDueAt(latest), clock.now())) return latest;
      if (clock.now().getTime() > deadline) throw new SyncError('TRANSIENT', 'waited too long for another process to refresh the token');
    }
    try {
      const latest = await store.connections.get(connection.tenantId, connection.id);
      if (!latest) throw new SyncError('AUTH_REVOKED', 'the connection was removed');
      if (latest.status === 'needs_reauth') throw new SyncError('AUTH_REVOKED', latest.statusReason ?? `${latest.label} needs to be reconnected`);
      if (auth.accessTokenOf(latest) !== staleToken && !isDue(auth.refreshDueAt(latest), clock.now())) return latest;
      try {
        const tokens = await auth.refresh(latest, http);
        const updated = await store.connections.update(latest.tenantId, latest.id, {
          secrets: { ...latest.secrets, ...tokens.secrets },
          ...(tokens.config ? { config: { ...latest.config, ...tokens.config } } : {}),
          status: 'active',
          statusReason: null,
        });
        await store.audit.append({ tenantId: latest.tenantId, recordId: null, connectionId: latest.id, kind: 'step', step: 'token-refreshed', method: null, url: null, status: null, durationMs: null, error: null, detail: null });
        return updated;
      } catch (error) {
        if (isSyncError(error) && error.code === 'AUTH_REVOKED') {
          await store.connections.update(latest.tenantId, latest.id, { status: 'needs_reauth', statusReason: error.message });
          this.deps.logger.warn({ connectionId: latest.id, system: latest.system }, 'connection needs to be reconnected');
        }
        throw error;
      }
    } finally {
      await leases.release(lease, holder);
    }
  }
}

function isDue(due: Date | null, now: Date): boolean {
  return due !== null && due.getTime() <= now.getTime();
}
