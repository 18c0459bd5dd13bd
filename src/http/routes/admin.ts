/**
 * The admin API (token-protected): records, audit trail, replay, connections and their health. Tenant-scoped
 * routes name the tenant in the path; connections are returned without secrets.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Connection } from '../../sync/ports.ts';
import { parseIntegrationSettings } from '../../sync/integration-settings.ts';
import { checkMappingSettings, mappingOptions } from '../../sync/mapping-options.ts';
import { pingAll } from '../../sync/ping.ts';
import { listRecordViews } from '../../sync/record-views.ts';
import { issueTenantToken, publicToken, tenantOfToken } from '../../sync/tenant-tokens.ts';
import type { AppDeps } from '../app.ts';

const RECORD_STATES = ['pending', 'running', 'synced', 'retrying', 'failed', 'conflict', 'skipped'] as const;
const ENTITY_TYPES = ['order', 'customer', 'product', 'refund', 'shipment'] as const;

const RecordQuery = z.object({
  state: z.enum(RECORD_STATES).optional(),
  entity: z.enum(ENTITY_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const TenantParams = z.object({ tenantId: z.string().min(1).max(100) });
const RecordParams = TenantParams.extend({ id: z.string().min(1).max(100) });
const TokenBody = z.object({ label: z.string().trim().min(1).max(100).default('api') });
const ReplayBody = z.object({ state: z.enum(RECORD_STATES), entity: z.enum(ENTITY_TYPES).optional() });

export function publicConnection(c: Connection) {
  return { id: c.id, tenantId: c.tenantId, system: c.system, role: c.role, label: c.label, status: c.status, statusReason: c.statusReason, config: c.config, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

type Authority = { kind: 'admin' } | { kind: 'tenant'; tenantId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only the install's admin token may call this route, never a tenant's own token. */
    adminOnly?: boolean;
  }
}

/**
 * Two kinds of bearer token open the API: the install's admin token (every route), and a tenant's own token
 * (`mlt_…`), which reaches only routes under `/api/tenants/<its tenant>/` that are not admin-only. Checked in one
 * hook for every route registered here, so a new route cannot forget it.
 */
export function registerAdminRoutes(root: FastifyInstance, deps: AppDeps): void {
  root.register((app, _opts, done) => {
    registerRoutes(app, deps);
    done();
  });
}

function registerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const expected = Buffer.from(deps.adminToken);
  const store = deps.engine.deps.store;

  const authorityOf = async (request: FastifyRequest): Promise<Authority | null> => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented) return null;
    const given = Buffer.from(presented);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { kind: 'admin' };
    const tenantId = await tenantOfToken(store, presented);
    return tenantId ? { kind: 'tenant', tenantId } : null;
  };

  app.addHook('onRequest', async (request, reply) => {
    const authority = await authorityOf(request);
    if (!authority) {
      return reply.status(401).send({ error: 'unauthorized', message: 'The admin API needs `Authorization: Bearer <admin token>` or a tenant\'s own token.' });
    }
    if (authority.kind === 'tenant') {
      const routeTenant = (request.params as { tenantId?: unknown } | undefined)?.tenantId;
      if (routeTenant !== authority.tenantId || request.routeOptions.config.adminOnly) {
        return reply.status(403).send({ error: 'forbidden', message: 'A tenant token reaches only its own tenant\'s routes.' });
      }
    }
    return undefined;
  });

  const badRequest = (reply: FastifyReply, error: z.ZodError) =>
    reply.status(400).send({ error: 'bad_request', message: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });

  app.get('/api/tenants', { config: { adminOnly: true } }, async () => {
    return { tenants: await store.tenants.list() };
  });

  app.get('/api/records', { config: { adminOnly: true } }, async (request, reply) => {
    const query = RecordQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, query.error);
    return { records: await listRecords(undefined, query.data) };
  });

  app.get('/api/tenants/:tenantId/records', async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    const query = RecordQuery.safeParse(request.query);
    if (!params.success) return badRequest(reply, params.error);
    if (!query.success) return badRequest(reply, query.error);
    if (!(await store.tenants.get(params.data.tenantId))) return reply.status(404).send({ error: 'not_found', message: 'no such tenant' });
    return { records: await listRecords(params.data.tenantId, query.data) };
  });

  app.get('/api/tenants/:tenantId/records/:id', async (request, reply) => {
    const params = RecordParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const record = await store.records.get(params.data.tenantId, params.data.id);
    if (!record) return reply.status(404).send({ error: 'not_found', message: 'no such record' });
    const audit = await store.audit.list(params.data.tenantId, { recordId: record.id, limit: 500 });
    return { record, audit };
  });

  app.post('/api/tenants/:tenantId/records/:id/replay', async (request, reply) => {
    const params = RecordParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const result = await deps.engine.replay(params.data.tenantId, params.data.id);
    return result.ok ? { ok: true } : reply.status(409).send({ error: 'not_replayable', message: result.message });
  });

  app.post('/api/tenants/:tenantId/replay', async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    const body = ReplayBody.safeParse(request.body);
    if (!params.success) return badRequest(reply, params.error);
    if (!body.success) return badRequest(reply, body.error);
    const count = await deps.engine.replayMany(params.data.tenantId, { state: body.data.state, ...(body.data.entity ? { entityType: body.data.entity } : {}) });
    return { replayed: count };
  });

  app.post('/api/ping', { config: { adminOnly: true } }, async () => {
    return { connections: await pingAll(deps.engine) };
  });

  app.get('/api/tenants/:tenantId/integrations', async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    return { integrations: await store.integrations.list(params.data.tenantId) };
  });

  app.put('/api/tenants/:tenantId/integrations/:id/settings', async (request, reply) => {
    const params = RecordParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const parsed = parseIntegrationSettings(request.body);
    if (!parsed.ok) return reply.status(400).send({ error: 'bad_request', message: parsed.message });
    const integration = await store.integrations.get(params.data.tenantId, params.data.id);
    if (!integration) return reply.status(404).send({ error: 'not_found', message: 'no such flow' });
    const check = await checkMappingSettings(deps.engine, integration, parsed.settings);
    if (!check.ok) return reply.status(check.status).send({ error: check.status === 400 ? 'invalid_mapping' : 'target_unreachable', message: check.message });
    return { integration: await store.integrations.update(params.data.tenantId, params.data.id, { settings: parsed.settings }) };
  });

  // The flow's shipping methods and products (polled catalog) with what each maps to, and the target's choices.
  app.get('/api/tenants/:tenantId/integrations/:id/mapping-options', async (request, reply) => {
    const params = RecordParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const view = await mappingOptions(deps.engine, params.data.tenantId, params.data.id);
    return view ?? reply.status(404).send({ error: 'not_found', message: 'no such flow' });
  });

  app.get('/api/tenants/:tenantId/connections', async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    return { connections: (await store.connections.list(params.data.tenantId)).map(publicConnection) };
  });

  // A tenant's own API tokens: issued by the install's admin, shown once; listed and revoked by either.
  app.post('/api/tenants/:tenantId/tokens', { config: { adminOnly: true } }, async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    const body = TokenBody.safeParse(request.body ?? {});
    if (!params.success) return badRequest(reply, params.error);
    if (!body.success) return badRequest(reply, body.error);
    if (!(await store.tenants.get(params.data.tenantId))) return reply.status(404).send({ error: 'not_found', message: 'no such tenant' });
    const issued = await issueTenantToken(store, params.data.tenantId, body.data.label);
    return reply.status(201).send({ token: issued.token, ...publicToken(issued.record) });
  });

  app.get('/api/tenants/:tenantId/tokens', async (request, reply) => {
    const params = TenantParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    return { tokens: (await store.tenantTokens.list(params.data.tenantId)).map(publicToken) };
  });

  app.delete('/api/tenants/:tenantId/tokens/:id', async (request, reply) => {
    const params = RecordParams.safeParse(request.params);
    if (!params.success) return badRequest(reply, params.error);
    const revoked = await store.tenantTokens.revoke(params.data.tenantId, params.data.id);
    return revoked ? { token: publicToken(revoked) } : reply.status(404).send({ error: 'not_found', message: 'no such token' });
  });

  function listRecords(tenantId: string | undefined, query: z.infer<typeof RecordQuery>) {
    return listRecordViews(store, { limit: query.limit, ...(tenantId ? { tenantId } : {}), ...(query.state ? { state: query.state } : {}), ...(query.entity ? { entity: query.entity } : {}) });
  }
}
