/**
 * One region of the local system: its function (execution environments in worker threads) behind
 * its ALB (listener, target group, health check), and the operations the admin API offers on it.
 */
import type { HealthCheckSettings } from "../model/config";
import { parseStatus, STATUS_RULE } from "../functions/lib/env";
import { RegionalAlb } from "./alb";
import { FunctionHost, type FunctionHostOptions } from "./function-host";
import type { CheckResult, TargetState, Transition } from "./health-checker";
import type { TimeScale } from "./time-scale";

/** Settings of a {@link LocalRegion}. */
export interface LocalRegionOptions {
  readonly region: string;
  /** The region's function. */
  readonly function: FunctionHostOptions;
  readonly healthCheck: HealthCheckSettings;
  readonly multiValueHeaders: boolean;
  readonly timeScale: TimeScale;
  /** Told of every target health change. */
  readonly onTransition?: (t: Transition) => void;
}

/** The region's part of the admin API's state. */
export interface RegionState {
  readonly region: string;
  readonly albUrl: string;
  readonly status: string;
  readonly killed: boolean;
  /** The target group's health. */
  readonly health: TargetState;
  readonly lastCheck?: string;
  /** Requests the ALB answered (health checks not included). */
  readonly requests: number;
}

/** A region: function + ALB, and the admin operations on them. */
export class LocalRegion {
  readonly region: string;
  readonly fn: FunctionHost;
  readonly alb: RegionalAlb;
  /** The latest health check's result. */
  lastCheck?: CheckResult;

  constructor(options: LocalRegionOptions) {
    this.region = options.region;
    this.fn = new FunctionHost(options.function);
    this.alb = new RegionalAlb({
      region: options.region,
      target: this.fn,
      healthCheck: options.healthCheck,
      multiValueHeaders: options.multiValueHeaders,
      timeScale: options.timeScale,
      onCheck: (r) => {
        this.lastCheck = r;
      },
      onTransition: options.onTransition,
    });
  }

  /** Loads the function and opens the ALB's listener. */
  async start(): Promise<void> {
    await this.fn.start();
    await this.alb.listen();
  }

  /** Sets the STATUS env var; resolves when a new function environment with it serves. */
  async setStatus(status: string): Promise<void> {
    // The function's own rule (functions/lib/env.ts parseStatus): never a value /health could not answer with.
    if (parseStatus(status) === undefined) throw new RangeError(`STATUS must be ${STATUS_RULE}, got "${status}"`);
    await this.fn.updateEnvironment({ STATUS: status });
  }

  /** Region outage: the function and the ALB's listener go away (connections refused). */
  async kill(): Promise<void> {
    await this.alb.close();
    await this.fn.stop();
  }

  /** Ends the outage. */
  async restore(): Promise<void> {
    await this.fn.start();
    await this.alb.listen();
  }

  /** Stops everything for good. */
  async close(): Promise<void> {
    await this.alb.shutdown();
    await this.fn.stop();
  }

  state(): RegionState {
    return {
      region: this.region,
      albUrl: this.alb.url,
      status: this.fn.variables.STATUS,
      killed: !this.fn.isRunning,
      health: this.alb.state,
      lastCheck: this.lastCheck?.detail,
      requests: this.alb.requests,
    };
  }
}
