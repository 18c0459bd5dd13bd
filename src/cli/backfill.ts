/**
 * `ml-connector backfill --since <date> [--integration <id>] [--dry-run]`: posts every order changed since a date,
 * printing progress as it goes; `--dry-run` prints the preview count (would be posted, already posted, conflicts)
 * and writes nothing. Runs each enabled flow in turn, or only the one named.
 */
import { isSyncError } from '../core/errors.ts';
import { backfill, type BackfillProgress, type BackfillReport } from '../sync/backfill.ts';
import type { Connection, Integration } from '../sync/ports.ts';
import { CliError, loadEnv, runningServer, withRuntime } from './context.ts';

export interface BackfillCommandOptions {
  since: string;
  integration?: string;
  dryRun?: boolean;
}

/** Returns the final report text; progress lines go to `progress` as the backfill runs. */
export async function backfillCommand(options: BackfillCommandOptions, progress: (line: string) => void = () => undefined, now: () => Date = () => new Date()): Promise<string> {
  const since = parseSince(options.since, now());
  const env = loadEnv();
  const server = runningServer(env);
  if (server && !env.DATABASE_URL) {
    throw new CliError(
      `\`ml-connector serve\` is running (${server.url}) and holds the embedded database: stop it, run the backfill, then start it again. With DATABASE_URL both can run side by side.`,
    );
  }
  return withRuntime(env, 'backfill', async (rt) => {
    const flows: Array<{ integration: Integration; name: string }> = [];
    for (const tenant of await rt.store.tenants.list()) {
      const connections = new Map<string, Connection>((await rt.store.connections.list(tenant.id)).map((c) => [c.id, c]));
      for (const integration of await rt.store.integrations.list(tenant.id)) {
        if (options.integration ? integration.id !== options.integration : !integration.enabled) continue;
        const name = `${connections.get(integration.sourceConnectionId)?.label ?? 'source'} → ${connections.get(integration.targetConnectionId)?.label ?? 'target'}`;
        flows.push({ integration, name });
      }
    }
    if (flows.length === 0) {
      throw new CliError(options.integration ? `no integration ${options.integration}` : 'No flow to backfill yet: connect a source and a target first (`ml-connector connect …`).');
    }
    const lines: string[] = [];
    for (const { integration, name } of flows) {
      let last = 0;
      const onProgress = (p: BackfillProgress) => {
        const at = Date.now();
        if (p.phase === 'running' && at - last < 1_000) return;
        last = at;
        if (p.phase === 'running') progress(`${name}: ${progressLine(p)}`);
      };
      try {
        const report = await backfill(rt.engine, { tenantId: integration.tenantId, integrationId: integration.id, since, dryRun: options.dryRun === true, onProgress });
        lines.push(summary(name, report));
      } catch (error) {
        throw new CliError(`${name}: the backfill stopped: ${isSyncError(error) || error instanceof Error ? error.message : String(error)}`);
      }
    }
    return lines.join('\n');
  });
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time; not in the future. */
export function parseSince(text: string, now: Date): Date {
  const value = text.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = dateOnly ? Date.parse(`${value}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new CliError(`--since must be a date (2026-01-31) or an ISO date-time (2026-01-31T08:00:00Z), not "${text}"`, 2);
  if (ms > now.getTime()) throw new CliError(`--since ${text} is in the future`, 2);
  return new Date(ms);
}

function progressLine(p: BackfillProgress): string {
  return `${p.orders} orders read; ${p.posted} ${p.dryRun ? 'to post' : 'posted'} in ${p.batches} batch ${p.batches === 1 ? 'request' : 'requests'}, ${p.alreadyPosted} already posted, ${p.conflicts} in conflict, ${p.failed} failed`;
}

export function summary(name: string, r: BackfillReport): string {
  const batches = `${r.batches} batch ${r.batches === 1 ? 'request' : 'requests'}`;
  const parts = r.dryRun
    ? [
        `${r.posted} would be posted${r.mode === 'batch' ? ` in ${batches}` : ''}`,
        `${r.alreadyPosted} already posted`,
        ...(r.linked > 0 ? [`${r.linked} already in the books and would be linked`] : []),
        `${r.conflicts} in conflict`,
        ...(r.skipped > 0 ? [`${r.skipped} cancelled before posting`] : []),
        ...(r.queued > 0 ? [`${r.queued} would go to the per-order jobs`] : []),
        ...(r.failed > 0 ? [`${r.failed} unreadable`] : []),
      ]
    : [
        `${r.posted} posted${r.mode === 'batch' ? ` in ${batches}` : ''}`,
        `${r.alreadyPosted} already posted`,
        ...(r.linked > 0 ? [`${r.linked} found in the books and linked`] : []),
        `${r.conflicts} in conflict`,
        ...(r.skipped > 0 ? [`${r.skipped} cancelled before posting`] : []),
        ...(r.queued > 0 ? [`${r.queued} queued for the per-order jobs (they run when \`ml-connector serve\` runs)`] : []),
        `${r.failed} failed`,
      ];
  const head = `${name}, orders changed since ${r.since}${r.dryRun ? ' (preview: nothing was written)' : ''}: ${r.orders} ${r.orders === 1 ? 'order' : 'orders'}`;
  const tail = !r.dryRun && (r.failed > 0 || r.conflicts > 0) ? ' See why with `ml-connector records --state failed` (or conflict); retry with `ml-connector replay --state failed`.' : '';
  return `${head}: ${parts.join(', ')}.${tail}`;
}
