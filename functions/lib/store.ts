/**
 * {@link ItemStore} on DynamoDB, with timeouts and retries sized so that a failing request ends
 * well inside the function's 3 s timeout and the handler can still answer 503.
 */
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, type PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { KEY } from "./attributes";
import type { Item, ItemStore } from "./items";
import { attributesFromResponse } from "./wire";

/** Timeouts and retries of the DynamoDB client, all in ms. */
export interface StoreTimeouts {
  /** TCP/TLS connect timeout per attempt. In-region DynamoDB connects in a few ms. */
  readonly connectMs: number;
  /** Whole request/response timeout per attempt. DynamoDB answers a GetItem in single-digit ms. */
  readonly requestMs: number;
  /** Attempts per operation, the first included (the SDK backs off between them). */
  readonly maxAttempts: number;
  /** Hard cap on one operation, all attempts and back-off included; then it is aborted. */
  readonly operationMs: number;
  /** Hard cap on the deep health check's read: a slow replica counts as a failing one. */
  readonly pingMs: number;
}

/**
 * Defaults for a 3 s Lambda timeout: worst case ≈ 2 attempts × 800 ms + back-off, capped at 2000 ms
 * per operation, which leaves ~1 s to log and answer 503 before Lambda would kill the invocation.
 */
export const DEFAULT_TIMEOUTS: StoreTimeouts = {
  connectMs: 300,
  requestMs: 800,
  maxAttempts: 2,
  operationMs: 2000,
  pingMs: 1000,
};

/** Key of the item the deep health check reads; it need not exist, the read only has to succeed. */
export const HEALTH_PROBE_ID = "__health__";

/**
 * A DynamoDB client for `region`, built once per execution environment. The endpoint is the SDK's
 * own: `AWS_ENDPOINT_URL_DYNAMODB` when set (local DynamoDB), else the regional one.
 *
 * The low-level client, not the DocumentClient: items travel as DynamoDB's own AttributeValues
 * (numbers as their decimal text, binary as bytes, sets as sets), and item-json.ts converts them
 * to and from the API's JSON exactly. The DocumentClient's marshalling would turn numbers into
 * doubles (or `NumberValue`s that still need a lossless JSON writer), sets into `Set`s and maps
 * into objects built by assignment, where a `__proto__` key is lost.
 */
export function createClient(region: string, timeouts: StoreTimeouts = DEFAULT_TIMEOUTS): DynamoDBClient {
  // Keep-alive: a warm function reuses its TLS connection instead of a handshake per request.
  const agentOptions = { keepAlive: true, maxSockets: 50 };
  return new DynamoDBClient({
    region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
    }),
  });
}

const EMPTY_BODY = new TextEncoder().encode("{}");

/** The whole body of a response: a stream (Node's IncomingMessage) or, already read, bytes. */
function readBody(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Promise.resolve(Buffer.from(body.buffer, body.byteOffset, body.length));
  const stream = body as NodeJS.ReadableStream;
  // Events rather than `for await`: no async-iterator machinery per request on the hot path.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer | string) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    stream.once("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    stream.once("error", reject);
  });
}

/** Which response field holds the item, per command whose item the function reads. */
const ITEM_FIELDS: Readonly<Record<string, "Item" | "Attributes">> = { GetItemCommand: "Item", DeleteItemCommand: "Attributes" };

/**
 * Items of successful GetItem/DeleteItem responses, read from DynamoDB's raw response body by
 * wire.ts instead of by the SDK (which loses `__proto__` keys, see there), keyed by the command's
 * input object. The SDK then parses an empty object, so nothing is parsed twice; error responses
 * are left to the SDK untouched. One middleware on the client, not one per command: a command
 * with middleware of its own makes the SDK rebuild its handler stack on every call.
 */
function keepRawItems(client: DynamoDBClient): WeakMap<object, Item | undefined> {
  const kept = new WeakMap<object, Item | undefined>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const field = ITEM_FIELDS[context.commandName ?? ""];
      const response = out.response as { statusCode?: number; body?: unknown };
      if (field && response.statusCode === 200 && response.body !== undefined) {
        kept.set(args.input as object, attributesFromResponse((await readBody(response.body)).toString("utf8"), field));
        response.body = EMPTY_BODY;
      }
      return out;
    },
    // Inside the SDK's deserializer (low priority in its step): it sees the raw response first.
    { step: "deserialize", priority: "low", name: "globalappRawItems" },
  );
  return kept;
}

/** Items in one DynamoDB table (the region's replica), key `item_id` (S). */
export class DynamoItemStore implements ItemStore {
  private readonly rawItems: WeakMap<object, Item | undefined>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly timeouts: StoreTimeouts = DEFAULT_TIMEOUTS,
  ) {
    this.rawItems = keepRawItems(client);
  }

  async get(id: string, signal?: AbortSignal): Promise<Item | undefined> {
    const command = new GetItemCommand({ TableName: this.tableName, Key: { [KEY]: { S: id } } });
    await this.client.send(command, { abortSignal: this.deadline(signal) });
    return this.rawItems.get(command.input);
  }

  async put(item: Item, signal?: AbortSignal): Promise<"created" | "replaced"> {
    const out = await this.client.send(
      new PutItemCommand({ TableName: this.tableName, Item: item as PutItemCommandInput["Item"], ReturnValues: "ALL_OLD" }),
      { abortSignal: this.deadline(signal) },
    );
    return out.Attributes ? "replaced" : "created";
  }

  async delete(id: string, signal?: AbortSignal): Promise<Item | undefined> {
    const command = new DeleteItemCommand({ TableName: this.tableName, Key: { [KEY]: { S: id } }, ReturnValues: "ALL_OLD" });
    await this.client.send(command, { abortSignal: this.deadline(signal) });
    return this.rawItems.get(command.input);
  }

  async ping(): Promise<void> {
    // A data-plane read on the replica (the same GetItem permission the function already has).
    await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [KEY]: { S: HEALTH_PROBE_ID } }, ProjectionExpression: KEY }),
      { abortSignal: AbortSignal.timeout(this.timeouts.pingMs) },
    );
  }

  /** Aborts at `operationMs` or when the caller's signal (the invocation's deadline) fires, whichever is first. */
  private deadline(signal?: AbortSignal): AbortSignal {
    const cap = AbortSignal.timeout(this.timeouts.operationMs);
    return signal ? AbortSignal.any([signal, cap]) : cap;
  }
}
