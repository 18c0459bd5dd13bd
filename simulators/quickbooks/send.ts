/**
 * `POST /invoice/{id}/send[?sendTo=]` (api notes §2, §3.3): needs `Content-Type: application/octet-stream` (with
 * JSON it fails with 2020 "DeliveryAddress.Address" [src S15]), e-mails BillEmail or `sendTo`, sets EmailStatus
 * EmailSent, and counts toward the sandbox's 40 e-mails per realm per day [src S10]. Nothing is actually sent.
 */
import type { SimRequest } from '../_kit/server.ts';
import type { StoredEntity } from './company.ts';
import { businessError, companyTime, fault, type Scope } from './context.ts';
import { required } from './fields.ts';
import { obj, str } from './json.ts';
import { DAY_MS } from './time.ts';

export function sendInvoice(scope: Scope, req: SimRequest, id: string): StoredEntity {
  const { company } = scope;
  if (!(req.headers['content-type'] ?? '').toLowerCase().includes('application/octet-stream')) required(scope, 'DeliveryAddress.Address');
  const invoice = company.get('Invoice', id, scope.batch);
  if (!invoice) throw fault(scope, 'notFound', {}, 'Id');
  const to = req.query.get('sendTo') ?? str(obj(invoice.data['BillEmail'])?.['Address']);
  if (!to) required(scope, 'BillEmail.Address');
  if (company.options.environment === 'sandbox') {
    const today = company.emailsSent.filter((t) => t > scope.now - DAY_MS);
    if (today.length >= scope.ctx.config().sandboxEmailsPerDay) throw businessError(scope, 'The sandbox e-mail limit for today has been reached.');
    company.emailsSent.push(scope.now);
  }
  invoice.data = {
    ...invoice.data,
    EmailStatus: 'EmailSent',
    BillEmail: { Address: to },
    DeliveryInfo: { DeliveryType: 'Email', DeliveryTime: companyTime(company, scope.now) },
  };
  invoice.syncToken += 1;
  invoice.updatedAt = scope.now;
  invoice.lastWriter = scope.writer;
  company.record(invoice, 'Emailed', scope.now);
  return invoice;
}
