import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLE_TARGET } from "../../constructs/lib/bundle";
import { FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME, FUNCTION_TABLE_ACTIONS } from "../../constructs/regional-backend";
import { readEnv } from "../../functions/lib/env";
import { METRICS_NAMESPACE, readMetricsSettings } from "../../functions/lib/metrics";
import { matchRoute } from "../../functions/lib/router";
import { DEFAULT_TIMEOUTS } from "../../functions/lib/store";
import { itemFunctions, resourcesOf, synthGlobalApp } from "../support/synth";

/** The synthesized function settings must stay in step with what the handler assumes. */
describe("function settings in step with the handler", () => {
  const { tf, config } = synthGlobalApp();
  const [, fn] = itemFunctions(tf)[0] as [string, Record<string, any>];

  it("runs on the Node.js major the bundle targets, on arm64", () => {
    expect(FUNCTION_RUNTIME).toBe(`nodejs${BUNDLE_TARGET.replace("node", "")}.x`);
    expect(fn.runtime).toBe(FUNCTION_RUNTIME);
    expect(fn.architectures).toEqual([FUNCTION_ARCHITECTURE]);
  });

  it("grants exactly the DynamoDB item actions the store sends", () => {
    const store = readFileSync(join(__dirname, "..", "..", "functions", "lib", "store.ts"), "utf8");
    const used = [...new Set([...store.matchAll(/new (\w+)Command\(/g)].map((m) => `dynamodb:${m[1]}`))].sort();
    expect(used.length).toBeGreaterThan(0);
    expect([...FUNCTION_TABLE_ACTIONS].sort()).toEqual(used);
  });

  it("sets every variable the handler requires, with values it accepts", () => {
    const vars = fn.environment.variables as Record<string, string>;
    expect(Object.keys(vars).sort()).toEqual(
      ["HEALTH_CHECK_MODE", "HEALTH_CHECK_PATH", "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_SERVICE_NAME", "STATUS", "TABLE_NAME"],
    );
    const env = readEnv({ ...vars, TABLE_NAME: config.tableName, AWS_REGION: "us-west-2" });
    expect(env.problems).toEqual([]);
  });

  it("switches request metrics on, named per deployment, with JSON logs that keep EMF lines top-level", () => {
    for (const environment of ["dev", "prod"]) {
      for (const [, f] of itemFunctions(synthGlobalApp({ environment }).tf)) {
        const vars = (f as { environment: { variables: Record<string, string> } }).environment.variables;
        expect(readMetricsSettings(vars)).toEqual({ namespace: METRICS_NAMESPACE, service: `globalapp-${environment}` });
        // POWERTOOLS_DEV would make Powertools print through the console Lambda wraps in its JSON format.
        expect(vars).not.toHaveProperty("POWERTOOLS_DEV");
        expect(vars).not.toHaveProperty("POWERTOOLS_METRICS_DISABLED");
        expect((f as { logging_config: { log_format: string } }).logging_config.log_format).toBe("JSON");
      }
    }
  });

  it("answers the health check on the target group's own path, default or custom", () => {
    for (const path of ["/health", "/healthz", "/ops/ping"]) {
      const { tf: custom } = synthGlobalApp({ healthCheck: { path } });
      for (const [, tg] of resourcesOf(custom, "aws_lb_target_group")) expect((tg.health_check as { path: string }).path).toBe(path);
      for (const [, f] of itemFunctions(custom)) {
        const vars = (f as { environment: { variables: Record<string, string> } }).environment.variables;
        const env = readEnv({ ...vars, TABLE_NAME: "GlobalApp", AWS_REGION: "us-west-2" });
        expect(env.problems).toEqual([]);
        expect(matchRoute("GET", path, env.healthPath)).toEqual({ name: "health" });
      }
    }
  });

  it("checks health shallow in dev and deep in prod, unless configured", () => {
    const mode = (override: unknown) =>
      itemFunctions(synthGlobalApp(override).tf).map(([, f]) => (f as { environment: { variables: Record<string, string> } }).environment.variables.HEALTH_CHECK_MODE);
    expect(mode({})).toEqual(["shallow", "shallow"]);
    expect(mode({ environment: "prod" })).toEqual(["deep", "deep"]);
    expect(mode({ environment: "prod", function: { healthCheckMode: "shallow" } })).toEqual(["shallow", "shallow"]);
    expect(mode({ function: { healthCheckMode: "deep" } })).toEqual(["deep", "deep"]);
  });

  it("gives a failing DynamoDB call time to end in a 503 before the Lambda timeout", () => {
    expect(DEFAULT_TIMEOUTS.operationMs + 500).toBeLessThanOrEqual(fn.timeout * 1000);
    expect(fn.timeout).toBe(config.function.timeoutSeconds);
  });

  it("answers a deep health check before the ALB's health-check timeout", () => {
    expect(DEFAULT_TIMEOUTS.pingMs).toBeLessThan(config.healthCheck.timeoutSeconds * 1000);
    expect(fn.timeout).toBeLessThan(config.healthCheck.timeoutSeconds);
  });

  it("logs JSON (Powertools' format) to /aws/lambda/<function name>", () => {
    const [, group] = resourcesOf(tf, "aws_cloudwatch_log_group")[0];
    expect(group.name).toBe(`/aws/lambda/${fn.function_name}`);
    expect(fn.logging_config).toEqual(expect.objectContaining({ log_format: "JSON" }));
  });
});
