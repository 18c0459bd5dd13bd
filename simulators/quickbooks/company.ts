/**
 * One QuickBooks company (a realm): its entities by type, id counters, payment applications, and change events
 * that feed webhooks and CDC. Entities keep their JSON as stored (exact numbers), plus bookkeeping the API shows as
 * `Id`, `SyncToken` and `MetaData`.
 */
import { Dec } from './decimal.ts';
import type { EntityName } from './entity-specs.ts';
import type { JsonObject } from './json.ts';
import type { Environment } from './tokens.ts';

export type Country = 'US' | 'CA' | 'GB' | 'AU';
export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed' | 'Merge';

export interface StoredEntity {
  type: EntityName;
  id: string;
  data: JsonObject;
  /** Starts at 0, +1 per successful write; rendered as a string. */
  syncToken: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | undefined;
  /** Who wrote last, named in the 5010 detail. */
  lastWriter: string;
  /** Set while the batch that created it is still running: later items of that batch cannot see it. */
  createdInBatch: symbol | undefined;
  /** The client set TxnTaxDetail.TotalTax itself (kept through sparse updates; otherwise recomputed). */
  taxSupplied?: boolean;
}

/** A payment line applied to an invoice (reduces its Balance) or a credit memo (uses its credit). */
export interface Application {
  paymentId: string;
  targetType: 'Invoice' | 'CreditMemo';
  targetId: string;
  amount: Dec;
}

export interface ChangeEvent {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: ChangeOperation;
  at: number;
}

export interface CompanyOptions {
  realmId: string;
  environment: Environment;
  name: string;
  country: Country;
  homeCurrency: string;
  timeZone: string;
  /** Production companies made after 2017-11-10 use Automated Sales Tax; sandboxes cannot (api notes §11.5). */
  automatedSalesTax: boolean;
  /** Rate AST applies here (real AST works from addresses). */
  astRatePercent: string;
  createdAt: number;
}

export class Company {
  readonly entities = new Map<EntityName, Map<string, StoredEntity>>();
  private readonly nextIds = new Map<EntityName, number>();
  applications: Application[] = [];
  /** Invoice numbers QBO assigns when custom transaction numbers are off. */
  private nextDocNumber = 1001;
  readonly emailsSent: number[] = [];

  constructor(
    readonly options: CompanyOptions,
    private readonly onChange: (event: ChangeEvent) => void,
  ) {}

  get realmId(): string {
    return this.options.realmId;
  }

  table(type: EntityName): Map<string, StoredEntity> {
    let t = this.entities.get(type);
    if (!t) {
      t = new Map();
      this.entities.set(type, t);
    }
    return t;
  }

  nextId(type: EntityName): string {
    const n = this.nextIds.get(type) ?? 1;
    this.nextIds.set(type, n + 1);
    return String(n);
  }

  autoDocNumber(): string {
    return String(this.nextDocNumber++);
  }

  /** A live entity visible to `batch` (not deleted, not created earlier in the same batch). */
  get(type: EntityName, id: string, batch?: symbol): StoredEntity | undefined {
    const e = this.table(type).get(id);
    if (!e || e.deletedAt !== undefined) return undefined;
    if (batch !== undefined && e.createdInBatch === batch) return undefined;
    return e;
  }

  live(type: EntityName, batch?: symbol): StoredEntity[] {
    return [...this.table(type).values()].filter((e) => e.deletedAt === undefined && (batch === undefined || e.createdInBatch !== batch));
  }

  insert(type: EntityName, data: JsonObject, now: number, writer: string, batch?: symbol, id = this.nextId(type)): StoredEntity {
    const entity: StoredEntity = { type, id, data, syncToken: 0, createdAt: now, updatedAt: now, deletedAt: undefined, lastWriter: writer, createdInBatch: batch };
    this.table(type).set(id, entity);
    return entity;
  }

  record(entity: StoredEntity, operation: ChangeOperation, at: number): void {
    this.onChange({ realmId: this.realmId, entity: entity.type, id: entity.id, operation, at });
  }

  /** Settings read from the Preferences entity, the single source of truth. */
  pref(section: string, key: string): unknown {
    const prefs = this.get('Preferences', '1');
    const s = prefs?.data[section];
    return s && typeof s === 'object' && !Array.isArray(s) ? (s as JsonObject)[key] : undefined;
  }

  get multiCurrency(): boolean {
    return this.pref('CurrencyPrefs', 'MultiCurrencyEnabled') === true;
  }

  get allowShipping(): boolean {
    return this.pref('SalesFormsPrefs', 'AllowShipping') !== false;
  }

  get customTxnNumbers(): boolean {
    return this.pref('SalesFormsPrefs', 'CustomTxnNumbers') !== false;
  }

  appliedTo(type: 'Invoice' | 'CreditMemo', id: string): Dec {
    return this.applications.filter((a) => a.targetType === type && a.targetId === id).reduce((acc, a) => acc.add(a.amount), Dec.ZERO);
  }

  applicationsOf(paymentId: string): Application[] {
    return this.applications.filter((a) => a.paymentId === paymentId);
  }

  replaceApplications(paymentId: string, next: Application[]): void {
    this.applications = [...this.applications.filter((a) => a.paymentId !== paymentId), ...next];
  }
}
