/**
 * `ml-connector serve`: by default webhooks, admin API and operator page, the worker and the scheduler in one
 * process; with `--role` only some of them, so each can run as its own process on its own machine (PostgreSQL
 * only). With no connections of its own (a first start) the web role runs the sandbox. A taken port is replaced
 * by a free one.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.ts';
import { openRuntime, type Runtime } from '../main.ts';
import type { JobWorker } from '../sync/ports.ts';
import { startScheduler, type Scheduler } from '../sync/scheduler.ts';
import { CliError, loadEnv } from './context.ts';
import { writeServerInfo } from './instance.ts';
import { assertRolesFitMode, describeRoles, isAllInOne, parseRoles, type Role } from './roles.ts';
import { startSandbox, type Sandbox } from './sandbox.ts';
import { stopOnSignals, withinGrace } from './shutdown.ts';

export interface ServeOptions {
  /** true: always run the sandbox; false: never; undefined: when no real connection exists. */
  sandbox?: boolean;
  port?: string;
  /** Role names as given (`--role`, repeatable or comma-separated); none means all. */
  roles?: readonly string[];
}

export interface RunningServer {
  /** The HTTP address; null when this process has no web role. */
  url: string | null;
  roles: ReadonlySet<Role>;
  runtime: Runtime;
  sandbox: Sandbox | null;
  stop(): Promise<void>;
}

export async function startServer(options: ServeOptions, print: (line: string) => void): Promise<RunningServer> {
  const env = loadEnv();
  const roles = parseRoles(options.roles);
  assertRolesFitMode(roles, env.DATABASE_URL);
  if (options.sandbox === true && !roles.has('web')) throw new CliError('--sandbox needs the web role: the sandbox is reached through webhooks', 2);
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--port needs a number from 0 to 65535', 2);
    env.PORT = port;
  }
  let runtime: Runtime;
  try {
    runtime = await openRuntime(env, { purpose: isAllInOne(roles) ? 'serve' : `serve --role ${[...roles].join(',')}` });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const graceMs = env.ML_CONNECTOR_SHUTDOWN_GRACE_MS;
  let app: FastifyInstance | null = null;
  let worker: JobWorker | null = null;
  let scheduler: Scheduler | null = null;
  let sandbox: Sandbox | null = null;
  let removeInfo: () => void = () => undefined;
  const stop = async () => {
    // Every role stops taking new work at once; each gets the grace to finish what it started. A worker hands
    // back what is still running after it; a poll still running after it keeps its lease until the lease expires.
    const parts: Array<[string, Promise<unknown> | undefined]> = [
      ['web', app?.close()],
      ['worker', worker?.close(graceMs)],
      ['scheduler', scheduler?.stop()],
    ];
    const results = await Promise.allSettled(parts.map(([, task]) => (task ? withinGrace(task, graceMs + 5_000) : Promise.resolve(true))));
    const problems: string[] = [];
    results.forEach((result, i) => {
      const name = parts[i]![0];
      if (result.status === 'rejected') problems.push(`${name}: ${result.reason instanceof Error ? result.reason.message : String(result.reason)}`);
      else if (!result.value) problems.push(`${name}: still busy after the grace of ${graceMs} ms`);
    });
    await sandbox?.stop();
    removeInfo();
    await runtime.close();
    if (problems.length > 0) runtime.logger.warn({ problems }, 'stopped, but not everything stopped cleanly');
  };
  try {
    let url: string | null = null;
    if (roles.has('web')) {
      app = await buildApp({ engine: runtime.engine, adminToken: runtime.adminToken, logger: runtime.logger, info: { mode: runtime.mode, roles: [...roles] } });
      url = await listen(app, env.HOST, env.PORT, print);
      removeInfo = writeServerInfo(env.dataDir, { pid: process.pid, url, startedAt: new Date().toISOString() });
    }
    const publicUrl = env.ML_CONNECTOR_PUBLIC_URL ?? url ?? undefined;

    if (app && url && publicUrl) {
      const real = (await runtime.store.connections.listAll()).filter((c) => c.config.sandbox !== true && c.status !== 'disabled');
      if (options.sandbox ?? real.length === 0) {
        print('Starting the sandbox: Shopify and Zoho Books simulators, a connected tenant, sample orders…');
        sandbox = await startSandbox(runtime, publicUrl);
      }
    }
    if (roles.has('worker')) worker = runtime.engine.startWorker({ concurrency: env.ML_CONNECTOR_WORKER_CONCURRENCY });
    const pollEveryMs = sandbox ? 30_000 : env.ML_CONNECTOR_POLL_MINUTES * 60_000;
    if (roles.has('scheduler')) scheduler = startScheduler(runtime.engine, { pollEveryMs, catalogEveryMs: env.ML_CONNECTOR_CATALOG_HOURS * 3_600_000, ...(publicUrl ? { publicUrl } : {}) });

    print('');
    print(`ml-connector is running (${runtime.mode} mode, data in ${runtime.mode === 'embedded' ? env.dataDir : 'PostgreSQL'}).`);
    print(`  roles           ${describeRoles(roles)}`);
    if (url) {
      print(`  operator page   ${url}/#token=${runtime.adminToken}`);
      print(`  admin token     ${runtime.adminToken}  (also in ${env.dataDir}/admin-token)`);
      print(`  webhooks        ${publicUrl}/webhooks/<connection-id>/<key>`);
      print(`  health          ${url}/health`);
    }
    if (worker) print(`  worker          up to ${env.ML_CONNECTOR_WORKER_CONCURRENCY} jobs at a time${url ? '' : ', no HTTP listener'}`);
    if (scheduler) {
      print(`  scheduler       polls every source stream every ${pollEveryMs / 60_000} min`);
      if (!publicUrl) print('                  (self-registered webhooks are not checked: set ML_CONNECTOR_PUBLIC_URL)');
    }
    if (sandbox) {
      print('');
      print(`Sandbox: ${sandbox.ordersPlaced} sample orders placed in the Shopify simulator; each becomes an invoice in the Zoho Books simulator within a minute.`);
      print(`  Shopify simulator     ${sandbox.simulators.shopify}`);
      print(`  Zoho Books simulator  ${sandbox.simulators['zoho-books']}  (invoices: ${sandbox.simulators['zoho-books']}/_sim/zoho-books/state/${sandbox.organizationId})`);
      print('  see the records:      npx ml-connector records');
    }
    print('');
    print('Ctrl-C stops it.');
    return { url, roles, runtime, sandbox, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error));
  }
}

async function listen(app: FastifyInstance, host: string, port: number, print: (line: string) => void): Promise<string> {
  try {
    await app.listen({ host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.listen({ host, port: 0 });
    const address = app.server.address();
    print(`Port ${port} is taken; listening on ${typeof address === 'object' && address ? address.port : '?'} instead.`);
  }
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const server = await startServer(options, print);
  await stopOnSignals(() => server.stop(), print).stopped;
  // Everything is closed; a handler that was handed back may still wait on a slow API call. Its outcome is
  // ignored now, so it must not keep the process alive.
  setTimeout(() => process.exit(), 2_000).unref();
}
