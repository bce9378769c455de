import type { ALBResult } from "aws-lambda";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { NotFoundError } from "../../../functions/lib/errors";
import {
  ALB_RESPONSE_LIMIT,
  bodyJson,
  encodeResponse,
  errorResponse,
  JsonText,
  resultBytes,
  type ResponseForm,
  type ServiceResponse,
} from "../../../functions/lib/response";

const REGION = "eu-central-1";
const form = (f: Partial<ResponseForm> = {}): ResponseForm => ({ multiValue: false, head: false, acceptsGzip: false, ...f });
/** What the ALB receives: the result as the Lambda runtime serializes it. */
const wireBytes = (r: ALBResult) => Buffer.byteLength(JSON.stringify(r), "utf8");
const header = (r: ALBResult, name: string) => (r.multiValueHeaders ? r.multiValueHeaders[name]?.[0] : r.headers?.[name]);
/** An item answer whose string holds `n` characters that escape to 6 bytes in JSON (7 in the ALB's JSON). */
const controlItem = (n: number): ServiceResponse => ({
  statusCode: 200,
  body: { item: new JsonText(`{"d":${JSON.stringify("\u0001".repeat(n))},"item_id":"k"}`), region: REGION, message: `retrieved from ${REGION}` },
});

describe("bodyJson", () => {
  test("fields in order; JsonText goes in verbatim, everything else through JSON.stringify", () => {
    expect(bodyJson({ item: new JsonText('{"n":19.999999999999999999}'), region: "r", n: 1, ["__proto__"]: "x" })).toBe(
      '{"item":{"n":19.999999999999999999},"region":"r","n":1,"__proto__":"x"}',
    );
  });
});

describe("resultBytes", () => {
  test("counts the body's second escaping and UTF-8, as the ALB receives it", () => {
    const result: ALBResult = { statusCode: 200, body: '{"s":"\\u0001\\"é"}', isBase64Encoded: false };
    expect(resultBytes(result)).toBe(wireBytes(result));
    expect(resultBytes(result)).toBe(JSON.stringify({ ...result, body: "" }).length + '\\"s\\":\\"\\\\u0001\\\\\\"é\\"}'.length + 2);
  });
});

describe("encodeResponse: never beyond the ALB's 1 MB", () => {
  test("a small response is sent as it is", () => {
    const r = encodeResponse(form(), controlItem(3), REGION);
    expect(r).toMatchObject({ statusCode: 200, isBase64Encoded: false, headers: { "content-type": "application/json", "x-served-by-region": REGION } });
    expect(header(r, "content-encoding")).toBeUndefined();
  });

  // 145,000 control characters: a legal 145 KB string, a ~1.02 MB response once escaped twice.
  const N = 145_000;

  test.each([false, true])("control characters, multi-value %s, no gzip accepted → 406 naming the limit", (multiValue) => {
    const events: unknown[] = [];
    const r = encodeResponse(form({ multiValue }), controlItem(N), REGION, (e) => events.push(e));
    expect(r.statusCode).toBe(406);
    expect(wireBytes(r)).toBeLessThanOrEqual(ALB_RESPONSE_LIMIT);
    const body = JSON.parse(r.body ?? "") as Record<string, unknown>;
    expect(body.error).toMatch(/^the response would be \d+ bytes, the ALB's limit for Lambda responses is 1000000 bytes; send Accept-Encoding: gzip/);
    expect(body).toMatchObject({ region: REGION, limit_bytes: 1_000_000 });
    expect(header(r, "vary")).toBe("accept-encoding");
    expect(events).toEqual([{ bytes: expect.any(Number), outcome: "refused" }]);
  });

  test.each([false, true])("control characters, multi-value %s, gzip accepted → gzip, base64, within the limit, lossless", (multiValue) => {
    const response = controlItem(N);
    const r = encodeResponse(form({ multiValue, acceptsGzip: true }), response, REGION);
    expect(r).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(header(r, "content-encoding")).toBe("gzip");
    expect(header(r, "vary")).toBe("accept-encoding");
    expect(header(r, "content-type")).toBe("application/json");
    expect(wireBytes(r)).toBeLessThanOrEqual(ALB_RESPONSE_LIMIT);
    expect(gunzipSync(Buffer.from(r.body ?? "", "base64")).toString("utf8")).toBe(bodyJson(response.body));
  });

  test("the worst string of all: 400 KB of control characters (~2.9 MB escaped) still fits gzipped", () => {
    const r = encodeResponse(form({ multiValue: true, acceptsGzip: true }), controlItem(409_000), REGION);
    expect(r.statusCode).toBe(200);
    expect(wireBytes(r)).toBeLessThanOrEqual(ALB_RESPONSE_LIMIT);
  });

  test("incompressible data beyond the limit even gzipped → 500 naming the compressed size and the limit", () => {
    // Random base64 text: no escapes, so only its bulk counts; gzip cannot shrink it below the limit.
    const noise = randomBytes(780_000).toString("base64");
    const response: ServiceResponse = { statusCode: 200, body: { item: new JsonText(`{"b":{"$B":"${noise}"}}`), region: REGION } };
    const r = encodeResponse(form({ acceptsGzip: true }), response, REGION);
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body ?? "").error).toMatch(/^the response would be \d+ bytes even gzip-compressed, the ALB's limit for Lambda responses is 1000000 bytes$/);
    expect(wireBytes(r)).toBeLessThanOrEqual(ALB_RESPONSE_LIMIT);
  });

  test("a response with a smaller truthful form uses it when nothing else fits (DELETE)", () => {
    const shortened: ServiceResponse = { statusCode: 200, body: { item_id: "k", region: REGION, message: "deleted", item_omitted: "too large" } };
    const r = encodeResponse(form(), { ...controlItem(N), tooLarge: shortened }, REGION);
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body ?? "")).toEqual(shortened.body);
    // With gzip accepted the full answer goes compressed instead.
    expect(encodeResponse(form({ acceptsGzip: true }), { ...controlItem(N), tooLarge: shortened }, REGION).isBase64Encoded).toBe(true);
  });

  test("HEAD answers with GET's status and headers and no body, in every case", () => {
    for (const acceptsGzip of [false, true]) {
      const get = encodeResponse(form({ acceptsGzip }), controlItem(N), REGION);
      const head = encodeResponse(form({ acceptsGzip, head: true }), controlItem(N), REGION);
      expect(head).toEqual({ ...get, body: "", isBase64Encoded: false });
    }
  });

  test("exactly at the limit is sent as it is; one byte over is not", () => {
    // Find the padding that makes the result exactly ALB_RESPONSE_LIMIT bytes.
    const sized = (pad: number): ServiceResponse => ({ statusCode: 200, body: { item: new JsonText(`"${"\\u0001".repeat(140_000)}${"x".repeat(pad)}"`) } });
    const base = wireBytes(encodeResponse(form(), sized(0), REGION));
    const pad = ALB_RESPONSE_LIMIT - base;
    const at = encodeResponse(form(), sized(pad), REGION);
    expect([at.statusCode, wireBytes(at)]).toEqual([200, ALB_RESPONSE_LIMIT]);
    expect(encodeResponse(form(), sized(pad + 1), REGION).statusCode).toBe(406);
  });

  test("errors keep their status, headers and public message", () => {
    const r = encodeResponse(form(), errorResponse(new NotFoundError("no such item", { details: { item_id: "x" } }), REGION), REGION);
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body ?? "")).toEqual({ error: "no such item", region: REGION, item_id: "x" });
  });
});
