/**
 * Polling streams (DESIGN.md §2.5, the safety net under webhooks WooCommerce disables silently, notes §9.1):
 * `orders` and `customers`.
 *
 * orders     GET /orders?modified_after=<start>&dates_are_gmt=true&status=any&orderby=id&order=asc&per_page=100&page=N
 *            `modified_after` is written as a GMT wall time without offset (`2026-04-01T10:00:00`):
 *            `dates_are_gmt=true` makes WooCommerce compare it with the GMT column; a trailing `Z` did not
 *            help on older versions and is read as site time on newer ones (§4.1, §9.4).
 * customers  GET /customers?role=customer&orderby=id&order=asc&per_page=100&page=N — `/customers` has no
 *            modified filter (§5), so every page is read and records are kept when their date_modified_gmt
 *            (date_created_gmt when WooCommerce has none) is after <start>.
 * Both ask only for `id,date_created_gmt,date_modified_gmt` (`_fields`): the handler re-reads each record.
 *
 * Order of results is not relied on. Pages are ordered by id, not by modification: an edit made while we page
 * would move a record in a modified-sorted list and shift every later offset by one, skipping a neighbour;
 * ids do not move (and `orderby=modified` is missing from the documented list, §4.1). The cursor is therefore
 * the greatest `date_modified_gmt` seen over the whole pass and is only advanced after the last page:
 *   - every page is yielded with the cursor the pass started from (nothing is skipped if we stop midway);
 *   - a final empty page carries max(stored cursor, min(greatest seen, our clock when the pass began)):
 *     capped at the start of the pass so a record edited while we paged (after its page was read) is still
 *     inside the next window, and never earlier than the stored cursor.
 * Each window starts `overlapMs` before the stored cursor (connector.ts says why); a first poll starts at `since`.
 */
import { SyncError } from '../../core/errors.ts';
import type { PollItem, PollPage } from '../../sync/ports.ts';
import type { WooCommerceClient } from './client.ts';
import { isWooCommerceStream, manifest } from './connector.ts';
import { WooChanged } from './schemas.ts';

export interface PollOptions {
  /** @defaultValue manifest.polling.overlapMs (10 minutes) */
  overlapMs?: number;
  /** @defaultValue manifest.polling.pageSize (100) */
  pageSize?: number;
}

/** `2026-04-01T10:00:00`: a GMT wall time as WooCommerce's date filters take it, floored to the second. */
export function gmtWall(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19);
}

export async function* poll(
  client: WooCommerceClient,
  stream: string,
  cursor: string | null,
  since: Date,
  now: () => Date,
  options: PollOptions = {},
): AsyncGenerator<PollPage> {
  if (!isWooCommerceStream(stream)) {
    throw new SyncError('VALIDATION', `WooCommerce has no stream "${stream}"; it polls ${Object.keys(manifest.polling.streams).join(' and ')}`);
  }
  const spec = manifest.polling.streams[stream];
  const overlapMs = options.overlapMs ?? manifest.polling.overlapMs;
  const pageSize = options.pageSize ?? manifest.polling.pageSize;
  const startedAt = now().getTime();

  const stored = cursor === null ? null : parseInstant(cursor, 'the stored cursor');
  const held = stored ?? since.getTime();
  // Floored to the second: WooCommerce's dates have whole seconds, and flooring only widens the window.
  const windowStart = Math.floor((stored === null ? since.getTime() : stored - overlapMs) / 1000) * 1000;
  let greatest = Number.NEGATIVE_INFINITY;

  const query: Record<string, string | number | boolean> = {
    _fields: 'id,date_created_gmt,date_modified_gmt',
    orderby: 'id',
    order: 'asc',
    per_page: pageSize,
  };
  if (spec.modifiedFilter) {
    query['modified_after'] = gmtWall(new Date(windowStart));
    query['dates_are_gmt'] = true;
    query['status'] = 'any';
  } else {
    query['role'] = 'customer';
  }

  for await (const page of client.pages(spec.path, WooChanged, { query, op: `woocommerce.${stream}.poll` })) {
    const items: PollItem[] = [];
    for (const record of page.items) {
      const changed = record.date_modified_gmt || record.date_created_gmt;
      if (!changed) continue;
      const at = parseInstant(gmtIso(changed), `${stream} ${record.id} date_modified_gmt`);
      // Customers are filtered only here; orders again here, in case a store ignores modified_after.
      if (at < windowStart) continue;
      greatest = Math.max(greatest, at);
      items.push({ entityType: spec.entityType, sourceId: record.id, updatedAt: iso(at) });
    }
    yield { items, cursor: iso(held) };
  }

  const final = Number.isFinite(greatest) ? Math.max(held, Math.min(greatest, startedAt)) : held;
  yield { items: [], cursor: iso(final) };
}

/** A `_gmt` value (no offset) as an ISO instant; values that carry an offset are left as they are. */
function gmtIso(value: string): string {
  const text = value.trim().replace(' ', 'T');
  return /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
}

function parseInstant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${what} "${value}" is not a timestamp`);
  return ms;
}

/** ISO UTC, milliseconds dropped when zero (WooCommerce timestamps have whole seconds). */
function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
