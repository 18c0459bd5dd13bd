/**
 * A worker in its own process, for crash tests: the parent SIGKILLs it mid-job. It opens the PostgreSQL
 * schema named in its environment, runs the real engine and queue, and prints "ready" once it is claiming.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { createEngine } from '../../src/main.ts';
import { createStore, openDatabase } from '../../src/store/index.ts';
import { testSealer } from './test-db.ts';

const url = process.env.CRASH_DATABASE_URL;
const schema = process.env.CRASH_SCHEMA;
if (!url || !schema) throw new Error('CRASH_DATABASE_URL and CRASH_SCHEMA are required');
const leaseMs = Number(process.env.CRASH_LEASE_MS ?? '1500');

const db = await openDatabase({ url, schema, maxConnections: 4 });
const engine = createEngine({
  db,
  store: createStore({ db, sealer: testSealer() }),
  logger: createLogger({ level: 'silent' }),
  transport: createTransport({ defaultTimeoutMs: 10_000 }),
  ownerId: `crash-worker-${process.pid}-${randomUUID().slice(0, 6)}`,
});

engine.startWorker({ concurrency: 2, leaseMs, pollMs: 25 });
process.stdout.write('ready\n');
