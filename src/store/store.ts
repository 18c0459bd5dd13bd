/**
 * The `Store` port over a `Db`. Each repository gets the same handle, so inside `transaction` they all share it.
 */
import type { Store } from '../sync/ports.ts';
import { auditRepository } from './audit.repository.ts';
import { catalogRepository } from './catalog.repository.ts';
import { connectionsRepository } from './connections.repository.ts';
import type { RepoContext } from './context.ts';
import { cursorsRepository } from './cursors.repository.ts';
import type { Db } from './db.ts';
import { inboxRepository } from './inbox.repository.ts';
import { integrationsRepository } from './integrations.repository.ts';
import { linksRepository } from './links.repository.ts';
import { recordsRepository } from './records.repository.ts';
import type { Sealer } from './sealer.ts';
import { tenantTokensRepository } from './tenant-tokens.repository.ts';
import { tenantsRepository } from './tenants.repository.ts';

export interface CreateStoreOptions {
  /** An open, migrated database. `store.close()` closes it. */
  db: Db;
  sealer: Sealer;
  /** Clock for row timestamps (created_at, received_at, …); default the system clock. */
  now?: () => Date;
}

export function createStore(options: CreateStoreOptions): Store {
  return build({ db: options.db, sealer: options.sealer, now: options.now ?? (() => new Date()) }, false);
}

function build(context: RepoContext, inTransaction: boolean): Store {
  return {
    transaction: (fn) => (inTransaction ? fn(build(context, true)) : context.db.transaction((tx) => fn(build({ ...context, db: tx }, true)))),
    tenants: tenantsRepository(context),
    tenantTokens: tenantTokensRepository(context),
    connections: connectionsRepository(context),
    integrations: integrationsRepository(context),
    inbox: inboxRepository(context),
    records: recordsRepository(context),
    links: linksRepository(context),
    audit: auditRepository(context),
    cursors: cursorsRepository(context),
    catalog: catalogRepository(context),
    async close() {
      if (inTransaction) throw new Error('close() called inside a transaction');
      await context.db.close();
    },
  };
}
