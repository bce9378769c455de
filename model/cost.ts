/**
 * The monthly bill of a configuration, before deploying: one line per billed item, from the config,
 * a traffic assumption and the list prices in model/prices.ts. Pure arithmetic, shared by
 * `npm run cost` (scripts/cost.ts), the tests and docs/deploying.md.
 *
 * What it counts follows the resources the stack builds for the config (constructs/*): one
 * accelerator with two static IPv4 addresses; per region an ALB with one node and one public IPv4
 * address in each of its two availability zones (none when internal), a Lambda function invoked by
 * clients and by the ALB's health checks (model/failover.ts), a replica of the global table with
 * point-in-time recovery; the alarms and dashboard when `alarms.enabled`; KMS keys, log buckets and
 * topics when their options are on.
 *
 * Simplifications, each stated where it is used:
 * - Clients are spread evenly over the regions and each is served by a region in its own area
 *   (Global Accelerator's closest-region routing), so DT-Premium is the area's own figure.
 * - Traffic is steady: LCUs are taken from the month's average rate, while AWS bills each hour's
 *   peak dimension; bursty traffic costs more.
 * - Requests: 90 % reads (eventually consistent, items ≤ 4 KB: ½ read unit), 10 % writes (items
 *   ≤ 1 KB: one replicated write unit in every region); response data = `gb`.
 * - Durations: 10 ms billed per client request, 2 ms per shallow and 5 ms per deep health check.
 * - Every price is the US East (N. Virginia) list price; no regional figure could be read.
 * - Free tiers are not deducted (prices.ts FREE_TIERS lists them).
 */
import type { AppConfig } from "./config";
import {
  acceleratorFlowLogs,
  alarmsEnabled,
  albAccessLogs,
  healthCheckMode,
  httpsEnabled,
  latencyRecordName,
  tableCustomerManagedKey,
  usesAccelerator,
} from "./config";
import { monthlyHealthCheckInvocations, monthlyRoute53CheckRequests } from "./failover";
import { DT_PREMIUM, DT_PREMIUM_UNREAD, type Price, type PriceCheck, premiumArea, PRICES } from "./prices";

/** Hours in AWS's billing month (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Client requests a month when none are given. */
export const DEFAULT_REQUESTS_PER_MONTH = 1_000_000;

/** Response data per request when no GB figure is given: 1 KB (a GlobalApp answer is 0.2–0.5 KB + headers). */
export const DEFAULT_BYTES_PER_REQUEST = 1000;

/** Traffic and table assumptions, each one a documented simplification. */
export const ASSUMPTIONS = {
  /** Share of client requests that write (PUT, DELETE). */
  writeShare: 0.1,
  /** Read request units per read (eventually consistent, item ≤ 4 KB). */
  readUnitsPerRead: 0.5,
  /** Item size written, KB (≤ 1 KB: one write unit per replica). */
  itemKb: 1,
  /** Table size per replica, GB (storage and PITR). */
  tableGb: 1,
  /** Billed duration of a client request, ms. */
  requestMs: 10,
  /** Billed duration of a health check, ms. */
  healthMs: { shallow: 2, deep: 5 },
  /** ALB nodes: one per availability zone; each checks health on its own and holds one public IPv4 address. */
  albNodes: 2,
  /** How long a client connection stays open, s (active connections per minute for LCUs). */
  connectionSeconds: 1,
  /** Lambda platform log lines per invocation (JSON start and report records), bytes. */
  platformLogBytes: 500,
  /** The function's EMF line per invocation, bytes (functions/lib/metrics.ts; the tests hold it to this). */
  emfLineBytes: 400,
  /** Route × status-class combinations a serving region publishes every hour (health 2xx, get 2xx/4xx, item 2xx/4xx, unmatched 4xx). */
  steadyMetricCombinations: 6,
  /** Metrics per combination (Requests, Latency). */
  metricsPerCombination: 2,
  /** ALB access log per request, gzip-compressed, bytes. */
  accessLogBytesPerRequest: 100,
  /** ALB access-log files each node writes an hour (one every 5 minutes). */
  accessLogFilesPerNodeHour: 12,
  /** Accelerator flow-log record per request (one flow each), bytes. */
  flowLogBytesPerRequest: 150,
} as const;

/** What the bill is for. */
export interface Usage {
  /** How long the stack exists, hours: hourly items are billed per started hour, monthly ones prorated. @default 730 */
  readonly hours: number;
  /** Client requests in that time, all regions together. */
  readonly requests: number;
  /** Response data to clients in that time, GB. */
  readonly gb: number;
}

/** The usage of `hours` hours at a monthly rate (defaults: 1M requests, 1 KB each, a whole month). */
export function usageAtMonthlyRate(rate: { requestsPerMonth?: number; gbPerMonth?: number; hours?: number } = {}): Usage {
  const hours = rate.hours ?? HOURS_PER_MONTH;
  const requestsPerMonth = rate.requestsPerMonth ?? DEFAULT_REQUESTS_PER_MONTH;
  const gbPerMonth = rate.gbPerMonth ?? (requestsPerMonth * DEFAULT_BYTES_PER_REQUEST) / 1e9;
  return { hours, requests: (requestsPerMonth * hours) / HOURS_PER_MONTH, gb: (gbPerMonth * hours) / HOURS_PER_MONTH };
}

/** One billed item. */
export interface CostLine {
  /** e.g. "Global Accelerator", "Lambda". */
  readonly service: string;
  /** What is billed, e.g. "fixed fee", "requests". */
  readonly item: string;
  /** The region it is billed in, or "global". */
  readonly region: string;
  /** How many `unit`s. */
  readonly quantity: number;
  /** The price's unit, e.g. "accelerator-hour", "1M requests". */
  readonly unit: string;
  /** Counted things per unit (1,000,000 for "1M requests"). @default 1 */
  readonly per?: number;
  /** USD per unit. */
  readonly unitUsd: number;
  /** quantity × unitUsd. */
  readonly usd: number;
  /** How far the price was checked (prices.ts). */
  readonly check: PriceCheck;
  /** How the quantity was counted. */
  readonly basis?: string;
}

/** A bill. */
export interface Estimate {
  readonly usage: Usage;
  readonly regions: readonly string[];
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** Totals per service, in the order the lines first name them. */
  readonly byService: Readonly<Record<string, number>>;
  /** What the estimate leaves out or simplifies beyond the module's list. */
  readonly notes: readonly string[];
}

/** A line for `count` things (requests, GB, hours, …) at `price`. */
export function line(service: string, item: string, region: string, count: number, price: Price, basis?: string): CostLine {
  const quantity = count / (price.per ?? 1);
  return {
    service,
    item,
    region,
    quantity,
    unit: price.unit,
    ...(price.per ? { per: price.per } : {}),
    unitUsd: price.usd,
    usd: quantity * price.usd,
    check: price.check,
    ...(basis ? { basis } : {}),
  };
}

/** CloudWatch alarms RegionalAlarms creates in each region of an `n`-region stack. */
export function regionalAlarmCount(regionCount: number): number {
  // UnHealthyHostCount, ALB 5xx, target 5xx, Lambda Errors, Throttles, read and write throttles,
  // and replication latency to every other region.
  return 7 + (regionCount - 1);
}

/** Global Accelerator's DT-Premium for a region serving the clients of its own area. */
export function dtPremium(region: string): Price {
  const area = premiumArea(region);
  return DT_PREMIUM[`${area}->${area}`] ?? DT_PREMIUM_UNREAD;
}

/** The estimate for `config` under `usage`. */
export function estimateCost(config: AppConfig, usage: Usage = usageAtMonthlyRate()): Estimate {
  if (!(usage.hours > 0)) throw new RangeError(`hours must be positive, got ${usage.hours}`);
  if (!(usage.requests >= 0) || !(usage.gb >= 0)) throw new RangeError("requests and gb must be zero or more");
  const A = ASSUMPTIONS;
  const n = config.regions.length;
  const billedHours = Math.ceil(usage.hours);
  const months = usage.hours / HOURS_PER_MONTH;
  const requests = usage.requests / n;
  const gb = usage.gb / n;
  // Both counts are per 30-day month: the ALB's own target-group checks, and Route 53's when configured.
  const route53Checks = latencyRecordName(config) !== undefined && config.route53.healthChecks === "route53";
  const healthPerMonth =
    monthlyHealthCheckInvocations(config.healthCheck, A.albNodes) + (route53Checks ? monthlyRoute53CheckRequests(config.route53.requestIntervalSeconds) : 0);
  const healthChecks = (healthPerMonth / (30 * 24)) * usage.hours;
  const mode = healthCheckMode(config);
  const memoryGb = config.function.memoryMb / 1024;
  const writes = usage.requests * A.writeShare;
  const lines: CostLine[] = [];
  const add = (l: CostLine) => lines.push(l);

  if (usesAccelerator(config)) {
    add(line("Global Accelerator", "fixed fee", "global", billedHours, PRICES.acceleratorHour));
    // IPv4 and dual-stack accelerators alike hold two static IPv4 addresses (dual-stack adds two IPv6).
    add(line("Global Accelerator", "static IPv4 addresses (2)", "global", 2 * billedHours, PRICES.publicIpv4Hour, "public IPv4 charge: AWS-provided, service-managed"));
    for (const region of config.regions) {
      add(line("Global Accelerator", `DT-Premium (${premiumArea(region)} → ${premiumArea(region)})`, region, gb, dtPremium(region), "clients in the region's own area"));
    }
  }
  if (config.domain) {
    // Every record is an alias to an AWS resource (the accelerator, the ALBs): those queries are free.
    // At most one query per request; resolvers' caches make it far fewer.
    const features = (httpsEnabled(config) ? 1 : 0) + (config.route53.requestIntervalSeconds === 10 ? 1 : 0);
    for (const l of route53Cost({
      aliasQueries: usage.requests,
      awsHealthChecks: route53Checks ? n : 0,
      featuresPerAwsHealthCheck: features,
      hours: usage.hours,
    })) {
      add(l);
    }
  }

  for (const region of config.regions) {
    const perSecond = requests / (usage.hours * 3600);
    const lcus = Math.max(perSecond / 25, (perSecond * A.connectionSeconds) / 3000, gb / usage.hours / 0.4);
    add(line("Load balancing", "ALB hours", region, billedHours, PRICES.albHour));
    add(line("Load balancing", "ALB LCUs", region, lcus * usage.hours, PRICES.albLcuHour, "average rate; one new connection per request; 0.4 GB/LCU-hour for Lambda targets"));
    if (!config.alb.internal) {
      add(line("Load balancing", `ALB public IPv4 addresses (${A.albNodes})`, region, A.albNodes * billedHours, PRICES.publicIpv4Hour, "one per availability zone; more if the ALB scales out"));
    }
  }
  for (const region of config.regions) add(line("Data transfer", "out to the internet", region, gb, PRICES.internetOutGb));

  for (const region of config.regions) {
    const invocations = requests + healthChecks;
    const gbSeconds = ((requests * A.requestMs + healthChecks * A.healthMs[mode]) / 1000) * memoryGb;
    add(line("Lambda", `requests (incl. ${Math.round(healthChecks).toLocaleString("en-US")} health checks)`, region, invocations, PRICES.lambdaRequestsMillion));
    add(line("Lambda", `duration (${config.function.memoryMb} MB, arm64)`, region, gbSeconds, PRICES.lambdaArmGbSecond, `${A.requestMs} ms per request, ${A.healthMs[mode]} ms per ${mode} health check`));
  }

  for (const region of config.regions) {
    const reads = requests * (1 - A.writeShare) * A.readUnitsPerRead + (mode === "deep" ? healthChecks * A.readUnitsPerRead : 0);
    add(line("DynamoDB", "on-demand reads", region, reads, PRICES.dynamoReadMillion, mode === "deep" ? "client reads + one read per deep health check (an upper bound: results are cached 5 s)" : "client reads"));
    add(line("DynamoDB", "replicated writes (rWRU)", region, writes * A.itemKb, PRICES.dynamoReplicatedWriteMillion, "every write, wherever it is made, costs one rWRU in each region"));
    add(line("DynamoDB", "storage", region, A.tableGb * months, PRICES.dynamoStorageGbMonth, `${A.tableGb} GB per replica`));
    add(line("DynamoDB", "point-in-time recovery", region, A.tableGb * months, PRICES.dynamoPitrGbMonth, `${A.tableGb} GB per replica`));
    if (n > 1) {
      const outGb = (requests * A.writeShare * A.itemKb * (n - 1)) / 1e6;
      add(line("DynamoDB", "replication transfer to other regions", region, outGb, PRICES.interRegionGb));
    }
  }
  if (n > 1) add(line("DynamoDB", "streams (replication)", "global", 0, PRICES.dynamoStreamsReads));

  const alarms = alarmsEnabled(config);
  for (const region of config.regions) {
    const invocations = requests + healthChecks;
    if (alarms) add(line("CloudWatch", `alarms (${regionalAlarmCount(n)})`, region, regionalAlarmCount(n) * months, PRICES.alarmMonth));
    const combinations = requests > 0 ? A.steadyMetricCombinations : 1;
    add(line("CloudWatch", `custom metrics (${combinations * A.metricsPerCombination})`, region, combinations * A.metricsPerCombination * months, PRICES.customMetricMonth, "request metrics (EMF): route × status class × 2"));
    const logGb = (invocations * (A.platformLogBytes + A.emfLineBytes)) / 1e9;
    add(line("CloudWatch", "logs ingestion", region, logGb, PRICES.logsIngestionGb, `${A.platformLogBytes + A.emfLineBytes} bytes per invocation`));
    add(line("CloudWatch", "logs storage (first month)", region, logGb, PRICES.logsStorageGbMonth, `grows as much every month, for ${config.function.logRetentionDays} days`));
  }
  if (alarms) add(line("CloudWatch", "failover dashboard", "global", months, PRICES.dashboardMonth));

  const email = alarms && config.alarms.email !== undefined;
  const keysPerRegion = (tableCustomerManagedKey(config) ? 1 : 0) + (email ? 1 : 0);
  if (keysPerRegion > 0) {
    const what = [tableCustomerManagedKey(config) ? "table" : "", email ? "alarm topic" : ""].filter(Boolean).join(" + ");
    for (const region of config.regions) add(line("KMS", `keys (${what})`, region, keysPerRegion * months, PRICES.kmsKeyMonth, "first year; each of the first two yearly rotations adds $1/month"));
  }
  if (email) {
    for (const region of config.regions) add(line("SNS", "alarm topic and email subscription", region, 0, PRICES.snsEmailHundredThousand, "emails only when an alarm changes state"));
  }

  if (albAccessLogs(config)) {
    for (const region of config.regions) {
      add(line("S3", "ALB access logs: storage (first month)", region, (requests * A.accessLogBytesPerRequest) / 1e9, PRICES.s3StorageGbMonth));
      add(line("S3", "ALB access logs: PUT requests", region, A.albNodes * A.accessLogFilesPerNodeHour * usage.hours, PRICES.s3PutThousand));
    }
  }
  if (acceleratorFlowLogs(config)) {
    const flowGb = (usage.requests * A.flowLogBytesPerRequest) / 1e9;
    add(line("S3", "accelerator flow logs: delivery", "us-west-2", flowGb, PRICES.vendedLogsToS3Gb));
    add(line("S3", "accelerator flow logs: storage (first month)", "us-west-2", flowGb, PRICES.s3StorageGbMonth));
  }

  const byService: Record<string, number> = {};
  for (const l of lines) byService[l.service] = (byService[l.service] ?? 0) + l.usd;
  return {
    usage,
    regions: config.regions,
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.usd, 0),
    byService,
    notes: [
      config.domain
        ? `Route 53: the hosted zone ${config.domain.hostedZoneId} already exists (its $0.50 a month is not this stack's); every record is an alias to an AWS resource, so queries are free; ACM public certificates are free.`
        : "Route 53: no domain configured, so no records (route53Cost() prices zones, queries and health checks from counts).",
      "Not counted: the tear-down function (invoked once per apply or destroy), KMS requests (DynamoDB caches data keys; 20,000 a month are free), X-Ray traces (Active tracing; 100,000 a month free), CloudWatch API calls, and requests to the internet-facing ALBs that bypass the accelerator.",
    ],
  };
}

/** What a Route 53 setup uses: counts, so that any routing config can be priced. */
export interface Route53Counts {
  /** Hosted zones paid for by this stack (a share: 0.5 if it shares a zone with one other use). @default 0 */
  readonly hostedZones?: number;
  /** Standard queries (simple records, non-alias) in the period. @default 0 */
  readonly standardQueries?: number;
  /** Latency-based queries (non-alias) in the period. @default 0 */
  readonly latencyQueries?: number;
  /** Alias queries to AWS resources (e.g. ALBs): free, counted for the record. @default 0 */
  readonly aliasQueries?: number;
  /** Health checks of AWS endpoints. @default 0 */
  readonly awsHealthChecks?: number;
  /** Health checks of non-AWS endpoints. @default 0 */
  readonly otherHealthChecks?: number;
  /** Optional features (HTTPS, string matching, fast interval, latency measurement) per AWS-endpoint check. @default 0 */
  readonly featuresPerAwsHealthCheck?: number;
  /** Optional features per non-AWS-endpoint check. @default 0 */
  readonly featuresPerOtherHealthCheck?: number;
  /** Period, hours (zones and health checks are monthly, prorated here). @default 730 */
  readonly hours?: number;
}

/** Route 53's lines for the given counts (not yet wired to config: that arrives with `routing`/`domain`). */
export function route53Cost(c: Route53Counts): CostLine[] {
  const months = (c.hours ?? HOURS_PER_MONTH) / HOURS_PER_MONTH;
  const out: CostLine[] = [];
  const add = (item: string, count: number, price: Price, basis?: string) => {
    if (count > 0) out.push(line("Route 53", item, "global", count, price, basis));
  };
  add("hosted zone", (c.hostedZones ?? 0) * months, PRICES.route53HostedZoneMonth);
  add("standard queries", c.standardQueries ?? 0, PRICES.route53StandardQueriesMillion);
  add("latency-based queries", c.latencyQueries ?? 0, PRICES.route53LatencyQueriesMillion);
  add("alias queries to AWS resources", c.aliasQueries ?? 0, PRICES.route53AliasQueriesMillion);
  add("health checks (AWS endpoints)", (c.awsHealthChecks ?? 0) * months, PRICES.route53HealthCheckAwsMonth);
  add("health checks (other endpoints)", (c.otherHealthChecks ?? 0) * months, PRICES.route53HealthCheckOtherMonth);
  add("health-check features (AWS endpoints)", (c.awsHealthChecks ?? 0) * (c.featuresPerAwsHealthCheck ?? 0) * months, PRICES.route53HealthCheckFeatureAwsMonth);
  add("health-check features (other endpoints)", (c.otherHealthChecks ?? 0) * (c.featuresPerOtherHealthCheck ?? 0) * months, PRICES.route53HealthCheckFeatureOtherMonth);
  return out;
}

/** Requests one `npm run test:aws` run sends: the drill's probes, its replication check and the readiness polls. */
export const E2E_RUN_REQUESTS = 300;

/**
 * One `npm run test:aws` run: the stack exists for 15–30 minutes, so every hourly item is billed one
 * started hour and every monthly one 1/730 of a month.
 */
export function estimateE2eRun(config: AppConfig): Estimate {
  return estimateCost(config, { hours: 1, requests: E2E_RUN_REQUESTS, gb: (E2E_RUN_REQUESTS * DEFAULT_BYTES_PER_REQUEST) / 1e9 });
}
