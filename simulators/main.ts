/**
 * Standalone entry for the simulators: `ml-connector sim <system> [--port N]`, and the process the sandbox
 * launcher spawns. Prints one JSON line `{"ready":true,"simulators":{name:url}}` on stdout once listening,
 * then serves until SIGINT/SIGTERM. Imports nothing from src/.
 */
import { SimClock } from './_kit/clock.ts';

export const SIMULATOR_NAMES = ['shopify', 'woocommerce', 'shipstation', 'zoho-books', 'quickbooks'] as const;
export type SimulatorName = (typeof SIMULATOR_NAMES)[number];

interface Running {
  url: string;
  close(): Promise<void>;
}

export async function startSimulator(name: SimulatorName, options: { port?: number; clock?: SimClock }): Promise<Running> {
  switch (name) {
    case 'shopify': {
      const { startShopifySim } = await import('./shopify/index.ts');
      return startShopifySim(options);
    }
    case 'zoho-books': {
      const { startZohoBooksSim } = await import('./zoho-books/index.ts');
      return startZohoBooksSim(options);
    }
    case 'woocommerce': {
      const { startWooCommerceSim } = await import('./woocommerce/index.ts');
      return startWooCommerceSim(options);
    }
    case 'quickbooks': {
      const { startQuickBooksSim } = await import('./quickbooks/index.ts');
      return startQuickBooksSim(options);
    }
    case 'shipstation': {
      const { startShipStationSim } = await import('./shipstation/index.ts');
      return startShipStationSim(options);
    }
  }
}

export function parseSimArgs(argv: readonly string[]): { names: SimulatorName[]; ports: number[] } {
  const names: SimulatorName[] = [];
  const ports: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--port') {
      const port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port needs a number from 0 to 65535, not "${argv[i] ?? ''}"`);
      ports.push(port);
    } else if ((SIMULATOR_NAMES as readonly string[]).includes(arg)) names.push(arg as SimulatorName);
    else throw new Error(`unknown simulator "${arg}"; choose from: ${SIMULATOR_NAMES.join(', ')}`);
  }
  if (names.length === 0) throw new Error(`name a simulator: ${SIMULATOR_NAMES.join(', ')}`);
  return { names, ports };
}

async function main(): Promise<void> {
  const { names, ports } = parseSimArgs(process.argv.slice(2));
  const clock = new SimClock();
  const running: Record<string, Running> = {};
  for (const [i, name] of names.entries()) {
    running[name] = await startSimulator(name, { ...(ports[i] !== undefined ? { port: ports[i] } : {}), clock });
  }
  process.stdout.write(`${JSON.stringify({ ready: true, simulators: Object.fromEntries(Object.entries(running).map(([n, r]) => [n, r.url])) })}\n`);
  const stop = async () => {
    await Promise.all(Object.values(running).map((r) => r.close()));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
