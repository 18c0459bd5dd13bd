/**
 * How ShipStation records are named in sync records (`sourceId`) and in the canonical model.
 *
 * V1 has no `GET /shipments/{id}` and no `shipmentId` list filter (notes §3: the filters are orderId,
 * trackingNumber, dates, …), so a label shipment's sourceId carries its order: `label:<orderId>:<shipmentId>`,
 * and `fetchShipment` reads `GET /shipments?orderId=<orderId>` and picks the shipment (one call; an order has
 * few labels). Fulfillments (mark-as-shipped, fill providers: not in /shipments, notes §3) can be read by id:
 * `fulfillment:<fulfillmentId>` → `GET /fulfillments?fulfillmentId=<id>`.
 *
 * Canonical `Shipment.id` is the shipmentId for a label and `F<fulfillmentId>` for a fulfillment, so the two
 * id sequences never meet in link keys or journal references (`SHIP-271726263`, `SHIP-F5501`).
 */

export type ShipmentRef = { kind: 'label'; orderId: string; shipmentId: string } | { kind: 'fulfillment'; fulfillmentId: string };

const LABEL_RE = /^label:(\d+):(\d+)$/;
const FULFILLMENT_RE = /^fulfillment:(\d+)$/;

export function labelSourceId(orderId: string, shipmentId: string): string {
  return `label:${orderId}:${shipmentId}`;
}

export function fulfillmentSourceId(fulfillmentId: string): string {
  return `fulfillment:${fulfillmentId}`;
}

/** The canonical Shipment.id of a fulfillment. */
export function fulfillmentShipmentId(fulfillmentId: string): string {
  return `F${fulfillmentId}`;
}

/** The record a shipment sourceId names, or null when it is not one of ours. */
export function parseShipmentSourceId(sourceId: string): ShipmentRef | null {
  const label = LABEL_RE.exec(sourceId.trim());
  if (label) return { kind: 'label', orderId: label[1] ?? '', shipmentId: label[2] ?? '' };
  const fulfillment = FULFILLMENT_RE.exec(sourceId.trim());
  if (fulfillment) return { kind: 'fulfillment', fulfillmentId: fulfillment[1] ?? '' };
  return null;
}
