/**
 * The WooCommerce SourceClient: ping, the authoritative order and customer (re-read on every event, DESIGN.md
 * §2.2), the polling streams, and the webhooks this product registers on the store (WooCommerce switches a
 * webhook off silently after repeated failed deliveries, notes §8.5 and §9.1, so they are checked and repaired
 * on a schedule). All calls go through client.ts over the context's HttpCall.
 */
import { z } from 'zod';
import { isSyncError, SyncError } from '../../core/errors.ts';
import type { Customer, Order } from '../../core/model.ts';
import type { ConnectorContext, OrderListPage, PingResult, SourceClient, WebhookHealth } from '../../sync/ports.ts';
import type { WooCommerceClient, WooCommerceClientOptions } from './client.ts';
import { createWooCommerceClient } from './client.ts';
import { HANDLED_TOPICS, manifest } from './connector.ts';
import { WooChanged, WooWebhook } from './schemas.ts';
import type { WooWebhook as WooWebhookShape } from './schemas.ts';
import { gmtWall, poll } from './streams.ts';
import type { PollOptions } from './streams.ts';
import { customerFromWooCommerce, orderFromWooCommerce } from './to-canonical.ts';

export interface WooCommerceSourceOptions extends WooCommerceClientOptions, PollOptions {}

export interface WooCommerceSource extends SourceClient {
  ensureWebhooks(address: string): Promise<WebhookHealth>;
  listOrders(since: Date): AsyncIterable<OrderListPage>;
  readonly client: WooCommerceClient;
}

export function createWooCommerceSource(ctx: ConnectorContext, options: WooCommerceSourceOptions = {}): WooCommerceSource {
  const client = createWooCommerceClient(ctx, options);
  const store = client.siteUrl || 'the WooCommerce store';

  return {
    client,

    async ping(): Promise<PingResult> {
      try {
        const response = await client.request('GET', '/orders', { query: { per_page: 1, _fields: 'id' }, op: 'woocommerce.ping' });
        if (!Array.isArray(response.json)) {
          return { ok: false, message: `${store} answered, but not with WooCommerce's order list: check that the address is the store's WordPress site.` };
        }
        const total = response.headers['x-wp-total'];
        const how = client.authMode === 'oauth' ? 'OAuth 1.0a signatures (plain HTTP)' : client.authMode === 'query' ? 'keys in the query string' : 'HTTP Basic over HTTPS';
        return { ok: true, message: `Connected to the WooCommerce store at ${store} with ${how}${total !== undefined ? `; ${total} orders are visible` : ''}.` };
      } catch (error) {
        if (!isSyncError(error)) throw error;
        return { ok: false, message: pingSentence(error, store, client) };
      }
    },

    async fetchOrder(id: string): Promise<Order | null> {
      const key = wooId(id, 'order');
      try {
        const { json } = await client.request('GET', `/orders/${key}`, { op: 'woocommerce.orders.get' });
        return orderFromWooCommerce(json);
      } catch (error) {
        if (isSyncError(error) && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },

    async fetchCustomer(id: string): Promise<Customer | null> {
      const key = wooId(id, 'customer');
      // customer_id 0 is a guest (notes §5): there is no customer record to read.
      if (/^0+$/.test(key)) return null;
      try {
        const { json } = await client.request('GET', `/customers/${key}`, { op: 'woocommerce.customers.get' });
        return customerFromWooCommerce(json);
      } catch (error) {
        if (isSyncError(error) && error.code === 'NOT_FOUND') return null;
        throw error;
      }
    },

    poll: (stream, cursor, since) => poll(client, stream, cursor, since, ctx.now, options),

    listOrders: (since) => listOrders(client, since, options),

    async ensureWebhooks(address: string): Promise<WebhookHealth> {
      return ensureWebhooks(client, ctx, address);
    },
  };
}

/**
 * Every order modified since `since` as canonical orders, for a backfill: `GET /orders?modified_after=<since − 1 s>
 * &dates_are_gmt=true&status=any&orderby=id&order=asc&per_page=100`, every page, whole orders (no `_fields`), so
 * nothing is fetched one by one. `modified_after` is exclusive and takes whole seconds (streams.ts), hence the
 * second before; pages go by id, which an edit made while we page does not move. An order the store sends although
 * it is older than `since` (a store that ignores the filter) is left out; an order that cannot be mapped is named
 * on its page (`unreadable`) instead of failing the whole backfill.
 */
async function* listOrders(client: WooCommerceClient, since: Date, options: WooCommerceSourceOptions): AsyncGenerator<OrderListPage> {
  const floor = Math.floor(since.getTime() / 1000) * 1000;
  const query = {
    modified_after: gmtWall(new Date(floor - 1000)),
    dates_are_gmt: true,
    status: 'any',
    orderby: 'id',
    order: 'asc',
    per_page: options.pageSize ?? manifest.polling.pageSize,
  };
  const seen = new Set<string>();
  for await (const page of client.pages('/orders', z.unknown(), { query, op: 'woocommerce.orders.list' })) {
    const orders: OrderListPage = [];
    const unreadable: NonNullable<OrderListPage['unreadable']> = [];
    for (const record of page.items) {
      const raw = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
      const id = scalar(raw['id']) ?? '';
      if (id !== '' && seen.has(id)) continue;
      if (id !== '') seen.add(id);
      let order: Order;
      try {
        order = orderFromWooCommerce(record);
      } catch (error) {
        unreadable.push({ sourceId: id, sourceRef: scalar(raw['number']) ?? null, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (Date.parse(order.updatedAt) < floor) continue;
      orders.push(order);
    }
    if (unreadable.length > 0) orders.unreadable = unreadable;
    yield orders;
  }
}

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined;
}

/**
 * For each handled topic, exactly one webhook to `address`, active, with our secret:
 *   none                → created (status active, our secret);
 *   disabled / paused   → PUT status active with our secret again (a secret changed by hand is what makes
 *                         deliveries fail, and so what disables a webhook);
 *   more than one       → the active one (else the first) is kept, the others deleted, so a change is not
 *                         delivered twice.
 * Webhooks to other addresses, and ours for other topics, are left alone. Each repair is one sentence.
 * WooCommerce does not return a webhook's secret, so a healthy webhook's secret cannot be checked here; the
 * signature check at intake refuses deliveries signed with another one (and WooCommerce then disables it,
 * which the next check repairs with our secret).
 */
async function ensureWebhooks(client: WooCommerceClient, ctx: ConnectorContext, address: string): Promise<WebhookHealth> {
  const secret = ctx.connection.secrets['webhookSecret'];
  if (!secret) {
    return { ok: false, repaired: [], message: 'No webhook secret is stored for this connection, so no webhook can be registered; reconnect the store. Polling still picks up every change.' };
  }
  const repaired: string[] = [];
  const problems: string[] = [];
  let hooks: WooWebhookShape[];
  try {
    hooks = [];
    for await (const page of client.pages('/webhooks', WooWebhook, { query: { status: 'all', orderby: 'id', order: 'asc' }, op: 'woocommerce.webhooks.list' })) {
      hooks.push(...page.items);
    }
  } catch (error) {
    if (!isSyncError(error)) throw error;
    return { ok: false, repaired, message: `Could not list the store's webhooks: ${error.message}. Polling still picks up every change.` };
  }

  const ours = hooks.filter((h) => h.delivery_url.trim() === address);
  for (const topic of HANDLED_TOPICS) {
    const candidates = ours.filter((h) => h.topic.trim().toLowerCase() === topic);
    try {
      if (candidates.length === 0) {
        const created = await client.request('POST', '/webhooks', {
          body: { name: `${manifest.webhook.namePrefix} ${topic}`, topic, delivery_url: address, secret, status: 'active' },
          op: 'woocommerce.webhooks.create',
        });
        const parsed = WooChanged.safeParse(created.json);
        repaired.push(`${topic} had no webhook to this service; created one${parsed.success ? ` (webhook ${parsed.data.id})` : ''}.`);
        continue;
      }
      const keep = candidates.find((h) => h.status === 'active') ?? candidates[0];
      if (!keep) continue;
      const extras = candidates.filter((h) => h !== keep);
      for (const extra of extras) {
        await client.request('DELETE', `/webhooks/${extra.id}`, { query: { force: true }, op: 'woocommerce.webhooks.delete' });
      }
      if (extras.length > 0) {
        repaired.push(`${topic} had ${candidates.length} webhooks to this service, so each change came ${candidates.length} times; removed ${extras.map((h) => `webhook ${h.id}`).join(', ')}.`);
      }
      if (keep.status !== 'active') {
        await client.request('PUT', `/webhooks/${keep.id}`, { body: { status: 'active', secret }, op: 'woocommerce.webhooks.reactivate' });
        repaired.push(
          keep.status === 'disabled'
            ? `${topic} was disabled by WooCommerce after failed deliveries; re-enabled (webhook ${keep.id}).`
            : `${topic} was ${keep.status} in WooCommerce › Settings › Advanced › Webhooks; re-activated (webhook ${keep.id}).`,
        );
      }
    } catch (error) {
      if (!isSyncError(error)) throw error;
      problems.push(
        error.code === 'PERMISSION_DENIED' || error.code === 'AUTH_REVOKED'
          ? `${topic}: WooCommerce would not let this key change webhooks (${error.message})`
          : `${topic}: ${error.message}`,
      );
    }
  }

  if (problems.length > 0) {
    return { ok: false, repaired, message: `Some webhooks could not be put right: ${problems.join('; ')}. Polling still picks up every change.` };
  }
  const all = HANDLED_TOPICS.join(', ');
  return {
    ok: true,
    repaired,
    message: repaired.length === 0 ? `All ${HANDLED_TOPICS.length} webhooks (${all}) are active.` : `Put right ${repaired.length} webhook problem${repaired.length === 1 ? '' : 's'}; all ${HANDLED_TOPICS.length} webhooks (${all}) are active now.`,
  };
}

function wooId(id: string, what: string): string {
  const key = id.trim();
  if (!/^\d+$/.test(key)) throw new SyncError('VALIDATION', `"${id}" is not a WooCommerce ${what} id`);
  return key;
}

/** One plain sentence for a failed ping: what is wrong and what to do. */
function pingSentence(error: SyncError, store: string, client: WooCommerceClient): string {
  switch (error.code) {
    case 'AUTH_REVOKED':
      if (/clock/.test(error.message)) return `${store} refused the request time: this server's clock is more than 15 minutes off the store's; correct the clock.`;
      return client.authMode === 'basic' && /cannot_view/.test(error.message)
        ? `${store} did not accept the API keys: re-enter the consumer key and secret (WooCommerce › Settings › Advanced › REST API); if they are right, the server drops the Authorization header, so turn on query-string authentication for this connection.`
        : `${store} refused the API keys: re-enter the consumer key and secret (WooCommerce › Settings › Advanced › REST API, a key with Read/Write permission).`;
    case 'PERMISSION_DENIED':
      return /no WooCommerce REST API/.test(error.message)
        ? `${store} does not look like a WooCommerce store: nothing answers at ${client.apiRoot}. Check the address, that WooCommerce is active, and that pretty permalinks are on (Settings › Permalinks).`
        : `${store} accepted the keys but refused access: ${error.message}.`;
    case 'NETWORK':
    case 'TIMEOUT':
      return `Could not reach ${store}: check the address and that the store is online. (${error.message})`;
    case 'RATE_LIMITED':
      return `${store} (or its host) is throttling requests right now; try again in ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
    case 'TRANSIENT':
      return /not JSON/.test(error.message)
        ? `${store} answered with a web page instead of the WooCommerce API: check the address and that pretty permalinks are on (Settings › Permalinks).`
        : `${store} failed to answer properly just now; try again shortly. (${error.message})`;
    default:
      return `${store} answered with an error: ${error.message}.`;
  }
}
