/**
 * Which region served the traffic, over a sliding window of model time: the dashboard's chart.
 *
 * The local system already counts, cumulatively, the requests each region's ALB received (health
 * checks not included) and the connections the accelerator sent to a region whose ALB refused them
 * (a killed region). The meter is fed those counters now and then ({@link TrafficMeter.sample}) and
 * keeps the differences between consecutive samples: one point per sample, each covering the model
 * seconds since the one before. Pure bookkeeping, no timers: whoever owns it decides how often.
 */

/** The cumulative counters at one moment. */
export interface TrafficCounters {
  /** Model seconds since the system started. */
  readonly t: number;
  /** Requests received per region's ALB since start. */
  readonly served: Readonly<Record<string, number>>;
  /** Connections per region that its ALB refused, since start. */
  readonly refused: Readonly<Record<string, number>>;
}

/** What happened between two samples. */
export interface TrafficPoint {
  /** End of the interval, model seconds since start. */
  readonly t: number;
  /** Length of the interval, model seconds. */
  readonly seconds: number;
  /** Requests each region's ALB received in the interval. */
  readonly served: Readonly<Record<string, number>>;
  /** Connections refused in the interval (all regions). */
  readonly refused: number;
}

/** The window as the dashboard shows it. */
export interface TrafficWindow {
  /** Model seconds the window spans. */
  readonly windowSeconds: number;
  /** Every region, in config order. */
  readonly regions: readonly string[];
  /** Oldest first; each covers the `seconds` before its `t`. */
  readonly points: readonly TrafficPoint[];
  /** Requests per region over the window. */
  readonly served: Readonly<Record<string, number>>;
  /** Refused connections over the window. */
  readonly refused: number;
  /** Each region's part of everything sent in the window (served + refused), 0–1; 0 when nothing was sent. */
  readonly share: Readonly<Record<string, number>>;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The requests served per region in a sliding window of model time. */
export class TrafficMeter {
  private readonly points: TrafficPoint[] = [];
  private last?: TrafficCounters;

  /**
   * @param regions every region, in the order the dashboard lists them
   * @param windowSeconds model seconds kept. @default 60
   */
  constructor(
    readonly regions: readonly string[],
    readonly windowSeconds = 60,
  ) {
    if (!(windowSeconds > 0)) throw new RangeError(`the traffic window must be > 0 s, got ${windowSeconds}`);
  }

  /** Adds a sample; the first one only sets the baseline. Samples must not go back in time. */
  sample(c: TrafficCounters): void {
    const last = this.last;
    if (last && c.t < last.t) throw new RangeError(`traffic sample at ${c.t} s is older than the last one (${last.t} s)`);
    this.last = c;
    if (!last || c.t === last.t) return;
    const delta = (now: Readonly<Record<string, number>>, before: Readonly<Record<string, number>>, region: string) =>
      Math.max(0, (now[region] ?? 0) - (before[region] ?? 0));
    this.points.push({
      t: round(c.t),
      seconds: round(c.t - last.t),
      served: Object.fromEntries(this.regions.map((r) => [r, delta(c.served, last.served, r)])),
      refused: this.regions.reduce((sum, r) => sum + delta(c.refused, last.refused, r), 0),
    });
    // Keep the points that end inside the window.
    while (this.points.length > 0 && this.points[0].t <= c.t - this.windowSeconds) this.points.shift();
  }

  window(): TrafficWindow {
    const served = Object.fromEntries(this.regions.map((r) => [r, this.points.reduce((sum, p) => sum + p.served[r], 0)]));
    const refused = this.points.reduce((sum, p) => sum + p.refused, 0);
    const total = refused + Object.values(served).reduce((a, b) => a + b, 0);
    return {
      windowSeconds: this.windowSeconds,
      regions: this.regions,
      points: [...this.points],
      served,
      refused,
      share: Object.fromEntries(this.regions.map((r) => [r, total === 0 ? 0 : served[r] / total])),
    };
  }
}
