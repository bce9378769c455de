import { Metrics } from "@aws-lambda-powertools/metrics";
import type { ALBResult } from "aws-lambda";
import {
  createRequestMetrics,
  MAX_METRICS_PER_REGION,
  METRICS_NAMESPACE,
  metricsEnvironment,
  readMetricsSettings,
  routeName,
  ROUTE_NAMES,
  STATUS_CLASSES,
  statusClass,
} from "../../../functions/lib/metrics";
import { albEvent } from "../support/events";

const result = (statusCode: number): ALBResult => ({ statusCode, body: "" });

describe("statusClass", () => {
  it.each([
    [100, "1xx"],
    [200, "2xx"],
    [201, "2xx"],
    [301, "3xx"],
    [400, "4xx"],
    [405, "4xx"],
    [499, "4xx"],
    [500, "5xx"],
    [503, "5xx"],
    [599, "5xx"],
  ])("%i → %s", (code, cls) => {
    expect(statusClass(code)).toBe(cls);
  });
  it.each([[0], [99], [600], [200.5], [Number.NaN], ["200"], [undefined]])("%p is not a status the ALB accepts: counted as 5xx", (code) => {
    expect(statusClass(code)).toBe("5xx");
  });
});

describe("routeName", () => {
  it.each([
    ["GET", "/health", "health"],
    ["HEAD", "/health", "health"],
    ["GET", "/get/abc", "get"],
    ["GET", "/items/abc", "item"],
    ["PUT", "/items/abc", "item"],
    ["DELETE", "/items/a/b", "item"],
    ["POST", "/get/abc", "unmatched"],
    ["GET", "/nowhere", "unmatched"],
    ["GET", "/healthz", "unmatched"],
  ])("%s %s → %s", (method, path, name) => {
    expect(routeName(albEvent({ method, path }), "/health")).toBe(name);
  });
  it("follows a custom health-check path", () => {
    expect(routeName(albEvent({ path: "/ops/ping" }), "/ops/ping")).toBe("health");
    expect(routeName(albEvent({ path: "/health" }), "/ops/ping")).toBe("unmatched");
  });
  it.each([[undefined], [null], [42], ["GET /get/1"], [{ httpMethod: 7, path: {} }]])("a malformed event %p is unmatched", (event) => {
    expect(routeName(event, "/health")).toBe("unmatched");
  });
  it("only ever names a route from the fixed list", () => {
    expect(ROUTE_NAMES).toEqual(["health", "get", "item", "unmatched", "handler"]);
    // The item API publishes its four routes, your own function (functions/wrapper.ts) health and handler: never all five.
    expect(MAX_METRICS_PER_REGION).toBe(4 * STATUS_CLASSES.length * 2);
  });
});

describe("settings", () => {
  it("round-trips the stack's variables", () => {
    const s = { namespace: METRICS_NAMESPACE, service: "globalapp-prod" };
    expect(metricsEnvironment(s)).toEqual({ POWERTOOLS_METRICS_NAMESPACE: "GlobalApp", POWERTOOLS_SERVICE_NAME: "globalapp-prod" });
    expect(readMetricsSettings(metricsEnvironment(s))).toEqual(s);
  });
  it("are off without a namespace", () => {
    expect(readMetricsSettings({})).toBeUndefined();
    expect(readMetricsSettings({ POWERTOOLS_METRICS_NAMESPACE: "", POWERTOOLS_SERVICE_NAME: "x" })).toBeUndefined();
  });
  it("name an unknown service when only the namespace is set", () => {
    expect(readMetricsSettings({ POWERTOOLS_METRICS_NAMESPACE: "GlobalApp" })).toEqual({ namespace: "GlobalApp", service: "unknown" });
  });
});

describe("createRequestMetrics", () => {
  it("is a no-op without a Metrics instance", () => {
    expect(() => createRequestMetrics({ healthPath: "/health" }).record(albEvent({ path: "/health" }), result(200), 1)).not.toThrow();
  });

  it("never lets a failing publish reach the request, reports it, and keeps publishing afterwards", () => {
    /** Real Powertools Metrics whose stdout write fails once, as a broken pipe would. */
    class FailingOnce extends Metrics {
      public failures = 1;
      public published = 0;
      public override publishStoredMetrics(): this {
        if (this.failures-- > 0) throw new Error("EPIPE");
        this.published++;
        this.clearMetrics();
        this.clearDimensions();
        return this;
      }
    }
    const metrics = new FailingOnce({ namespace: "GlobalApp", serviceName: "t", defaultDimensions: { region: "eu-central-1" } });
    const errors: unknown[] = [];
    const recorder = createRequestMetrics({ metrics, healthPath: "/health", onError: (e) => errors.push(e) });
    expect(() => recorder.record(albEvent({ path: "/get/1" }), result(200), 1.5)).not.toThrow();
    expect(errors).toEqual([new Error("EPIPE")]);
    // The failed request's metrics were dropped, not carried into the next line.
    expect(metrics.hasStoredMetrics()).toBe(false);
    recorder.record(albEvent({ path: "/get/1" }), result(404), 2);
    expect(metrics.published).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
