/**
 * `flows mappings` as text: every method and product with what it maps to, the target's choices, and for each
 * unmapped method a `flows set` command that keeps the other settings and survives a POSIX shell.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseIntegrationSettings } from '../sync/integration-settings.ts';
import type { MappingOptionsView } from '../sync/mapping-options.ts';
import { formatMappings, ITEM_PLACEHOLDER, setCommand, withMethod } from './mappings.ts';

const VIEW: MappingOptionsView = {
  integrationId: 'flow-1',
  tenantId: 't',
  source: { connectionId: 's', system: 'shipstation', label: 'ShipStation (abcd…)' },
  target: { connectionId: 'q', system: 'quickbooks', label: 'QuickBooks' },
  settings: { shippingByMethod: { ups_ground: '19' }, shipments: { mode: 'note' } },
  catalogPolledAt: '2026-06-15T17:00:00.000Z',
  catalogError: null,
  shippingMethods: [
    { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_ground', name: 'UPS® Ground', active: true, mappingKey: 'ups_ground', mappedTo: { id: '19', name: 'Ground shipping', offered: true } },
    { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_next_day_air', name: 'UPS Next Day Air®', active: true, mappingKey: 'ups_next_day_air', mappedTo: null },
    { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_gone', name: 'Old service', active: false, mappingKey: 'ups_gone', mappedTo: null },
  ],
  products: [
    { sourceId: '1', sku: '1004', name: 'Coffee Mug', price: '26', active: true, mappedItem: { id: '20', name: 'Coffee Mug', offered: true, via: 'sku' } },
    { sourceId: '2', sku: 'NEW-1', name: 'New thing', price: '5', active: true, mappedItem: null },
  ],
  targetChoices: {
    items: [{ id: '19', name: 'Ground shipping', sku: null, type: 'Service' }],
    accounts: [{ id: '11', name: 'Shipping, Freight & Delivery', type: 'Expense' }],
  },
  targetChoicesError: null,
  unmapped: { shippingMethods: 1, products: 1 },
  notOffered: 0,
};

describe('flows mappings output', () => {
  it('lists methods, products and choices, and one command per unmapped active method', () => {
    const text = formatMappings(VIEW);
    expect(text).toContain('ShipStation → QuickBooks Online  flow flow-1');
    expect(text).toContain('Shipping methods (1 of 2 unmapped)');
    expect(text).toMatch(/UPS\s+ups_ground\s+UPS® Ground\s+item 19 Ground shipping/);
    expect(text).toContain('Old service (no longer offered)');
    expect(text).toMatch(/1004\s+Coffee Mug\s+26\s+item 20 Coffee Mug \(by sku\)/);
    expect(text).toMatch(/19\s+Ground shipping\s+Service/);
    expect(text).toMatch(/11\s+Shipping, Freight & Delivery\s+Expense/);
    expect(text).toContain(`ml-connector flows set flow-1 '{"shippingByMethod":{"ups_ground":"19","ups_next_day_air":"${ITEM_PLACEHOLDER}"},"shipments":{"mode":"note"}}'`);
    expect(text).not.toContain('"ups_gone"');
  });

  it('says why there are no choices and no catalog', () => {
    const text = formatMappings({ ...VIEW, catalogPolledAt: null, catalogError: 'the catalog could not be polled: x', targetChoices: null, targetChoicesError: 'Zoho Books does not list its items and accounts for mapping yet' });
    expect(text).toContain('The catalog has not been polled yet: the catalog could not be polled: x');
    expect(text).toContain('No QuickBooks Online choices to show: Zoho Books does not list');
  });

  it('the command keeps every other setting, is valid settings JSON, and survives a shell with quotes in a key', () => {
    const settings = withMethod(VIEW.settings, "Bob's express", '42');
    const command = setCommand('flow-1', settings);
    // The shell splits the command into words; each word is printed NUL-terminated.
    const words = execFileSync('sh', ['-c', `words() { for a in "$@"; do printf '%s\\0' "$a"; done; }; words ${command.replace(/^ml-connector /, '')}`]).toString();
    const argv = words.split('\0').slice(0, -1);
    expect(argv.slice(0, 3)).toEqual(['flows', 'set', 'flow-1']);
    const parsed = parseIntegrationSettings(JSON.parse(argv[3] ?? ''));
    expect(parsed).toEqual({ ok: true, settings: { shippingByMethod: { ups_ground: '19', "Bob's express": '42' }, shipments: { mode: 'note' } } });
  });
});
