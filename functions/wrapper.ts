/**
 * The wrapper bundled around your own handler (`function.entry`; constructs/lib/bundle.ts builds
 * `export const handler = wrap(yourHandler)`): GlobalApp keeps the health path and the drain, your
 * handler gets every other request. Everything here runs once per execution environment.
 *
 * Env: as functions/get.ts (TABLE_NAME, STATUS, HEALTH_CHECK_*, the metrics' variables), plus your
 * `function.environment`. See docs/your-own-function.md.
 */
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { HANDLER_ROUTE_NAMES } from "./lib/metrics";
import { readRequest, createRouter } from "./lib/router";
import { functionRuntime } from "./lib/runtime";
import { wrapHandler } from "./lib/wrapper";

const [HEALTH_ROUTE, HANDLER_ROUTE] = HANDLER_ROUTE_NAMES;

const { env, logger, health, metrics } = functionRuntime(process.env, {
  serviceName: "globalapp-wrapper",
  route: (event, healthPath) => (readRequest(event).path === healthPath ? HEALTH_ROUTE : HANDLER_ROUTE),
});

// The item API's router with no items: on the health path it answers exactly as functions/get.ts does.
const healthRoute = createRouter({ env, logger, health });

/** Your handler behind GlobalApp's health path; the result is the function's `handler`. */
export function wrap(own: unknown): (event: ALBEvent, context?: Context) => Promise<ALBResult> {
  return wrapHandler(own, { region: env.region, healthPath: env.healthPath, health: healthRoute, log: logger, metrics });
}
