/**
 * What a new user does: `npm start` (here: `ml-connector serve` on a fresh data directory), then
 * `ml-connector records --json` while it runs. Every sample order must become an invoice within a minute,
 * a second server on the same directory must refuse, and Ctrl-C must stop it cleanly.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/ml-connector.js', import.meta.url));
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'mlc-sandbox-'));
const env = { ...process.env, ML_CONNECTOR_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', LOG_LEVEL: 'warn' };
let server: ChildProcess | undefined;
let output = '';

afterAll(() => {
  server?.kill('SIGKILL');
});

function cli(args: string[]) {
  return run(process.execPath, [BIN, ...args], { env, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
}

describe('npm start on a fresh machine', () => {
  it('starts the sandbox and prints where to look', async () => {
    server = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Ctrl-C stops it.')) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toMatch(/operator page\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/Shopify simulator\s+http/);
    expect(output).toMatch(/5 sample orders placed/);
  }, 120_000);

  it('turns every sample order into an invoice within a minute (records --json through the running server)', async () => {
    const deadline = Date.now() + 60_000;
    let records: Array<{ entity: string; state: string; target_id: string | null; source: string; target: string; source_id: string; reason: string | null }> = [];
    while (Date.now() < deadline) {
      const result = await cli(['records', '--json']);
      expect(result.code).toBe(0);
      records = JSON.parse(result.stdout) as typeof records;
      if (records.filter((r) => r.entity === 'order' && r.state === 'synced').length === 5) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const orders = records.filter((r) => r.entity === 'order');
    expect(orders.map((r) => r.state)).toEqual(['synced', 'synced', 'synced', 'synced', 'synced']);
    for (const r of orders) {
      expect(r).toMatchObject({ source: 'shopify', target: 'zoho-books' });
      expect(r.target_id).toMatch(/^\d+$/);
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['source', 'target', 'entity', 'source_id', 'state', 'target_id', 'reason']));
    }
  }, 90_000);

  it('refuses a second server on the same data directory with a clear message', async () => {
    const second = await cli(['serve']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/in use by another ml-connector process \(pid \d+, serve\)/);
  }, 60_000);

  it('keeps the admin API closed without its token', async () => {
    const url = /operator page\s+(http:\/\/[^/\s]+)/.exec(output)?.[1];
    const res = await fetch(`${url}/api/records`);
    expect(res.status).toBe(401);
    const wrong = await fetch(`${url}/api/records`, { headers: { authorization: 'Bearer not-the-token-at-all-000000' } });
    expect(wrong.status).toBe(401);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => server?.once('exit', (code) => resolve(code)));
    server?.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    const after = await cli(['records', '--json']);
    expect(after.code).toBe(0); // the store is free again: the CLI opens it itself
    expect((JSON.parse(after.stdout) as unknown[]).length).toBeGreaterThanOrEqual(5);
  }, 60_000);
});
