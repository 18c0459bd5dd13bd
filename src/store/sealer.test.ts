import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSealer, keyIdOf, loadOrCreateSecretKey, SealError } from './sealer.ts';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);
const secrets = { refreshToken: '1000.abcdef.refresh', clientSecret: 'zoho-client-secret' };

describe('sealer', () => {
  it('round-trips JSON and never shows the plaintext', () => {
    const sealer = createSealer({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = sealer.seal(secrets);
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    for (const text of ['1000.abcdef.refresh', 'zoho-client-secret', 'refreshToken', Buffer.from('refreshToken').toString('base64')]) expect(sealed).not.toContain(text);
    expect(sealer.unseal(sealed)).toEqual(secrets);
    // A fresh IV every time: equal inputs give different outputs.
    expect(sealer.seal(secrets)).not.toBe(sealed);
  });

  it('detects tampering with the ciphertext, the tag, the key id or the context', () => {
    const sealer = createSealer({ keys: { k1, k2 }, activeKeyId: 'k1' });
    const sealed = sealer.seal(secrets, 'connection:c1');
    const [v, keyId, iv, tag, ct] = sealed.split(':') as [string, string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64');
    };
    expect(() => sealer.unseal([v, keyId, iv, tag, flip(ct)].join(':'), 'connection:c1')).toThrow(/failed authentication/);
    expect(() => sealer.unseal([v, keyId, iv, flip(tag), ct].join(':'), 'connection:c1')).toThrow(/failed authentication/);
    expect(() => sealer.unseal([v, 'k2', iv, tag, ct].join(':'), 'connection:c1')).toThrow(/failed authentication/);
    expect(() => sealer.unseal(sealed, 'connection:c2')).toThrow(/failed authentication/);
    expect(() => sealer.unseal(sealed)).toThrow(SealError);
    expect(() => sealer.unseal('plain text')).toThrow(/not a sealed value/);
    expect(() => sealer.unseal(`v1:k1:${iv}:AAAA:${ct}`)).toThrow(/malformed/);
    expect(sealer.unseal(sealed, 'connection:c1')).toEqual(secrets);
  });

  it('errors never carry the plaintext or the key', () => {
    const sealer = createSealer({ keys: { k1 }, activeKeyId: 'k1' });
    const sealed = sealer.seal(secrets);
    try {
      sealer.unseal(sealed.slice(0, -4) + 'AAAA');
      expect.unreachable();
    } catch (error) {
      const text = `${String(error)} ${JSON.stringify(error)}`;
      expect(text).not.toContain('zoho-client-secret');
      expect(text).not.toContain(k1.toString('base64'));
    }
  });

  it('rotates keys: seals with the active key, unseals with any known one, names unknown ones', () => {
    const old = createSealer({ keys: { k1 }, activeKeyId: 'k1' });
    const sealedOld = old.seal(secrets);
    const rotated = createSealer({ keys: { k1, k2 }, activeKeyId: 'k2' });
    expect(rotated.unseal(sealedOld)).toEqual(secrets);
    expect(rotated.needsReseal(sealedOld)).toBe(true);
    const sealedNew = rotated.seal(rotated.unseal(sealedOld));
    expect(sealedNew.startsWith('v1:k2:')).toBe(true);
    expect(rotated.needsReseal(sealedNew)).toBe(false);
    expect(() => old.unseal(sealedNew)).toThrow(/unknown key id "k2"/);
  });

  it('refuses bad configuration', () => {
    expect(() => createSealer({ keys: { k1: Buffer.alloc(16) }, activeKeyId: 'k1' })).toThrow(/32 bytes/);
    expect(() => createSealer({ keys: { k1 }, activeKeyId: 'k9' })).toThrow(/not among/);
    expect(() => createSealer({ keys: { 'bad:id': k1 }, activeKeyId: 'bad:id' })).toThrow(/invalid key id/);
  });
});

describe('loadOrCreateSecretKey', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-key-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('takes the key from the environment as base64 or hex', () => {
    const key = Buffer.alloc(32, 9);
    const dataDir = tempDir();
    expect(loadOrCreateSecretKey({ envValue: key.toString('base64'), dataDir }).key).toEqual(key);
    expect(loadOrCreateSecretKey({ envValue: key.toString('hex'), dataDir }).key).toEqual(key);
    expect(loadOrCreateSecretKey({ envValue: key.toString('base64url'), dataDir })).toMatchObject({ source: 'env', keyId: keyIdOf(key) });
  });

  it('refuses an environment key of the wrong length without echoing it', () => {
    const short = Buffer.alloc(16, 3).toString('base64');
    expect(() => loadOrCreateSecretKey({ envValue: short, dataDir: tempDir(), envName: 'ML_SECRET_KEY' })).toThrow(/ML_SECRET_KEY must encode exactly 32 bytes.*got 16/);
    try {
      loadOrCreateSecretKey({ envValue: short, dataDir: tempDir() });
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
    expect(() => loadOrCreateSecretKey({ envValue: 'not a key!', dataDir: tempDir() })).toThrow(/neither hex nor base64/);
  });

  it('creates <dataDir>/secret.key with mode 0600 once, then reads the same key', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const created = loadOrCreateSecretKey({ dataDir });
    expect(created.source).toBe('file');
    expect(created.key).toHaveLength(32);
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretKey({ dataDir }).key).toEqual(created.key);
    expect(loadOrCreateSecretKey({ dataDir, envValue: '' }).keyId).toBe(created.keyId);
    expect(readFileSync(file, 'utf8').trim()).toBe(created.key.toString('base64'));
  });

  it('refuses a corrupt key file', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'secret.key'), 'c2hvcnQ=\n', { mode: 0o600 });
    expect(() => loadOrCreateSecretKey({ dataDir })).toThrow(/secret\.key must encode exactly 32 bytes/);
  });
});
