/**
 * ALBEvent → route → ALBResult. Reads whatever the ALB (or anything else) sends defensively,
 * dispatches to the service logic, maps every error through `toHttpError`, and answers in the
 * event's header form (single- or multi-value).
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import type { FunctionEnv } from "./env";
import { ConfigurationError, HttpError, MethodNotAllowedError, NotFoundError, toHttpError } from "./errors";
import { parseItemId, type HealthCheck, type ItemService } from "./items";
import { encodeResponse, errorResponse, type OversizeListener, type ServiceResponse } from "./response";

/** What a path resolves to. */
export type Route = { readonly name: "health" } | { readonly name: "get" | "item"; readonly rawId: string };

interface RouteSpec {
  readonly pattern: RegExp;
  readonly methods: readonly string[];
  readonly route: (match: RegExpExecArray) => Route;
}

const HEALTH_METHODS = ["GET", "HEAD"];

// The id is everything after the prefix, slashes included, still URL-encoded (the ALB does not decode).
const ITEM_ROUTES: readonly RouteSpec[] = [
  { pattern: /^\/get\/(.*)$/s, methods: ["GET", "HEAD"], route: (m) => ({ name: "get", rawId: m[1] }) },
  { pattern: /^\/items\/(.*)$/s, methods: ["GET", "HEAD", "PUT", "DELETE"], route: (m) => ({ name: "item", rawId: m[1] }) },
];

/**
 * Resolves method and path to a route. The health route is the target group's health-check path
 * (`HEALTH_CHECK_PATH`, default "/health"), so a custom `healthCheck.path` is answered too.
 * @throws NotFoundError for an unknown path, MethodNotAllowedError (with `Allow`) for a wrong method.
 */
export function matchRoute(method: string, path: string, healthPath = "/health"): Route {
  if (path === healthPath) {
    if (!HEALTH_METHODS.includes(method)) throw new MethodNotAllowedError(HEALTH_METHODS);
    return { name: "health" };
  }
  for (const spec of ITEM_ROUTES) {
    const match = spec.pattern.exec(path);
    if (!match) continue;
    if (!spec.methods.includes(method)) throw new MethodNotAllowedError(spec.methods);
    return spec.route(match);
  }
  throw new NotFoundError("not found");
}

/** The parts of an ALB event the function uses, read defensively (the event may be anything). */
export interface RequestView {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  /** The target group has multi-value headers on: answer with `multiValueHeaders`. */
  readonly multiValue: boolean;
  /** `Accept-Encoding` allows gzip: a response too large for the ALB may be sent compressed. */
  readonly acceptsGzip: boolean;
  /** The ALB's `X-Amzn-Trace-Id`, for the log. */
  readonly traceId?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Every value of header `name` (any case), from either header form, joined with commas. */
function headerValue(headers: Record<string, unknown>, multi: Record<string, unknown> | undefined, name: string): string | undefined {
  const values: string[] = [];
  for (const [key, value] of Object.entries(multi ?? headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v): v is string => typeof v === "string"));
  }
  return values.length > 0 ? values.join(",") : undefined;
}

/**
 * Whether an Accept-Encoding value allows gzip (RFC 9110 §12.5.3): `gzip` or `x-gzip` with a
 * q-value above 0, or `*` above 0 when gzip is not listed itself.
 */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  let gzip: boolean | undefined;
  let any = false;
  for (const part of acceptEncoding.split(",")) {
    const [coding, ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding === "gzip" || coding === "x-gzip") gzip = allowed;
    else if (coding === "*") any = allowed;
  }
  return gzip ?? any;
}

/** Reads an ALB event (either header form) without trusting its shape. */
export function readRequest(event: unknown): RequestView {
  const e = isRecord(event) ? event : {};
  const headers = isRecord(e.headers) ? e.headers : {};
  const multi = isRecord(e.multiValueHeaders) ? e.multiValueHeaders : undefined;
  const multiTrace = multi?.["x-amzn-trace-id"];
  return {
    method: str(e.httpMethod) ?? "",
    path: str(e.path) ?? "",
    body: str(e.body),
    isBase64Encoded: e.isBase64Encoded === true,
    multiValue: multi !== undefined || isRecord(e.multiValueQueryStringParameters),
    acceptsGzip: acceptsGzip(headerValue(headers, multi, "accept-encoding")),
    traceId: str(headers["x-amzn-trace-id"]) ?? (Array.isArray(multiTrace) ? str(multiTrace[0]) : undefined),
  };
}

/**
 * Builds the ALBResult: JSON body (empty for HEAD), `content-type` and `x-served-by-region` always,
 * in `multiValueHeaders` when the request came in that form, else `headers`; never beyond the ALB's
 * 1 MB response limit (response.ts).
 */
export function toALBResult(request: RequestView, response: ServiceResponse, region: string, onOversize?: OversizeListener): ALBResult {
  const form = { multiValue: request.multiValue, head: request.method === "HEAD", acceptsGzip: request.acceptsGzip };
  return encodeResponse(form, response, region, onOversize);
}

/** What the router dispatches to; built once per execution environment by the handler. */
export interface RouterDeps {
  /** The validated environment. */
  readonly env: FunctionEnv;
  /** Item logic; absent when the configuration does not allow a store (e.g. no TABLE_NAME). */
  readonly items?: ItemService;
  /** `/health`; absent when the configuration is invalid. */
  readonly health?: HealthCheck;
  /** Structured logger; the router adds request id and trace id per invocation. */
  readonly logger: Logger;
  /** Time kept back from the Lambda deadline to log and answer after aborting a DynamoDB call, ms. @default 300 */
  readonly reserveMs?: number;
}

/** Logs an error at the level its status deserves, with the cause (stack included) for 5xx. */
function logError(logger: Logger, error: HttpError, route: string): void {
  if (error instanceof ConfigurationError) {
    logger.error("invalid configuration", { route, problems: error.problems });
  } else if (error.statusCode === 503) {
    logger.warn("dependency unavailable", { route, error: error.cause ?? error });
  } else if (error.statusCode >= 500) {
    logger.error("unexpected error", { route, error: error.cause ?? error });
  } else {
    logger.debug("request rejected", { route, status: error.statusCode, reason: error.message });
  }
}

/** A response for when everything else failed (e.g. the logger threw): fixed, safe, well-formed. */
function lastResort(region: string): ALBResult {
  return {
    statusCode: 500,
    statusDescription: "500 Internal Server Error",
    isBase64Encoded: false,
    headers: { "content-type": "application/json", "x-served-by-region": region },
    body: JSON.stringify({ error: "internal error", region }),
  };
}

/** Creates the request pipeline. The returned function never throws and always answers. */
export function createRouter(deps: RouterDeps): (event: ALBEvent, context?: Context) => Promise<ALBResult> {
  const { env, logger } = deps;
  const reserveMs = deps.reserveMs ?? 300;

  async function dispatch(route: Route, request: RequestView, signal?: AbortSignal): Promise<ServiceResponse> {
    if (route.name === "health") {
      if (!deps.health || env.problems.length > 0) throw new ConfigurationError(env.problems);
      return deps.health.check();
    }
    if (!deps.items) throw new ConfigurationError(env.problems);
    const id = parseItemId(route.rawId);
    switch (request.method) {
      case "PUT":
        return deps.items.put(id, request.body, request.isBase64Encoded, signal);
      case "DELETE":
        return deps.items.delete(id, signal);
      default:
        return deps.items.get(id, signal);
    }
  }

  return async function route(event: ALBEvent, context?: Context): Promise<ALBResult> {
    try {
      const request = readRequest(event);
      if (context) logger.addContext(context);
      logger.resetKeys();
      if (request.traceId) logger.appendKeys({ trace_id: request.traceId });
      // End DynamoDB calls before Lambda's own timeout, so the function can still answer 503.
      const remaining = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
      const signal = remaining === undefined ? undefined : AbortSignal.timeout(Math.max(remaining - reserveMs, 1));
      let routeName = "unmatched";
      let response: ServiceResponse;
      try {
        const matched = matchRoute(request.method, request.path, env.healthPath);
        routeName = matched.name;
        response = await dispatch(matched, request, signal);
      } catch (err) {
        const error = toHttpError(err);
        logError(logger, error, routeName);
        response = errorResponse(error, env.region);
      }
      logger.debug("request", { method: request.method, path: request.path, route: routeName, status: response.statusCode });
      return toALBResult(request, response, env.region, (what) =>
        logger.warn("response over the ALB's size limit", { route: routeName, bytes: what.bytes, outcome: what.outcome }),
      );
    } catch (err) {
      try {
        logger.error("response failed", { error: err });
      } catch {
        // Nothing left to report with; the fixed response below still reaches the client.
      }
      return lastResort(env.region);
    }
  };
}
