/**
 * Every limit the local system enforces, in one place, with the AWS figure it copies and where AWS
 * documents it. docs/local.md's "Limits" table lists the same values.
 *
 * Sources:
 * - ALB + Lambda: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 *   ("Limits": request body 1 MB, response JSON 1 MB; upgrade requests answered 400)
 * - ALB HTTP header limits: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 *   (request line 16 K, single header 16 K, entire request header 64 K)
 * - ALB error codes: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html
 *   (400 malformed request / header over the limits / client closed before the full body; 405 TRACE;
 *   408 no data before the idle timeout; 413 Lambda request body over 1 MB; 414 URL too large;
 *   463 more than 30 addresses in X-Forwarded-For; 501 unsupported Transfer-Encoding; 502 Lambda
 *   response over 1 MB, Lambda timed out, returned an error "or the function was throttled by the
 *   Lambda service"; 504 target did not answer before the idle timeout)
 * - ALB idle timeout, default 60 s: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout
 * - Global Accelerator idle timeout, 340 s for TCP: https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-how-it-works.html#about-idle-timeout
 * - Lambda: the Init phase is limited to 10 s (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html);
 *   each execution environment serves one invocation at a time, and a synchronous invocation beyond
 *   the function's concurrency is throttled, not queued (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 */

import { ALB_RESPONSE_LIMIT } from "../functions/lib/response";

/** Fixed ALB limits for a Lambda target (bytes, counts). */
export const ALB_LIMITS = {
  /** Request body the ALB passes to a Lambda function; larger is answered 413. */
  lambdaRequestBodyBytes: 1024 * 1024,
  /**
   * Response JSON a Lambda function may return to the ALB; larger is answered 502. The function's
   * own limit (functions/lib/response.ts), so what the emulator lets through is what AWS does.
   */
  lambdaResponseBytes: ALB_RESPONSE_LIMIT,
  /** Request line (`GET /path?query HTTP/1.1`); longer is answered 414. */
  requestLineBytes: 16 * 1024,
  /** One header line (`name: value`); longer is answered 400. */
  singleHeaderBytes: 16 * 1024,
  /** All header lines together; more is answered 400. */
  requestHeaderBytes: 64 * 1024,
  /** Addresses an incoming X-Forwarded-For may carry; more is answered 463. */
  forwardedForAddresses: 30,
} as const;

/**
 * The timing limits (real milliseconds: like the function's own timeout they are not scaled by
 * `--time-scale`) and the concurrency cap. Tests shorten them.
 */
export interface LocalLimits {
  /**
   * ALB connection idle timeout: a client that sends nothing for this long is answered 408 and
   * disconnected (the request's headers must all arrive within it); an idle keep-alive connection is
   * closed; a function that has not answered within it is answered 504 and its invocation cancelled.
   * @default 60000 (the ALB default)
   */
  readonly albIdleTimeoutMs: number;
  /**
   * Longest time a request may take to arrive completely (headers and body), whatever the idle
   * timeout; then 408. AWS documents no such bound; this one keeps a trickling client from holding a
   * request open for ever. @default 300000 (Node's default)
   */
  readonly albRequestTimeoutMs: number;
  /** Global Accelerator's TCP idle timeout: a relayed connection idle this long is closed. @default 340000 */
  readonly acceleratorIdleTimeoutMs: number;
  /**
   * Connections the accelerator holds before their first request's headers have arrived (it reads
   * them for `x-client-region`); one more is reset at once, like a full SYN backlog. AWS publishes no
   * figure (Shield absorbs floods at the edge); this is the emulator's own cap. @default 1024
   */
  readonly acceleratorMaxPendingConnections: number;
  /**
   * How long the accelerator waits for a new connection's first request headers before routing it
   * anyway (to the default client location); GA itself routes at once, it does not read HTTP.
   * @default 2000
   */
  readonly acceleratorHeadWaitMs: number;
  /** Lambda's Init limit: an execution environment whose bundle has not loaded by then is discarded (the request gets 502). @default 10000 */
  readonly functionInitTimeoutMs: number;
}

/** The defaults of {@link LocalLimits}. */
export const DEFAULT_LIMITS: LocalLimits = {
  albIdleTimeoutMs: 60_000,
  albRequestTimeoutMs: 300_000,
  acceleratorIdleTimeoutMs: 340_000,
  acceleratorMaxPendingConnections: 1024,
  acceleratorHeadWaitMs: 2_000,
  functionInitTimeoutMs: 10_000,
};

/**
 * Execution environments per region when `function.reservedConcurrency` is not set. On AWS the
 * function then shares the account's unreserved concurrency (1000 by default); locally every
 * environment is a worker thread of ~25 MB, so the emulator stops at 32 per region.
 */
export const DEFAULT_LOCAL_CONCURRENCY = 32;
