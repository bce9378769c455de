/**
 * A target group's health check, as an ALB runs it for a Lambda target: every `interval` it invokes
 * the function with a GET of `path`; an answer whose status matches `matcher` within `timeout` is a
 * success, anything else (another status, an error, no answer in time) a failure. The target's state
 * is a small state machine:
 *
 *   initial ──(healthyThreshold successes in a row)──▶ healthy
 *   initial ──(unhealthyThreshold failures in a row)─▶ unhealthy
 *   healthy ──(unhealthyThreshold failures in a row)─▶ unhealthy
 *   unhealthy ─(healthyThreshold successes in a row)─▶ healthy
 *
 * A success resets the failure count and a failure the success count. The first check runs
 * `phaseSeconds` after registration (start), then every interval on a fixed cadence, like the ALB's.
 * The phase decides where in the cycle a change of the target falls: the local system draws it at
 * random per region, so repeated drills sample the whole predicted range instead of one point.
 */
import type { HealthCheckSettings } from "../../model/config";
import type { TimeScale } from "../../lib/time-scale";

/** A target's health, as `DescribeTargetHealth` names it. */
export type TargetState = "initial" | "healthy" | "unhealthy";

/** The result of one health check. */
export interface CheckResult {
  readonly ok: boolean;
  /** What was seen: "200", "status 400", "timeout", "target unavailable", … */
  readonly detail: string;
}

/** A state change, with the reason the ALB would report. */
export interface Transition {
  readonly from: TargetState;
  readonly to: TargetState;
  /** The last check's detail, e.g. "status 400 (3 failures)". */
  readonly reason: string;
}

/** Parses an ALB matcher ("200", "200,204", "200-299") into a predicate on the status code. */
export function parseMatcher(matcher: string): (status: number) => boolean {
  const parts = matcher.split(",").map((part) => {
    const [lo, hi = lo] = part.split("-").map((n) => Number(n.trim()));
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) throw new RangeError(`bad health check matcher "${matcher}"`);
    return [lo, hi] as const;
  });
  return (status) => parts.some(([lo, hi]) => status >= lo && status <= hi);
}

/** The state machine alone: feed it check results, it says when the state changes. */
export class TargetHealth {
  private current: TargetState = "initial";
  private successes = 0;
  private failures = 0;

  constructor(private readonly thresholds: Pick<HealthCheckSettings, "healthyThreshold" | "unhealthyThreshold">) {}

  /** The target's state now. */
  get state(): TargetState {
    return this.current;
  }

  /** Counts one check; returns the transition it caused, if any. */
  record(result: CheckResult): Transition | undefined {
    if (result.ok) {
      this.successes += 1;
      this.failures = 0;
      if (this.current !== "healthy" && this.successes >= this.thresholds.healthyThreshold) {
        return this.move("healthy", `${result.detail} (${this.successes} successes)`);
      }
    } else {
      this.failures += 1;
      this.successes = 0;
      if (this.current !== "unhealthy" && this.failures >= this.thresholds.unhealthyThreshold) {
        return this.move("unhealthy", `${result.detail} (${this.failures} failures)`);
      }
    }
    return undefined;
  }

  private move(to: TargetState, reason: string): Transition {
    const t = { from: this.current, to, reason };
    this.current = to;
    return t;
  }
}

/** Settings of a {@link HealthChecker}. */
export interface HealthCheckerOptions {
  /** The target group's health check settings (model seconds). */
  readonly settings: HealthCheckSettings;
  /** Real time per model second. */
  readonly timeScale: TimeScale;
  /** Model seconds from start to the first check, in [0, interval). @default 0 */
  readonly phaseSeconds?: number;
  /**
   * Runs one check: invoke the target with a GET of the path and resolve with its status code; reject
   * when it cannot answer. It is given an AbortSignal that fires at the timeout.
   */
  readonly probe: (signal: AbortSignal) => Promise<number>;
  /** Told of every state change. */
  readonly onTransition?: (t: Transition) => void;
  /** Told of every check (for the live view). */
  readonly onCheck?: (r: CheckResult) => void;
}

/** Runs the checks on the target group's cadence and keeps the {@link TargetHealth}. */
export class HealthChecker {
  readonly health: TargetHealth;
  private readonly matches: (status: number) => boolean;
  private timer?: NodeJS.Timeout;
  private started = 0;
  private count = 0;
  private last?: CheckResult;

  constructor(private readonly options: HealthCheckerOptions) {
    const phase = options.phaseSeconds ?? 0;
    if (!(phase >= 0 && phase < options.settings.intervalSeconds)) {
      throw new RangeError(`health check phase must be in [0, ${options.settings.intervalSeconds}) seconds, got ${phase}`);
    }
    this.health = new TargetHealth(options.settings);
    this.matches = parseMatcher(options.settings.matcher);
  }

  /** The target's state now. */
  get state(): TargetState {
    return this.health.state;
  }

  /** The latest check's result. */
  get lastCheck(): CheckResult | undefined {
    return this.last;
  }

  /** The phase: model seconds from start to the first check. */
  get phaseSeconds(): number {
    return this.options.phaseSeconds ?? 0;
  }

  /** Registers the target: the first check after the phase, then one every interval. */
  start(): void {
    if (this.timer || this.count > 0) return;
    const phaseMs = this.options.timeScale.toRealMs(this.phaseSeconds);
    this.started = Date.now() + phaseMs;
    if (phaseMs === 0) this.tick();
    else this.timer = setTimeout(() => this.tick(), phaseMs);
  }

  /** Stops checking (the state stays as it is). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Runs one check now and records it (also used by the schedule). */
  async checkOnce(): Promise<CheckResult> {
    const { settings, timeScale } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeScale.toRealMs(settings.timeoutSeconds));
    let result: CheckResult;
    try {
      const status = await Promise.race([
        this.options.probe(controller.signal),
        new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(new Error("timeout")), { once: true })),
      ]);
      result = this.matches(status) ? { ok: true, detail: String(status) } : { ok: false, detail: `status ${status}` };
    } catch (err) {
      result = { ok: false, detail: controller.signal.aborted ? "timeout" : (err as Error).message || "error" };
    } finally {
      clearTimeout(timer);
    }
    this.last = result;
    this.options.onCheck?.(result);
    const t = this.health.record(result);
    if (t) this.options.onTransition?.(t);
    return result;
  }

  private tick(): void {
    const interval = this.options.timeScale.toRealMs(this.options.settings.intervalSeconds);
    this.count += 1;
    // A fixed cadence (start + n × interval), not "interval after the last check ended": no drift.
    const next = this.started + this.count * interval;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - Date.now()));
    void this.checkOnce();
  }
}
