/** `ml-connector ping`: one cheap read per connection; exit 1 when any is broken. */
import type { PingReport } from '../sync/ping.ts';
import { pingAll } from '../sync/ping.ts';
import { loadEnv, runningServer, withRuntime } from './context.ts';

export async function pingCommand(options: { json?: boolean }): Promise<{ output: string; ok: boolean }> {
  const env = loadEnv();
  const server = runningServer(env);
  const reports = server
    ? (await server.post<{ connections: PingReport[] }>('/api/ping')).connections
    : await withRuntime(env, 'ping', (rt) => pingAll(rt.engine));
  const ok = reports.every((r) => r.ok);
  if (options.json) return { output: JSON.stringify(reports, null, 2), ok };
  if (reports.length === 0) return { output: 'No connections yet. Run `ml-connector connect shopify` and `ml-connector connect zoho-books`, or `npm start` for the sandbox.', ok: true };
  return { output: reports.map((r) => `${r.ok ? 'ok  ' : 'FAIL'}  ${r.system.padEnd(11)} ${r.label}: ${r.message}`).join('\n'), ok };
}
