/**
 * The Lambda behind every regional ALB (the article's get.py, done properly): a thin adapter.
 * Everything here runs once per execution environment; `handler` only delegates to the router.
 *
 * Env: TABLE_NAME, STATUS, AWS_REGION (set by Lambda), HEALTH_CHECK_MODE (shallow | deep),
 * HEALTH_CHECK_CACHE_MS (optional), AWS_ENDPOINT_URL_DYNAMODB (optional, local DynamoDB),
 * POWERTOOLS_LOG_LEVEL (optional), POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (request
 * metrics, lib/metrics.ts; off when unset). See docs/function.md.
 */
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { ItemService } from "./lib/items";
import { createRouter } from "./lib/router";
import { functionRuntime } from "./lib/runtime";

const { env, logger, store, health, metrics } = functionRuntime(process.env, { serviceName: "globalapp-get" });

const route = createRouter({ env, logger, items: store && new ItemService(store, env.region), health });

/** ALB target: routes `/get/{id}`, `/items/{id}` and `/health`; never throws. */
export async function handler(event: ALBEvent, context?: Context): Promise<ALBResult> {
  const started = performance.now();
  const result = await route(event, context);
  metrics.record(event, result, performance.now() - started);
  return result;
}
