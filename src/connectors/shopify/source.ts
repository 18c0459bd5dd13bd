/**
 * The Shopify SourceClient: ping, the authoritative order and customer (re-read on every event, DESIGN.md §2.2),
 * and the polling streams. All calls go through client.ts over the context's HttpCall.
 */
import { isSyncError, SyncError } from '../../core/errors.ts';
import type { Customer, Order } from '../../core/model.ts';
import type { ConnectorContext, PingResult, SourceClient, WebhookHealth } from '../../sync/ports.ts';
import type { ShopifyClient, ShopifyClientOptions, ThrottleStatus } from './client.ts';
import { createShopifyClient } from './client.ts';
import { normalizeShopDomain } from './connector.ts';
import { toGid } from './gid.ts';
import {
  CustomerResponse,
  OrderDiscountApplicationsResponse,
  OrderLineItemsResponse,
  OrderResponse,
  OrderShippingLinesResponse,
  ShopResponse,
} from './schemas.ts';
import type { GqlOrder } from './schemas.ts';
import { poll } from './streams.ts';
import type { PollOptions } from './streams.ts';
import { customerFromGraphql, orderFromGraphql } from './to-canonical.ts';
import { ensureShopifyWebhooks } from './webhook-subscriptions.ts';

export interface ShopifySourceOptions extends ShopifyClientOptions, PollOptions {}

export interface ShopifySource extends SourceClient {
  /** The last cost-bucket state Shopify reported (for budget decisions), or null before the first call. */
  throttleStatus(): ThrottleStatus | null;
  ensureWebhooks(address: string): Promise<WebhookHealth>;
}

export function createShopifySource(ctx: ConnectorContext, options: ShopifySourceOptions = {}): ShopifySource {
  const client = createShopifyClient(ctx, options);

  return {
    throttleStatus: () => client.throttleStatus(),

    async ping(): Promise<PingResult> {
      const configured = client.shopDomain || 'this shop';
      try {
        const { shop } = await client.request('Shop', {}, ShopResponse);
        const actual = normalizeShopDomain(shop.myshopifyDomain);
        if (client.shopDomain && actual !== client.shopDomain) {
          return {
            ok: false,
            message: `The token works but belongs to "${shop.name}" (${actual}), not ${client.shopDomain}: set the shop domain to ${actual}, or its webhooks will be refused.`,
          };
        }
        return { ok: true, message: `Connected to the Shopify shop "${shop.name}" (${actual}, currency ${shop.currencyCode}).` };
      } catch (error) {
        if (!isSyncError(error)) throw error;
        switch (error.code) {
          case 'AUTH_REVOKED':
            return { ok: false, message: `Shopify refused the access token for ${configured}: the app was uninstalled or the token revoked. Reconnect the shop.` };
          case 'NETWORK':
          case 'TIMEOUT':
            return { ok: false, message: `Could not reach ${configured}: check the shop domain (name.myshopify.com) and the network. (${error.message})` };
          case 'RATE_LIMITED':
            return { ok: false, message: `Shopify is throttling this app on ${configured} right now; try again in ${Math.ceil((error.retryAfterMs ?? 1000) / 1000)} s.` };
          default:
            return { ok: false, message: `Shopify ${configured} answered with an error: ${error.message}.` };
        }
      }
    },

    async fetchOrder(id: string): Promise<Order | null> {
      const gid = toGid('Order', id);
      if (!gid) throw new SyncError('VALIDATION', `"${id}" is not a Shopify order id`);
      const { order } = await client.request('OrderById', { id: gid }, OrderResponse);
      if (!order) return null;
      const complete = await completeOrder(client, gid, order);
      return complete ? orderFromGraphql(complete) : null;
    },

    async fetchCustomer(id: string): Promise<Customer | null> {
      const gid = toGid('Customer', id);
      if (!gid) throw new SyncError('VALIDATION', `"${id}" is not a Shopify customer id`);
      const { customer } = await client.request('CustomerById', { id: gid }, CustomerResponse);
      return customer ? customerFromGraphql(customer) : null;
    },

    poll: (stream, cursor, since) => poll(client, stream, cursor, since, options),

    ensureWebhooks: (address) => ensureShopifyWebhooks(client, address),
  };
}

/**
 * Fetches the remaining pages of the order's line items, shipping lines and discount applications, so no order
 * loses a line. Null when the order vanished between pages.
 */
async function completeOrder(client: ShopifyClient, gid: string, order: GqlOrder): Promise<GqlOrder | null> {
  const lineItems = [...order.lineItems.nodes];
  let page = order.lineItems.pageInfo;
  while (page?.hasNextPage) {
    const { order: next } = await client.request('OrderLineItems', { id: gid, after: cursorOf(page, 'line items') }, OrderLineItemsResponse);
    if (!next) return null;
    lineItems.push(...next.lineItems.nodes);
    page = next.lineItems.pageInfo;
  }

  const shippingLines = [...order.shippingLines.nodes];
  page = order.shippingLines.pageInfo;
  while (page?.hasNextPage) {
    const { order: next } = await client.request('OrderShippingLines', { id: gid, after: cursorOf(page, 'shipping lines') }, OrderShippingLinesResponse);
    if (!next) return null;
    shippingLines.push(...next.shippingLines.nodes);
    page = next.shippingLines.pageInfo;
  }

  const applications = [...(order.discountApplications?.nodes ?? [])];
  page = order.discountApplications?.pageInfo;
  while (page?.hasNextPage) {
    const { order: next } = await client.request(
      'OrderDiscountApplications',
      { id: gid, after: cursorOf(page, 'discount applications') },
      OrderDiscountApplicationsResponse,
    );
    if (!next) return null;
    applications.push(...next.discountApplications.nodes);
    page = next.discountApplications.pageInfo;
  }

  return {
    ...order,
    lineItems: { nodes: lineItems },
    shippingLines: { nodes: shippingLines },
    discountApplications: { nodes: applications },
  };
}

function cursorOf(page: { endCursor?: string | null | undefined }, what: string): string {
  if (!page.endCursor) throw new SyncError('SOURCE_PAYLOAD_INVALID', `Shopify said more ${what} follow but gave no cursor`);
  return page.endCursor;
}
