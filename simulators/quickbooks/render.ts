/**
 * The JSON an entity is answered with: its stored fields, the amounts derived from applications, and the
 * bookkeeping every entity carries (`Id`, `SyncToken` as a string, `MetaData`, `domain: "QBO"`, `sparse: false`;
 * api notes §2).
 */
import { creditRemaining, customerBalance, invoiceBalance, paymentUnapplied } from './balances.ts';
import type { Company, StoredEntity } from './company.ts';
import { companyTime } from './context.ts';
import { Dec } from './decimal.ts';
import { refValue, type JsonObject } from './json.ts';
import { currencyDecimals } from './seed.ts';

function homeAmount(company: Company, data: JsonObject, value: Dec): Dec | undefined {
  const currency = refValue(data['CurrencyRef']);
  if (!currency || currency === company.options.homeCurrency) return undefined;
  const rate = Dec.parse(data['ExchangeRate']);
  return rate ? value.mul(rate).round(currencyDecimals(company.options.homeCurrency)) : undefined;
}

export function render(company: Company, e: StoredEntity): JsonObject {
  const out: JsonObject = { ...e.data };
  switch (e.type) {
    case 'Customer': {
      const balance = customerBalance(company, e.id);
      out['Balance'] = balance.toJson();
      out['BalanceWithJobs'] = balance.toJson();
      break;
    }
    case 'Invoice': {
      const balance = invoiceBalance(company, e);
      out['Balance'] = balance.toJson();
      const home = homeAmount(company, e.data, balance);
      if (home) out['HomeBalance'] = home.toJson();
      const links = company.applications.filter((a) => a.targetType === 'Invoice' && a.targetId === e.id);
      out['LinkedTxn'] = [...new Set(links.map((a) => a.paymentId))].map((id) => ({ TxnId: id, TxnType: 'Payment' }));
      break;
    }
    case 'CreditMemo': {
      const remaining = creditRemaining(company, e);
      out['RemainingCredit'] = remaining.toJson();
      out['Balance'] = remaining.toJson();
      break;
    }
    case 'Payment':
      out['UnappliedAmt'] = paymentUnapplied(company, e).toJson();
      break;
    default:
      break;
  }
  out['domain'] = 'QBO';
  out['sparse'] = false;
  out['Id'] = e.id;
  out['SyncToken'] = String(e.syncToken);
  out['MetaData'] = { CreateTime: companyTime(company, e.createdAt), LastUpdatedTime: companyTime(company, e.updatedAt) };
  return out;
}

/** What a delete answers and CDC lists for a deleted object (api notes §2.1, §10.4 [mem]). */
export function deletedStub(company: Company, e: StoredEntity): JsonObject {
  return {
    status: 'Deleted',
    domain: 'QBO',
    Id: e.id,
    MetaData: { CreateTime: companyTime(company, e.createdAt), LastUpdatedTime: companyTime(company, e.deletedAt ?? e.updatedAt) },
  };
}
