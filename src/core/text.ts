/**
 * Text the store can hold. PostgreSQL refuses NUL in text and jsonb, and jsonb refuses an unpaired UTF-16
 * surrogate; a record holding either would fail every write, so such text is refused where it enters
 * (webhook intake, the canonical model) with a reason, rather than retried for ever.
 */

/** NUL or an unpaired surrogate; with the u flag a valid surrogate pair is one code point and does not match. */
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
