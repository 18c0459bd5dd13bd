import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function contact(harness: Harness, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await harness.call('POST', '/contacts', { body });
  expect(res.status).toBe(201);
  return res.body.contact as Record<string, unknown>;
}

describe('contacts', () => {
  it('creates a contact with 201, the documented message and string ids beyond 2^53', async () => {
    h = await startHarness();
    const res = await h.call('POST', '/contacts', {
      body: { contact_name: 'Acme Ltd', contact_persons: [{ first_name: 'Ada', email: 'ada@acme.test' }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.code).toBe(0);
    expect(res.body.message).toBe('The contact has been created');
    const id = res.body.contact.contact_id as string;
    expect(id).toMatch(/^\d{18,19}$/);
    expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(res.body.contact).toMatchObject({ contact_type: 'customer', status: 'active', currency_code: 'USD' });
    expect(res.body.contact.contact_persons[0]).toMatchObject({ email: 'ada@acme.test', is_primary_contact: true });
    expect(res.body.contact.created_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}$/);
  });

  it('refuses a contact without contact_name', async () => {
    h = await startHarness();
    const res = await h.call('POST', '/contacts', { body: { company_name: 'Nameless' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 2, message: 'Invalid value passed for contact_name' });
  });

  it('refuses a second contact with the same contact_name', async () => {
    h = await startHarness();
    await contact(h, { contact_name: 'Twin' });
    const res = await h.call('POST', '/contacts', { body: { contact_name: 'twin' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1001);
  });

  it('filters contacts by the primary contact person email', async () => {
    h = await startHarness();
    await contact(h, { contact_name: 'A', contact_persons: [{ first_name: 'A', email: 'a@x.test' }] });
    await contact(h, {
      contact_name: 'B',
      contact_persons: [
        { first_name: 'Other', email: 'other@x.test' },
        { first_name: 'B', email: 'b@x.test', is_primary_contact: true },
      ],
    });
    const found = await h.call('GET', '/contacts', { query: { email: 'B@X.test' } });
    expect(found.body.contacts.map((c: { contact_name: string }) => c.contact_name)).toEqual(['B']);
    expect(found.body.contacts[0]).toMatchObject({ email: 'b@x.test', first_name: 'B' });
    // Only the primary person's email is matched (api notes §3.1).
    expect((await h.call('GET', '/contacts', { query: { email: 'other@x.test' } })).body.contacts).toEqual([]);
  });

  it('filters contacts by search_text and contact_name', async () => {
    h = await startHarness();
    await contact(h, { contact_name: 'Blue Whale Shop', notes: 'wholesale' });
    await contact(h, { contact_name: 'Red Fox', notes: 'whale watching partner' });
    await contact(h, { contact_name: 'Green Owl' });
    const names = async (query: Record<string, string>) =>
      ((await h!.call('GET', '/contacts', { query })).body.contacts as { contact_name: string }[]).map((c) => c.contact_name);
    expect(await names({ search_text: 'whale' })).toEqual(['Blue Whale Shop', 'Red Fox']);
    expect(await names({ contact_name: 'green owl' })).toEqual(['Green Owl']);
    expect(await names({ contact_name_startswith: 'Re' })).toEqual(['Red Fox']);
  });

  it('updates contact persons by contact_person_id', async () => {
    h = await startHarness();
    const c = await contact(h, { contact_name: 'Upd', contact_persons: [{ first_name: 'Old', email: 'old@x.test' }] });
    const personId = (c.contact_persons as { contact_person_id: string }[])[0]!.contact_person_id;
    const res = await h.call('PUT', `/contacts/${String(c.contact_id)}`, {
      body: { contact_persons: [{ contact_person_id: personId, first_name: 'New', email: 'new@x.test' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.contact.contact_persons).toEqual([expect.objectContaining({ contact_person_id: personId, first_name: 'New', email: 'new@x.test' })]);
    expect(res.body.contact.contact_name).toBe('Upd');
  });

  it('refuses an invalid email on a contact person', async () => {
    h = await startHarness();
    const res = await h.call('POST', '/contacts', { body: { contact_name: 'Bad', contact_persons: [{ first_name: 'X', email: 'not-an-email' }] } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid value passed for email');
  });

  it('pages with page/per_page and page_context.has_more_page', async () => {
    h = await startHarness();
    for (let i = 0; i < 5; i++) await contact(h, { contact_name: `C${i}` });
    const first = await h.call('GET', '/contacts', { query: { per_page: '2' } });
    expect(first.body.contacts).toHaveLength(2);
    expect(first.body.page_context).toMatchObject({ page: 1, per_page: 2, has_more_page: true });
    const last = await h.call('GET', '/contacts', { query: { per_page: '2', page: '3' } });
    expect(last.body.contacts).toHaveLength(1);
    expect(last.body.page_context.has_more_page).toBe(false);
    const capped = await h.call('GET', '/contacts', { query: { per_page: '1000' } });
    expect(capped.body.page_context.per_page).toBe(200);
  });

  it('creates contact persons and lists them', async () => {
    h = await startHarness();
    const c = await contact(h, { contact_name: 'People' });
    const created = await h.call('POST', '/contacts/contactpersons', { body: { contact_id: c.contact_id, first_name: 'Pat', email: 'pat@x.test' } });
    expect(created.status).toBe(201);
    const listed = await h.call('GET', `/contacts/${String(c.contact_id)}/contactpersons`);
    expect(listed.body.contact_persons).toEqual([expect.objectContaining({ first_name: 'Pat', is_primary_contact: true })]);
  });
});
