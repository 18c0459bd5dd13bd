/**
 * `/wc/v3/webhooks` (notes §8.7, `WC_REST_Webhooks_V1_Controller`): list (`status=all|active|paused|disabled`),
 * read, create (answers 201 only after the blocking ping), update (re-enable with `status=active`), delete
 * (`force=true` required). Unknown ids on read/update are 400 "ID is invalid.", on delete 404 "Invalid ID.".
 */
import { WpError } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import { ArgCheck } from '../params.ts';
import { webhookJson } from '../shape-other.ts';
import type { WebhookPatch } from '../state.ts';
import type { WebhookRecord, WebhookStatus } from '../types.ts';
import { pageOf, readPageArgs, sortBy } from './collection.ts';
import { asWpError, editable, ok, requireCap, type RestContext, type RestResult, type RouteDef } from './context.ts';

const STATUSES = ['active', 'paused', 'disabled'] as const;

function listWebhooks(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const paging = readPageArgs(c);
  const search = c.string('search')?.toLowerCase();
  const include = c.ids('include') ?? [];
  const exclude = c.ids('exclude') ?? [];
  const order = c.enumOne('order', ['asc', 'desc']) ?? 'desc';
  const orderby = c.enumOne('orderby', ['date', 'id', 'title']) ?? 'date';
  const status = c.enumOne('status', ['all', ...STATUSES]) ?? 'all';
  c.date('after');
  c.date('before');
  c.done();
  requireCap(ctx, 'list');
  const matches = [...ctx.site.webhooks.values()].filter((w) => {
    if (status !== 'all' && w.status !== status) return false;
    if (include.length > 0 && !include.includes(w.id)) return false;
    if (exclude.includes(w.id)) return false;
    if (search && !w.name.toLowerCase().includes(search)) return false;
    return true;
  });
  let sorted: WebhookRecord[];
  if (orderby === 'id') sorted = sortBy(matches, (w) => w.id, order);
  else if (orderby === 'title') sorted = sortBy(matches, (w) => w.name.toLowerCase(), order);
  else sorted = sortBy(matches, (w) => w.createdAt, order);
  const page = pageOf(ctx, sorted, paging, '/wc/v3/webhooks');
  return ok(
    page.items.map((w) => webhookJson(ctx.site, w)),
    page.headers,
  );
}

function getWebhook(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  c.done();
  requireCap(ctx, 'view');
  const hook = ctx.site.webhooks.get(id ?? 0);
  if (!hook) throw new WpError('woocommerce_rest_shop_webhook_invalid_id', 'ID is invalid.', 400);
  return ok(webhookJson(ctx.site, hook));
}

async function createWebhook(ctx: RestContext): Promise<RestResult> {
  const c = new ArgCheck(ctx.args);
  const topic = c.string('topic');
  const deliveryUrl = c.string('delivery_url');
  const secret = c.string('secret');
  const name = c.string('name');
  const status = c.enumOne<WebhookStatus>('status', STATUSES);
  c.done();
  const missing = [topic === undefined ? 'topic' : '', deliveryUrl === undefined ? 'delivery_url' : ''].filter((m) => m !== '');
  if (missing.length > 0) throw new WpError('rest_missing_callback_param', `Missing parameter(s): ${missing.join(', ')}`, 400, { params: missing });
  requireCap(ctx, 'create');
  let hook: WebhookRecord;
  try {
    hook = ctx.state.createWebhook(ctx.site.id, {
      topic: topic ?? '',
      deliveryUrl: deliveryUrl ?? '',
      userId: ctx.key?.userId ?? 1,
      ...(secret ? { secret } : {}),
      ...(name ? { name } : {}),
      ...(status ? { status } : {}),
    });
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e);
    throw e;
  }
  const body = webhookJson(ctx.site, hook);
  // The answer is built first, then `deliver_ping()` blocks the request until the receiver answers.
  await ctx.webhooks.ping(ctx.site, hook);
  return { status: 201, body, headers: { Location: ctx.site.restUrl(`/wc/v3/webhooks/${hook.id}`) } };
}

function updateWebhook(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const patch: WebhookPatch = {};
  const topic = c.string('topic');
  const deliveryUrl = c.string('delivery_url');
  const secret = c.string('secret');
  const name = c.string('name');
  const status = c.enumOne<WebhookStatus>('status', STATUSES);
  c.done();
  requireCap(ctx, 'edit');
  if (topic) patch.topic = topic;
  if (deliveryUrl) patch.deliveryUrl = deliveryUrl;
  if (secret) patch.secret = secret;
  if (name) patch.name = name;
  if (status) patch.status = status;
  try {
    return ok(webhookJson(ctx.site, ctx.state.updateWebhook(ctx.site.id, id ?? 0, patch)));
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e);
    throw e;
  }
}

function deleteWebhook(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const force = c.bool('force') ?? false;
  c.done();
  requireCap(ctx, 'delete');
  if (!force) throw new WpError('woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.', 501);
  const hook = ctx.site.webhooks.get(id ?? 0);
  if (!hook) throw new WpError('woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.', 404);
  const body = webhookJson(ctx.site, hook);
  ctx.state.deleteWebhook(ctx.site.id, hook.id);
  return ok(body);
}

export const WEBHOOK_ROUTES: RouteDef[] = [
  { path: /^\/webhooks$/, handlers: { GET: listWebhooks, POST: createWebhook } },
  { path: /^\/webhooks\/(\d+)$/, handlers: { GET: getWebhook, ...editable(updateWebhook), DELETE: deleteWebhook } },
];
