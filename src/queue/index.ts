/**
 * The queue's public surface: the jobs-table adapter (embedded and server modes), the BullMQ adapter with the Redis
 * leases and rate budget (distributed mode), the Redis connection helpers, and the backoff.
 */
export { createJobsTableQueue, type JobsTableQueue, type JobsTableQueueOptions } from './jobs-table.ts';
export { createBullmqQueue, type BullmqQueueOptions } from './bullmq.ts';
export { createRedisLeases, type RedisLeasesOptions } from './redis-leases.ts';
export { createRedisRateBudget, type RedisRateBudgetOptions } from './redis-rate-budget.ts';
export { openRedis, closeRedis, describeRedisUrl, type OpenRedisOptions } from './redis.ts';
export { backoffMs, BACKOFF_BASE_MS, BACKOFF_CAP_MS } from './backoff.ts';
