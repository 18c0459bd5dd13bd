/**
 * buildApp(deps): the HTTP surface as a function of its dependencies, with no listen here (tests inject
 * requests). Webhook routes take the raw body as bytes (signatures are over the exact bytes); the admin API
 * takes JSON and a bearer token.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Engine } from '../sync/engine.ts';
import type { Logger } from '../sync/ports.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerUiRoutes } from './routes/ui.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface AppDeps {
  engine: Engine;
  adminToken: string;
  logger: Logger;
  /** Largest webhook body accepted (bytes); larger gets 413. */
  webhookBodyLimit?: number;
  /** Extra facts for /health (mode, sandbox links). */
  info?: Record<string, unknown>;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, trustProxy: false });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) deps.logger.error({ code: error.code, err: error.message }, 'request failed');
    void reply.status(status).send({ error: error.code ?? 'error', message: status >= 500 ? 'internal error' : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  await app.register((scope, _opts, done) => {
    registerWebhookRoutes(scope, deps);
    done();
  });
  registerHealthRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerUiRoutes(app, deps);
  return app;
}
