/**
 * Converges the target's invoice to a posted order (DESIGN.md §2.4): a confirmed link means update; anything
 * else means claim the link, search the target by reference (a crash may have created it already), and only
 * then create. After the write, the target's total must equal the order's: a rounding-sized gap is booked
 * as an explicit adjustment, anything else is a conflict.
 */
import type { InvoiceDraft } from '../core/documents.ts';
import { SyncError } from '../core/errors.ts';
import { compare, parseDec, roundMoney, sub, toMinor } from '../core/money.ts';
import type { ResolveScope } from './resolve-refs.ts';
import type { ResolvedRefs, TargetInvoice } from './ports.ts';

export interface PostedInvoice {
  invoice: TargetInvoice;
  action: 'created' | 'updated' | 'voided' | 'unchanged';
  note?: string;
}

export async function postInvoice(scope: ResolveScope, draft: InvoiceDraft, linkKey: string, resolveRefs: () => Promise<ResolvedRefs>): Promise<PostedInvoice> {
  const { deps, target, targetConnection } = scope;
  const tenantId = targetConnection.tenantId;

  // No lease here: the invoice link belongs to one order, and jobs for one order never run at once (the
  // queue's entity key). A lease would only outlive a crashed worker and block the takeover.
  let link = await deps.store.links.get(tenantId, targetConnection.id, 'invoice', linkKey);
  let existing: TargetInvoice | null = null;
  if (link?.state === 'confirmed' && link.targetId) {
    existing = await target.getInvoice(link.targetId);
    if (!existing) {
      // Deleted in the target by someone: forget the link and search again.
      await deps.store.links.remove(tenantId, link.id);
      await scope.step('invoice-link-stale', { targetId: link.targetId });
      link = null;
    }
  }
  if (!existing) {
    link = await deps.store.links.claim(tenantId, targetConnection.id, 'invoice', linkKey);
    const found = await target.findInvoicesByReference(draft.reference);
    if (found.length > 1) {
      throw new SyncError('DUPLICATE_IN_TARGET', `${found.length} invoices carry reference ${draft.reference} (${found.map((f) => f.number ?? f.id).join(', ')}); keep one and replay`);
    }
    if (found[0]) {
      existing = found[0];
      await deps.store.links.confirm(tenantId, link.id, existing.id);
      await scope.step('found-invoice', { reference: draft.reference, targetId: existing.id });
    }
  }

  if (draft.cancelled) {
    if (!existing) {
      if (link && link.state === 'claimed') await deps.store.links.remove(tenantId, link.id);
      return { invoice: { id: '', number: null, reference: draft.reference, total: '0', status: 'none' }, action: 'unchanged', note: 'cancelled before it was posted: nothing to void' };
    }
    const outcome = await target.voidInvoice(existing.id);
    await scope.step('void-invoice', { targetId: existing.id, outcome });
    if (outcome === 'paid') return { invoice: existing, action: 'unchanged', note: 'the order was cancelled but its invoice is paid, so it was left as is; refund it in the books' };
    return { invoice: { ...existing, status: 'void' }, action: outcome === 'voided' ? 'voided' : 'unchanged' };
  }

  const refs = await resolveRefs();
  let written: TargetInvoice;
  let action: PostedInvoice['action'];
  if (existing) {
    written = await target.updateInvoice(existing.id, draft, refs);
    action = 'updated';
  } else {
    if (!link) link = await deps.store.links.claim(tenantId, targetConnection.id, 'invoice', linkKey);
    written = await target.createInvoice(draft, refs);
    await deps.store.links.confirm(tenantId, link.id, written.id);
    action = 'created';
  }
  await scope.step(`${action}-invoice`, { targetId: written.id, number: written.number, total: written.total });
  written = await tieOut(scope, draft, refs, written);
  return { invoice: written, action };
}

/** The target computed its own total; make it equal the order's, or refuse to call it synced. */
async function tieOut(scope: ResolveScope, draft: InvoiceDraft, refs: ResolvedRefs, written: TargetInvoice): Promise<TargetInvoice> {
  const gap = sub(parseDec(draft.total), parseDec(written.total));
  if (compare(gap, parseDec('0')) === 0) return written;
  const gapMinor = toMinor(roundMoney(gap, draft.currency), draft.currency);
  const tolerance = BigInt(Math.max(1, draft.lines.length + draft.shipping.length));
  const abs = gapMinor < 0n ? -gapMinor : gapMinor;
  const already = draft.adjustment ? parseDec(draft.adjustment.amount) : parseDec('0');
  if (abs > tolerance) {
    throw new SyncError(
      'TARGET_TOTAL_MISMATCH',
      `${scope.targetConnection.label} computed ${written.total} ${draft.currency} for ${draft.reference} but the order totals ${draft.total} ${draft.currency}`,
    );
  }
  const adjusted: InvoiceDraft = {
    ...draft,
    adjustment: {
      amount: roundMoney(sub(parseDec(draft.total), sub(parseDec(written.total), already)), draft.currency),
      description: `Rounding difference to match ${draft.source} order ${draft.reference} total`,
    },
  };
  const fixed = await scope.target.updateInvoice(written.id, adjusted, refs);
  await scope.step('rounding-adjustment', { targetId: written.id, amount: adjusted.adjustment?.amount ?? null });
  if (compare(parseDec(fixed.total), parseDec(draft.total)) !== 0) {
    throw new SyncError('TARGET_TOTAL_MISMATCH', `after a rounding adjustment ${scope.targetConnection.label} still shows ${fixed.total} ${draft.currency} for ${draft.reference}, not ${draft.total}`);
  }
  return fixed;
}
