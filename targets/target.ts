/**
 * What the drill runs against (and the shift builds on): the local system, or a deployed stack.
 * targets/local.ts and targets/aws.ts implement it.
 */
import type { RoutingGroup } from "../model/capacity";
import type { HealthCheckSettings } from "../model/config";
import type { DnsFailoverSettings } from "../model/failover";
import type { DnsServerAddress } from "../lib/dns-probe";
import type { TimeScale } from "../lib/time-scale";

/** The table's CloudWatch ReplicationLatency for one pair of regions over a window. */
export interface ReplicationLatencyMetric {
  /** The region the writes were made in. */
  readonly region: string;
  readonly receivingRegion: string;
  /** Average and maximum over the window, seconds; null when CloudWatch had no datapoint (it lags by minutes). */
  readonly averageSeconds: number | null;
  readonly maximumSeconds: number | null;
  readonly datapoints: number;
}

/** What the drill polls through: Global Accelerator, or Route 53's latency records. */
export type DrillRouting = "accelerator" | "route53";

/** A target's latency records: where the drill asks, and Route 53's timing for the prediction. */
export interface DnsTargetInfo {
  /** The latency-routed name. */
  readonly name: string;
  /** Base URL the drill polls; its host is `name`, resolved through the client model. */
  readonly url: string;
  /** The server the client asks, or how to find it on first use. */
  readonly server: DnsServerAddress | (() => Promise<DnsServerAddress>);
  /** The server in words, for the summary. */
  readonly serverDescription: string;
  /** Ask for recursion (a public resolver) or not (an authoritative server). */
  readonly recursionDesired: boolean;
  /** Route 53's health source, propagation and TTL: the prediction's terms but the client's. */
  readonly settings: Required<Omit<DnsFailoverSettings, "clientPinSeconds">>;
}

/** What the capacity prediction of the drill's `--load` needs from a target (model/capacity.ts). */
export interface TargetCapacity {
  /** Each region's routing settings as they stand: traffic dial and endpoint weight. */
  readonly groups: readonly RoutingGroup[];
  /** Concurrent executions each region's function may have. */
  readonly concurrencyLimit: number;
  /** The function's duration in the prediction, ms. */
  readonly functionMilliseconds: number;
  /** True when the target runs every invocation that long (a local system that emulates it); false when it is the config's figure only. */
  readonly durationEmulated: boolean;
  /**
   * Where load clients can say they are (the local accelerator's `x-client-region`): the load takes
   * them in turn. Absent where a client is where it runs (AWS): the model then puts every client at
   * the region that serves the drill.
   */
  readonly clientRegions?: readonly string[];
}

/** What the drill runs against: the local system or a real deployment. */
export interface DrillTarget {
  readonly kind: "local" | "aws";
  readonly regions: readonly string[];
  readonly healthCheck: HealthCheckSettings;
  /** The accelerator's propagation delay the prediction adds, model seconds. */
  readonly propagationSeconds: number;
  readonly timeScale: TimeScale;
  /** Base URL of the accelerator, e.g. `http://127.0.0.1:8080`; absent when there is none (routing route53). */
  readonly acceleratorUrl?: string;
  /** The latency records (routing route53 or both). */
  readonly dns?: DnsTargetInfo;
  /** Base URL of each region's ALB (for the replication check; empty skips it). */
  readonly albUrls: Readonly<Record<string, string>>;
  /** Local systems: the seed their health-check phases were drawn from. */
  readonly seed?: number;
  /** Local systems: each region's health-check phase, model seconds from start to its first check. */
  readonly healthCheckPhaseSeconds?: Readonly<Record<string, number>>;
  /** What the capacity prediction of `--load` needs. */
  readonly capacity: TargetCapacity;
  /** Lines saying what will be changed, for the confirmation prompt. */
  describeChange(region: string, status: string): string[];
  /** Resolves when the system is ready to drill through `routing` (e.g. every region healthy as it sees them). */
  waitReady(signal?: AbortSignal, routing?: DrillRouting): Promise<void>;
  /** The region's current STATUS. */
  getStatus(region: string): Promise<string>;
  /** Sets the region's STATUS, keeping its other settings; resolves once the change is applied. */
  setStatus(region: string, status: string): Promise<void>;
  /**
   * Where the target can show them (local systems): tells `listener` of every health change (target
   * groups, Route 53 checks) and of its arrival at the accelerator and in Route 53's answers, as
   * they happen; resolves with the function that stops it.
   */
  watchHealth?(listener: (change: HealthChange) => void): Promise<() => void>;
  /**
   * Where the target has it (AWS): the table's own replication metric (CloudWatch ReplicationLatency)
   * for each pair of regions over the window, wall-clock times.
   */
  replicationLatency?(window: { readonly start: Date; readonly end: Date }): Promise<readonly ReplicationLatencyMetric[]>;
  /** Releases what the target started. */
  close(): Promise<void>;
}

/** A health change seen while drilling: a region's target group or Route 53 check, or the routing's view of it. */
export interface HealthChange {
  readonly region: string;
  /**
   * Detection: `target`, the ALB's target group changed state; `route53-check`, a Route 53 health
   * check did (route53.healthChecks "route53"). Propagation: `accelerator`, the accelerator acts on
   * it; `dns`, Route 53's answers do.
   */
  readonly at: "target" | "route53-check" | "accelerator" | "dns";
  readonly health: string;
}

