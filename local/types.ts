/**
 * The running local system as the rest sees it: what it offers (LocalSystem) and the state it
 * reports (SystemSnapshot, RegionSnapshot). local/system.ts builds it; the admin API and dashboard
 * (local/admin/), the drill's and shift's local target and the tests use it through these types,
 * so nothing imports the composition root back.
 */
import type { AppConfig } from "../model/config";
import type { TimeScale } from "../lib/time-scale";
import type { LocalAccelerator } from "./edge/accelerator";
import type { DnsSnapshot, LocalDns } from "./edge/dns";
import type { SystemEventListener } from "./events";
import type { LocalLimits } from "./limits";
import type { TargetState } from "./region/health-checker";
import type { LocalRegion, RegionState } from "./region/region";
import type { LagDistribution } from "../model/replication";
import type { RegionStore } from "./store/region-store";
import type { RegionReplication } from "./store/replicator";

export type { SystemEvent, SystemEventListener, SystemEventType } from "./events";
export type { LocalRegion } from "./region/region";

/** The region's state as the admin API shows it. */
export interface RegionSnapshot extends RegionState {
  /** The health the accelerator acts on (after the propagation delay). */
  readonly acceleratorHealth: TargetState;
  readonly dial: number;
  readonly weight: number;
  /** Connections the accelerator sent here. */
  readonly connections: number;
  /** Connections the accelerator sent here that the region's ALB refused (the region was killed). */
  readonly refusedConnections: number;
  /** The region's store in the global table's replication: paused, backlog, lag. */
  readonly replication: RegionReplication;
}

/** The whole system's state: what `GET /` of the admin API answers. */
export interface SystemSnapshot {
  readonly acceleratorUrl: string;
  /** Real seconds per model second. */
  readonly timeScale: number;
  /** Model seconds since start. */
  readonly uptimeSeconds: number;
  readonly propagationSeconds: number;
  readonly clientRegion: string;
  readonly clientAffinity: "NONE" | "SOURCE_IP";
  readonly healthCheck: AppConfig["healthCheck"];
  /** The seed the health-check phases were drawn from (`--seed` reproduces them). */
  readonly seed: number;
  /** Execution environments per region at most. */
  readonly concurrency: number;
  /** Model ms every invocation holds its environment at least (the function's duration, emulated); absent: as long as the handler takes. */
  readonly functionMilliseconds?: number;
  readonly limits: LocalLimits;
  /** Connections waiting at the accelerator for their first request headers. */
  readonly pendingConnections: number;
  readonly regions: readonly RegionSnapshot[];
  /** The replication between the regions' stores: the lag's distribution, changes on their way, conflicts so far. */
  readonly replication: {
    readonly lagSeconds: LagDistribution;
    /** Changes not yet applied in every region (0: every store holds the same items). */
    readonly backlog: number;
    /** Conflicting writes since start, each counted once (last writer wins resolved them). */
    readonly conflicts: number;
  };
  /** Routing route53 or both: the DNS server, Route 53's view of each region and the current answer. */
  readonly dns?: DnsSnapshot;
}

/** A running local system. */
export interface LocalSystem {
  readonly config: AppConfig;
  readonly timeScale: TimeScale;
  /** Each region's store (its own DynamoDB-compatible server), by region. */
  readonly stores: ReadonlyMap<string, RegionStore>;
  readonly accelerator: LocalAccelerator;
  readonly regions: ReadonlyMap<string, LocalRegion>;
  readonly acceleratorUrl: string;
  readonly propagationSeconds: number;
  /** Routing route53 or both: the local authoritative DNS. */
  readonly dns?: LocalDns;
  /** Why regions share 127.0.0.1 when DNS needed distinct addresses (undefined when they do not). */
  readonly addressNote?: string;
  /** Sets a region's STATUS env var; resolves when a new function environment with it serves. */
  setStatus(region: string, status: string): Promise<void>;
  /** Region outage: the function and the ALB's listener go away (connections refused). */
  kill(region: string): Promise<void>;
  /** Ends the outage. */
  restore(region: string): Promise<void>;
  /** Stops replication to and from the region's store (like AWS FIS `aws:dynamodb:global-table-pause-replication`). */
  pauseReplication(region: string): void;
  /** Resumes it; what waited is applied at once. */
  resumeReplication(region: string): void;
  setDial(region: string, dial: number): void;
  setWeight(region: string, weight: number): void;
  /** Tells `listener` of every event from now on; returns the function that stops it. */
  subscribe(listener: SystemEventListener): () => void;
  snapshot(): SystemSnapshot;
  /** Model seconds since start. */
  now(): number;
  close(): Promise<void>;
}
