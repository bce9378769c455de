import { ALB_RESPONSE_LIMIT } from "../../../functions/lib/response";
import { ALB_LIMITS } from "../../../local/limits";
import { fromALBResult, healthCheckEvent, toALBEvent } from "../../../local/region/alb-event";

const ARN = "arn:aws:elasticloadbalancing:us-west-2:000000000000:targetgroup/t/0";
const raw = (over: Partial<Parameters<typeof toALBEvent>[0]> = {}) => ({
  method: "GET",
  url: "/get/a%20b?x=1&x=2&y=%2F",
  rawHeaders: ["Host", "h", "Accept", "a", "Accept", "b", "X-Forwarded-For", "1.2.3.4"],
  body: Buffer.alloc(0),
  remoteAddress: "127.0.0.1",
  port: 80,
  ...over,
});

describe("toALBEvent (HTTP request → the ALB's Lambda event)", () => {
  it("single-value form: lower-case headers, last value wins, path and query left encoded", () => {
    const e = toALBEvent(raw(), ARN, false);
    expect(e.requestContext.elb.targetGroupArn).toBe(ARN);
    expect(e.path).toBe("/get/a%20b");
    expect(e.queryStringParameters).toEqual({ x: "2", y: "%2F" });
    expect(e.headers).toMatchObject({ host: "h", accept: "b", "x-forwarded-for": "1.2.3.4, 127.0.0.1", "x-forwarded-proto": "http", "x-forwarded-port": "80" });
    expect(e.headers?.["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(e.multiValueHeaders).toBeUndefined();
    expect(e.isBase64Encoded).toBe(false);
  });
  it("multi-value form keeps every value", () => {
    const e = toALBEvent(raw(), ARN, true);
    expect(e.multiValueQueryStringParameters).toEqual({ x: ["1", "2"], y: ["%2F"] });
    expect(e.multiValueHeaders?.accept).toEqual(["a", "b"]);
    expect(e.headers).toBeUndefined();
  });
  it("passes JSON as text and other bodies base64-encoded", () => {
    const json = toALBEvent(raw({ method: "PUT", rawHeaders: ["Content-Type", "application/json"], body: Buffer.from('{"a":1}') }), ARN, false);
    expect(json).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const bin = toALBEvent(raw({ method: "PUT", rawHeaders: ["Content-Type", "application/octet-stream"], body: Buffer.from([0, 255]) }), ARN, false);
    expect(bin).toMatchObject({ body: "AP8=", isBase64Encoded: true });
  });
  it("the health check event is a GET of the path from ELB-HealthChecker/2.0", () => {
    expect(healthCheckEvent("/health", ARN, false)).toMatchObject({ httpMethod: "GET", path: "/health", headers: { "user-agent": "ELB-HealthChecker/2.0" } });
    expect(healthCheckEvent("/health", ARN, true).multiValueHeaders).toEqual({ "user-agent": ["ELB-HealthChecker/2.0"] });
  });
});

describe("fromALBResult (Lambda result → HTTP response)", () => {
  it("reads headers in the target group's form only", () => {
    const result = { statusCode: 200, headers: { a: "1" }, multiValueHeaders: { b: ["2", "3"] }, body: "x" };
    expect(fromALBResult(result, false)?.headers).toEqual([["a", "1"]]);
    expect(fromALBResult(result, true)?.headers).toEqual([["b", "2"], ["b", "3"]]);
  });
  it("decodes a base64 body", () => {
    expect(fromALBResult({ statusCode: 200, body: "AP8=", isBase64Encoded: true }, false)?.body).toEqual(Buffer.from([0, 255]));
  });
  it.each([[null], ["text"], [{}], [{ statusCode: 99 }], [{ statusCode: "200" }]])("a malformed result %p is undefined (the ALB answers 502)", (r) => {
    expect(fromALBResult(r, false)).toBeUndefined();
  });
  it("a Lambda result whose JSON is over 1 MB (the function's own limit, 1,000,000 bytes) is answered 502, one byte either side", () => {
    const shell = JSON.stringify({ statusCode: 200, body: "" }).length;
    expect(fromALBResult({ statusCode: 200, body: "a".repeat(ALB_RESPONSE_LIMIT - shell) }, false)?.status).toBe(200);
    expect(fromALBResult({ statusCode: 200, body: "a".repeat(ALB_RESPONSE_LIMIT - shell + 1) }, false)).toBeUndefined();
    expect(ALB_LIMITS.lambdaResponseBytes).toBe(ALB_RESPONSE_LIMIT);
  });
});
