/**
 * Secrets at rest (DESIGN.md §2.11): AES-256-GCM, one fresh 96-bit IV per value, and the key id in the output so
 * keys can rotate: seal with the active key, unseal with whichever key the value names.
 *
 *   v1:<keyId>:<iv base64>:<tag base64>:<ciphertext base64>
 *
 * The version and key id are bound as additional authenticated data (plus an optional caller context such as the
 * connection id), so a value cannot be relabelled or moved to another row without failing authentication.
 * Errors never carry plaintext or key material.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class SealError extends Error {
  override name = 'SealError';
}

export interface Sealer {
  readonly activeKeyId: string;
  /** Seals a JSON-serialisable value. `context` (e.g. a connection id) must be given again to unseal. */
  seal(value: unknown, context?: string): string;
  unseal<T = unknown>(sealed: string, context?: string): T;
  /** True when `sealed` was made with a key other than the active one (re-seal it to finish a rotation). */
  needsReseal(sealed: string): boolean;
}

export function createSealer(options: { keys: Record<string, Buffer>; activeKeyId: string }): Sealer {
  const keys = new Map<string, Buffer>();
  for (const [keyId, key] of Object.entries(options.keys)) {
    if (!KEY_ID.test(keyId)) throw new SealError(`invalid key id "${keyId}": use 1-64 letters, digits, _ or -`);
    if (key.length !== KEY_BYTES) throw new SealError(`key "${keyId}" must be ${KEY_BYTES} bytes, got ${key.length}`);
    keys.set(keyId, Buffer.from(key));
  }
  const activeKey = keys.get(options.activeKeyId);
  if (!activeKey) throw new SealError(`active key id "${options.activeKeyId}" is not among the configured keys`);

  const aad = (keyId: string, context: string | undefined) => Buffer.from(`${VERSION}:${keyId}:${context ?? ''}`, 'utf8');

  return {
    activeKeyId: options.activeKeyId,
    seal(value, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', activeKey, iv);
      cipher.setAAD(aad(options.activeKeyId, context));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value ?? null), 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, options.activeKeyId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
    },
    unseal<T>(sealed: string, context?: string): T {
      const { keyId, iv, tag, ciphertext } = parse(sealed);
      const key = keys.get(keyId);
      if (!key) throw new SealError(`sealed value uses unknown key id "${keyId}"; configure that key to read it`);
      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(aad(keyId, context));
        decipher.setAuthTag(tag);
        plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new SealError(`sealed value failed authentication with key id "${keyId}" (tampered, wrong key or wrong context)`, { cause: error });
      }
      return JSON.parse(plaintext) as T;
    },
    needsReseal(sealed) {
      return parse(sealed).keyId !== options.activeKeyId;
    },
  };
}

function parse(sealed: string): { keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = sealed.split(':');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SealError(`not a sealed value (expected ${VERSION}:<keyId>:<iv>:<tag>:<ciphertext>)`);
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  const ivBytes = Buffer.from(iv, 'base64');
  const tagBytes = Buffer.from(tag, 'base64');
  if (!KEY_ID.test(keyId) || ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SealError('malformed sealed value');
  return { keyId, iv: ivBytes, tag: tagBytes, ciphertext: Buffer.from(ciphertext, 'base64') };
}

/** A stable, non-secret name for a key: `k` + the first 12 hex digits of its SHA-256. */
export function keyIdOf(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Decodes a 32-byte key given as 64 hex digits or base64 (standard or url-safe). Never echoes the value. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : null;
  if (!key) throw new SealError(`${source} is neither hex nor base64; it must encode exactly ${KEY_BYTES} bytes`);
  if (key.length !== KEY_BYTES) throw new SealError(`${source} must encode exactly ${KEY_BYTES} bytes (base64 or 64 hex digits), got ${key.length} bytes`);
  return key;
}

export interface SecretKey {
  keyId: string;
  key: Buffer;
  source: 'env' | 'file';
  /** The key file, when the key came from (or was written to) the data directory. */
  path?: string;
}

/**
 * The install's sealing key: `envValue` (e.g. ML_CONNECTOR_SECRET_KEY) when set, else `<dataDir>/secret.key`,
 * created on first start. The file is born with mode 0600 (never chmod-ed after the fact) and published with a
 * hard link, which fails if another process won the race, so nobody ever reads a half-written key.
 */
export function loadOrCreateSecretKey(options: { envValue?: string | undefined; dataDir: string; envName?: string }): SecretKey {
  if (options.envValue !== undefined && options.envValue.trim() !== '') {
    const key = parseSecretKey(options.envValue, options.envName ?? 'the secret key variable');
    return { keyId: keyIdOf(key), key, source: 'env' };
  }
  const path = join(options.dataDir, 'secret.key');
  const existing = readKeyFile(path);
  if (existing) return { keyId: keyIdOf(existing), key: existing, source: 'file', path };

  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process created it first: theirs is the key.
  } finally {
    unlinkSync(temp);
  }
  const stored = readKeyFile(path);
  if (!stored) throw new SealError(`could not read ${path} after creating it`);
  return { keyId: keyIdOf(stored), key: stored, source: 'file', path };
}

function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseSecretKey(text, path);
}
