/**
 * The gates in front of the PostgreSQL and Redis contract suites (tests/support/backends.ts): in CI a missing URL
 * fails the suite with a message that says what to set; a URL that is set but unreachable fails it too, within the
 * probe's timeout instead of hanging it; only outside CI may a missing URL skip. Proven on the gate functions, and on
 * a real suite run in a child Vitest.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePostgres, probeRedis, reachable, redisAvailability } from '../support/backends.ts';
import { postgresAvailability, type Availability } from '../support/test-db.ts';

const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';
const UNREACHABLE_POSTGRES = 'postgres://postgres@127.0.0.1:1/test';

const messageOf = (availability: Availability) => (availability.run ? '' : availability.message);

describe('contract suite gates', () => {
  // A port that accepts connections and never says a word: the "nothing answers" that a refused port is not.
  let silent: Server;
  let silentPort = 0;
  beforeAll(async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    silent.close();
  });

  it('in CI, a missing REDIS_URL or DATABASE_URL is a failing gate that says what to set', () => {
    const redis = redisAvailability({ CI: 'true' });
    const postgres = postgresAvailability({ CI: 'true' });
    expect(redis).toMatchObject({ run: false, fail: true });
    expect(messageOf(redis)).toMatch(/^REDIS_URL is not set but CI is: .*REDIS_URL=redis:\/\/127\.0\.0\.1:6379/);
    expect(postgres).toMatchObject({ run: false, fail: true });
    expect(messageOf(postgres)).toMatch(/^DATABASE_URL is not set but CI is: .*DATABASE_URL=postgres:\/\//);
  });

  it('outside CI a missing URL skips with the reason, and a set URL runs', () => {
    expect(redisAvailability({})).toMatchObject({ run: false, fail: false, message: expect.stringMatching(/set REDIS_URL/) });
    expect(postgresAvailability({})).toMatchObject({ run: false, fail: false, message: expect.stringMatching(/set DATABASE_URL/) });
    expect(redisAvailability({ REDIS_URL: UNREACHABLE_REDIS, CI: 'true' })).toEqual({ run: true, url: UNREACHABLE_REDIS });
  });

  it('a set URL on a refused port fails the gate, in CI and out of it', async () => {
    const [redis, postgres] = await Promise.all([
      reachable(redisAvailability({ REDIS_URL: UNREACHABLE_REDIS }), probeRedis),
      reachable(postgresAvailability({ DATABASE_URL: UNREACHABLE_POSTGRES }), probePostgres),
    ]);
    expect(redis).toMatchObject({ run: false, fail: true });
    expect(messageOf(redis)).toMatch(/^REDIS_URL \(127\.0\.0\.1:1\) is set but Redis does not answer/);
    expect(postgres).toMatchObject({ run: false, fail: true });
    expect(messageOf(postgres)).toMatch(/^DATABASE_URL \(127\.0\.0\.1:1\/test\) is set but PostgreSQL does not answer/);
  }, 20_000);

  it('a set URL where nothing answers fails the gate after the probe timeout, and the message keeps passwords out', async () => {
    const [redis, postgres] = await Promise.all([
      reachable(redisAvailability({ REDIS_URL: `redis://:hunter2@127.0.0.1:${silentPort}` }), probeRedis),
      reachable(postgresAvailability({ DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${silentPort}/test` }), probePostgres),
    ]);
    expect(redis).toMatchObject({ run: false, fail: true });
    expect(postgres).toMatchObject({ run: false, fail: true });
    expect(messageOf(redis)).toContain(`127.0.0.1:${silentPort}`);
    expect(messageOf(postgres)).toContain(`127.0.0.1:${silentPort}/test`);
    expect(messageOf(redis) + messageOf(postgres)).not.toContain('hunter2');
  }, 20_000);

  it('a suite behind the gates fails (not skips) when its service is missing in CI or unreachable', async () => {
    const [missingRedis, missingPostgres] = await Promise.all([
      runGateTests({ CI: 'true', DATABASE_URL: UNREACHABLE_POSTGRES }),
      runGateTests({ CI: 'true', REDIS_URL: UNREACHABLE_REDIS }),
    ]);
    for (const run of [missingRedis, missingPostgres]) expect(run.exitCode, run.output).toBe(1);
    expect(missingRedis.failures).toEqual([
      expect.stringMatching(/PostgreSQL has its service available: Error: DATABASE_URL \(127\.0\.0\.1:1\/test\) is set but PostgreSQL does not answer/),
      expect.stringMatching(/Redis has its service available: Error: REDIS_URL is not set but CI is/),
    ]);
    expect(missingPostgres.failures).toEqual([
      expect.stringMatching(/PostgreSQL has its service available: Error: DATABASE_URL is not set but CI is/),
      expect.stringMatching(/Redis has its service available: Error: REDIS_URL \(127\.0\.0\.1:1\) is set but Redis does not answer/),
    ]);
  }, 120_000);
});

interface ChildRun {
  exitCode: number | null;
  /** "<full test name>: <first line of its failure>", sorted. */
  failures: string[];
  output: string;
}

/** Runs the coordination contract's gate tests in a child Vitest with exactly `vars` for the two services. */
function runGateTests(vars: Record<string, string>): Promise<ChildRun> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const env: NodeJS.ProcessEnv = {};
  // The child must not think it is this run's worker, nor see this run's service URLs.
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VITEST|REDIS_URL$|DATABASE_URL$|CI$|NODE_OPTIONS$)/.test(name)) env[name] = value;
  }
  Object.assign(env, vars);
  const args = ['node_modules/vitest/vitest.mjs', 'run', 'tests/contract/coordination.contract.test.ts', '-t', 'has its service available', '--reporter=json'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const output = `${stdout}\n${stderr}`;
      try {
        const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { testResults: { assertionResults: { status: string; fullName: string; failureMessages: string[] }[] }[] };
        const failures = report.testResults
          .flatMap((file) => file.assertionResults)
          .filter((test) => test.status === 'failed')
          .map((test) => `${test.fullName}: ${(test.failureMessages[0] ?? '').split('\n')[0]}`)
          .sort();
        resolve({ exitCode, failures, output });
      } catch {
        resolve({ exitCode, failures: [], output });
      }
    });
  });
}
