/**
 * The process logger: pino, with every secret-bearing field redacted by path, so a careless log call still
 * cannot print a token (DESIGN.md §2.11).
 */
import { pino } from 'pino';
import type { Logger } from '../sync/ports.ts';

const REDACT = [
  'secrets', '*.secrets', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken', 'clientSecret', '*.clientSecret',
  'webhookSecret', '*.webhookSecret', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization',
  'password', '*.password', 'apiKey', '*.apiKey', 'consumerSecret', '*.consumerSecret',
];

export function createLogger(options: { level: string; destination?: NodeJS.WritableStream; name?: string }): Logger {
  const logger = pino(
    { level: options.level, name: options.name ?? 'ml-connector', redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
  return logger as unknown as Logger;
}
