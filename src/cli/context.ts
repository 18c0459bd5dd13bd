/**
 * What every command needs: the parsed environment, and a way to reach the store — through the running
 * server's admin API when `serve` owns the embedded database, or by opening it directly when nothing runs.
 */
import { loadOrCreateAdminToken } from '../config/admin-token.ts';
import { parseEnv, type Env } from '../config/env.ts';
import { createLogger } from '../config/logger.ts';
import { openRuntime, type Runtime } from '../main.ts';
import { findRunningServer } from './instance.ts';

export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function loadEnv(): Env {
  try {
    return parseEnv(process.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
}

export interface AdminClient {
  url: string;
  token: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

/** The running server for this data directory, as an admin API client; null when nothing runs. */
export function runningServer(env: Env): AdminClient | null {
  const info = findRunningServer(env.dataDir);
  if (!info) return null;
  const token = loadOrCreateAdminToken({ envValue: env.ML_CONNECTOR_ADMIN_TOKEN, dataDir: env.dataDir }).token;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${info.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const parsed = (await response.json().catch(() => ({}))) as T & { message?: string };
    if (!response.ok) throw new CliError(`the server at ${info.url} answered ${response.status}: ${parsed.message ?? 'no reason given'}`);
    return parsed;
  };
  return { url: info.url, token, get: (path) => call('GET', path), post: (path, body) => call('POST', path, body ?? {}), delete: (path) => call('DELETE', path) };
}

/** Opens the store for a short command and closes it after, quietly (logs only warnings). */
export async function withRuntime<T>(env: Env, purpose: string, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  let runtime: Runtime;
  try {
    runtime = await openRuntime(env, { purpose, logger: createLogger({ level: 'warn' }) });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

export function printTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => text(r[c]).length))));
  const line = (cells: string[]) => cells.map((cell, i) => cell.slice(0, widths[i]).padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line([...columns]), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => text(r[c]))))].join('\n');
}
