/**
 * The ShipStation SourceClient: ping, the authoritative order, customer and shipment (re-read on every event,
 * DESIGN.md §2.2), the polling streams, pointer expansion and webhook upkeep. All calls go through client.ts
 * over the context's HttpCall, and so through the engine's shared 40-a-minute budget.
 */
import { isSyncError, SyncError } from '../../core/errors.ts';
import type { Customer, Order, Shipment } from '../../core/model.ts';
import type { CatalogShippingMethod, ConnectorContext, OrderListPage, PingResult, PollPage, SourceCatalog, SourceClient, WebhookHealth } from '../../sync/ports.ts';
import type { ShipStationClient } from './client.ts';
import { createShipStationClient, listCarriers, listProducts, listServices } from './client.ts';
import { currencyOf, manifest } from './connector.ts';
import { formatPacificFilter } from './pacific-time.ts';
import { V1Webhook, V1WebhookList } from './schemas.ts';
import type { V1Webhook as V1WebhookT } from './schemas.ts';
import { parseShipmentSourceId } from './source-ids.ts';
import { fulfillmentItem, labelItem, orderItem, poll, strip } from './streams.ts';
import type { PollOptions, Seen } from './streams.ts';
import {
  carrierCodeOf,
  catalogProductFromShipStation,
  customerFromShipStation,
  orderFromShipStation,
  shipmentFromFulfillment,
  shipmentFromShipStation,
  shippingMethodsFromShipStation,
} from './to-canonical.ts';
import { checkPointer } from './webhook.ts';

export type ShipStationSourceOptions = PollOptions;

export interface ShipStationSource extends SourceClient {
  fetchShipment(id: string): Promise<Shipment | null>;
  expandPointer(pointer: { url: string; resourceType: string }): AsyncIterable<PollPage>;
  ensureWebhooks(address: string): Promise<WebhookHealth>;
  listOrders(since: Date): AsyncIterable<OrderListPage>;
  catalog(): Promise<SourceCatalog>;
}

export function createShipStationSource(ctx: ConnectorContext, options: ShipStationSourceOptions = {}): ShipStationSource {
  const client = createShipStationClient(ctx);
  const currency = currencyOf(ctx.connection);
  const pageSize = options.pageSize ?? manifest.polling.pageSize;

  return {
    async ping(): Promise<PingResult> {
      const host = new URL(client.baseUrl).host;
      let total: number;
      try {
        total = (await client.list('/orders', 'orders', { pageSize: 1, sortBy: 'ModifyDate', sortDir: 'DESC' }, 'shipstation.ping')).total;
      } catch (error) {
        return { ok: false, message: pingFailure(error, host) };
      }
      let v2 = '';
      if (client.hasV2) {
        try {
          await client.v2Get('/v2/shipments', { page_size: 1 }, 'shipstation.v2.ping');
          v2 = ' The V2 API key works too.';
        } catch (error) {
          if (isSyncError(error) && error.code === 'AUTH_REVOKED') {
            return { ok: false, message: 'The V1 API key and secret work, but ShipStation refused the V2 API key: re-enter it, or remove it from the connection.' };
          }
          v2 = ` The V2 API could not be checked (${isSyncError(error) ? error.message : String(error)}).`;
        }
      }
      return { ok: true, message: `Connected to ShipStation (${host}): the API key and secret work, ${total} ${total === 1 ? 'order is' : 'orders are'} visible.${v2}` };
    },

    async fetchOrder(id: string): Promise<Order | null> {
      const orderId = numericId(id, 'order');
      const body = await orNull(client.get(`/orders/${orderId}`, {}, 'shipstation.orders.get'));
      return body === null ? null : orderFromShipStation(body, { currency });
    },

    async fetchCustomer(id: string): Promise<Customer | null> {
      const customerId = numericId(id, 'customer');
      const body = await orNull(client.get(`/customers/${customerId}`, {}, 'shipstation.customers.get'));
      return body === null ? null : customerFromShipStation(body);
    },

    async fetchShipment(id: string): Promise<Shipment | null> {
      const ref = parseShipmentSourceId(id);
      if (!ref) {
        throw new SyncError('VALIDATION', `"${id}" is not a ShipStation shipment id (label:<orderId>:<shipmentId> or fulfillment:<fulfillmentId>)`);
      }
      if (ref.kind === 'label') {
        // No GET /shipments/{id} in V1: list the order's labels and pick this one (source-ids.ts).
        const record = await findInList(client, '/shipments', 'shipments', { orderId: ref.orderId }, pageSize, 'shipstation.shipments.get', (r) => idOf(r, 'shipmentId') === ref.shipmentId);
        return record === undefined ? null : shipmentFromShipStation(record, { currency });
      }
      const record = await findInList(client, '/fulfillments', 'fulfillments', { fulfillmentId: ref.fulfillmentId }, pageSize, 'shipstation.fulfillments.get', (r) => idOf(r, 'fulfillmentId') === ref.fulfillmentId);
      return record === undefined ? null : shipmentFromFulfillment(record, { currency });
    },

    poll: (stream, cursor, since) => poll(client, stream, cursor, since, ctx.now(), options),

    expandPointer: (pointer) => expand(client, ctx, pointer, pageSize),

    listOrders: (since) => listOrders(client, ctx, since, currency, options),

    /**
     * Products (every page, inactive included) and every connected carrier's services: 1 + pages + carriers calls
     * on the shared 40-a-minute budget. A carrier listed twice (two accounts of one carrier) is asked once.
     */
    async catalog(): Promise<SourceCatalog> {
      const products = (await listProducts(client, options.pageSize ? { pageSize: options.pageSize } : {})).map(catalogProductFromShipStation);
      const shippingMethods: CatalogShippingMethod[] = [];
      const asked = new Set<string>();
      for (const carrier of await listCarriers(client)) {
        const code = carrierCodeOf(carrier);
        if (asked.has(code)) continue;
        asked.add(code);
        shippingMethods.push(...shippingMethodsFromShipStation(carrier, await listServices(client, code)));
      }
      return { products, shippingMethods };
    },

    async ensureWebhooks(address: string): Promise<WebhookHealth> {
      const hooks = readHooks(await client.get('/webhooks', {}, 'shipstation.webhooks.list'));
      const repaired: string[] = [];
      for (const event of manifest.webhook.subscribed) {
        const ours = hooks.filter((h) => h.HookType.trim().toUpperCase() === event && sameUrl(h.Url, address));
        const active = ours.filter((h) => h.Active !== false);
        const [keep, ...extra] = active;
        for (const duplicate of extra) {
          await client.delete(`/webhooks/${duplicate.WebHookID}`, 'shipstation.webhooks.delete');
          repaired.push(`${event} was subscribed twice to this connection's address: removed the duplicate (webhook ${duplicate.WebHookID}).`);
        }
        if (keep) continue;
        // ShipStation cannot re-activate a hook through the API (only the UI edits them, notes §4): replace it.
        for (const inactive of ours) {
          await client.delete(`/webhooks/${inactive.WebHookID}`, 'shipstation.webhooks.delete');
        }
        await client.post('/webhooks/subscribe', { target_url: address, event, friendly_name: `ml-connector ${event}` }, 'shipstation.webhooks.subscribe');
        repaired.push(
          ours.length > 0
            ? `${event} was switched off in ShipStation: replaced it with an active subscription to this connection's address.`
            : `${event} was not subscribed: subscribed it to this connection's address.`,
        );
      }
      const events = manifest.webhook.subscribed.join(', ');
      return {
        ok: true,
        repaired,
        message:
          repaired.length === 0
            ? `ShipStation sends ${events} to this connection's address.`
            : `ShipStation now sends ${events} to this connection's address (${repaired.length} ${repaired.length === 1 ? 'repair' : 'repairs'}).`,
      };
    },
  };
}

/**
 * Every page of the batch a pointer names (an ORDER_NOTIFY / SHIP_NOTIFY list can hold many records over
 * several pages, notes pitfall 4). The URL is checked again before our credentials go to it. Cursors unused.
 */
async function* expand(client: ShipStationClient, ctx: ConnectorContext, pointer: { url: string; resourceType: string }, pageSize: number): AsyncGenerator<PollPage> {
  const check = checkPointer(pointer.url, pointer.resourceType, ctx.connection);
  if (!check.ok) throw new SyncError('VALIDATION', `the ShipStation pointer was not followed: ${check.message}`);
  const read: (record: unknown) => Seen = check.target.listKey === 'orders' ? orderItem : check.target.listKey === 'shipments' ? labelItem : fulfillmentItem;
  const url = check.url.toString();
  for (let page = 1; page <= manifest.polling.maxPages; page += 1) {
    const list = await client.list(url, check.target.listKey, { page, pageSize }, `shipstation.${check.target.listKey}.pointer`);
    yield { items: list.records.map(read).map(strip), cursor: '' };
    if (page >= list.pages || list.records.length === 0) return;
  }
}

/**
 * Every order modified since `since` as canonical orders, for a backfill: `GET /orders?modifyDateStart=<since>
 * &modifyDateEnd=<now, frozen>&sortBy=ModifyDate&sortDir=ASC&pageSize=500`, every page. The list holds whole
 * orders, so nothing is fetched one by one. Like the poller (streams.ts), the end is frozen (here one second
 * ahead, as filters name whole seconds and an order of this very second must be in) so an order edited during
 * the scan leaves the list instead of moving; a `total` that changes between pages restarts from page 1, and
 * orders already yielded in this scan are not yielded again. An order that cannot be mapped is named on its page
 * (`unreadable`) instead of failing the whole backfill. Orders changed during the scan are the poller's job.
 */
async function* listOrders(client: ShipStationClient, ctx: ConnectorContext, since: Date, currency: string, options: ShipStationSourceOptions): AsyncGenerator<OrderListPage> {
  const pageSize = options.pageSize ?? manifest.polling.pageSize;
  const maxRestarts = options.maxRestarts ?? manifest.polling.maxRestarts;
  const maxPages = options.maxPages ?? manifest.polling.maxPages;
  const query = {
    modifyDateStart: formatPacificFilter(since.getTime()),
    modifyDateEnd: formatPacificFilter(ctx.now().getTime() + 1_000),
    sortBy: 'ModifyDate',
    sortDir: 'ASC',
  };
  const seen = new Set<string>();
  let page = 1;
  let firstTotal: number | null = null;
  let restarts = 0;
  for (let fetched = 1; ; fetched += 1) {
    const list = await client.list('/orders', 'orders', { ...query, page, pageSize }, 'shipstation.orders.list');
    firstTotal ??= list.total;
    const orders: OrderListPage = [];
    const unreadable: NonNullable<OrderListPage['unreadable']> = [];
    for (const record of list.records) {
      const id = idOf(record, 'orderId') ?? '';
      if (id !== '' && seen.has(id)) continue;
      if (id !== '') seen.add(id);
      try {
        orders.push(orderFromShipStation(record, { currency }));
      } catch (error) {
        unreadable.push({ sourceId: id, sourceRef: idOf(record, 'orderNumber') ?? null, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    if (unreadable.length > 0) orders.unreadable = unreadable;
    yield orders;
    if (list.total !== firstTotal && restarts < maxRestarts) {
      restarts += 1;
      page = 1;
      firstTotal = null;
      continue;
    }
    if (page >= list.pages || list.records.length === 0) return;
    if (fetched >= maxPages) {
      throw new SyncError('VALIDATION', `ShipStation still had more orders after ${maxPages} pages of ${pageSize}; backfill a shorter period (a later --since)`);
    }
    page += 1;
  }
}

async function findInList(
  client: ShipStationClient,
  path: string,
  listKey: string,
  query: Record<string, string>,
  pageSize: number,
  op: string,
  match: (record: unknown) => boolean,
): Promise<unknown> {
  for (let page = 1; page <= manifest.polling.maxPages; page += 1) {
    const list = await client.list(path, listKey, { ...query, page, pageSize }, op);
    const found = list.records.find(match);
    if (found !== undefined) return found;
    if (page >= list.pages || list.records.length === 0) return undefined;
  }
  return undefined;
}

function readHooks(body: unknown): V1WebhookT[] {
  const parsed = V1WebhookList.safeParse(body);
  if (!parsed.success) throw new SyncError('SOURCE_PAYLOAD_INVALID', 'ShipStation GET /webhooks did not answer with a list of webhooks');
  const list = Array.isArray(parsed.data) ? parsed.data : (parsed.data.webhooks ?? []);
  return list.flatMap((item) => {
    const hook = V1Webhook.safeParse(item);
    return hook.success ? [hook.data] : [];
  });
}

function sameUrl(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const norm = (url: string): string => url.trim().replace(/\/+$/, '');
  try {
    const x = new URL(norm(a));
    const y = new URL(norm(b));
    return x.protocol === y.protocol && x.host.toLowerCase() === y.host.toLowerCase() && x.pathname === y.pathname && x.search === y.search;
  } catch {
    return norm(a) === norm(b);
  }
}

function idOf(record: unknown, key: string): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const value = (record as Record<string, unknown>)[key];
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' ? String(value) : undefined;
}

function numericId(id: string, what: string): string {
  const trimmed = id.trim();
  if (!/^\d+$/.test(trimmed)) throw new SyncError('VALIDATION', `"${id}" is not a ShipStation ${what} id (a whole number)`);
  return trimmed;
}

async function orNull(request: Promise<unknown>): Promise<unknown> {
  try {
    return await request;
  } catch (error) {
    if (isSyncError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function pingFailure(error: unknown, host: string): string {
  if (!isSyncError(error)) return `ShipStation (${host}) could not be checked: ${error instanceof Error ? error.message : String(error)}.`;
  switch (error.code) {
    case 'AUTH_REVOKED':
      return 'ShipStation refused the API key and secret: re-enter them from ShipStation (Settings → Account → API Settings).';
    case 'NETWORK':
    case 'TIMEOUT':
      return `Could not reach ShipStation at ${host}: check the network, and the API base URL if one is set. (${error.message})`;
    case 'RATE_LIMITED':
      return `ShipStation's limit of ${manifest.rateLimits.perMinute} calls a minute for this API key is used up right now; try again in ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
    case 'NOT_FOUND':
      return `No ShipStation API answers at ${host}: check the API base URL.`;
    default:
      return `ShipStation (${host}) answered with an error: ${error.message}.`;
  }
}
