import { describe, expect, it } from 'vitest';

import { apiBaseUrl, manifest, MINOR_VERSION, oauthEndpoints, QuickBooksConfig, QuickBooksSecrets, quickbooksBudget } from './connector.ts';
import { quickbooksConnector } from './index.ts';
import { connection, REALM } from './test-support/fake-http.ts';

describe('QuickBooks manifest', () => {
  it('pins minor version 75 in one place (the lowest Intuit serves since August 2025)', () => {
    expect(MINOR_VERSION).toBe(75);
    expect(manifest.minorVersion).toBe(MINOR_VERSION);
  });

  it('names Intuit’s OAuth endpoints and the two API hosts, both overridable for the simulator', () => {
    expect(oauthEndpoints()).toEqual({
      authorize: 'https://appcenter.intuit.com/connect/oauth2',
      token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    });
    expect(oauthEndpoints('http://127.0.0.1:9/').token).toBe('http://127.0.0.1:9/oauth.platform.intuit.com/oauth2/v1/tokens/bearer');
    expect(apiBaseUrl({ environment: 'production' })).toBe('https://quickbooks.api.intuit.com');
    expect(apiBaseUrl({ environment: 'sandbox' })).toBe('https://sandbox-quickbooks.api.intuit.com');
    expect(apiBaseUrl({ environment: 'sandbox', apiBaseUrl: 'http://127.0.0.1:9/sandbox-quickbooks.api.intuit.com/' })).toBe('http://127.0.0.1:9/sandbox-quickbooks.api.intuit.com');
  });

  it('asks only for the accounting scope; batches hold 30; requestids 50 characters', () => {
    expect(manifest.scopes).toEqual(['com.intuit.quickbooks.accounting']);
    expect(manifest.batch.maxItems).toBe(30);
    expect(manifest.requestIdMaxLength).toBe(50);
    expect(manifest.limits.docNumber).toBe(21);
  });

  it('budgets 500 per minute and 10 per second per realm', () => {
    expect(quickbooksBudget(connection())).toEqual({
      key: `quickbooks:${REALM}`,
      rules: [
        { limit: 500, windowMs: 60_000 },
        { limit: 10, windowMs: 1_000 },
      ],
    });
    expect(quickbooksBudget(connection({ realmId: null })).key).toBe('quickbooks:connection:conn-qbo');
  });

  it('checks config and secrets', () => {
    expect(QuickBooksConfig.safeParse({ realmId: REALM, environment: 'sandbox', shippingItemId: '44' }).success).toBe(true);
    expect(QuickBooksConfig.safeParse({ realmId: REALM, environment: 'staging' }).success).toBe(false);
    expect(QuickBooksConfig.safeParse({ environment: 'sandbox' }).success).toBe(false);
    expect(QuickBooksSecrets.safeParse(connection().secrets).success).toBe(true);
    expect(QuickBooksSecrets.safeParse({ ...connection().secrets, refreshToken: '' }).success).toBe(false);
  });

  it('exports one connector object', () => {
    expect(Object.keys(quickbooksConnector).sort()).toEqual(['auth', 'authorizeUrl', 'budget', 'exchangeCode', 'manifest', 'target']);
    expect(quickbooksConnector.budget(connection()).key).toBe(`quickbooks:${REALM}`);
  });
});
