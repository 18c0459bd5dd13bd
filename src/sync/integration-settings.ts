/**
 * The user's mapping choices for one flow, validated before they are stored: a typo in an account id is the
 * operator's to fix, but a malformed setting must never reach a posting rule.
 */
import { z } from 'zod';
import type { IntegrationSettings } from './ports.ts';

const Id = z.string().trim().min(1).max(100);
const Rate = z.string().regex(/^0(\.\d+)?$|^1(\.0+)?$/, 'a tax rate is a decimal fraction such as "0.0725"');

export const IntegrationSettingsSchema = z
  .object({
    taxByRate: z.record(Rate, Id).optional(),
    shippingByMethod: z.record(z.string().trim().min(1).max(200), Id).optional(),
    markSent: z.boolean().optional(),
    shipments: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('journal'), expenseAccountId: Id, creditAccountId: Id }).strict(),
        z.object({ mode: z.literal('note') }).strict(),
      ])
      .optional(),
  })
  .strict();

export function parseIntegrationSettings(input: unknown): { ok: true; settings: IntegrationSettings } | { ok: false; message: string } {
  const parsed = IntegrationSettingsSchema.safeParse(input);
  if (parsed.success) return { ok: true, settings: parsed.data as IntegrationSettings };
  return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ') };
}
