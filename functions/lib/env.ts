/**
 * The function's environment, read and validated once per execution environment (cold start).
 *
 * A bad or missing value does not throw at module load (that would make every invocation fail
 * without a response the ALB can use); it is recorded in `problems`, logged at cold start, and
 * every request that needs the value answers 500 — `/health` included, so a misconfigured region
 * fails its health check and Global Accelerator moves traffic away.
 */

/** `HEALTH_CHECK_MODE`: shallow answers `STATUS` only; deep also reads the region's replica. */
export type HealthCheckMode = "shallow" | "deep";

/** Validated settings of one execution environment. */
export interface FunctionEnv {
  /** `AWS_REGION`: the region this function serves; named in every response. "unknown" if unset. */
  readonly region: string;
  /** `TABLE_NAME`: the DynamoDB table (the region's replica). Undefined when missing: see `problems`. */
  readonly tableName?: string;
  /** `STATUS`: the status `/health` answers ({@link parseStatus}). Undefined when invalid: see `problems`. */
  readonly status?: number;
  /** `HEALTH_CHECK_MODE`. @default "shallow" */
  readonly healthCheckMode: HealthCheckMode;
  /** `HEALTH_CHECK_CACHE_MS`: how long a deep check's answer is reused, 0–60000 ms. @default 5000 */
  readonly healthCacheMs: number;
  /** `HEALTH_CHECK_PATH`: the path the ALB's health check requests (the target group's). @default "/health" */
  readonly healthPath: string;
  /** One line per configuration problem: `NAME = "value": what is allowed`. Empty when all is well. */
  readonly problems: readonly string[];
}

/** Default of `HEALTH_CHECK_PATH`, the ALB target group's default health-check path in GlobalApp. */
export const DEFAULT_HEALTH_PATH = "/health";

/** A health path: absolute, URL-safe characters (the target group's path limits). Shared with model/config. */
export const HEALTH_PATH = /^\/[A-Za-z0-9\-._~/]{0,1023}$/;
/** The item routes' prefixes; a health path must lie outside them. Shared with model/config. */
export const ITEM_ROUTE = /^\/(get|items)(\/|$)/;

/** What a deployment decides about the function; the variables below are built from it in one place. */
export interface FunctionEnvSettings {
  /** The table (each region's function reads its own replica under the same name). */
  readonly tableName: string;
  /** The status `/health` answers: 200, or 400 to fail the region over (the article's switch); {@link STATUS_RULE}. @default 200 */
  readonly status?: number;
  readonly healthCheckMode: HealthCheckMode;
  /** The target group's health-check path. */
  readonly healthPath: string;
}

/**
 * The environment variables this function reads, as the stack (Lambda) and the local system (worker)
 * both set them: the one place producer and consumer agree on names and formats.
 */
export function functionEnvironment(s: FunctionEnvSettings): Record<string, string> {
  const status = s.status ?? 200;
  if (parseStatus(status) === undefined) throw new RangeError(`STATUS must be ${STATUS_RULE}, got ${status}`);
  return {
    TABLE_NAME: s.tableName,
    STATUS: String(status),
    HEALTH_CHECK_MODE: s.healthCheckMode,
    HEALTH_CHECK_PATH: s.healthPath,
  };
}

/**
 * What `STATUS` may be, for messages: `/health` answers it as the status of a final response that
 * carries a JSON body, so informational codes (1xx) and the codes that must not have a body
 * (204 No Content, 205 Reset Content, 304 Not Modified; RFC 9110 §15.3.5, §15.3.6, §15.4.5) are out.
 */
export const STATUS_RULE = "an HTTP status code of a final response with a body: an integer 200-599 other than 204, 205 and 304";

/** Statuses in 200–599 that must not carry a body. */
const BODYLESS = new Set([204, 205, 304]);

/**
 * The one check of a `STATUS` value, shared by the function, the stack's and the local system's
 * env vars and the local admin API: the status as a number, or undefined when it is not
 * {@link STATUS_RULE}. Surrounding whitespace is ignored; "2e2", "0x12C" and "200.0" are not integers.
 */
export function parseStatus(value: string | number | undefined): number | undefined {
  const text = typeof value === "number" ? String(value) : value?.trim();
  if (text === undefined || !/^[0-9]{3}$/.test(text)) return undefined;
  const status = Number(text);
  return status >= 200 && status <= 599 && !BODYLESS.has(status) ? status : undefined;
}

/** Default of `HEALTH_CHECK_CACHE_MS`: ALB nodes each probe every interval (≥ 5 s); one read serves them all. */
export const DEFAULT_HEALTH_CACHE_MS = 5000;

const INTEGER = /^[0-9]+$/;
// DynamoDB table names: 3–255 of A-Z a-z 0-9 _ - .
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Reads and validates the function's environment variables. Never throws. */
export function readEnv(env: Readonly<Record<string, string | undefined>>): FunctionEnv {
  const problems: string[] = [];
  const bad = (name: string, value: string | undefined, allowed: string) =>
    problems.push(`${name} = ${value === undefined ? "missing" : JSON.stringify(value)}: ${allowed}`);

  const region = env.AWS_REGION;
  if (!region) bad("AWS_REGION", region, "must name the AWS region");

  const tableName = env.TABLE_NAME;
  if (tableName === undefined || !TABLE_NAME.test(tableName)) {
    bad("TABLE_NAME", tableName, "must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ - .)");
  }

  const status = parseStatus(env.STATUS);
  if (status === undefined) bad("STATUS", env.STATUS, `must be ${STATUS_RULE}`);

  const mode = env.HEALTH_CHECK_MODE ?? "shallow";
  if (mode !== "shallow" && mode !== "deep") bad("HEALTH_CHECK_MODE", mode, "allowed: shallow | deep");

  const rawCache = env.HEALTH_CHECK_CACHE_MS;
  let healthCacheMs = DEFAULT_HEALTH_CACHE_MS;
  if (rawCache !== undefined) {
    if (INTEGER.test(rawCache) && Number(rawCache) <= 60000) healthCacheMs = Number(rawCache);
    else bad("HEALTH_CHECK_CACHE_MS", rawCache, "must be an integer between 0 and 60000 (ms)");
  }

  const healthPath = env.HEALTH_CHECK_PATH ?? DEFAULT_HEALTH_PATH;
  const healthPathOk = HEALTH_PATH.test(healthPath) && !ITEM_ROUTE.test(healthPath);
  if (!healthPathOk) bad("HEALTH_CHECK_PATH", healthPath, 'must be an absolute path outside /get/ and /items/, e.g. "/health"');

  return {
    region: region || "unknown",
    tableName: tableName !== undefined && TABLE_NAME.test(tableName) ? tableName : undefined,
    status,
    healthCheckMode: mode === "deep" ? "deep" : "shallow",
    healthCacheMs,
    healthPath: healthPathOk ? healthPath : DEFAULT_HEALTH_PATH,
    problems,
  };
}
