/** `ml-connector records [--json] [--state S] [--entity E]`: every sync record with its state and reason. */
import { listRecordViews, type RecordView } from '../sync/record-views.ts';
import type { EntityType, RecordState } from '../sync/ports.ts';
import { CliError, loadEnv, printTable, runningServer, withRuntime } from './context.ts';

const STATES = ['pending', 'running', 'synced', 'retrying', 'failed', 'conflict', 'skipped'];
const ENTITIES = ['order', 'customer', 'product', 'refund', 'shipment'];

export interface RecordsOptions {
  json?: boolean;
  state?: string;
  entity?: string;
}

export async function recordsCommand(options: RecordsOptions): Promise<string> {
  if (options.state && !STATES.includes(options.state)) throw new CliError(`--state must be one of ${STATES.join(', ')}`, 2);
  if (options.entity && !ENTITIES.includes(options.entity)) throw new CliError(`--entity must be one of ${ENTITIES.join(', ')}`, 2);
  const env = loadEnv();
  const server = runningServer(env);
  let records: RecordView[];
  if (server) {
    const query = new URLSearchParams({ ...(options.state ? { state: options.state } : {}), ...(options.entity ? { entity: options.entity } : {}), limit: '10000' });
    records = (await server.get<{ records: RecordView[] }>(`/api/records?${query}`)).records;
  } else {
    records = await withRuntime(env, 'records', (rt) =>
      listRecordViews(rt.store, { limit: 10_000, ...(options.state ? { state: options.state as RecordState } : {}), ...(options.entity ? { entity: options.entity as EntityType } : {}) }),
    );
  }
  if (options.json) return JSON.stringify(records, null, 2);
  if (records.length === 0) return 'No records yet.';
  return printTable(records as unknown as Record<string, unknown>[], ['source', 'target', 'entity', 'source_ref', 'state', 'target_id', 'reason', 'id']);
}
