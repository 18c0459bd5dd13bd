/** What the use cases are given. Built once in main.ts (or a test), never imported as a singleton. */
import type { Clock, ConnectorRegistry, HttpCall, JobQueue, Leases, Logger, RateBudget, Store } from './ports.ts';

export interface EngineDeps {
  store: Store;
  queue: JobQueue;
  leases: Leases;
  budget: RateBudget;
  registry: ConnectorRegistry;
  /** Raw outbound transport; the runtime wraps it with audit and budget. */
  transport: HttpCall;
  clock: Clock;
  logger: Logger;
  /** Identifies this process in leases and job locks. */
  ownerId: string;
}
