/**
 * One region's store on real sockets: dynalite behind the proxy that keeps every attribute name and
 * turns each acknowledged write into a change. The clock is the test's own (stamps are model seconds).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { crc32, WireClient } from "../../../local/store/wire";
import { type RegionStore, SEED_VERSION, startRegionStore, type StoredChange } from "../../../local/store/region-store";
import { escapeName, unescapeName } from "../../../local/store/attribute-names";

const TABLE = "GlobalApp";
let clock = 0;
let store: RegionStore;
let client: WireClient;
const changes: StoredChange[] = [];

beforeAll(async () => {
  store = await startRegionStore({ region: "us-west-2", tableName: TABLE, items: [{ item_id: "foobar", message: "hi" }], now: () => clock });
  store.onChange((c) => changes.push(c));
  client = new WireClient(store.endpoint);
});
afterAll(async () => {
  client?.close();
  await store?.close();
});
beforeEach(() => {
  changes.length = 0;
});

const get = async (id: string) => (await client.call("GetItem", { TableName: TABLE, Key: { item_id: { S: id } } })).Item as Record<string, unknown> | undefined;
const rawBody = async (operation: string, input: string) => (await client.send({ "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDB_20120810.${operation}`, authorization: "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=x", "x-amz-date": "20240101T000000Z" }, input)).body;

describe("attribute names", () => {
  const ITEM = '{"item_id":{"S":"p"},"__proto__":{"M":{"__proto__":{"L":[{"M":{"__proto__":{"N":"1"}}}]},"x":{"S":"y"}}},"__proto__\\u0001":{"S":"a client name of its own"}}';

  it("keeps __proto__ at every depth, and a name that looks like its stored form stays distinct", async () => {
    await rawBody("PutItem", `{"TableName":"${TABLE}","Item":${ITEM}}`);
    const body = await rawBody("GetItem", `{"TableName":"${TABLE}","Key":{"item_id":{"S":"p"}}}`);
    expect(JSON.parse(body).Item).toEqual(JSON.parse(ITEM));
    expect(Object.keys(JSON.parse(body).Item)).toEqual(["item_id", "__proto__", "__proto__\u0001"]);
  });

  it("the same item written to dynalite directly loses them: why the proxy renames", async () => {
    const direct = new WireClient(store.engine.endpoint);
    try {
      await direct.send({ "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem", authorization: "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=x", "x-amz-date": "20240101T000000Z" }, `{"TableName":"${TABLE}","Item":{"item_id":{"S":"direct"},"__proto__":{"S":"v"}}}`);
      const item = (await direct.call("GetItem", { TableName: TABLE, Key: { item_id: { S: "direct" } } })).Item as object;
      expect(Object.keys(item)).toEqual(["item_id"]);
    } finally {
      direct.close();
    }
  });

  it("a placeholder in ExpressionAttributeNames may name __proto__ (UpdateItem SET #p)", async () => {
    await rawBody("UpdateItem", `{"TableName":"${TABLE}","Key":{"item_id":{"S":"u"}},"UpdateExpression":"SET #p = :v","ExpressionAttributeNames":{"#p":"__proto__"},"ExpressionAttributeValues":{":v":{"S":"set"}}}`);
    const body = await rawBody("GetItem", `{"TableName":"${TABLE}","Key":{"item_id":{"S":"u"}},"ProjectionExpression":"#p","ExpressionAttributeNames":{"#p":"__proto__"}}`);
    expect(JSON.parse(body)).toEqual({ Item: JSON.parse('{"__proto__":{"S":"set"}}') });
  });

  it("renames a bijection: only __proto__ followed by U+0001s, one more on the way in, one less on the way out", () => {
    for (const name of ["__proto__", "__proto__\u0001", "__proto__\u0001\u0001", "proto", "__proto__x", "\u0001"]) expect(unescapeName(escapeName(name))).toBe(name);
    expect(escapeName("__proto__")).toBe("__proto__\u0001");
    expect(escapeName("item_id")).toBe("item_id");
    expect(new Set(["__proto__", "__proto__\u0001"].map(escapeName)).size).toBe(2);
  });

  it("the SDK's clients work through the proxy, and numbers come back as DynamoDB normalizes them", async () => {
    const sdk = new DynamoDBClient({ ...store.clientConfig, maxAttempts: 1 });
    try {
      await sdk.send(new PutItemCommand({ TableName: TABLE, Item: { item_id: { S: "sdk" }, n: { N: "1.50" } } }));
      const out = await sdk.send(new GetItemCommand({ TableName: TABLE, Key: { item_id: { S: "sdk" } } }));
      expect(out.Item).toEqual({ item_id: { S: "sdk" }, n: { N: "1.5" } });
    } finally {
      sdk.destroy();
    }
  });

  it("answers carry DynamoDB's x-amz-crc32 of the body the client gets, renamed or not", async () => {
    const headers = { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.GetItem", authorization: "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=x", "x-amz-date": "20240101T000000Z" };
    const plain = await client.send(headers, `{"TableName":"${TABLE}","Key":{"item_id":{"S":"sdk"}}}`);
    const renamed = await client.send(headers, `{"TableName":"${TABLE}","Key":{"item_id":{"S":"p"}}}`);
    expect(renamed.body).toContain('"__proto__"');
    for (const r of [plain, renamed]) expect(Number(r.headers["x-amz-crc32"])).toBe(crc32(r.body));
    // dynalite's own header (the plain answer passes through untouched) agrees with crc32.
    const direct = new WireClient(store.engine.endpoint);
    try {
      const d = await direct.send(headers, `{"TableName":"${TABLE}","Key":{"item_id":{"S":"sdk"}}}`);
      expect(Number(d.headers["x-amz-crc32"])).toBe(crc32(d.body));
    } finally {
      direct.close();
    }
  });
});

describe("changes: every acknowledged write, with the item as the write left it", () => {
  it("PutItem: the whole item, stamped on the store's clock, over the version it replaced", async () => {
    clock = 10;
    await client.call("PutItem", { TableName: TABLE, Item: { item_id: { S: "a" }, v: { N: "1" } } });
    clock = 11;
    await client.call("PutItem", { TableName: TABLE, Item: { item_id: { S: "a" }, v: { N: "2" } } });
    expect(changes.map((c) => [c.key, c.image, c.version, c.base])).toEqual([
      ['{"S":"a"}', { item_id: { S: "a" }, v: { N: "1" } }, { stamp: 10, region: "us-west-2" }, undefined],
      ['{"S":"a"}', { item_id: { S: "a" }, v: { N: "2" } }, { stamp: 11, region: "us-west-2" }, { stamp: 10, region: "us-west-2" }],
    ]);
    expect(store.version('{"S":"a"}')).toEqual({ stamp: 11, region: "us-west-2" });
  });

  it("UpdateItem: the item after the update (read back), not the request", async () => {
    clock = 12;
    await client.call("UpdateItem", { TableName: TABLE, Key: { item_id: { S: "a" } }, UpdateExpression: "ADD v :one", ExpressionAttributeValues: { ":one": { N: "5" } } });
    expect(changes.map((c) => c.image)).toEqual([{ item_id: { S: "a" }, v: { N: "7" } }]);
  });

  it("a conditional write that fails is no change", async () => {
    await expect(
      client.call("PutItem", { TableName: TABLE, Item: { item_id: { S: "a" }, v: { N: "0" } }, ConditionExpression: "attribute_not_exists(item_id)" }),
    ).rejects.toThrow(/ConditionalCheckFailed/);
    expect(changes).toEqual([]);
    expect((await get("a"))?.v).toEqual({ N: "7" });
  });

  it("DeleteItem: a tombstone (image null), the version kept after the item is gone", async () => {
    clock = 13;
    await client.call("DeleteItem", { TableName: TABLE, Key: { item_id: { S: "a" } } });
    expect(changes.map((c) => [c.image, c.version.stamp])).toEqual([[null, 13]]);
    expect(await get("a")).toBeUndefined();
    expect(store.version('{"S":"a"}')).toEqual({ stamp: 13, region: "us-west-2" });
  });

  it("BatchWriteItem: one change per item", async () => {
    clock = 14;
    await client.call("BatchWriteItem", {
      RequestItems: { [TABLE]: [{ PutRequest: { Item: { item_id: { S: "b1" } } } }, { PutRequest: { Item: { item_id: { S: "b2" } } } }, { DeleteRequest: { Key: { item_id: { S: "foobar" } } } }] },
    });
    expect(changes.map((c) => [JSON.parse(c.key).S, c.image === null, c.base])).toEqual([
      ["b1", false, undefined],
      ["b2", false, undefined],
      ["foobar", true, SEED_VERSION],
    ]);
  });

  it("reads are no change, and stamps never repeat on a clock that stands still", async () => {
    await get("b1");
    await client.call("Scan", { TableName: TABLE });
    expect(changes).toEqual([]);
    await Promise.all(["c1", "c2", "c3"].map((id) => client.call("PutItem", { TableName: TABLE, Item: { item_id: { S: id } } })));
    const stamps = changes.map((c) => c.version.stamp);
    expect(new Set(stamps).size).toBe(3);
    expect(stamps.every((s) => s >= 14)).toBe(true);
  });
});

describe("apply: a replicated change, last writer wins", () => {
  const change = (id: string, stamp: number, region: string, image: Record<string, unknown> | null, base?: { stamp: number; region: string }): StoredChange => ({
    key: JSON.stringify({ S: id }),
    keyItem: { item_id: { S: id } },
    image,
    version: { stamp, region },
    ...(base ? { base } : {}),
  });

  it("a later write replaces the item; an earlier one is superseded and changes nothing", async () => {
    expect(await store.apply(change("r", 20, "eu-central-1", { item_id: { S: "r" }, v: { S: "second" } }))).toEqual({ applied: true });
    expect(await store.apply(change("r", 19, "eu-central-1", { item_id: { S: "r" }, v: { S: "first" } }))).toEqual({ applied: false });
    expect((await get("r"))?.v).toEqual({ S: "second" });
    // Applied changes are no local writes: nothing goes out again.
    expect(changes).toEqual([]);
  });

  it("a tombstone keeps a late, older write from bringing the item back", async () => {
    expect((await store.apply(change("r", 21, "eu-central-1", null))).applied).toBe(true);
    expect(await get("r")).toBeUndefined();
    expect((await store.apply(change("r", 20.5, "ap-southeast-1", { item_id: { S: "r" } }))).applied).toBe(false);
    expect(await get("r")).toBeUndefined();
  });

  it("a write here its writer had not seen is concurrent: reported with the outcome", async () => {
    clock = 30;
    await client.call("PutItem", { TableName: TABLE, Item: { item_id: { S: "k" }, v: { S: "here" } } });
    // Written elsewhere at 31 over the version before ours (none): it wins, and conflicts with ours.
    expect(await store.apply(change("k", 31, "eu-central-1", { item_id: { S: "k" }, v: { S: "there" } }))).toEqual({ applied: true, concurrentWith: { stamp: 30, region: "us-west-2" } });
    // Written elsewhere over ours (its writer had it): no conflict.
    expect(await store.apply(change("k", 32, "eu-central-1", { item_id: { S: "k" } }, { stamp: 31, region: "eu-central-1" }))).toEqual({ applied: true });
  });

  it("rejects while the store is unreachable, and applies once it is back", async () => {
    await store.engine.stop();
    try {
      await expect(store.apply(change("down", 40, "eu-central-1", { item_id: { S: "down" } }))).rejects.toThrow();
    } finally {
      await store.engine.start();
    }
    expect((await store.apply(change("down", 40, "eu-central-1", { item_id: { S: "down" } }))).applied).toBe(true);
    expect(await get("down")).toEqual({ item_id: { S: "down" } });
  });
});
