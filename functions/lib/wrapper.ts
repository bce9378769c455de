/**
 * Your own handler (`function.entry`) behind GlobalApp's health check and drain: the health path is
 * answered by the item API's own health route (STATUS, shallow or deep; router.ts), every other
 * request goes to your handler. What your handler answers reaches the client as it is, plus the
 * `x-served-by-region` header every GlobalApp response carries; a handler that throws, or answers
 * something the ALB could not pass on, gets a 502 JSON answer with the request id instead. The
 * cause goes to the log, never to the client.
 */
import type { ALBEvent, ALBResult, Context } from "aws-lambda";
import { readRequest } from "./router";
import { encodeResponse, fitsAlb, resultBytes, ALB_RESPONSE_LIMIT } from "./response";
import type { RequestMetrics } from "./metrics";

/** The handler contract of `function.entry`: an ALB target's handler. */
export type OwnHandler = (event: ALBEvent, context: Context) => Promise<ALBResult>;

/** The header that names the region in every response (DESIGN: interfaces). */
export const REGION_HEADER = "x-served-by-region";

/** What the wrapper logs with: the Powertools Logger's two levels it uses. */
export interface WrapperLog {
  error(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

/** What {@link wrapHandler} needs; built once per execution environment (functions/wrapper.ts). */
export interface WrapperDeps {
  /** The region named in every response. */
  readonly region: string;
  /** The target group's health-check path; requests to it never reach your handler. */
  readonly healthPath: string;
  /** Answers the health path exactly as the item API does (the router, with its health check). */
  readonly health: (event: ALBEvent, context?: Context) => Promise<ALBResult>;
  readonly log: WrapperLog;
  /** Request metrics (route `health` or `handler`). @default none */
  readonly metrics?: RequestMetrics;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isHeaderValue = (v: unknown) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/**
 * Why `value` is not an ALBResult the ALB can pass on, or undefined when it is one: an object with
 * an integer `statusCode` 100-599, and when present a string `statusDescription` and `body`, a
 * boolean `isBase64Encoded`, `headers` of strings (numbers, booleans) and `multiValueHeaders` of
 * lists of them (the shape of @types/aws-lambda's ALBResult, which the Node.js runtime serializes).
 */
export function albResultProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `it returned ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}, not an object`;
  const { statusCode, statusDescription, body, isBase64Encoded, headers, multiValueHeaders } = value;
  if (typeof statusCode !== "number" || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return `statusCode is ${JSON.stringify(statusCode) ?? "undefined"}, not an HTTP status 100-599`;
  }
  if (statusDescription !== undefined && typeof statusDescription !== "string") return "statusDescription is not a string";
  if (body !== undefined && typeof body !== "string") return `body is ${body === null ? "null" : typeof body}, not a string`;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== "boolean") return "isBase64Encoded is not a boolean";
  if (headers !== undefined) {
    if (!isRecord(headers)) return "headers is not an object";
    const bad = Object.keys(headers).find((k) => !isHeaderValue(headers[k]));
    if (bad !== undefined) return `headers[${JSON.stringify(bad)}] is not a string`;
  }
  if (multiValueHeaders !== undefined) {
    if (!isRecord(multiValueHeaders)) return "multiValueHeaders is not an object";
    const bad = Object.keys(multiValueHeaders).find((k) => {
      const values = multiValueHeaders[k];
      return !Array.isArray(values) || !values.every(isHeaderValue);
    });
    if (bad !== undefined) return `multiValueHeaders[${JSON.stringify(bad)}] is not a list of strings`;
  }
  return undefined;
}

/** `headers` without any spelling of `name`, then `name: value` (the region header is ours to set). */
function withHeader<T>(headers: Readonly<Record<string, T>>, name: string, value: T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== name) out[k] = v;
  out[name] = value;
  return out;
}

/**
 * `result` with the region header, in the header form(s) it uses; a result with neither form gets
 * the form of the request (multi-value when the target group sends multi-value headers).
 */
export function withRegion(result: ALBResult, region: string, multiValue: boolean): ALBResult {
  const out: ALBResult = { ...result };
  const neither = result.headers === undefined && result.multiValueHeaders === undefined;
  if (result.headers !== undefined || (neither && !multiValue)) out.headers = withHeader(result.headers ?? {}, REGION_HEADER, region);
  if (result.multiValueHeaders !== undefined || (neither && multiValue)) {
    out.multiValueHeaders = withHeader(result.multiValueHeaders ?? {}, REGION_HEADER, [region]);
  }
  return out;
}

/** The body of every 502 the wrapper answers: fixed words, the region and the request id; never a cause. */
export const HANDLER_FAILED = "bad gateway: the function's handler failed";

/**
 * Wraps your handler: health path to the health route, everything else to `own`. `own` is checked
 * per request, not trusted: a module that does not export a function is answered like a handler that
 * throws. The returned function never throws and always answers.
 */
export function wrapHandler(own: unknown, deps: WrapperDeps): (event: ALBEvent, context?: Context) => Promise<ALBResult> {
  const { region, log } = deps;

  const failed = (multiValue: boolean, requestId: string): ALBResult =>
    encodeResponse({ multiValue, head: false, acceptsGzip: false }, { statusCode: 502, body: { error: HANDLER_FAILED, region, requestId } }, region);

  async function answer(event: ALBEvent, context: Context | undefined): Promise<ALBResult> {
    const request = readRequest(event);
    if (request.path === deps.healthPath) return deps.health(event, context);
    const requestId = context?.awsRequestId ?? "unknown";
    if (typeof own !== "function") {
      log.error("function.entry exports no function named handler", { requestId });
      return failed(request.multiValue, requestId);
    }
    let result: unknown;
    try {
      result = await (own as OwnHandler)(event, context as Context);
    } catch (err) {
      log.error("the handler threw", { requestId, error: err });
      return failed(request.multiValue, requestId);
    }
    const problem = albResultProblem(result);
    if (problem !== undefined) {
      log.error("the handler's answer is not an ALBResult", { requestId, problem });
      return failed(request.multiValue, requestId);
    }
    const answered = withRegion(result as ALBResult, region, request.multiValue);
    // The ALB would answer a bare 502 for a response over its limit (response.ts); this one says which request.
    if (!fitsAlb(answered)) {
      log.error("the handler's answer is over the ALB's response limit", { requestId, bytes: resultBytes(answered), limitBytes: ALB_RESPONSE_LIMIT });
      return failed(request.multiValue, requestId);
    }
    return answered;
  }

  return async (event, context) => {
    const started = performance.now();
    let result: ALBResult;
    try {
      result = await answer(event, context);
    } catch (err) {
      // Only a failure of the wrapper itself (e.g. the logger) gets here: still a well-formed answer.
      try {
        log.error("the wrapper failed", { error: err });
      } catch {
        // Nothing left to report with.
      }
      result = failed(readRequest(event).multiValue, context?.awsRequestId ?? "unknown");
    }
    deps.metrics?.record(event, result, performance.now() - started);
    return result;
  };
}
