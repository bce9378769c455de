/**
 * The Lambda behind every regional ALB (the article's get.py, done properly): a thin adapter.
 * Everything here runs once per execution environment; `handler` only delegates to the router.
 *
 * Env: TABLE_NAME, STATUS, AWS_REGION (set by Lambda), HEALTH_CHECK_MODE (shallow | deep),
 * HEALTH_CHECK_CACHE_MS (optional), AWS_ENDPOINT_URL_DYNAMODB (optional, local DynamoDB),
 * POWERTOOLS_LOG_LEVEL (optional), POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (request
 * metrics, lib/metrics.ts; off when unset). See docs/function.md.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { readEnv } from "./lib/env";
import { HealthCheck, ItemService } from "./lib/items";
import { createRequestMetrics, readMetricsSettings } from "./lib/metrics";
import { createRouter } from "./lib/router";
import { createClient, DynamoItemStore } from "./lib/store";

const env = readEnv(process.env);
const logger = new Logger({ serviceName: "globalapp-get", persistentKeys: { region: env.region } });

// A configuration problem is logged here and answered with 500 per request (never a module-load
// crash, which would leave the ALB with a 502 and no log line saying why).
if (env.problems.length > 0) logger.error("invalid configuration", { problems: env.problems });

const store = env.tableName ? new DynamoItemStore(createClient(env.region), env.tableName) : undefined;

const route = createRouter({
  env,
  logger,
  items: store && new ItemService(store, env.region),
  health:
    store && env.status !== undefined
      ? new HealthCheck(store, {
          status: env.status,
          region: env.region,
          mode: env.healthCheckMode,
          cacheMs: env.healthCacheMs,
          onFailure: (cause) => logger.warn("deep health check failed", { table: env.tableName, error: cause }),
        })
      : undefined,
});

const metricsSettings = readMetricsSettings(process.env);
const metrics = createRequestMetrics({
  metrics:
    metricsSettings &&
    new Metrics({ namespace: metricsSettings.namespace, serviceName: metricsSettings.service, defaultDimensions: { region: env.region }, logger }),
  healthPath: env.healthPath,
  onError: (error) => logger.warn("request metrics dropped", { error }),
});

/** ALB target: routes `/get/{id}`, `/items/{id}` and `/health`; never throws. */
export async function handler(event: ALBEvent, context?: Context): Promise<ALBResult> {
  const started = performance.now();
  const result = await route(event, context);
  metrics.record(event, result, performance.now() - started);
  return result;
}
