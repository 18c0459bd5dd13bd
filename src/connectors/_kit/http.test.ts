import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { auditUrl, createTransport, retryAfterMs } from './http.ts';

const server = createServer((req, res) => {
  if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
  if (req.url === '/drop') return void req.socket.destroy();
  res.writeHead(201, { 'X-Thing': 'A' }).end('{"ok":true}');
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('transport', () => {
  const http = createTransport();

  it('returns status, lower-cased headers and text', async () => {
    const res = await http({ method: 'GET', url: `${base}/`, op: 't' });
    expect(res).toMatchObject({ status: 201, text: '{"ok":true}' });
    expect(res.headers['x-thing']).toBe('A');
  });

  it('marks a timed-out write as uncertain', async () => {
    const error = await http({ method: 'POST', url: `${base}/slow`, op: 't', timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'TIMEOUT', uncertain: true, class: 'transient' });
  });

  it('a dropped connection on a read is a certain network failure', async () => {
    const error = await http({ method: 'GET', url: `${base}/drop`, op: 't' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', uncertain: false });
  });

  it('masks secret query parameters in audit urls', () => {
    expect(auditUrl('https://x/oauth/v2/token?refresh_token=abc&grant_type=refresh_token')).toBe(
      '/oauth/v2/token?refresh_token=***&grant_type=refresh_token',
    );
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(retryAfterMs({})).toBeUndefined();
  });
});
