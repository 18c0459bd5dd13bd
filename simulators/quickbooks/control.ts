/**
 * `/_sim/quickbooks/<method>`: every in-process method of the simulator as a JSON route, so a launcher in another
 * process drives it the way a test does. POST with a JSON body of named arguments; read-only methods also answer GET
 * with the arguments as query parameters. Errors: `{"error": "..."}` with 400 / 404 / 409.
 */
import { controlDispatcher, type ControlRoute } from '../_kit/control.ts';
import { json } from '../_kit/server.ts';
import type { ConfigPatch } from './config.ts';
import type { QuickBooksSimApi } from './index.ts';
import { SimInputError, type ConnectInput, type CreateCompanyInput, type RegisterAppInput, type SeedSandboxInput, type TokenFilterInput } from './setup.ts';

type Body = Record<string, unknown>;

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new SimInputError(`"${key}" (string) is required`);
  return v;
}

function ref(body: Body): { realmId: string; entity: string; id: string } {
  return { realmId: str(body, 'realmId'), entity: str(body, 'entity'), id: str(body, 'id') };
}

/** Route name → how to call the method with a body of named arguments. */
const ROUTES: Record<string, ControlRoute<QuickBooksSimApi>> = {
  endpoints: { read: true, call: (api) => api.endpoints() },
  registerApp: { call: (api, b) => api.registerApp(b as unknown as RegisterAppInput) },
  createCompany: { call: (api, b) => api.createCompany(b as CreateCompanyInput) },
  seedSandbox: { call: (api, b) => api.seedSandbox(b as SeedSandboxInput) },
  connect: { call: (api, b) => api.connect({ ...(b as Partial<ConnectInput>), clientId: str(b, 'clientId'), realmId: str(b, 'realmId') }) },
  expireAccessTokens: { call: (api, b) => api.expireAccessTokens(b as TokenFilterInput) },
  revokeGrant: { call: (api, b) => api.revokeGrant(b as TokenFilterInput) },
  config: { read: true, call: (api) => api.config() },
  configure: { call: (api, b) => api.configure(b as ConfigPatch) },
  getEntity: { read: true, call: (api, b) => api.getEntity(ref(b)) },
  listEntities: { read: true, call: (api, b) => api.listEntities({ realmId: str(b, 'realmId'), entity: str(b, 'entity') }) },
  editAsUser: {
    call: (api, b) => {
      const patch = b['patch'];
      if (typeof patch !== 'object' || patch === null) throw new SimInputError('"patch" (object) is required');
      return api.editAsUser({ ...ref(b), patch: patch as Record<string, unknown>, ...(typeof b['user'] === 'string' ? { user: b['user'] } : {}) });
    },
  },
  deliveries: { read: true, call: (api) => api.deliveries() },
  settleWebhooks: { call: async (api) => (await api.settleWebhooks(), { ok: true }) },
  setWebhookSwitches: { call: (api, b) => api.setWebhookSwitches(b) },
};

export const CONTROL_METHODS = Object.keys(ROUTES);

export const controlRoutes = controlDispatcher<QuickBooksSimApi>('quickbooks', ROUTES, (e) => (e instanceof SimInputError ? json(e.status, { error: e.message }) : undefined));
