/**
 * The bundled handler (the bytes that ship) against dynalite on 127.0.0.1: every route, both ALB
 * header forms, URL-encoded and multi-byte ids, writes then reads, base64 bodies, configuration errors.
 */
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { ALBResult } from "aws-lambda";
import { startDynalite, type LocalDynamo } from "../../local/store/dynalite";
import { loadBundledHandler, type Handler } from "./support/bundled";
import { albEvent, bodyOf, headersOf, type EventSpec } from "./support/events";

const REGION = "eu-central-1";
let db: LocalDynamo;
let handler: Handler;

beforeAll(async () => {
  db = await startDynalite({
    tableName: "GlobalApp",
    items: [
      { item_id: "1", name: "first", tags: ["a", "b"], n: 42 },
      { item_id: "a b/ç😀?#&", name: "encoded" },
      { item_id: "é".repeat(1024), name: "2048 bytes" },
    ],
  });
  handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint });
});

afterAll(async () => {
  await db.close();
});

/** Every response, whatever the route, has these. */
function expectCommonHeaders(result: ALBResult, multiValue: boolean): void {
  expect(result.isBase64Encoded).toBe(false);
  expect(typeof result.body).toBe("string");
  if (multiValue) {
    expect(result.headers).toBeUndefined();
    expect(result.multiValueHeaders).toMatchObject({ "content-type": ["application/json"], "x-served-by-region": [REGION] });
  } else {
    expect(result.multiValueHeaders).toBeUndefined();
    expect(result.headers).toMatchObject({ "content-type": "application/json", "x-served-by-region": REGION });
  }
}

describe.each([
  ["single-value headers", false],
  ["multi-value headers", true],
])("%s", (_form, multiValue) => {
  const call = async (spec: EventSpec) => {
    const result = await handler(albEvent({ ...spec, multiValue }));
    expectCommonHeaders(result, multiValue);
    return result;
  };

  test("GET /get/{id} → 200 with the item and where it was retrieved", async () => {
    const result = await call({ path: "/get/1" });
    expect(result.statusCode).toBe(200);
    expect(result.statusDescription).toBe("200 OK");
    expect(bodyOf(result)).toEqual({
      item: { item_id: "1", name: "first", tags: ["a", "b"], n: 42 },
      region: REGION,
      message: `retrieved from ${REGION}`,
    });
  });

  test("HEAD /get/{id} → 200, headers, empty body", async () => {
    const result = await call({ method: "HEAD", path: "/get/1" });
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe("");
  });

  test("GET /get/{id} of a missing item → 404 naming the id", async () => {
    const result = await call({ path: "/get/nope" });
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toEqual({ error: "no such item", region: REGION, item_id: "nope" });
  });

  test("a URL-encoded id is decoded", async () => {
    const result = await call({ path: `/get/${encodeURIComponent("a b/ç😀?#&")}` });
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toMatchObject({ item: { name: "encoded" } });
  });

  test("invalid URL encoding → 400", async () => {
    expect((await call({ path: "/get/%E0%A4%A" })).statusCode).toBe(400);
  });

  test("the 2048-byte id limit counts UTF-8 bytes (dynalite alone would count characters)", async () => {
    const at = await call({ path: `/get/${encodeURIComponent("é".repeat(1024))}` });
    expect(at.statusCode).toBe(200);
    const over = await call({ path: `/get/${encodeURIComponent("é".repeat(1025))}` });
    expect(over.statusCode).toBe(400);
    expect(bodyOf(over)).toEqual({ error: "item id is 2050 bytes, the limit is 2048 bytes (UTF-8)", region: REGION });
    const put = await call({ method: "PUT", path: `/items/${encodeURIComponent("😀".repeat(513))}`, body: "{}" });
    expect(put.statusCode).toBe(400);
  });

  test("an empty id → 400", async () => {
    expect(bodyOf(await call({ path: "/get/" }))).toEqual({ error: "item id must not be empty", region: REGION });
    expect((await call({ path: "/items/", method: "PUT", body: "{}" })).statusCode).toBe(400);
  });

  test("PUT, GET, PUT again, DELETE, GET: 201, 200, 200, 200, 404", async () => {
    const id = `w-${multiValue}-ü`;
    const path = `/items/${encodeURIComponent(id)}`;
    const created = await call({ method: "PUT", path, body: '{"color":"red","n":1}' });
    expect(created.statusCode).toBe(201);
    expect(bodyOf(created)).toEqual({ item: { color: "red", n: 1, item_id: id }, region: REGION, message: `created in ${REGION}` });

    expect(bodyOf(await call({ path }))).toMatchObject({ item: { item_id: id, color: "red", n: 1 } });
    expect(bodyOf(await call({ path: `/get/${encodeURIComponent(id)}` }))).toMatchObject({ item: { color: "red" } });

    const replaced = await call({ method: "PUT", path, body: `{"item_id":${JSON.stringify(id)},"color":"blue"}` });
    expect(replaced.statusCode).toBe(200);
    expect(bodyOf(await call({ path }))).toEqual({ item: { item_id: id, color: "blue" }, region: REGION, message: `retrieved from ${REGION}` });

    const deleted = await call({ method: "DELETE", path });
    expect(deleted.statusCode).toBe(200);
    expect(bodyOf(deleted)).toMatchObject({ item: { item_id: id, color: "blue" } });
    expect((await call({ path })).statusCode).toBe(404);
    expect((await call({ method: "DELETE", path })).statusCode).toBe(404);
  });

  test("HEAD /items/{id} answers like GET without a body", async () => {
    const result = await call({ method: "HEAD", path: "/items/1" });
    expect([result.statusCode, result.body]).toEqual([200, ""]);
  });

  test("a base64 body (as the ALB sends binary content) is decoded and stored", async () => {
    const path = `/items/b64-${multiValue}`;
    const body = Buffer.from('{"text":"grüße 😀"}', "utf8").toString("base64");
    expect((await call({ method: "PUT", path, body, isBase64Encoded: true })).statusCode).toBe(201);
    expect(bodyOf(await call({ path }))).toMatchObject({ item: { text: "grüße 😀" } });
  });

  test.each<[string, string, boolean, RegExp]>([
    ["invalid JSON", "{", false, /not valid JSON/],
    ["a JSON array", "[1]", false, /JSON object/],
    ["another item_id", '{"item_id":"x"}', false, /item_id/],
    ["invalid base64", "%%%", true, /base64/],
    ["an item over 400 KB", JSON.stringify({ d: "x".repeat(400 * 1024) }), false, /item size limit/],
  ])("PUT with %s → 400 with the reason, nothing written", async (_label, body, isBase64Encoded, reason) => {
    const path = `/items/rejected-${multiValue}`;
    const result = await call({ method: "PUT", path, body, isBase64Encoded });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).error).toMatch(reason);
    expect((await call({ path })).statusCode).toBe(404);
  });

  test("an item of exactly 400 KB is accepted by our check and by the table", async () => {
    const path = `/items/big-${multiValue}`;
    const id = `big-${multiValue}`;
    // 400 KB = "d" (1) + value + "item_id" (7) + the id.
    const value = "x".repeat(400 * 1024 - 1 - 7 - Buffer.byteLength(id));
    // 201, or 200 when a loaded machine made the SDK retry a PutItem the table had already applied
    // (the retry then replaces the item: the same outcome as on AWS). Either way the whole item is stored.
    expect([201, 200]).toContain((await call({ method: "PUT", path, body: JSON.stringify({ d: value }) })).statusCode);
    expect((bodyOf(await call({ path })).item as { d: string }).d).toHaveLength(value.length);
  });

  test("GET|HEAD /health → STATUS", async () => {
    const get = await call({ path: "/health" });
    expect(get.statusCode).toBe(200);
    expect(bodyOf(get)).toEqual({ status: 200, region: REGION, mode: "shallow" });
    const head = await call({ method: "HEAD", path: "/health" });
    expect([head.statusCode, head.body]).toEqual([200, ""]);
  });

  test.each<[string, string, string]>([
    ["POST", "/get/1", "GET, HEAD"],
    ["PATCH", "/items/1", "GET, HEAD, PUT, DELETE"],
    ["PUT", "/health", "GET, HEAD"],
  ])("%s %s → 405 with Allow: %s", async (method, path, allow) => {
    const result = await call({ method, path });
    expect(result.statusCode).toBe(405);
    expect(headersOf(result).allow).toBe(allow);
  });

  test("an unknown path → 404", async () => {
    const result = await call({ path: "/admin" });
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toEqual({ error: "not found", region: REGION });
  });
});

describe("configuration", () => {
  test("STATUS drives /health (the failover drill flips it to 400)", async () => {
    const draining = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, STATUS: "400" });
    const result = await draining(albEvent({ path: "/health" }));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ status: 400, region: REGION, mode: "shallow" });
    // Only health is affected: the region still serves items if a client reaches it.
    expect((await draining(albEvent({ path: "/get/1" }))).statusCode).toBe(200);
  });

  test.each(["abc", "99", "600", ""])("an invalid STATUS %j → /health 500 with a generic body", async (STATUS) => {
    const result = await loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, STATUS })(albEvent({ path: "/health" }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: "internal error", region: REGION });
  });

  test("a missing TABLE_NAME loads fine and answers 500 on item routes and /health, 404 elsewhere", async () => {
    const broken = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, TABLE_NAME: undefined });
    for (const spec of [{ path: "/get/1" }, { path: "/items/1", method: "PUT", body: "{}" }, { path: "/health" }]) {
      const result = await broken(albEvent(spec));
      expect(result.statusCode).toBe(500);
      expect(bodyOf(result)).toEqual({ error: "internal error", region: REGION });
    }
    expect((await broken(albEvent({ path: "/x" }))).statusCode).toBe(404);
  });

  test("an item written by another tool with a number beyond 2^53 is served exactly, not rounded", async () => {
    const client = new DynamoDBClient({ ...db.clientConfig });
    await client.send(
      new PutItemCommand({ TableName: "GlobalApp", Item: { item_id: { S: "big" }, n: { N: "123456789012345678901234567890" } } }),
    );
    client.destroy();
    const result = await handler(albEvent({ path: "/get/big" }));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe('{"item":{"item_id":"big","n":123456789012345678901234567890},"region":"eu-central-1","message":"retrieved from eu-central-1"}');
  });

  test("TABLE_NAME names the table that is read", async () => {
    const other = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, TABLE_NAME: "NoSuchTable" });
    // A missing table is not a transient failure: 500, logged, generic body.
    const result = await other(albEvent({ path: "/get/1" }));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toMatch(/NoSuchTable|ResourceNotFound|not found/i);
  });

  test("deep health reads the replica and answers STATUS when it responds", async () => {
    const deep = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, HEALTH_CHECK_MODE: "deep" });
    const result = await deep(albEvent({ path: "/health", multiValue: true }));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 200, region: REGION, mode: "deep", dependency: "ok" });
  });

  test("deep health fails when the table is missing (the region cannot serve)", async () => {
    const deep = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, HEALTH_CHECK_MODE: "deep", TABLE_NAME: "NoSuchTable" });
    expect((await deep(albEvent({ path: "/health" }))).statusCode).toBe(503);
  });
});
