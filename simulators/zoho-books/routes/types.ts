/** The shape of a Books API route: method, path pattern, the scope it needs, and its handler. */
import type { SimResponse } from '../../_kit/server.ts';
import type { ZohoSimConfig } from '../config.ts';
import type { SimContext } from '../context.ts';
import type { JsonObject } from '../request-body.ts';
import type { ScopeFamily, ScopeOp } from '../scopes.ts';
import type { Organization, User } from '../state.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface BaseInput {
  ctx: SimContext;
  cfg: ZohoSimConfig;
  user: User;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Request headers, names lower-cased. */
  headers: Record<string, string>;
  body: JsonObject;
  now: number;
}

export interface OrgInput extends BaseInput {
  org: Organization;
}

interface BaseRoute {
  method: Method;
  /** Relative to `/books/v3`; `:name` segments become `params.name`. */
  path: string;
  scope: readonly [ScopeFamily, ScopeOp];
}

/** Most routes act on the organization named by `?organization_id=`. */
export interface OrgRoute extends BaseRoute {
  kind: 'org';
  handle(input: OrgInput): SimResponse;
}

/** `GET /organizations` and friends: no `organization_id` needed (api notes §2.1). */
export interface UserRoute extends BaseRoute {
  kind: 'user';
  handle(input: BaseInput): SimResponse;
}

export type RouteDef = OrgRoute | UserRoute;

export function orgRoute(method: Method, path: string, scope: readonly [ScopeFamily, ScopeOp], handle: OrgRoute['handle']): OrgRoute {
  return { kind: 'org', method, path, scope, handle };
}
