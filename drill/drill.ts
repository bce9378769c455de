/**
 * The article's failover experiment, automated and target-agnostic:
 *
 * 1. find the region serving this client (the most frequent `x-served-by-region`);
 * 2. set `STATUS=400` there (its `/health` fails; its `/get` keeps serving);
 * 3. poll at a steady rate — through the accelerator (routing `accelerator`), or through the latency
 *    name resolved by a client model (routing `route53`, lib/dns-probe.ts) — until traffic has moved
 *    (`settle` answers in a row from other regions): failover time = first of those − the moment the
 *    change was applied;
 * 4. restore `STATUS` and poll until the origin region answers again: recovery time;
 *    (with `random`, each change waits a random fraction of a health-check interval first);
 * 5. summarize, with what the config predicts (model/failover.ts).
 *
 * With `loadRequestsPerSecond` (`--load`), a constant request rate runs through the accelerator from
 * the origin's confirmation to a while after the recovery, held steady before the failure, after the
 * failover and after the recovery; the result's `load` has its 5xx and throttles per phase beside
 * what the capacity model predicts (drill/load.ts).
 *
 * Meanwhile (unless the replication check is off) a writer keeps writing through the same routing and
 * watchers read each region's ALB: the data side of the failover (drill/data.ts).
 *
 * `STATUS` is restored whatever happens (error, Ctrl-C through `signal`). Times are model seconds.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { dnsCacheSeconds, type DnsFailoverSettings, predictDnsFailover, predictDnsRecovery, predictFailover, predictRecovery, type SecondsRange } from "../model/failover";
import type { TimeScale } from "../lib/time-scale";
import { type ClientModel, clientModelName, DnsClient, type DnsProbeResult, probeThroughDns } from "../lib/dns-probe";
import { probe } from "../lib/probe";
import type { DrillRouting, DrillTarget, HealthChange } from "../targets/target";
import { DataExperiment, type DataResult, type DataWorkload } from "./data";
import { DrillLoad, LOAD_STEADY_SECONDS, LOAD_WARMUP_SECONDS, type LoadResult, summarizeLoad } from "./load";

/** One request of the timeline. */
export interface Sample {
  /** Model seconds since the drill started. */
  readonly t: number;
  readonly phase: "origin" | "failover" | "recovery";
  /** HTTP status, 0 for no response. */
  readonly status: number;
  readonly region: string | null;
  readonly error?: string;
  /** Routing route53: the address the client's answer pointed at. */
  readonly address?: string;
  /** Routing route53: model seconds since the client received that answer (0: asked just now). */
  readonly answerAgeSeconds?: number;
}

/** A {@link HealthChange} on the drill's clock. */
export interface HealthObservation extends HealthChange {
  /** Model seconds since the drill started. */
  readonly t: number;
}

/** Something the drill did, on the same clock as the samples. */
export interface DrillEvent {
  readonly t: number;
  readonly event: string;
}

/** The replication check: an item written through one region's ALB, read through another's. */
export interface ReplicationResult {
  readonly writeRegion: string;
  readonly readRegion: string;
  /** Seconds (model) from the write's answer to the first read that saw the item; null if it never did. */
  readonly lagSeconds: number | null;
  readonly reads: number;
  readonly error?: string;
}

/** The summary; `--json` prints it as is. */
export interface DrillResult {
  readonly target: "local" | "aws";
  /** What the drill polled through. */
  readonly routing: DrillRouting;
  /** Routing route53: the client model (`honour-ttl`, `pin:SECONDS`). */
  readonly client?: string;
  /** Routing route53: the name polled, the server asked and Route 53's terms of the prediction. */
  readonly dns?: {
    readonly name: string;
    readonly server: string;
    readonly healthChecks: "alias" | "route53";
    readonly requestIntervalSeconds: number;
    readonly failureThreshold: number;
    /** The answers' TTL, model seconds. */
    readonly ttlSeconds: number;
    /** What the client keeps an answer for in the prediction: the TTL, or the pin. */
    readonly cacheSeconds: number;
  };
  /** The base URL polled: the accelerator's, or the latency name's. */
  readonly url: string;
  readonly path: string;
  /** The region that served this client before the drill. */
  readonly origin: string;
  /** Where traffic went during the failover. */
  readonly failoverRegion: string | null;
  readonly failoverSeconds: number | null;
  readonly recoverySeconds: number | null;
  /** Upper ends of the predicted ranges. */
  readonly predictedFailoverSeconds: number;
  readonly predictedRecoverySeconds: number;
  readonly predictedFailoverRange: SecondsRange;
  readonly predictedRecoveryRange: SecondsRange;
  /** Measurement slack added to both ends of the ranges: one poll period plus scheduling. */
  readonly toleranceSeconds: number;
  readonly failoverInRange: boolean;
  readonly recoveryInRange: boolean;
  readonly requests: number;
  /** Requests without a 2xx answer. */
  readonly errors: number;
  /** Real seconds per model second (1 on AWS). */
  readonly timeScale: number;
  readonly pollSeconds: number;
  /** The propagation delay in the prediction: the accelerator's, or Route 53's with routing route53. */
  readonly propagationSeconds: number;
  /** Local systems: the seed of the health-check phases (`--seed` reproduces them). */
  readonly seed?: number;
  /** Local systems: each region's health-check phase, model seconds. */
  readonly healthCheckPhaseSeconds?: Readonly<Record<string, number>>;
  /** The random waits before the failure and before the restore, model seconds (see DrillOptions.random). */
  readonly phaseWaitSeconds?: { readonly failover: number; readonly recovery: number };
  readonly replication?: ReplicationResult;
  /** The data side: replication lag, writes not yet replicated at the takeover, stale reads, conflicts (drill/data.ts). */
  readonly data?: DataResult;
  /** `--load`: the constant request rate's figures per phase, with the capacity model's prediction. */
  readonly load?: LoadResult;
  /** When STATUS=400 and the restore were applied, model seconds on the timeline's clock (the failover and recovery clocks start there). */
  readonly statusChangedAt?: { readonly failure: number; readonly restore: number };
  /** Targets that show health (local): every health change the drill saw, in order. */
  readonly health?: readonly HealthObservation[];
  /** Every measurement above, the ranges and errors: true when the drill met its prediction. */
  readonly ok: boolean;
  readonly events: readonly DrillEvent[];
  readonly timeline: readonly Sample[];
}

/** Settings of {@link runDrill}. */
export interface DrillOptions {
  readonly target: DrillTarget;
  /** What to request. @default "/get/foobar" */
  readonly path?: string;
  /** Model seconds between requests. @default 1 */
  readonly pollSeconds?: number;
  /** Answers from other regions in a row that count as "traffic has moved". @default 5 */
  readonly settle?: number;
  /** Requests used to find the origin region. @default 5 */
  readonly originSamples?: number;
  /** Asked before anything changes; false aborts. @default always yes */
  readonly confirm?: (lines: readonly string[]) => Promise<boolean>;
  /**
   * Measure the data side: the replication check, and a writer through the routing with watchers on
   * every region's ALB during the whole experiment (drill/data.ts). Both use the item API. @default true
   */
  readonly replication?: boolean;
  /** The data measurement's workload (writes per second, items, lag poll). @default drill/data.ts's defaults */
  readonly data?: DataWorkload;
  /** Poll through the accelerator or the latency records (the target's `dns`). @default "accelerator" */
  readonly routing?: DrillRouting;
  /** Routing route53: how the client keeps DNS answers. @default honour-ttl */
  readonly client?: ClientModel;
  /** Told of each request as it is answered. */
  readonly onSample?: (s: Sample) => void;
  /** Told of each step. */
  readonly onEvent?: (e: DrillEvent) => void;
  /** Aborts the drill (Ctrl-C); STATUS is still restored. */
  readonly signal?: AbortSignal;
  /** Real ms one request may take. @default 5000 */
  readonly requestTimeoutMs?: number;
  /**
   * Requests per model second to hold through the drill, each on a new connection through the
   * accelerator, open-loop (drill/load.ts). Routing accelerator only. @default no load
   */
  readonly loadRequestsPerSecond?: number;
  /** Draws of the load's Poisson schedule (seeded locally, so `--seed` repeats it). @default Math.random */
  readonly loadRandom?: () => number;
  /**
   * Draws the wait before each STATUS change (the failure and the restore), as a fraction of the
   * health-check interval. A fresh local system turns healthy on its check schedule and the drill
   * starts when it is, and the restore follows the failover the checks detected: without this wait
   * every change would fall at the same point of the check cycle, and every drill would measure the
   * same point of the predicted range. With routing route53 the wait adds a random fraction of the
   * client's cache time (the TTL or the pin): the client resolved when the drill began, so without
   * it every change would find the answer the same age. @default no wait
   */
  readonly random?: () => number;
}

/** The drill was refused at the prompt. */
export class DrillDeclinedError extends Error {
  constructor() {
    super("not confirmed: nothing was changed");
    this.name = "DrillDeclinedError";
  }
}

/** Real ms of scheduling slack allowed on top of the poll period when checking the ranges, at least. */
export const SCHEDULING_SLACK_MS = 100;

/**
 * The measurement slack added to both ends of a predicted range: one poll period plus scheduling,
 * which is {@link SCHEDULING_SLACK_MS} or the longest delay of this process's event loop during the
 * drill (`observedDelayMs`), whichever is longer. A busy machine fires the timers of the drill (and of
 * a local system in the same process) late; at a fast time scale, 300 ms late is 10 model seconds,
 * and the error bar says so instead of the drill calling a late timer a wrong prediction.
 */
export function toleranceSeconds(pollSeconds: number, scale: TimeScale, observedDelayMs = 0): number {
  return round(pollSeconds + scale.toModelSeconds(Math.max(SCHEDULING_SLACK_MS, observedDelayMs)));
}

/** True when `value` lies in `range` widened by `tolerance` on both ends; a missing value never does. */
export function inPredictedRange(value: number | null, range: SecondsRange, tolerance: number): boolean {
  return value !== null && value >= range.min - tolerance && value <= range.max + tolerance;
}

const isOk = (s: { status: number }) => s.status >= 200 && s.status < 300;

/** Runs the experiment; always restores STATUS before it resolves or rejects. */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { clock } = options.target.timeScale;
  const started = clock.now();
  // How late this process's timers fire while the drill runs: part of the measurement's error bar.
  const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  eventLoopDelay.enable();
  const now = () => options.target.timeScale.toModelSeconds(clock.now() - started);
  // Health changes, where the target shows them, on the drill's clock: the report draws the phases from them.
  const health: HealthObservation[] = [];
  const unwatch = await options.target.watchHealth?.((c) => health.push({ t: round(now()), ...c }));
  try {
    const result = await drill(options, now, () => eventLoopDelay.max / 1e6);
    return unwatch ? { ...result, health } : result;
  } finally {
    eventLoopDelay.disable();
    unwatch?.();
  }
}

/**
 * The experiment itself; `now` is the drill's clock (model seconds since it started), `delayMs` the
 * longest delay of the event loop so far (real ms).
 */
async function drill(options: DrillOptions, now: () => number, delayMs: () => number): Promise<DrillResult> {
  const { target, signal } = options;
  const path = options.path ?? "/get/foobar";
  const pollSeconds = options.pollSeconds ?? 1;
  const settle = options.settle ?? 5;
  const scale = target.timeScale;
  const routing = options.routing ?? "accelerator";
  const clientModel = options.client ?? { kind: "honour-ttl" };
  const dns = target.dns;
  if (routing === "route53" && !dns) throw new Error("this target has no latency records (routing route53 or both, with a domain): nothing to resolve");
  if (routing === "accelerator" && !target.acceleratorUrl) throw new Error("this target has no accelerator (routing route53): drill it with --routing route53");
  // A fresh client per drill: the first poll asks the server, as a new client would.
  const client = dns
    ? new DnsClient({ server: dns.server, model: clientModel, timeScale: scale, query: { recursionDesired: dns.recursionDesired } })
    : undefined;
  const timeline: Sample[] = [];
  const events: DrillEvent[] = [];
  const note = (event: string) => {
    const e = { t: round(now()), event };
    events.push(e);
    options.onEvent?.(e);
  };

  const { clock } = scale;
  let nextAt = clock.now();
  /** One request at the steady rate. */
  async function sample(phase: Sample["phase"]): Promise<Sample> {
    const wait = nextAt - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    signal?.throwIfAborted();
    nextAt = Math.max(nextAt, clock.now()) + scale.toRealMs(pollSeconds);
    const t = round(now());
    const timeoutMs = options.requestTimeoutMs ?? 5000;
    const r: DnsProbeResult =
      routing === "route53" ? await probeThroughDns(client!, `${dns!.url}${path}`, { timeoutMs }) : await probe(`${target.acceleratorUrl}${path}`, { timeoutMs });
    const s: Sample = {
      t,
      phase,
      status: r.status,
      region: r.region ?? null,
      ...(r.error ? { error: r.error } : {}),
      ...(r.address !== undefined ? { address: r.address, answerAgeSeconds: r.answerAgeSeconds } : {}),
    };
    timeline.push(s);
    options.onSample?.(s);
    return s;
  }

  if (target.regions.length < 2) throw new Error(`failover needs at least two regions; the config has ${target.regions.join(", ")}`);
  const hc = target.healthCheck;
  const dnsSettings: DnsFailoverSettings | undefined =
    routing === "route53" ? { ...dns!.settings, ...(clientModel.kind === "pin" ? { clientPinSeconds: clientModel.seconds } : {}) } : undefined;
  const failoverRange = dnsSettings ? predictDnsFailover(hc, dnsSettings) : predictFailover(hc, target.propagationSeconds);
  const recoveryRange = dnsSettings ? predictDnsRecovery(hc, dnsSettings) : predictRecovery(hc, target.propagationSeconds);
  const propagationSeconds = dnsSettings ? dns!.settings.propagationSeconds : target.propagationSeconds;
  // Give up on a phase well after its prediction: twice the upper end plus two intervals.
  const deadline = (r: SecondsRange) => 2 * r.max + 2 * hc.intervalSeconds;

  await target.waitReady(signal, routing);
  note(routing === "route53" ? `system ready; polling ${dns!.url}${path} through DNS (${dns!.serverDescription}, client ${clientModelName(clientModel)})` : "system ready");
  const first: Sample[] = [];
  for (let i = 0; i < (options.originSamples ?? 5); i++) first.push(await sample("origin"));
  const served = first.filter((s) => isOk(s) && s.region);
  if (served.length === 0) {
    const why = first.find((s) => s.error)?.error;
    throw new Error(`no request to ${routing === "route53" ? dns!.url : target.acceleratorUrl}${path} succeeded${why ? ` (${why})` : ""}: is the system up?`);
  }
  const origin = mostFrequent(served.map((s) => s.region as string));
  const original = await target.getStatus(origin);
  note(`origin region ${origin} (STATUS=${original})`);
  if (!/^2\d\d$/.test(original)) throw new Error(`${origin} has STATUS=${original}, not a healthy 2xx: restore it before drilling`);
  if (options.confirm && !(await options.confirm(target.describeChange(origin, "400")))) throw new DrillDeclinedError();
  const rps = options.loadRequestsPerSecond;
  if (rps !== undefined && routing !== "accelerator") throw new Error("--load runs through the accelerator: drill with --routing accelerator");
  const load =
    rps === undefined
      ? undefined
      : new DrillLoad({ url: target.acceleratorUrl!, path, requestsPerSecond: rps, timeScale: scale, now, clientRegions: target.capacity.clientRegions, timeoutMs: options.requestTimeoutMs, random: options.loadRandom });
  /** Keeps the drill waiting while the load runs steady (model seconds). */
  const holdLoad = async (seconds: number, why: string) => {
    note(`holding the load ${seconds} s ${why}`);
    await clock.sleep(scale.toRealMs(seconds), signal);
  };
  const draw = options.random;
  // The check-cycle fractions come first, so a seed gives the accelerator drill the same waits as before.
  const cacheCycle = dnsSettings ? dnsCacheSeconds(dnsSettings) : 0;
  const phaseWaitSeconds = draw
    ? (() => {
        const failover = draw() * hc.intervalSeconds;
        const recovery = draw() * hc.intervalSeconds;
        return cacheCycle
          ? { failover: round(failover + draw() * cacheCycle), recovery: round(recovery + draw() * cacheCycle) }
          : { failover: round(failover), recovery: round(recovery) };
      })()
    : undefined;
  /** Waits a random point of the check cycle before a change, when asked to (see DrillOptions.random). */
  const phaseWait = async (seconds: number | undefined) => {
    if (!seconds) return;
    note(`waiting ${seconds} s (a random point of the ${hc.intervalSeconds} s check cycle${cacheCycle ? ` and of the client's ${cacheCycle} s cache` : ""})`);
    await clock.sleep(scale.toRealMs(seconds), signal);
  };
  if (load) {
    load.start();
    const clients = target.capacity.clientRegions ? `clients spread over ${target.capacity.clientRegions.join(", ")}` : "from here";
    note(`load: ${rps} requests per second through the accelerator, each on a new connection, ${clients}`);
  }
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  const data =
    (options.replication ?? true)
      ? new DataExperiment({
          ...options.data,
          albUrls: target.albUrls,
          send: (p, init) => (routing === "route53" ? probeThroughDns(client!, `${dns!.url}${p}`, { timeoutMs, ...init }) : probe(`${target.acceleratorUrl}${p}`, { timeoutMs, ...init })),
          now,
          timeScale: scale,
          id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
          requestTimeoutMs: timeoutMs,
          signal,
          note,
        })
      : undefined;
  const dataWindow = { start: new Date(), end: new Date() };
  if (data) {
    data.start();
    note(`data: writing ${data.itemId(0)}… through the ${routing === "route53" ? "latency records" : "accelerator"}, watching ${Object.keys(target.albUrls).length} region(s)' ALBs`);
  }
  let dataResult: DataResult | undefined;
  let changed = false;
  let loadResult: LoadResult | undefined;
  let failAskedAt = 0;
  let restoreAskedAt = 0;
  let failedOverAt: number | null = null;
  let recoveredAt: number | null = null;
  let failoverSeconds: number | null = null;
  let recoverySeconds: number | null = null;
  let failoverRegion: string | null = null;
  let failedAt = 0;
  let restoredAt = 0;
  try {
    if (load) await holdLoad(LOAD_WARMUP_SECONDS + LOAD_STEADY_SECONDS, `(${LOAD_WARMUP_SECONDS} s warm-up, then ${LOAD_STEADY_SECONDS} s before the failure)`);
    await phaseWait(phaseWaitSeconds?.failover);
    changed = true;
    failAskedAt = round(now());
    note(`setting STATUS=400 in ${origin}`);
    await target.setStatus(origin, "400");
    const t0 = now();
    failedAt = round(t0);
    note(`STATUS=400 applied in ${origin}`);
    let run: Sample[] = [];
    while (now() - t0 < deadline(failoverRange)) {
      const s = await sample("failover");
      if (isOk(s) && s.region && s.region !== origin) run.push(s);
      else if (s.region === origin) run = [];
      if (run.length >= settle) {
        failedOverAt = run[0].t;
        failoverSeconds = round(run[0].t - t0);
        failoverRegion = mostFrequent(run.map((x) => x.region as string));
        break;
      }
    }
    note(failoverSeconds === null ? `traffic did not leave ${origin} in time` : `traffic moved to ${failoverRegion} after ${failoverSeconds} s`);
    if (load && failoverSeconds !== null) await holdLoad(LOAD_STEADY_SECONDS, "after the failover");

    await phaseWait(phaseWaitSeconds?.recovery);
    restoreAskedAt = round(now());
    note(`restoring STATUS=${original} in ${origin}`);
    await target.setStatus(origin, original);
    changed = false;
    const t1 = now();
    restoredAt = round(t1);
    note(`STATUS=${original} applied in ${origin}`);
    while (now() - t1 < deadline(recoveryRange)) {
      const s = await sample("recovery");
      if (isOk(s) && s.region === origin) {
        recoveredAt = s.t;
        recoverySeconds = round(s.t - t1);
        break;
      }
    }
    note(recoverySeconds === null ? `traffic did not return to ${origin} in time` : `traffic back in ${origin} after ${recoverySeconds} s`);
    if (load) {
      await holdLoad(LOAD_STEADY_SECONDS, "after the recovery");
      await load.stop();
      const endedAt = now();
      note(`load stopped: ${load.started} requests started`);
      loadResult = summarizeLoad({
        requests: load.requests,
        started: load.started,
        requestsPerSecond: rps as number,
        began: load.began,
        marks: { failedAt: failAskedAt, failedOverAt, restoredAt: restoreAskedAt, recoveredAt, endedAt: round(endedAt) },
        origin,
        capacity: target.capacity,
      });
    }
    if (data) {
      note("data: writer stopped; waiting for every write to show in every region");
      dataResult = await data.finish(failedAt);
      dataWindow.end = new Date();
      if (target.replicationLatency) {
        const metric = await target.replicationLatency(dataWindow).catch((err: Error) => {
          note(`data: CloudWatch ReplicationLatency not read: ${err.message}`);
          return undefined;
        });
        if (metric) dataResult = { ...dataResult, replicationLatencyMetric: metric };
      }
      note(`data: ${dataSummary(dataResult)}`);
    }
  } finally {
    if (changed) {
      // Error or Ctrl-C while the region was failed: put STATUS back before anything else.
      await target.setStatus(origin, original);
      note(`STATUS=${original} restored in ${origin}`);
    }
    await load?.stop();
    // An error or Ctrl-C before the data was summarized: stop writing and delete the drill's items.
    if (data && !dataResult) await data.abandon();
  }

  let replication: ReplicationResult | undefined;
  const readRegion = failoverRegion ?? target.regions.find((r) => r !== origin)!;
  if ((options.replication ?? true) && !(target.albUrls[origin] && target.albUrls[readRegion])) {
    note("replication check skipped: no ALB URLs to write and read through (HTTPS on?)");
  } else if (options.replication ?? true) {
    replication = await replicationCheck(target, origin, readRegion, signal);
    note(replication.lagSeconds === null ? `replication check failed: ${replication.error}` : `replication ${origin} → ${readRegion}: ${replication.lagSeconds} s`);
  }

  const tolerance = toleranceSeconds(pollSeconds, scale, delayMs());
  const errors = timeline.filter((s) => !isOk(s)).length;
  const failoverInRange = inPredictedRange(failoverSeconds, failoverRange, tolerance);
  const recoveryInRange = inPredictedRange(recoverySeconds, recoveryRange, tolerance);
  return {
    target: target.kind,
    routing,
    ...(dnsSettings
      ? {
          client: clientModelName(clientModel),
          dns: {
            name: dns!.name,
            server: dns!.serverDescription,
            healthChecks: dns!.settings.healthChecks,
            requestIntervalSeconds: dns!.settings.requestIntervalSeconds,
            failureThreshold: dns!.settings.failureThreshold,
            ttlSeconds: dns!.settings.ttlSeconds,
            cacheSeconds: dnsCacheSeconds(dnsSettings),
          },
        }
      : {}),
    url: routing === "route53" ? dns!.url : target.acceleratorUrl!,
    path,
    origin,
    failoverRegion,
    failoverSeconds,
    recoverySeconds,
    predictedFailoverSeconds: failoverRange.max,
    predictedRecoverySeconds: recoveryRange.max,
    predictedFailoverRange: failoverRange,
    predictedRecoveryRange: recoveryRange,
    toleranceSeconds: tolerance,
    failoverInRange,
    recoveryInRange,
    requests: timeline.length,
    errors,
    timeScale: scale.factor,
    pollSeconds,
    propagationSeconds,
    ...(target.seed !== undefined ? { seed: target.seed } : {}),
    ...(target.healthCheckPhaseSeconds ? { healthCheckPhaseSeconds: target.healthCheckPhaseSeconds } : {}),
    ...(phaseWaitSeconds ? { phaseWaitSeconds } : {}),
    ...(replication ? { replication } : {}),
    ...(dataResult ? { data: dataResult } : {}),
    ...(loadResult ? { load: loadResult } : {}),
    statusChangedAt: { failure: failedAt, restore: restoredAt },
    ok: failoverInRange && recoveryInRange && errors === 0 && (replication === undefined || replication.lagSeconds !== null) && dataResult?.converged !== false,
    events,
    timeline,
  };
}

/**
 * Writes an item through `writeRegion`'s ALB, reads it through `readRegion`'s until it is there
 * (at most 30 model seconds), reports the lag, then deletes it.
 */
export async function replicationCheck(target: DrillTarget, writeRegion: string, readRegion: string, signal?: AbortSignal): Promise<ReplicationResult> {
  const scale = target.timeScale;
  const { clock } = scale;
  const id = `drill-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const marker = new Date().toISOString();
  const writeUrl = `${target.albUrls[writeRegion]}/items/${id}`;
  const readUrl = `${target.albUrls[readRegion]}/items/${id}`;
  const put = await probe(writeUrl, { method: "PUT", body: JSON.stringify({ marker }) });
  if (!isOk(put)) return { writeRegion, readRegion, lagSeconds: null, reads: 0, error: `write through ${writeRegion} answered ${put.status || put.error}` };
  const written = clock.now();
  let reads = 0;
  try {
    while (scale.toModelSeconds(clock.now() - written) < 30) {
      const got = await probe(readUrl);
      reads += 1;
      if (got.status === 200 && got.body?.includes(marker)) {
        return { writeRegion, readRegion, lagSeconds: round(scale.toModelSeconds(clock.now() - written)), reads };
      }
      await clock.sleep(scale.toRealMs(0.1), signal);
    }
    return { writeRegion, readRegion, lagSeconds: null, reads, error: `not readable through ${readRegion} after 30 s` };
  } finally {
    await probe(writeUrl, { method: "DELETE" });
  }
}

/** One line of what the data side measured. */
function dataSummary(d: DataResult): string {
  const lag = d.replicationLagSeconds ? `lag p50 ${d.replicationLagSeconds.p50} s, p99 ${d.replicationLagSeconds.p99} s, max ${d.replicationLagSeconds.max} s` : "lag not measured";
  return `${d.writes} writes, ${lag}; ${d.notYetReplicatedAtFailover ?? "—"} not yet replicated at the failover; ${d.staleReads} stale reads; ${d.conflicts ?? "—"} conflicts; ${d.converged === null ? "convergence not checked" : d.converged ? "every region converged" : "regions DISAGREE"}`;
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

const round = (n: number) => Math.round(n * 100) / 100;
