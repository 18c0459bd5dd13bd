/**
 * SIGTERM and SIGINT for a long-running command. The first signal stops gracefully (orchestrators send SIGTERM
 * and wait); a second one exits at once, for an operator who will not wait. Whatever a forced exit leaves
 * behind is safe: claimed jobs and leases run out and another process takes them over.
 */
import { constants } from 'node:os';

export interface StopSignals {
  /** Resolves once `stop` has finished (or failed: then the exit code is 1). */
  stopped: Promise<void>;
}

export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>, print: (line: string) => void): StopSignals {
  let stopping = false;
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    onSignal = (signal) => {
      if (stopping) {
        process.stderr.write(`\n${signal} again: exiting now; unfinished jobs go back to the queue when their lease runs out.\n`);
        process.exit(128 + (constants.signals[signal] ?? 0));
      }
      stopping = true;
      print(`\n${signal}: finishing running work and stopping (send it again to exit at once)…`);
      stop(signal).then(
        () => {
          print('Stopped.');
          resolve();
        },
        (error: unknown) => {
          process.stderr.write(`stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exitCode = 1;
          resolve();
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return {
    stopped: stopped.finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A signal after this point means the process is already on its way out; let it go.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
    }),
  };
}

/** `task`, given at most `ms`: true when it finished in time, false when the time ran out first; its failure rejects. */
export async function withinGrace(task: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = task.then(() => true);
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
