/**
 * One region of the local system: its function (execution environments in worker threads) behind
 * its ALB (listener, target group, health check), and the operations the admin API offers on it.
 *
 * The operations that change the region (STATUS, kill, restore) run one at a time, in the order they
 * were asked: each one's answer describes the region as it then is, and the region ends up running
 * what was asked last. A kill asked during a STATUS change waits for it (at most the init timeout),
 * so no execution environment is left behind by the interleaving.
 */
import type { HealthCheckSettings } from "../../model/config";
import { parseStatus, STATUS_RULE } from "../../functions/lib/env";
import { type AlbMetrics, RegionalAlb } from "./alb";
import { type EnvironmentCounts, FunctionHost, type FunctionHostOptions, type FunctionMetrics } from "./function-host";
import type { CheckResult, TargetState, Transition } from "./health-checker";
import type { LocalLimits } from "../limits";
import { SerialQueue } from "../runtime/serial-queue";
import type { TimeScale } from "../../lib/time-scale";

/** Settings of a {@link LocalRegion}. */
export interface LocalRegionOptions {
  readonly region: string;
  /** The region's function. */
  readonly function: FunctionHostOptions;
  readonly healthCheck: HealthCheckSettings;
  /** Model seconds from start to the region's first health check. */
  readonly healthCheckPhaseSeconds: number;
  readonly multiValueHeaders: boolean;
  readonly timeScale: TimeScale;
  readonly limits: LocalLimits;
  /** The ALB's loopback address. @default "127.0.0.1" */
  readonly host?: string;
  /** The ALB's port. @default 0 (any free port) */
  readonly port?: number;
  /** Told of every target health change. */
  readonly onTransition?: (t: Transition) => void;
}

/** The region's part of the admin API's state. */
export interface RegionState {
  readonly region: string;
  readonly albUrl: string;
  /** The STATUS the function's new invocations run with. */
  readonly status: string;
  readonly killed: boolean;
  /** The target group's health. */
  readonly health: TargetState;
  readonly lastCheck?: string;
  /** Model seconds from start to the first health check (the cycle's phase). */
  readonly healthCheckPhaseSeconds: number;
  /** Requests the ALB received from clients (health checks not included: Route 53's are in metrics.alb). */
  readonly requests: number;
  /** The function's execution environments now. */
  readonly environments: EnvironmentCounts;
  /** STATUS, kill and restore operations asked and not finished yet. */
  readonly pendingChanges: number;
  readonly metrics: { readonly alb: AlbMetrics; readonly function: FunctionMetrics };
}

/** A region: function + ALB, and the admin operations on them. */
export class LocalRegion {
  readonly region: string;
  readonly fn: FunctionHost;
  readonly alb: RegionalAlb;
  /** The latest health check's result. */
  lastCheck?: CheckResult;
  private readonly changes = new SerialQueue();

  constructor(options: LocalRegionOptions) {
    this.region = options.region;
    this.fn = new FunctionHost(options.function);
    this.alb = new RegionalAlb({
      region: options.region,
      target: this.fn,
      healthCheck: options.healthCheck,
      healthCheckPhaseSeconds: options.healthCheckPhaseSeconds,
      multiValueHeaders: options.multiValueHeaders,
      timeScale: options.timeScale,
      host: options.host,
      port: options.port,
      idleTimeoutMs: options.limits.albIdleTimeoutMs,
      requestTimeoutMs: options.limits.albRequestTimeoutMs,
      onCheck: (r) => {
        this.lastCheck = r;
      },
      onTransition: options.onTransition,
    });
  }

  /** Loads the function and opens the ALB's listener. */
  start(): Promise<void> {
    return this.changes.run(async () => {
      await this.fn.start();
      await this.alb.listen();
    });
  }

  /**
   * Sets the STATUS env var; resolves when a new function environment with it serves.
   * @throws RangeError for a value that is not a status code (nothing changes)
   * @throws InvocationError when the new environment failed to load (STATUS is set all the same)
   */
  setStatus(status: string): Promise<void> {
    // The function's own rule (functions/lib/env.ts parseStatus): never a value /health could not answer with.
    if (parseStatus(status) === undefined) return Promise.reject(new RangeError(`STATUS must be ${STATUS_RULE}, got "${status}"`));
    return this.changes.run(() => this.fn.updateEnvironment({ STATUS: status }));
  }

  /** Region outage: the ALB's listener and the function go away (connections refused). */
  kill(): Promise<void> {
    return this.changes.run(async () => {
      await this.alb.close();
      await this.fn.stop();
    });
  }

  /** Ends the outage: the function loads again and the listener opens (even when the load fails). */
  restore(): Promise<void> {
    return this.changes.run(async () => {
      try {
        await this.fn.start();
      } finally {
        await this.alb.listen();
      }
    });
  }

  /** Stops everything for good, after the changes already asked. */
  close(): Promise<void> {
    return this.changes.run(async () => {
      await this.alb.shutdown();
      await this.fn.stop();
    });
  }

  state(): RegionState {
    return {
      region: this.region,
      albUrl: this.alb.url,
      status: this.fn.variables.STATUS,
      killed: !this.fn.isRunning,
      health: this.alb.state,
      lastCheck: this.lastCheck?.detail,
      healthCheckPhaseSeconds: this.alb.checker.phaseSeconds,
      requests: this.alb.requests,
      environments: this.fn.environments,
      pendingChanges: this.changes.pending,
      metrics: { alb: structuredClone(this.alb.metrics), function: { ...this.fn.metrics } },
    };
  }
}
