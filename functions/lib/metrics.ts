/**
 * Request metrics in CloudWatch's embedded metric format (EMF), through Powertools Metrics: one JSON
 * line on stdout per request, which CloudWatch Logs turns into metrics. No PutMetricData call, no
 * network, nothing the response waits for beyond one synchronous write to stdout.
 *
 * What is published (namespace {@link METRICS_NAMESPACE}, one dimension set):
 *
 *   Requests (Count, 1 per request) and Latency (Milliseconds, handler time)
 *   dimensions  service      `${appName}-${environment}`        (one value per deployment)
 *               region       the function's own AWS_REGION      (one value per function)
 *               route        health | get | item | unmatched    (the router's route names; with your
 *                            own function, health | handler: functions/lib/wrapper.ts)
 *               status_class 1xx | 2xx | 3xx | 4xx | 5xx
 *
 * CloudWatch bills every distinct (namespace, metric, dimension values) as one custom metric, so every
 * dimension is drawn from a fixed list: at most 4 routes × 5 classes × 2 metrics = 40 per region, of
 * which a healthy region emits about 10 (model/cost.ts). Item ids, paths and request ids are never
 * dimensions or values.
 *
 * The function publishes only when `POWERTOOLS_METRICS_NAMESPACE` is set, as the stack does
 * ({@link metricsEnvironment}): without it (`npm run local`, handler tests) it prints
 * nothing, so local output and `--json` stdout stay clean. `POWERTOOLS_METRICS_DISABLED=true` turns
 * publishing off too (Powertools' own switch). Never set `POWERTOOLS_DEV` in Lambda: Powertools then
 * writes through the global console, which Lambda's JSON log format wraps, and CloudWatch no longer
 * sees the EMF object.
 */
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { ALBResult } from "aws-lambda";
import { matchRoute, readRequest, type Route } from "./router";

/** The CloudWatch namespace of the function's metrics. */
export const METRICS_NAMESPACE = "GlobalApp";

/** Metric names. */
export const REQUESTS_METRIC = "Requests";
export const LATENCY_METRIC = "Latency";

/** Dimension names, as they appear in the EMF dimension set (and in a dashboard's SEARCH schema). */
export const METRIC_DIMENSIONS = ["service", "region", "route", "status_class"] as const;

/** The `route` values of the item API (functions/get.ts): the router's routes, plus requests no route matched. */
export const ITEM_API_ROUTE_NAMES = ["health", "get", "item", "unmatched"] as const satisfies ReadonlyArray<Route["name"] | "unmatched">;
/** The `route` values of your own function (`function.entry`, functions/wrapper.ts): the health path, and requests handed to your handler. */
export const HANDLER_ROUTE_NAMES = ["health", "handler"] as const;
/** Every value the `route` dimension can take. A function publishes one of the two sets above, never both. */
export const ROUTE_NAMES = [...new Set([...ITEM_API_ROUTE_NAMES, ...HANDLER_ROUTE_NAMES])] as ReadonlyArray<RouteName>;
export type RouteName = (typeof ITEM_API_ROUTE_NAMES)[number] | (typeof HANDLER_ROUTE_NAMES)[number];

/** Every value the `status_class` dimension can take (an ALB result's status is 100–599). */
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The most distinct custom metrics one region's function can publish. */
export const MAX_METRICS_PER_REGION = Math.max(ITEM_API_ROUTE_NAMES.length, HANDLER_ROUTE_NAMES.length) * STATUS_CLASSES.length * 2;

/** Environment variables that switch metrics on and name the deployment. */
export const METRICS_NAMESPACE_VAR = "POWERTOOLS_METRICS_NAMESPACE";
export const METRICS_SERVICE_VAR = "POWERTOOLS_SERVICE_NAME";

/** What the stack passes to the function so that it publishes metrics. */
export interface MetricsSettings {
  /** CloudWatch namespace: {@link METRICS_NAMESPACE} in the stack. */
  readonly namespace: string;
  /** Value of the `service` dimension: `${appName}-${environment}`. */
  readonly service: string;
}

/**
 * The variables that switch the function's metrics on, as the stack sets them beside
 * functionEnvironment(): producer and consumer ({@link readMetricsSettings}) of these names in one file.
 */
export function metricsEnvironment(s: MetricsSettings): Record<string, string> {
  return { [METRICS_NAMESPACE_VAR]: s.namespace, [METRICS_SERVICE_VAR]: s.service };
}

/** The metrics settings in an environment, or undefined when metrics are off (no namespace). */
export function readMetricsSettings(env: Readonly<Record<string, string | undefined>>): MetricsSettings | undefined {
  const namespace = env[METRICS_NAMESPACE_VAR];
  if (!namespace) return undefined;
  return { namespace, service: env[METRICS_SERVICE_VAR] || "unknown" };
}

/** The `status_class` of a status code; anything outside 100–599 counts as 5xx (the ALB would answer 502). */
export function statusClass(statusCode: unknown): StatusClass {
  const n = typeof statusCode === "number" && Number.isInteger(statusCode) ? statusCode : 500;
  return n >= 100 && n <= 599 ? STATUS_CLASSES[Math.floor(n / 100) - 1] : "5xx";
}

/** The `route` of an event: the same route the router dispatches to, "unmatched" for anything else. */
export function routeName(event: unknown, healthPath: string): RouteName {
  const request = readRequest(event);
  try {
    return matchRoute(request.method, request.path, healthPath).name;
  } catch {
    return "unmatched";
  }
}

/** The handler's hook: one call per request, after the response is built. Never throws. */
export interface RequestMetrics {
  record(event: unknown, result: ALBResult, latencyMs: number): void;
}

/** What {@link createRequestMetrics} needs; the Metrics instance is built by the handler, once. */
export interface RequestMetricsDeps {
  /** Powertools Metrics with namespace, service and the `region` default dimension; none: metrics off. */
  readonly metrics?: Metrics;
  /** The target group's health-check path (`HEALTH_CHECK_PATH`), so `/health` counts as the health route. */
  readonly healthPath: string;
  /** The route of an event. @default {@link routeName} (the item API's routes) */
  readonly route?: (event: unknown, healthPath: string) => RouteName;
  /** Where a failure to publish is reported (it never fails the request). */
  readonly onError?: (error: unknown) => void;
}

type Unit = Parameters<Metrics["addMetric"]>[1];
const COUNT: Unit = "Count";
const MILLISECONDS: Unit = "Milliseconds";

/** Records one EMF line per request: Requests = 1 and Latency in ms, by route and status class. */
export function createRequestMetrics(deps: RequestMetricsDeps): RequestMetrics {
  const { metrics } = deps;
  if (!metrics) return { record: () => undefined };
  const route = deps.route ?? routeName;
  return {
    record(event, result, latencyMs) {
      try {
        metrics.addDimension("route", route(event, deps.healthPath));
        metrics.addDimension("status_class", statusClass(result.statusCode));
        metrics.addMetric(REQUESTS_METRIC, COUNT, 1);
        metrics.addMetric(LATENCY_METRIC, MILLISECONDS, Math.round(Math.max(latencyMs, 0) * 1000) / 1000);
        metrics.publishStoredMetrics();
      } catch (err) {
        // A metric must never cost a response: drop this request's metrics and say why.
        try {
          metrics.clearMetrics();
          metrics.clearDimensions();
          deps.onError?.(err);
        } catch {
          // Nothing left to report with.
        }
      }
    },
  };
}
