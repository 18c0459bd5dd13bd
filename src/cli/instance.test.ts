import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireInstanceLock, findRunningServer, writeServerInfo } from './instance.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'mlc-lock-'));

describe('instance lock', () => {
  it('refuses a second holder while the first is alive, with a clear message', () => {
    const d = dir();
    writeFileSync(join(d, 'ml-connector.lock'), JSON.stringify({ pid: process.ppid, purpose: 'serve' }));
    expect(() => acquireInstanceLock(d, 'records')).toThrow(/in use by another ml-connector process \(pid \d+, serve\)/);
  });

  it('takes over a lock left by a dead process', () => {
    const d = dir();
    writeFileSync(join(d, 'ml-connector.lock'), JSON.stringify({ pid: 999_999_999, purpose: 'serve' }));
    const release = acquireInstanceLock(d, 'records');
    release();
    acquireInstanceLock(d, 'again')();
  });

  it('publishes and finds the running server', () => {
    const d = dir();
    const remove = writeServerInfo(d, { pid: process.pid, url: 'http://127.0.0.1:1', startedAt: 'now' });
    expect(findRunningServer(d)?.url).toBe('http://127.0.0.1:1');
    remove();
    expect(findRunningServer(d)).toBeNull();
  });
});
