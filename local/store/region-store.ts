/**
 * One region's replica of the global table: its own DynamoDB-compatible server (dynalite, ./dynalite.ts)
 * behind a small proxy on 127.0.0.1, whose address is the region's `AWS_ENDPOINT_URL_DYNAMODB`.
 *
 * The proxy forwards every request as it is, except that:
 * - attribute names dynalite would drop are renamed on the way in and back on the way out
 *   (./attribute-names.ts), so the store keeps what DynamoDB keeps;
 * - every acknowledged write (PutItem, UpdateItem, DeleteItem, BatchWriteItem, conditional ones
 *   included) becomes a change: the item as it is after the write (read back from the store, so an
 *   UpdateItem's result is exact) or a tombstone, stamped with the time it was acknowledged. The
 *   replicator (./replicator.ts) carries the changes to the other regions, as DynamoDB Streams carry
 *   them for a global table.
 *
 * Writes to one item (local ones, and replicated ones through {@link RegionStore.apply}) run one at a
 * time, so each change's item is the one its write produced, and the version the store holds for an
 * item (its last writer) always matches the item. Versions outlive deletes (tombstones), so an older
 * write arriving late cannot bring a deleted item back.
 *
 * Table operations (CreateTable, UpdateTable, DeleteTable) are not replicated: the stack manages the
 * table's shape, not the application.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KEY } from "../../functions/lib/attributes";
import type { ItemVersion } from "../../model/replication";
import { compareVersions, replaces } from "../../model/replication";
import { SerialQueue } from "../runtime/serial-queue";
import { escapeRequest, unescapeItem, unescapeResponse } from "./attribute-names";
import { type LocalDynamo, startDynalite } from "./dynalite";
import { crc32, WireClient, type WireItem } from "./wire";

/** One acknowledged write, as the replicator carries it to the other regions. */
export interface StoredChange {
  /** The item's key as text (its `item_id` value in DynamoDB JSON): one per item. */
  readonly key: string;
  /** The item's key in DynamoDB JSON, stored names. */
  readonly keyItem: WireItem;
  /** The whole item after the write (stored names), or null when the write deleted it. */
  readonly image: WireItem | null;
  /** The write's timestamp and region: last writer wins by it. */
  readonly version: ItemVersion;
  /** The version the write replaced in its own region (undefined: the item never existed there). */
  readonly base?: ItemVersion;
}

/** What applying a replicated change did. */
export interface ApplyOutcome {
  /** True when the change replaced the replica's version; false when the replica already held a later write. */
  readonly applied: boolean;
  /**
   * The replica's version when it is a write the change's writer had not seen (a concurrent write in
   * this region): the two conflict, and last writer wins decided between them.
   */
  readonly concurrentWith?: ItemVersion;
}

/** Settings of {@link startRegionStore}. */
export interface RegionStoreOptions {
  readonly region: string;
  /** Table to create, key `item_id` (S), on-demand. */
  readonly tableName: string;
  /** Items every replica starts with (plain values, as startDynalite puts them), at version {@link SEED_VERSION}. @default [] */
  readonly items?: readonly Record<string, unknown>[];
  /** The clock writes are stamped with, model seconds; every region's store shares it. */
  readonly now: () => number;
  /** The proxy's port on 127.0.0.1. @default 0 (any free one) */
  readonly port?: number;
}

/** The version of the items every replica starts with: older than any write. */
export const SEED_VERSION: ItemVersion = { stamp: 0, region: "" };

/** Operations that change items; each acknowledged one becomes a change. */
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);

/** dynalite's own limit on a request body. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Headers the proxy passes on to dynalite (the rest are the connection's own). */
const FORWARDED = ["content-type", "x-amz-target", "authorization", "x-amz-date", "date", "x-amz-security-token"];

/** One write of a request: the item it touches, and whether it deletes it. */
interface Touch {
  readonly keyItem: WireItem;
  readonly deletes: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The key of an item or key map, if it has a valid `item_id` string. */
function keyItemOf(map: unknown): WireItem | undefined {
  if (!isObject(map)) return undefined;
  const id = map[KEY];
  return isObject(id) && typeof id.S === "string" ? { [KEY]: { S: id.S } } : undefined;
}

/** A running region store. */
export class RegionStore {
  readonly region: string;
  readonly tableName: string;
  /** The dynalite server behind the proxy (tests stop and start it to cut the region's store off). */
  readonly engine: LocalDynamo;
  private readonly server: Server;
  private readonly client: WireClient;
  private readonly now: () => number;
  private readonly versions = new Map<string, ItemVersion>();
  private readonly locks = new Map<string, SerialQueue>();
  private readonly listeners = new Set<(change: StoredChange) => void>();
  private lastStamp = 0;
  private closed = false;
  /** `http://127.0.0.1:<port>` of the proxy: the region's AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint = "";

  private constructor(options: RegionStoreOptions, engine: LocalDynamo) {
    this.region = options.region;
    this.tableName = options.tableName;
    this.engine = engine;
    this.now = options.now;
    this.client = new WireClient(engine.endpoint);
    this.server = createServer((req, res) => void this.serve(req, res));
    // A client that breaks the protocol loses its connection, nothing else.
    this.server.on("clientError", (_err, socket) => socket.destroy());
  }

  /** Starts dynalite with the table and seed items, then the proxy in front of it. */
  static async start(options: RegionStoreOptions): Promise<RegionStore> {
    const engine = await startDynalite({ tableName: options.tableName, items: options.items });
    const store = new RegionStore(options, engine);
    try {
      for (const item of options.items ?? []) store.versions.set(JSON.stringify({ S: String(item[KEY]) }), SEED_VERSION);
      await new Promise<void>((resolve, reject) => {
        store.server.once("error", reject);
        store.server.listen(options.port ?? 0, "127.0.0.1", () => {
          store.server.off("error", reject);
          resolve();
        });
      });
      store.endpoint = `http://127.0.0.1:${(store.server.address() as AddressInfo).port}`;
      return store;
    } catch (err) {
      await engine.close();
      throw err;
    }
  }

  /** Credentials-free SDK settings for clients of this region's store (any key is accepted). */
  get clientConfig(): LocalDynamo["clientConfig"] {
    return { ...this.engine.clientConfig, endpoint: this.endpoint };
  }

  /** Tells `listener` of every acknowledged local write from now on; returns the function that stops it. */
  onChange(listener: (change: StoredChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The version this replica holds for the item with `key` (a tombstone's included). */
  version(key: string): ItemVersion | undefined {
    return this.versions.get(key);
  }

  /**
   * Applies a change replicated from another region, last writer wins: it replaces the item (or
   * deletes it) only when it is later than the version held here. Rejects when the store cannot be
   * reached (nothing changed; the replicator tries again).
   */
  apply(change: StoredChange): Promise<ApplyOutcome> {
    return this.withKeys([change.key], async () => {
      const current = this.versions.get(change.key);
      const concurrentWith = isConcurrent(current, change) ? current : undefined;
      if (!replaces(change.version, current)) return { applied: false, ...(concurrentWith ? { concurrentWith } : {}) };
      if (change.image) await this.client.call("PutItem", { TableName: this.tableName, Item: change.image });
      else await this.client.call("DeleteItem", { TableName: this.tableName, Key: change.keyItem });
      this.versions.set(change.key, change.version);
      return { applied: true, ...(concurrentWith ? { concurrentWith } : {}) };
    });
  }

  /** Every item of the table in DynamoDB JSON, attribute names as clients see them. */
  async items(): Promise<WireItem[]> {
    const items: WireItem[] = [];
    let start: unknown;
    do {
      const page = await this.client.call("Scan", { TableName: this.tableName, ...(start ? { ExclusiveStartKey: start } : {}) });
      items.push(...((page.Items as WireItem[] | undefined) ?? []).map(unescapeItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Stops the proxy and the store for good. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.client.close();
    await this.engine.close();
  }

  /** One client request: forwarded, and recorded as changes when it is an acknowledged write. */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on("error", () => undefined);
    try {
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) {
        const v = req.headers[name];
        if (typeof v === "string") headers[name] = v;
      }
      const operation = (headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      let sent = body;
      try {
        sent = escapeRequest(body);
      } catch {
        // Not JSON: dynalite answers it with DynamoDB's SerializationException.
      }
      const touches = WRITES.has(operation) ? this.touchesOf(operation, sent) : undefined;
      const answer = touches?.length
        ? await this.withKeys(
            touches.map((t) => JSON.stringify(t.keyItem[KEY])),
            async () => {
              const r = await this.client.send(headers, sent);
              if (r.status === 200) await this.record(touches);
              return r;
            },
          )
        : await this.client.send(headers, sent);
      const out = unescapeResponse(answer.body);
      res.writeHead(answer.status, {
        "content-type": answer.headers["content-type"] ?? "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(out),
        "x-amz-crc32": String(out === answer.body ? (answer.headers["x-amz-crc32"] ?? crc32(out)) : crc32(out)),
        ...(answer.headers["x-amzn-requestid"] ? { "x-amzn-requestid": answer.headers["x-amzn-requestid"] } : {}),
      });
      res.end(out);
    } catch {
      // The store cannot be reached (stopped): the client sees a dropped connection, as from an unreachable endpoint.
      res.destroy();
    }
  }

  /** The items a write request touches in this table; empty when it names none validly (dynalite refuses it then). */
  private touchesOf(operation: string, body: string): Touch[] {
    let input: Json;
    try {
      input = JSON.parse(body) as Json;
    } catch {
      return [];
    }
    const touches: Touch[] = [];
    if (operation === "BatchWriteItem") {
      const requests = isObject(input.RequestItems) ? input.RequestItems[this.tableName] : undefined;
      if (!Array.isArray(requests)) return [];
      for (const r of requests as unknown[]) {
        const put = isObject(r) && isObject(r.PutRequest) ? keyItemOf(r.PutRequest.Item) : undefined;
        const del = isObject(r) && isObject(r.DeleteRequest) ? keyItemOf(r.DeleteRequest.Key) : undefined;
        if (put) touches.push({ keyItem: put, deletes: false });
        else if (del) touches.push({ keyItem: del, deletes: true });
        else return [];
      }
      return touches;
    }
    if (input.TableName !== this.tableName) return [];
    const keyItem = keyItemOf(operation === "PutItem" ? input.Item : input.Key);
    return keyItem ? [{ keyItem, deletes: operation === "DeleteItem" }] : [];
  }

  /** Records acknowledged writes (their keys locked): reads each item back and tells the listeners. */
  private async record(touches: readonly Touch[]): Promise<void> {
    // A batch may write one item twice: its last write is what the item is now.
    const last = new Map<string, Touch>();
    for (const t of touches) last.set(JSON.stringify(t.keyItem[KEY]), t);
    for (const [key, t] of last) {
      const image = t.deletes ? null : (((await this.client.call("GetItem", { TableName: this.tableName, Key: t.keyItem, ConsistentRead: true })).Item as WireItem | undefined) ?? null);
      const base = this.versions.get(key);
      // Strictly after the version it replaces and after this store's last stamp, on the shared clock.
      const stamp = Math.max(this.now(), this.lastStamp + 1e-6, (base?.stamp ?? 0) + 1e-6);
      this.lastStamp = stamp;
      const version: ItemVersion = { stamp, region: this.region };
      this.versions.set(key, version);
      const change: StoredChange = { key, keyItem: t.keyItem, image, version, ...(base ? { base } : {}) };
      for (const listener of this.listeners) listener(change);
    }
  }

  /** Runs `op` with the items of `keys` locked (in a fixed order, so two batches never wait on each other). */
  private async withKeys<T>(keys: readonly string[], op: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const run = async (i: number): Promise<T> => {
      if (i === sorted.length) return op();
      const key = sorted[i];
      let queue = this.locks.get(key);
      if (!queue) {
        queue = new SerialQueue();
        this.locks.set(key, queue);
      }
      try {
        return await queue.run(() => run(i + 1));
      } finally {
        if (queue.pending === 0) this.locks.delete(key);
      }
    };
    return run(0);
  }
}

/**
 * True when the replica's `current` version is a write the change's writer had not seen: later than
 * the version the change replaced in its own region (both were written over the same state, or the
 * change's writer never had `current`).
 */
function isConcurrent(current: ItemVersion | undefined, change: StoredChange): boolean {
  if (!current || current.region === change.version.region) return false;
  return change.base === undefined || compareVersions(current, change.base) > 0;
}

/** The whole request body, or undefined past dynalite's limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a region's store; see {@link RegionStore}. */
export function startRegionStore(options: RegionStoreOptions): Promise<RegionStore> {
  return RegionStore.start(options);
}
