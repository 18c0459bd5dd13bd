/**
 * The Lua scripts that give the BullMQ adapter what BullMQ itself lacks: one queued job per (key, name) and one
 * running job per key, across processes. Each script runs atomically in Redis, so a decision about a key (take it,
 * park behind it, coalesce into its queued job) is one step that no other process can interleave with.
 *
 * Keys, per job key (the entity key of JobSpec):
 *   <base>:mlc:lock:<key>          the key lock: "<jobId>:<token>" of the running job, with a TTL renewed while it runs
 *   <base>:mlc:parked:<key>        ids of jobs that found the key busy and wait (delayed) for it
 *   <base>:mlc:slot:<name>:<key>   the queued job of (key, name): hash id, runAt (ms), prio, added (0 until in BullMQ)
 * and, on BullMQ's own job hash <base>:<jobId>, the fields mlcAttempt (runs that got the key; parked tries and
 * waits don't count) and mlcMergedInto (set on a twin merged into a retried job).
 */
import type { Redis } from 'ioredis';
import { defineScript } from './redis.ts';

export type SlotState = [id: string, added: string, runAt: string, prio: string];

// KEYS: slot. ARGV: id, runAt, prio, job key prefix, pending ttl.
// A live slot (its job exists, or is still being added) absorbs the new trigger: earlier run time and higher priority
// (lower number) win. Otherwise the caller's id takes the slot as pending until its job is in BullMQ.
const ENQUEUE = `
local cur = redis.call('HMGET', KEYS[1], 'id', 'runAt', 'prio', 'added')
if cur[1] and (cur[4] == '0' or redis.call('EXISTS', ARGV[4] .. cur[1]) == 1) then
  local runAt, prio = cur[2], cur[3]
  if tonumber(ARGV[2]) < tonumber(runAt) then runAt = ARGV[2] end
  if tonumber(ARGV[3]) < tonumber(prio) then prio = ARGV[3] end
  redis.call('HSET', KEYS[1], 'runAt', runAt, 'prio', prio)
  return {cur[1], cur[4], cur[2], cur[3], runAt, prio}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'runAt', ARGV[2], 'prio', ARGV[3], 'added', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {ARGV[1]}`;

// KEYS: slot, job hash. ARGV: id, runAt, prio, job key prefix. The job is in BullMQ now.
// Still in the slot: the slot stops expiring, and says what run time and priority the triggers that coalesced
// meanwhile asked for: {'own', runAt, prio}. Another live job took the slot meanwhile (a retried job merged this one,
// or this one's pending slot expired): this job merges into that one, marked so that it drops itself if a worker is
// claiming it already: {'merged', other id, other added, its runAt, its prio, new runAt, new prio}. No slot: the job
// takes it. A job that already ran (a fast worker) is left alone.
const SETTLE = `
local cur = redis.call('HMGET', KEYS[1], 'id', 'runAt', 'prio', 'added')
if cur[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'added', '1')
  redis.call('PERSIST', KEYS[1])
  return {'own', cur[2], cur[3]}
end
-- A worker claimed it already (and emptied its slot): it runs, and the slot is none of its business any more.
if redis.call('HEXISTS', KEYS[2], 'mlcAttempt') == 1 then return {'own', ARGV[2], ARGV[3]} end
if cur[1] and (cur[4] == '0' or redis.call('EXISTS', ARGV[4] .. cur[1]) == 1) then
  local runAt, prio = cur[2], cur[3]
  if tonumber(ARGV[2]) < tonumber(runAt) then runAt = ARGV[2] end
  if tonumber(ARGV[3]) < tonumber(prio) then prio = ARGV[3] end
  redis.call('HSET', KEYS[1], 'runAt', runAt, 'prio', prio)
  redis.call('HSET', KEYS[2], 'mlcMergedInto', cur[1])
  return {'merged', cur[1], cur[4], cur[2], cur[3], runAt, prio}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'runAt', ARGV[2], 'prio', ARGV[3], 'added', '1')
return {'own', ARGV[2], ARGV[3]}`;

// KEYS: slot. ARGV: id. The wanted run time and priority while the slot still holds `id`.
const SLOT_OF = `
local cur = redis.call('HMGET', KEYS[1], 'id', 'runAt', 'prio')
if cur[1] ~= ARGV[1] then return false end
return {cur[2], cur[3]}`;

// KEYS: lock, parked, slot, job hash. ARGV: job id, lock value, lease ms, parked ttl ms.
// Returns {1, attempt} when the job now holds the key, {0, lock pttl} when it must park, {-1, 0} when the job is gone,
// {-2, 0} when it was merged into another job while being claimed (see MERGE) and must be dropped.
// Taking the key also empties the job's slot: from now on a trigger for the key is a new job, which waits for this one.
const ACQUIRE = `
if redis.call('EXISTS', KEYS[4]) == 0 then return {-1, 0} end
if redis.call('HEXISTS', KEYS[4], 'mlcMergedInto') == 1 then return {-2, 0} end
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[2] then
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return {0, redis.call('PTTL', KEYS[1])}
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], 'id') == ARGV[1] then redis.call('DEL', KEYS[3]) end
return {1, redis.call('HINCRBY', KEYS[4], 'mlcAttempt', 1)}`;

// KEYS: lock, parked. ARGV: job id, parked ttl ms. Run after a parked job was moved to delayed: 1 when the key is
// free by now (its holder let go in between, and its wake-up missed a job that was still active), else the job is
// registered again, so the current holder wakes it.
const PARK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 0`;

// KEYS: lock. ARGV: lock value, lease ms. 1 while the key is still ours. A lock that expired (the process stalled
// longer than the lease) and that nobody took meanwhile is taken again: the key was never anyone else's.
const EXTEND = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

// KEYS: lock, parked. ARGV: lock value. Frees the key if still ours and returns the parked jobs to wake.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {} end
redis.call('DEL', KEYS[1])
local parked = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
return parked`;

// KEYS: slot. ARGV: job id, runAt, prio, job key prefix.
// After a retry or hand-back put the job back in BullMQ (its key still held): makes it the queued job of its
// (key, name), unless a twin was enqueued while it ran; then the twin's state is returned for a merge.
const REQUEUE = `
local cur = redis.call('HMGET', KEYS[1], 'id', 'runAt', 'prio', 'added')
if cur[1] and cur[1] ~= ARGV[1] and (cur[4] == '0' or redis.call('EXISTS', ARGV[4] .. cur[1]) == 1) then
  return {cur[1], cur[4], cur[2], cur[3]}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'runAt', ARGV[2], 'prio', ARGV[3], 'added', '1')
return {}`;

// KEYS: slot, twin's job hash. ARGV: twin id, job id, runAt, prio. The job takes over its twin's slot, keeping the
// earlier run time and the higher priority of the two, and the twin is marked merged: if a worker is claiming it
// right now (BullMQ will not remove a claimed job), it drops itself instead of running. False when the twin no
// longer holds the slot.
const MERGE = `
local cur = redis.call('HMGET', KEYS[1], 'id', 'runAt', 'prio')
if cur[1] ~= ARGV[1] then return false end
local runAt, prio = cur[2], cur[3]
if tonumber(ARGV[3]) < tonumber(runAt) then runAt = ARGV[3] end
if tonumber(ARGV[4]) < tonumber(prio) then prio = ARGV[4] end
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'runAt', runAt, 'prio', prio, 'added', '1')
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'mlcMergedInto', ARGV[2]) end
return {runAt, prio}`;

// KEYS: job hash. A run that was a wait, not a failure, returns the attempt its ACQUIRE counted. A job gone
// meanwhile is left alone: HINCRBY would bring back a bare hash that ACQUIRE then takes for a live job.
const GIVE_BACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'mlcAttempt') or '0') <= 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], 'mlcAttempt', -1)`;

export interface QueueScripts {
  enqueue(slot: string, id: string, runAt: number, prio: number, jobKeyPrefix: string, pendingTtlMs: number): Promise<[string] | [string, string, string, string, string, string]>;
  settle(slot: string, jobHash: string, id: string, runAt: number, prio: number, jobKeyPrefix: string): Promise<['own', string, string] | ['merged', string, string, string, string, string, string]>;
  slotOf(slot: string, id: string): Promise<[string, string] | null>;
  acquire(lock: string, parked: string, slot: string, jobHash: string, jobId: string, lockValue: string, leaseMs: number, parkedTtlMs: number): Promise<[number, number]>;
  park(lock: string, parked: string, jobId: string, parkedTtlMs: number): Promise<number>;
  extend(lock: string, lockValue: string, leaseMs: number): Promise<number>;
  release(lock: string, parked: string, lockValue: string): Promise<string[]>;
  requeue(slot: string, jobId: string, runAt: number, prio: number, jobKeyPrefix: string): Promise<[] | SlotState>;
  merge(slot: string, twinHash: string, twinId: string, jobId: string, runAt: number, prio: number): Promise<[string, string] | null>;
  giveBack(jobHash: string): Promise<number>;
}

export function queueScripts(client: Redis): QueueScripts {
  return {
    enqueue: defineScript(client, 'mlcQueueEnqueue', 1, ENQUEUE),
    settle: defineScript(client, 'mlcQueueSettle', 2, SETTLE),
    slotOf: defineScript(client, 'mlcQueueSlotOf', 1, SLOT_OF),
    acquire: defineScript(client, 'mlcQueueAcquire', 4, ACQUIRE),
    park: defineScript(client, 'mlcQueuePark', 2, PARK),
    extend: defineScript(client, 'mlcQueueExtend', 1, EXTEND),
    release: defineScript(client, 'mlcQueueRelease', 2, RELEASE),
    requeue: defineScript(client, 'mlcQueueRequeue', 1, REQUEUE),
    merge: defineScript(client, 'mlcQueueMerge', 2, MERGE),
    giveBack: defineScript(client, 'mlcQueueGiveBack', 1, GIVE_BACK),
  } as unknown as QueueScripts;
}

export interface KeyNames {
  lock(key: string): string;
  parked(key: string): string;
  slot(name: string, key: string): string;
}

export function keyNames(base: string): KeyNames {
  return {
    lock: (key) => `${base}:mlc:lock:${key}`,
    parked: (key) => `${base}:mlc:parked:${key}`,
    slot: (name, key) => `${base}:mlc:slot:${name}:${key}`,
  };
}
