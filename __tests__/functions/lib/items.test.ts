import { MAX_ID_BYTES, MAX_ITEM_BYTES } from "../../../functions/lib/attributes";
import { BadRequestError, NotFoundError, ServiceUnavailableError } from "../../../functions/lib/errors";
import { HealthCheck, ItemService, type ItemStore, LONGEST_REGION_NAME_LENGTH, parseItemBody, parseItemId } from "../../../functions/lib/items";
import { ALB_RESPONSE_LIMIT, alwaysFits, bodyJson, JsonText, worstCaseBytes } from "../../../functions/lib/response";
import { AWS_REGIONS } from "../../../model/regions";
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
      name: { S: "x" },
      n: { N: "1" },
      tags: { L: [{ S: "a" }] },
      m: { M: { z: { NULL: true }, t: { BOOL: true } } },
      item_id: { S: "k" },
    });
  });

  test("a base64 body is decoded (the ALB base64-encodes bodies it cannot pass as text)", () => {
    expect(parseItemBody("k", b64('{"name":"café"}'), true)).toEqual({ name: { S: "café" }, item_id: { S: "k" } });
  });

  test("item_id equal to the path id is accepted", () => {
    expect(parseItemBody("k", '{"item_id":"k","v":1}', false)).toEqual({ item_id: { S: "k" }, v: { N: "1" } });
  });

  test("numbers keep every digit DynamoDB keeps", () => {
    const item = parseItemBody("k", '{"a":19.999999999999999999,"b":123456789.123456789,"c":12345678901234567890123456789012345678}', false);
    expect(item).toMatchObject({
      a: { N: "19.999999999999999999" },
      b: { N: "123456789.123456789" },
      c: { N: "12345678901234567890123456789012345678" },
    });
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
    ["a binary item_id", '{"item_id":{"$B":"aw=="}}', false, /item_id/],
    ["invalid base64", "not base64!", true, /base64/],
    ["base64 without padding", "eyJhIjoxfQ", true, /base64/],
    ["base64 of invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]).toString("base64"), true, /UTF-8/],
    ["base64 of plain text", b64("hello"), true, /not valid JSON/],
    ["an empty attribute name", '{"":1}', false, /attribute names/],
    ["a number over 38 digits", '{"n":123456789012345678901234567890123456789}', false, /39 significant digits.*38/],
    ["a number above the range", '{"n":1e126}', false, /too large.*9\.9999999999999999999999999999999999999E\+125/],
    ["a number below DynamoDB's smallest", '{"n":1e-131}', false, /too small.*1E-130/],
    ["an escaped lone surrogate", '{"s":"\\ud800"}', false, /Unicode/],
    ["a duplicate key", '{"a":1,"a":2}', false, /duplicate key "a"/],
  ])("%s is a 400", (_label, body, base64, reason) => {
    expect(() => parseItemBody("k", body, base64)).toThrow(BadRequestError);
    expect(() => parseItemBody("k", body, base64)).toThrow(reason);
  });

  test("the error names where in the item the problem is", () => {
    expect(() => parseItemBody("k", '{"a":{"b":[1,2,1e999]}}', false)).toThrow(/too large.*\(at a\.b\[2\]\)/);
    expect(() => parseItemBody("k", '{"odd key":{"$NS":[1,1.0]}}', false)).toThrow(/duplicate.*\(at \["odd key"\]\["\$NS"\]\[1\]\)/);
  });

  test("nesting: a leaf at level 32 is accepted, at 33 it is not, whatever the leaf", () => {
    const nest = (depth: number, leaf = "") => "[".repeat(depth) + leaf + "]".repeat(depth);
    // The item itself is level 0, its attribute value level 1; the leaf counts as a level.
    expect(() => parseItemBody("k", `{"a":${nest(31, '"x"')}}`, false)).not.toThrow();
    expect(() => parseItemBody("k", `{"a":${nest(32, '"x"')}}`, false)).toThrow(/32 levels/);
    expect(() => parseItemBody("k", `{"a":${nest(32)}}`, false)).not.toThrow(); // an empty list at 32: no leaf beyond
    expect(() => parseItemBody("k", `{"a":${nest(33)}}`, false)).toThrow(/32 levels/);
    // A tagged leaf is a leaf like a string: the same boundary.
    expect(() => parseItemBody("k", `{"a":${nest(31, '{"$B":"eA=="}')}}`, false)).not.toThrow();
    expect(() => parseItemBody("k", `{"a":${nest(32, '{"$B":"eA=="}')}}`, false)).toThrow(/32 levels/);
    // $M wrappers are JSON levels, not DynamoDB levels: maps of one "$B" key each, a string at the end.
    const maps = (depth: number) => '{"$M":{"$B":'.repeat(depth) + '"x"' + "}}".repeat(depth);
    expect(() => parseItemBody("k", `{"a":${maps(31)}}`, false)).not.toThrow();
    expect(() => parseItemBody("k", `{"a":${maps(32)}}`, false)).toThrow(/32 levels/);
  });

  test("pathological nesting is a 400, not a stack overflow", () => {
    expect(() => parseItemBody("k", `{"a":${"[".repeat(200_000)}`, false)).toThrow(/32 levels/);
  });

  test("the 400 KB item limit counts names and values in bytes, item_id included", () => {
    // Attribute "d" (1 byte) + item_id (7 + 1 bytes): the string value may take the rest.
    const room = MAX_ITEM_BYTES - 1 - ("item_id".length + 1);
    expect(() => parseItemBody("k", JSON.stringify({ d: "x".repeat(room) }), false)).not.toThrow();
    expect(() => parseItemBody("k", JSON.stringify({ d: "x".repeat(room + 1) }), false)).toThrow(/409601 bytes.*409600/);
    // Multi-byte characters count as their UTF-8 size.
    expect(() => parseItemBody("k", JSON.stringify({ d: "é".repeat(room / 2 + 1) }), false)).toThrow(/item size limit/);
  });

  test("JSON escapes and whitespace do not count: the limit is on what DynamoDB stores", () => {
    const room = MAX_ITEM_BYTES - 1 - ("item_id".length + 1);
    // 409,591 characters written as \u0078 escapes: 2.4 MB of JSON, exactly 409,600 bytes stored.
    const escaped = `{ "d" : "${"\\u0078".repeat(room)}" }`;
    expect(parseItemBody("k", escaped, false).d).toEqual({ S: "x".repeat(room) });
  });
});

describe("LONGEST_REGION_NAME_LENGTH", () => {
  test("is the length of the longest region code in model/regions.ts", () => {
    expect(LONGEST_REGION_NAME_LENGTH).toBe(Math.max(...AWS_REGIONS.map((r) => r.length)));
  });
});

describe("ItemService", () => {
  const setup = () => {
    const store = new MemoryStore();
    return { store, service: new ItemService(store, "eu-central-1") };
  };
  const text = (r: { body: Readonly<Record<string, unknown>> }) => bodyJson(r.body);

  test("get: 200 with the item, exactly as stored, and the serving region", async () => {
    const { store, service } = setup();
    store.items.set("a", { item_id: { S: "a" }, v: { N: "1.10" } });
    const response = await service.get("a");
    expect(response.statusCode).toBe(200);
    expect(text(response)).toBe('{"item":{"item_id":"a","v":1.10},"region":"eu-central-1","message":"retrieved from eu-central-1"}');
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
    const replaced = await service.put("a", '{"v":2.50}', false);
    expect(replaced.statusCode).toBe(200);
    expect(text(replaced)).toBe('{"item":{"v":2.5,"item_id":"a"},"region":"eu-central-1","message":"replaced in eu-central-1"}');
    expect(store.items.get("a")).toEqual({ item_id: { S: "a" }, v: { N: "2.5" } });
  });

  test("put: an invalid body never reaches the store", async () => {
    const { store, service } = setup();
    await expect(service.put("a", "[]", false)).rejects.toThrow(BadRequestError);
    expect(store.items.size).toBe(0);
  });

  /** The largest answer an item of this JSON can get, read anywhere (the longest region name) or written (201 created). */
  const worstAnswer = (itemJson: string) => {
    const anywhere = "x".repeat(Math.max(...AWS_REGIONS.map((r) => r.length)));
    const item = new JsonText(itemJson);
    return Math.max(
      ...[
        [200, `retrieved from ${anywhere}`],
        [201, `created in ${anywhere}`],
        [200, `replaced in ${anywhere}`],
      ].map(([statusCode, message]) => worstCaseBytes({ statusCode: statusCode as number, body: { item, region: anywhere, message } }, anywhere)),
    );
  };

  test("put: an item DynamoDB takes but whose answers the ALB could not pass is refused, naming the limit", async () => {
    const { store, service } = setup();
    // A control character is 1 byte stored and 7 bytes in the ALB's response JSON (\\u0001).
    const answer = (n: number) => worstAnswer(`{"d":"${"\\u0001".repeat(n)}","item_id":"a"}`);
    expect(answer(140_000)).toBeLessThanOrEqual(ALB_RESPONSE_LIMIT);
    expect(answer(150_000)).toBeGreaterThan(ALB_RESPONSE_LIMIT);
    await expect(service.put("a", JSON.stringify({ d: "\u0001".repeat(150_000) }), false)).rejects.toThrow(
      new RegExp(`responses would be up to ${answer(150_000)} bytes of JSON, over the ALB's limit of 1000000 bytes`),
    );
    expect(store.items.size).toBe(0);
    await expect(service.put("a", JSON.stringify({ d: "\u0001".repeat(140_000) }), false)).resolves.toMatchObject({ statusCode: 201 });
  });

  test("put: the ALB check is exact at the limit (one byte either side), for every answer in every region", async () => {
    const { service } = setup();
    // x characters make the rest: find the string length whose largest answer is exactly the limit.
    const itemJson = (n: number) => `{"d":"${"\\u0001".repeat(140_000)}${"x".repeat(n)}","item_id":"a"}`;
    const n = ALB_RESPONSE_LIMIT - worstAnswer(itemJson(0));
    expect(worstAnswer(itemJson(n))).toBe(ALB_RESPONSE_LIMIT);
    const body = (extra: number) => JSON.stringify({ d: "\u0001".repeat(140_000) + "x".repeat(extra) });
    await expect(service.put("a", body(n + 1), false)).rejects.toThrow(/up to 1000001 bytes of JSON/);
    // At the limit: accepted, and then every answer it can get fits — the PUT's own 201 here, and the
    // GET from the region with the longest name (active-active: any region may read it back).
    const put = await service.put("a", body(n), false);
    expect(put.statusCode).toBe(201);
    expect(alwaysFits(put, "eu-central-1")).toBe(true);
    const longest = AWS_REGIONS.reduce((a, b) => (b.length > a.length ? b : a));
    const elsewhere = new ItemService((service as unknown as { store: ItemStore }).store, longest);
    const read = await elsewhere.get("a");
    expect(alwaysFits(read, longest)).toBe(true);
    const replaced = await elsewhere.put("a", body(n), false);
    expect([replaced.statusCode, alwaysFits(replaced, longest)]).toEqual([200, true]);
  });

  test("delete: 200 with the removed item, then 404", async () => {
    const { store, service } = setup();
    store.items.set("a", { item_id: { S: "a" } });
    const deleted = await service.delete("a");
    expect(deleted.statusCode).toBe(200);
    expect(text(deleted)).toBe('{"item":{"item_id":"a"},"region":"eu-central-1","message":"deleted in eu-central-1"}');
    expect(deleted.tooLarge).toMatchObject({
      statusCode: 200,
      body: { item_id: "a", message: "deleted in eu-central-1", item_omitted: expect.stringMatching(/1000000-byte/) },
    });
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
