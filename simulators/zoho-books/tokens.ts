/**
 * Zoho Accounts token bookkeeping and its limits (api notes §1.3-§1.8): single-use grant codes, refresh
 * tokens capped per user+client and per minute, access tokens capped per refresh token per window and in
 * number alive. Every token belongs to one data centre and is unknown to the others.
 */
import type { ZohoSimConfig } from './config.ts';
import type { DataCentre } from './data-centres.ts';
import { zohoToken } from './ids.ts';

export interface GrantCode {
  code: string;
  clientId: string;
  userId: string;
  dc: DataCentre;
  redirectUri: string;
  scopes: string[];
  /** Offline access on a first (or forced) consent returns a refresh token. */
  issueRefresh: boolean;
  expiresAt: number;
  used: boolean;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  userId: string;
  dc: DataCentre;
  scopes: string[];
  createdAt: number;
  revoked: boolean;
  /** When each access token was minted by the refresh grant, for the 10-per-10-minutes budget. */
  refreshGrants: number[];
}

export interface AccessTokenRecord {
  token: string;
  clientId: string;
  userId: string;
  dc: DataCentre;
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  refreshToken: string | undefined;
  revoked: boolean;
}

export interface TokenFilter {
  userId?: string;
  clientId?: string;
  dc?: DataCentre;
  /** A specific refresh or access token. */
  token?: string;
}

export type Minted<T> = { ok: true; value: T } | { ok: false; reason: 'throttled' };

export class TokenStore {
  readonly codes = new Map<string, GrantCode>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  /** Scopes each user has consented to per client: decides whether a refresh token comes back. */
  private readonly consents = new Map<string, Set<string>>();
  private readonly refreshMints = new Map<string, number[]>();

  constructor(private readonly config: () => ZohoSimConfig) {}

  /** Records consent and says whether this consent is a "first" one (new scopes or forced). */
  consent(userId: string, clientId: string, scopes: string[], forced: boolean): boolean {
    const key = `${userId}|${clientId}`;
    const known = this.consents.get(key);
    const fresh = !known || scopes.some((s) => !known.has(s.toLowerCase()));
    const set = known ?? new Set<string>();
    for (const s of scopes) set.add(s.toLowerCase());
    this.consents.set(key, set);
    return fresh || forced;
  }

  issueCode(input: Omit<GrantCode, 'code' | 'expiresAt' | 'used'>, now: number): GrantCode {
    const record: GrantCode = { ...input, code: zohoToken(), expiresAt: now + this.config().grantCodeTtlMs, used: false };
    this.codes.set(record.code, record);
    return record;
  }

  /** A code usable at this DC's token endpoint, or undefined (unknown, used, expired or other DC). */
  usableCode(code: string, dc: DataCentre, now: number): GrantCode | undefined {
    const record = this.codes.get(code);
    if (!record || record.used || record.dc !== dc || now >= record.expiresAt) return undefined;
    return record;
  }

  mintRefreshToken(base: { clientId: string; userId: string; dc: DataCentre; scopes: string[] }, now: number): Minted<RefreshTokenRecord> {
    const cfg = this.config();
    const key = `${base.userId}|${base.clientId}`;
    const recent = (this.refreshMints.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= cfg.refreshTokensPerMinute) return { ok: false, reason: 'throttled' };
    const live = [...this.refreshTokens.values()]
      .filter((r) => !r.revoked && r.userId === base.userId && r.clientId === base.clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
    if (live.length >= cfg.refreshTokensPerUserClient) {
      if (cfg.refreshTokenCapMode === 'deny') return { ok: false, reason: 'throttled' };
      // The 21st silently deletes the oldest (api notes §1.8); its access tokens die with it.
      for (const old of live.slice(0, live.length - cfg.refreshTokensPerUserClient + 1)) this.revokeRefresh(old);
    }
    recent.push(now);
    this.refreshMints.set(key, recent);
    const record: RefreshTokenRecord = { ...base, token: zohoToken(), createdAt: now, revoked: false, refreshGrants: [] };
    this.refreshTokens.set(record.token, record);
    return { ok: true, value: record };
  }

  /** The refresh grant: counts against the refresh token's window budget. */
  refreshAccessToken(refresh: RefreshTokenRecord, now: number): Minted<AccessTokenRecord> {
    const cfg = this.config();
    refresh.refreshGrants = refresh.refreshGrants.filter((t) => now - t < cfg.accessTokenWindowMs);
    if (refresh.refreshGrants.length >= cfg.accessTokensPerRefreshWindow) return { ok: false, reason: 'throttled' };
    refresh.refreshGrants.push(now);
    return { ok: true, value: this.mintAccessToken(refresh, refresh, now) };
  }

  mintAccessToken(
    base: { clientId: string; userId: string; dc: DataCentre; scopes: string[] },
    refresh: RefreshTokenRecord | undefined,
    now: number,
  ): AccessTokenRecord {
    const cfg = this.config();
    if (refresh) {
      const live = [...this.accessTokens.values()]
        .filter((a) => a.refreshToken === refresh.token && !a.revoked && a.expiresAt > now)
        .sort((a, b) => a.createdAt - b.createdAt);
      for (const old of live.slice(0, Math.max(0, live.length - cfg.liveAccessTokensPerRefreshToken + 1))) old.revoked = true;
    }
    const record: AccessTokenRecord = {
      token: zohoToken(),
      clientId: base.clientId,
      userId: base.userId,
      dc: base.dc,
      scopes: [...base.scopes],
      createdAt: now,
      expiresAt: now + cfg.accessTokenTtlSec * 1000,
      refreshToken: refresh?.token,
      revoked: false,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  liveRefreshToken(token: string, dc: DataCentre): RefreshTokenRecord | undefined {
    const record = this.refreshTokens.get(token);
    return record && !record.revoked && record.dc === dc ? record : undefined;
  }

  liveAccessToken(token: string, dc: DataCentre, now: number): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    return record && !record.revoked && record.dc === dc && now < record.expiresAt ? record : undefined;
  }

  revokeRefresh(record: RefreshTokenRecord): void {
    record.revoked = true;
    for (const access of this.accessTokens.values()) if (access.refreshToken === record.token) access.revoked = true;
  }

  /** Revokes refresh tokens (and their access tokens) and access tokens matching the filter. */
  revokeWhere(filter: TokenFilter): number {
    let count = 0;
    for (const r of this.refreshTokens.values()) {
      if (!r.revoked && matches(r, filter)) {
        this.revokeRefresh(r);
        count++;
      }
    }
    for (const a of this.accessTokens.values()) {
      if (!a.revoked && matches(a, filter)) {
        a.revoked = true;
        count++;
      }
    }
    return count;
  }

  /** Makes matching access tokens expire now (refresh tokens stay valid). */
  expireWhere(filter: TokenFilter, now: number): number {
    let count = 0;
    for (const a of this.accessTokens.values()) {
      if (!a.revoked && a.expiresAt > now && (matches(a, filter) || (filter.token !== undefined && a.refreshToken === filter.token))) {
        a.expiresAt = now;
        count++;
      }
    }
    return count;
  }

  reset(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.consents.clear();
    this.refreshMints.clear();
  }
}

function matches(record: { token: string; userId: string; clientId: string; dc: DataCentre }, filter: TokenFilter): boolean {
  if (filter.token !== undefined && record.token !== filter.token) return false;
  if (filter.userId !== undefined && record.userId !== filter.userId) return false;
  if (filter.clientId !== undefined && record.clientId !== filter.clientId) return false;
  if (filter.dc !== undefined && record.dc !== filter.dc) return false;
  return true;
}
