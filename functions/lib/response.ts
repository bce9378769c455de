/**
 * ServiceResponse → ALBResult, never larger than the ALB passes on.
 *
 * "The maximum size of the response JSON that the Lambda function can send is 1 MB" (Elastic Load
 * Balancing, "Lambda functions as targets", Limits:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html);
 * beyond it the ALB answers 502. The response JSON is the whole ALBResult as the Node.js runtime
 * serializes it (`JSON.stringify`), so the body counts with a second round of escaping: a control
 * character stored as 1 byte is `\u0001` (6 bytes) in the body and `\\u0001` (7) in the result, a
 * quote is 4 bytes, and a base64 body grows by 4/3 before that. "1 MB" is read as the smaller of
 * its two meanings, 1,000,000 bytes.
 *
 * What happens near the limit:
 * 1. a response that fits is sent as it is (the common case costs one bound check);
 * 2. else, if the client accepts gzip, the body is sent gzip-compressed (base64, as the ALB
 *    requires for binary bodies) when that fits;
 * 3. else a response with a smaller truthful form uses it (DELETE: the deletion without the item);
 * 4. else 406 when the client did not accept gzip (the answer names the limit and says to send
 *    `Accept-Encoding: gzip`), 500 when even the compressed body is too large. Both name the limit.
 * PUT refuses items whose GET answer would not fit uncompressed (items.ts), so only items written
 * by other tools can reach steps 2–4.
 */
import type { ALBResult } from "aws-lambda";
import { STATUS_CODES } from "node:http";
import { gzipSync } from "node:zlib";
import type { HttpError } from "./errors";

/** The ALB's limit on a Lambda target's response JSON, in bytes (1 MB read as 10^6). */
export const ALB_RESPONSE_LIMIT = 1_000_000;

/** Pre-serialized JSON placed into a response body as it is (an item with exact numbers). */
export class JsonText {
  constructor(public readonly json: string) {}
}

/** A response before it becomes an ALBResult: status, JSON body, extra headers. */
export interface ServiceResponse {
  readonly statusCode: number;
  /** Top-level fields of the JSON body; a {@link JsonText} value is inserted as it is. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A smaller, still truthful answer for when this one cannot pass the ALB even compressed. */
  readonly tooLarge?: ServiceResponse;
}

/** How the request wants its answer. */
export interface ResponseForm {
  /** Answer in `multiValueHeaders` (the target group has multi-value headers on). */
  readonly multiValue: boolean;
  /** HEAD: the same status and headers as GET, no body. */
  readonly head: boolean;
  /** The client's Accept-Encoding allows gzip. */
  readonly acceptsGzip: boolean;
}

/** The body of an error response: the public message only, never a cause. */
export function errorResponse(error: HttpError, region: string): ServiceResponse {
  return { statusCode: error.statusCode, headers: error.headers, body: { error: error.message, region, ...error.details } };
}

/** The JSON text of a body: fields in order, {@link JsonText} values inserted verbatim. */
export function bodyJson(body: Readonly<Record<string, unknown>>): string {
  let out = "{";
  for (const [key, value] of Object.entries(body)) {
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(key)}:${value instanceof JsonText ? value.json : JSON.stringify(value)}`;
  }
  return `${out}}`;
}

function build(statusCode: number, headers: Record<string, string>, body: string, isBase64Encoded: boolean, multiValue: boolean): ALBResult {
  const result: ALBResult = {
    statusCode,
    statusDescription: `${statusCode} ${STATUS_CODES[statusCode] ?? "Unknown"}`,
    isBase64Encoded,
    body,
  };
  if (multiValue) result.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  else result.headers = headers;
  return result;
}

/** Exact size of a result as the ALB receives it: the runtime's `JSON.stringify`, in UTF-8 bytes. */
export function resultBytes(result: ALBResult): number {
  return Buffer.byteLength(JSON.stringify(result), "utf8");
}

/** True when `result` is within the ALB's limit; exact, and cheap for all but the largest bodies. */
export function fitsAlb(result: ALBResult): boolean {
  const body = result.body ?? "";
  // In the result's JSON one UTF-16 unit of the body takes at most 3 bytes (a BMP character in
  // UTF-8; `"` and `\` take 2; the body is JSON, so control characters and lone surrogates are
  // already ASCII escapes in it).
  const shell = resultBytes({ ...result, body: "" });
  if (shell + 3 * body.length <= ALB_RESPONSE_LIMIT) return true;
  return resultBytes(result) <= ALB_RESPONSE_LIMIT;
}

function headersOf(response: ServiceResponse, region: string): Record<string, string> {
  return { ...response.headers, "content-type": "application/json", "x-served-by-region": region };
}

/** The largest ALBResult that could carry `response`: uncompressed, in the multi-value header form. */
function worstCase(response: ServiceResponse, region: string): ALBResult {
  return build(response.statusCode, headersOf(response, region), bodyJson(response.body), false, true);
}

/** Size of the largest ALBResult that could carry `response` (see {@link worstCase}). */
export function worstCaseBytes(response: ServiceResponse, region: string): number {
  return resultBytes(worstCase(response, region));
}

/**
 * Whether `response` can reach every client, whatever its header form and Accept-Encoding: its
 * largest ALBResult fits the ALB's limit. Used to refuse writes whose answers could not be read back.
 */
export function alwaysFits(response: ServiceResponse, region: string): boolean {
  return fitsAlb(worstCase(response, region));
}

/** Called when a response had to be compressed, shortened or refused; for the log. */
export type OversizeListener = (what: { readonly bytes: number; readonly outcome: "gzip" | "shortened" | "refused" }) => void;

/**
 * Builds the ALBResult for `response` in the request's form, within {@link ALB_RESPONSE_LIMIT}
 * (see the module comment for what happens near it). Never throws for size.
 */
export function encodeResponse(form: ResponseForm, response: ServiceResponse, region: string, onOversize?: OversizeListener): ALBResult {
  const finish = (result: ALBResult): ALBResult => (form.head ? { ...result, body: "", isBase64Encoded: false } : result);
  const headers = headersOf(response, region);
  const body = bodyJson(response.body);
  const identity = build(response.statusCode, headers, body, false, form.multiValue);
  if (fitsAlb(identity)) return finish(identity);

  const bytes = resultBytes(identity);
  const vary = { vary: "accept-encoding" };
  let compressedBytes: number | undefined;
  if (form.acceptsGzip) {
    const zipped = gzipSync(body).toString("base64");
    const gzip = build(response.statusCode, { ...headers, ...vary, "content-encoding": "gzip" }, zipped, true, form.multiValue);
    if (fitsAlb(gzip)) {
      onOversize?.({ bytes, outcome: "gzip" });
      return finish(gzip);
    }
    compressedBytes = resultBytes(gzip);
  }
  if (response.tooLarge) {
    onOversize?.({ bytes, outcome: "shortened" });
    return encodeResponse(form, response.tooLarge, region);
  }
  onOversize?.({ bytes, outcome: "refused" });
  const limit = `the ALB's limit for Lambda responses is ${ALB_RESPONSE_LIMIT} bytes`;
  const refusal: ServiceResponse =
    compressedBytes === undefined
      ? {
          statusCode: 406,
          headers: vary,
          body: {
            error: `the response would be ${bytes} bytes, ${limit}; send Accept-Encoding: gzip to receive it compressed`,
            region,
            limit_bytes: ALB_RESPONSE_LIMIT,
          },
        }
      : {
          statusCode: 500,
          headers: vary,
          body: { error: `the response would be ${compressedBytes} bytes even gzip-compressed, ${limit}`, region, limit_bytes: ALB_RESPONSE_LIMIT },
        };
  return finish(build(refusal.statusCode, headersOf(refusal, region), bodyJson(refusal.body), false, form.multiValue));
}
