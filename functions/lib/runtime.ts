/**
 * What every GlobalApp function builds once per execution environment (cold start), shared by the
 * item API (functions/get.ts) and the wrapper around your own handler (functions/wrapper.ts): the
 * validated environment, the logger, the region's replica, the health check and the request metrics.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { type FunctionEnv, readEnv } from "./env";
import { HealthCheck } from "./items";
import { createRequestMetrics, readMetricsSettings, type RequestMetrics, type RouteName } from "./metrics";
import { createClient, DynamoItemStore } from "./store";

/** The parts of one execution environment. */
export interface FunctionRuntime {
  readonly env: FunctionEnv;
  readonly logger: Logger;
  /** The region's replica; undefined when TABLE_NAME is missing or invalid (see `env.problems`). */
  readonly store?: DynamoItemStore;
  /** The health path's check; undefined when the configuration does not allow one. */
  readonly health?: HealthCheck;
  readonly metrics: RequestMetrics;
}

/** Settings of {@link functionRuntime}. */
export interface FunctionRuntimeOptions {
  /** The logger's `service` name. */
  readonly serviceName: string;
  /** The `route` dimension of a request's metrics. @default the item API's routes (metrics.ts routeName) */
  readonly route?: (event: unknown, healthPath: string) => RouteName;
}

/**
 * Reads the environment and builds the parts. A configuration problem is logged here and answered
 * with 500 per request (never a module-load crash, which would leave the ALB with a 502 and no log
 * line saying why).
 */
export function functionRuntime(variables: Readonly<Record<string, string | undefined>>, options: FunctionRuntimeOptions): FunctionRuntime {
  const env = readEnv(variables);
  const logger = new Logger({ serviceName: options.serviceName, persistentKeys: { region: env.region } });
  if (env.problems.length > 0) logger.error("invalid configuration", { problems: env.problems });

  const store = env.tableName ? new DynamoItemStore(createClient(env.region), env.tableName) : undefined;
  const health =
    store && env.status !== undefined
      ? new HealthCheck(store, {
          status: env.status,
          region: env.region,
          mode: env.healthCheckMode,
          cacheMs: env.healthCacheMs,
          onFailure: (cause) => logger.warn("deep health check failed", { table: env.tableName, error: cause }),
        })
      : undefined;

  const metricsSettings = readMetricsSettings(variables);
  const metrics = createRequestMetrics({
    metrics:
      metricsSettings &&
      new Metrics({ namespace: metricsSettings.namespace, serviceName: metricsSettings.service, defaultDimensions: { region: env.region }, logger }),
    healthPath: env.healthPath,
    route: options.route,
    onError: (error) => logger.warn("request metrics dropped", { error }),
  });
  return { env, logger, store, health, metrics };
}
