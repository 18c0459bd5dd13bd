/** `ml-connector sim <system> [--port N]`: runs one simulator standalone until Ctrl-C. */
import { CliError } from './context.ts';
import { startSimulatorProcess } from './simulator-process.ts';

export const SIMULATORS = ['shopify', 'woocommerce', 'shipstation', 'zoho-books', 'quickbooks'] as const;

export async function simCommand(system: string, options: { port?: string }): Promise<number> {
  if (!(SIMULATORS as readonly string[]).includes(system)) throw new CliError(`unknown simulator "${system}"; choose from ${SIMULATORS.join(', ')}`, 2);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) throw new CliError('--port needs a number from 0 to 65535', 2);
  const sim = await startSimulatorProcess([system], port !== undefined ? { ports: [port] } : {});
  for (const [name, url] of Object.entries(sim.urls)) {
    process.stdout.write(`${name} simulator listening on ${url}\n  control: ${url}/_sim/${name}/…   request log: ${url}/_sim/requests   faults: ${url}/_sim/faults\nCtrl-C stops it.\n`);
  }
  const stop = () => void sim.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) => sim.child.once('exit', (code) => resolve(code ?? 0)));
}
