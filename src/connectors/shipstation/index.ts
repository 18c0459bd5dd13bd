/**
 * The ShipStation connector: a source (orders, shipments) with unsigned pointer webhooks and a polling safety
 * net. Auth is a stored V1 key + secret (and an optional V2 key): no refresh flow, so `auth` is undefined.
 */
import type { BudgetRule, Connection } from '../../sync/ports.ts';
import { manifest, shipstationBudget } from './connector.ts';
import { createShipStationSource } from './source.ts';
import { shipstationWebhook } from './webhook.ts';

export const shipstationConnector = {
  manifest,
  webhook: shipstationWebhook,
  source: createShipStationSource,
  auth: undefined,
  /** `shipstation:<sha-256 of the API key>`, 40 calls a minute (notes §5). */
  budget: (connection: Connection): { key: string; rules: BudgetRule[] } => shipstationBudget(connection),
  streams: ['orders', 'shipments'] as const,
} as const;

export {
  currencyOf,
  manifest,
  shipstationBudget,
  ShipStationConfig,
  ShipStationSecrets,
  V1_BASE_URL,
  V2_BASE_URL,
  v1BaseUrl,
  v2BaseUrl,
} from './connector.ts';
export { basicAuthorization, createShipStationClient, listCarriers, listProducts, listServices } from './client.ts';
export type { ListPage, ProductListOptions, ShipStationClient } from './client.ts';
export { createShipStationSource } from './source.ts';
export type { ShipStationSource, ShipStationSourceOptions } from './source.ts';
export { checkPointer, pointerId, shipstationWebhook } from './webhook.ts';
export {
  carrierCodeOf,
  catalogProductFromShipStation,
  customerFromShipStation,
  orderFromShipStation,
  shipmentFromFulfillment,
  shipmentFromShipStation,
  shippingMethodsFromShipStation,
  statusOf,
  taxRateFor,
} from './to-canonical.ts';
export { formatPacific, formatPacificFilter, fromPacific, instantsOf, pacificToIso, parsePacific, PACIFIC_TIME_ZONE } from './pacific-time.ts';
export { fulfillmentSourceId, labelSourceId, parseShipmentSourceId } from './source-ids.ts';
