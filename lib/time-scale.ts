/**
 * Model time vs real time. Every health-check timing (interval, timeout), the accelerator's
 * propagation delay and the drill's poll period are *model* seconds, the seconds AWS would take;
 * the local system waits `factor` real seconds per model second. Reported times are always model
 * seconds (real seconds ÷ factor), so they compare directly with AWS and with the predictions.
 *
 * `--time-scale S` accepts both readings of "S": S ≤ 1 is the factor itself (real seconds per model
 * second: 0.1 → 10× faster), S > 1 is a speed-up ("10 times faster" → factor 0.1). So `0.1` and `10`
 * mean the same thing, and no value makes a run slower than real time.
 *
 * Real time is read from a {@link Clock}: the system's by default. Code that waits or measures
 * takes it from the time scale it is given (`scale.clock.now()`, `scale.clock.sleep()`), so a test
 * can hand it a clock it drives and assert model-time values that do not depend on how fast the
 * machine is (__tests__/support/clock.ts).
 */

/** Where time is read and waited on: the system's clock, or one a test drives. */
export interface Clock {
  /** Milliseconds since an arbitrary origin (Date.now() for the system clock). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The system's clock: Date.now() and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

/** How fast the local system runs. */
export interface TimeScale {
  /** Real seconds per model second, in (0, 1]; 1 is real time. */
  readonly factor: number;
  /** Real milliseconds for `seconds` model seconds. */
  toRealMs(seconds: number): number;
  /** Model seconds for `ms` real milliseconds. */
  toModelSeconds(ms: number): number;
  /** The clock real milliseconds are read from and waited on. @default systemClock */
  readonly clock: Clock;
}

/** Smallest factor accepted (1000× faster): below this, timers of a few ms make the model meaningless. */
export const MIN_FACTOR = 0.001;

/** A time scale from the `--time-scale` value (a factor ≤ 1 or a speed-up > 1), on `clock`. */
export function timeScale(s = 1, clock: Clock = systemClock): TimeScale {
  if (!Number.isFinite(s) || s <= 0) throw new RangeError(`--time-scale must be a positive number, got ${s}`);
  const factor = s > 1 ? 1 / s : s;
  if (factor < MIN_FACTOR) throw new RangeError(`--time-scale ${s} is too fast; at most ${1 / MIN_FACTOR}× (${MIN_FACTOR})`);
  return {
    factor,
    toRealMs: (seconds) => seconds * factor * 1000,
    toModelSeconds: (ms) => ms / 1000 / factor,
    clock,
  };
}

/** Parses the `--time-scale` argument; throws a RangeError naming the bad value. */
export function parseTimeScale(text: string): TimeScale {
  const s = Number(text);
  if (text.trim() === "" || !Number.isFinite(s)) throw new RangeError(`--time-scale must be a number, got "${text}"`);
  return timeScale(s);
}

/** Sleeps `ms` real milliseconds; rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
