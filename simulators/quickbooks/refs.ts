/**
 * Reference resolution. A body refers to other objects as `{"value": "<Id>"}`; QBO refuses a reference to a missing
 * or inactive object with 610 "Object Not Found" (api notes §6.3 [src S14]; the same answer for a missing one is
 * [mem]) and fills in the `name` on the way out.
 */
import type { StoredEntity } from './company.ts';
import { fault, type Scope } from './context.ts';
import type { EntityName } from './entity-specs.ts';
import { obj, refValue, type Json, type JsonObject } from './json.ts';

export function displayNameOf(e: StoredEntity): string {
  const d = e.data;
  const name = d['FullyQualifiedName'] ?? d['DisplayName'] ?? d['Name'];
  return typeof name === 'string' ? name : e.id;
}

/** Resolves a required-or-optional reference; throws 2020 when required and absent, 610 when dangling or inactive. */
export function resolveRef(scope: Scope, type: EntityName, ref: Json | undefined, element: string, required: true): StoredEntity;
export function resolveRef(scope: Scope, type: EntityName, ref: Json | undefined, element: string, required: false): StoredEntity | undefined;
export function resolveRef(scope: Scope, type: EntityName, ref: Json | undefined, element: string, required: boolean): StoredEntity | undefined {
  if (ref === undefined || ref === null) {
    if (required) throw fault(scope, 'required', { name: element }, element);
    return undefined;
  }
  const id = refValue(ref);
  if (id === undefined) throw fault(scope, 'invalidProperty', { name: element }, element);
  const found = scope.company.get(type, id, scope.batch);
  if (!found || found.data['Active'] === false) throw fault(scope, 'notFound', {}, element);
  return found;
}

/** `{value, name}` with the current name, keeping any other keys the client sent (e.g. `type`). */
export function namedRef(ref: Json | undefined, entity: StoredEntity): JsonObject {
  return { ...(obj(ref) ?? {}), value: entity.id, name: displayNameOf(entity) };
}
