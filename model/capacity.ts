/**
 * The capacity model: how many concurrent executions each region's function needs at a request rate,
 * normally and after losing any one region, and what share of its requests are throttled past its
 * limit. Pure arithmetic, no resources: synth's warnings (model/config/warnings.ts), `npm run cost`'s
 * capacity table (scripts/cost.ts), the drill's `--load` prediction (drill/load.ts) and
 * docs/failover.md ("Capacity") all read it from here.
 *
 * Sources:
 * - Little's law, L = λW (J. D. C. Little, "A Proof for the Queuing Formula: L = λW", Operations
 *   Research 9(3), 1961): the mean number in a system is the arrival rate times the mean time in it.
 *   AWS states it for Lambda: "Concurrency = (average requests per second) * (average request
 *   duration in seconds)" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html,
 *   "Calculating concurrency for a function").
 * - The same page: an account has "a total concurrency limit of 1,000 concurrent executions across
 *   all functions in an AWS Region" by default (new accounts may start lower), and Lambda limits
 *   requests per second to 10 times the account's concurrency ("Understanding concurrency and
 *   requests per second").
 * - Reserved concurrency is the function's floor and its ceiling: past it the function is throttled;
 *   and "You can reserve up to the Unreserved account concurrency value that is shown, minus 100 for
 *   functions that don't have reserved concurrency"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html; PutFunctionConcurrency:
 *   "as long as you leave at least 100 simultaneous executions unreserved").
 * - A function with a concurrency limit and no queue (Lambda throttles a synchronous invocation past
 *   it) is a loss system: with requests arriving at random (a Poisson stream, as many independent
 *   clients make) the share throttled is Erlang's loss formula B(N, A) for N executions allowed and A
 *   wanted (A. K. Erlang, 1917; L. Kleinrock, "Queueing Systems", vol. 1, 1975: the M/M/m/m system),
 *   whatever the distribution of the duration (the formula's insensitivity, B. A. Sevastyanov, 1957).
 *   It throttles some requests below the limit too: 21 % at 3 of 4 wanted, 12 % at 40 of 40.
 * - Behind an ALB a throttled invocation is answered 502: "The load balancer received … or the
 *   function was throttled by the Lambda service"
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html, "HTTP 502").
 *
 * Where the load comes from: clients spread evenly over the regions' own locations (as model/cost.ts
 * assumes), each client's connections routed by Global Accelerator's rule (model/routing.ts: closest
 * healthy region, traffic dials, endpoint weights). Route 53 latency records send a client to the
 * closest healthy region too, so the same shares stand for routing `route53` (without dials).
 */
import { routeShares } from "./routing";
import { endpointWeight, trafficDial, usesAccelerator } from "./config/resolve";
import type { AppConfig } from "./config/schema";

/** Concurrent executions an account has per region under Lambda's default quota. */
export const ACCOUNT_DEFAULT_CONCURRENCY = 1000;

/** Concurrent executions AWS keeps unreserved: no function may reserve them. */
export const UNRESERVED_MINIMUM = 100;

/** The most a function can reserve under the default quota: the quota less what AWS keeps unreserved. */
export const RESERVABLE_CONCURRENCY = ACCOUNT_DEFAULT_CONCURRENCY - UNRESERVED_MINIMUM;

/** Lambda's requests-per-second limit, as a multiple of the account's concurrency. */
export const REQUESTS_PER_SECOND_PER_CONCURRENCY = 10;

/** Requests per second Lambda allows an account per region under the default quota. */
export const ACCOUNT_REQUESTS_PER_SECOND = REQUESTS_PER_SECOND_PER_CONCURRENCY * ACCOUNT_DEFAULT_CONCURRENCY;

/**
 * `capacity.functionMilliseconds` by default: the warm p99 of the shipped handler's `GET /get/{id}`,
 * metrics on, in bench/function.ts (docs/benchmarks.md, "The function": 2026-12-01 09:16 UTC, 2
 * cores, Intel Xeon, Node v20.20.2, load average 1.5), against dynalite on the same machine. On AWS a
 * GetItem adds its network round trip: a deployment should set its own CloudWatch `Duration` p99.
 */
export const BENCH_FUNCTION_P99_MILLISECONDS = 3.78;

/** One region's routing settings as the model needs them. */
export interface RoutingGroup {
  readonly region: string;
  /** Traffic dial, percent. */
  readonly dial: number;
  /** Endpoint weight, 0–255; 0 takes the region out. */
  readonly weight: number;
}

/** What the model predicts from. */
export interface CapacityInput {
  /** Every serving region's routing settings, in config order. */
  readonly groups: readonly RoutingGroup[];
  /** Where clients are: client location (a region code) → share of the requests; shares sum to 1. */
  readonly clientShares: Readonly<Record<string, number>>;
  /** Client requests per second, all regions together. */
  readonly requestsPerSecond: number;
  /** How long one invocation takes, ms. */
  readonly functionMilliseconds: number;
  /** Concurrent executions each region's function may have (reserved concurrency, or what the account leaves it). */
  readonly concurrencyLimit: number;
}

/** One region's predicted load. */
export interface RegionLoad {
  readonly region: string;
  readonly requestsPerSecond: number;
  /** Mean concurrent executions (Little's law). */
  readonly concurrency: number;
  readonly concurrencyLimit: number;
  /** Share of the region's requests throttled (answered 502 by the ALB), 0 while within the limit. */
  readonly throttledShare: number;
}

/** The regions' load with every region serving (`lost` null), or after losing one. */
export interface CapacityCase {
  /** The region lost (unhealthy), or null for the normal case. */
  readonly lost: string | null;
  /** Every serving region but the lost one, in config order. */
  readonly regions: readonly RegionLoad[];
}

/** Clients spread evenly over `regions`' locations: the model's assumption where nothing else is known. */
export function evenClientShares(regions: readonly string[]): Record<string, number> {
  return Object.fromEntries(regions.map((r) => [r, 1 / regions.length]));
}

/** Mean concurrent executions at `requestsPerSecond` requests each lasting `functionMilliseconds` (Little's law). */
export function concurrencyFor(requestsPerSecond: number, functionMilliseconds: number): number {
  return (requestsPerSecond * functionMilliseconds) / 1000;
}

/**
 * Erlang's loss formula B(N, A): the share of randomly arriving requests that find all `servers`
 * busy when `offered` are wanted on average (A = rate × duration), by the stable recursion
 * B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
 */
export function erlangB(servers: number, offered: number): number {
  if (!Number.isInteger(servers) || servers < 0) throw new RangeError(`servers must be a whole number >= 0, got ${servers}`);
  if (!(offered >= 0)) throw new RangeError(`offered load must be >= 0, got ${offered}`);
  let b = 1;
  for (let n = 1; n <= servers; n++) b = (offered * b) / (n + offered * b);
  return b;
}

/**
 * The share of requests throttled when `concurrency` executions are wanted on average and `limit`
 * allowed, requests arriving at random: Erlang's B(limit, concurrency). Past the limit it tends to
 * 1 − limit / concurrency (what a function at its limit serves is `limit` executions' worth); below
 * it, the bursts that random arrivals bring.
 */
export function throttledShare(concurrency: number, limit: number): number {
  return erlangB(limit, concurrency);
}

/** Predicted throttling from which synth warns and the tables mark a region: 1 % of its requests. */
export const THROTTLE_WARNING_SHARE = 0.01;

/** Each region's load with every region serving (`lost` undefined), or with `lost` unhealthy. */
export function capacityCase(input: CapacityInput, lost?: string): CapacityCase {
  const views = input.groups.map((g) => ({
    region: g.region,
    dial: g.dial,
    endpoints: [{ id: g.region, weight: g.weight, health: g.region === lost ? ("unhealthy" as const) : ("healthy" as const) }],
  }));
  const rates = new Map(input.groups.map((g) => [g.region, 0]));
  for (const [client, share] of Object.entries(input.clientShares)) {
    for (const [region, part] of Object.entries(routeShares(views, client))) {
      rates.set(region, (rates.get(region) ?? 0) + input.requestsPerSecond * share * part);
    }
  }
  return {
    lost: lost ?? null,
    regions: input.groups
      .filter((g) => g.region !== lost)
      .map((g) => {
        const requestsPerSecond = rates.get(g.region) ?? 0;
        const concurrency = concurrencyFor(requestsPerSecond, input.functionMilliseconds);
        return { region: g.region, requestsPerSecond, concurrency, concurrencyLimit: input.concurrencyLimit, throttledShare: throttledShare(concurrency, input.concurrencyLimit) };
      }),
  };
}

/** The normal case, then the loss of each region in turn (none with a single region: nothing would be left). */
export function capacityCases(input: CapacityInput): CapacityCase[] {
  const losses = input.groups.length > 1 ? input.groups.map((g) => capacityCase(input, g.region)) : [];
  return [capacityCase(input), ...losses];
}

/**
 * The concurrency each region's function may count on: `function.reservedConcurrency` when set, else
 * what the account's default quota leaves a function to reserve (the function shares the unreserved
 * pool with every other function of the account, so more is not its own).
 */
export function concurrencyLimitOf(config: AppConfig): number {
  return config.function.reservedConcurrency ?? RESERVABLE_CONCURRENCY;
}

/** The model's input for a config: its regions' dials and weights (none with routing route53), clients spread evenly. */
export function capacityInputOf(config: AppConfig, requestsPerSecond: number): CapacityInput {
  const accelerator = usesAccelerator(config);
  return {
    groups: config.regions.map((region) => ({
      region,
      dial: accelerator ? trafficDial(config, region) : 100,
      weight: accelerator ? endpointWeight(config, region) : 128,
    })),
    clientShares: evenClientShares(config.regions),
    requestsPerSecond,
    functionMilliseconds: config.capacity.functionMilliseconds,
    concurrencyLimit: concurrencyLimitOf(config),
  };
}

/** A concurrency or a rate for people: two significant digits below 1, one decimal below 10, whole numbers (thousands separated) above. */
function formatAmount(n: number): string {
  if (n === 0) return "0";
  if (n < 1) return String(Number(n.toPrecision(2)));
  return n < 10 ? String(Math.round(n * 10) / 10) : Math.round(n).toLocaleString("en-US");
}

/** A concurrency for people (see formatAmount). */
export const formatConcurrency = formatAmount;

/** A request rate for people (see formatAmount). */
export const formatRate = formatAmount;

/** What `npm run cost` shows of the model: the rate it assumed, and every case. */
export interface CapacityTable {
  /** Client requests per second, all regions together. */
  readonly requestsPerSecond: number;
  /** `peak`: capacity.peakRequestsPerSecond; `average`: the month's requests spread evenly over it. */
  readonly rate: "peak" | "average";
  readonly functionMilliseconds: number;
  readonly concurrencyLimit: number;
  /** Where the limit comes from. */
  readonly limit: "function.reservedConcurrency" | "default quota";
  /** The normal case, then each region lost. */
  readonly cases: readonly CapacityCase[];
}

/** The capacity table of a config: at `capacity.peakRequestsPerSecond`, else at `averageRequestsPerSecond`. */
export function capacityTable(config: AppConfig, averageRequestsPerSecond: number): CapacityTable {
  const peak = config.capacity.peakRequestsPerSecond;
  const input = capacityInputOf(config, peak ?? averageRequestsPerSecond);
  return {
    requestsPerSecond: input.requestsPerSecond,
    rate: peak === undefined ? "average" : "peak",
    functionMilliseconds: input.functionMilliseconds,
    concurrencyLimit: input.concurrencyLimit,
    limit: config.function.reservedConcurrency === undefined ? "default quota" : "function.reservedConcurrency",
    cases: capacityCases(input),
  };
}

/** A warning of the capacity model: the key to change and what would happen. */
export interface CapacityWarning {
  readonly key: string;
  readonly message: string;
}

/**
 * Each region's busiest case: normally, or left after losing the region whose traffic it takes most
 * of (the first such case on a tie). In config order.
 */
export function busiestCases(cases: readonly CapacityCase[]): { readonly lost: string | null; readonly load: RegionLoad }[] {
  const busiest = new Map<string, { lost: string | null; load: RegionLoad }>();
  for (const c of cases) {
    for (const load of c.regions) {
      const known = busiest.get(load.region);
      if (!known || load.requestsPerSecond > known.load.requestsPerSecond) busiest.set(load.region, { lost: c.lost, load });
    }
  }
  return [...busiest.values()];
}

/**
 * What synth warns about with `capacity.peakRequestsPerSecond` set: regions that, normally or left
 * after losing another, would throttle at least 1 % of their requests at `function.reservedConcurrency`,
 * or at the 900 executions the default quota leaves a function to reserve, or would take more
 * requests per second than Lambda allows an account by default. One warning per limit, naming each
 * region past it in its busiest case.
 */
export function capacityWarnings(config: AppConfig): CapacityWarning[] {
  const peak = config.capacity.peakRequestsPerSecond;
  if (peak === undefined) return [];
  const busiest = busiestCases(capacityCases(capacityInputOf(config, peak)));
  const when = (lost: string | null) => (lost ? `after losing ${lost}` : "normally");
  const past = (test: (r: RegionLoad) => boolean, say: (lost: string | null, r: RegionLoad) => string) =>
    busiest.filter((b) => test(b.load)).map((b) => say(b.lost, b.load)).join("; ");
  const needs = (limit: number) => (lost: string | null, r: RegionLoad) =>
    `${r.region} ${when(lost)} needs ${formatConcurrency(r.concurrency)} of ${limit} (${formatRate(r.requestsPerSecond)} req/s), ${formatShare(throttledShare(r.concurrency, limit))} throttled`;
  const throttles = (limit: number) => (r: RegionLoad) => throttledShare(r.concurrency, limit) >= THROTTLE_WARNING_SHARE;
  const ms = config.capacity.functionMilliseconds;
  const warnings: CapacityWarning[] = [];
  const reserved = config.function.reservedConcurrency;
  if (reserved !== undefined) {
    const over = past(throttles(reserved), needs(reserved));
    if (over) {
      warnings.push({
        key: "function.reservedConcurrency",
        message: `${reserved} throttles at capacity.peakRequestsPerSecond ${formatRate(peak)} × ${ms} ms (capacity model, requests at random): ${over}. Lambda throttles past the reservation and the ALB answers 502.`,
      });
    }
  }
  const overQuota = past(throttles(RESERVABLE_CONCURRENCY), needs(RESERVABLE_CONCURRENCY));
  if (overQuota) {
    warnings.push({
      key: "capacity.peakRequestsPerSecond",
      message: `${formatRate(peak)} × ${ms} ms needs more than the ${RESERVABLE_CONCURRENCY} concurrent executions a function can count on under Lambda's default quota (${ACCOUNT_DEFAULT_CONCURRENCY.toLocaleString("en-US")} per region, ${UNRESERVED_MINIMUM} kept unreserved): ${overQuota}. Ask for a quota increase in those regions first.`,
    });
  }
  const overRate = past((r) => r.requestsPerSecond > ACCOUNT_REQUESTS_PER_SECOND, (lost, r) => `${r.region} ${when(lost)} takes ${formatRate(r.requestsPerSecond)}`);
  if (overRate) {
    warnings.push({
      key: "capacity.peakRequestsPerSecond",
      message: `${formatRate(peak)} is past the ${ACCOUNT_REQUESTS_PER_SECOND.toLocaleString("en-US")} requests per second Lambda allows an account per region by default (${REQUESTS_PER_SECOND_PER_CONCURRENCY} × its concurrency quota): ${overRate}. Ask for a quota increase in those regions first.`,
    });
  }
  return warnings;
}

/** A share for people: whole percent, one decimal below 10 %, "< 0.1 %" for what rounds to nothing but is not 0. */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct === 0) return "0 %";
  if (pct < 0.05) return "< 0.1 %";
  return `${pct < 10 ? Math.round(pct * 10) / 10 : Math.round(pct)} %`;
}
