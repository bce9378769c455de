/**
 * The failover model: how long traffic takes to leave a region whose health check starts failing,
 * and to come back, as a range, from the target-group health-check settings and the accelerator's
 * propagation delay. Pure arithmetic, no resources: synth summaries, the drill, bench/failover and
 * docs/failover.md all read their predictions from here.
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

// --- DNS: Route 53 latency records ----------------------------------------------------------------
//
// With Route 53 instead of Global Accelerator, a failed region leaves the answers only after
//   detection (the ALB's target health for alias records, or Route 53's own health checkers)
// + Route 53 carrying the new health into its answers (propagation)
// + the answer's TTL in resolvers (an alias to an ALB answers with a 60 s TTL)
// + however long the client itself keeps an answer (browsers, JVMs, connection pools).
// The last two are why the source article moved to Global Accelerator: they are out of the
// operator's hands. Each term can be anywhere from 0 to its maximum, so the result is a range.

/** TTL of an alias record to an ALB: fixed at 60 s (Route 53 FAQ; setting `ttl` with `alias` is refused). */
export const ALB_ALIAS_TTL_SECONDS = 60;

/**
 * A Route 53 health check fails one request when the TCP connection takes over 4 s or the status
 * code over 2 s more (Route 53 developer guide, "How Amazon Route 53 determines whether a health
 * check is healthy"): the check's own timeout.
 */
export const ROUTE53_CHECK_TIMEOUT_SECONDS = 4 + 2;

/**
 * Route 53's delay between a health status changing and its answers changing, seconds. AWS documents
 * no figure; this is our assumption (the same order as Global Accelerator's), to be replaced by what
 * `npm run drill -- --target aws --routing route53` measures.
 */
export const ROUTE53_PROPAGATION_SECONDS = 30;

/** How Route 53 learns a region's health, and how long the client side caches an answer. */
export interface DnsFailoverSettings {
  /** `alias`: the ALB's target health (evaluate_target_health); `route53`: Route 53 health checks. */
  readonly healthChecks: "alias" | "route53";
  /** Route 53 health-check interval, 10 or 30 s (healthChecks "route53"). */
  readonly requestIntervalSeconds: number;
  /** Consecutive failures (and successes) before a Route 53 check changes status (healthChecks "route53"). */
  readonly failureThreshold: number;
  /** Route 53's propagation of health into answers. @default ROUTE53_PROPAGATION_SECONDS */
  readonly propagationSeconds?: number;
  /** The answer's TTL. @default ALB_ALIAS_TTL_SECONDS */
  readonly ttlSeconds?: number;
  /**
   * How long the client keeps an answer: `undefined` for a resolver that honours the TTL; a number
   * for an application that pins its first answer that long whatever the TTL (a browser cache).
   */
  readonly clientPinSeconds?: number;
}

/** Detection: when the health Route 53 follows turns unhealthy (or healthy again with `recovering`). */
function dnsDetection(hc: HealthCheckSettings, dns: DnsFailoverSettings, recovering: boolean): SecondsRange {
  if (dns.healthChecks === "alias") {
    // The ALB's target health: the target group's own state machine, as for Global Accelerator.
    const n = recovering ? hc.healthyThreshold : hc.unhealthyThreshold;
    return { min: (n - 1) * hc.intervalSeconds, max: n * hc.intervalSeconds + hc.timeoutSeconds };
  }
  // Route 53 checkers, every request interval; the same threshold both ways (Route 53's FailureThreshold).
  const n = dns.failureThreshold;
  return { min: (n - 1) * dns.requestIntervalSeconds, max: n * dns.requestIntervalSeconds + ROUTE53_CHECK_TIMEOUT_SECONDS };
}

/** What the client side adds: the TTL a resolver honours, or what an application pins. */
export function dnsCacheSeconds(dns: DnsFailoverSettings): number {
  return dns.clientPinSeconds ?? dns.ttlSeconds ?? ALB_ALIAS_TTL_SECONDS;
}

/** How long until clients of the latency records stop reaching a region that fails its health check. */
export function predictDnsFailover(hc: HealthCheckSettings, dns: DnsFailoverSettings): SecondsRange {
  return addDnsDelays(dnsDetection(hc, dns, false), dns);
}

/** How long until clients reach a recovered region again through the latency records. */
export function predictDnsRecovery(hc: HealthCheckSettings, dns: DnsFailoverSettings): SecondsRange {
  return addDnsDelays(dnsDetection(hc, dns, true), dns);
}

function addDnsDelays(detection: SecondsRange, dns: DnsFailoverSettings): SecondsRange {
  return { min: detection.min, max: detection.max + (dns.propagationSeconds ?? ROUTE53_PROPAGATION_SECONDS) + dnsCacheSeconds(dns) };
}

/**
 * Requests one Route 53 health check sends to its endpoint per 30-day month. AWS: "about one request
 * every two seconds" at the 30 s interval and "more than one per second" at 10 s (its checkers in
 * several regions each check on their own); taken here as 0.5/s and 1.5/s. Each is a Lambda
 * invocation of `/health`, on top of the ALB's own target-group checks.
 */
export function monthlyRoute53CheckRequests(requestIntervalSeconds: number): number {
  const perSecond = requestIntervalSeconds <= 10 ? 1.5 : 0.5;
  return Math.round(perSecond * 30 * 24 * 3600);
}
