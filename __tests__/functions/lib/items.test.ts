import { BadRequestError, NotFoundError, ServiceUnavailableError } from "../../../functions/lib/errors";
import {
  dynamoSize,
  HealthCheck,
  ItemService,
  MAX_ID_BYTES,
  MAX_ITEM_BYTES,
  parseItemBody,
  parseItemId,
} from "../../../functions/lib/items";
import { MemoryStore } from "../support/memory-store";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

describe("parseItemId", () => {
  test.each([
    ["abc", "abc"],
    ["a%20b", "a b"],
    ["caf%C3%A9", "café"],
    ["a%2Fb", "a/b"],
    ["a/b", "a/b"],
    ["%F0%9F%98%80", "😀"],
    ["100%25", "100%"],
  ])("%j → %j", (raw, id) => expect(parseItemId(raw)).toBe(id));

  test.each(["", "%", "%E0%A4%A", "%ZZ", "%ED%A0%80"])("%j is a 400", (raw) => {
    expect(() => parseItemId(raw)).toThrow(BadRequestError);
  });

  test("a lone surrogate is a 400 (UTF-8 cannot carry it)", () => {
    expect(() => parseItemId("a\uD800b")).toThrow(/Unicode/);
  });

  test("the limit counts UTF-8 bytes, not characters", () => {
    expect(parseItemId("a".repeat(MAX_ID_BYTES))).toHaveLength(2048);
    expect(() => parseItemId("a".repeat(MAX_ID_BYTES + 1))).toThrow(/2049 bytes/);
    // é is 2 bytes: 1024 of them are exactly 2048 bytes, 1025 are over while far below 2048 characters.
    expect(parseItemId("é".repeat(1024))).toHaveLength(1024);
    expect(() => parseItemId("é".repeat(1025))).toThrow(/2050 bytes/);
    // 😀 is 4 bytes (2 UTF-16 units).
    expect(() => parseItemId(encodeURIComponent("😀".repeat(513)))).toThrow(/2052 bytes/);
    expect(parseItemId(encodeURIComponent("😀".repeat(512)))).toBe("😀".repeat(512));
  });
});

describe("parseItemBody", () => {
  test("a plain JSON object gets item_id from the path", () => {
    expect(parseItemBody("k", '{"name":"x","n":1,"tags":["a"],"m":{"z":null,"t":true}}', false)).toEqual({
      name: "x",
      n: 1,
      tags: ["a"],
      m: { z: null, t: true },
      item_id: "k",
    });
  });

  test("a base64 body is decoded (the ALB base64-encodes bodies it cannot pass as text)", () => {
    expect(parseItemBody("k", b64('{"name":"café"}'), true)).toEqual({ name: "café", item_id: "k" });
  });

  test("item_id equal to the path id is accepted", () => {
    expect(parseItemBody("k", '{"item_id":"k","v":1}', false)).toEqual({ item_id: "k", v: 1 });
  });

  test.each<[string, string | null | undefined, boolean, RegExp]>([
    ["invalid JSON", "{nope", false, /not valid JSON/],
    ["an array", "[1,2]", false, /JSON object/],
    ["null", "null", false, /JSON object/],
    ["a number", "42", false, /JSON object/],
    ["a string", '"x"', false, /JSON object/],
    ["an empty body", "", false, /JSON object/],
    ["a missing body", undefined, false, /JSON object/],
    ["a null body", null, false, /JSON object/],
    ["a different item_id", '{"item_id":"other"}', false, /item_id/],
    ["a non-string item_id", '{"item_id":1}', false, /item_id/],
    ["invalid base64", "not base64!", true, /base64/],
    ["base64 without padding", "eyJhIjoxfQ", true, /base64/],
    ["base64 of invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("base64"), true, /UTF-8/],
    ["base64 of plain text", b64("hello"), true, /not valid JSON/],
    ["an empty attribute name", '{"":1}', false, /attribute names/],
    ["an infinite number", '{"n":1e400}', false, /numbers/],
    ["a number beyond 2^53", '{"n":12345678901234567890}', false, /numbers/],
    ["a number below DynamoDB's smallest", '{"n":1e-200}', false, /1e-130/],
    ["an escaped lone surrogate", '{"s":"\\ud800"}', false, /Unicode/],
  ])("%s is a 400", (_label, body, base64, reason) => {
    expect(() => parseItemBody("k", body, base64)).toThrow(BadRequestError);
    expect(() => parseItemBody("k", body, base64)).toThrow(reason);
  });

  test("nesting: 32 levels are accepted, 33 are not", () => {
    const nest = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    // The item itself is level 0, its attribute value level 1.
    expect(() => parseItemBody("k", `{"a":${nest(32)}}`, false)).not.toThrow();
    expect(() => parseItemBody("k", `{"a":${nest(33)}}`, false)).toThrow(/32 levels/);
  });

  test("the 400 KB item limit counts names and values in bytes, item_id included", () => {
    // Attribute "d" (1 byte) + item_id (7 + 1 bytes): the string value may take the rest.
    const room = MAX_ITEM_BYTES - 1 - ("item_id".length + 1);
    expect(() => parseItemBody("k", JSON.stringify({ d: "x".repeat(room) }), false)).not.toThrow();
    expect(() => parseItemBody("k", JSON.stringify({ d: "x".repeat(room + 1) }), false)).toThrow(/item size limit/);
    // Multi-byte characters count as their UTF-8 size.
    expect(() => parseItemBody("k", JSON.stringify({ d: "é".repeat(room / 2 + 1) }), false)).toThrow(/item size limit/);
  });

  test("a body far beyond the limit is refused before parsing", () => {
    expect(() => parseItemBody("k", "x".repeat(MAX_ITEM_BYTES * 2 + 1), false)).toThrow(/item size limit/);
  });
});

describe("dynamoSize", () => {
  test("follows DynamoDB's rules", () => {
    expect(dynamoSize("abc")).toBe(3);
    expect(dynamoSize("é")).toBe(2);
    expect(dynamoSize(null)).toBe(1);
    expect(dynamoSize(true)).toBe(1);
    expect(dynamoSize(7)).toBe(21);
    expect(dynamoSize([])).toBe(3);
    expect(dynamoSize(["ab", null])).toBe(3 + 1 + 2 + 1 + 1);
    expect(dynamoSize({ ab: "c" })).toBe(3 + 1 + 2 + 1);
  });
});

describe("ItemService", () => {
  const setup = () => {
    const store = new MemoryStore();
    return { store, service: new ItemService(store, "eu-central-1") };
  };

  test("get: 200 with the item and the serving region", async () => {
    const { store, service } = setup();
    store.items.set("a", { item_id: "a", v: 1 });
    await expect(service.get("a")).resolves.toEqual({
      statusCode: 200,
      body: { item: { item_id: "a", v: 1 }, region: "eu-central-1", message: "retrieved from eu-central-1" },
    });
  });

  test("get: no item → NotFoundError naming the id", async () => {
    const { service } = setup();
    const error = await service.get("missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).details).toEqual({ item_id: "missing" });
  });

  test("put: 201 when new, 200 when it replaces; the store holds the item", async () => {
    const { store, service } = setup();
    await expect(service.put("a", '{"v":1}', false)).resolves.toMatchObject({ statusCode: 201 });
    await expect(service.put("a", '{"v":2}', false)).resolves.toMatchObject({
      statusCode: 200,
      body: { item: { item_id: "a", v: 2 }, region: "eu-central-1" },
    });
    expect(store.items.get("a")).toEqual({ item_id: "a", v: 2 });
  });

  test("put: an invalid body never reaches the store", async () => {
    const { store, service } = setup();
    await expect(service.put("a", "[]", false)).rejects.toThrow(BadRequestError);
    expect(store.items.size).toBe(0);
  });

  test("delete: 200 with the removed item, then 404", async () => {
    const { store, service } = setup();
    store.items.set("a", { item_id: "a" });
    await expect(service.delete("a")).resolves.toMatchObject({ statusCode: 200, body: { item: { item_id: "a" } } });
    await expect(service.delete("a")).rejects.toThrow(NotFoundError);
  });

  test("store failures propagate (the router maps them)", async () => {
    const { store, service } = setup();
    const failure = Object.assign(new Error("x"), { code: "ECONNREFUSED" });
    store.failWith = failure;
    await expect(service.get("a")).rejects.toBe(failure);
  });
});

describe("HealthCheck", () => {
  const options = { status: 200, region: "us-west-2", cacheMs: 5000 } as const;

  test("shallow: answers STATUS without touching the store", async () => {
    const store = new MemoryStore();
    store.failWith = new Error("down");
    const health = new HealthCheck(store, { ...options, status: 400, mode: "shallow" });
    await expect(health.check()).resolves.toEqual({ statusCode: 400, body: { status: 400, region: "us-west-2", mode: "shallow" } });
    expect(store.pings).toBe(0);
  });

  test("deep: healthy store → STATUS", async () => {
    const store = new MemoryStore();
    const health = new HealthCheck(store, { ...options, mode: "deep" });
    await expect(health.check()).resolves.toEqual({
      statusCode: 200,
      body: { status: 200, region: "us-west-2", mode: "deep", dependency: "ok" },
    });
  });

  test("deep: failing store → 503 and the cause goes to onFailure", async () => {
    const store = new MemoryStore();
    const cause = new Error("timeout");
    store.failWith = cause;
    const onFailure = jest.fn();
    const health = new HealthCheck(store, { ...options, mode: "deep", onFailure });
    await expect(health.check()).rejects.toThrow(ServiceUnavailableError);
    expect(onFailure).toHaveBeenCalledWith(cause);
  });

  test("deep: an operator's non-2xx STATUS is answered without a store read", async () => {
    const store = new MemoryStore();
    const health = new HealthCheck(store, { ...options, status: 400, mode: "deep" });
    await expect(health.check()).resolves.toMatchObject({ statusCode: 400 });
    expect(store.pings).toBe(0);
  });

  test("deep: the answer is cached for cacheMs, good or bad, then checked again", async () => {
    let now = 1_000_000;
    const store = new MemoryStore();
    const health = new HealthCheck(store, { ...options, mode: "deep", now: () => now });
    await health.check();
    store.failWith = new Error("down");
    now += 4999;
    await expect(health.check()).resolves.toMatchObject({ statusCode: 200 });
    expect(store.pings).toBe(1);
    now += 1;
    await expect(health.check()).rejects.toThrow(ServiceUnavailableError);
    expect(store.pings).toBe(2);
    store.failWith = undefined;
    now += 4999;
    await expect(health.check()).rejects.toThrow(ServiceUnavailableError);
    now += 1;
    await expect(health.check()).resolves.toMatchObject({ statusCode: 200 });
    expect(store.pings).toBe(3);
  });

  test("deep: concurrent checks share one store read", async () => {
    const store = new MemoryStore();
    const health = new HealthCheck(store, { ...options, mode: "deep", cacheMs: 0 });
    await Promise.all([health.check(), health.check(), health.check()]);
    expect(store.pings).toBe(1);
  });
});
