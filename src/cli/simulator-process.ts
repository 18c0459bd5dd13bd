/**
 * Starts simulators through their own entry point (simulators/main.ts) in a child process and waits for its
 * ready line. This is the one bridge between src/ and simulators/ (DESIGN.md §5): a process boundary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SIMULATOR_ENTRY = fileURLToPath(new URL('../../simulators/main.ts', import.meta.url));

export interface SimulatorProcess {
  urls: Record<string, string>;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startSimulatorProcess(names: readonly string[], options: { ports?: readonly number[]; stdio?: 'inherit' | 'ignore' } = {}): Promise<SimulatorProcess> {
  const args = ['--import', 'tsx', SIMULATOR_ENTRY, ...names];
  for (const port of options.ports ?? []) args.push('--port', String(port));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', options.stdio ?? 'inherit'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
    });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the simulators did not start within 60 s'));
    }, 60_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const ready = JSON.parse(line) as { ready?: boolean; simulators?: Record<string, string> };
        if (ready.ready && ready.simulators) {
          clearTimeout(timer);
          resolve({ urls: ready.simulators, child, stop });
        }
      } catch {
        // Not the ready line; the simulators print nothing else on stdout.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulators exited (code ${code ?? 'none'}) before they were ready`));
    });
  });
}
