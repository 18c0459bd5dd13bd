/** GET / — the operator page. It holds no data itself; it reads the admin API with the token the user gives. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.ts';

const page = readFileSync(new URL('../ui/index.html', import.meta.url), 'utf8');

export function registerUiRoutes(app: FastifyInstance, _deps: AppDeps): void {
  app.get('/', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
      .send(page),
  );
}
