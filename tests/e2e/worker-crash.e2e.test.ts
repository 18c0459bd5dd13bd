/**
 * The worker process is killed (SIGKILL) after Zoho Books created the invoice and before the worker could
 * record it. After another worker takes the job over, there is still exactly one invoice: the handler looks
 * for the invoice by reference before it creates one. Needs PostgreSQL (two processes share the database).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describeGated, gateOf } from '../support/backends.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';
import { postgresAvailability } from '../support/test-db.ts';

const WORKER = fileURLToPath(new URL('../support/worker-process.ts', import.meta.url));
const LEASE_MS = 1500;
let e: E2E | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  await e?.close();
});

function startWorkerProcess(url: string, schema: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, CRASH_DATABASE_URL: url, CRASH_SCHEMA: schema, CRASH_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(proc);
    });
    proc.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeGated('a worker killed between the invoice call and recording it', gateOf(postgresAvailability()), () => {
  it('leaves exactly one invoice after another worker takes over', async () => {
    e = await startE2E({ backend: 'postgres', leaseMs: LEASE_MS });
    const pg = e.db.postgres;
    if (!pg) throw new Error('the e2e store is not on PostgreSQL');
    // Zoho creates the invoice at once but answers 3 s late: the kill lands inside that window.
    e.zoho.server.faults.add({ pathPrefix: `${e.zohoApiPrefix}/books/v3/invoices`, method: 'POST', delayResponseMs: 3_000, times: 1 });
    child = await startWorkerProcess(pg.url, pg.schema);
    const order = e.shopify.placeOrder(SHOP, sampleOrder());
    await until(() => e?.invoices().length === 1, 'Zoho to create the invoice');
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));

    const stuck = (await e.records()).find((r) => r.entityType === 'order');
    expect(stuck?.state).toBe('running'); // the dead worker never recorded the outcome
    e.startWorker();
    const records = await e.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'synced'), 'the takeover to finish', 30_000);
    const invoices = e.invoices().filter((i) => i.reference_number === order.name);
    expect(invoices).toHaveLength(1);
    expect(records.find((r) => r.entityType === 'order')?.targetId).toBe(invoices[0]?.invoice_id);
    const trail = await e.db.store.audit.list(e.tenantId, { kind: 'step', recordId: records.find((r) => r.entityType === 'order')?.id ?? '' });
    expect(trail.map((a) => a.step)).toContain('found-invoice');
    expect(e.zohoRequests('POST', '/invoices')).toBe(1);
  });
});
