/**
 * The simulators' clock. `speed` makes rate windows, token lifetimes and retry schedules run faster on demand;
 * `advance` jumps ahead (a token's hour passes in a test instantly). Timers scheduled through it follow both.
 */
interface Sleeper {
  until: number;
  resolve: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class SimClock {
  private offsetMs = 0;
  private sleepers = new Set<Sleeper>();
  private anchorReal = Date.now();
  private anchorSim = Date.now();
  private speedFactor = 1;

  now(): number {
    const real = Date.now();
    return this.anchorSim + (real - this.anchorReal) * this.speedFactor + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Jumps ahead; sleeps that are now due wake at once (a retry schedule follows the jump). */
  advance(ms: number): void {
    this.offsetMs += ms;
    for (const sleeper of this.sleepers) this.arm(sleeper);
  }

  get speed(): number {
    return this.speedFactor;
  }

  set speed(factor: number) {
    if (!(factor > 0)) throw new Error('clock speed must be positive');
    const current = this.now() - this.offsetMs;
    this.anchorReal = Date.now();
    this.anchorSim = current;
    this.speedFactor = factor;
    for (const sleeper of this.sleepers) this.arm(sleeper);
  }

  /** Real milliseconds to wait for `simMs` of simulated time to pass. */
  realDelay(simMs: number): number {
    return Math.max(0, Math.round(simMs / this.speedFactor));
  }

  /** Resolves once `simMs` of simulated time has passed, however the clock is sped up or advanced meanwhile. */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = { until: this.now() + simMs, resolve, timer: undefined };
      this.sleepers.add(sleeper);
      this.arm(sleeper);
    });
  }

  private arm(sleeper: Sleeper): void {
    clearTimeout(sleeper.timer);
    const left = sleeper.until - this.now();
    if (left <= 0) {
      this.sleepers.delete(sleeper);
      sleeper.resolve();
      return;
    }
    // Timers do not keep a process alive: a pending webhook retry must not block a test runner's exit.
    sleeper.timer = setTimeout(() => this.arm(sleeper), Math.max(1, this.realDelay(left))).unref();
  }
}
