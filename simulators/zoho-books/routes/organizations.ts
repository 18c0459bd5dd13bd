/**
 * `GET /organizations` (the one call without `organization_id`, api notes §2.1/§2.2) lists the orgs of the
 * token's user in this data centre; `GET /organizations/{id}` reads one of them.
 */
import { ok } from '../envelope.ts';
import type { Organization, Store, User } from '../state.ts';
import { ZohoApiError } from '../envelope.ts';
import type { RouteDef } from './types.ts';

const PLAN_TYPES: Record<Organization['plan'], number> = { free: 0, standard: 110, professional: 130, premium: 140, elite: 150, ultimate: 160 }; // [mem]

function summary(org: Organization, isDefault: boolean): Record<string, unknown> {
  const base = org.currencies.get(org.base_currency_id)!;
  return {
    organization_id: org.organization_id,
    name: org.name,
    contact_name: org.contact_name,
    email: org.email,
    is_default_org: isDefault,
    plan_type: PLAN_TYPES[org.plan],
    plan_name: org.plan.toUpperCase(),
    plan_period: 'Monthly',
    language_code: 'en',
    fiscal_year_start_month: 0,
    account_created_date: org.created_date,
    time_zone: org.time_zone,
    is_org_active: true,
    currency_id: base.currency_id,
    currency_code: base.currency_code,
    currency_symbol: base.currency_symbol,
    currency_format: base.currency_format,
    price_precision: base.price_precision,
  };
}

function orgsOf(store: Store, user: User): Organization[] {
  return user.organizations.map((id) => store.orgs.get(id)).filter((o): o is Organization => o !== undefined && o.dc === user.dc);
}

export const organizationRoutes: RouteDef[] = [
  {
    kind: 'user',
    method: 'GET',
    path: '/organizations',
    scope: ['settings', 'READ'],
    handle: ({ ctx, user }) => ok('success', { organizations: orgsOf(ctx.store, user).map((o, i) => summary(o, i === 0)) }),
  },
  {
    kind: 'user',
    method: 'GET',
    path: '/organizations/:organization_id',
    scope: ['settings', 'READ'],
    handle: ({ ctx, user, params }) => {
      const orgs = orgsOf(ctx.store, user);
      const index = orgs.findIndex((o) => o.organization_id === params.organization_id);
      if (index < 0) throw new ZohoApiError('orgNotMember', { id: params.organization_id ?? '' });
      const { plan_type: _p, plan_name: _n, plan_period: _pp, is_org_active, ...rest } = summary(orgs[index]!, index === 0);
      return ok('success', { organization: { ...rest, is_org_active } });
    },
  },
];
