/**
 * `/invoices/{invoice_id}/comments` (invoices.yml; api notes §3.3 "comments"): an invoice's comments and
 * history. List (`comments`, newest first [mem]), add (200 "Comments added.", no record in the answer, as the
 * OAS shows), update (`comment`), delete ("The comment has been deleted."). Comments live beside the invoice
 * (`org.comments`), so invoice updates never touch them. History entries (`comment_type: system`) are written
 * by the invoice routes through `recordHistory` and cannot be edited or deleted [mem].
 */
import type { ZohoSimConfig } from '../config.ts';
import type { SimContext } from '../context.ts';
import { fail, ok } from '../envelope.ts';
import { bool, date, has, text } from '../fields.ts';
import type { Invoice, InvoiceComment, Organization, User } from '../state.ts';
import { DAY_MS, isoDate } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

function findInvoice(org: Organization, invoiceId: string | undefined): Invoice {
  const inv = org.invoices.get(invoiceId ?? '');
  if (!inv) throw fail.notFound('Invoice');
  return inv;
}

function commentsOf(org: Organization, invoiceId: string): InvoiceComment[] {
  let list = org.comments.get(invoiceId);
  if (!list) {
    list = [];
    org.comments.set(invoiceId, list);
  }
  return list;
}

function findComment(org: Organization, invoiceId: string, commentId: string | undefined): InvoiceComment {
  const comment = org.comments.get(invoiceId)?.find((c) => c.comment_id === commentId);
  if (!comment) throw fail.notFound('Comment');
  return comment;
}

/** `yesterday` in the OAS example; the other phrasings are [mem]. Days are UTC days (every org is on UTC). */
function dateDescription(created: number, now: number): string {
  const days = Math.max(0, Math.round((Date.parse(isoDate(now)) - Date.parse(isoDate(created))) / DAY_MS));
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}

/** `2:38 AM` in the OAS example. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  return `${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** A row of `list-invoice-comments-and-history-response`. */
export function renderComment(c: InvoiceComment, now: number): Record<string, unknown> {
  return {
    comment_id: c.comment_id,
    invoice_id: c.invoice_id,
    description: c.description,
    commented_by_id: c.commented_by_id,
    commented_by: c.commented_by,
    comment_type: c.comment_type,
    operation_type: c.operation_type,
    date: isoDate(c.created),
    date_description: dateDescription(c.created, now),
    time: clockTime(c.created),
    transaction_id: c.invoice_id,
    transaction_type: 'invoice',
  };
}

/** The `comment` of `update-comment-response`, which declares fewer fields than the list rows. */
function renderUpdatedComment(c: InvoiceComment, now: number): Record<string, unknown> {
  const { operation_type: _op, transaction_id: _tid, transaction_type: _tt, ...rest } = renderComment(c, now);
  return rest;
}

/** Every comment of the organization (oldest first, per invoice), as `state()` shows them. */
export function renderAllComments(org: Organization, now: number): Record<string, unknown>[] {
  return [...org.comments.values()].flatMap((list) => list.map((c) => renderComment(c, now)));
}

/** A history line Books writes itself (invoice created, updated, status changed), unless configured off. */
export function recordHistory(
  input: { ctx: SimContext; cfg: ZohoSimConfig; user: User; org: Organization; now: number },
  invoiceId: string,
  description: string,
  operation: 'Added' | 'Updated',
): void {
  if (!input.cfg.invoiceHistoryInComments) return;
  commentsOf(input.org, invoiceId).push({
    comment_id: input.ctx.store.ids.recordId(),
    invoice_id: invoiceId,
    description,
    commented_by_id: input.user.userId,
    commented_by: input.user.email,
    comment_type: 'system',
    operation_type: operation,
    show_comment_to_clients: false,
    payment_expected_date: '',
    created: input.now,
    modified: input.now,
  });
}

/** Drops an invoice's comments with the invoice. */
export function forgetComments(org: Organization, invoiceId: string): void {
  org.comments.delete(invoiceId);
}

function list(input: OrgInput) {
  const inv = findInvoice(input.org, input.params.invoice_id);
  const rows = [...(input.org.comments.get(inv.invoice_id) ?? [])].reverse();
  return ok('success', { comments: rows.map((c) => renderComment(c, input.now)) });
}

function add(input: OrgInput) {
  const { org, body, user, now } = input;
  const inv = findInvoice(org, input.params.invoice_id);
  const description = text(body, 'description');
  if (description.trim() === '') throw fail.invalid('description');
  const shown = bool(body, 'show_comment_to_clients', false);
  commentsOf(org, inv.invoice_id).push({
    comment_id: input.ctx.store.ids.recordId(),
    invoice_id: inv.invoice_id,
    description,
    commented_by_id: user.userId,
    commented_by: user.email,
    comment_type: shown ? 'external' : 'internal',
    operation_type: 'Added',
    show_comment_to_clients: shown,
    payment_expected_date: date(body, 'payment_expected_date', ''),
    created: now,
    modified: now,
  });
  // The OAS answer is the envelope alone (add-comment-response), with HTTP 200, not 201.
  return ok('Comments added.');
}

function update(input: OrgInput) {
  const { org, body, now } = input;
  const inv = findInvoice(org, input.params.invoice_id);
  const comment = findComment(org, inv.invoice_id, input.params.comment_id);
  if (comment.comment_type === 'system') throw fail.rule('System generated comments cannot be edited.'); // [mem] wording
  if (has(body, 'description')) {
    const description = text(body, 'description');
    if (description.trim() === '') throw fail.invalid('description');
    comment.description = description;
  }
  comment.show_comment_to_clients = bool(body, 'show_comment_to_clients', comment.show_comment_to_clients);
  comment.comment_type = comment.show_comment_to_clients ? 'external' : 'internal';
  comment.modified = now;
  return ok('success', { comment: renderUpdatedComment(comment, now) });
}

function remove(input: OrgInput) {
  const { org } = input;
  const inv = findInvoice(org, input.params.invoice_id);
  const comment = findComment(org, inv.invoice_id, input.params.comment_id);
  if (comment.comment_type === 'system') throw fail.rule('System generated comments cannot be deleted.'); // [mem] wording
  const list = org.comments.get(inv.invoice_id)!;
  list.splice(list.indexOf(comment), 1);
  return ok('The comment has been deleted.');
}

export const invoiceCommentRoutes: RouteDef[] = [
  orgRoute('GET', '/invoices/:invoice_id/comments', ['invoices', 'READ'], list),
  orgRoute('POST', '/invoices/:invoice_id/comments', ['invoices', 'CREATE'], add),
  orgRoute('PUT', '/invoices/:invoice_id/comments/:comment_id', ['invoices', 'UPDATE'], update),
  orgRoute('DELETE', '/invoices/:invoice_id/comments/:comment_id', ['invoices', 'DELETE'], remove),
];
