/**
 * Every number, code and message the API notes tag as uncertain ([mem] / [3p]) is a setting here, so a test or a
 * launcher can change it (`configure()` or `POST /_sim/quickbooks/configure`) once someone checks a live company.
 * Values tagged [src] are documented and are settings only for completeness. README.md lists them all.
 */

export interface FaultSpec {
  status: number;
  /** `Fault.type`: ValidationFault, SystemFault, AuthenticationFault, AuthorizationFault, or the gateway's SERVICE / AUTHENTICATION. */
  type: string;
  code: string;
  /** `{name}` placeholders are filled from the fault's variables. */
  message: string;
  detail: string;
}

export interface FaultCatalogue {
  /** No `Authorization` header at all. Code/text [src S15]; used for this case [mem]. */
  authMissing: FaultSpec;
  /** Malformed, unknown, expired or revoked bearer token. [src S15] */
  authFailed: FaultSpec;
  /** Token for another realm, another environment's host, or without the accounting scope. [src S15] */
  forbidden: FaultSpec;
  /** Over a request limit. [src S15]; the double space is verbatim. */
  throttled: FaultSpec;
  /** Reading a missing or deleted object, or referencing a missing or inactive one. [src S14] */
  notFound: FaultSpec;
  /** A required field is missing. [src S15] */
  required: FaultSpec;
  /** Unknown key, unreadable JSON, a value of the wrong type or outside its enum. [mem] */
  invalidProperty: FaultSpec;
  staleObject: FaultSpec;
  /** DisplayName taken by a customer, vendor or employee. [src S14, S15] */
  duplicateName: FaultSpec;
  /** Item Name taken. Code [mem]; detail wording [mem]. */
  duplicateItemName: FaultSpec;
  /** Account Name taken. [mem] */
  duplicateAccountName: FaultSpec;
  /** DocNumber taken within the entity type. 6210 [src S14 blog]; 6140 is also widely reported [mem]. */
  duplicateDocNumber: FaultSpec;
  /** Business rule refused (the specific text goes in `{reason}`). [src pattern] */
  businessValidation: FaultSpec;
  /** Line Amount ≠ Qty × UnitPrice. [mem: 6070 unverified] */
  amountMismatch: FaultSpec;
  /** Delete on a name-list entity, writes to read-only entities. [src message] [mem detail] */
  unsupportedOperation: FaultSpec;
  queryParse: FaultSpec;
  queryInvalid: FaultSpec;
  queryProcessing: FaultSpec;
  /** [src S15] */
  batchEmpty: FaultSpec;
  /** [mem] shaped like batchEmpty */
  batchTooLarge: FaultSpec;
  /** requestid or batch bId over its documented length. [mem: the answer is undocumented] */
  invalidRequestId: FaultSpec;
  /** Unknown path under /v3/company/{realmId}. [mem] */
  badUrl: FaultSpec;
}

export interface QboSimConfig {
  // ---- OAuth (api notes §1)
  /** [src S2, S5] */
  accessTokenTtlSec: number;
  /** Rolling refresh-token life; `x_refresh_token_expires_in` of a fresh token. [src S2 mock: 8726400] */
  refreshTokenTtlSec: number;
  /** Absolute cap from the first authorization. [src S3: 5 years] */
  refreshTokenHardTtlSec: number;
  /** Authorization code life. [mem] */
  authCodeTtlSec: number;
  /** A refresh returns a NEW refresh token when the presented one is at least this old; 0 = on every refresh. [3p S6; the 24 h rule is mem] */
  rotateRefreshTokenAfterSec: number;
  /**
   * What a superseded refresh token does. 'until-successor-used': it still works (answering with the same successor)
   * until the newer token has been used; then invalid_grant [brief + 3p S6]. 'immediately': invalid_grant at once.
   */
  supersededRefreshToken: 'until-successor-used' | 'immediately';
  /** A superseded token dies this long after its successor was issued, even unused. [3p S6 Devart: 24 h] */
  supersededRefreshTokenTtlSec: number;
  /** `error_description` of invalid_grant. [src S2: "Token invalid"; "Token has been expired or revoked." is 3p] */
  invalidGrantDescription: string;
  /** Revoking an unknown token: 200 (RFC 7009) or 400 invalid_grant. [mem] */
  revokeUnknownToken: 'ok' | 'error';
  /** Production apps may only register https redirect URIs. [src S5] */
  requireHttpsProductionRedirects: boolean;

  // ---- API gateway (api notes §2, §6, §7)
  /** Gateway faults (401/403/429): `{"Fault":…}` JSON, the lower-cased `{"fault":…}` form, or XML. [src S15: XML is common] */
  gatewayFaultStyle: 'json' | 'json-lowercase' | 'xml';
  /** [src S10] */
  perMinutePerRealm: number;
  /** [src S10] */
  perSecondPerRealmApp: number;
  /** [src S10, 2016] */
  concurrentPerRealmApp: number;
  /** [src S10] */
  batchPerMinutePerRealmApp: number;
  /** [src S10] */
  batchPerMinutePerRealm: number;
  /** [src S7, S8: 30; the batch page still says 10] */
  batchMaxItems: number;
  /** Simulated ms each API request takes (makes the concurrency cap observable). */
  processingDelayMs: number;

  // ---- requestid (api notes §9)
  /** [src S13] */
  requestIdMaxLength: number;
  /** [src S13] */
  batchRequestIdMaxLength: number;
  /** bId length when a batch carries a requestid. [src S13] */
  batchIdMaxLengthWithRequestId: number;
  /** How long a requestid is remembered. [mem: undocumented] */
  requestIdWindowMs: number;
  /** Replay error answers too ("sends back the original response"), not only successes. [mem] */
  requestIdReplaysErrors: boolean;

  // ---- Query (api notes §4)
  /** [src S8] */
  queryDefaultMaxResults: number;
  /** [mem] */
  queryMaxResults: number;
  /** MAXRESULTS above the cap: silently capped or refused. [mem] */
  queryOverMax: 'cap' | 'error';
  /** Name-list queries without an Active condition return active records only. [mem] */
  nameListQueriesActiveOnly: boolean;
  /** String comparison (=, IN, LIKE) ignores case. [mem] */
  queryCaseInsensitive: boolean;

  // ---- Entities (api notes §3, §5)
  /** Unknown keys in a body: refused (2010) or ignored. Real QBO refuses [mem]; the XSD may lag minor version 75. */
  unknownProperties: 'reject' | 'ignore';
  /** [mem] */
  displayNameCaseInsensitive: boolean;
  /** Inactive customers/vendors/employees still hold their name. [mem] */
  displayNameCountsInactive: boolean;
  /** Appended to the DisplayName of an inactivated name. [mem] */
  inactiveNameSuffix: string;
  /** [src S14] unless `include=allowduplicatedocnum` */
  uniqueDocNumber: boolean;
  /** [mem] */
  docNumberMaxLength: number;
  /** Line Amount ≠ Qty × UnitPrice (rounded to the currency): refused or accepted. [mem/3p] */
  amountMismatch: 'reject' | 'accept';
  /** US company without Automated Sales Tax given TxnTaxDetail.TotalTax: 'use' it (override) or 'recompute'. [mem] */
  usSuppliedTotalTax: 'use' | 'recompute';
  /** Non-US company given TxnTaxDetail.TotalTax: 'ignore' it (codes decide) or 'use' it. [mem] */
  nonUsSuppliedTotalTax: 'ignore' | 'use';
  /** Deleting or voiding an invoice that payments apply to: unlink them (they become unapplied) or refuse. [mem] */
  invoiceWithPayments: 'unlink' | 'refuse';
  /** Note QBO puts on voided transactions. [mem] */
  voidNote: string;
  /** Sandbox e-mail cap per realm per day for /invoice/{id}/send. [src S10] */
  sandboxEmailsPerDay: number;
  /** Name of "the other user" in the 5010 detail when the change came from the API. [mem] */
  apiUserName: string;

  // ---- CDC (api notes §10.4)
  /** [src S17] */
  cdcMaxDays: number;
  /** [src S17] */
  cdcMaxObjects: number;

  // ---- Webhooks (api notes §10)
  /** Simulated ms before each retry after the first attempt. [src S18: 10s 20s 30s 5m 20m 2h 4h 6h, then every 6 h (4 more here: mem)] */
  webhookRetrySchedule: number[];
  /** Answer window. [src S18] */
  webhookTimeoutMs: number;
  /** Only HTTP 200 counts [src S18 "return HTTP 200"], or any 2xx. */
  webhookSuccess: '200' | '2xx';
  /** Later notifications for an app+realm wait until the failing one is acknowledged or given up. [src S18 "may be held back"] */
  webhookHoldWhileFailing: boolean;
  /** Coalesce changes of this many simulated ms into one notification; 0 = one notification per API request. [mem] */
  webhookBatchDelayMs: number;
  /** Real-ms floor for the answer window at high clock speeds. */
  webhookMinRealTimeoutMs: number;

  faults: FaultCatalogue;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const DEFAULT_FAULTS: FaultCatalogue = {
  authMissing: {
    status: 401,
    type: 'AuthenticationFault',
    code: '100',
    message: 'General Authentication Error',
    detail: 'AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401',
  },
  authFailed: {
    status: 401,
    type: 'AUTHENTICATION',
    code: '3200',
    message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
    detail: '{reason}',
  },
  forbidden: {
    status: 403,
    type: 'SERVICE',
    code: '3100',
    message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
    detail: '{reason}',
  },
  throttled: {
    status: 429,
    type: 'SERVICE',
    code: '3001',
    message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
    detail: 'The request limit was reached.  Try again later',
  },
  notFound: {
    status: 400,
    type: 'ValidationFault',
    code: '610',
    message: 'Object Not Found',
    detail: "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
  },
  required: {
    status: 400,
    type: 'ValidationFault',
    code: '2020',
    message: 'Required param missing, need to supply the required value for the API',
    detail: 'Required parameter {name} is missing in the request',
  },
  invalidProperty: {
    status: 400,
    type: 'ValidationFault',
    code: '2010',
    message: 'Request has invalid or unsupported property',
    detail: 'Property Name:{name} specified is unsupported or invalid',
  },
  staleObject: {
    status: 400,
    type: 'ValidationFault',
    code: '5010',
    message: 'Stale Object Error',
    detail: 'Stale Object Error : You and {user} were working on this at the same time. {user} finished before you did, so your work was not saved.',
  },
  duplicateName: {
    status: 400,
    type: 'ValidationFault',
    code: '6240',
    message: 'Duplicate Name Exists Error',
    detail: 'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
  },
  duplicateItemName: {
    status: 400,
    type: 'ValidationFault',
    code: '6240',
    message: 'Duplicate Name Exists Error',
    detail: 'The name supplied already exists. : Another product or service is already using this name. Please use a different name.',
  },
  duplicateAccountName: {
    status: 400,
    type: 'ValidationFault',
    code: '6240',
    message: 'Duplicate Name Exists Error',
    detail: 'The name supplied already exists. : Another account is already using this name. Please use a different name.',
  },
  duplicateDocNumber: {
    status: 400,
    type: 'ValidationFault',
    code: '6210',
    message: 'Duplicate Document Number Error',
    detail: 'Duplicate Document Number Error : You must specify a different number. This number has already been used.',
  },
  businessValidation: {
    status: 400,
    type: 'ValidationFault',
    code: '6000',
    message: 'A business validation error has occurred while processing your request',
    detail: 'Business Validation Error: {reason}',
  },
  amountMismatch: {
    status: 400,
    type: 'ValidationFault',
    code: '6070',
    message: 'A business validation error has occurred while processing your request',
    detail: 'Business Validation Error: Amount is not equal to UnitPrice * Qty. Supplied value:{amount}',
  },
  unsupportedOperation: {
    status: 400,
    type: 'ValidationFault',
    code: '500',
    message: 'Unsupported Operation',
    detail: 'Operation {operation} is not supported.',
  },
  queryParse: { status: 400, type: 'ValidationFault', code: '4000', message: 'Error parsing query', detail: 'QueryParserError: {reason}' },
  queryInvalid: { status: 400, type: 'ValidationFault', code: '4001', message: 'Invalid query', detail: 'QueryValidationError: {reason}' },
  queryProcessing: { status: 400, type: 'ValidationFault', code: '4002', message: 'Error processing query', detail: 'QueryProcessingError: {reason}' },
  batchEmpty: { status: 400, type: 'ValidationFault', code: '400', message: 'MalformedRequest', detail: 'Batch Request is Empty' },
  batchTooLarge: {
    status: 400,
    type: 'ValidationFault',
    code: '400',
    message: 'MalformedRequest',
    detail: 'Batch Request exceeds the maximum of {max} BatchItemRequest items',
  },
  invalidRequestId: { status: 400, type: 'ValidationFault', code: '2030', message: 'Invalid ID', detail: '{reason}' },
  badUrl: { status: 404, type: 'ValidationFault', code: '404', message: 'Not Found', detail: 'No resource at {path}' },
};

export const DEFAULT_CONFIG: QboSimConfig = {
  accessTokenTtlSec: 3600,
  refreshTokenTtlSec: 8_726_400,
  refreshTokenHardTtlSec: 5 * 365 * 86_400,
  authCodeTtlSec: 300,
  rotateRefreshTokenAfterSec: 0,
  supersededRefreshToken: 'until-successor-used',
  supersededRefreshTokenTtlSec: 86_400,
  invalidGrantDescription: 'Token invalid',
  revokeUnknownToken: 'ok',
  requireHttpsProductionRedirects: true,

  gatewayFaultStyle: 'json',
  perMinutePerRealm: 500,
  perSecondPerRealmApp: 10,
  concurrentPerRealmApp: 10,
  batchPerMinutePerRealmApp: 40,
  batchPerMinutePerRealm: 120,
  batchMaxItems: 30,
  processingDelayMs: 0,

  requestIdMaxLength: 50,
  batchRequestIdMaxLength: 36,
  batchIdMaxLengthWithRequestId: 10,
  requestIdWindowMs: 24 * HOUR,
  requestIdReplaysErrors: true,

  queryDefaultMaxResults: 100,
  queryMaxResults: 1000,
  queryOverMax: 'cap',
  nameListQueriesActiveOnly: true,
  queryCaseInsensitive: true,

  unknownProperties: 'reject',
  displayNameCaseInsensitive: true,
  displayNameCountsInactive: true,
  inactiveNameSuffix: ' (deleted)',
  uniqueDocNumber: true,
  docNumberMaxLength: 21,
  amountMismatch: 'reject',
  usSuppliedTotalTax: 'use',
  nonUsSuppliedTotalTax: 'ignore',
  invoiceWithPayments: 'unlink',
  voidNote: 'Voided',
  sandboxEmailsPerDay: 40,
  apiUserName: 'QuickBooks Online API',

  cdcMaxDays: 30,
  cdcMaxObjects: 1000,

  webhookRetrySchedule: [10_000, 20_000, 30_000, 5 * MIN, 20 * MIN, 2 * HOUR, 4 * HOUR, 6 * HOUR, 6 * HOUR, 6 * HOUR, 6 * HOUR, 6 * HOUR],
  webhookTimeoutMs: 3000,
  webhookSuccess: '200',
  webhookHoldWhileFailing: true,
  webhookBatchDelayMs: 0,
  webhookMinRealTimeoutMs: 1000,

  faults: DEFAULT_FAULTS,
};

export type ConfigPatch = Partial<Omit<QboSimConfig, 'faults'>> & { faults?: Partial<{ [K in keyof FaultCatalogue]: Partial<FaultSpec> }> };

export function mergeConfig(base: QboSimConfig, patch: ConfigPatch = {}): QboSimConfig {
  const faults = { ...base.faults };
  for (const [key, spec] of Object.entries(patch.faults ?? {}) as [keyof FaultCatalogue, Partial<FaultSpec> | undefined][]) {
    if (!(key in faults)) throw new Error(`unknown fault "${key}"`);
    faults[key] = { ...faults[key], ...spec };
  }
  for (const key of Object.keys(patch)) if (key !== 'faults' && !(key in base)) throw new Error(`unknown setting "${key}"`);
  return { ...base, ...patch, faults };
}
