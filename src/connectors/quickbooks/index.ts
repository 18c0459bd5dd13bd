/**
 * QuickBooks Online, the target connector: one object the composition root registers.
 */
import { authorizeUrl, exchangeCode, quickbooksAuth } from './auth.ts';
import { manifest, quickbooksBudget } from './connector.ts';
import { createQuickBooksTarget } from './target.ts';

export const quickbooksConnector = {
  manifest,
  auth: quickbooksAuth,
  target: createQuickBooksTarget,
  authorizeUrl,
  exchangeCode,
  budget: quickbooksBudget,
} as const;

export { authorizeUrl, createQuickBooksAuth, exchangeCode, quickbooksAuth, revoke } from './auth.ts';
export type { AuthorizeUrlInput, ExchangeCodeInput, QuickBooksAuthOptions } from './auth.ts';
export { manifest, MINOR_VERSION, QuickBooksConfig, QuickBooksSecrets, quickbooksBudget, type Environment } from './connector.ts';
export {
  createQuickBooksClient,
  LINE_ITEM_TYPES,
  listAccounts,
  listItems,
  MAPPING_ACCOUNT_TYPES,
  queryLiteral,
  selectQuery,
  type BatchOperation,
  type BatchResult,
  type QboClient,
} from './client.ts';
export { createQuickBooksTarget, type QuickBooksTarget } from './target.ts';
