import type { HealthCheckSettings } from "../../model/config";

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
