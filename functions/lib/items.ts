/**
 * The service logic, pure over an {@link ItemStore}: id and body validation, item reads, writes and
 * deletes, and the health check. No AWS SDK, no ALB types here.
 */
import { BadRequestError, NotFoundError, ServiceUnavailableError } from "./errors";

/** An item as stored: a JSON object whose `item_id` is the partition key. */
export type Item = Record<string, unknown> & { item_id: string };

/**
 * Where items live: `DynamoItemStore` in production. `signal` aborts the operation (the
 * invocation's deadline); the store rejects then, as it does on any failure.
 */
export interface ItemStore {
  /** The item with this id, or undefined. */
  get(id: string, signal?: AbortSignal): Promise<Item | undefined>;
  /** Writes (creates or replaces) the item; says which. */
  put(item: Item, signal?: AbortSignal): Promise<"created" | "replaced">;
  /** Removes the item; returns what was removed, or undefined if there was none. */
  delete(id: string, signal?: AbortSignal): Promise<Item | undefined>;
  /** Resolves when the store answers a read within its short health-check timeout; rejects otherwise. */
  ping(): Promise<void>;
}

/** A response before it becomes an ALBResult: status, JSON body, extra headers. */
export interface ServiceResponse {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** DynamoDB's partition key limit, in UTF-8 bytes (a local emulator may count characters instead). */
export const MAX_ID_BYTES = 2048;
/** DynamoDB's item size limit: 400 KB, attribute names included. */
export const MAX_ITEM_BYTES = 400 * 1024;
/** DynamoDB's nesting limit for maps and lists. */
export const MAX_DEPTH = 32;
/** The key attribute. */
export const KEY = "item_id";

// With the u flag a valid surrogate pair is one code point, so this matches only lone surrogates,
// which UTF-8 cannot encode (they would be stored as U+FFFD: a different value than the one sent).
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Validates an id as it appears in the path: URL-decoded, not empty, at most 2048 UTF-8 bytes.
 * @throws BadRequestError naming what is wrong.
 */
export function parseItemId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new BadRequestError("item id is not valid URL encoding");
  }
  if (id.length === 0) throw new BadRequestError("item id must not be empty");
  if (LONE_SURROGATE.test(id)) throw new BadRequestError("item id is not valid Unicode");
  const bytes = Buffer.byteLength(id, "utf8");
  if (bytes > MAX_ID_BYTES) {
    throw new BadRequestError(`item id is ${bytes} bytes, the limit is ${MAX_ID_BYTES} bytes (UTF-8)`);
  }
  return id;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes the raw ALB body (plain or base64) to text, rejecting invalid base64 or UTF-8. */
function bodyText(body: string | null | undefined, isBase64Encoded: boolean): string {
  if (body === null || body === undefined || body === "") throw new BadRequestError("body must be a JSON object");
  if (!isBase64Encoded) return body;
  if (!BASE64.test(body)) throw new BadRequestError("body is not valid base64");
  try {
    return utf8.decode(Buffer.from(body, "base64"));
  } catch {
    throw new BadRequestError("body is not valid UTF-8");
  }
}

/**
 * Size of a value as DynamoDB counts it (strings in UTF-8 bytes, numbers ≤ 21 bytes, 1 byte for
 * null and booleans, 3 bytes plus 1 per element for maps and lists, attribute names included).
 * Numbers are counted at their 21-byte maximum, so the estimate never undercounts.
 * @throws BadRequestError for what DynamoDB would reject: nesting beyond 32 levels, empty or
 * invalid attribute names, numbers it cannot store exactly.
 */
export function dynamoSize(value: unknown, depth = 0): number {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw new BadRequestError("body contains invalid Unicode");
    return Buffer.byteLength(value, "utf8");
  }
  if (typeof value === "number") {
    // JSON.parse turns 1e400 into Infinity, and the SDK refuses numbers it cannot represent exactly.
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
      throw new BadRequestError(`numbers must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
    }
    if (value !== 0 && Math.abs(value) < 1e-130) throw new BadRequestError("numbers must not be smaller than 1e-130");
    return 21;
  }
  if (depth > MAX_DEPTH) throw new BadRequestError(`body nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + 1 + dynamoSize(v, depth + 1), 3);
  let size = 3;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length === 0) throw new BadRequestError("attribute names must not be empty");
    if (LONE_SURROGATE.test(k)) throw new BadRequestError("body contains invalid Unicode");
    size += 1 + Buffer.byteLength(k, "utf8") + dynamoSize(v, depth + 1);
  }
  return size;
}

/**
 * Validates a PUT body for item `id`: a JSON object (plain or base64), no `item_id` other than `id`,
 * within DynamoDB's 400 KB item size. Returns the item to store, `item_id` set.
 * @throws BadRequestError with the reason.
 */
export function parseItemBody(id: string, body: string | null | undefined, isBase64Encoded: boolean): Item {
  const text = bodyText(body, isBase64Encoded);
  if (Buffer.byteLength(text, "utf8") > MAX_ITEM_BYTES * 2) {
    // Cheap early refusal before parsing; the exact check follows.
    throw new BadRequestError(`item exceeds DynamoDB's ${MAX_ITEM_BYTES}-byte item size limit`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestError("body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError("body must be a JSON object");
  }
  const fields = parsed as Record<string, unknown>;
  if (KEY in fields && fields[KEY] !== id) {
    throw new BadRequestError(`${KEY} in the body must be absent or equal the id in the path`);
  }
  const item: Item = { ...fields, [KEY]: id };
  // Top-level attributes are counted without the map overhead; the item itself is not a map value.
  const size = dynamoSize(item) - 3 - Object.keys(item).length;
  if (size > MAX_ITEM_BYTES) {
    throw new BadRequestError(`item is ${size} bytes, DynamoDB's item size limit is ${MAX_ITEM_BYTES} bytes`);
  }
  return item;
}

/** Item reads, writes and deletes, answering in the region's name. */
export class ItemService {
  constructor(
    private readonly store: ItemStore,
    /** Region named in responses ("retrieved from …"). */
    private readonly region: string,
  ) {}

  /** GET: 200 with the item, 404 when there is none. */
  async get(id: string, signal?: AbortSignal): Promise<ServiceResponse> {
    const item = await this.store.get(id, signal);
    if (!item) throw new NotFoundError("no such item", { details: { [KEY]: id } });
    return { statusCode: 200, body: { item, region: this.region, message: `retrieved from ${this.region}` } };
  }

  /** PUT: 201 when the item is new, 200 when it replaced one. */
  async put(
    id: string,
    body: string | null | undefined,
    isBase64Encoded: boolean,
    signal?: AbortSignal,
  ): Promise<ServiceResponse> {
    const item = parseItemBody(id, body, isBase64Encoded);
    const outcome = await this.store.put(item, signal);
    return {
      statusCode: outcome === "created" ? 201 : 200,
      body: { item, region: this.region, message: `${outcome} in ${this.region}` },
    };
  }

  /** DELETE: 200 with the removed item, 404 when there was none. */
  async delete(id: string, signal?: AbortSignal): Promise<ServiceResponse> {
    const item = await this.store.delete(id, signal);
    if (!item) throw new NotFoundError("no such item", { details: { [KEY]: id } });
    return { statusCode: 200, body: { item, region: this.region, message: `deleted in ${this.region}` } };
  }
}

/** Settings of {@link HealthCheck}. */
export interface HealthCheckOptions {
  /** The status to answer when healthy (`STATUS`). */
  readonly status: number;
  /** Region named in the body. */
  readonly region: string;
  /** Deep mode checks the store too; shallow answers `status` alone. */
  readonly mode: "shallow" | "deep";
  /** How long a deep check's result is reused, in ms. */
  readonly cacheMs: number;
  /** Clock, in ms. @default Date.now */
  readonly now?: () => number;
  /** Called with the cause when a deep check fails (for the log). */
  readonly onFailure?: (cause: unknown) => void;
}

/**
 * `/health`. Shallow: answers `STATUS`. Deep: when `STATUS` is 2xx, also pings the store and answers
 * 503 if that fails, so a regional DynamoDB outage drains the region. One ping at a time, and its
 * answer (good or bad) is reused for `cacheMs`: every ALB node probes on its own schedule.
 * A non-2xx `STATUS` (an operator draining the region) is answered without touching the store.
 */
export class HealthCheck {
  private cached?: { readonly at: number; readonly ok: boolean };
  private inFlight?: Promise<boolean>;
  private readonly now: () => number;

  constructor(
    private readonly store: ItemStore,
    private readonly options: HealthCheckOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async check(): Promise<ServiceResponse> {
    const { status, region, mode } = this.options;
    if (mode === "shallow" || status < 200 || status > 299) {
      return { statusCode: status, body: { status, region, mode } };
    }
    const ok = await this.storeHealthy();
    if (!ok) throw new ServiceUnavailableError("dependency unavailable", { details: { status: 503, region, mode } });
    return { statusCode: status, body: { status, region, mode, dependency: "ok" } };
  }

  private async storeHealthy(): Promise<boolean> {
    const cached = this.cached;
    if (cached && this.now() - cached.at < this.options.cacheMs) return cached.ok;
    this.inFlight ??= this.store.ping().then(
      () => true,
      (err: unknown) => {
        // Any failure drains the region (a missing table cannot serve either); the cause is logged.
        this.options.onFailure?.(err);
        return false;
      },
    );
    try {
      const ok = await this.inFlight;
      this.cached = { at: this.now(), ok };
      return ok;
    } finally {
      this.inFlight = undefined;
    }
  }
}
