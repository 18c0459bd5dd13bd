/**
 * Every number, code and message the API notes could not confirm ([mem] / [3p]) lives here so a test or a
 * launcher can change it (`configure()` or `POST /_sim/zoho-books/config`) once someone checks a live org.
 * Values tagged [src] are documented by Zoho and are defaults only for completeness.
 */

export interface ErrorSpec {
  status: number;
  code: number;
  /** `{name}` placeholders are filled from the error's details. */
  message: string;
}

export interface ApiErrorCatalogue {
  /** No `Authorization: Zoho-oauthtoken …` header (e.g. `Bearer`). [3p: Zoho Invoice live probe] */
  missingAuth: ErrorSpec;
  /** Unknown, expired, revoked or other-DC token. [3p: Zoho Invoice live probe] */
  invalidToken: ErrorSpec;
  /** Token lacks the endpoint's scope. [3p message] [mem code] */
  scopeMissing: ErrorSpec;
  /** `organization_id` missing or not a number. [3p] */
  orgInvalid: ErrorSpec;
  /** Org unknown in this DC or the user is not a member. [3p: Zoho Deluge docs sample] */
  orgNotMember: ErrorSpec;
  /** [3p, unverified] */
  invalidUrl: ErrorSpec;
  /** [3p, unverified] */
  methodNotAllowed: ErrorSpec;
  /** The record in the URL does not exist. Code and message pattern [src]; HTTP status [mem]. */
  notFound: ErrorSpec;
  /** A record referenced from the body (customer_id, item_id, …) does not exist. [mem status] */
  referenceNotFound: ErrorSpec;
  /** A missing or malformed field or query parameter. [3p pattern "Invalid value passed for …"] */
  invalidValue: ErrorSpec;
  /** The body is neither JSON nor a parseable `JSONString`. [3p message] [mem code] */
  invalidJsonString: ErrorSpec;
  /** Duplicate name / number. [mem] */
  duplicate: ErrorSpec;
  /** A business rule refused the operation (overpayment, deleting a paid invoice, unbalanced journal…). [mem] */
  businessRule: ErrorSpec;
  /** The 101st request in a minute. HTTP 429 [src]; body [mem]. */
  perMinuteLimit: ErrorSpec;
  /** Over the plan's daily cap. HTTP 429 [src]; body [mem]. */
  dailyLimit: ErrorSpec;
}

export interface OAuthErrorCodes {
  unknownClient: string;
  wrongSecret: string;
  badCode: string;
  badRefreshToken: string;
  badRedirectUri: string;
  badScope: string;
  unsupportedGrant: string;
}

export type Plan = 'free' | 'standard' | 'professional' | 'premium' | 'elite' | 'ultimate';

export interface ZohoSimConfig {
  /** Access token lifetime, seconds. [src S9] */
  accessTokenTtlSec: number;
  /** Grant code lifetime for the web redirect flow, ms. [mem ≈2 min] */
  grantCodeTtlMs: number;
  /** Access tokens one refresh token may mint per window. [src S9] */
  accessTokensPerRefreshWindow: number;
  accessTokenWindowMs: number;
  /** Live access tokens per refresh token; the next evicts the oldest. [src S12: 30; Kaizen: 15] */
  liveAccessTokensPerRefreshToken: number;
  /** Refresh tokens per user per client. [src S12] */
  refreshTokensPerUserClient: number;
  /** What the cap does: silently evict the oldest [src S12] or refuse with Access Denied [src S13]. */
  refreshTokenCapMode: 'evict-oldest' | 'deny';
  /** Refresh tokens a user+client may mint per minute. [src S12] */
  refreshTokensPerMinute: number;
  /** HTTP status of `{"error":…}` answers from the token endpoint. [src S16: 200] */
  tokenErrorStatus: number;
  /** HTTP status of the "Access Denied" throttle body. [3p: 200 here, 400 seen in some code] */
  accessDeniedStatus: number;
  /** Add `scope` to token responses (some Zoho products do). [src S15] */
  includeScopeInTokenResponse: boolean;
  /** Revoking an unknown token: answer an error, or success as RFC 7009 would. [mem] */
  revokeUnknownToken: 'error' | 'success';
  oauthErrors: OAuthErrorCodes;

  /** Accept `Authorization: Bearer …` as well. Zoho documents only `Zoho-oauthtoken`. [src S1] */
  acceptBearer: boolean;
  /** Requests per minute per organization. [3p S21, S25] */
  perMinute: number;
  /** Daily cap per plan. Endpoints 1,000 and 10,000 [3p]; the middle values [mem]. */
  dailyCapByPlan: Record<Plan, number>;
  /** Overrides every plan's daily cap when set. */
  dailyCap: number | undefined;
  errors: ApiErrorCatalogue;

  /** Honour `GET /items?sku=` (Zoho Inventory does; Books' OAS has no such filter). [mem] */
  itemSkuFilter: boolean;
  /** `search_text` on items also matches the SKU (the OAS says name or description). [mem] */
  itemSearchIncludesSku: boolean;
  /** Refuse a second item with the same SKU (the OAS says "should be unique"). [mem] */
  uniqueItemSku: boolean;
  /** Refuse a second contact with the same `contact_name`. [mem] */
  uniqueContactName: boolean;
  /** `invoice_number` sent without `ignore_auto_number_generation=true`: ignored or refused. [src flag, mem effect] */
  manualInvoiceNumberWithoutFlag: 'ignore' | 'reject';
  /**
   * Voiding an invoice that has payments: the OAS says the payments are unassociated and become customer
   * credit [src S20 invoices.yml]; 'refuse' models an org where that is blocked.
   */
  voidWithPayments: 'detach' | 'refuse';
  /** With `is_inclusive_tax`, report `sub_total` net of tax ('exclusive') or as entered ('inclusive'). [mem] */
  inclusiveSubTotal: 'exclusive' | 'inclusive';
  /**
   * Write history entries (`comment_type: system`) into an invoice's comments on create, update and status
   * changes: the OAS calls the list "the complete history and comments of an invoice" [src]; the wording of
   * each entry is [mem]. Off: the list holds user comments only.
   */
  invoiceHistoryInComments: boolean;
  /** Invoice number prefix and digits for auto numbering (`INV-000001`). [mem] */
  invoicePrefix: string;
  invoiceDigits: number;
  creditNotePrefix: string;
  creditNoteDigits: number;
}

export const DEFAULT_ERRORS: ApiErrorCatalogue = {
  missingAuth: {
    status: 401,
    code: 14,
    message:
      'The request could not be authenticated as the authentication value you entered is invalid. Enter a valid authentication value and try again.',
  },
  invalidToken: { status: 401, code: 57, message: 'You are not authorized to perform this operation' },
  scopeMissing: { status: 401, code: 57, message: 'You are not authorized to perform this operation' },
  orgInvalid: { status: 400, code: 2, message: 'Invalid value passed for organization_id' },
  orgNotMember: { status: 400, code: 6041, message: 'This user is not associated with the CompanyID/CompanyName:{id}.' },
  invalidUrl: { status: 404, code: 5, message: 'Invalid URL Passed' },
  methodNotAllowed: { status: 405, code: 37, message: 'The HTTP method {method} is not allowed for the requested resource' },
  notFound: { status: 404, code: 1002, message: '{entity} does not exist.' },
  referenceNotFound: { status: 400, code: 1002, message: '{entity} does not exist.' },
  invalidValue: { status: 400, code: 2, message: 'Invalid value passed for {field}' },
  invalidJsonString: { status: 400, code: 4, message: 'Invalid value passed for JSONString' },
  duplicate: { status: 400, code: 1001, message: '{detail}' },
  businessRule: { status: 400, code: 4001, message: '{detail}' },
  perMinuteLimit: {
    status: 429,
    code: 44,
    message: 'You have made too many requests per minute. Please try again after some time.',
  },
  dailyLimit: {
    status: 429,
    code: 45,
    message: 'You have reached the maximum number of API requests allowed for the day. Please try again tomorrow.',
  },
};

export const DEFAULT_CONFIG: ZohoSimConfig = {
  accessTokenTtlSec: 3600,
  grantCodeTtlMs: 2 * 60_000,
  accessTokensPerRefreshWindow: 10,
  accessTokenWindowMs: 10 * 60_000,
  liveAccessTokensPerRefreshToken: 30,
  refreshTokensPerUserClient: 20,
  refreshTokenCapMode: 'evict-oldest',
  refreshTokensPerMinute: 5,
  tokenErrorStatus: 200,
  accessDeniedStatus: 200,
  includeScopeInTokenResponse: false,
  revokeUnknownToken: 'error',
  oauthErrors: {
    unknownClient: 'invalid_client',
    wrongSecret: 'invalid_client_secret',
    badCode: 'invalid_code',
    badRefreshToken: 'invalid_token',
    badRedirectUri: 'invalid_redirect_uri',
    badScope: 'invalid_scope',
    unsupportedGrant: 'unsupported_grant_type',
  },
  acceptBearer: false,
  perMinute: 100,
  dailyCapByPlan: { free: 1000, standard: 2000, professional: 5000, premium: 10000, elite: 10000, ultimate: 10000 },
  dailyCap: undefined,
  errors: DEFAULT_ERRORS,
  itemSkuFilter: false,
  itemSearchIncludesSku: true,
  uniqueItemSku: true,
  uniqueContactName: true,
  manualInvoiceNumberWithoutFlag: 'ignore',
  voidWithPayments: 'detach',
  inclusiveSubTotal: 'exclusive',
  invoiceHistoryInComments: true,
  invoicePrefix: 'INV-',
  invoiceDigits: 6,
  creditNotePrefix: 'CN-',
  creditNoteDigits: 5,
};

export type ConfigPatch = Partial<Omit<ZohoSimConfig, 'errors' | 'oauthErrors' | 'dailyCapByPlan'>> & {
  errors?: Partial<ApiErrorCatalogue>;
  oauthErrors?: Partial<OAuthErrorCodes>;
  dailyCapByPlan?: Partial<Record<Plan, number>>;
};

export function mergeConfig(base: ZohoSimConfig, patch: ConfigPatch = {}): ZohoSimConfig {
  return {
    ...base,
    ...patch,
    errors: { ...base.errors, ...patch.errors },
    oauthErrors: { ...base.oauthErrors, ...patch.oauthErrors },
    dailyCapByPlan: { ...base.dailyCapByPlan, ...patch.dailyCapByPlan },
  };
}
