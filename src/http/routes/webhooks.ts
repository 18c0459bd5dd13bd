/**
 * POST /webhooks/:connectionId/:key — one address per connection; the key in the path is unguessable, and
 * the platform's signature is checked by the connector. Every content type is read as raw bytes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../app.ts';

const ACCEPTED_TYPES = new Set(['application/json', 'application/x-www-form-urlencoded']);

const Params = z.object({ connectionId: z.string().min(1).max(100), key: z.string().min(1).max(200) });

export function registerWebhookRoutes(scope: FastifyInstance, deps: AppDeps): void {
  const bodyLimit = deps.webhookBodyLimit ?? 1024 * 1024;
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  scope.post('/webhooks/:connectionId/:key', { bodyLimit }, async (request, reply) => {
    const params = Params.safeParse(request.params);
    if (!params.success) return reply.status(404).send({ error: 'unknown_connection', message: 'No connection has this webhook address.' });
    // Platforms send JSON, and WooCommerce its form-encoded creation ping; anything else is not a webhook.
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (contentType !== '' && !ACCEPTED_TYPES.has(contentType)) {
      return reply.status(400).send({ error: 'unsupported_content_type', message: `Webhooks are JSON (or a form-encoded ping), not ${contentType}.` });
    }
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const result = await deps.engine.ingestWebhook({ connectionId: params.data.connectionId, webhookKey: params.data.key, headers, rawBody });
    return reply.status(result.status).send(result.body);
  });
}
