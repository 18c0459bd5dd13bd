/**
 * Polling streams (DESIGN.md §2.5, the safety net under webhooks): `orders` and `customers`, by updatedAt.
 *
 * Window: `updated_at:>='<cursor − overlap>'` in Shopify search syntax (the REST `updated_at_min` parameter does
 * not exist in GraphQL, notes §2.3), sortKey UPDATED_AT, cursor pagination with `after`. Each page yields its
 * items and a cursor = the greatest updatedAt seen so far (never earlier than the stored one), as an ISO UTC
 * instant; the engine stores it once the page's items are committed. Records are re-seen inside the overlap:
 * the inbox dedupes them. Shopify stops deep pagination at 25,000 objects, so after `maxObjectsPerWindow` the
 * window restarts at the greatest updatedAt seen.
 */
import { SyncError } from '../../core/errors.ts';
import type { PollItem, PollPage } from '../../sync/ports.ts';
import type { ShopifyClient } from './client.ts';
import { isShopifyStream, manifest } from './connector.ts';
import { legacyId } from './gid.ts';
import { CustomersPageResponse, OrdersPageResponse } from './schemas.ts';
import type { ChangedNode } from './schemas.ts';

export interface PollOptions {
  /** @defaultValue manifest.polling.overlapMs (5 minutes) */
  overlapMs?: number;
  /** @defaultValue manifest.polling.pageSize (100) */
  pageSize?: number;
  /** @defaultValue manifest.polling.maxObjectsPerWindow (20,000) */
  maxObjectsPerWindow?: number;
}

/**
 * `updated_at:>='2026-04-01T00:00:00Z'`: values with `:` must be quoted in Shopify search syntax. Floored to the
 * second, which only widens the window.
 */
export function updatedSinceQuery(from: Date): string {
  return `updated_at:>='${isoSeconds(new Date(Math.floor(from.getTime() / 1000) * 1000))}'`;
}

export async function* poll(client: ShopifyClient, stream: string, cursor: string | null, since: Date, options: PollOptions = {}): AsyncGenerator<PollPage> {
  if (!isShopifyStream(stream)) {
    throw new SyncError('VALIDATION', `Shopify has no stream "${stream}"; it polls ${Object.keys(manifest.polling.streams).join(' and ')}`);
  }
  const overlapMs = options.overlapMs ?? manifest.polling.overlapMs;
  const pageSize = options.pageSize ?? manifest.polling.pageSize;
  const maxObjects = options.maxObjectsPerWindow ?? manifest.polling.maxObjectsPerWindow;
  const entityType = manifest.polling.streams[stream].entityType;

  const stored = cursor === null ? null : parseInstant(cursor);
  let windowStart = stored === null ? since : new Date(stored - overlapMs);
  let greatest = stored ?? since.getTime();
  let after: string | null = null;
  let seenInWindow = 0;

  for (;;) {
    const variables: Record<string, unknown> = { first: pageSize, after, q: updatedSinceQuery(windowStart) };
    const { pageInfo, nodes }: { pageInfo: { hasNextPage: boolean; endCursor?: string | null | undefined }; nodes: ChangedNode[] } =
      stream === 'orders'
        ? (await client.request('OrdersPage', variables, OrdersPageResponse)).orders
        : (await client.request('CustomersPage', variables, CustomersPageResponse)).customers;

    const items = nodes.map((node): PollItem => {
      const updatedAt = parseInstant(node.updatedAt);
      greatest = Math.max(greatest, updatedAt);
      return { entityType, sourceId: idOf(node), updatedAt: isoSeconds(new Date(updatedAt)) };
    });
    yield { items, cursor: isoSeconds(new Date(greatest)) };

    if (!pageInfo.hasNextPage || !pageInfo.endCursor) return;
    seenInWindow += nodes.length;
    if (seenInWindow >= maxObjects && greatest > windowStart.getTime()) {
      windowStart = new Date(greatest);
      after = null;
      seenInWindow = 0;
    } else {
      after = pageInfo.endCursor;
    }
  }
}

function idOf(node: ChangedNode): string {
  return legacyId(node.legacyResourceId ?? node.id);
}

function parseInstant(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new SyncError('SOURCE_PAYLOAD_INVALID', `"${value}" is not a timestamp`);
  return ms;
}

/** ISO UTC, milliseconds dropped when zero (Shopify timestamps have whole seconds). */
function isoSeconds(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
