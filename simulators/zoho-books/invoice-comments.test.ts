import { afterEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES, CLIENT, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

interface Comment {
  comment_id: string;
  invoice_id: string;
  description: string;
  commented_by_id: string;
  commented_by: string;
  comment_type: string;
  operation_type: string;
  date: string;
  date_description: string;
  time: string;
  transaction_id: string;
  transaction_type: string;
}

async function invoice(options: Parameters<typeof startHarness>[0] = {}): Promise<{ h: Harness; invoiceId: string }> {
  h = await startHarness(options);
  const customer = await h.call('POST', '/contacts', { body: { contact_name: 'Acme Ltd' } });
  const created = await h.call('POST', '/invoices', {
    body: { customer_id: customer.body.contact.contact_id, reference_number: '#1042', notes: 'Order #1042', line_items: [{ name: 'Mug', rate: 19.99 }] },
  });
  return { h, invoiceId: created.body.invoice.invoice_id as string };
}

async function comments(harness: Harness, invoiceId: string): Promise<Comment[]> {
  const res = await harness.call('GET', `/invoices/${invoiceId}/comments`);
  expect(res.status).toBe(200);
  return res.body.comments as Comment[];
}

const userComments = (list: Comment[]) => list.filter((c) => c.comment_type !== 'system');

describe('invoice comments', () => {
  it('adds a comment with 200 and "Comments added." (the envelope alone, as the OAS shows)', async () => {
    const { h, invoiceId } = await invoice();
    const res = await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'Shipped via UPS [shipment ss:1]', show_comment_to_clients: false } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: 0, message: 'Comments added.' });
  });

  it('lists comments and history under "comments", newest first, with the fields the OAS shows', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'first' } });
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'second' } });
    const list = await comments(h, invoiceId);
    expect(userComments(list).map((c) => c.description)).toEqual(['second', 'first']);
    const [newest] = list;
    expect(newest).toMatchObject({ invoice_id: invoiceId, description: 'second', commented_by: h.email, comment_type: 'internal', operation_type: 'Added', date_description: 'today', transaction_type: 'invoice' });
    expect(newest!.comment_id).toMatch(/^\d{18,19}$/);
    expect(newest!.commented_by_id).toMatch(/^\d+$/);
    expect(newest!.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(newest!.time).toMatch(/^(1[0-2]|[1-9]):[0-5]\d (AM|PM)$/);
  });

  it('describes each date relative to today: today, yesterday, n days ago', async () => {
    const { h, invoiceId } = await invoice();
    // Access tokens live an hour: a fresh one after each jump.
    const later = async (ms: number) => {
      h.sim.clock.advance(ms);
      h.accessToken = h.sim.issueTokens({ email: h.email, clientId: CLIENT.clientId, scopes: ALL_SCOPES }).access_token;
      return (await comments(h, invoiceId))[0]!.date_description;
    };
    expect(await later(86_400_000)).toBe('yesterday');
    expect(await later(2 * 86_400_000)).toBe('3 days ago');
  });

  it('holds the invoice history too: a system entry for create, update and each status change', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('PUT', `/invoices/${invoiceId}`, { body: { notes: 'changed' } });
    await h.call('POST', `/invoices/${invoiceId}/status/sent`);
    await h.call('POST', `/invoices/${invoiceId}/status/void`);
    const history = (await comments(h, invoiceId)).filter((c) => c.comment_type === 'system');
    expect(history.map((c) => [c.operation_type, c.description])).toEqual([
      ['Updated', 'Invoice status changed to Void.'],
      ['Updated', 'Invoice marked as sent.'],
      ['Updated', 'Invoice updated; total USD 19.99.'],
      ['Added', 'Invoice created for USD 19.99.'],
    ]);
  });

  it('leaves history out when invoiceHistoryInComments is off', async () => {
    const { h, invoiceId } = await invoice();
    h.sim.configure({ invoiceHistoryInComments: false });
    await h.call('PUT', `/invoices/${invoiceId}`, { body: { notes: 'changed' } });
    expect((await comments(h, invoiceId)).map((c) => c.description)).toEqual(['Invoice created for USD 19.99.']);
  });

  it('keeps comments through an invoice update that rewrites notes', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'Shipped via UPS [shipment ss:1]' } });
    const updated = await h.call('PUT', `/invoices/${invoiceId}`, { body: { notes: 'Order #1042 (edited)', line_items: [{ name: 'Mug', rate: 21 }] } });
    expect(updated.body.invoice.notes).toBe('Order #1042 (edited)');
    expect(userComments(await comments(h, invoiceId)).map((c) => c.description)).toEqual(['Shipped via UPS [shipment ss:1]']);
  });

  it('refuses a comment without a description (code 2)', async () => {
    const { h, invoiceId } = await invoice();
    for (const body of [{}, { description: '   ' }, { description: { nested: true } }]) {
      const res = await h.call('POST', `/invoices/${invoiceId}/comments`, { body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 2, message: 'Invalid value passed for description' });
    }
    expect(userComments(await comments(h, invoiceId))).toEqual([]);
  });

  it('accepts a JSONString form body, like every Books write', async () => {
    const { h, invoiceId } = await invoice();
    expect((await h.call('POST', `/invoices/${invoiceId}/comments`, { jsonString: { description: 'form' } })).body.code).toBe(0);
    expect(userComments(await comments(h, invoiceId)).map((c) => c.description)).toEqual(['form']);
  });

  it('marks a comment shown to clients as external', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'Your parcel is on its way', show_comment_to_clients: true } });
    expect(userComments(await comments(h, invoiceId))[0]!.comment_type).toBe('external');
  });

  it('answers 404 code 1002 "Invoice does not exist." for the comments of an unknown invoice', async () => {
    const { h } = await invoice();
    for (const method of ['GET', 'POST'] as const) {
      const res = await h.call(method, '/invoices/982000000000999999/comments', method === 'POST' ? { body: { description: 'x' } } : {});
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 1002, message: 'Invoice does not exist.' });
    }
  });

  it('updates a comment with PUT, answering "comment" without the list-only fields', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'draft note' } });
    const id = userComments(await comments(h, invoiceId))[0]!.comment_id;
    const res = await h.call('PUT', `/invoices/${invoiceId}/comments/${id}`, { body: { description: 'final note' } });
    expect(res.status).toBe(200);
    expect(res.body.comment).toMatchObject({ comment_id: id, invoice_id: invoiceId, description: 'final note', comment_type: 'internal' });
    expect(res.body.comment).not.toHaveProperty('operation_type');
    expect(userComments(await comments(h, invoiceId)).map((c) => c.description)).toEqual(['final note']);
  });

  it('deletes a comment: "The comment has been deleted.", then 404 code 1002 "Comment does not exist."', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'oops' } });
    const id = userComments(await comments(h, invoiceId))[0]!.comment_id;
    expect((await h.call('DELETE', `/invoices/${invoiceId}/comments/${id}`)).body).toEqual({ code: 0, message: 'The comment has been deleted.' });
    expect(userComments(await comments(h, invoiceId))).toEqual([]);
    const again = await h.call('DELETE', `/invoices/${invoiceId}/comments/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ code: 1002, message: 'Comment does not exist.' });
  });

  it('refuses to edit or delete a history entry (code 4001)', async () => {
    const { h, invoiceId } = await invoice();
    const system = (await comments(h, invoiceId)).find((c) => c.comment_type === 'system')!;
    expect((await h.call('PUT', `/invoices/${invoiceId}/comments/${system.comment_id}`, { body: { description: 'x' } })).body.code).toBe(4001);
    expect((await h.call('DELETE', `/invoices/${invoiceId}/comments/${system.comment_id}`)).body.code).toBe(4001);
  });

  it('drops the comments with a deleted invoice', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'note' } });
    expect((await h.call('DELETE', `/invoices/${invoiceId}`)).body.code).toBe(0);
    expect(h.sim.state(h.orgId).comments).toEqual([]);
  });

  it('needs the invoices scopes: READ to list, CREATE to add', async () => {
    const { h, invoiceId } = await invoice({ scopes: 'ZohoBooks.invoices.READ,ZohoBooks.contacts.ALL,ZohoBooks.invoices.CREATE' });
    const readOnly = h.sim.issueTokens({ email: h.email, clientId: CLIENT.clientId, scopes: 'ZohoBooks.invoices.READ' }).access_token;
    expect((await h.call('GET', `/invoices/${invoiceId}/comments`, { token: readOnly })).status).toBe(200);
    const refused = await h.call('POST', `/invoices/${invoiceId}/comments`, { token: readOnly, body: { description: 'x' } });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe(57);
  });

  it('shows every comment in state(orgId), as the list renders them', async () => {
    const { h, invoiceId } = await invoice();
    await h.call('POST', `/invoices/${invoiceId}/comments`, { body: { description: 'Shipped [shipment ss:1]' } });
    const state = h.sim.state(h.orgId).comments as Comment[];
    expect(state.map((c) => [c.invoice_id, c.comment_type, c.description])).toEqual([
      [invoiceId, 'system', 'Invoice created for USD 19.99.'],
      [invoiceId, 'internal', 'Shipped [shipment ss:1]'],
    ]);
  });
});
