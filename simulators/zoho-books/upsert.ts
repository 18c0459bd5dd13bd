/**
 * `PUT /{module}` with `X-Unique-Identifier-Key` / `-Value` (and `X-Upsert: true`): update the record whose
 * unique custom field has that value, or create it (api notes §3.9, [src S20]). The simulator treats every
 * custom field named by `api_name` as unique; Zoho requires the field to be configured so [mem]. With no
 * match and no `X-Upsert`, it answers as for a missing record [mem].
 */
import type { SimResponse } from '../_kit/server.ts';
import { fail } from './envelope.ts';
import type { OrgInput } from './routes/types.ts';
import type { CustomField } from './state.ts';

export function upsertBy<T extends { custom_fields: CustomField[] }>(
  input: OrgInput,
  records: Iterable<T>,
  entity: string,
  update: (record: T) => SimResponse,
  create: () => SimResponse,
): SimResponse {
  const key = input.headers['x-unique-identifier-key']?.trim();
  const value = input.headers['x-unique-identifier-value'];
  if (!key) throw fail.invalid('X-Unique-Identifier-Key');
  if (value === undefined || value === '') throw fail.invalid('X-Unique-Identifier-Value');
  const matches = [...records].filter((r) => r.custom_fields.some((f) => f.api_name === key && String(f.value) === value));
  if (matches.length > 1) throw fail.rule(`More than one ${entity.toLowerCase()} has ${key} = ${value}.`);
  if (matches[0]) return update(matches[0]);
  if ((input.headers['x-upsert'] ?? '').toLowerCase() === 'true') return create();
  throw fail.notFound(entity);
}
