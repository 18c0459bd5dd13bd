/** An engine on a real test store with a fake registry, for use-case tests that need no simulator. */
import { createLogger } from '../../src/config/logger.ts';
import type { Engine } from '../../src/sync/engine.ts';
import type { ConnectorRegistry, HttpCall } from '../../src/sync/ports.ts';
import { createEngine } from '../../src/main.ts';
import type { TestStore } from '../support/test-db.ts';

export function engineOn(db: TestStore, registry: Partial<ConnectorRegistry>, transport: HttpCall, ownerId = 'test-owner'): Engine {
  const full: ConnectorRegistry = {
    webhook: () => undefined,
    auth: () => undefined,
    streams: () => [],
    source: () => {
      throw new Error('no source in this test');
    },
    target: () => {
      throw new Error('no target in this test');
    },
    budget: () => null,
    ...registry,
  };
  return createEngine({ db: db.db, store: db.store, logger: createLogger({ level: 'silent' }), registry: full, transport, ownerId });
}
