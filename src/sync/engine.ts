/**
 * The engine's face: one object per process holding the runtime and token manager, exposing the use cases
 * the http layer, the CLI and the scheduler call. The job registry is checked here: every job name has one
 * handler.
 */
import { ConnectorRuntime } from './connector-runtime.ts';
import type { EngineDeps } from './deps.ts';
import { sweepInbox } from './dispatch.ts';
import { runExpandPointer } from './expand-pointer.ts';
import { ingestWebhook, type WebhookDelivery } from './ingest-webhook.ts';
import { WebhookIntake } from './intake.ts';
import { pollStream } from './poll-stream.ts';
import type { Connection, JobContext, JobName, JobOutcome, JobWorker } from './ports.ts';
import { replayMany, replayRecord, resumeConnection } from './replay.ts';
import { runSyncEntity } from './sync-entity.ts';
import { TokenManager } from './token-manager.ts';

export class Engine {
  readonly tokens: TokenManager;
  readonly runtime: ConnectorRuntime;
  private readonly intake: WebhookIntake;
  private readonly handlers: Record<JobName, (job: JobContext) => Promise<JobOutcome>>;

  constructor(readonly deps: EngineDeps) {
    this.tokens = new TokenManager(deps);
    this.runtime = new ConnectorRuntime(deps, this.tokens);
    this.intake = new WebhookIntake(deps);
    this.handlers = {
      'sync-entity': (job) => runSyncEntity(deps, this.runtime, job),
      'expand-pointer': (job) => runExpandPointer(deps, this.runtime, job),
    };
  }

  handle = async (job: JobContext): Promise<JobOutcome> => {
    const handler = this.handlers[job.name];
    if (!handler) return { status: 'failed', reason: `no handler for job ${job.name}` };
    return handler(job);
  };

  startWorker(options: { concurrency: number; leaseMs?: number; pollMs?: number }): JobWorker {
    return this.deps.queue.work(this.handle, { workerId: this.deps.ownerId, ...options });
  }

  ingestWebhook(delivery: WebhookDelivery) {
    return ingestWebhook(this.deps, delivery, this.intake);
  }

  /** Resolves once every webhook event taken in so far is committed and handed to the queue. */
  intakeIdle(): Promise<void> {
    return this.intake.idle();
  }

  poll(connection: Connection, stream: string, options?: { since?: Date; backfill?: boolean }) {
    return pollStream(this.deps, this.runtime, connection, stream, options);
  }

  sweepInbox(olderThanMs?: number) {
    return sweepInbox(this.deps, olderThanMs);
  }

  replay(tenantId: string, recordId: string) {
    return replayRecord(this.deps, tenantId, recordId);
  }

  replayMany(tenantId: string, filter: Parameters<typeof replayMany>[2]) {
    return replayMany(this.deps, tenantId, filter);
  }

  resumeConnection(tenantId: string, connectionId: string) {
    return resumeConnection(this.deps, tenantId, connectionId);
  }

  /** The ConnectorContext for one-off calls outside a job (ping, connect). */
  context(connection: Connection) {
    return this.runtime.context(connection, { tenantId: connection.tenantId, recordId: null });
  }
}
