/**
 * Tokens are refreshed once (DESIGN.md §2.8): concurrent rejections in one process and in two engines
 * sharing one database cause a single refresh; the new token is stored before it is used; a dead grant
 * parks the connection as needs_reauth with the reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SyncError } from '../../src/core/errors.ts';
import type { AuthFlow, Connection } from '../../src/sync/ports.ts';
import { openTestStore, type TestStore } from '../support/test-db.ts';
import { engineOn } from './support.ts';

let db: TestStore;
beforeAll(async () => {
  db = await openTestStore();
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

function countingAuth(behaviour: 'ok' | 'revoked' = 'ok') {
  let refreshes = 0;
  const auth: AuthFlow = {
    refreshDueAt: (c) => (c.secrets.expiresAt ? new Date(c.secrets.expiresAt) : null),
    accessTokenOf: (c) => c.secrets.accessToken,
    async refresh() {
      refreshes += 1;
      await new Promise((r) => setTimeout(r, 50));
      if (behaviour === 'revoked') throw new SyncError('AUTH_REVOKED', 'Zoho answered invalid_code: the refresh token was revoked');
      return { secrets: { accessToken: `token-${refreshes}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() } };
    },
  };
  return { auth, refreshes: () => refreshes };
}

async function connection(): Promise<Connection> {
  const tenant = await db.store.tenants.create({ name: 't' });
  return db.store.connections.create({ tenantId: tenant.id, system: 'zoho-books', role: 'target', label: 'Zoho Books', config: {}, secrets: { accessToken: 'token-0', refreshToken: 'r', expiresAt: new Date(Date.now() + 3_600_000).toISOString() } });
}

const noHttp = async () => {
  throw new Error('no http in this test');
};

describe('token refresh', () => {
  it('ten concurrent rejections in one process refresh once', async () => {
    const { auth, refreshes } = countingAuth();
    const engine = engineOn(db, { auth: () => auth }, noHttp);
    const conn = await connection();
    const provider = engine.tokens.provider(conn, noHttp);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.afterRejection('token-0')));
    expect(refreshes()).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect((await db.store.connections.get(conn.tenantId, conn.id))?.secrets.accessToken).toBe('token-1');
  });

  it('two engines (two processes) racing on one connection refresh once', async () => {
    const a = countingAuth();
    const b = countingAuth();
    const conn = await connection();
    const engineA = engineOn(db, { auth: () => a.auth }, noHttp, 'process-a');
    const engineB = engineOn(db, { auth: () => b.auth }, noHttp, 'process-b');
    const [ta, tb] = await Promise.all([
      engineA.tokens.provider(conn, noHttp).afterRejection('token-0'),
      engineB.tokens.provider(conn, noHttp).afterRejection('token-0'),
    ]);
    expect(a.refreshes() + b.refreshes()).toBe(1);
    expect(ta).toBe(tb);
  });

  it('refreshes ahead of expiry without waiting for a rejection', async () => {
    const { auth, refreshes } = countingAuth();
    const engine = engineOn(db, { auth: () => auth }, noHttp);
    const conn = await connection();
    const due = await db.store.connections.update(conn.tenantId, conn.id, { secrets: { ...conn.secrets, expiresAt: new Date(Date.now() - 1000).toISOString() } });
    expect(await engine.tokens.provider(due, noHttp).accessToken()).toBe('token-1');
    expect(refreshes()).toBe(1);
  });

  it('a revoked grant parks the connection as needs_reauth with the reason', async () => {
    const { auth } = countingAuth('revoked');
    const engine = engineOn(db, { auth: () => auth }, noHttp);
    const conn = await connection();
    await expect(engine.tokens.provider(conn, noHttp).afterRejection('token-0')).rejects.toMatchObject({ code: 'AUTH_REVOKED' });
    const parked = await db.store.connections.get(conn.tenantId, conn.id);
    expect(parked?.status).toBe('needs_reauth');
    expect(parked?.statusReason).toMatch(/revoked/);
  });
});
