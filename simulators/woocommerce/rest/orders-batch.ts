/**
 * `POST /wc/v3/orders/batch` (`WC_REST_Controller::batch_items`): `{ create: [], update: [], delete: [] }`, at most
 * 100 items in all (413 otherwise). Each item runs through the single-item handler; a failing item answers
 * `{ id, error: { code, message, data } }` in its place and does not stop the others.
 */
import { WpError } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import { Args } from '../params.ts';
import type { JsonValue } from '../../_kit/json-text.ts';
import { requireCap, type Handler, type RestContext, type RestResult, type RouteDef } from './context.ts';

const LIMIT = 100;

function errorItem(id: number, e: WpError): JsonValue {
  return { id, error: { code: e.code, message: e.message, data: typeof e.data === 'number' ? e.data : { status: e.status, ...(e.data ?? {}) } } };
}

async function runItem(ctx: RestContext, handler: Handler, body: Record<string, unknown>, query: URLSearchParams, ids: number[]): Promise<JsonValue> {
  try {
    const result = await handler({ ...ctx, args: new Args(query, body) }, ids);
    return result.body;
  } catch (e) {
    if (e instanceof WpError) return errorItem(ids[0] ?? 0, e);
    if (e instanceof SimInputError) return errorItem(ids[0] ?? 0, new WpError(e.code ?? 'woocommerce_rest_invalid_request', e.message, e.status));
    throw e;
  }
}

export function batchRoute(handlers: { create: Handler; update: Handler; delete: Handler }): RouteDef {
  const batch: Handler = async (ctx): Promise<RestResult> => {
    requireCap(ctx, 'batch');
    const list = (name: string): unknown[] => {
      const v = ctx.args.body[name];
      return Array.isArray(v) ? v : [];
    };
    const create = list('create').filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
    const update = list('update').filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
    const remove = list('delete').map((x) => Number(x));
    if (create.length + update.length + remove.length > LIMIT) {
      throw new WpError('woocommerce_rest_request_entity_too_large', `Unable to accept more than ${LIMIT} items for this request.`, 413);
    }
    const out: { [key: string]: JsonValue } = {};
    if (create.length > 0) {
      out.create = [];
      for (const item of create) out.create.push(await runItem(ctx, handlers.create, item, new URLSearchParams(), []));
    }
    if (update.length > 0) {
      out.update = [];
      for (const item of update) out.update.push(await runItem(ctx, handlers.update, item, new URLSearchParams(), [Number(item.id ?? 0)]));
    }
    if (remove.length > 0) {
      out.delete = [];
      // Batch deletes are forced, as `batch_items` sets `force` on each.
      for (const id of remove) out.delete.push(await runItem(ctx, handlers.delete, {}, new URLSearchParams({ force: 'true' }), [id]));
    }
    return { status: 200, body: out };
  };
  return { path: /^\/orders\/batch$/, handlers: { POST: batch, PUT: batch, PATCH: batch } };
}
