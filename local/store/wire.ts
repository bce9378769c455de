/**
 * DynamoDB's JSON protocol spoken directly (one POST per operation, `X-Amz-Target` naming it), for
 * the parts of the local store that must see requests and items exactly as they travel: the region
 * store's proxy forwards with it, and the replicator reads and writes items with it. The SDK is not
 * used here because its parse loses `__proto__` values (see functions/lib/wire.ts).
 *
 * dynalite checks that a request is signed, not the signature: a fixed Authorization header does.
 */
import { Agent, request } from "node:http";

/** An item or key in DynamoDB JSON (`{"item_id": {"S": "x"}, …}`). */
export type WireItem = Record<string, unknown>;

/** One answer of the store: its HTTP status, headers that matter and body text. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The headers a DynamoDB JSON request carries, for `operation` (e.g. "GetItem"). */
export function wireHeaders(operation: string): Record<string, string> {
  return {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": `DynamoDB_20120810.${operation}`,
    "x-amz-date": "20240101T000000Z",
    authorization: "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local",
  };
}

/** A keep-alive connection pool to one store. */
export class WireClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(
    /** `http://127.0.0.1:<port>` of the store. */
    readonly endpoint: string,
  ) {}

  /**
   * Sends `body` with `headers` (at least content-type and x-amz-target) and reads the whole answer.
   * Rejects when the store cannot be reached or `signal` aborts.
   */
  send(headers: Readonly<Record<string, string>>, body: string, signal?: AbortSignal): Promise<WireResponse> {
    const url = new URL(this.endpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: "POST", path: "/", agent: this.agent, headers: { ...headers, "content-length": Buffer.byteLength(body) }, signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") out[k] = v;
            resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Calls `operation` with `input`; resolves with the parsed answer, rejects with DynamoDB's error type and message. */
  async call(operation: string, input: unknown, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const res = await this.send(wireHeaders(operation), JSON.stringify(input), signal);
    const json = (res.body ? JSON.parse(res.body) : {}) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${operation}: ${res.status} ${String(json.__type ?? "")} ${String(json.message ?? json.Message ?? "")}`.trim());
    return json;
  }

  /** Drops the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** CRC-32 (IEEE) of `text` as UTF-8: the `x-amz-crc32` header DynamoDB sends with every answer. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
