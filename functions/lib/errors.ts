/**
 * Typed HTTP errors and the one function that maps anything thrown to a response status.
 *
 * Bodies carry only the fixed, public `message` of an HttpError; the original error (SDK message,
 * stack, cause) is for the log, never for the client.
 */

/** Seconds a client should wait before retrying after a 503 (the `Retry-After` header). */
export const RETRY_AFTER_SECONDS = 1;

/** An error with an HTTP status, a public message that is safe to return, and extra headers. */
export abstract class HttpError extends Error {
  /** HTTP status code of the response. */
  public abstract readonly statusCode: number;
  /** Headers the response must carry (e.g. `Allow`, `Retry-After`). */
  public readonly headers: Readonly<Record<string, string>> = {};
  /** Extra fields merged into the JSON body, e.g. the item id of a 404. Must be safe to show. */
  public readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? {};
  }
}

/** 400: the request is malformed (bad id, bad JSON body, body too large, …). */
export class BadRequestError extends HttpError {
  // Literal, not new.target.name: the bundle is minified and class names are mangled.
  public name = "BadRequestError";
  public readonly statusCode = 400;
}

/** 404: unknown path, or no item with that id. */
export class NotFoundError extends HttpError {
  public name = "NotFoundError";
  public readonly statusCode = 404;
}

/** 405: the path exists but not with this method; `Allow` lists the methods that do. */
export class MethodNotAllowedError extends HttpError {
  public name = "MethodNotAllowedError";
  public readonly statusCode = 405;
  public readonly headers: Readonly<Record<string, string>>;

  constructor(public readonly allow: readonly string[]) {
    super("method not allowed");
    this.headers = { allow: allow.join(", ") };
  }
}

/** 500: the function is misconfigured (missing TABLE_NAME, invalid STATUS, …). The reason is logged only. */
export class ConfigurationError extends HttpError {
  public name = "ConfigurationError";
  public readonly statusCode = 500;

  constructor(public readonly problems: readonly string[]) {
    super("internal error");
  }
}

/** 500: anything unexpected. The cause is logged, the body stays generic. */
export class InternalError extends HttpError {
  public name = "InternalError";
  public readonly statusCode = 500;
}

/** 503: DynamoDB is throttling, timing out or unreachable; retry later. */
export class ServiceUnavailableError extends HttpError {
  public name = "ServiceUnavailableError";
  public readonly statusCode = 503;
  public readonly headers: Readonly<Record<string, string>> = { "retry-after": String(RETRY_AFTER_SECONDS) };
}

/** DynamoDB error names that mean "too many requests right now". */
const THROTTLING_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);

/** Error names of timeouts and service-side transient failures (SDK, smithy and DynamoDB). */
const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "AbortError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

/** Node.js network error codes: the endpoint cannot be reached or dropped the connection. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

function field(err: unknown, key: string): unknown {
  return typeof err === "object" && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

/**
 * True when `err` (or an error in its `cause` chain) means DynamoDB is throttling, timing out,
 * failing on its side (HTTP 5xx) or unreachable: a condition worth a retry, not a bug.
 */
export function isDependencyUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const name = field(current, "name");
    const code = field(current, "code");
    const status = field(field(current, "$metadata"), "httpStatusCode");
    if (typeof name === "string" && (THROTTLING_NAMES.has(name) || TRANSIENT_NAMES.has(name))) return true;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (typeof status === "number" && status >= 500) return true;
    if (field(field(current, "$retryable"), "throttling") === true) return true;
    current = field(current, "cause");
  }
  return false;
}

/**
 * The one mapping from anything thrown to an HttpError (and so to a status code): HttpErrors as
 * they are, dependency trouble → 503 with Retry-After, everything else → 500 with a generic body.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isDependencyUnavailable(err)) return new ServiceUnavailableError("service unavailable, retry later", { cause: err });
  return new InternalError("internal error", { cause: err });
}
