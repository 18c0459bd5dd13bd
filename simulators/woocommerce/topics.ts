/**
 * Webhook topics (notes §8.1): `<resource>.<event>` for coupon/customer/order/product × created/updated/deleted/
 * restored, plus `action.<hook>` for hooks starting `woocommerce_` or `wc_` (three of them refused). The hooks
 * listed are what the webhook resource reports in `hooks`.
 */

export const RESOURCES = ['coupon', 'customer', 'order', 'product'] as const;
export const EVENTS = ['created', 'updated', 'deleted', 'restored'] as const;

const REFUSED_ACTIONS = new Set([
  'action.woocommerce_login_credentials',
  'action.woocommerce_product_csv_importer_check_import_file_path',
  'action.woocommerce_webhook_should_deliver',
]);

const HOOKS: Record<string, string[]> = {
  'order.created': ['woocommerce_new_order'],
  'order.updated': ['woocommerce_update_order', 'woocommerce_order_refunded', 'woocommerce_delete_order_refund'],
  'order.deleted': ['wp_trash_post', 'woocommerce_trash_order'],
  'order.restored': ['untrashed_post', 'woocommerce_untrash_order'],
  'customer.created': ['user_register', 'woocommerce_created_customer', 'woocommerce_new_customer'],
  'customer.updated': ['profile_update', 'woocommerce_update_customer'],
  'customer.deleted': ['delete_user'],
  'customer.restored': [],
  'product.created': ['woocommerce_process_product_meta', 'woocommerce_new_product', 'woocommerce_new_product_variation'],
  'product.updated': ['woocommerce_process_product_meta', 'woocommerce_update_product', 'woocommerce_update_product_variation'],
  'product.deleted': ['wp_trash_post'],
  'product.restored': ['untrashed_post'],
  'coupon.created': ['woocommerce_process_shop_coupon_meta', 'woocommerce_new_coupon'],
  'coupon.updated': ['woocommerce_process_shop_coupon_meta', 'woocommerce_update_coupon'],
  'coupon.deleted': ['wp_trash_post'],
  'coupon.restored': ['untrashed_post'],
};

export function isValidTopic(topic: string): boolean {
  const t = topic.toLowerCase();
  if (t.startsWith('action.')) {
    const hook = t.slice('action.'.length);
    return (hook.startsWith('woocommerce_') || hook.startsWith('wc_')) && !REFUSED_ACTIONS.has(t);
  }
  const [resource, event, ...rest] = t.split('.');
  return rest.length === 0 && (RESOURCES as readonly string[]).includes(resource ?? '') && (EVENTS as readonly string[]).includes(event ?? '');
}

export function topicParts(topic: string): { resource: string; event: string } {
  const dot = topic.indexOf('.');
  return { resource: topic.slice(0, dot), event: topic.slice(dot + 1) };
}

export function hooksFor(topic: string): string[] {
  if (topic.startsWith('action.')) return [topic.slice('action.'.length)];
  return HOOKS[topic] ?? [];
}
