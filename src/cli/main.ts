/** The `ml-connector` command line: one file per command, wired here. */
import { Command, Option } from 'commander';
import { backfillCommand } from './backfill.ts';
import { CliError } from './context.ts';
import { connectCommand } from './connect.ts';
import { flowsCommand, flowsSetCommand } from './flows.ts';
import { flowsMappingsCommand } from './mappings.ts';
import { migrateCommand } from './migrate.ts';
import { pingCommand } from './ping.ts';
import { previewCommand } from './preview.ts';
import { recordsCommand } from './records.ts';
import { replayCommand } from './replay.ts';
import { serveCommand } from './serve.ts';
import { simCommand } from './sim.ts';
import { tokensCreateCommand, tokensListCommand, tokensRevokeCommand } from './tokens.ts';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const program = new Command('ml-connector')
  .description('Keeps accounting books (Zoho Books, QuickBooks Online) in step with a shop and its shipping (Shopify, WooCommerce, ShipStation).')
  .showHelpAfterError();

program
  .command('serve')
  .description('run webhooks, the worker and the pollers; with no connections yet, the sandbox')
  .option('--role <role>', 'only this role: web, worker or scheduler (repeatable or comma-separated; default all three; PostgreSQL only)', (value: string, previous: string[]) => [...previous, value], [] as string[])
  .option('--sandbox', 'run the sandbox even when real connections exist')
  .option('--no-sandbox', 'never run the sandbox')
  .option('--port <port>', 'port to listen on (default PORT or 3000)')
  .action(async (options: { sandbox?: boolean; port?: string; role: string[] }) => {
    const explicit = process.argv.includes('--sandbox') || process.argv.includes('--no-sandbox');
    await serveCommand({ ...(explicit ? { sandbox: options.sandbox } : {}), ...(options.port ? { port: options.port } : {}), roles: options.role });
  });

program
  .command('connect <system>')
  .description('connect shopify, woocommerce or shipstation (keys), or zoho-books or quickbooks (OAuth in the browser)')
  .option('--tenant <name>', 'the merchant this connection belongs to', 'default')
  .option('--shop <domain>', 'shopify: the *.myshopify.com domain')
  .option('--token <token>', 'shopify: Admin API access token')
  .option('--webhook-secret <secret>', "shopify: the app's client secret (signs webhooks)")
  .addOption(new Option('--api-base-url <url>', 'shopify, shipstation: another base URL (a simulator)').hideHelp())
  .option('--site <url>', 'woocommerce: the store address (https://…)')
  .option('--consumer-key <key>', 'woocommerce: REST API consumer key (ck_…)')
  .option('--consumer-secret <secret>', 'woocommerce: REST API consumer secret (cs_…)')
  .option('--api-key <key>', 'shipstation: V1 API key')
  .option('--api-secret <secret>', 'shipstation: V1 API secret')
  .option('--v2-api-key <key>', 'shipstation: V2 API key (optional)')
  .option('--client-id <id>', 'zoho-books, quickbooks: OAuth client id')
  .option('--client-secret <secret>', 'zoho-books, quickbooks: OAuth client secret')
  .option('--dc <dc>', 'zoho-books: data centre (us, eu, in, au, jp, ca, cn, sa, uk)', 'us')
  .addOption(new Option('--accounts-server <url>', 'zoho-books: another accounts server (a simulator)').hideHelp())
  .option('--organization <id>', 'zoho-books: organization id when the user has several')
  .option('--environment <env>', 'quickbooks: production or sandbox', 'production')
  .option('--income-account <id>', 'quickbooks: income account for items created by the sync')
  .addOption(new Option('--oauth-base-url <url>', 'quickbooks: another OAuth host root (a simulator)').hideHelp())
  .option('--redirect-port <port>', 'zoho-books, quickbooks: local port for the OAuth redirect', '8765')
  .action(async (system: string, options) => connectCommand(system, options, print));

program
  .command('ping')
  .description('prove every connection works with one cheap read')
  .option('--json', 'machine-readable output')
  .action(async (options: { json?: boolean }) => {
    const { output, ok } = await pingCommand(options);
    print(output);
    if (!ok) process.exitCode = 1;
  });

program
  .command('backfill')
  .description('post every order changed since a date, with progress; --dry-run prints the preview count and writes nothing')
  .requiredOption('--since <date>', 'a date (2026-01-31, midnight UTC) or an ISO date-time')
  .option('--integration <id>', 'only this flow (default: every enabled flow)')
  .option('--dry-run', 'count the orders that would be posted, are already posted, or are in conflict; write nothing')
  .action(async (options: { since: string; integration?: string; dryRun?: boolean }) => {
    print(await backfillCommand(options, (line) => process.stderr.write(`${line}\n`)));
  });

const flows = program.command('flows').description('list every source → target flow and its settings').action(async () => print(await flowsCommand()));
flows
  .command('set <id> <json>')
  .description('replace a flow\'s settings: shipments (journal with accounts, or note), shippingByMethod, taxByRate, markSent')
  .action(async (id: string, json: string) => print(await flowsSetCommand(id, json)));
flows
  .command('mappings <id>')
  .description("a flow's shipping methods and products, what each maps to, the target's items and accounts, and the command that maps each unmapped method")
  .option('--json', 'machine-readable output')
  .action(async (id: string, options: { json?: boolean }) => print(await flowsMappingsCommand(id, options)));

const tokens = program.command('tokens').description("a tenant's own API tokens: each reaches only that tenant's routes");
tokens
  .command('create <tenant>')
  .description('issue a token for a tenant (name or id); it is printed once')
  .option('--label <label>', 'what the token is for', 'api')
  .action(async (tenant: string, options: { label?: string }) => print(await tokensCreateCommand(tenant, options)));
tokens.command('list <tenant>').description("a tenant's tokens (ids and labels, never the tokens)").action(async (tenant: string) => print(await tokensListCommand(tenant)));
tokens.command('revoke <tenant> <id>').description('revoke a token at once').action(async (tenant: string, id: string) => print(await tokensRevokeCommand(tenant, id)));

program
  .command('records')
  .description('every sync record: source, target, entity, state, target id, reason')
  .option('--json', 'machine-readable output')
  .option('--state <state>', 'only records in this state')
  .option('--entity <entity>', 'only this entity type')
  .action(async (options) => print(await recordsCommand(options)));

program
  .command('replay [recordId]')
  .description('run a record again (or all records in a state), safely')
  .option('--state <state>', 'replay every record in this state (failed, conflict, retrying)')
  .option('--entity <entity>', 'with --state: only this entity type')
  .action(async (recordId: string | undefined, options) => print(await replayCommand(recordId, options)));

program
  .command('preview <file>')
  .description('map one order without any network call and show what would be sent')
  .requiredOption('--source <system>', 'shopify')
  .requiredOption('--target <system>', 'zoho-books')
  .option('--json', 'machine-readable output')
  .action((file: string, options: { source: string; target: string; json?: boolean }) => {
    const { output, exitCode } = previewCommand(file, options);
    print(output);
    process.exitCode = exitCode;
  });

program
  .command('sim <system>')
  .description('run one simulator standalone (shopify, zoho-books)')
  .option('--port <port>', 'port to listen on')
  .action(async (system: string, options: { port?: string }) => {
    process.exitCode = await simCommand(system, options);
  });

program.command('migrate').description('apply database migrations').action(async () => print(await migrateCommand()));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
