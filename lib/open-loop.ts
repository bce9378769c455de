/**
 * An open-loop schedule: each call starts when it is due, whatever became of the earlier ones. A
 * closed loop (N clients, each waiting for its answer before sending again) sends less the slower the
 * server answers, so it hides the very overload it is meant to show; an open loop keeps offering the
 * rate, as independent users do. When the event loop falls behind (a busy machine), every call that
 * is due starts at once, so the count started by any model second stays what the schedule says.
 *
 * Two schedules at `rate` calls per model second: evenly spaced (call i due at i / rate), or, given a
 * random source, a Poisson stream (independent exponential gaps of mean 1 / rate: what many
 * independent clients together send, and what Erlang's loss formula in model/capacity.ts assumes).
 */
import type { TimeScale } from "./time-scale";

/** Settings of an {@link OpenLoop}. */
export interface OpenLoopOptions {
  /** Calls per model second, above 0. */
  readonly rate: number;
  readonly timeScale: TimeScale;
  /** Starts call `index` (from 0), due at model second `dueSeconds` of the schedule; must not throw. */
  readonly start: (index: number, dueSeconds: number) => void;
  /** Uniform draws in [0, 1) for a Poisson stream. @default evenly spaced calls */
  readonly random?: () => number;
}

/** Starts calls at a constant rate until stopped. */
export class OpenLoop {
  private begun?: number;
  private readonly stopper = new AbortController();
  private count = 0;
  /** When the next call is due, model seconds since the schedule began. */
  private nextDue = 0;
  private stopped = false;

  constructor(private readonly options: OpenLoopOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate)) throw new RangeError(`rate must be a positive number, got ${options.rate}`);
  }

  /** Calls started so far. */
  get started(): number {
    return this.count;
  }

  /** True between begin and stop. */
  get running(): boolean {
    return this.begun !== undefined && !this.stopped;
  }

  /** Begins the schedule: call 0 starts now. */
  begin(): void {
    if (this.begun !== undefined) throw new Error("the schedule has begun already");
    this.begun = this.options.timeScale.clock.now();
    this.tick();
  }

  /** Starts no more calls (the ones started go on). */
  stop(): void {
    this.stopped = true;
    this.stopper.abort();
  }

  private tick(): void {
    const { rate, timeScale, start, random } = this.options;
    const realElapsed = () => timeScale.clock.now() - (this.begun as number);
    const elapsedSeconds = timeScale.toModelSeconds(realElapsed());
    while (this.nextDue <= elapsedSeconds && !this.stopped) {
      const index = this.count++;
      start(index, this.nextDue);
      // Evenly spaced: from the index, so no rounding error adds up; Poisson: an exponential gap.
      this.nextDue = random ? this.nextDue - Math.log(1 - random()) / rate : this.count / rate;
    }
    if (this.stopped) return;
    timeScale.clock.sleep(Math.max(0, timeScale.toRealMs(this.nextDue) - realElapsed()), this.stopper.signal).then(
      () => this.tick(),
      // Stopped while waiting.
      () => undefined,
    );
  }
}
