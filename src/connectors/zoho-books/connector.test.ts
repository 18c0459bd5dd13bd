import { describe, expect, it } from 'vitest';

import { dataCentreOf, manifest, zohoBudget } from './connector.ts';
import { zohoBooksConnector } from './index.ts';
import { connection } from './test-support/fake-http.ts';

describe('Zoho Books manifest', () => {
  it('knows every data centre of the notes, each with an accounts server and a default API domain', () => {
    expect(Object.keys(manifest.dataCentres).sort()).toEqual(['au', 'ca', 'cn', 'eu', 'in', 'jp', 'sa', 'uk', 'us']);
    for (const facts of Object.values(manifest.dataCentres)) {
      expect(facts.accountsServer).toMatch(/^https:\/\/accounts\.zoho/);
      expect(facts.apiDomain).toMatch(/^https:\/\/www\.zohoapis\./);
    }
    expect(dataCentreOf('https://accounts.zoho.com.au/')).toBe('au');
    expect(dataCentreOf('http://127.0.0.1:9/accounts/eu')).toBeNull();
  });

  it('asks for settings (items, taxes) and accountants (journals) scopes', () => {
    expect(manifest.scopes).toEqual(expect.arrayContaining(['ZohoBooks.settings.CREATE', 'ZohoBooks.settings.READ', 'ZohoBooks.accountants.CREATE']));
    expect(manifest.scopes.some((s) => /fullaccess/i.test(s))).toBe(false);
  });

  it('refreshes 5 minutes ahead and stays within 10 access tokens per 10 minutes', () => {
    expect(manifest.oauth.accessTokenLifetimeMs - manifest.oauth.refreshAheadMs).toBe(55 * 60_000);
    expect(manifest.oauth.tokenBudget).toEqual({ limit: 10, windowMs: 600_000 });
  });

  it('budgets 100 per minute per organization plus the daily cap (lowest documented unless configured)', () => {
    expect(zohoBudget(connection())).toEqual({
      key: 'zoho-books:org:10234695',
      rules: [
        { limit: 100, windowMs: 60_000 },
        { limit: 1000, windowMs: 86_400_000 },
      ],
    });
    expect(zohoBudget(connection({ dailyCap: 10000 })).rules[1]).toEqual({ limit: 10000, windowMs: 86_400_000 });
    expect(zohoBudget(connection({ organizationId: null })).key).toBe('zoho-books:connection:conn-1');
  });

  it('exports one connector object', () => {
    expect(Object.keys(zohoBooksConnector).sort()).toEqual(['auth', 'authorizeUrl', 'budget', 'exchangeCode', 'manifest', 'target']);
  });
});
