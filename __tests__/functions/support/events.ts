/** Typed ALB event factories and response helpers for handler tests. */
import type { ALBEvent, ALBResult } from "aws-lambda";

/** What a test says about a request; everything else gets ALB-like defaults. */
export interface EventSpec {
  readonly method?: string;
  readonly path: string;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** Build the event as a target group with multi-value headers enabled sends it. @default false */
  readonly multiValue?: boolean;
}

const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/globalapp/0123456789abcdef";

/** An ALB → Lambda event as the ALB sends it, in the single- or multi-value form. */
export function albEvent(spec: EventSpec): ALBEvent {
  const headers = { host: "globalapp.example", "x-amzn-trace-id": "Root=1-67891233-abcdef012345678912345678", ...spec.headers };
  const base = {
    requestContext: { elb: { targetGroupArn: TARGET_GROUP_ARN } },
    httpMethod: spec.method ?? "GET",
    path: spec.path,
    body: spec.body ?? "",
    isBase64Encoded: spec.isBase64Encoded ?? false,
  };
  if (spec.multiValue) {
    return {
      ...base,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      multiValueQueryStringParameters: Object.fromEntries(Object.entries(spec.query ?? {}).map(([k, v]) => [k, [v]])),
    };
  }
  return { ...base, headers, queryStringParameters: spec.query ?? {} };
}

/** The response's headers, whichever form it used, as a flat record (first value of each). */
export function headersOf(result: ALBResult): Record<string, string> {
  if (result.multiValueHeaders) {
    return Object.fromEntries(Object.entries(result.multiValueHeaders).map(([k, v]) => [k, String(v[0])]));
  }
  return Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/** The response body parsed as JSON. */
export function bodyOf(result: ALBResult): Record<string, unknown> {
  return JSON.parse(result.body ?? "") as Record<string, unknown>;
}
