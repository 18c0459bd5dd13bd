/** `/chartofaccounts` (api notes §3.7): the seeded accounts journals post to; scope family `accountants`. */
import { fail, ok } from '../envelope.ts';
import { paginate } from '../pagination.ts';
import type { Account } from '../state.ts';
import { zohoTimestamp } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

export function renderAccount(a: Account): Record<string, unknown> {
  return {
    account_id: a.account_id,
    account_name: a.account_name,
    account_code: a.account_code,
    account_type: a.account_type,
    is_user_created: a.is_user_created,
    is_system_account: a.is_system_account,
    is_active: a.is_active,
    parent_account_id: '',
    created_time: zohoTimestamp(a.created),
    last_modified_time: zohoTimestamp(a.modified),
  };
}

const ACCOUNT_TYPE_FILTERS: Record<string, (a: Account) => boolean> = {
  'AccountType.All': () => true,
  'AccountType.Active': (a) => a.is_active,
  'AccountType.Inactive': (a) => !a.is_active,
  'AccountType.Asset': (a) => ['cash', 'bank', 'accounts_receivable', 'stock', 'other_current_asset', 'fixed_asset', 'other_asset'].includes(a.account_type),
  'AccountType.Liability': (a) => ['accounts_payable', 'other_current_liability', 'long_term_liability', 'credit_card', 'other_liability'].includes(a.account_type),
  'AccountType.Equity': (a) => a.account_type === 'equity',
  'AccountType.Income': (a) => a.account_type === 'income' || a.account_type === 'other_income',
  'AccountType.Expense': (a) => ['expense', 'cost_of_goods_sold', 'other_expense'].includes(a.account_type),
};

function listAccounts(input: OrgInput) {
  const { org, query } = input;
  const filterBy = query.get('filter_by') ?? 'AccountType.All';
  const filter = ACCOUNT_TYPE_FILTERS[filterBy];
  if (!filter) throw fail.invalid('filter_by');
  const rows = [...org.accounts.values()].filter(filter).sort((a, b) => a.account_name.localeCompare(b.account_name));
  const page = paginate(rows, query, { report_name: 'Chart of Accounts', applied_filter: filterBy, sort_column: 'account_name', sort_order: 'A' });
  return ok('success', { chartofaccounts: page.rows.map(renderAccount), page_context: page.page_context });
}

function getAccount(input: OrgInput) {
  const account = input.org.accounts.get(input.params.account_id ?? '');
  if (!account) throw fail.notFound('Account');
  return ok('success', { chart_of_account: renderAccount(account) });
}

export const chartOfAccountsRoutes: RouteDef[] = [
  orgRoute('GET', '/chartofaccounts', ['accountants', 'READ'], listAccounts),
  orgRoute('GET', '/chartofaccounts/:account_id', ['accountants', 'READ'], getAccount),
];
