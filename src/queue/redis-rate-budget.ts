/**
 * One rate budget per target account shared by every worker (DESIGN.md §2.7), in Redis for distributed mode.
 * The same promise as the database's budget (store/rate-budget.ts): each (key, rule) is a sliding log, one sorted-set
 * member per granted call scored by its time, so at most `limit` calls fall in any window, as servers count. A take
 * with several rules is one Lua script: it checks every rule before spending on any, so a refused call spends nothing,
 * and Redis runs scripts one at a time, so counts are exact under any number of parallel takers. Time is Redis's clock.
 */
import type { Redis } from 'ioredis';
import type { BudgetRule, RateBudget } from '../sync/ports.ts';
import { defineScript } from './redis.ts';
import { budgetGuardMs } from '../sync/budget-guard.ts';

// KEYS: pause, seq, then one log per rule. ARGV: limit and span (ms) per rule, in the order of the logs.
// Scores are written with string.format: Lua's default number-to-string keeps 14 digits, less than a ms timestamp.
const TAKE = `
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return paused end
local rules = #KEYS - 2
if rules == 0 then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local wait = 0
local longest = 0
for i = 1, rules do
  local log = KEYS[i + 2]
  local limit = tonumber(ARGV[2 * i - 1])
  local span = tonumber(ARGV[2 * i])
  if span > longest then longest = span end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', string.format('%.3f', now - span))
  local count = redis.call('ZCARD', log)
  if count >= limit then
    -- The call that must slide out before another fits: the (count - limit + 1)-th oldest.
    local due = redis.call('ZRANGE', log, count - limit, count - limit, 'WITHSCORES')
    local w = math.ceil(tonumber(due[2]) + span - now)
    if w < 1 then w = 1 end
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
local seq = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], longest)
for i = 1, rules do
  local log = KEYS[i + 2]
  redis.call('ZADD', log, string.format('%.3f', now), seq)
  -- A log untouched for a whole span holds only expired calls: let Redis drop it.
  redis.call('PEXPIRE', log, ARGV[2 * i])
end
return 0`;

// A pause only ever grows: two 429s with different Retry-After values leave the longer one in force.
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0`;

export interface RedisRateBudgetOptions {
  /** Not closed by the budget. */
  connection: Redis;
  /** Key namespace; one per install (and per test). Default 'mlc'. */
  prefix?: string;
}

export function createRedisRateBudget(options: RedisRateBudgetOptions): RateBudget {
  const prefix = options.prefix ?? 'mlc';
  const take = defineScript<number>(options.connection, 'mlcBudgetTake', 'variable', TAKE);
  const pause = defineScript<number>(options.connection, 'mlcBudgetPause', 1, PAUSE);
  const base = (key: string) => `${prefix}:budget:${key}`;
  return {
    async take(key, rules) {
      for (const rule of rules) {
        if (!Number.isInteger(rule.limit) || rule.limit < 1 || !Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
          throw new RangeError(`invalid budget rule ${rule.limit}/${rule.windowMs}: limit and windowMs must be positive integers`);
        }
      }
      const unique = [...new Map(rules.map((rule) => [ruleName(rule), rule])).values()];
      const logs = unique.map((rule) => `${base(key)}:rule:${ruleName(rule)}`);
      const args = unique.flatMap((rule) => [rule.limit, rule.windowMs + budgetGuardMs(rule.windowMs)]);
      const keys = [`${base(key)}:pause`, `${base(key)}:seq`, ...logs];
      return Number(await take(keys.length, ...keys, ...args));
    },
    async pause(key, ms) {
      if (!(ms > 0)) return;
      await pause(`${base(key)}:pause`, Math.ceil(ms));
    },
  };
}

const ruleName = (rule: BudgetRule) => `${rule.limit}/${rule.windowMs}`;
