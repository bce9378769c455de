/**
 * The service logic, pure over an {@link ItemStore}: id and body validation, item reads, writes and
 * deletes, and the health check. No AWS SDK, no ALB types here.
 */
import {
  checkItemSize,
  KEY,
  MAX_ID_BYTES,
  type AttributeMap,
  type AttributeValue,
} from "./attributes";
import { BadRequestError, NotFoundError, ServiceUnavailableError } from "./errors";
import { BASE64, itemFromJson, itemToJson, LONE_SURROGATE } from "./item-json";
import { ALB_RESPONSE_LIMIT, alwaysFits, JsonText, worstCaseBytes, type ServiceResponse } from "./response";

/**
 * Length of the longest region code an item can be read in (`ap-southeast-1`): the worst case of
 * the answers that name it. A constant, not model/regions.ts, which the function's bundle need not
 * carry; a test keeps it equal to the longest name there.
 */
export const LONGEST_REGION_NAME_LENGTH = 14;

/** An item as DynamoDB holds it: attribute values by name, `item_id` the partition key (S). */
export type Item = AttributeMap;

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
 * Validates a PUT body for item `id`: a JSON object (plain or base64) in the form of item-json.ts,
 * no `item_id` other than `id`, everything DynamoDB would refuse refused here first (numbers,
 * names, nesting, sets, the 400 KB item size as DynamoDB counts it). Returns the item to store,
 * `item_id` set. (No cheap refusal by body length: JSON whitespace and escapes make the text
 * any size for a given item; the ALB passes at most 1 MB of body anyway.)
 * @throws BadRequestError with the reason.
 */
export function parseItemBody(id: string, body: string | null | undefined, isBase64Encoded: boolean): Item {
  const item = itemFromJson(bodyText(body, isBase64Encoded));
  const given: AttributeValue | undefined = item[KEY];
  if (given !== undefined && !("S" in given && given.S === id)) {
    throw new BadRequestError(`${KEY} in the body must be absent or equal the id in the path`);
  }
  item[KEY] = { S: id };
  checkItemSize(item);
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
    return this.answer(200, new JsonText(itemToJson(item)), `retrieved from ${this.region}`);
  }

  /**
   * PUT: 201 when the item is new, 200 when it replaced one. Refuses (400) an item whose GET answer
   * would exceed the ALB's response limit uncompressed, so that every client can read back what
   * was written, compression or not.
   */
  async put(
    id: string,
    body: string | null | undefined,
    isBase64Encoded: boolean,
    signal?: AbortSignal,
  ): Promise<ServiceResponse> {
    const item = parseItemBody(id, body, isBase64Encoded);
    const json = new JsonText(itemToJson(item));
    // Every answer this item can get, in any region: the GET that reads it back wherever it is read
    // (active-active: the longest region name is the worst case, named in the body and a header),
    // and this PUT's own 201 or 200. The largest must fit, or the write is refused before it is made.
    const anywhere = "x".repeat(LONGEST_REGION_NAME_LENGTH);
    const answers = [
      this.answer(200, json, `retrieved from ${anywhere}`, anywhere),
      this.answer(201, json, `created in ${anywhere}`, anywhere),
      this.answer(200, json, `replaced in ${anywhere}`, anywhere),
    ];
    if (answers.some((a) => !alwaysFits(a, anywhere))) {
      // Measured only to name the size: alwaysFits is cheap for all but the largest items.
      const largest = answers.reduce((max, a) => Math.max(max, worstCaseBytes(a, anywhere)), 0);
      throw new BadRequestError(
        `the item's responses would be up to ${largest} bytes of JSON, over the ALB's limit of ${ALB_RESPONSE_LIMIT} bytes for Lambda responses ` +
          "(quotes, backslashes and control characters count several times once escaped)",
      );
    }
    const outcome = await this.store.put(item, signal);
    return this.answer(outcome === "created" ? 201 : 200, json, `${outcome} in ${this.region}`);
  }

  /** DELETE: 200 with the removed item (without it, if it is too large to send), 404 when there was none. */
  async delete(id: string, signal?: AbortSignal): Promise<ServiceResponse> {
    const item = await this.store.delete(id, signal);
    if (!item) throw new NotFoundError("no such item", { details: { [KEY]: id } });
    const message = `deleted in ${this.region}`;
    return {
      ...this.answer(200, new JsonText(itemToJson(item)), message),
      tooLarge: {
        statusCode: 200,
        body: { [KEY]: id, region: this.region, message, item_omitted: `the removed item's JSON is over the ALB's ${ALB_RESPONSE_LIMIT}-byte response limit` },
      },
    };
  }

  private answer(statusCode: number, item: JsonText, message: string, region = this.region): ServiceResponse {
    return { statusCode, body: { item, region, message } };
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
