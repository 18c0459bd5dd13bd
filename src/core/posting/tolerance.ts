/**
 * How far an order's stated total may sit from the sum of its parts and still be booked as a rounding line
 * (DESIGN.md §2.6, peers.md §3.3).
 *
 * Rule: one minor unit of the order's currency per amount the source had to round on its own, and never less
 * than one minor unit. The amounts a source rounds are the ones it derives from a rate or a share:
 *   - a product line whose quantity × unit price is finer than the currency (unit prices may carry 4 decimals);
 *   - a non-zero discount on a product line (percentage discounts, and order discounts spread over lines);
 *   - a non-zero discount on a shipping line;
 *   - a non-zero tax amount that is added to the total (line, shipping and fee tax lines, or the order-level
 *     ones when no line carries tax). Tax-inclusive orders add no tax, so their tax amounts count for nothing.
 * Prices, shipping prices and fees are stated in the currency and rounded by no one, so they count for nothing.
 *
 * Why this bound: half-up rounding moves each such amount by at most half a minor unit, and the stated total
 * is rounded once more, so R roundings can move the total by at most (R + 1) / 2 minor units, which never
 * exceeds max(1, R). A source that rounds the order-level sum instead of each line (WooCommerce "round tax at
 * subtotal level", the cent differences in woocommerce#17397 and #25720) or that truncates stays within one
 * unit per rounded amount as well. A larger difference cannot come from rounding (a missing line, a manual
 * edit, a tax the lines do not carry) and is a conflict for a person, never a rounding line.
 *
 * The bound grows with the order on purpose: a 300-line order with per-line tax may honestly be off by more
 * cents than a one-line order, and a fixed cap would turn correct orders into conflicts.
 */

/** Counts of amounts the source rounded to the currency on its own. */
export interface RoundingSites {
  /** Product lines whose quantity × unit price is finer than the currency. */
  lineAmounts: number;
  /** Product lines with a non-zero discount. */
  lineDiscounts: number;
  /** Shipping lines with a non-zero discount. */
  shippingDiscounts: number;
  /** Non-zero tax amounts added to the total (zero for tax-inclusive orders). */
  taxAmounts: number;
}

export const NO_ROUNDING_SITES: RoundingSites = { lineAmounts: 0, lineDiscounts: 0, shippingDiscounts: 0, taxAmounts: 0 };

/** The largest difference, in minor units of the order's currency, that may be booked as rounding. */
export function roundingToleranceMinor(sites: RoundingSites): bigint {
  const rounded = sites.lineAmounts + sites.lineDiscounts + sites.shippingDiscounts + sites.taxAmounts;
  return BigInt(Math.max(1, rounded));
}

/** True when `differenceMinor` (stated − computed) can be explained by rounding alone. */
export function isWithinTolerance(differenceMinor: bigint, toleranceMinor: bigint): boolean {
  const abs = differenceMinor < 0n ? -differenceMinor : differenceMinor;
  return abs <= toleranceMinor;
}
