/** The admin API token: from the environment, or generated once into the data directory (mode 0600). */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function loadOrCreateAdminToken(options: { envValue: string | undefined; dataDir: string }): { token: string; path: string | null } {
  if (options.envValue) return { token: options.envValue, path: null };
  const path = join(options.dataDir, 'admin-token');
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length >= 16) return { token: existing, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const token = `mlc_${randomBytes(24).toString('base64url')}`;
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${token}\n`);
    closeSync(fd);
    return { token, path };
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { token: readFileSync(path, 'utf8').trim(), path };
    throw error;
  }
}
