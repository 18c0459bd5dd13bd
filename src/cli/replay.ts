/** `ml-connector replay <record-id>` or `replay --state failed [--entity order]`: run records again, safely. */
import type { EntityType, RecordState } from '../sync/ports.ts';
import { listRecordViews, type RecordView } from '../sync/record-views.ts';
import { CliError, loadEnv, runningServer, withRuntime } from './context.ts';

export async function replayCommand(recordId: string | undefined, options: { state?: string; entity?: string }): Promise<string> {
  if (!recordId && !options.state) throw new CliError('name a record id, or --state failed|conflict|retrying', 2);
  const env = loadEnv();
  const server = runningServer(env);
  if (server) {
    const { records } = await server.get<{ records: RecordView[] }>('/api/records?limit=10000');
    if (recordId) {
      const record = records.find((r) => r.id === recordId);
      if (!record) throw new CliError(`no record ${recordId}`);
      await server.post(`/api/tenants/${record.tenantId}/records/${record.id}/replay`);
      return `Replaying ${record.entity} ${record.source_ref ?? record.source_id}.`;
    }
    const tenants = [...new Set(records.map((r) => r.tenantId))];
    let total = 0;
    for (const tenantId of tenants) {
      total += (await server.post<{ replayed: number }>(`/api/tenants/${tenantId}/replay`, { state: options.state, ...(options.entity ? { entity: options.entity } : {}) })).replayed;
    }
    return `Replaying ${total} record(s).`;
  }
  return withRuntime(env, 'replay', async (rt) => {
    const views = await listRecordViews(rt.store, { limit: 100_000 });
    if (recordId) {
      const record = views.find((r) => r.id === recordId);
      if (!record) throw new CliError(`no record ${recordId}`);
      const result = await rt.engine.replay(record.tenantId, record.id);
      if (!result.ok) throw new CliError(result.message);
      return `Queued ${record.entity} ${record.source_ref ?? record.source_id}; it runs when \`ml-connector serve\` runs.`;
    }
    let total = 0;
    for (const tenantId of new Set(views.map((v) => v.tenantId))) {
      total += await rt.engine.replayMany(tenantId, { state: options.state as RecordState, ...(options.entity ? { entityType: options.entity as EntityType } : {}) });
    }
    return `Queued ${total} record(s); they run when \`ml-connector serve\` runs.`;
  });
}
