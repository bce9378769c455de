/**
 * Each region's health as Route 53 sees it, for the local latency records:
 *
 * - `alias` (evaluate_target_health): the ALB's target health. Route 53 counts an ALB healthy when
 *   every target group with targets has a healthy one, so our one Lambda target's state decides;
 *   `initial` is not healthy (Route 53 developer guide, "Values specific for latency alias records");
 * - `route53`: a Route 53 health check of the region's health path through its ALB, every
 *   `requestIntervalSeconds`, a failure after {@link ROUTE53_CHECK_TIMEOUT_SECONDS}, 2xx and 3xx
 *   healthy, `failureThreshold` results in a row to change status; a new check counts as healthy
 *   until it has data ("How Amazon Route 53 determines whether a health check is healthy"). One local
 *   checker stands for Route 53's fleet: the 18 % rule needs many checkers, and a failure on loopback
 *   is seen by all of them alike. Its requests reach the ALB and the function, as on AWS.
 *
 * Either way a change reaches the answers `propagationSeconds` (model time) later: Route 53's own
 * delay between a health status and its name servers' answers (model/failover.ts
 * ROUTE53_PROPAGATION_SECONDS; AWS documents no figure, the local system uses `local.propagationSeconds`
 * unless told otherwise).
 */
import { request } from "node:http";
import type { HealthCheckSettings, Route53Settings } from "../../model/config";
import { ROUTE53_CHECK_TIMEOUT_SECONDS } from "../../model/failover";
import { type CheckResult, HealthChecker, type TargetState, type Transition } from "../region/health-checker";
import type { TimeScale } from "../../lib/time-scale";

/** A region's health in Route 53's answers. */
export type Route53Health = "healthy" | "unhealthy";

/** The user agent of Route 53's checkers, as ALB access logs show it. */
const CHECKER_AGENT = "Amazon-Route53-Health-Check-Service (local)";

/** One region as the view needs it. */
export interface Route53Region {
  readonly region: string;
  /** The URL Route 53's check requests: the region's ALB and health path. */
  readonly healthUrl: string;
  /** Model seconds from start to the Route 53 check's first request, in [0, requestIntervalSeconds). */
  readonly checkPhaseSeconds: number;
}

/** Settings of a {@link Route53HealthView}. */
export interface Route53HealthViewOptions {
  readonly regions: readonly Route53Region[];
  readonly settings: Route53Settings;
  /** Route 53's delay between a health change and its answers, model seconds. */
  readonly propagationSeconds: number;
  readonly timeScale: TimeScale;
  /** Told when a Route 53 health check changes status (healthChecks `route53` only), before propagation. */
  readonly onCheck?: (region: string, transition: Transition) => void;
  /** Told when a region's health changes in Route 53's answers (after propagation). */
  readonly onChange?: (region: string, health: Route53Health) => void;
}

/** A region's part of the view. */
export interface Route53RegionView {
  readonly region: string;
  /** Health in Route 53's answers now (after propagation). */
  readonly health: Route53Health;
  /** The health Route 53 follows now, not yet propagated when it differs from `health`. */
  readonly source: Route53Health;
  /** healthChecks `route53`: the check's last request. */
  readonly lastCheck?: string;
}

/** The Route 53 checks' settings in the shape of the local health checker. */
export function route53CheckSettings(settings: Route53Settings, path: string): HealthCheckSettings {
  return {
    path,
    intervalSeconds: settings.requestIntervalSeconds,
    timeoutSeconds: ROUTE53_CHECK_TIMEOUT_SECONDS,
    healthyThreshold: settings.failureThreshold,
    unhealthyThreshold: settings.failureThreshold,
    matcher: "200-399",
  };
}

/** One GET on a new connection; resolves with the status code, rejects when there is none. */
function getStatus(url: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, signal, headers: { "user-agent": CHECKER_AGENT, connection: "close" } }, (res) => {
      res.resume();
      res.on("error", () => undefined);
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ECONNREFUSED" ? "connection refused" : err.code ?? err.message)));
    req.end();
  });
}

interface RegionState {
  health: Route53Health;
  source: Route53Health;
  checker?: HealthChecker;
  lastCheck?: CheckResult;
}

/** Route 53's view of every region, kept current. */
export class Route53HealthView {
  private readonly states = new Map<string, RegionState>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: Route53HealthViewOptions) {
    const checks = options.settings.healthChecks === "route53";
    for (const r of options.regions) {
      // Alias health starts where the target starts (initial: not healthy); a new Route 53 check starts healthy.
      const initial: Route53Health = checks ? "healthy" : "unhealthy";
      const state: RegionState = { health: initial, source: initial };
      if (checks) {
        state.checker = new HealthChecker({
          settings: route53CheckSettings(options.settings, new URL(r.healthUrl).pathname),
          timeScale: options.timeScale,
          phaseSeconds: r.checkPhaseSeconds,
          probe: (signal) => getStatus(r.healthUrl, signal),
          onCheck: (result) => {
            state.lastCheck = result;
          },
          onTransition: (t) => {
            options.onCheck?.(r.region, t);
            this.follow(r.region, t.to === "unhealthy" ? "unhealthy" : "healthy");
          },
        });
      }
      this.states.set(r.region, state);
    }
  }

  /** Starts the Route 53 checks (healthChecks `route53`); alias health needs nothing started. */
  start(): void {
    for (const s of this.states.values()) s.checker?.start();
  }

  /** A region's target health changed (the ALB's state machine): what alias health follows. */
  targetChanged(region: string, state: TargetState): void {
    if (this.options.settings.healthChecks === "alias") this.follow(region, state === "healthy" ? "healthy" : "unhealthy");
  }

  /** Health in Route 53's answers now. */
  health(region: string): Route53Health {
    return this.state(region).health;
  }

  view(): Route53RegionView[] {
    return [...this.states.entries()].map(([region, s]) => ({
      region,
      health: s.health,
      source: s.source,
      ...(s.lastCheck ? { lastCheck: s.lastCheck.detail } : {}),
    }));
  }

  close(): void {
    for (const s of this.states.values()) s.checker?.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private state(region: string): RegionState {
    const s = this.states.get(region);
    if (!s) throw new RangeError(`no latency record for region "${region}"`);
    return s;
  }

  /** The health Route 53 follows changed: its answers follow after the propagation delay. */
  private follow(region: string, health: Route53Health): void {
    const state = this.state(region);
    if (state.source === health) return;
    state.source = health;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (state.health === health) return;
      state.health = health;
      this.options.onChange?.(region, health);
    }, this.options.timeScale.toRealMs(this.options.propagationSeconds));
    this.timers.add(timer);
  }
}
