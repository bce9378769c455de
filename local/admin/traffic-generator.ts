/**
 * Demo traffic for the dashboard: GET requests through the accelerator at a steady rate, each on a
 * connection of its own (as the drill and `curl` send them), so the accelerator routes every one
 * afresh and the chart shows where traffic goes. Off unless asked for (`npm run local -- --traffic N`,
 * or the dashboard's traffic control).
 *
 * The rate is in requests per model second, so the picture is the same at any time scale; the real
 * rate is capped at {@link MAX_REAL_REQUESTS_PER_SECOND} and at most `maxInFlight` requests are open
 * at once (a tick that finds them all open is skipped and counted), so a fast time scale or a stuck
 * region cannot make the generator the load that breaks the system.
 */
import { probe } from "../../lib/probe";
import type { TimeScale } from "../../lib/time-scale";

/** Highest rate a generator accepts, requests per model second. */
export const MAX_TRAFFIC_RATE = 50;

/** Most requests per real second, whatever the rate and time scale. */
export const MAX_REAL_REQUESTS_PER_SECOND = 200;

/** Settings of a {@link TrafficGenerator}. */
export interface TrafficGeneratorOptions {
  /** Base URL of the accelerator. */
  readonly url: string;
  readonly timeScale: TimeScale;
  /** What to request. @default "/get/foobar" */
  readonly path?: string;
  /** Requests per model second to start with, 0–{@link MAX_TRAFFIC_RATE}. @default 0 (off) */
  readonly rate?: number;
  /** Requests open at once, at most. @default 16 */
  readonly maxInFlight?: number;
  /** Real ms one request may take. @default 5000 */
  readonly timeoutMs?: number;
}

/** What the generator has done. */
export interface TrafficGeneratorMetrics {
  sent: number;
  /** Requests answered with any HTTP status. */
  answered: number;
  /** Requests with no answer (refused, reset, timed out). */
  failed: number;
  /** Ticks skipped because `maxInFlight` requests were still open. */
  skipped: number;
}

/** Parses a traffic rate (requests per model second); throws a RangeError naming `what` and the value. */
export function parseTrafficRate(text: string, what = "traffic rate"): number {
  const rate = Number(text);
  if (text.trim() === "" || !Number.isFinite(rate) || rate < 0 || rate > MAX_TRAFFIC_RATE) {
    throw new RangeError(`${what} must be 0-${MAX_TRAFFIC_RATE} requests per model second, got "${text}"`);
  }
  return rate;
}

/** Sends requests through the accelerator at a steady rate until stopped. */
export class TrafficGenerator {
  readonly metrics: TrafficGeneratorMetrics = { sent: 0, answered: 0, failed: 0, skipped: 0 };
  private timer?: NodeJS.Timeout;
  private current = 0;
  private readonly open = new Set<Promise<void>>();

  constructor(private readonly options: TrafficGeneratorOptions) {
    this.setRate(options.rate ?? 0);
  }

  /** Requests per model second; 0 is off. */
  get rate(): number {
    return this.current;
  }

  /** Requests open now. */
  get inFlight(): number {
    return this.open.size;
  }

  /** Changes the rate at once (0 stops); throws a RangeError outside 0–{@link MAX_TRAFFIC_RATE}. */
  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0 || rate > MAX_TRAFFIC_RATE) {
      throw new RangeError(`traffic rate must be 0-${MAX_TRAFFIC_RATE} requests per model second, got ${rate}`);
    }
    clearInterval(this.timer);
    this.timer = undefined;
    this.current = rate;
    if (rate === 0) return;
    const periodMs = Math.max(1000 / MAX_REAL_REQUESTS_PER_SECOND, this.options.timeScale.toRealMs(1 / rate));
    this.timer = setInterval(() => this.tick(), periodMs);
    this.timer.unref();
  }

  /** Stops sending and waits for the requests still open. */
  async close(): Promise<void> {
    this.setRate(0);
    await Promise.all([...this.open]);
  }

  private tick(): void {
    if (this.open.size >= (this.options.maxInFlight ?? 16)) {
      this.metrics.skipped += 1;
      return;
    }
    this.metrics.sent += 1;
    const request = probe(`${this.options.url}${this.options.path ?? "/get/foobar"}`, { timeoutMs: this.options.timeoutMs ?? 5000 }).then((r) => {
      if (r.status === 0) this.metrics.failed += 1;
      else this.metrics.answered += 1;
      this.open.delete(request);
    });
    this.open.add(request);
  }
}
