/**
 * The roles one `serve` process can take (DESIGN.md §3): web (webhooks, OAuth callbacks, admin API, operator
 * page), worker (jobs), scheduler (pollers, token refresh-ahead, inbox sweeps, webhook health). No role named
 * means all three, the one-process setup of embedded and server mode.
 */
import { CliError } from './context.ts';

export const ROLES = ['web', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** `--role web --role worker` and `--role web,worker` both work; nothing given is every role. */
export function parseRoles(values: readonly string[] | undefined): ReadonlySet<Role> {
  const names = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  if (names.length === 0) return new Set(ROLES);
  const unknown = names.filter((n) => !isRole(n));
  if (unknown.length > 0) throw new CliError(`unknown role ${unknown.map((n) => `"${n}"`).join(', ')}: use ${ROLES.join(', ')} (or several, comma-separated)`, 2);
  return new Set(names.filter(isRole));
}

export function isAllInOne(roles: ReadonlySet<Role>): boolean {
  return ROLES.every((r) => roles.has(r));
}

/**
 * Split roles need a database several processes can open at once. PGlite is one process's: a second process
 * on its directory would corrupt it, so the roles could never meet. Checked before anything is opened.
 */
export function assertRolesFitMode(roles: ReadonlySet<Role>, databaseUrl: string | undefined): void {
  if (databaseUrl || isAllInOne(roles)) return;
  throw new CliError(
    `--role ${[...roles].join(',')} needs PostgreSQL: the embedded database (PGlite, no DATABASE_URL) belongs to a single process, ` +
      'so web, worker and scheduler cannot run as separate processes on it. Set DATABASE_URL, or run `serve` without --role.',
    2,
  );
}

export function describeRoles(roles: ReadonlySet<Role>): string {
  return isAllInOne(roles) ? 'web, worker and scheduler (all in one process)' : ROLES.filter((r) => roles.has(r)).join(', ');
}
