/**
 * QuickBooks Online: static facts, in one typed object. Every number is cited in
 * /work/shared/api/quickbooks-online.md (§ numbers below); values the notes tag [mem] are marked so here too.
 *
 * Base URLs. Intuit serves OAuth from three hosts and the API from one host per environment. The connection
 * config may override them (the simulator, a recording proxy):
 * - `apiBaseUrl` replaces the API origin in full: `${apiBaseUrl}/v3/company/{realmId}/…`. For the simulator
 *   that is `sim.endpoints().apiBase.sandbox` (`${sim.url}/sandbox-quickbooks.api.intuit.com`).
 * - `oauthBaseUrl` is a root under which every Intuit OAuth host is a path prefix, the way the simulator maps
 *   them: `${oauthBaseUrl}/oauth.platform.intuit.com/oauth2/v1/tokens/bearer`. For the simulator, `sim.url`.
 */
import { z } from 'zod';
import type { BudgetRule, Connection } from '../../sync/ports.ts';

const MINUTE_MS = 60_000;

/**
 * The one minor version every call sends (§2): 75 is the lowest Intuit still serves since 2025-08-01 (anything
 * lower, or none, is treated as 75), and Intuit recommends staying on one version. Raise it here only.
 */
export const MINOR_VERSION = 75;

export type Environment = 'production' | 'sandbox';

export const manifest = {
  system: 'quickbooks',
  displayName: 'QuickBooks Online',
  apiVersion: 'v3',
  minorVersion: MINOR_VERSION,
  oauth: {
    /** §1.1 */
    authorizeEndpoint: 'https://appcenter.intuit.com/connect/oauth2',
    tokenEndpoint: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revokeEndpoint: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    /** Scopes are space-separated (§1.2). */
    scopeSeparator: ' ',
    /** Access tokens live 3600 s (§1.4). */
    accessTokenLifetimeMs: 60 * MINUTE_MS,
    /** Refresh at 55 of 60 minutes (DESIGN.md §2.8). */
    refreshAheadMs: 5 * MINUTE_MS,
    /** A refresh may answer a NEW refresh token; the old one then dies (§1.5). Store it before use. */
    refreshTokenRotates: true,
    /** Opt-in header that adds `x_refresh_token_hard_expires_in` (the 5-year cap) to the answer (§1.4). */
    hardExpiryHeader: 'x-include-refresh-token-hard-expires-in',
  },
  /** §2: one API host per environment; the OAuth hosts are shared (§1.1). */
  apiBaseUrls: {
    production: 'https://quickbooks.api.intuit.com',
    sandbox: 'https://sandbox-quickbooks.api.intuit.com',
  },
  /** The accounting scope is all this connector needs (§1.3). */
  scopes: ['com.intuit.quickbooks.accounting'],
  rateLimits: {
    /** Per realm, sandbox and production alike; batches count (§7). */
    perMinute: { limit: 500, windowMs: MINUTE_MS },
    /** Per realm and app (§7). */
    perSecond: { limit: 10, windowMs: 1_000 },
    /** On 429 (code 3001, no Retry-After header), wait 60 s (§7). */
    throttleWaitMs: MINUTE_MS,
  },
  batch: {
    /** Recommended payloads per batch request (§7, §8; the batch page still says 10). */
    maxItems: 30,
    /** A batch requestid is at most 36 characters, and its bIds then at most 10 (§9). */
    maxRequestIdLength: 36,
    maxBidLengthWithRequestId: 10,
  },
  /** `requestid` replays the first answer for the same company; at most 50 characters (§9). */
  requestIdMaxLength: 50,
  query: {
    /** MAXRESULTS hard maximum [mem] (§4). */
    maxResults: 1000,
  },
  limits: {
    /** Invoice DocNumber (§3.3 [mem]; the XSD says "ValidRange: QBO: max=21"). */
    docNumber: 21,
    /** Item Name and Sku (XSD Item: "Max. length: 100 characters"). */
    itemName: 100,
    itemSku: 100,
    /** Transaction PrivateNote: 4000 [mem]. */
    privateNote: 4000,
  },
  /** The invoice line QBO treats as the shipping charge when shipping is on in the company (§3.3 Shipping). */
  shippingItemId: 'SHIPPING_ITEM_ID',
} as const;

// ---------------------------------------------------------------- connection config and secrets

export const QuickBooksConfig = z.object({
  /** The company id, delivered only on the OAuth redirect (§1.2). */
  realmId: z.string().min(1),
  environment: z.enum(['production', 'sandbox']),
  apiBaseUrl: z.string().url().optional(),
  oauthBaseUrl: z.string().url().optional(),
  /** Income account new items post to; found (Sales of Product Income, else the first Income account) when absent. */
  incomeAccountId: z.string().min(1).optional(),
  /** The item every shipping line uses; defaults to QBO's `SHIPPING_ITEM_ID`. */
  shippingItemId: z.string().min(1).optional(),
});
export type QuickBooksConfig = z.infer<typeof QuickBooksConfig>;

export const QuickBooksSecrets = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO-8601. */
  accessTokenExpiresAt: z.string().min(1),
  /** ISO-8601: the rolling 100-day life (§1.5). */
  refreshTokenExpiresAt: z.string().optional(),
});
export type QuickBooksSecrets = z.infer<typeof QuickBooksSecrets>;

/** The API origin of a connection: the config override, else Intuit's host for its environment. */
export function apiBaseUrl(config: Pick<QuickBooksConfig, 'environment' | 'apiBaseUrl'>): string {
  return trimSlash(config.apiBaseUrl ?? manifest.apiBaseUrls[config.environment]);
}

export interface OAuthEndpoints {
  authorize: string;
  token: string;
  revoke: string;
}

/** Intuit's OAuth endpoints, or the same paths under `oauthBaseUrl` (each host becomes a path prefix). */
export function oauthEndpoints(oauthBaseUrl?: string): OAuthEndpoints {
  const at = (real: string): string => {
    if (!oauthBaseUrl) return real;
    const url = new URL(real);
    return `${trimSlash(oauthBaseUrl)}/${url.host}${url.pathname}`;
  };
  return { authorize: at(manifest.oauth.authorizeEndpoint), token: at(manifest.oauth.tokenEndpoint), revoke: at(manifest.oauth.revokeEndpoint) };
}

/**
 * The shared rate budget of a QuickBooks connection: keyed by realm (every connection and app on one company
 * shares its 500 per minute), with the 10-per-second rule beside it (§7).
 */
export function quickbooksBudget(connection: Connection): { key: string; rules: BudgetRule[] } {
  const realmId = connection.config['realmId'];
  return {
    key: typeof realmId === 'string' && realmId !== '' ? `quickbooks:${realmId}` : `quickbooks:connection:${connection.id}`,
    rules: [{ ...manifest.rateLimits.perMinute }, { ...manifest.rateLimits.perSecond }],
  };
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
