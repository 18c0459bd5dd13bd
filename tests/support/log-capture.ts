/**
 * Everything a test's engine and app log, kept in memory: pass `capture.stream` as `logTo` (startPlatform /
 * startE2E log at debug level into it), then read the raw text or the parsed pino lines.
 */
import { Writable } from 'node:stream';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface LogCapture {
  readonly stream: Writable;
  /** Every byte written so far. */
  text(): string;
  /** Every line so far, parsed (a line that is not JSON is kept as `{ level: 0, msg: <text> }`). */
  lines(): LogLine[];
  /** Lines with this message (and, when given, these fields). */
  count(msg: string, fields?: Record<string, unknown>): number;
}

export function captureLogs(): LogCapture {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const lines = (): LogLine[] =>
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as LogLine;
        } catch {
          return { level: 0, msg: line };
        }
      });
  return {
    stream,
    text: () => text,
    lines,
    count: (msg, fields = {}) => lines().filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v)).length,
  };
}

/** Records every unhandled rejection from now until `stop()`, so a test can assert there was none. */
export function trackUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const onRejection = (reason: unknown) => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return { reasons, stop: () => process.off('unhandledRejection', onRejection) };
}
