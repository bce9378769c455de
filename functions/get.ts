/**
 * The Lambda behind every regional ALB (the article's get.py, done properly): a thin adapter.
 * Everything here runs once per execution environment; `handler` only delegates to the router.
 *
 * Env: TABLE_NAME, STATUS, AWS_REGION (set by Lambda), HEALTH_CHECK_MODE (shallow | deep),
 * HEALTH_CHECK_CACHE_MS (optional), AWS_ENDPOINT_URL_DYNAMODB (optional, local DynamoDB),
 * POWERTOOLS_LOG_LEVEL (optional). See README, "The function".
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { readEnv } from "./lib/env";
import { HealthCheck, ItemService } from "./lib/items";
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

/** ALB target: routes `/get/{id}`, `/items/{id}` and `/health`; never throws. */
export function handler(event: ALBEvent, context?: Context): Promise<ALBResult> {
  return route(event, context);
}
