/**
 * The failover model: how long traffic takes to leave a region whose health check starts failing,
 * and to come back, as a range, from the target-group health-check settings and the accelerator's
 * propagation delay. Pure arithmetic, no resources: synth summaries, the drill, bench/failover and the
 * README all read their predictions from here.
 */
import type { HealthCheckSettings } from "./config";

/**
 * Global Accelerator's own delay between an endpoint's health changing and traffic moving, seconds.
 * AWS documents that GA reacts to ALB target-group health; its edge propagation adds up to about
 * this much (the article measured ~90 s end to end with a 15 s interval).
 */
export const GA_PROPAGATION_SECONDS = 30;

/**
 * Named target-group health-check settings. `fast` and `default` are the ones we offer; `article`
 * (the source article's settings, ≈ 90 s failover observed) and `aws-default` (what a Lambda target
 * group gets when nothing is set) are there to compare against (bench/failover.ts). All keep
 * timeout < interval and a timeout above the function's default 3 s, as config validation requires.
 */
export const HEALTH_CHECK_PRESETS = {
  /** Quickest that ALB allows for a 3 s function: 5 s interval, 4 s timeout, 2/2. Twice the invocations of `default`. */
  fast: { path: "/health", intervalSeconds: 5, timeoutSeconds: 4, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" },
  /** Our default (BUILTIN_DEFAULTS and cdktf.json): 10 s interval, 5 s timeout, 2/2. */
  default: { path: "/health", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" },
  /** The source article: 15 s interval, 10 s timeout, 2/2; it observed ≈ 90 s to fail over. */
  article: { path: "/health", intervalSeconds: 15, timeoutSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" },
  /** AWS's defaults for a Lambda target group: 35 s interval, 30 s timeout, 5/5. */
  "aws-default": { path: "/health", intervalSeconds: 35, timeoutSeconds: 30, healthyThreshold: 5, unhealthyThreshold: 5, matcher: "200" },
} as const satisfies Record<string, HealthCheckSettings>;

/** The name of a health-check preset. */
export type HealthCheckPreset = keyof typeof HEALTH_CHECK_PRESETS;

/** An inclusive range of seconds. */
export interface SecondsRange {
  readonly min: number;
  readonly max: number;
}

/**
 * How long until a region that starts failing its health check stops getting new connections.
 * The failure can start anywhere in the check cycle, so it is a range:
 *   min = (unhealthy − 1) × interval              (failure just before a check)
 *   max = unhealthy × interval + timeout           (just after one, last check hangs to the timeout)
 * plus the accelerator's propagation delay (`propagationSeconds`, 0 … that value).
 */
export function predictFailover(s: HealthCheckSettings, propagationSeconds = GA_PROPAGATION_SECONDS): SecondsRange {
  return {
    min: (s.unhealthyThreshold - 1) * s.intervalSeconds,
    max: s.unhealthyThreshold * s.intervalSeconds + s.timeoutSeconds + propagationSeconds,
  };
}

/** How long until a recovered region gets traffic again: the same model with the healthy threshold. */
export function predictRecovery(s: HealthCheckSettings, propagationSeconds = GA_PROPAGATION_SECONDS): SecondsRange {
  return {
    min: (s.healthyThreshold - 1) * s.intervalSeconds,
    max: s.healthyThreshold * s.intervalSeconds + s.timeoutSeconds + propagationSeconds,
  };
}

/**
 * Health-check invocations of the function per region per 30-day month. Every ALB node (one per
 * enabled availability zone; our network has two) checks the target on its own.
 */
export function monthlyHealthCheckInvocations(s: HealthCheckSettings, albNodes = 2): number {
  return Math.round(((30 * 24 * 3600) / s.intervalSeconds) * albNodes);
}
