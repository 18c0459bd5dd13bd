/**
 * The list of connectors: the one place that enumerates them. The engine reaches a connector only through
 * this registry, by the system name stored on a connection.
 */
import type { AuthFlow, BudgetRule, Clock, Connection, ConnectorContext, ConnectorRegistry, SourceClient, SystemName, TargetClient, WebhookVerifier } from '../sync/ports.ts';
import { createQuickBooksAuth, quickbooksConnector } from './quickbooks/index.ts';
import { shipstationConnector } from './shipstation/index.ts';
import { shopifyConnector } from './shopify/index.ts';
import { woocommerceConnector } from './woocommerce/index.ts';
import { createZohoAuth, zohoBooksConnector } from './zoho-books/index.ts';

interface SourceEntry {
  webhook?: WebhookVerifier;
  source(ctx: ConnectorContext): SourceClient;
  streams: readonly string[];
  budget?(connection: Connection): { key: string; rules: BudgetRule[] } | null;
}

interface TargetEntry {
  auth?: AuthFlow;
  target(ctx: ConnectorContext): TargetClient;
  budget?(connection: Connection): { key: string; rules: BudgetRule[] } | null;
}

export function createRegistry(deps: { clock: Clock }): ConnectorRegistry {
  const sources: Partial<Record<SystemName, SourceEntry>> = {
    shopify: { webhook: shopifyConnector.webhook, source: shopifyConnector.source, streams: Object.keys(shopifyConnector.manifest.polling.streams) },
    shipstation: { webhook: shipstationConnector.webhook, source: shipstationConnector.source, streams: shipstationConnector.streams, budget: shipstationConnector.budget },
    woocommerce: { webhook: woocommerceConnector.webhook, source: woocommerceConnector.source, streams: woocommerceConnector.streams, budget: woocommerceConnector.budget },
  };
  const targets: Partial<Record<SystemName, TargetEntry>> = {
    'zoho-books': { auth: createZohoAuth({ now: () => deps.clock.now() }), target: zohoBooksConnector.target, budget: zohoBooksConnector.budget },
    quickbooks: { auth: createQuickBooksAuth({ now: () => deps.clock.now() }), target: quickbooksConnector.target, budget: quickbooksConnector.budget },
  };
  const entryOf = (connection: Connection) => (connection.role === 'source' ? sources[connection.system] : targets[connection.system]);
  return {
    webhook: (system) => sources[system]?.webhook,
    auth: (system) => targets[system]?.auth,
    streams: (system) => sources[system]?.streams ?? [],
    source(ctx) {
      const entry = sources[ctx.connection.system];
      if (!entry) throw new Error(`${ctx.connection.system} is not a source this version supports`);
      return entry.source(ctx);
    },
    target(ctx) {
      const entry = targets[ctx.connection.system];
      if (!entry) throw new Error(`${ctx.connection.system} is not a target this version supports`);
      return entry.target(ctx);
    },
    budget: (connection) => entryOf(connection)?.budget?.(connection) ?? null,
  };
}
