/**
 * The product keeps its own Shopify webhook subscriptions: one per handled topic, to the connection's address.
 * Shopify deletes an API-created subscription after its retries run out (8 failed deliveries over about 4 hours,
 * notes §4.4) and says so only by e-mail, so a check that finds a topic without its subscription subscribes it
 * again and reports the repair. Polling catches up what was missed meanwhile.
 *
 * Shopify refuses a second subscription of one topic to one address, so duplicates cannot arise here, and
 * subscriptions to other addresses (other apps, other installs) are never listed or touched.
 */
import type { z } from 'zod';
import { isSyncError } from '../../core/errors.ts';
import type { WebhookHealth } from '../../sync/ports.ts';
import type { ShopifyClient } from './client.ts';
import { manifest, type ShopifyTopic } from './connector.ts';
import { WebhookSubscribeResponse, WebhookSubscriptionsResponse } from './schemas.ts';

const HANDLED_TOPICS = Object.keys(manifest.webhook.topics) as ShopifyTopic[];

/** `orders/create` → `ORDERS_CREATE`, the GraphQL enum spelling (notes §4.1). */
function graphqlTopic(topic: string): string {
  return topic.toUpperCase().replace(/\//g, '_');
}

export async function ensureShopifyWebhooks(client: ShopifyClient, address: string): Promise<WebhookHealth> {
  const subscribed = new Set<string>();
  try {
    let after: string | null = null;
    do {
      const page: z.infer<typeof WebhookSubscriptionsResponse> = await client.request('WebhookSubscriptions', { uri: address, first: manifest.polling.pageSize, after }, WebhookSubscriptionsResponse);
      for (const node of page.webhookSubscriptions.nodes) subscribed.add(node.topic);
      after = page.webhookSubscriptions.pageInfo.hasNextPage ? page.webhookSubscriptions.pageInfo.endCursor : null;
    } while (after);
  } catch (error) {
    if (!isSyncError(error)) throw error;
    return { ok: false, repaired: [], message: `Could not list the shop's webhook subscriptions: ${error.message}. Polling still picks up every change.` };
  }

  const repaired: string[] = [];
  const problems: string[] = [];
  for (const topic of HANDLED_TOPICS) {
    if (subscribed.has(graphqlTopic(topic))) continue;
    try {
      const { webhookSubscriptionCreate: created } = await client.request('WebhookSubscribe', { topic: graphqlTopic(topic), uri: address }, WebhookSubscribeResponse);
      const refusal = created?.userErrors.map((e) => e.message).join('; ');
      if (!created?.webhookSubscription) {
        problems.push(`${topic}: Shopify refused the subscription (${refusal || 'no reason given'})`);
        continue;
      }
      repaired.push(
        `${topic} had no subscription to this service; subscribed it (subscription ${String(created.webhookSubscription.legacyResourceId)}).`,
      );
    } catch (error) {
      if (!isSyncError(error)) throw error;
      problems.push(`${topic}: ${error.message}`);
    }
  }

  if (problems.length > 0) {
    return { ok: false, repaired, message: `Some webhook subscriptions could not be put right: ${problems.join('; ')}. Polling still picks up every change.` };
  }
  const all = HANDLED_TOPICS.join(', ');
  return {
    ok: true,
    repaired,
    message:
      repaired.length === 0
        ? `All ${HANDLED_TOPICS.length} webhook subscriptions (${all}) are in place.`
        : `Subscribed ${repaired.length} missing topic${repaired.length === 1 ? '' : 's'}; all ${HANDLED_TOPICS.length} webhook subscriptions (${all}) are in place now.`,
  };
}
