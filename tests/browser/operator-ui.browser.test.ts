/**
 * The operator page in a real browser (Debian's Chromium through playwright-core): it shows the records by
 * state with their reasons, the audit trail of one, and a replay button that brings a fixed conflict to synced.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';

const CHROMIUM = '/usr/bin/chromium';
let e: E2E;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does) to run the browser tests`);
  e = await startE2E();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
afterAll(async () => {
  await browser?.close();
  await e?.close();
});

describe('operator page', () => {
  it('shows records by state with the reason, opens the audit trail, and replays a fixed conflict', async () => {
    e.startWorker();
    e.shopify.placeOrder(SHOP, sampleOrder());
    e.shopify.setWebhookSwitches({ hold: true });
    const broken = e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' } }));
    e.shopify.overrideTotals(SHOP, broken.id, { total: '99.99' });
    e.shopify.releaseWebhooks({});
    await e.waitForRecords((rs) => rs.some((r) => r.state === 'conflict') && rs.some((r) => r.entityType === 'order' && r.state === 'synced'), 'one synced and one conflict');

    const page = await browser.newPage();
    await page.goto(`${e.appUrl}/#token=${e.adminToken}`);
    await page.waitForSelector('#records tbody tr');
    await expect.poll(async () => page.locator('#counts').innerText()).toContain('conflict: 1');
    const conflictRow = page.locator('#records tbody tr', { hasText: 'conflict' });
    await expect.poll(async () => conflictRow.innerText()).toContain('99.99');

    await conflictRow.getByRole('button', { name: 'audit' }).click();
    await expect.poll(async () => page.locator('#audit').innerText()).toContain('error:conflict');

    e.shopify.overrideTotals(SHOP, broken.id, { total: '64.86' });
    await conflictRow.getByRole('button', { name: 'replay' }).click();
    await e.waitForRecords((rs) => rs.filter((r) => r.entityType === 'order' && r.state === 'synced').length === 2, 'the replay');
    await page.reload();
    await expect.poll(async () => page.locator('#counts').innerText(), { timeout: 10_000 }).not.toContain('conflict');
    expect(e.invoices()).toHaveLength(2);
    await page.screenshot({ path: '.ci/out/operator-ui.png', fullPage: true }).catch(() => undefined);
  });

  it('asks for the admin token without one, and shows nothing', async () => {
    const page = await browser.newPage();
    await page.goto(e.appUrl);
    await page.waitForSelector('#login:not([hidden])');
    expect(await page.locator('#app').isHidden()).toBe(true);
  });
});
