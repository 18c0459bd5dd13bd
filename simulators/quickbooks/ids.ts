/**
 * Identifier and token shapes. Realm ids are digit strings; sandbox ones are 19 digits here, above 2^53, so a
 * client that parses a realmId as a JS number corrupts it and fails its tests [mem: real sandbox realm ids run
 * 16-19 digits]. Access tokens look like the long dotted JWE strings Intuit issues; refresh tokens and codes
 * start with `AB11` [mem].
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

function digits(length: number): string {
  let out = String(randomInt(1, 10));
  for (let i = 1; i < length; i++) out += String(randomInt(10));
  return out;
}

export function realmId(environment: 'sandbox' | 'production'): string {
  return environment === 'sandbox' ? `462081636${digits(10)}` : `9130${digits(12)}`;
}

export function accessToken(): string {
  const b = (n: number) => randomBytes(n).toString('base64url');
  return `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${b(16)}.${b(600)}.${b(16)}`;
}

export function refreshToken(): string {
  return `AB11${digits(10)}${alnum(36)}`;
}

export function authCode(): string {
  return `AB11${digits(10)}${alnum(36)}`;
}

export function clientId(): string {
  return `AB${alnum(48)}`;
}

export function secret(length = 40): string {
  return alnum(length);
}

/** The `intuit_tid` response header: a per-request transaction id for Intuit support. */
export function intuitTid(): string {
  return `1-${randomBytes(4).toString('hex')}-${randomBytes(12).toString('hex')}`;
}

export function uuid(): string {
  return randomUUID();
}
