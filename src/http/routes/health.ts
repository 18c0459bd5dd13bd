/** GET /health and GET /metrics: liveness and counts, no tenant data. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', async () => ({ ok: true, ...(deps.info ?? {}) }));
  app.get('/metrics', async (_request, reply) => {
    const counts = await deps.engine.deps.queue.counts();
    const lines = Object.entries(counts).map(([state, n]) => `ml_connector_jobs{state="${state}"} ${n}`);
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
