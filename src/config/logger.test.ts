import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('redacts secrets wherever a log call puts them', () => {
    let out = '';
    const sink = new Writable({ write(chunk, _enc, done) { out += String(chunk); done(); } });
    const logger = createLogger({ level: 'info', destination: sink });
    logger.info({ secrets: { accessToken: 'shpat_abc' }, connection: { accessToken: '1000.zzz', refreshToken: 'rrr' }, headers: { authorization: 'Zoho-oauthtoken qqq' } }, 'x');
    expect(out).not.toMatch(/shpat_abc|1000\.zzz|rrr|qqq/);
    expect(out).toContain('[redacted]');
  });
});
