/**
 * Intuit OAuth bookkeeping (api notes §1): registered apps (one key pair per environment), single-use
 * authorization codes, grants (one authorization of an app for a realm, capped at five years), rotating refresh
 * tokens with a rolling 100-day life, and one-hour access tokens. Pure state; oauth.ts speaks HTTP.
 */
import type { QboSimConfig } from './config.ts';
import { accessToken, authCode, refreshToken, uuid } from './ids.ts';

export type Environment = 'sandbox' | 'production';
export type WebhookFormat = 'legacy' | 'cloudevents';

export interface AppRecord {
  clientId: string;
  clientSecret: string;
  name: string;
  environment: Environment;
  redirectUris: string[];
  /** Webhook verifier token from the developer portal: the HMAC key, not the client secret. */
  verifierToken: string;
  webhookUrl: string | undefined;
  /** Entity names the app subscribed to; undefined = all. */
  webhookEntities: string[] | undefined;
  webhookFormat: WebhookFormat;
}

export interface CodeRecord {
  code: string;
  clientId: string;
  realmId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface GrantRecord {
  id: string;
  clientId: string;
  realmId: string;
  scopes: string[];
  createdAt: number;
  hardExpiresAt: number;
  revoked: boolean;
}

export interface RefreshRecord {
  token: string;
  grantId: string;
  issuedAt: number;
  /** Rolling expiry, never beyond the grant's hard expiry. */
  expiresAt: number;
  /** The newer token a refresh with this one returned. */
  successor: string | undefined;
  supersededAt: number | undefined;
  /** Presented at the token endpoint at least once. */
  used: boolean;
}

export interface AccessRecord {
  token: string;
  grantId: string;
  issuedAt: number;
  expiresAt: number;
}

export interface TokenFilter {
  clientId?: string;
  realmId?: string;
  /** An access or refresh token. */
  token?: string;
}

export type RefreshOutcome =
  | { ok: true; access: AccessRecord; refresh: RefreshRecord; grant: GrantRecord }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'superseded' | 'wrong-client' };

export class TokenStore {
  readonly apps = new Map<string, AppRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly grants = new Map<string, GrantRecord>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  readonly accessTokens = new Map<string, AccessRecord>();

  constructor(private readonly config: () => QboSimConfig) {}

  issueCode(input: Omit<CodeRecord, 'code' | 'expiresAt' | 'used'>, now: number): CodeRecord {
    const record: CodeRecord = { ...input, code: authCode(), expiresAt: now + this.config().authCodeTtlSec * 1000, used: false };
    this.codes.set(record.code, record);
    return record;
  }

  /** A new grant with its first token pair (code exchange, or `connect` in process). */
  openGrant(clientId: string, realmId: string, scopes: string[], now: number): { grant: GrantRecord; access: AccessRecord; refresh: RefreshRecord } {
    const grant: GrantRecord = {
      id: uuid(),
      clientId,
      realmId,
      scopes: [...scopes],
      createdAt: now,
      hardExpiresAt: now + this.config().refreshTokenHardTtlSec * 1000,
      revoked: false,
    };
    this.grants.set(grant.id, grant);
    return { grant, access: this.mintAccess(grant, now), refresh: this.mintRefresh(grant, now) };
  }

  private mintAccess(grant: GrantRecord, now: number): AccessRecord {
    const record: AccessRecord = { token: accessToken(), grantId: grant.id, issuedAt: now, expiresAt: now + this.config().accessTokenTtlSec * 1000 };
    this.accessTokens.set(record.token, record);
    return record;
  }

  private mintRefresh(grant: GrantRecord, now: number): RefreshRecord {
    const record: RefreshRecord = {
      token: refreshToken(),
      grantId: grant.id,
      issuedAt: now,
      expiresAt: Math.min(now + this.config().refreshTokenTtlSec * 1000, grant.hardExpiresAt),
      successor: undefined,
      supersededAt: undefined,
      used: false,
    };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  /**
   * The refresh grant. The latest token returns a new token (rotation) or itself with its rolling life extended.
   * A superseded token keeps working, answering with the same successor, until that successor has been used
   * (or the superseded-token TTL passes); afterwards it is invalid_grant.
   */
  refresh(token: string, clientId: string, now: number): RefreshOutcome {
    const cfg = this.config();
    const record = this.refreshTokens.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    const grant = this.grants.get(record.grantId);
    if (!grant || grant.revoked) return { ok: false, reason: 'revoked' };
    if (grant.clientId !== clientId) return { ok: false, reason: 'wrong-client' };
    if (now >= grant.hardExpiresAt || now >= record.expiresAt) return { ok: false, reason: 'expired' };

    if (record.successor !== undefined) {
      const successor = this.refreshTokens.get(record.successor);
      const graceOver = record.supersededAt !== undefined && now >= record.supersededAt + cfg.supersededRefreshTokenTtlSec * 1000;
      if (!successor || cfg.supersededRefreshToken === 'immediately' || successor.used || graceOver) return { ok: false, reason: 'superseded' };
      record.used = true;
      return { ok: true, access: this.mintAccess(grant, now), refresh: successor, grant };
    }

    record.used = true;
    const rotate = now - record.issuedAt >= cfg.rotateRefreshTokenAfterSec * 1000;
    let current = record;
    if (rotate) {
      current = this.mintRefresh(grant, now);
      record.successor = current.token;
      record.supersededAt = now;
    } else {
      record.expiresAt = Math.min(now + cfg.refreshTokenTtlSec * 1000, grant.hardExpiresAt);
    }
    return { ok: true, access: this.mintAccess(grant, now), refresh: current, grant };
  }

  /** The grant behind a live access token, or why it is not live. */
  checkAccess(token: string, now: number): { ok: true; grant: GrantRecord; access: AccessRecord } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' } {
    const access = this.accessTokens.get(token);
    if (!access) return { ok: false, reason: 'unknown' };
    const grant = this.grants.get(access.grantId);
    if (!grant || grant.revoked) return { ok: false, reason: 'revoked' };
    if (now >= access.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, grant, access };
  }

  /** The grant an access or refresh token belongs to. */
  grantOf(token: string): GrantRecord | undefined {
    const id = this.accessTokens.get(token)?.grantId ?? this.refreshTokens.get(token)?.grantId;
    return id === undefined ? undefined : this.grants.get(id);
  }

  /** Revoking disconnects the app from the company: every grant of that app+realm dies [mem]. */
  disconnect(clientId: string, realmId: string): number {
    let count = 0;
    for (const g of this.grants.values()) {
      if (!g.revoked && g.clientId === clientId && g.realmId === realmId) {
        g.revoked = true;
        count++;
      }
    }
    return count;
  }

  revokeWhere(filter: TokenFilter): number {
    if (filter.token !== undefined) {
      const grant = this.grantOf(filter.token);
      return grant ? this.disconnect(grant.clientId, grant.realmId) : 0;
    }
    let count = 0;
    for (const g of this.grants.values()) {
      if (g.revoked) continue;
      if (filter.clientId !== undefined && g.clientId !== filter.clientId) continue;
      if (filter.realmId !== undefined && g.realmId !== filter.realmId) continue;
      g.revoked = true;
      count++;
    }
    return count;
  }

  expireAccessWhere(filter: TokenFilter, now: number): number {
    let count = 0;
    const tokenGrant = filter.token !== undefined ? this.grantOf(filter.token) : undefined;
    for (const a of this.accessTokens.values()) {
      if (a.expiresAt <= now) continue;
      const g = this.grants.get(a.grantId);
      if (!g || g.revoked) continue;
      if (filter.token !== undefined && a.token !== filter.token && a.grantId !== tokenGrant?.id) continue;
      if (filter.clientId !== undefined && g.clientId !== filter.clientId) continue;
      if (filter.realmId !== undefined && g.realmId !== filter.realmId) continue;
      a.expiresAt = now;
      count++;
    }
    return count;
  }

  /** Live (not revoked, not hard-expired) grants of a realm: the apps that receive its webhooks. */
  liveGrants(realmId: string, now: number): GrantRecord[] {
    return [...this.grants.values()].filter((g) => g.realmId === realmId && !g.revoked && now < g.hardExpiresAt);
  }

  reset(): void {
    this.apps.clear();
    this.codes.clear();
    this.grants.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }
}
