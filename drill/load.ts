/**
 * `npm run drill -- --load RPS`: a constant request rate through the accelerator for the whole drill,
 * and what became of it in each phase against what the capacity model predicts (model/capacity.ts).
 *
 * - RPS counts real seconds, whatever the time scale. The time scale compresses the control plane's
 *   timeline (health checks, propagation, the drill's waits); requests, function durations and
 *   concurrency happen at real speed, so RPS × the function's duration is the concurrency the
 *   capacity model predicts at any time scale, and `--time-scale 0.1 --load 50` offers 50 requests a
 *   second, not 500. Phases are still marked on the drill's model clock.
 * - The load is open-loop (lib/open-loop.ts): each request starts when it is due whatever the earlier
 *   ones are doing, each on a new connection (lib/probe.ts), so a slow or throttled region cannot
 *   slow it down and the accelerator routes every request afresh. The schedule is a Poisson stream
 *   of constant rate RPS (seeded): what many independent clients send, and what the model's
 *   Erlang formula assumes. Evenly spaced requests would make the throttled share jump with how the
 *   duration divides the spacing (a 1 s function at 6 req/s and 4 executions throttles 2 in 6, or
 *   3 in 7 once the duration is a hair over 1 s).
 * - Where the target lets the client say where it is (the local accelerator's `x-client-region`),
 *   requests take the regions' locations in turn: clients spread evenly, as the model assumes. On AWS
 *   every request comes from where the drill runs, so the model is asked for a client there.
 * - A throttle is a 502 the ALB answered itself (no `x-served-by-region`: the function never
 *   answered), which is how an ALB answers a throttled Lambda; a function error or timeout looks the
 *   same from outside, so on AWS compare with the function's `Throttles` metric.
 * - Phases follow the drill: warm-up (the first LOAD_WARMUP_SECONDS, while environments start; the
 *   model has no cold starts, so it is not predicted), before the failure, failing over (STATUS=400
 *   asked for → traffic moved), after failover, recovering (restore asked for → traffic back), after
 *   recovery. A request counts in the phase it was due in. Traffic moves at the end of each
 *   transition, so failing over is predicted with every region serving and recovering with the
 *   origin lost. Each STATUS change starts new execution environments in the origin, and the origin
 *   scales up again when traffic returns: those cold starts throttle too, in the transitions and at
 *   the start of "after recovery"; the model has none, and locally they take real time (about a
 *   second each on a busy machine), which is many model seconds at a fast time scale.
 */
import { type CapacityInput, capacityCase, type CapacityCase, evenClientShares } from "../model/capacity";
import { OpenLoop } from "../lib/open-loop";
import { probe } from "../lib/probe";
import { type TimeScale, timeScale } from "../lib/time-scale";
import type { TargetCapacity } from "../targets/target";

/** The load's schedule runs on real seconds. */
const REAL_TIME = timeScale(1);

/** The header that tells the local accelerator where a client is (local/edge/accelerator.ts CLIENT_REGION_HEADER). */
const CLIENT_REGION_HEADER = "x-client-region";

/** Model seconds of load before the first phase that is predicted: execution environments start meanwhile. */
export const LOAD_WARMUP_SECONDS = 10;

/** Model seconds the drill holds the load steady before the failure, after the failover and after the recovery. */
export const LOAD_STEADY_SECONDS = 20;

/** The most requests per second `--load` may ask for: past it the drill's own machine is the bottleneck it would measure. */
export const MAX_LOAD_REAL_REQUESTS_PER_SECOND = 1000;

/** One request of the load. */
export interface LoadRequest {
  /** Model seconds on the drill's clock when it was due. */
  readonly t: number;
  /** The client location it named, where the target takes one. */
  readonly clientRegion?: string;
  /** HTTP status, 0 for no response. */
  readonly status: number;
  /** `x-served-by-region`: absent when the function did not answer. */
  readonly region: string | null;
  /** Model seconds between when it was due and when it started (how far the drill's machine fell behind). */
  readonly lateSeconds: number;
}

/** Settings of a {@link DrillLoad}. */
export interface DrillLoadOptions {
  /** Base URL of the accelerator. */
  readonly url: string;
  readonly path: string;
  /** Requests per real second (the data plane runs at real speed, whatever the time scale). */
  readonly requestsPerSecond: number;
  /** The drill's time scale: only to mark each request on the drill's model clock. */
  readonly timeScale: TimeScale;
  /** The drill's clock, model seconds. */
  readonly now: () => number;
  /** Client locations to take in turn (`x-client-region`); absent: none named. */
  readonly clientRegions?: readonly string[];
  /** Real ms one request may take. @default 5000 */
  readonly timeoutMs?: number;
  /** `poisson`: random arrivals at the rate (the drill's); `even`: evenly spaced ones. @default "poisson" */
  readonly arrivals?: "poisson" | "even";
  /** Uniform draws in [0, 1) for the Poisson schedule. @default Math.random */
  readonly random?: () => number;
}

/** The load while it runs: start it, stop it, and what each request got. */
export class DrillLoad {
  /** Every answered (or failed) request, in the order they finished. */
  readonly requests: LoadRequest[] = [];
  private readonly loop: OpenLoop;
  private readonly open = new Set<Promise<void>>();
  private startedAt = 0;

  constructor(private readonly options: DrillLoadOptions) {
    const clients = options.clientRegions;
    this.loop = new OpenLoop({
      rate: options.requestsPerSecond,
      timeScale: REAL_TIME,
      ...(options.arrivals === "even" ? {} : { random: options.random ?? Math.random }),
      start: (index, dueSeconds) => {
        const clientRegion = clients && clients.length > 0 ? clients[index % clients.length] : undefined;
        const due = this.startedAt + options.timeScale.toModelSeconds(dueSeconds * 1000);
        const t = round(due);
        const lateSeconds = round(options.now() - due);
        const sent = probe(`${options.url}${options.path}`, {
          timeoutMs: options.timeoutMs ?? 5000,
          ...(clientRegion ? { headers: { [CLIENT_REGION_HEADER]: clientRegion } } : {}),
        }).then((r) => {
          this.requests.push({ t, ...(clientRegion ? { clientRegion } : {}), status: r.status, region: r.region ?? null, lateSeconds });
        });
        this.open.add(sent);
        void sent.finally(() => this.open.delete(sent));
      },
    });
  }

  /** Model seconds on the drill's clock when the load began. */
  get began(): number {
    return this.startedAt;
  }

  /** Requests started so far. */
  get started(): number {
    return this.loop.started;
  }

  /** Begins the load now. */
  start(): void {
    this.startedAt = round(this.options.now());
    this.loop.begin();
  }

  /** Starts no more requests and waits for the ones in flight (each ends within its timeout). */
  async stop(): Promise<void> {
    this.loop.stop();
    await Promise.all([...this.open]);
  }
}

/** The drill's phases under load, in order. */
export const LOAD_PHASES = ["warm-up", "before", "failing over", "after failover", "recovering", "after recovery"] as const;

/** One phase's name. */
export type LoadPhaseName = (typeof LOAD_PHASES)[number];

/**
 * When the drill changed things, on its clock (model seconds); null where it did not happen. The
 * changes count from when they were asked for: a STATUS change starts new execution environments
 * (as UpdateFunctionConfiguration does), and their cold starts belong to the transition.
 */
export interface LoadMarks {
  /** STATUS=400 asked for. */
  readonly failedAt: number;
  /** The first answer from another region that counted (failover measured), or null. */
  readonly failedOverAt: number | null;
  /** The restore of STATUS asked for. */
  readonly restoredAt: number;
  /** The first answer from the origin again (recovery measured), or null. */
  readonly recoveredAt: number | null;
  /** The load stopped. */
  readonly endedAt: number;
}

/** What the model predicted for a phase. */
export interface PhasePrediction {
  /** The model's case: null with every region serving, else the region lost. */
  readonly lost: string | null;
  /** Share of the phase's requests predicted throttled. */
  readonly throttledShare: number;
  /** Requests predicted throttled: the phase's requests × that share. */
  readonly throttles: number;
  readonly regions: CapacityCase["regions"];
}

/** One phase's figures. */
export interface LoadPhase {
  readonly phase: LoadPhaseName;
  /** Model seconds on the drill's clock. */
  readonly from: number;
  readonly to: number;
  /** Requests due in the phase (every one was started). */
  readonly requests: number;
  /** 2xx answers. */
  readonly ok: number;
  /** 5xx answers, throttles included. */
  readonly serverErrors: number;
  /** 502s the ALB answered itself (the function did not answer): throttles. */
  readonly throttles: number;
  /** Requests without any answer (refused, reset, timed out). */
  readonly noAnswer: number;
  /** Answers by the region that served them. */
  readonly servedBy: Readonly<Record<string, number>>;
  /** The model's prediction; absent for the warm-up. */
  readonly predicted?: PhasePrediction;
}

/** `--json`'s `load`: the rate, what the prediction assumed, and each phase. */
export interface LoadResult {
  /** Requests per (real) second. */
  readonly requestsPerSecond: number;
  /** Where the clients were: the locations taken in turn, or the region serving the drill (AWS). */
  readonly clients: readonly string[];
  /** The function's duration in the prediction, ms. */
  readonly functionMilliseconds: number;
  /** True when the target ran the function for that long (local, emulated); false when it is the config's figure only. */
  readonly durationEmulated: boolean;
  /** Each region's concurrency limit in the prediction. */
  readonly concurrencyLimit: number;
  /** Requests started, and answered with any status. */
  readonly started: number;
  readonly answered: number;
  /** The most any request started after it was due, model seconds: how far the drill's machine fell behind its schedule. */
  readonly maxStartLagSeconds: number;
  /**
   * True when more than 1 % of the requests got no answer at all: nothing in the drill refuses
   * connections, so the machine running the drill (and, locally, the system) could not carry the
   * load, and the figures measure it rather than the capacity model.
   */
  readonly saturated: boolean;
  readonly phases: readonly LoadPhase[];
}

/** Share of requests without an answer past which a load counts as more than the drill's machine could carry. */
export const SATURATED_NO_ANSWER_SHARE = 0.01;

/** The phase a request due at `t` belongs to. */
function phaseAt(t: number, began: number, m: LoadMarks): LoadPhaseName {
  if (t < began + LOAD_WARMUP_SECONDS) return "warm-up";
  if (t < m.failedAt) return "before";
  if (t < (m.failedOverAt ?? m.restoredAt)) return "failing over";
  if (t < m.restoredAt) return "after failover";
  if (t < (m.recoveredAt ?? m.endedAt)) return "recovering";
  return "after recovery";
}

/** Each phase's time span: from where it starts to where the next one does. */
function spans(began: number, m: LoadMarks): Record<LoadPhaseName, [number, number]> {
  const warm = Math.min(began + LOAD_WARMUP_SECONDS, m.failedAt);
  const over = m.failedOverAt ?? m.restoredAt;
  const back = m.recoveredAt ?? m.endedAt;
  return {
    "warm-up": [began, warm],
    before: [warm, m.failedAt],
    "failing over": [m.failedAt, over],
    "after failover": [over, m.restoredAt],
    recovering: [m.restoredAt, back],
    "after recovery": [back, m.endedAt],
  };
}

/** A phase's prediction from the model: its case's throttled share, weighted by where its requests went. */
function predict(input: CapacityInput, lost: string | null, requests: number): PhasePrediction {
  const c = capacityCase(input, lost ?? undefined);
  const total = c.regions.reduce((sum, r) => sum + r.requestsPerSecond, 0);
  const throttledShare = total > 0 ? c.regions.reduce((sum, r) => sum + (r.requestsPerSecond / total) * r.throttledShare, 0) : 0;
  return { lost, throttledShare: round4(throttledShare), throttles: round(requests * throttledShare), regions: c.regions };
}

/** Settings of {@link summarizeLoad}. */
export interface LoadSummaryOptions {
  readonly requests: readonly LoadRequest[];
  readonly started: number;
  readonly requestsPerSecond: number;
  /** Model seconds on the drill's clock when the load began. */
  readonly began: number;
  readonly marks: LoadMarks;
  /** The region the drill failed. */
  readonly origin: string;
  readonly capacity: TargetCapacity;
}

/** The load's figures per phase, each with what the capacity model predicted for it. */
export function summarizeLoad(o: LoadSummaryOptions): LoadResult {
  const clients = o.capacity.clientRegions ?? [o.origin];
  const input: CapacityInput = {
    groups: o.capacity.groups,
    clientShares: evenClientShares(clients),
    requestsPerSecond: o.requestsPerSecond,
    functionMilliseconds: o.capacity.functionMilliseconds,
    concurrencyLimit: o.capacity.concurrencyLimit,
  };
  const span = spans(o.began, o.marks);
  const phases = LOAD_PHASES.map((phase): LoadPhase => {
    const mine = o.requests.filter((r) => phaseAt(r.t, o.began, o.marks) === phase);
    const servedBy: Record<string, number> = {};
    for (const r of mine) if (r.region) servedBy[r.region] = (servedBy[r.region] ?? 0) + 1;
    // Traffic moves at the end of a transition: failing over is still the normal case, recovering still the loss.
    const lost = phase === "after failover" || phase === "recovering" ? o.origin : null;
    return {
      phase,
      from: round(span[phase][0]),
      to: round(span[phase][1]),
      requests: mine.length,
      ok: mine.filter((r) => r.status >= 200 && r.status < 300).length,
      serverErrors: mine.filter((r) => r.status >= 500).length,
      throttles: mine.filter(isThrottle).length,
      noAnswer: mine.filter((r) => r.status === 0).length,
      servedBy,
      ...(phase === "warm-up" ? {} : { predicted: predict(input, lost, mine.length) }),
    };
  });
  return {
    requestsPerSecond: o.requestsPerSecond,
    clients,
    functionMilliseconds: o.capacity.functionMilliseconds,
    durationEmulated: o.capacity.durationEmulated,
    concurrencyLimit: o.capacity.concurrencyLimit,
    started: o.started,
    answered: o.requests.filter((r) => r.status !== 0).length,
    maxStartLagSeconds: round(Math.max(0, ...o.requests.map((r) => r.lateSeconds))),
    saturated: o.requests.filter((r) => r.status === 0).length > SATURATED_NO_ANSWER_SHARE * o.requests.length,
    phases,
  };
}

/** A 502 the ALB answered itself: the function did not answer (throttled, or failed or timed out). */
export function isThrottle(r: Pick<LoadRequest, "status" | "region">): boolean {
  return r.status === 502 && r.region === null;
}

const round = (n: number) => Math.round(n * 100) / 100;
const round4 = (n: number) => Math.round(n * 10000) / 10000;
