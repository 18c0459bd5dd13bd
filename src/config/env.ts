/**
 * The one environment schema. Parsed once in the composition root and passed down; nothing else reads
 * process.env.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65_535);

export const EnvSchema = z.object({
  ML_CONNECTOR_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  /** PostgreSQL schema to use instead of `public` (several installs or test runs in one database); created if missing. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter or _').optional(),
  REDIS_URL: z.string().url().optional(),
  /** 32 bytes, base64 or hex. Without it a key file is generated in the data directory. */
  ML_CONNECTOR_SECRET_KEY: z.string().min(1).optional(),
  /** Token for the admin API; without it one is generated in the data directory. */
  ML_CONNECTOR_ADMIN_TOKEN: z.string().min(16).optional(),
  HOST: z.string().default('127.0.0.1'),
  PORT: Port.default(3000),
  /** Where the outside world reaches this service (webhook addresses); default http://HOST:PORT. */
  ML_CONNECTOR_PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Minutes between polls of each source stream (the safety net under webhooks). */
  ML_CONNECTOR_POLL_MINUTES: z.coerce.number().positive().default(5),
  ML_CONNECTOR_CATALOG_HOURS: z.coerce.number().positive().default(6),
  ML_CONNECTOR_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** On SIGTERM/SIGINT: how long running jobs and the scheduler's round may take before jobs are handed back. */
  ML_CONNECTOR_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

export type Env = z.infer<typeof EnvSchema> & { dataDir: string };

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`The environment is not valid:\n${lines.join('\n')}`);
  }
  return { ...result.data, dataDir: resolve(result.data.ML_CONNECTOR_DATA_DIR) };
}
