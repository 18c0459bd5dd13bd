/**
 * The one seam between SQL and a driver (DESIGN.md §3): PGlite in a directory (embedded mode) or a `pg` Pool
 * (server mode, DATABASE_URL). Repositories, the migrator, leases, budgets and the jobs queue see only `Db`.
 *
 * Types coming back differ per driver (PGlite: int8 → number or bigint, pg: int8 → string); callers convert with
 * the helpers in rows.ts instead of trusting either. Both return timestamptz as Date and jsonb parsed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

export interface Db {
  readonly driver: 'pglite' | 'postgres';
  /** One statement with $1… parameters. Objects for jsonb columns must be passed JSON.stringify'd. */
  query<T extends object = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations, test resets). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. On a handle that is already a
   * transaction, `fn` simply joins it. Never use the outer `Db` inside `fn`: on PGlite that waits for `fn` forever.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- PGlite

/**
 * PGlite is one connection. Its own `transaction()` holds a mutex that also queues plain `query()` calls, so
 * concurrent callers never run a statement inside someone else's transaction.
 */
export function pgliteDb(pglite: PGlite): Db {
  // Marks the async context of a running transaction: a call on the outer handle from inside it would wait for
  // the transaction's own mutex forever, so it fails loudly instead.
  const inTransaction = new AsyncLocalStorage<{ open: boolean }>();
  const guard = () => {
    // Only while the transaction is open: a timer set inside it may legitimately fire after the commit.
    if (inTransaction.getStore()?.open) {
      throw new Error('the outer Db was used inside one of its transactions; use the transaction handle (on PGlite this would deadlock)');
    }
  };
  const db: Db = {
    driver: 'pglite',
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      guard();
      const result = await pglite.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql) {
      guard();
      await pglite.exec(sql);
    },
    async transaction(fn) {
      guard();
      const marker = { open: true };
      try {
        return await pglite.transaction((tx) => inTransaction.run(marker, () => fn(pgliteTxDb(tx))));
      } finally {
        marker.open = false;
      }
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
  return db;
}

function pgliteTxDb(tx: PgliteTransaction): Db {
  const db: Db = {
    driver: 'pglite',
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      return (await tx.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql) {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(db),
    close: () => Promise.reject(new Error('close() called on a transaction handle')),
  };
  return db;
}

// ---------------------------------------------------------------- PostgreSQL

export function postgresDb(pool: pg.Pool): Db {
  return {
    driver: 'postgres',
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await fn(postgresTxDb(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // A connection that cannot roll back must not return to the pool.
          broken = rollbackError;
        }
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

function postgresTxDb(client: pg.PoolClient): Db {
  const db: Db = {
    driver: 'postgres',
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(sql, params as unknown[])).rows as T[];
    },
    async exec(sql) {
      await client.query(sql);
    },
    transaction: (fn) => fn(db),
    close: () => Promise.reject(new Error('close() called on a transaction handle')),
  };
  return db;
}

// ---------------------------------------------------------------- choice

export type OpenDatabaseOptions =
  | {
      /** PostgreSQL connection string (server and distributed modes). */
      url: string;
      /** Schema to use instead of `public` (set as search_path on every pooled connection). */
      schema?: string;
      /** Pool size; default 10. */
      maxConnections?: number;
    }
  | {
      /** PGlite data directory (embedded mode). Omit for an in-memory database. */
      dataDir?: string;
      /** Start from a `dumpDataDir()` tarball instead of running initdb (tests: ~0.8 s instead of ~4 s). */
      loadDataDir?: Blob;
    };

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens PostgreSQL when a `url` is given, else PGlite. The caller runs `migrate(db)` next. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  if ('url' in options) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`invalid schema name "${options.schema}": use lower-case letters, digits and _`);
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client dying (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const db = postgresDb(pool);
    try {
      await db.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      // The URL may hold a password: name the host only.
      throw new Error(`cannot reach PostgreSQL at ${describeUrl(options.url)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return db;
  }
  // PGlite creates only the last path segment, and fails outside the awaited promise when the parent is missing.
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const pglite = new PGlite({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
  });
  await pglite.waitReady;
  return pgliteDb(pglite);
}

/** host:port/database of a connection string, without user or password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
