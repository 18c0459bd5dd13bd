/** The store's public surface, for main.ts, the CLI and tests. */
export { openDatabase, pgliteDb, postgresDb, describeUrl, type Db, type OpenDatabaseOptions } from './db.ts';
export { migrate, loadMigrations, type Migration, type MigrateResult } from './migrate.ts';
export { createStore, type CreateStoreOptions } from './store.ts';
export { createSealer, loadOrCreateSecretKey, parseSecretKey, keyIdOf, SealError, type Sealer, type SecretKey } from './sealer.ts';
export { createDbLeases } from './leases.repository.ts';
export { createDbRateBudget } from './rate-budget.ts';
export { RowNotFoundError } from './errors.ts';
