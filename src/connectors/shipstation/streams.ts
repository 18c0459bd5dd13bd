/**
 * Polling streams (DESIGN.md §2.5): the safety net under ShipStation's pointer webhooks, and the ONLY way edits,
 * cancellations, voids and orders marked shipped by hand reach us (V1 fires no webhook for them, notes §4).
 *
 * `orders`: `GET /orders?modifyDateStart=<cursor − overlap>&modifyDateEnd=<now>&sortBy=ModifyDate&sortDir=ASC`
 *   with pageSize 500, every page. Each order → {entityType 'order', sourceId orderId, updatedAt = modifyDate in
 *   UTC}. Each page's cursor is the greatest updatedAt seen so far (never below the stored one).
 * `shipments`: label shipments created in the window (`createDateStart`), label shipments voided in it
 *   (`voidDateStart`: a void does not change createDate, notes §3), and fulfillments created in it
 *   (`GET /fulfillments`, mark-as-shipped and fill providers: not in /shipments). A shipment's updatedAt is its
 *   voidDate when voided, else its createDate, so a void is a new change. The three lists are not sorted by
 *   that key, so the cursor moves only once all three are read (an extra empty page carries it).
 *   Fulfillment voids have no list filter (notes §3) and are not polled.
 *
 * Dates go out as Pacific wall time (`YYYY-MM-DD HH:mm:ss`, pacific-time.ts `formatPacificFilter`, which never
 * names the PDT copy of the repeated autumn hour) and come back as Pacific wall time read as the earlier
 * instant: the cursor never runs ahead of a change it has not seen. The frozen end goes through the same rule,
 * so while the clock is in the PDT copy of that hour the end is an hour back and changes made then are reported
 * once the clock reaches the PST copy: up to an hour late, once a year, never lost.
 *
 * Offset pages over a live list skip rows when rows leave it mid-scan (notes pitfall 2). So each scan freezes
 * its end (`*DateEnd` = now: a record modified during the scan leaves the list rather than moving to its end,
 * and is found by the next poll because the cursor never passes the frozen end), and when the list's `total`
 * changes between pages the scan starts over from page 1 without advancing the cursor on the page that showed
 * it (a bounded number of times; after that the cursor stays where it was for the rest of the scan, so the next
 * poll reads the window again). Records re-read in the overlap or after a restart are deduped within the scan
 * and, across scans, by the inbox.
 */
import { SyncError } from '../../core/errors.ts';
import type { PollItem, PollPage } from '../../sync/ports.ts';
import type { Query, ShipStationClient } from './client.ts';
import { isShipStationStream, manifest } from './connector.ts';
import { formatPacificFilter } from './pacific-time.ts';
import { ChangedFulfillment, ChangedOrder, ChangedShipment } from './schemas.ts';
import { fulfillmentSourceId, labelSourceId } from './source-ids.ts';
import { utc } from './to-canonical.ts';

export interface PollOptions {
  /** @defaultValue manifest.polling.overlapMs (15 minutes) */
  overlapMs?: number;
  /** @defaultValue manifest.polling.pageSize (500) */
  pageSize?: number;
  /** @defaultValue manifest.polling.maxRestarts (3) */
  maxRestarts?: number;
  /** @defaultValue manifest.polling.maxPages (2000) */
  maxPages?: number;
}

export interface Seen extends PollItem {
  at: number;
}

interface ListSpec {
  path: '/orders' | '/shipments' | '/fulfillments';
  listKey: string;
  op: string;
  query: Query;
  read(record: unknown): Seen;
}

interface ScanPage {
  /** Records not seen earlier in this poll. */
  items: Seen[];
  /** The greatest updatedAt of every record on the page, new or not (ms), or null for an empty page. */
  greatestAt: number | null;
  /** False when the list changed under us: the cursor must not pass this page. */
  stable: boolean;
}

export async function* poll(
  client: ShipStationClient,
  stream: string,
  cursor: string | null,
  since: Date,
  now: Date,
  options: PollOptions = {},
): AsyncGenerator<PollPage> {
  if (!isShipStationStream(stream)) {
    throw new SyncError('VALIDATION', `ShipStation has no stream "${stream}"; it polls ${Object.keys(manifest.polling.streams).join(' and ')}`);
  }
  const overlapMs = options.overlapMs ?? manifest.polling.overlapMs;
  const stored = cursor === null ? null : parseCursor(cursor);
  const floor = stored ?? since.getTime();
  const from = stored === null ? since.getTime() : stored - overlapMs;
  const to = now.getTime();
  const seen = new Set<string>();

  if (to <= from) {
    // Nothing can have changed in an empty window (a clock behind the cursor): keep the cursor.
    yield { items: [], cursor: iso(floor) };
    return;
  }
  const start = formatPacificFilter(from);
  const end = formatPacificFilter(to);

  if (stream === 'orders') {
    let greatest = floor;
    const spec: ListSpec = {
      path: '/orders',
      listKey: 'orders',
      op: 'shipstation.orders.poll',
      query: { modifyDateStart: start, modifyDateEnd: end, sortBy: 'ModifyDate', sortDir: 'ASC' },
      read: orderItem,
    };
    for await (const page of scan(client, spec, seen, options)) {
      // Sorted by modifyDate: once a page is read without the list changing, every later change sorts after it.
      // A page that showed a change is not trusted; the scan restarts from page 1 and advances again from there.
      if (page.stable && page.greatestAt !== null) greatest = Math.max(greatest, Math.min(page.greatestAt, to));
      yield { items: page.items.map(strip), cursor: iso(greatest) };
    }
    return;
  }

  const specs: ListSpec[] = [
    { path: '/shipments', listKey: 'shipments', op: 'shipstation.shipments.poll', query: { createDateStart: start, createDateEnd: end, sortBy: 'CreateDate', sortDir: 'ASC' }, read: labelItem },
    { path: '/shipments', listKey: 'shipments', op: 'shipstation.shipments.poll-voided', query: { voidDateStart: start, voidDateEnd: end, sortBy: 'CreateDate', sortDir: 'ASC' }, read: labelItem },
    { path: '/fulfillments', listKey: 'fulfillments', op: 'shipstation.fulfillments.poll', query: { createDateStart: start, createDateEnd: end, sortBy: 'CreateDate', sortDir: 'ASC' }, read: fulfillmentItem },
  ];
  let greatest = floor;
  let stable = true;
  for (const spec of specs) {
    const pages = scan(client, spec, seen, options);
    for (;;) {
      const next = await pages.next();
      if (next.done) {
        stable &&= next.value;
        break;
      }
      // Used only once every list was read whole: then all of the window up to the frozen end was seen.
      if (next.value.greatestAt !== null) greatest = Math.max(greatest, Math.min(next.value.greatestAt, to));
      yield { items: next.value.items.map(strip), cursor: iso(floor) };
    }
  }
  yield { items: [], cursor: iso(stable ? greatest : floor) };
}

/**
 * Every page of one filtered list, from page 1, starting over when `total` changes (see the module comment).
 * Returns whether the scan read the whole list without giving up.
 */
async function* scan(client: ShipStationClient, spec: ListSpec, seen: Set<string>, options: PollOptions): AsyncGenerator<ScanPage, boolean> {
  const pageSize = options.pageSize ?? manifest.polling.pageSize;
  const maxRestarts = options.maxRestarts ?? manifest.polling.maxRestarts;
  const maxPages = options.maxPages ?? manifest.polling.maxPages;
  let restarts = 0;
  let trusted = true;
  let page = 1;
  let firstTotal: number | null = null;
  for (let fetched = 1; ; fetched += 1) {
    const list = await client.list(spec.path, spec.listKey, { ...spec.query, page, pageSize }, spec.op);
    if (firstTotal === null) firstTotal = list.total;
    const changed = list.total !== firstTotal;
    const records = list.records.map(spec.read);
    const items = records.filter((item) => {
      const key = `${item.entityType}:${item.sourceId}:${item.updatedAt}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const greatestAt = records.length === 0 ? null : Math.max(...records.map((item) => item.at));
    if (changed) {
      yield { items, greatestAt, stable: false };
      if (restarts < maxRestarts) {
        restarts += 1;
        page = 1;
        firstTotal = null;
        continue;
      }
      trusted = false;
    } else {
      yield { items, greatestAt, stable: trusted };
    }
    if (fetched >= maxPages) return false;
    if (page >= list.pages || list.records.length === 0) return trusted;
    page += 1;
  }
}

/** An order in a list → the change it stands for: its id and modifyDate (UTC). */
export function orderItem(record: unknown): Seen {
  const o = parseChanged(ChangedOrder, record, 'order');
  const updatedAt = utc(o.modifyDate, `ShipStation order ${o.orderId} modifyDate`);
  return { entityType: 'order', sourceId: o.orderId, updatedAt, at: Date.parse(updatedAt) };
}

/** A label shipment in a list → `label:<orderId>:<shipmentId>`, changed at its voidDate when voided, else its createDate. */
export function labelItem(record: unknown): Seen {
  const s = parseChanged(ChangedShipment, record, 'shipment');
  const updatedAt = utc(s.voidDate ?? s.createDate, `ShipStation shipment ${s.shipmentId} ${s.voidDate ? 'voidDate' : 'createDate'}`);
  return { entityType: 'shipment', sourceId: labelSourceId(s.orderId, s.shipmentId), updatedAt, at: Date.parse(updatedAt) };
}

/** A fulfillment in a list → `fulfillment:<id>`, changed at its voidDate when voided, else its createDate. */
export function fulfillmentItem(record: unknown): Seen {
  const f = parseChanged(ChangedFulfillment, record, 'fulfillment');
  const updatedAt = utc(f.voidDate ?? f.createDate, `ShipStation fulfillment ${f.fulfillmentId} ${f.voidDate ? 'voidDate' : 'createDate'}`);
  return { entityType: 'shipment', sourceId: fulfillmentSourceId(f.fulfillmentId), updatedAt, at: Date.parse(updatedAt) };
}

export function strip(item: Seen): PollItem {
  return { entityType: item.entityType, sourceId: item.sourceId, updatedAt: item.updatedAt };
}

function parseChanged<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, record: unknown, what: string): T {
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `a ShipStation ${what} in a list has ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'not as expected'}`);
}

function parseCursor(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value.trim())) {
    throw new SyncError('SOURCE_PAYLOAD_INVALID', `the stored ShipStation cursor "${value}" is not a UTC timestamp`);
  }
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
