/**
 * Identifier and secret generators. Zoho record IDs are 15-19 digit strings; we emit 18-19 digits, above
 * 2^53, so a client that parses IDs as JS numbers corrupts them and fails its tests (api notes §2.1, §8.8).
 */
import { randomBytes } from 'node:crypto';

export class IdSource {
  private next = 0n;
  private orgNext = 0;
  private userNext = 0;

  /** A record id such as `982000000000000017`. Unique across the whole simulator. */
  recordId(): string {
    this.next += 1n;
    return (982_000_000_000_000_000n + this.next * 7n).toString();
  }

  /** An organization id like the `10234695` in Zoho's sample: 10 digits, fits a JS number (they are small). */
  organizationId(): string {
    this.orgNext += 1;
    return String(7_000_000_000 + this.orgNext * 1_237);
  }

  /** A Zoho user id (ZUID). */
  userId(): string {
    this.userNext += 1;
    return String(700_000_000 + this.userNext * 31);
  }

  reset(): void {
    this.next = 0n;
    this.orgNext = 0;
    this.userNext = 0;
  }
}

/** Zoho Accounts token and grant-code format: `1000.<32 hex>.<32 hex>` (api notes §1.4). */
export function zohoToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}
