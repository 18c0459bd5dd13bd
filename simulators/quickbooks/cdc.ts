/**
 * Change Data Capture (api notes §10.4 [src S17]): `GET /cdc?entities=Invoice,Customer&changedSince=<ISO>`, at most
 * 30 days back and 1,000 objects per answer (the oldest changes first). Answer shape
 * `{"CDCResponse":[{"QueryResponse":[{"Customer":[...],"startPosition":1,"maxResults":n},{...}]}]}`; deleted
 * objects come as `status: "Deleted"` stubs [mem].
 */
import type { StoredEntity } from './company.ts';
import { businessError, fault, type Scope } from './context.ts';
import { ENTITY_SPECS, type EntityName } from './entity-specs.ts';
import { required, invalid } from './fields.ts';
import { JsonNum, type Json, type JsonObject } from './json.ts';
import { deletedStub, render } from './render.ts';
import { DAY_MS, parseInstant } from './time.ts';

export function runCdc(scope: Scope, entitiesParam: string | undefined, changedSince: string | undefined): Json[] {
  const cfg = scope.ctx.config();
  if (!entitiesParam) required(scope, 'entities');
  if (!changedSince) required(scope, 'changedSince');
  const since = parseInstant(changedSince);
  if (since === undefined) invalid(scope, 'changedSince');
  if (since < scope.now - cfg.cdcMaxDays * DAY_MS) throw businessError(scope, `changedSince must be within the last ${cfg.cdcMaxDays} days.`, 'changedSince');

  const types: EntityName[] = [];
  for (const raw of entitiesParam.split(',')) {
    const wanted = raw.trim().toLowerCase();
    const spec = Object.values(ENTITY_SPECS).find((s) => s.tracked && s.name.toLowerCase() === wanted);
    if (!spec) throw fault(scope, 'queryInvalid', { reason: `Entity '${raw.trim()}' is not supported for CDC` });
    if (!types.includes(spec.name)) types.push(spec.name);
  }

  const changed: { type: EntityName; e: StoredEntity; at: number }[] = [];
  for (const type of types) {
    for (const e of scope.company.table(type).values()) {
      if (scope.batch !== undefined && e.createdInBatch === scope.batch) continue;
      const at = e.deletedAt ?? e.updatedAt;
      if (at >= since) changed.push({ type, e, at });
    }
  }
  changed.sort((a, b) => a.at - b.at);
  const kept = changed.slice(0, cfg.cdcMaxObjects);

  const responses: Json[] = types.map((type) => {
    const list = kept.filter((c) => c.type === type).map((c) => (c.e.deletedAt !== undefined ? deletedStub(scope.company, c.e) : render(scope.company, c.e)));
    if (list.length === 0) return {};
    const out: JsonObject = { [type]: list, startPosition: new JsonNum('1'), maxResults: new JsonNum(String(list.length)) };
    return out;
  });
  return [{ QueryResponse: responses }];
}
