/**
 * Zoho Books, the target connector: one object the composition root registers.
 */
import { authorizeUrl, exchangeCode, zohoAuth } from './auth.ts';
import { manifest, zohoBudget } from './connector.ts';
import { createZohoBooksTarget } from './target.ts';

export const zohoBooksConnector = {
  manifest,
  auth: zohoAuth,
  target: createZohoBooksTarget,
  authorizeUrl,
  exchangeCode,
  budget: zohoBudget,
} as const;

export { authorizeUrl, createZohoAuth, exchangeCode, zohoAuth } from './auth.ts';
export type { AuthorizeUrlInput, ExchangeCodeInput, ZohoAuthConfig, ZohoSecrets } from './auth.ts';
export { manifest, zohoBudget, type DataCentre } from './connector.ts';
export { createZohoBooksTarget, type ZohoBooksTarget } from './target.ts';
