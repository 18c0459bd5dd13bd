import { describe, expect, it } from 'vitest';
import { parseIntegrationSettings } from './integration-settings.ts';

describe('integration settings', () => {
  it('accepts a journal mode with both accounts, shipping and tax maps', () => {
    const result = parseIntegrationSettings({ shipments: { mode: 'journal', expenseAccountId: '5000', creditAccountId: '2000' }, shippingByMethod: { Express: '42' }, taxByRate: { '0.0725': 'TAX' } });
    expect(result.ok).toBe(true);
  });

  it('names what is wrong: a missing account, a rate that is not a fraction, an unknown key', () => {
    const result = parseIntegrationSettings({ shipments: { mode: 'journal', expenseAccountId: '5000' }, taxByRate: { '7.25': 'x' }, colour: 'blue' });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/shipments\.creditAccountId|taxByRate|colour/) });
    if (!result.ok) {
      expect(result.message).toMatch(/creditAccountId/);
      expect(result.message).toMatch(/taxByRate\.7\.25/);
      expect(result.message).toMatch(/colour/);
    }
  });
});
