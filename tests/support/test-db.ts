/**
 * Databases for tests, fresh and cheap.
 *
 * PGlite: initdb costs ~4 s and ~450 MB, so the first caller on this machine builds a migrated snapshot
 * (dumpDataDir) once and caches it in the OS temp dir, keyed by the PGlite version and the migrations; every test
 * file then loads it (<1 s) and `reset()` truncates between tests (a few ms).
 * PostgreSQL: each test database is its own schema `t_<time>_<random>` in DATABASE_URL's database, set as the
 * search_path of every pooled connection, so test files run in parallel; `close()` drops it.
 *
 * Use from any test:
 *   const t = await openTestStore();            // PGlite, migrated; t.store, t.db, t.reset(), t.close()
 *   beforeEach(() => t.reset());
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describeUrl, openDatabase, pgliteDb, type Db } from '../../src/store/db.ts';
import { loadMigrations, migrate } from '../../src/store/migrate.ts';
import { createSealer, type Sealer } from '../../src/store/sealer.ts';
import { createStore } from '../../src/store/store.ts';
import type { Store } from '../../src/sync/ports.ts';

export type BackendName = 'pglite' | 'postgres';

export interface TestDatabase {
  readonly backend: BackendName;
  /** Migrated, empty. */
  readonly db: Db;
  /** PostgreSQL only: where another process finds this database. */
  readonly postgres?: { url: string; schema: string };
  /** Another handle on the same database, as a second process would have (PostgreSQL: its own pool). */
  connect(): Promise<Db>;
  /** Empties every table except schema_migrations. */
  reset(): Promise<void>;
  /** Closes every handle; PostgreSQL: drops the schema, PGlite: deletes the temp directory. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------- availability

export type Availability = { run: true; url: string } | { run: false; fail: boolean; message: string };

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** PostgreSQL runs when DATABASE_URL is set; in CI its absence is a failure, on a laptop a skip. */
export function postgresAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const url = env.DATABASE_URL;
  if (url) return { run: true, url };
  if (env.CI) {
    return {
      run: false,
      fail: true,
      message: `DATABASE_URL is not set but CI is: the PostgreSQL contract suites must run in CI (e.g. DATABASE_URL=${DEFAULT_DATABASE_URL})`,
    };
  }
  return { run: false, fail: false, message: `PostgreSQL suite skipped: set DATABASE_URL (e.g. ${DEFAULT_DATABASE_URL}) to run it` };
}

// ---------------------------------------------------------------- PGlite

let snapshotPromise: Promise<Blob> | null = null;

/** A migrated PGlite data directory as a tarball, built once per machine and migration set. */
export function pgliteSnapshot(): Promise<Blob> {
  snapshotPromise ??= loadOrBuildSnapshot();
  return snapshotPromise;
}

async function loadOrBuildSnapshot(): Promise<Blob> {
  const require = createRequire(import.meta.url);
  const pgliteDir = dirname(dirname(require.resolve('@electric-sql/pglite')));
  const pgliteVersion = (JSON.parse(readFileSync(join(pgliteDir, 'package.json'), 'utf8')) as { version: string }).version;
  const fingerprint = createHash('sha256')
    .update(pgliteVersion)
    .update(loadMigrations().map((m) => `${m.version}:${m.checksum}`).join(','))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = join(tmpdir(), 'ml-connector-test');
  const file = join(cacheDir, `pglite-${fingerprint}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // Not built yet on this machine.
  }
  const pglite = new PGlite();
  await pglite.waitReady;
  await migrate(pgliteDb(pglite));
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const bytes = Buffer.from(await dump.arrayBuffer());
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: a parallel test file never reads half a tarball.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  return new Blob([bytes]);
}

export async function openPgliteTestDatabase(options: { inMemory?: boolean } = {}): Promise<TestDatabase> {
  const snapshot = await pgliteSnapshot();
  const dir = options.inMemory ? undefined : mkdtempSync(join(tmpdir(), 'ml-connector-pglite-'));
  const pglite = new PGlite({ ...(dir ? { dataDir: dir } : {}), loadDataDir: snapshot });
  await pglite.waitReady;
  const db = pgliteDb(pglite);
  await migrate(db);
  const reset = resetter(db);
  return {
    backend: 'pglite',
    db,
    // One instance per process is all PGlite allows; a second "process" shares it (close is left to the owner).
    connect: async () => ({ ...db, close: async () => undefined }),
    reset,
    async close() {
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- PostgreSQL

export async function openPostgresTestDatabase(url: string): Promise<TestDatabase> {
  const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  // A URL that nothing answers fails the suite within seconds instead of hanging it.
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL from DATABASE_URL (${describeUrl(url)}) is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    await dropStaleSchemas(admin);
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const handles: Db[] = [];
  const connect = async () => {
    const handle = await openDatabase({ url, schema, maxConnections: 5 });
    handles.push(handle);
    return handle;
  };
  const db = await connect();
  await migrate(db);
  return {
    backend: 'postgres',
    postgres: { url, schema },
    db,
    connect,
    reset: resetter(db),
    async close() {
      await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** Schemas left by a test process that died more than an hour ago. */
async function dropStaleSchemas(client: pg.Client): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) - 3600;
  const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^t_[0-9]+_[0-9a-f]{8}$'`);
  for (const { nspname } of rows) {
    if (Number(nspname.split('_')[1]) < cutoff) await client.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`).catch(() => undefined);
  }
}

// ---------------------------------------------------------------- both

function resetter(db: Db): () => Promise<void> {
  let statement: string | null = null;
  return async () => {
    // DELETE, children first, beats TRUNCATE here by far: TRUNCATE swaps every table's files (~100 ms on PGlite),
    // and test tables hold a handful of rows.
    statement ??= await deleteAllStatement(db);
    await db.exec(statement);
  };
}

async function deleteAllStatement(db: Db): Promise<string> {
  const tables = (await db.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  )).map((row) => row.tablename);
  const edges = await db.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace AND k.conrelid <> k.confrelid`,
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  // Depth-first: a table is emitted after every table that references it.
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const edge of edges) if (edge.parent === table) visit(edge.child);
    ordered.push(table);
  };
  for (const table of tables.sort()) visit(table);
  return ordered.map((table) => `DELETE FROM ${table};`).join('\n');
}

export function openTestDatabase(backend: BackendName = 'pglite', url: string = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Promise<TestDatabase> {
  return backend === 'pglite' ? openPgliteTestDatabase() : openPostgresTestDatabase(url);
}

/** A sealer with a fixed test key (never use outside tests). */
export function testSealer(): Sealer {
  return createSealer({ keys: { test: Buffer.alloc(32, 7) }, activeKeyId: 'test' });
}

export interface TestStore extends TestDatabase {
  store: Store;
  sealer: Sealer;
}

/** A migrated, empty store on `backend` (default PGlite). `reset()` empties it between tests. */
export async function openTestStore(options: { backend?: BackendName; now?: () => Date } = {}): Promise<TestStore> {
  const database = await openTestDatabase(options.backend);
  const sealer = testSealer();
  // The store must not close the shared handle: the TestDatabase owns it.
  const store = createStore({ db: { ...database.db, close: async () => undefined }, sealer, ...(options.now ? { now: options.now } : {}) });
  return { ...database, store, sealer };
}
