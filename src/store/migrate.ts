/**
 * Ordered SQL migrations (`migrations/NNNN_name.sql`), applied once each and recorded in schema_migrations.
 * Everything runs in one transaction behind an advisory lock, so two processes starting at once cannot both
 * apply a file: the second waits, then finds the versions recorded and does nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const DEFAULT_DIR = new URL('./migrations/', import.meta.url);

export function loadMigrations(dir: URL | string = DEFAULT_DIR): Migration[] {
  const base = typeof dir === 'string' ? dir : fileURLToPath(dir);
  return readdirSync(base)
    .flatMap((file) => {
      const match = FILE.exec(file);
      if (!match) return [];
      const sql = readFileSync(join(base, file), 'utf8');
      return [{ version: match[1]!, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') }];
    })
    .sort((a, b) => a.version.localeCompare(b.version));
}

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current). */
  applied: string[];
}

export async function migrate(db: Db, migrations: readonly Migration[] = loadMigrations()): Promise<MigrateResult> {
  return db.transaction(async (tx) => {
    // Keyed by schema, so test files migrating their own schemas in parallel do not wait for each other.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('ml-connector.migrate:' || current_schema()))`);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version     text PRIMARY KEY,
        name        text NOT NULL,
        checksum    text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    const rows = await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const done = new Map(rows.map((row) => [row.version, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          // Editing an applied migration would leave databases that disagree about their own schema.
          throw new Error(`migration ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
      applied.push(migration.version);
    }
    return { applied };
  });
}
