import type { HealthCheckSettings } from "../config";

/**
 * Global Accelerator's own delay between an endpoint's health changing and traffic moving, seconds.
 * AWS documents that GA reacts to ALB target-group health; its edge propagation adds up to about
 * this much (the article measured ~90 s end to end with a 15 s interval).
 */
export const GA_PROPAGATION_SECONDS = 30;

/** An inclusive range of seconds. */
export interface SecondsRange {
  readonly min: number;
  readonly max: number;
}

/** The `health_check` block of a Lambda target group, from our settings (ON: Lambda targets default to off). */
export function targetGroupHealthCheck(s: HealthCheckSettings) {
  return {
    enabled: true,
    path: s.path,
    interval: s.intervalSeconds,
    timeout: s.timeoutSeconds,
    healthyThreshold: s.healthyThreshold,
    unhealthyThreshold: s.unhealthyThreshold,
    matcher: s.matcher,
  };
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
