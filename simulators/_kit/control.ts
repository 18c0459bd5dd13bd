/**
 * The `/_sim/<name>/<method>` dispatcher every simulator's control routes share: a table of named methods, POST with
 * a JSON object of named arguments, GET with query parameters for read-only ones. 404 for an unknown method, 405 for
 * a wrong verb, 400 for a body that is not a JSON object; `errorOf` turns a simulator's own input errors into answers.
 */
import { json, parseJsonBody, type SimRequest, type SimResponse } from './server.ts';

export type ControlBody = Record<string, unknown>;

export interface ControlRoute<Api> {
  read?: boolean;
  call: (api: Api, body: ControlBody) => unknown;
}

export function controlDispatcher<Api>(
  name: string,
  routes: Record<string, ControlRoute<Api>>,
  errorOf: (error: unknown) => SimResponse | undefined,
): (api: Api, req: SimRequest, sub: string) => Promise<SimResponse> | undefined {
  const prefix = `${name}/`;
  const methods = Object.keys(routes);
  return (api, req, sub) => {
    if (!sub.startsWith(prefix)) return undefined;
    return call(api, req, sub.slice(prefix.length));
  };

  async function call(api: Api, req: SimRequest, method: string): Promise<SimResponse> {
    const route = routes[method];
    if (!route) return json(404, { error: `no such method ${method}; one of ${methods.join(', ')}` });
    let body: ControlBody;
    if (req.method === 'GET' && route.read) body = Object.fromEntries(req.query);
    else if (req.method === 'POST') {
      const parsed = req.text ? parseJsonBody<ControlBody>(req) : {};
      if (parsed === undefined || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return json(400, { error: 'body must be a JSON object' });
      body = parsed;
    } else return json(405, { error: `${method} takes ${route.read ? 'GET or POST' : 'POST'}` });
    try {
      return json(200, await route.call(api, body));
    } catch (error) {
      const answer = errorOf(error);
      if (answer) return answer;
      throw error;
    }
  }
}
