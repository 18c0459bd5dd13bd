/**
 * Proves each stored connection works with one cheap read, and says plainly what is wrong when it does not.
 * A failure to even reach the service is reported, never thrown.
 */
import { classify } from '../core/errors.ts';
import type { Engine } from './engine.ts';
import type { Connection, PingResult } from './ports.ts';

export interface PingReport extends PingResult {
  tenantId: string;
  connectionId: string;
  system: string;
  label: string;
  status: Connection['status'];
}

export async function pingConnection(engine: Engine, connection: Connection): Promise<PingReport> {
  const base = { tenantId: connection.tenantId, connectionId: connection.id, system: connection.system, label: connection.label, status: connection.status };
  if (connection.status === 'needs_reauth') {
    return { ...base, ok: false, message: `needs to be reconnected: ${connection.statusReason ?? 'the grant was refused'}` };
  }
  try {
    const ctx = engine.context(connection);
    const result = connection.role === 'source' ? await engine.deps.registry.source(ctx).ping() : await engine.deps.registry.target(ctx).ping();
    return { ...base, ...result };
  } catch (error) {
    return { ...base, ok: false, message: classify(error).message };
  }
}

export async function pingAll(engine: Engine, tenantId?: string): Promise<PingReport[]> {
  const connections = tenantId ? await engine.deps.store.connections.list(tenantId) : await engine.deps.store.connections.listAll();
  const reports: PingReport[] = [];
  for (const connection of connections) {
    if (connection.status === 'disabled') continue;
    reports.push(await pingConnection(engine, connection));
  }
  return reports;
}
