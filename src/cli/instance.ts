/**
 * The embedded database belongs to one process at a time (two processes opening one PGlite directory corrupt
 * it). `serve` takes a lock file and publishes `server.json` (its admin URL) in the data directory; other
 * commands find it and talk to the running server instead of opening the store themselves.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerInfo {
  pid: number;
  url: string;
  startedAt: string;
}

export class InstanceLockError extends Error {
  override name = 'InstanceLockError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>/ml-connector.lock` for this process; a lock left by a dead process is taken over. */
export function acquireInstanceLock(dataDir: string, purpose: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'ml-connector.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, purpose, at: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(path);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new InstanceLockError(
          `The data directory ${dataDir} is in use by another ml-connector process (pid ${holder.pid}, ${holder.purpose}). ` +
            'Stop it first, or use another ML_CONNECTOR_DATA_DIR.',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new InstanceLockError(`could not take the lock in ${dataDir}`);
}

function readLock(path: string): { pid: number; purpose: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; purpose?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, purpose: String(parsed.purpose ?? 'unknown') } : null;
  } catch {
    return null;
  }
}

export function writeServerInfo(dataDir: string, info: ServerInfo): () => void {
  const path = join(dataDir, 'server.json');
  writeFileSync(path, JSON.stringify(info, null, 2), { mode: 0o600 });
  return () => rmSync(path, { force: true });
}

/** The running server for this data directory, if any. */
export function findRunningServer(dataDir: string): ServerInfo | null {
  const path = join(dataDir, 'server.json');
  if (!existsSync(path)) return null;
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as ServerInfo;
    return typeof info.pid === 'number' && alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}
