import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '../../tests/support/test-db.ts';
import { issueTenantToken, publicToken, tenantOfToken, tokenParts } from './tenant-tokens.ts';

let t: TestStore;
beforeAll(async () => {
  t = await openTestStore();
});
afterAll(async () => t?.close());

describe('tenant tokens', () => {
  it('a token speaks for its tenant until revoked; the store keeps a hash, the public view not even that', async () => {
    const a = await t.store.tenants.create({ name: 'a' });
    const b = await t.store.tenants.create({ name: 'b' });
    const issued = await issueTenantToken(t.store, a.id, 'ci');
    const other = await issueTenantToken(t.store, b.id, 'ci');
    expect(await tenantOfToken(t.store, issued.token)).toBe(a.id);
    expect(await tenantOfToken(t.store, other.token)).toBe(b.id);
    const { secret } = tokenParts(issued.token)!;
    expect(JSON.stringify(issued.record)).not.toContain(secret);
    expect(Object.keys(publicToken(issued.record))).not.toContain('secretHash');

    // Another tenant cannot revoke it; its own tenant can, and revoking twice keeps the first instant.
    expect(await t.store.tenantTokens.revoke(b.id, issued.record.id)).toBeNull();
    const revoked = await t.store.tenantTokens.revoke(a.id, issued.record.id);
    expect(revoked?.revokedAt).not.toBeNull();
    expect((await t.store.tenantTokens.revoke(a.id, issued.record.id))?.revokedAt).toBe(revoked?.revokedAt);
    expect(await tenantOfToken(t.store, issued.token)).toBeNull();
    expect(await tenantOfToken(t.store, other.token)).toBe(b.id);
  });

  it('anything malformed, unknown or grafted opens nothing', async () => {
    const a = await t.store.tenants.create({ name: 'c' });
    const b = await t.store.tenants.create({ name: 'd' });
    const ta = await issueTenantToken(t.store, a.id, 'x');
    const tb = await issueTenantToken(t.store, b.id, 'x');
    const { id: idA } = tokenParts(ta.token)!;
    const { secret: secretB } = tokenParts(tb.token)!;
    for (const bad of ['', 'mlt_', ta.token.slice(0, -1), `${ta.token}x`, `mlt_${idA}_${secretB}`, ta.token.replace('mlt_', 'mlc_'), `mlt_${'f'.repeat(16)}_${secretB}`]) {
      expect(await tenantOfToken(t.store, bad), bad).toBeNull();
    }
  });
});
