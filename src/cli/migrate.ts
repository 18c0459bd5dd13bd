/** `ml-connector migrate`: applies the committed migrations (serve does this too on start). */
import { loadEnv, withRuntime } from './context.ts';

export async function migrateCommand(): Promise<string> {
  const env = loadEnv();
  // openRuntime migrates; reaching the callback means the schema is current.
  return withRuntime(env, 'migrate', async (rt) => `The ${rt.mode === 'server' ? 'PostgreSQL' : 'embedded'} database is migrated.`);
}
