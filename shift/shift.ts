/**
 * A health-gated traffic shift between regions (blue/green, or draining a region for maintenance):
 * moves one region's traffic dial (or its endpoint's weight) from where it is to a target value in
 * steps, the way AWS's own capacity tooling drains (100 → 80 → 60 …):
 *
 * 1. read every endpoint group: the regions in the path (the region shifted, and every other region
 *    whose group can take traffic: dial > 0 and weight > 0) must be healthy before anything changes;
 * 2. baseline: hold at the current value, probing through the accelerator (a new connection per
 *    request, lib/probe.ts), so the error rate and shares before the change are known;
 * 3. each step: apply the next value (the target resolves once the accelerator has applied it: on
 *    AWS when the accelerator is `DEPLOYED` again), hold, and record the share of the hold's answers
 *    each region served and the step's errors;
 * 4. a gate trips when a step's errors pass `maxErrorRate` × the requests of a full hold, or a region
 *    in the path stops being healthy: the shift stops and rolls back to the value it started from.
 *    Ctrl-C (`signal`) rolls back too. A value changed by someone else meanwhile stops the shift
 *    without rolling back: whoever changed it is in charge now.
 *
 * Safety rails, as a health-gated controller needs them:
 * - the last healthy region (no other healthy group takes traffic) is never taken below full traffic
 *   (dial 100; weight above 0): refused up front, and a shift that lowers a region stops and rolls
 *   back when the region becomes the last healthy one meanwhile;
 * - `minDial`: a floor the dial is never set below;
 * - a hold whose probes brought no data (no answer naming a region) does not step on: it holds on,
 *   up to {@link NO_DATA_HOLDS} holds, then stops and rolls back, since it cannot tell where traffic went;
 * - `dryRun`: every check and the plan, nothing changed and no request sent.
 *
 * Times are model seconds (lib/time-scale.ts), as in the drill.
 */
import type { Clock, TimeScale } from "../lib/time-scale";
import { probe, type ProbeResult } from "../lib/probe";

/** What a shift moves: the endpoint group's traffic dial (percent) or its endpoint's weight. */
export type ShiftSetting = "dial" | "weight";

/** The values Global Accelerator allows for each setting (integers here, as in the config). */
export const SETTING_RANGE: Readonly<Record<ShiftSetting, { readonly min: number; readonly max: number }>> = {
  dial: { min: 0, max: 100 },
  weight: { min: 0, max: 255 },
};

/** One region's endpoint group as the target reports it. */
export interface GroupState {
  readonly region: string;
  /** Traffic dial, percent. */
  readonly dial: number;
  /** Weight of the group's (first) endpoint, 0-255. */
  readonly weight: number;
  /** Endpoints in the group (this stack: one ALB). */
  readonly endpoints: number;
  /** Every endpoint healthy, as the ALB's target group and the accelerator see it. */
  readonly healthy: boolean;
  /** The health in words, for messages ("target group unhealthy, accelerator healthy", "UNHEALTHY: …"). */
  readonly health: string;
}

/** What a shift runs against: the local system or a real accelerator. */
export interface ShiftTarget {
  readonly kind: "local" | "aws";
  readonly regions: readonly string[];
  /** Base URL of the accelerator, e.g. `http://127.0.0.1:8080`. */
  readonly acceleratorUrl: string;
  readonly timeScale: TimeScale;
  /** Model seconds between health reads during a hold. */
  readonly healthPollSeconds: number;
  /** Resolves when the groups can be read and changed (a system started for the shift is healthy; no change is deploying). */
  waitReady(signal?: AbortSignal): Promise<void>;
  /** Every region's group, in config order. */
  groups(signal?: AbortSignal): Promise<readonly GroupState[]>;
  /** Sets one region's dial or weight, nothing else; resolves once the accelerator applies it. */
  apply(region: string, setting: ShiftSetting, value: number, signal?: AbortSignal): Promise<void>;
  /** Lines saying what will be changed, for the confirmation prompt; `values` starts with the current one. */
  describeChange(region: string, setting: ShiftSetting, values: readonly number[]): string[];
  /** Releases what the target started. */
  close(): Promise<void>;
}

/** One hold: the baseline (step 0, before any change) or a step. */
export interface StepResult {
  /** 0 for the baseline. */
  readonly step: number;
  /** The region's dial during the step. */
  readonly dial: number;
  /** The region's endpoint weight during the step. */
  readonly weight: number;
  /** Fraction (0-1) of the hold's successful answers each region served. */
  readonly share: Readonly<Record<string, number>>;
  /** Successful answers during the hold, naming a region: what `share` is a fraction of. */
  readonly answered: number;
  /** Model seconds the hold lasted: `holdSeconds`, or longer until `minAnswers` requests were answered. */
  readonly heldSeconds: number;
  /** Requests answered during the step (while the change was applied, and the hold). */
  readonly requests: number;
  /** Of those, the ones without a 2xx answer (refused, reset, timed out, 5xx …). */
  readonly errors: number;
  /** Model seconds until the change was applied (on AWS: until the accelerator was DEPLOYED); 0 for the baseline. */
  readonly applySeconds: number;
  /** Why the step tripped a gate, if it did. */
  readonly failed?: string;
}

/** The summary; `--json` prints it as is. */
export interface ShiftResult {
  readonly target: "local" | "aws";
  readonly region: string;
  readonly setting: ShiftSetting;
  /** The value the shift started from (and rolls back to). */
  readonly from: number;
  /** The value asked for. */
  readonly to: number;
  /** The value in force at the end: `to` when done, `from` after a rollback. */
  readonly final: number;
  /** The regions whose health gates the shift. */
  readonly path: readonly string[];
  readonly steps: readonly StepResult[];
  /** All requests, every step. */
  readonly requests: number;
  /** All errors, every step. */
  readonly errors: number;
  readonly rolledBack: boolean;
  /** Ctrl-C ended the shift. */
  readonly interrupted: boolean;
  /** Why the shift stopped before reaching `to`; absent when it got there. */
  readonly stopped?: string;
  /** The rollback failed: the value is `final`, not `from`. */
  readonly rollbackError?: string;
  /** Reached `to` with every gate passed (a dry run: would start). */
  readonly ok: boolean;
  /** The values the shift sets (or would set), in order, after `from`. */
  readonly plan: readonly number[];
  /** Nothing was changed: the plan only. */
  readonly dryRun: boolean;
  /** The lowest dial the shift may set (`--min-dial`); 0 without one. */
  readonly minDial: number;
  readonly stepSize: number;
  readonly holdSeconds: number;
  readonly pollSeconds: number;
  readonly maxErrorRate: number;
  /** Real seconds per model second (1 on AWS). */
  readonly timeScale: number;
}

/** Settings of {@link runShift}. */
export interface ShiftOptions {
  readonly target: ShiftTarget;
  readonly region: string;
  /** @default "dial" */
  readonly setting?: ShiftSetting;
  /** The value to move to. */
  readonly value: number;
  /** Largest change per step. @default 20 */
  readonly step?: number;
  /** Model seconds to hold at each step (and for the baseline). @default 30 */
  readonly holdSeconds?: number;
  /**
   * Requests sent during a hold that must be answered before it ends, however long that takes, at
   * most the requests a full hold makes (`holdSeconds / pollSeconds`): a share of a handful of
   * answers means little, and a loaded machine answers the local system slowly. @default 20
   */
  readonly minAnswers?: number;
  /** Model seconds between requests. @default 0.25 */
  readonly pollSeconds?: number;
  /** Fraction of a step's requests that may fail (0-1). @default 0.01 */
  readonly maxErrorRate?: number;
  /** The lowest dial the shift may set on the region (setting "dial"). @default 0 */
  readonly minDial?: number;
  /** Check and plan only: nothing is changed and no request is sent. @default false */
  readonly dryRun?: boolean;
  /** What to request. @default "/get/foobar" */
  readonly path?: string;
  /** Asked before anything changes; false aborts. @default always yes */
  readonly confirm?: (lines: readonly string[]) => Promise<boolean>;
  /** Told of each thing the shift does. */
  readonly onEvent?: (e: { readonly t: number; readonly event: string }) => void;
  /** Told of each finished hold. */
  readonly onStep?: (s: StepResult) => void;
  /** Aborts the shift (Ctrl-C); a changed value is still rolled back. */
  readonly signal?: AbortSignal;
  /** Real ms one request may take. @default 5000 */
  readonly requestTimeoutMs?: number;
}

/** The shift was refused at the prompt. */
export class ShiftDeclinedError extends Error {
  constructor() {
    super("not confirmed: nothing was changed");
    this.name = "ShiftDeclinedError";
  }
}

const isOk = (r: { status: number }) => r.status >= 200 && r.status < 300;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percent = (fraction: number) => `${round(fraction * 100, 1)} %`;

/**
 * The values a shift sets, in order, from `from` (excluded) to `to` (included), each at most `step`
 * away from the one before. Empty when `from` equals `to`.
 */
export function planSteps(from: number, to: number, step: number): number[] {
  if (!(step > 0)) throw new RangeError(`step must be positive, got ${step}`);
  const direction = Math.sign(to - from);
  const values: number[] = [];
  // Rounded: a dial someone set to 33.3 on AWS steps as 13.3, not 13.299999999999997.
  for (let v = round(from + direction * step); direction * (to - v) > 0; v = round(v + direction * step)) values.push(v);
  if (from !== to) values.push(to);
  return values;
}

/** The regions whose health gates a shift of `region`: it, and every group that can take traffic. */
export function pathOf(groups: readonly GroupState[], region: string): string[] {
  return groups.filter((g) => g.region === region || (g.dial > 0 && g.weight > 0)).map((g) => g.region);
}

/**
 * Whether `region` is the last healthy one: healthy itself, and no other group is healthy and takes
 * traffic (dial and weight above 0). Lowering it then sends its traffic nowhere healthy.
 */
export function isLastHealthy(groups: readonly GroupState[], region: string): boolean {
  const own = groups.find((g) => g.region === region);
  return own !== undefined && own.healthy && !groups.some((g) => g.region !== region && g.healthy && g.dial > 0 && g.weight > 0);
}

/**
 * The lowest value a shift may set: for the last healthy region full traffic (dial 100, weight 1),
 * else `minDial` for the dial and 0 for the weight.
 */
export function floorOf(setting: ShiftSetting, lastHealthy: boolean, minDial = 0): number {
  if (setting === "weight") return lastHealthy ? 1 : 0;
  return lastHealthy ? SETTING_RANGE.dial.max : minDial;
}

/** Holds a step makes, at most, while its probes bring no data, before it stops and rolls back. */
export const NO_DATA_HOLDS = 4;

/**
 * `--max-error-rate`: a fraction (`0.01`) or a percentage (`1%`), 0 to 1. @throws RangeError naming the value
 */
export function parseErrorRate(text: string): number {
  const pct = /^\s*([0-9.]+)\s*%\s*$/.exec(text);
  const n = pct ? Number(pct[1]) / 100 : text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new RangeError(`--max-error-rate must be a fraction 0-1 (0.01) or a percentage 0-100 % (1%), got "${text}"`);
  }
  return n;
}

/**
 * Requests through the accelerator at a steady rate, one at a time, each on its own connection,
 * until stopped; each answer goes to whichever step is listening.
 */
class Prober {
  onResult?: (r: ProbeResult, sentAt: number) => void;
  private readonly stopper = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly periodMs: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.done = this.loop();
  }

  /** Stops sending; resolves when the request in flight (if any) is answered. */
  stop(): Promise<void> {
    this.stopper.abort();
    return this.done;
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    let next = this.clock.now();
    while (!signal.aborted) {
      const wait = next - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, signal).catch(() => undefined);
      if (signal.aborted) return;
      // A slow answer delays the next request; it does not cause a burst to catch up.
      next = Math.max(next, this.clock.now()) + this.periodMs;
      const sentAt = this.clock.now();
      const r = await probe(this.url, { timeoutMs: this.timeoutMs });
      this.onResult?.(r, sentAt);
    }
  }
}

/** A gate tripped during a step. */
class GateTripped extends Error {
  constructor(
    message: string,
    /** The value was changed by someone else: stop, but do not roll back. */
    readonly external: boolean,
  ) {
    super(message);
  }
}

/** Runs the shift; a changed value is rolled back before it resolves (or rejects), unless the rollback itself fails. */
export async function runShift(options: ShiftOptions): Promise<ShiftResult> {
  const { target, region, signal } = options;
  const setting = options.setting ?? "dial";
  const stepSize = options.step ?? 20;
  const holdSeconds = options.holdSeconds ?? 30;
  const pollSeconds = options.pollSeconds ?? 0.25;
  const maxErrorRate = options.maxErrorRate ?? 0.01;
  const range = SETTING_RANGE[setting];
  if (!target.regions.includes(region)) throw new RangeError(`--region must be one of ${target.regions.join(", ")}, got "${region}"`);
  if (!Number.isInteger(options.value) || options.value < range.min || options.value > range.max) {
    throw new RangeError(`--${setting} must be an integer ${range.min}-${range.max}, got ${options.value}`);
  }
  if (!Number.isInteger(stepSize) || stepSize < 1 || stepSize > range.max) throw new RangeError(`--step must be an integer 1-${range.max}, got ${stepSize}`);
  if (!(holdSeconds > 0)) throw new RangeError(`--hold must be positive seconds, got ${holdSeconds}`);
  if (!(pollSeconds > 0)) throw new RangeError(`--poll must be positive seconds, got ${pollSeconds}`);
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) throw new RangeError(`max error rate must be 0-1, got ${maxErrorRate}`);
  const minDial = options.minDial ?? 0;
  if (!Number.isInteger(minDial) || minDial < 0 || minDial > 100) throw new RangeError(`--min-dial must be an integer 0-100, got ${minDial}`);
  if (minDial > 0 && setting !== "dial") throw new RangeError("--min-dial applies to --dial only");
  if (setting === "dial" && options.value < minDial) throw new RangeError(`--dial ${options.value} is below --min-dial ${minDial}`);

  const scale = target.timeScale;
  const { clock } = scale;
  const started = clock.now();
  const now = () => round(scale.toModelSeconds(clock.now() - started));
  const note = (event: string) => options.onEvent?.({ t: now(), event });

  await target.waitReady(signal);
  const initial = await target.groups(signal);
  const group = initial.find((g) => g.region === region);
  if (!group) throw new Error(`the accelerator has no endpoint group for ${region}`);
  if (setting === "weight" && group.endpoints !== 1) {
    throw new Error(`--weight shifts a group with one endpoint (this stack's ALB); ${region}'s group has ${group.endpoints}`);
  }
  const path = pathOf(initial, region);
  const sick = initial.filter((g) => path.includes(g.region) && !g.healthy);
  if (sick.length > 0) {
    throw new Error(
      `not shifting: ${sick.map((g) => `${g.region} is not healthy (${g.health})`).join(", ")}; every region in the path (${path.join(", ")}) must be healthy first ` +
        "(the health gate needs a healthy start; an unhealthy region gets no traffic from the accelerator whatever its dial)",
    );
  }
  const from = group[setting];
  const lowering = options.value < from;
  const last = isLastHealthy(initial, region);
  const floor = floorOf(setting, last, minDial);
  if (lowering && options.value < floor) {
    const others = initial.filter((g) => g.region !== region).map((g) => `${g.region} ${g.healthy ? `${setting === "dial" ? `dial ${g.dial}` : `weight ${g.weight}`}` : "unhealthy"}`);
    throw new Error(
      `not shifting: ${region} is the last healthy region taking traffic (${others.join(", ") || "no other region"}); ` +
        `its ${setting} stays at ${floor} or above, or its traffic has nowhere healthy to go`,
    );
  }
  const plan = planSteps(from, options.value, stepSize);
  const steps: StepResult[] = [];
  let current = from;
  let changed = false;
  let rolledBack = false;
  let interrupted = false;
  let stopped: string | undefined;
  let rollbackError: string | undefined;

  const result = (): ShiftResult => ({
    target: target.kind,
    region,
    setting,
    from,
    to: options.value,
    final: current,
    path,
    steps,
    requests: steps.reduce((n, s) => n + s.requests, 0),
    errors: steps.reduce((n, s) => n + s.errors, 0),
    rolledBack,
    interrupted,
    ...(stopped !== undefined ? { stopped } : {}),
    ...(rollbackError !== undefined ? { rollbackError } : {}),
    ok: stopped === undefined && !interrupted && (options.dryRun === true || current === options.value),
    plan,
    dryRun: options.dryRun ?? false,
    minDial,
    stepSize,
    holdSeconds,
    pollSeconds,
    maxErrorRate,
    timeScale: scale.factor,
  });

  if (plan.length === 0) {
    note(`${region}'s ${setting} is already ${from}: nothing to do`);
    return result();
  }
  note(`${region} ${setting} ${[from, ...plan].join(" → ")}; path ${path.join(", ")}`);
  if (options.dryRun) {
    note("dry run: nothing changed");
    return result();
  }
  if (options.confirm && !(await options.confirm(target.describeChange(region, setting, [from, ...plan])))) throw new ShiftDeclinedError();

  const prober = new Prober(`${target.acceleratorUrl}${options.path ?? "/get/foobar"}`, scale.toRealMs(pollSeconds), options.requestTimeoutMs ?? 5000, clock);
  // Requests a full hold makes: the error budget is counted against at least these, so one early error is not a 100 % rate.
  const fullHold = holdSeconds / pollSeconds;
  const minAnswers = Math.min(options.minAnswers ?? 20, Math.floor(fullHold));

  /** One hold at `value` (applied first), or the baseline when `value` is undefined. */
  async function hold(index: number, value: number | undefined): Promise<StepResult> {
    const gate = new AbortController();
    let tripped: GateTripped | undefined;
    const trip = (why: string, external = false) => {
      if (tripped) return;
      tripped = new GateTripped(why, external);
      gate.abort(tripped);
    };
    let requests = 0;
    let errors = 0;
    let holdFrom = Infinity;
    let heldSeconds = 0;
    /** Requests sent during the hold and answered, errors included. */
    let holdAnswers = 0;
    /** Of those, the 2xx answers naming a region: the hold's data. */
    let withData = 0;
    const served = new Map<string, number>();
    prober.onResult = (r, sentAt) => {
      requests += 1;
      if (!isOk(r)) {
        errors += 1;
        if (errors > maxErrorRate * Math.max(requests, fullHold)) {
          trip(`${errors} errors in ${requests} requests: over the max error rate ${percent(maxErrorRate)} (last: ${r.status || r.error})`);
        }
      }
      if (sentAt < holdFrom) return;
      holdAnswers += 1;
      if (isOk(r) && r.region) {
        withData += 1;
        served.set(r.region, (served.get(r.region) ?? 0) + 1);
      }
    };
    const stepSignal = signal ? AbortSignal.any([signal, gate.signal]) : gate.signal;
    const t0 = clock.now();
    let applySeconds = 0;
    let failure: unknown;
    try {
      if (value !== undefined) {
        note(`step ${index}/${plan.length}: ${region} ${setting} ${current} → ${value}`);
        changed = true;
        await target.apply(region, setting, value, stepSignal);
        current = value;
        applySeconds = round(scale.toModelSeconds(clock.now() - t0));
        note(`${setting} ${value} applied${target.kind === "aws" ? ` (accelerator DEPLOYED after ${applySeconds} s)` : ""}; holding ${holdSeconds} s`);
      } else {
        note(`baseline at ${setting} ${current}: holding ${holdSeconds} s`);
      }
      holdFrom = clock.now();
      const end = holdFrom + scale.toRealMs(holdSeconds);
      const giveUp = holdFrom + scale.toRealMs(holdSeconds * NO_DATA_HOLDS);
      const tick = scale.toRealMs(target.healthPollSeconds);
      let holdingOn = false;
      // Requests time out (5 s), so answers keep coming and the hold ends; without data (no answer
      // naming a region) it holds on rather than step blind, up to NO_DATA_HOLDS holds.
      while (!tripped && (clock.now() < end || holdAnswers < minAnswers || withData === 0)) {
        if (clock.now() >= end && withData === 0) {
          if (clock.now() >= giveUp) {
            trip(`no data: none of ${holdAnswers} answers in ${round(holdSeconds * NO_DATA_HOLDS)} s named a region (${errors} errors), so where traffic goes is unknown`);
            break;
          }
          if (!holdingOn) note(`no data yet (no answer named a region): holding on instead of stepping, at most ${round(holdSeconds * NO_DATA_HOLDS)} s`);
          holdingOn = true;
        }
        await clock.sleep(clock.now() < end ? Math.min(end - clock.now(), tick) : tick, stepSignal);
        const groups = await target.groups(stepSignal);
        const mine = groups.find((g) => g.region === region);
        if (mine && mine[setting] !== current) trip(`${region}'s ${setting} is ${mine[setting]}, not ${current}: changed outside the shift`, true);
        const bad = groups.filter((g) => path.includes(g.region) && !g.healthy);
        if (bad.length > 0) trip(bad.map((g) => `${g.region} turned unhealthy (${g.health})`).join(", "));
        // Lowering the only region left that is healthy and takes traffic sends that traffic nowhere healthy.
        if (lowering && isLastHealthy(groups, region)) trip(`${region} became the last healthy region taking traffic: it goes back to ${from}`);
      }
    } catch (err) {
      // A gate aborts whatever the step was waiting on; anything else (Ctrl-C, an API error) is
      // recorded with the step and goes up.
      failure = err;
    } finally {
      prober.onResult = undefined;
      if (holdFrom !== Infinity) heldSeconds = round(scale.toModelSeconds(clock.now() - holdFrom));
    }
    // A gate tripped by a probe aborts the wait it interrupts; one tripped by the health read just ends the loop.
    if (tripped) failure = tripped;
    const known = target.regions.map((r) => served.get(r) ?? 0);
    const answered = known.reduce((a, b) => a + b, 0);
    const share = Object.fromEntries(target.regions.map((r, i) => [r, answered ? round(known[i] / answered, 3) : 0]));
    const at = (s: ShiftSetting) => (s === setting ? (value ?? current) : group![s]);
    const why = failure === undefined ? undefined : signal?.aborted && !tripped ? "interrupted" : (failure as Error).message;
    const step: StepResult = { step: index, dial: at("dial"), weight: at("weight"), share, answered, requests, errors, applySeconds, heldSeconds, ...(why ? { failed: why } : {}) };
    steps.push(step);
    options.onStep?.(step);
    if (failure !== undefined) throw failure;
    return step;
  }

  async function rollback(): Promise<void> {
    note(`rolling back: ${region} ${setting} → ${from}`);
    try {
      // Not on `signal`: Ctrl-C is what asked for the rollback. A second Ctrl-C ends the process.
      await target.apply(region, setting, from);
      current = from;
      rolledBack = true;
      note(`rolled back: ${region} ${setting} ${from}`);
    } catch (err) {
      rollbackError = (err as Error).message;
      note(`ROLLBACK FAILED: ${rollbackError}; ${region}'s ${setting} may still be ${current}`);
    }
  }

  prober.start();
  try {
    await hold(0, undefined);
    for (const [i, value] of plan.entries()) await hold(i + 1, value);
    note(`done: ${region} ${setting} ${current}`);
  } catch (err) {
    if (err instanceof GateTripped) {
      stopped = steps.length === 1 ? `baseline, before any change: ${err.message}` : err.message;
      note(`stopped: ${stopped}`);
      if (changed && !err.external) await rollback();
    } else if (signal?.aborted) {
      interrupted = true;
      stopped = "interrupted";
      note("interrupted");
      if (changed) await rollback();
    } else {
      stopped = `error: ${(err as Error).message}`;
      note(`stopped: ${stopped}`);
      if (changed) await rollback();
    }
  } finally {
    await prober.stop();
  }
  return result();
}

/** The human summary. */
export function formatShiftSummary(r: ShiftResult): string {
  const cols = r.steps.length > 0 ? Object.keys(r.steps[0].share) : [];
  const head = ["step", "dial", "weight", ...cols, "requests", "errors", "applied in"];
  const rows = r.steps.map((s) => [
    String(s.step),
    String(s.dial),
    String(s.weight),
    ...cols.map((c) => `${(s.share[c] * 100).toFixed(1)} %`),
    String(s.requests),
    String(s.errors),
    s.step === 0 ? "baseline" : `${s.applySeconds} s`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i]))).join("  ")}`;
  const outcome = r.dryRun
    ? r.plan.length === 0
      ? `dry run: nothing to do (${r.region} ${r.setting} is ${r.from})`
      : `dry run: nothing changed; the shift would set ${r.region} ${r.setting} ${[r.from, ...r.plan].join(" → ")}, holding ${r.holdSeconds} s at each step`
    : r.ok
    ? `done: ${r.region} ${r.setting} ${r.final}`
    : r.rollbackError
      ? `ROLLBACK FAILED (${r.rollbackError}): ${r.region} ${r.setting} may still be ${r.final}, not ${r.from}`
      : r.rolledBack
        ? `stopped (${r.stopped}); rolled back to ${r.setting} ${r.from}`
        : `stopped (${r.stopped}); ${r.region} ${r.setting} is ${r.final}`;
  return [
    "",
    `Shift summary (${r.target}; ${r.region} ${r.setting} ${r.from} → ${r.to}, step ${r.stepSize}, hold ${r.holdSeconds} s, max error rate ${percent(r.maxErrorRate)}${r.minDial > 0 ? `, min dial ${r.minDial}` : ""}${r.timeScale !== 1 ? `, time scale ${r.timeScale}` : ""})`,
    ...(rows.length > 0 ? [line(head), ...rows.map(line)] : []),
    `  path     ${r.path.join(", ")} (health-gated)`,
    `  errors   ${r.errors} of ${r.requests} requests`,
    `  result   ${outcome}`,
    "",
  ].join("\n");
}
