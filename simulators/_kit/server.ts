/**
 * Loopback HTTP harness shared by every simulator: request parsing, the request log tests read, fault
 * injection, the fast clock, and the `/_sim/*` control routes. A simulator supplies only `handle` (its API)
 * and optionally `control` (its own `/_sim/<name>/...` routes for seeding state).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimClock } from './clock.ts';
import { FaultBox, type FaultRule } from './faults.ts';

export interface SimRequest {
  method: string;
  /** Path without the query string, e.g. `/books/v3/invoices`. */
  path: string;
  query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  rawBody: Buffer;
  text: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
}

export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** Set when a fault answered instead of the simulator. */
  fault?: number;
}

export interface SimServerOptions {
  name: string;
  port?: number;
  host?: string;
  clock?: SimClock;
  handle: (req: SimRequest) => SimResponse | Promise<SimResponse>;
  control?: (req: SimRequest, sub: string) => SimResponse | Promise<SimResponse> | undefined;
  /** Called on POST /_sim/reset. */
  reset?: () => void;
  /** Largest request body accepted, bytes. */
  bodyLimit?: number;
  /** Header names whose values the log masks (tokens, secrets). */
  maskHeaders?: readonly string[];
}

export interface SimServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly clock: SimClock;
  readonly faults: FaultBox;
  requests(): readonly LoggedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } };
}

export function parseJsonBody<T = unknown>(req: SimRequest): T | undefined {
  if (!req.text) return undefined;
  try {
    return JSON.parse(req.text) as T;
  } catch {
    return undefined;
  }
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const clock = options.clock ?? new SimClock();
  const faults = new FaultBox();
  const log: LoggedRequest[] = [];
  const maskHeaders = new Set(['authorization', ...(options.maskHeaders ?? [])].map((h) => h.toLowerCase()));
  let seq = 0;
  const bodyLimit = options.bodyLimit ?? 10 * 1024 * 1024;

  const server: Server = createServer((incoming, outgoing) => {
    void serve(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, { 'content-type': 'text/plain' });
        outgoing.end(`simulator ${options.name} crashed: ${String(error)}`);
      } else outgoing.destroy();
    });
  });

  async function serve(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const raw = await readBody(incoming, bodyLimit);
    if (raw === 'too-large') {
      outgoing.writeHead(413).end();
      return;
    }
    const url = new URL(incoming.url ?? '/', 'http://sim.local');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(incoming.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const req: SimRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers,
      rawBody: raw,
      text: raw.toString('utf8'),
    };

    if (req.path.startsWith('/_sim/')) {
      send(outgoing, await controlRoute(req));
      return;
    }

    const entry: LoggedRequest = {
      seq: ++seq,
      at: clock.date().toISOString(),
      method: req.method,
      path: req.path,
      query: Object.fromEntries(req.query),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, maskHeaders.has(k) ? mask(v) : v])),
      body: req.text.length > 20_000 ? `${req.text.slice(0, 20_000)}…` : req.text,
      status: 0,
    };
    log.push(entry);

    const fault = faults.match(req.method, req.path);
    if (fault) {
      entry.fault = fault.id;
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.hang) {
        await new Promise((r) => setTimeout(r, fault.latencyMs ? 0 : 30_000));
        entry.status = -1;
        outgoing.destroy();
        return;
      }
      if (fault.status !== undefined) {
        entry.status = fault.status;
        send(outgoing, {
          status: fault.status,
          headers: { 'content-type': 'application/json', ...fault.headers },
          body: fault.body ?? { error: `injected ${fault.status}` },
        });
        return;
      }
    }

    const response = await options.handle(req);
    entry.status = response.status;
    if (fault?.delayResponseMs) await new Promise((r) => setTimeout(r, fault.delayResponseMs));
    if (fault?.dropAfterHandling) {
      entry.status = -1;
      outgoing.destroy();
      return;
    }
    send(outgoing, response);
  }

  async function controlRoute(req: SimRequest): Promise<SimResponse> {
    const sub = req.path.slice('/_sim/'.length);
    if (sub === 'requests' && req.method === 'GET') return json(200, log);
    if (sub === 'requests' && req.method === 'DELETE') {
      log.length = 0;
      return json(200, { ok: true });
    }
    if (sub === 'faults' && req.method === 'POST') {
      const rule = parseJsonBody<FaultRule>(req);
      if (!rule) return json(400, { error: 'fault rule must be JSON' });
      return json(201, { id: faults.add(rule) });
    }
    if (sub === 'faults' && req.method === 'GET') return json(200, faults.list());
    if (sub === 'faults' && req.method === 'DELETE') {
      faults.clear();
      return json(200, { ok: true });
    }
    if (sub === 'clock' && req.method === 'GET') return json(200, { now: clock.date().toISOString(), speed: clock.speed });
    if (sub === 'clock' && req.method === 'POST') {
      const body = parseJsonBody<{ advanceMs?: number; speed?: number }>(req) ?? {};
      if (body.advanceMs) clock.advance(body.advanceMs);
      if (body.speed) clock.speed = body.speed;
      return json(200, { now: clock.date().toISOString(), speed: clock.speed });
    }
    if (sub === 'reset' && req.method === 'POST') {
      options.reset?.();
      faults.clear();
      log.length = 0;
      return json(200, { ok: true });
    }
    const answer = await options.control?.(req, sub);
    return answer ?? json(404, { error: `no control route ${req.method} /_sim/${sub}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  return {
    name: options.name,
    url: `http://${host}:${port}`,
    port,
    clock,
    faults,
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function mask(value: string): string {
  return value.length <= 8 ? '***' : `${value.slice(0, 4)}…***`;
}

function send(outgoing: ServerResponse, response: SimResponse): void {
  const headers = { ...response.headers };
  let payload: string | Buffer = '';
  if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) payload = response.body;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
  }
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}

function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    incoming.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    incoming.on('error', reject);
  });
}
