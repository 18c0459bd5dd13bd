/**
 * The engine's ports: what the use cases need from the outside, named by role. Adapters live in store/,
 * queue/, connectors/ and http/; only main.ts wires them. Nothing here does I/O.
 */
import type { ContactDraft, InvoiceDraft, ItemDraft, JournalDraft, ShipmentNoteDraft } from '../core/documents.ts';
import type { Customer, Order, Shipment } from '../core/model.ts';
import type { DecimalString } from '../core/money.ts';

export type SystemName = 'shopify' | 'woocommerce' | 'shipstation' | 'zoho-books' | 'quickbooks';
export type RecordState = 'pending' | 'running' | 'synced' | 'retrying' | 'failed' | 'conflict' | 'skipped';
export type ConnectionStatus = 'active' | 'needs_reauth' | 'disabled';
export type EntityType = 'order' | 'customer' | 'product' | 'refund' | 'shipment';
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------- store rows

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

/** A merchant's own key to the admin API: it reaches that tenant's routes only. The secret is stored hashed. */
export interface TenantToken {
  id: string;
  tenantId: string;
  /** SHA-256 (hex) of the token's secret part. */
  secretHash: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface Connection {
  id: string;
  tenantId: string;
  system: SystemName;
  role: 'source' | 'target';
  label: string;
  status: ConnectionStatus;
  statusReason: string | null;
  /** Non-secret settings: shop domain, base URLs, data centre, api_domain, organization id. */
  config: Record<string, Json>;
  /** Tokens and keys. Plain only in memory: the store seals them (AES-256-GCM) before they reach a row. */
  secrets: Record<string, string>;
  /** Unguessable token in this connection's webhook URL. */
  webhookKey: string;
  createdAt: string;
  updatedAt: string;
}

export type NewConnection = Pick<Connection, 'tenantId' | 'system' | 'role' | 'label' | 'config' | 'secrets'>;

/** User-owned mapping choices for one source → target flow (DESIGN.md §4: data, passed into mappings). */
export interface IntegrationSettings {
  /** Tax rate as a decimal fraction ("0.0725") → the target's tax id. Missing rates are found or created. */
  taxByRate?: Record<string, string>;
  /** Shipping method title → target item or account id. */
  shippingByMethod?: Record<string, string>;
  /** Book invoices as sent (open) rather than draft. */
  markSent?: boolean;
  /**
   * How shipments reach the books: a journal entry (shipping cost debited to an expense account, credited to
   * a clearing or payable account, both the user's choice) or only a note on the invoice. Carrier, service and
   * tracking go on the invoice in both modes.
   */
  shipments?: { mode: 'journal'; expenseAccountId: string; creditAccountId: string } | { mode: 'note' };
}

export interface Integration {
  id: string;
  tenantId: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  enabled: boolean;
  settings: IntegrationSettings;
  createdAt: string;
}

export interface InboxEvent {
  id: string;
  tenantId: string;
  connectionId: string;
  /** The source's delivery id (X-Shopify-Webhook-Id) or a poller-made id; unique per connection. */
  deliveryId: string;
  topic: string;
  entityType: EntityType;
  sourceId: string;
  /** The raw body exactly as received, for audit and replay. */
  payload: string;
  headers: Record<string, string>;
  receivedAt: string;
  triggeredAt: string | null;
  enqueuedAt: string | null;
  /** Set for pointer webhooks: the batch a job must fetch. */
  pointer: { url: string; resourceType: string } | null;
}

export type NewInboxEvent = Omit<InboxEvent, 'id' | 'receivedAt' | 'enqueuedAt' | 'pointer'> & { pointer?: InboxEvent['pointer'] };

export interface SyncRecord {
  id: string;
  tenantId: string;
  integrationId: string;
  entityType: EntityType;
  sourceId: string;
  /** What a person calls it ("#1001"); null until the source record was read. */
  sourceRef: string | null;
  state: RecordState;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  attempts: number;
  lastEventId: string | null;
  createdAt: string;
  updatedAt: string;
  syncedAt: string | null;
}

export interface RecordKey {
  tenantId: string;
  integrationId: string;
  entityType: EntityType;
  sourceId: string;
}

export interface RecordFilter {
  state?: RecordState;
  entityType?: EntityType;
  integrationId?: string;
  limit?: number;
}

export type LinkKind = 'contact' | 'item' | 'invoice' | 'credit_note' | 'journal' | 'tax';

/** source key ↔ target id, per target connection. `claimed` means a write may be in flight or may have happened. */
export interface Link {
  id: string;
  tenantId: string;
  targetConnectionId: string;
  kind: LinkKind;
  sourceKey: string;
  targetId: string | null;
  state: 'claimed' | 'confirmed';
  claimedAt: string;
  confirmedAt: string | null;
}

export interface AuditEntry {
  id: string;
  tenantId: string;
  recordId: string | null;
  connectionId: string | null;
  kind: 'step' | 'api' | 'security';
  /** For steps: 'fetch-source', 'map', 'resolve-contact', 'claim', 'create-invoice', ... */
  step: string;
  method: string | null;
  /** Path and non-secret query only. */
  url: string | null;
  status: number | null;
  durationMs: number | null;
  error: string | null;
  detail: Json;
  at: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

// ---------------------------------------------------------------- store

export interface Store {
  /** Runs `fn` in one database transaction; repositories on `tx` share it. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  tenants: {
    create(input: { name: string; id?: string }): Promise<Tenant>;
    get(id: string): Promise<Tenant | null>;
    list(): Promise<Tenant[]>;
  };
  tenantTokens: {
    create(input: { id: string; tenantId: string; secretHash: string; label: string }): Promise<TenantToken>;
    /** For authentication, where the token names itself; the caller compares the secret's hash. */
    getById(id: string): Promise<TenantToken | null>;
    list(tenantId: string): Promise<TenantToken[]>;
    /** Null when the tenant has no such token. Revoking twice keeps the first instant. */
    revoke(tenantId: string, id: string): Promise<TenantToken | null>;
  };
  connections: {
    create(input: NewConnection): Promise<Connection>;
    get(tenantId: string, id: string): Promise<Connection | null>;
    /** For webhook intake, where the URL names the connection and the key proves it. */
    getByWebhookKey(connectionId: string, webhookKey: string): Promise<Connection | null>;
    list(tenantId: string): Promise<Connection[]>;
    /** Every tenant's connections (scheduler, token refresh). */
    listAll(): Promise<Connection[]>;
    update(tenantId: string, id: string, patch: Partial<Pick<Connection, 'status' | 'statusReason' | 'config' | 'secrets' | 'label'>>): Promise<Connection>;
  };
  integrations: {
    create(input: Omit<Integration, 'id' | 'createdAt' | 'enabled'> & { enabled?: boolean }): Promise<Integration>;
    get(tenantId: string, id: string): Promise<Integration | null>;
    list(tenantId: string): Promise<Integration[]>;
    listBySource(tenantId: string, sourceConnectionId: string): Promise<Integration[]>;
    listByTarget(tenantId: string, targetConnectionId: string): Promise<Integration[]>;
    /** The user's mapping choices and the on/off switch; settings are replaced whole. */
    update(tenantId: string, id: string, patch: { settings?: IntegrationSettings; enabled?: boolean }): Promise<Integration>;
  };
  inbox: {
    /** Inserts unless (connectionId, deliveryId) exists; `inserted` false means a duplicate delivery. */
    insert(event: NewInboxEvent): Promise<{ inserted: boolean; event: InboxEvent }>;
    /**
     * `insert` for many events in one statement (webhook intake commits a burst as one group). Results come in the
     * order given; a delivery that appears twice in `events` is inserted once, for its first occurrence.
     */
    insertMany(events: readonly NewInboxEvent[]): Promise<Array<{ inserted: boolean; event: InboxEvent }>>;
    get(tenantId: string, id: string): Promise<InboxEvent | null>;
    markEnqueued(tenantId: string, id: string): Promise<void>;
    /** Events committed but never handed to the queue (a crash between the two), oldest first. */
    listUnenqueued(olderThanMs: number, limit: number): Promise<InboxEvent[]>;
  };
  records: {
    /** Creates the record in `pending` if absent; returns it either way. */
    ensure(key: RecordKey, init?: { lastEventId?: string; sourceRef?: string }): Promise<SyncRecord>;
    get(tenantId: string, id: string): Promise<SyncRecord | null>;
    find(key: RecordKey): Promise<SyncRecord | null>;
    list(tenantId: string, filter?: RecordFilter): Promise<SyncRecord[]>;
    update(tenantId: string, id: string, patch: Partial<Pick<SyncRecord, 'state' | 'targetType' | 'targetId' | 'reason' | 'sourceRef' | 'lastEventId' | 'syncedAt'>> & { incrementAttempts?: boolean }): Promise<SyncRecord>;
    countByState(tenantId: string): Promise<Partial<Record<RecordState, number>>>;
  };
  links: {
    get(tenantId: string, targetConnectionId: string, kind: LinkKind, sourceKey: string): Promise<Link | null>;
    /** Inserts a `claimed` link unless one exists; returns the row either way. Idempotent. */
    claim(tenantId: string, targetConnectionId: string, kind: LinkKind, sourceKey: string): Promise<Link>;
    confirm(tenantId: string, id: string, targetId: string): Promise<Link>;
    /** Drops a link whose target was deleted, so the next run searches again. */
    remove(tenantId: string, id: string): Promise<void>;
  };
  audit: {
    append(entry: NewAuditEntry): Promise<void>;
    list(tenantId: string, filter: { recordId?: string; connectionId?: string; kind?: AuditEntry['kind']; limit?: number }): Promise<AuditEntry[]>;
  };
  cursors: {
    get(tenantId: string, connectionId: string, stream: string): Promise<string | null>;
    set(tenantId: string, connectionId: string, stream: string, value: string): Promise<void>;
  };
  /** A source connection's polled catalog (products, shipping methods). */
  catalog: {
    /**
     * Stores a whole snapshot in one transaction: every entry upserted (active as the source says), every stored
     * entry missing from it marked inactive (vanished). Idempotent.
     */
    sync(tenantId: string, connectionId: string, snapshot: SourceCatalog, at: Date): Promise<CatalogSyncReport>;
    products(tenantId: string, connectionId: string): Promise<StoredCatalogProduct[]>;
    shippingMethods(tenantId: string, connectionId: string): Promise<StoredShippingMethod[]>;
  };
  close(): Promise<void>;
}

// ---------------------------------------------------------------- coordination (database in modes 1–2, Redis in 3)

/** Named leases: one token refresh per connection, one poller per stream, across processes. */
export interface Leases {
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

export interface BudgetRule {
  limit: number;
  windowMs: number;
}

/** One rate budget per target account, shared by every worker (DESIGN.md §2.7). */
export interface RateBudget {
  /** Takes one call from every rule of `key`; resolves to 0 when granted, else the ms to wait before asking again. */
  take(key: string, rules: readonly BudgetRule[]): Promise<number>;
  /** The server said stop (429): nobody calls on `key` for `ms`. */
  pause(key: string, ms: number): Promise<void>;
}

// ---------------------------------------------------------------- queue

export type JobName = 'sync-entity' | 'expand-pointer';

export interface JobSpec {
  name: JobName;
  tenantId: string;
  /** Entity key: jobs with one key never run at the same time (DESIGN.md §2.3). Queued duplicates coalesce. */
  key: string;
  payload: Json;
  delayMs?: number;
  /** Backfill jobs yield to live ones. */
  priority?: 'live' | 'backfill';
}

export interface JobContext {
  id: string;
  name: JobName;
  tenantId: string;
  key: string;
  payload: Json;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the worker is shutting down and wants the job back. */
  signal: AbortSignal;
}

export type JobOutcome =
  | { status: 'done' }
  /**
   * Run again later; without delayMs the queue backs off (capped exponential with jitter) from `attempt`.
   * `wait`: nothing went wrong with the job (the service asked us to slow down), so the run gives its attempt back
   * and a long wait never uses up the attempts a real failure is allowed.
   */
  | { status: 'retry'; delayMs?: number; reason: string; wait?: true }
  | { status: 'failed'; reason: string };

export interface JobWorker {
  /** Stops claiming, lets running jobs finish (or hands them back after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export interface JobQueue {
  enqueue(spec: JobSpec): Promise<{ id: string; coalesced: boolean }>;
  work(handler: (job: JobContext) => Promise<JobOutcome>, options: { workerId: string; concurrency: number; leaseMs?: number; pollMs?: number }): JobWorker;
  counts(): Promise<Record<'queued' | 'running' | 'done' | 'failed', number>>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- outbound HTTP (connectors use it; the engine audits and budgets it)

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Audit label, e.g. 'zoho.invoices.create'. */
  op: string;
}

export interface ApiResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  text: string;
}

/** Throws SyncError NETWORK/TIMEOUT (uncertain for writes); never interprets the status: that is the connector's job. */
export type HttpCall = (request: ApiRequest) => Promise<ApiResponse>;

export interface TokenProvider {
  /** A valid access token, refreshed first when it is near expiry. */
  accessToken(): Promise<string>;
  /** The server refused `rejected`: refresh once (single-flight) and return the new one. */
  afterRejection(rejected: string): Promise<string>;
}

export interface ConnectorContext {
  connection: Connection;
  http: HttpCall;
  tokens: TokenProvider;
  now: () => Date;
  /**
   * Remembers an account fact (company settings, currencies) for an hour across every job of this connection in
   * the process; absent in unit tests, where a connector keeps facts for its own lifetime only.
   */
  memo?: <T>(key: string, load: () => Promise<T>) => Promise<T>;
}

export interface PingResult {
  ok: boolean;
  /** One plain sentence: what works, or what is wrong and what to do. */
  message: string;
}

// ---------------------------------------------------------------- connectors

export interface WebhookInput {
  headers: Record<string, string>;
  rawBody: Buffer;
}

export interface WebhookEvent {
  deliveryId: string;
  topic: string;
  entityType: EntityType;
  sourceId: string;
  triggeredAt: string | null;
  /**
   * Pointer webhooks (ShipStation) name a batch to fetch, not one entity: the engine stores the event, and a
   * job follows the URL with an authenticated GET (intake makes no outbound call). `sourceId` is then the
   * pointer's own id.
   */
  pointer?: { url: string; resourceType: string };
}

export type WebhookVerdict =
  | { ok: true; events: WebhookEvent[] }
  /** A handshake the platform sends on registration: answer 200, store nothing. */
  | { ok: true; handshake: true; events: [] }
  | { ok: false; status: 400 | 401; code: string; message: string };

export interface WebhookVerifier {
  verify(input: WebhookInput, connection: Connection): WebhookVerdict;
}

export interface PollItem {
  entityType: EntityType;
  sourceId: string;
  updatedAt: string;
}

export interface PollPage {
  items: PollItem[];
  /** The cursor to store once `items` are committed to the inbox. */
  cursor: string;
}

export interface SourceClient {
  ping(): Promise<PingResult>;
  /** The authoritative current record, or null when it no longer exists. */
  fetchOrder(id: string): Promise<Order | null>;
  fetchCustomer(id: string): Promise<Customer | null>;
  /** Pages of changes since `cursor` (null: from `since`). Streams: 'orders', 'customers'. */
  poll(stream: string, cursor: string | null, since: Date): AsyncIterable<PollPage>;
  /** Sources with shipments (ShipStation). */
  fetchShipment?(id: string): Promise<Shipment | null>;
  /** Follows a pointer webhook: every page of the batch it names. The cursor of each page is unused. */
  expandPointer?(pointer: { url: string; resourceType: string }): AsyncIterable<PollPage>;
  /**
   * Makes sure the product's own webhooks exist and are active at `address` (creating, re-enabling or
   * replacing them), and says what it found. Sources whose webhooks the merchant registers omit it.
   */
  ensureWebhooks?(address: string): Promise<WebhookHealth>;
  /**
   * For backfills: pages of full canonical orders modified since `since`, read from the source's list
   * endpoint (a backfill must not fetch a thousand orders one by one). A page may be an `OrderListPage`
   * naming the orders the source listed but could not map, so none goes missing without a word.
   */
  listOrders?(since: Date): AsyncIterable<Order[]>;
  /** Sources with a product list and carriers (ShipStation): the whole catalog now, inactive products included. */
  catalog?(): Promise<SourceCatalog>;
}

/** What a source sells and ships with, offered to the user for mapping (products → items, methods → items or accounts). */
export interface SourceCatalog {
  products: CatalogProduct[];
  shippingMethods: CatalogShippingMethod[];
}

export interface CatalogProduct {
  /** The source's product id. */
  sourceId: string;
  sku: string | null;
  name: string;
  price: DecimalString | null;
  active: boolean;
}

export interface CatalogShippingMethod {
  carrierCode: string;
  carrierName: string;
  /** The key orders name the method by (an order's `serviceCode`), and so the key of `shippingByMethod`. */
  serviceCode: string;
  name: string;
  domestic: boolean | null;
  international: boolean | null;
}

/** A catalog entry as stored: inactive when the source says so or when it vanished from the source. */
export type StoredCatalogProduct = CatalogProduct & { vanishedAt: string | null; firstSeenAt: string; lastSeenAt: string };
export type StoredShippingMethod = CatalogShippingMethod & { active: boolean; vanishedAt: string | null; firstSeenAt: string; lastSeenAt: string };

export interface CatalogSyncReport {
  products: { seen: number; added: number; deactivated: number };
  shippingMethods: { seen: number; added: number; deactivated: number };
}

/** What a target offers for mapping: items for invoice lines (shipping included), accounts for journals. */
export interface MappingChoices {
  items: Array<{ id: string; name: string; sku: string | null; type: string | null }>;
  accounts: Array<{ id: string; name: string; type: string }>;
}

/** A page of `SourceClient.listOrders`: the orders, plus those listed but unreadable (each with its reason). */
export type OrderListPage = Order[] & { unreadable?: Array<{ sourceId: string; sourceRef: string | null; reason: string }> };

export interface WebhookHealth {
  ok: boolean;
  /** What was wrong and has been repaired, one sentence each (e.g. "order.updated was disabled by WooCommerce"). */
  repaired: string[];
  message: string;
}

export interface TargetRef {
  id: string;
}

export interface TargetInvoice {
  id: string;
  number: string | null;
  reference: string | null;
  total: DecimalString;
  status: string;
}

export interface ResolvedRefs {
  contactId: string;
  /** ItemDraft.key → target item id. */
  itemIds: Record<string, string>;
  /** Tax rate (decimal fraction string) → target tax id. */
  taxIds: Record<string, string>;
  /** Target currency id for the invoice's currency when not the base currency. */
  currencyId?: string;
}

export interface TargetClient {
  ping(): Promise<PingResult>;
  /** Every item and tax rate the target's invoice body for `draft` will reference (shipping items, combined rates). */
  invoiceNeeds(draft: InvoiceDraft): { items: ItemDraft[]; taxes: Array<{ rate: DecimalString; title: string }> };
  findContact(contact: ContactDraft): Promise<TargetRef | null>;
  createContact(contact: ContactDraft): Promise<TargetRef>;
  updateContact(id: string, contact: ContactDraft): Promise<void>;
  /** By SKU, then by name. */
  findItem(item: ItemDraft): Promise<TargetRef | null>;
  createItem(item: ItemDraft): Promise<TargetRef>;
  /** Finds or creates the target's tax for a rate (decimal fraction), unless the user mapped one. */
  resolveTax(rate: DecimalString, title: string): Promise<TargetRef>;
  /** The target's currency id for `code`, and whether it is the base currency. */
  resolveCurrency(code: string): Promise<{ id: string; isBase: boolean }>;
  findInvoicesByReference(reference: string): Promise<TargetInvoice[]>;
  getInvoice(id: string): Promise<TargetInvoice | null>;
  createInvoice(draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice>;
  updateInvoice(id: string, draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice>;
  /** Voids an unpaid invoice; a paid one is left alone and reported. */
  voidInvoice(id: string): Promise<'voided' | 'already_void' | 'paid'>;
  /** Records carrier, service and tracking on an invoice; a note already carrying `marker` is left as is. */
  annotateInvoice?(id: string, note: ShipmentNoteDraft): Promise<void>;
  findJournalsByReference?(reference: string): Promise<TargetRef[]>;
  createJournal?(draft: JournalDraft): Promise<TargetRef>;
  /**
   * For backfills: many invoices in few requests (QBO's batch endpoint), one result per item in the order
   * given. A request that fails as a whole (rate, network) throws; repeating it with the same items creates
   * nothing twice.
   */
  createInvoicesBatch?(items: Array<{ draft: InvoiceDraft; refs: ResolvedRefs }>): Promise<Array<{ ok: true; invoice: TargetInvoice } | { ok: false; error: string }>>;
  /** For backfills: the invoices of many references in few queries; every reference asked is a key. */
  findInvoicesByReferences?(references: string[]): Promise<Map<string, TargetInvoice[]>>;
  /** Active items and accounts the user may map shipping methods, products and journal sides to (QuickBooks). */
  mappingChoices?(): Promise<MappingChoices>;
}

export interface OAuthTokens {
  /** New secrets to merge into the connection (access token, expiry, rotated refresh token). */
  secrets: Record<string, string>;
  /** New non-secret config (api_domain for Zoho, realmId for QBO). */
  config?: Record<string, Json>;
}

export interface AuthFlow {
  /** When the stored access token should be refreshed (ahead of expiry). null: never expires. */
  refreshDueAt(connection: Connection): Date | null;
  /** Exchanges the refresh token; throws SyncError AUTH_REVOKED when the grant is dead. */
  refresh(connection: Connection, http: HttpCall): Promise<OAuthTokens>;
  /** The secret that proves a token is current (compared to detect a refresh done by another process). */
  accessTokenOf(connection: Connection): string | undefined;
}

export interface ConnectorRegistry {
  webhook(system: SystemName): WebhookVerifier | undefined;
  auth(system: SystemName): AuthFlow | undefined;
  source(ctx: ConnectorContext): SourceClient;
  target(ctx: ConnectorContext): TargetClient;
  /** The streams a source connection is polled on ('orders', 'customers'). */
  streams(system: SystemName): readonly string[];
  /** Rate rules for a connection's shared budget key (null: no client-side budget). */
  budget(connection: Connection): { key: string; rules: BudgetRule[] } | null;
}

// ---------------------------------------------------------------- cross-cutting

export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}
