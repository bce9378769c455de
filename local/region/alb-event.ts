/**
 * The ALB's side of a Lambda target, as data: an HTTP request becomes the event an ALB sends the
 * function (single- or multi-value header form, as the target group is configured), the function's
 * result becomes the HTTP response, and the health check has its own event. No I/O.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { resultBytes } from "../../functions/lib/response";
import { ALB_LIMITS } from "../limits";

/** Content types the ALB passes as text; any other body is base64-encoded (`isBase64Encoded: true`). */
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const FORWARDED = new Set(["x-forwarded-for", "x-forwarded-proto", "x-forwarded-port", "x-amzn-trace-id"]);

/** What the ALB needs from an HTTP request to build the event. */
export interface RawRequest {
  readonly method: string;
  /** Path and query as received, still URL-encoded. */
  readonly url: string;
  /** Header name/value pairs as received (`rawHeaders`), names in any case. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly remoteAddress?: string;
  readonly port: number;
}

/**
 * The event an ALB sends a Lambda target. Header names are lower-cased; query strings and the path are
 * passed as received (not decoded), as the ALB does. The single-value form keeps the last value of a
 * repeated header or query parameter.
 */
export function toALBEvent(req: RawRequest, targetGroupArn: string, multiValue: boolean): ALBEvent {
  const q = req.url.indexOf("?");
  const path = q === -1 ? req.url : req.url.slice(0, q);
  const query: [string, string][] = q === -1
    ? []
    : req.url.slice(q + 1).split("&").filter(Boolean).map((pair) => {
        const eq = pair.indexOf("=");
        return eq === -1 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
      });
  const received: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) received.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  // The ALB sets the x-forwarded-* headers itself, appending the client to any x-forwarded-for it got.
  const forwardedFor = received.find(([k]) => k === "x-forwarded-for")?.[1];
  const client = req.remoteAddress ?? "127.0.0.1";
  const headers: [string, string][] = [
    ...received.filter(([k]) => !FORWARDED.has(k)),
    ["x-forwarded-for", forwardedFor ? `${forwardedFor}, ${client}` : client],
    ["x-forwarded-proto", "http"],
    ["x-forwarded-port", String(req.port)],
    ["x-amzn-trace-id", `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(24)}`],
  ];
  const contentType = headers.find(([k]) => k === "content-type")?.[1] ?? "";
  const binary = req.body.length > 0 && !TEXT_TYPES.test(contentType);
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: req.method,
    path,
    body: binary ? req.body.toString("base64") : req.body.toString("utf8"),
    isBase64Encoded: binary,
  };
  if (multiValue) {
    event.multiValueHeaders = group(headers);
    event.multiValueQueryStringParameters = group(query);
  } else {
    event.headers = Object.fromEntries(headers);
    event.queryStringParameters = Object.fromEntries(query);
  }
  return event;
}

/** The event of an ALB health check of a Lambda target. */
export function healthCheckEvent(path: string, targetGroupArn: string, multiValue: boolean): ALBEvent {
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: "GET",
    path,
    body: "",
    isBase64Encoded: false,
  };
  if (multiValue) {
    event.multiValueHeaders = { "user-agent": ["ELB-HealthChecker/2.0"] };
    event.multiValueQueryStringParameters = {};
  } else {
    event.headers = { "user-agent": "ELB-HealthChecker/2.0" };
    event.queryStringParameters = {};
  }
  return event;
}

/**
 * The HTTP response for a Lambda result, or undefined when the ALB answers 502 instead: the result
 * is malformed, or its JSON is over 1 MB (the ALB's limit for a Lambda response).
 */
export function fromALBResult(result: unknown, multiValue: boolean): { status: number; headers: [string, string][]; body: Buffer } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  if (resultBytes(result as ALBResult) > ALB_LIMITS.lambdaResponseBytes) return undefined;
  const r = result as ALBResult;
  if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599) return undefined;
  const headers: [string, string][] = [];
  // A target group with multi-value headers reads multiValueHeaders only, and vice versa.
  if (multiValue) {
    for (const [k, vs] of Object.entries(r.multiValueHeaders ?? {})) for (const v of vs ?? []) headers.push([k, String(v)]);
  } else {
    for (const [k, v] of Object.entries(r.headers ?? {})) headers.push([k, String(v)]);
  }
  const body = r.body ? Buffer.from(r.body, r.isBase64Encoded ? "base64" : "utf8") : Buffer.alloc(0);
  return { status: r.statusCode, headers, body };
}

function group(pairs: readonly [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}

function randomHex(n: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  return s.slice(0, n);
}
