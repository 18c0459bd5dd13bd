/**
 * `requestid` replay (api notes §9 [src S13]): the same id for the same company does not run the operation again
 * and answers the original response. The window is undocumented (`requestIdWindowMs`, 24 h [mem]); a repeated id
 * with a different body still gets the first answer (nothing documents otherwise).
 */
import type { SimResponse } from '../_kit/server.ts';

interface Stored {
  at: number;
  response: SimResponse;
}

export class RequestIdStore {
  private readonly answers = new Map<string, Stored>();

  get(realmId: string, requestId: string, now: number, windowMs: number): SimResponse | undefined {
    const key = `${realmId}|${requestId}`;
    const found = this.answers.get(key);
    if (!found) return undefined;
    if (now - found.at >= windowMs) {
      this.answers.delete(key);
      return undefined;
    }
    return found.response;
  }

  put(realmId: string, requestId: string, response: SimResponse, now: number): void {
    this.answers.set(`${realmId}|${requestId}`, { at: now, response });
  }

  reset(): void {
    this.answers.clear();
  }
}
