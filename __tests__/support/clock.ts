import type { Clock } from "../../lib/time-scale";

/** One pending `sleep`. */
interface Sleeper {
  readonly at: number;
  readonly order: number;
  readonly wake: () => void;
}

/**
 * A clock the test drives (lib/time-scale.ts `Clock`), so what code measures with it is the same on
 * a quiet machine and a loaded one: time moves only when the test says, never while a request is in
 * flight or the machine is busy.
 *
 * - `advance(ms)` moves it forward, waking each sleeper whose time has come, earliest first, and
 *   letting it run before the next one wakes.
 * - With `auto: true` it also moves on its own: whenever something sleeps, the clock jumps to the
 *   earliest wake-up on the next turn of the event loop. Code that alternates real I/O (a request to a
 *   local stand-in, which takes no time on this clock) with sleeps then runs as fast as the machine
 *   allows, and every duration it measures is the sum of the sleeps in between.
 */
export class TestClock implements Clock {
  private t: number;
  private readonly sleepers: Sleeper[] = [];
  private order = 0;
  private pending = false;
  private readonly auto: boolean;

  constructor(options: { readonly start?: number; readonly auto?: boolean } = {}) {
    this.t = options.start ?? 1_000_000;
    this.auto = options.auto ?? false;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.sleepers.indexOf(sleeper);
        if (i >= 0) this.sleepers.splice(i, 1);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        at: this.t + Math.max(0, ms),
        order: this.order++,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.sleepers.sort((a, b) => a.at - b.at || a.order - b.order);
      if (this.auto) this.schedule();
    });
  }

  /** Moves the clock `ms` forward, waking the sleepers due on the way in order (each runs before the next wakes). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    while (this.sleepers.length > 0 && this.sleepers[0].at <= end) {
      const next = this.sleepers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.wake();
      await turn();
    }
    this.t = end;
  }

  /** Sleepers not woken yet. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      const next = this.sleepers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}

/** One turn of the event loop: promise continuations and I/O callbacks waiting now get to run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
