/**
 * One rate budget per target account shared by every worker (DESIGN.md §2.7), in the database.
 * Each (key, rule) is a sliding log: a row per granted call, so at most `limit` calls fall in any windowMs,
 * as servers count; the (key, rule) row in rate_budgets serialises the takers of one budget.
 * A `take` with several rules is all-or-nothing: it runs in a transaction and rolls back every counter it
 * touched when any rule is exhausted, so a refused call spends nothing.
 */
import { budgetGuardMs } from '../sync/budget-guard.ts';
import type { BudgetRule, RateBudget } from '../sync/ports.ts';
import type { Db } from './db.ts';
import { int } from './rows.ts';

/** The pause row shares the table; its rule name cannot collide with '<limit>/<windowMs>'. */
const PAUSE_RULE = '';

class Refused extends Error {
  constructor(readonly waitMs: number) {
    super('rate budget exhausted');
  }
}

export function createDbRateBudget(db: Db): RateBudget {
  return {
    async take(key, rules) {
      for (const rule of rules) {
        if (!Number.isInteger(rule.limit) || rule.limit < 1 || !Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
          throw new RangeError(`invalid budget rule ${rule.limit}/${rule.windowMs}: limit and windowMs must be positive integers`);
        }
      }
      // Same order for every caller, so two takers on one key lock its rows in the same order (no deadlock).
      const unique = new Map(rules.map((rule) => [ruleName(rule), rule]));
      const sorted = [...unique.values()].sort((a, b) => a.windowMs - b.windowMs || a.limit - b.limit);
      try {
        return await db.transaction(async (tx) => {
          const paused = await tx.query<{ wait_ms: unknown }>(
            `SELECT ceil(extract(epoch FROM (paused_until - now())) * 1000) AS wait_ms
             FROM rate_budgets WHERE key = $1 AND rule = $2 AND paused_until > now()`,
            [key, PAUSE_RULE],
          );
          if (paused[0]) return Math.max(1, int(paused[0].wait_ms));
          if (sorted.length === 0) return 0;
          // The (key, rule) row is the lock: every taker of one budget queues on it, so counts are exact.
          await tx.query(
            `INSERT INTO rate_budgets AS b (key, rule, limit_count, window_ms, window_start, count)
             SELECT $1, r.rule, r.lim, r.win, now(), 0 FROM unnest($2::text[], $3::int[], $4::int[]) AS r(rule, lim, win)
             ON CONFLICT (key, rule) DO UPDATE SET limit_count = excluded.limit_count, window_ms = excluded.window_ms`,
            [key, sorted.map(ruleName), sorted.map((r) => r.limit), sorted.map((r) => r.windowMs)],
          );
          const waits: number[] = [];
          for (const rule of sorted) {
            const name = ruleName(rule);
            // A call counts a little longer than its window: the server sees it after the network delay, so a
            // window that slid out here may not have there yet.
            const span = rule.windowMs + budgetGuardMs(rule.windowMs);
            await tx.query(`DELETE FROM rate_calls WHERE key = $1 AND rule = $2 AND at <= now() - $3::int * interval '1 millisecond'`, [key, name, span]);
            // The call that must slide out before another fits: the (count − limit + 1)-th oldest in the window.
            const [row] = await tx.query<{ n: unknown; wait_ms: unknown }>(
              `SELECT (SELECT count(*) FROM rate_calls WHERE key = $1 AND rule = $2) AS n,
                      ceil(extract(epoch FROM (
                        (SELECT at FROM rate_calls WHERE key = $1 AND rule = $2 ORDER BY at
                          OFFSET GREATEST((SELECT count(*) FROM rate_calls WHERE key = $1 AND rule = $2) - $3::int, 0) LIMIT 1)
                        + $4::int * interval '1 millisecond' - now())) * 1000) AS wait_ms`,
              [key, name, rule.limit, span],
            );
            if (row && int(row.n) >= rule.limit) waits.push(Math.max(1, int(row.wait_ms)));
          }
          if (waits.length > 0) throw new Refused(Math.max(...waits));
          for (const rule of sorted) await tx.query('INSERT INTO rate_calls (key, rule, at) VALUES ($1, $2, now())', [key, ruleName(rule)]);
          return 0;
        });
      } catch (error) {
        if (error instanceof Refused) return error.waitMs;
        throw error;
      }
    },
    async pause(key, ms) {
      if (!(ms > 0)) return;
      // A pause only ever grows: two 429s with different Retry-After values leave the longer one in force.
      await db.query(
        `INSERT INTO rate_budgets AS b (key, rule, limit_count, window_ms, window_start, count, paused_until)
         VALUES ($1, $2, 0, 0, now(), 0, now() + $3::double precision * interval '1 millisecond')
         ON CONFLICT (key, rule) DO UPDATE SET paused_until = GREATEST(b.paused_until, excluded.paused_until)`,
        [key, PAUSE_RULE, ms],
      );
    },
  };
}

const ruleName = (rule: BudgetRule) => `${rule.limit}/${rule.windowMs}`;
