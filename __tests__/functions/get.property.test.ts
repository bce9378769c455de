/**
 * Properties of the bundled handler.
 *
 * 1. For any event, well-formed or not, it answers (never throws) with a well-formed ALBResult whose
 *    status is a documented one, and prints exactly one well-formed, bounded EMF line for it (request
 *    metrics on, as in Lambda; stdout captured). 10,000 events go to a stub DynamoDB endpoint that answers every
 *    call at once like an empty table (dynalite takes ~3 ms per write, too slow for 10,000 runs in a
 *    few seconds); 1,000 more go to dynalite, so a request the function lets through but DynamoDB
 *    would reject shows up as a 500.
 * 2. Random items (many-digit numbers, odd keys, nested lists and maps, sets, binary, Unicode)
 *    written through it are stored exactly (read back with the low-level client) and read back
 *    through it exactly (parsed by lossless-json, an independent lossless parser).
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import type { ALBResult } from "aws-lambda";
import { parse as losslessParse } from "lossless-json";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startDynalite, type LocalDynamo } from "../../local/store/dynalite";
import type { AttributeMap } from "../../functions/lib/attributes";
import { MAX_METRICS_PER_REGION } from "../../functions/lib/metrics";
import { mapFromWire } from "../../functions/lib/wire";
import { captureStdout, loadBundledHandler, type Handler } from "./support/bundled";
import { emfProblems } from "./support/emf";
import { albEvent as makeEvent } from "./support/events";
import { canonicalFromJson, canonicalMap, item as itemArb } from "./support/items";

/** With valid configuration and a healthy table: 500 and 503 would be bugs here. */
const EXPECTED = new Set([200, 201, 400, 404, 405]);

let db: LocalDynamo;
let stub: Server;
let stubCalls = 0;

beforeAll(async () => {
  db = await startDynalite({ tableName: "GlobalApp", items: [{ item_id: "1" }, { item_id: "a b" }] });
  // GetItem, PutItem and DeleteItem of an empty table all answer "{}" (no Item, no old Attributes).
  stub = createServer((req, res) => {
    stubCalls++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  stub.closeAllConnections();
  await new Promise((resolve) => stub.close(resolve));
  await db.close();
});

const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }));
const percentEncoded = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, "0")}`), fc.constantFrom("%", "%Z", "a", "/", "é")), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));
const id = fc.oneof(
  { weight: 1, arbitrary: fc.string({ minLength: 1 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: text },
  { weight: 2, arbitrary: percentEncoded },
  { weight: 1, arbitrary: fc.constantFrom("1", "a%20b", "", "é".repeat(1025), "x".repeat(2049)) },
);
const path = fc.oneof(
  { weight: 2, arbitrary: id.map((i) => `/get/${i}`) },
  { weight: 2, arbitrary: id.map((i) => `/items/${i}`) },
  { weight: 1, arbitrary: fc.constantFrom("/health", "/", "", "/get", "/items", "/health/", "//get/1", "/GET/1") },
  { weight: 2, arbitrary: text },
);
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("GET", "HEAD", "PUT", "DELETE") },
  { weight: 1, arbitrary: fc.constantFrom("POST", "PATCH", "OPTIONS", "get", "") },
  { weight: 1, arbitrary: text },
);
// Small values: fast-check's default object generator is slow and mostly produces over-sized noise.
const json = fc.jsonValue({ maxDepth: 3 });
const jsonBody = fc.oneof(json, fc.dictionary(text, json, { maxKeys: 5 })).map((v) => JSON.stringify(v));
const body = fc.oneof(
  jsonBody,
  jsonBody.map((s) => Buffer.from(s).toString("base64")),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString("base64")),
  text,
  fc.constantFrom('{"item_id":"other"}', "{}", "[]", "null", ""),
);
const headers = fc.dictionary(text, text, { maxKeys: 4 });
const multiHeaders = fc.dictionary(text, fc.array(text, { maxLength: 2 }), { maxKeys: 4 });
const garbage = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  text,
  fc.array(text, { maxLength: 2 }),
  fc.dictionary(text, json, { maxKeys: 3 }),
);

const albEvent = fc.record(
  {
    requestContext: fc.oneof(fc.constant({ elb: { targetGroupArn: "arn:aws:elasticloadbalancing:::targetgroup/x/y" } }), garbage),
    httpMethod: fc.oneof({ weight: 5, arbitrary: method }, garbage),
    path: fc.oneof({ weight: 5, arbitrary: path }, garbage),
    body: fc.oneof({ weight: 5, arbitrary: body }, garbage),
    isBase64Encoded: fc.oneof(fc.boolean(), garbage),
    headers: fc.oneof(headers, garbage),
    queryStringParameters: fc.oneof(headers, garbage),
    multiValueHeaders: fc.oneof(multiHeaders, garbage),
    multiValueQueryStringParameters: fc.oneof(multiHeaders, garbage),
  },
  { requiredKeys: ["httpMethod", "path"] },
);
const event = fc.oneof({ weight: 20, arbitrary: albEvent }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * What is wrong with `result` as the ALB's answer to `input` (the shape the ALB requires of a Lambda
 * target, plus our own invariants); empty when nothing is. Plain checks, not expect(): 10,000 runs
 * of a dozen jest matchers each would take longer than the handler itself.
 */
function problems(result: ALBResult, input: unknown): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) out.push(what);
  };
  check(isObject(result), "result is an object");
  if (!isObject(result)) return out;
  check(Number.isInteger(result.statusCode) && EXPECTED.has(result.statusCode), `status ${result.statusCode} is documented`);
  check(typeof result.statusDescription === "string" && result.statusDescription.startsWith(`${result.statusCode} `), "statusDescription");
  check(result.isBase64Encoded === false, "isBase64Encoded is false");
  check(typeof result.body === "string", "body is a string");
  const e = isObject(input) ? input : {};
  const multi = isObject(e.multiValueHeaders) || isObject(e.multiValueQueryStringParameters);
  let flat: Record<string, unknown> = {};
  if (multi) {
    check(result.headers === undefined, "no single-value headers in the multi-value form");
    const mv = result.multiValueHeaders ?? {};
    check(Object.values(mv).every((v) => Array.isArray(v) && v.every((x) => typeof x === "string")), "multi-value headers are string arrays");
    flat = Object.fromEntries(Object.entries(mv).map(([k, v]) => [k, v[0]]));
  } else {
    check(result.multiValueHeaders === undefined, "no multi-value headers in the single-value form");
    flat = result.headers ?? {};
    check(Object.values(flat).every((v) => typeof v === "string"), "header values are strings");
  }
  check(flat["content-type"] === "application/json", "content-type is application/json");
  check(flat["x-served-by-region"] === "eu-central-1", "x-served-by-region names the region");
  if (result.statusCode === 405) check(typeof flat.allow === "string" && flat.allow.startsWith("GET, HEAD"), "405 has Allow");
  if (e.httpMethod === "HEAD") {
    check(result.body === "", "HEAD has an empty body");
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.body ?? "");
    } catch {
      parsed = undefined;
    }
    check(isObject(parsed) && parsed.region === "eu-central-1", "body is a JSON object naming the region");
    check(!/\n\s+at |Exception|ECONN/.test(result.body ?? ""), "body has no stack trace or SDK error");
  }
  return out;
}

const METRICS_ENV = { POWERTOOLS_METRICS_NAMESPACE: "GlobalApp", POWERTOOLS_SERVICE_NAME: "globalapp-test" };

/** Runs `numRuns` random events through a copy with metrics on; returns the distinct dimension combinations seen. */
async function checkEvents(endpoint: string, numRuns: number): Promise<Set<string>> {
  const stdout = captureStdout();
  const handler: Handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...METRICS_ENV }, { stdout: stdout.stream });
  const combinations = new Set<string>();
  await fc.assert(
    fc.asyncProperty(event, async (input) => {
      const before = stdout.lines.length;
      let result: ALBResult;
      try {
        result = await handler(input as never);
      } catch (err) {
        throw new Error(`handler threw: ${String(err)}`);
      }
      const wrong = problems(result, input);
      // Logs are SILENT here: every line printed is this request's EMF line.
      const printed = stdout.lines.slice(before);
      if (printed.length !== 1) wrong.push(`one EMF line per request (got ${printed.length})`);
      else {
        wrong.push(...emfProblems(printed[0], { service: "globalapp-test", region: "eu-central-1", statusCode: result.statusCode }));
        const { route, status_class } = JSON.parse(printed[0]) as { route: string; status_class: string };
        combinations.add(`${route} ${status_class}`);
      }
      if (wrong.length > 0) throw new Error(`${wrong.join("; ")}\nresult: ${JSON.stringify(result)}\nstdout: ${printed.join("\n")}`);
    }),
    { numRuns },
  );
  return combinations;
}

test("10,000 random and malformed ALB events (stub DynamoDB): never a throw, always a well-formed documented answer and one bounded EMF line", async () => {
  const endpoint = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  const combinations = await checkEvents(endpoint, 10_000);
  // 10,000 random paths, methods and bodies still make only a handful of metrics (2 per combination).
  expect(combinations.size * 2).toBeLessThanOrEqual(MAX_METRICS_PER_REGION);
  // (The stub table is empty, so a GET never finds an item: no "get 2xx" here.)
  expect([...combinations]).toEqual(expect.arrayContaining(["health 2xx", "get 4xx", "item 2xx", "item 4xx", "unmatched 4xx"]));
  // The generators do reach the store, not only the validation in front of it (~1 event in 15 does;
  // the other 14 probe validation, which is where malformed input goes).
  expect(stubCalls).toBeGreaterThan(500);
});

test("1,000 more against dynalite: nothing the function accepts is rejected by the table", async () => {
  await checkEvents(db.endpoint, 1000);
});

describe("random items round-trip exactly", () => {
  const form = fc.record({
    multiValue: fc.boolean(),
    base64: fc.boolean(),
    gzip: fc.boolean(),
    id: fc.string({ unit: "binary", minLength: 1, maxLength: 8 }),
  });
  /** The item in a response body, canonical, as a client reading the README's form sees it. */
  const answered = (result: ALBResult) => canonicalFromJson((losslessParse(result.body ?? "") as { item: unknown }).item, true);
  const withKey = (item: AttributeMap, id: string): AttributeMap => ({ ...item, item_id: { S: id } });

  async function roundTrip(
    handler: Handler,
    readStored: (id: string) => Promise<AttributeMap | undefined>,
    items: fc.Arbitrary<{ item: AttributeMap; body: string }>,
    numRuns: number,
  ): Promise<void> {
    await fc.assert(
      fc.asyncProperty(items, form, async ({ item, body }, f) => {
        const path = `/items/${encodeURIComponent(f.id)}`;
        const headers: Record<string, string> = f.gzip ? { "accept-encoding": "gzip" } : {};
        const put = await handler(
          makeEvent({ method: "PUT", path, body: f.base64 ? Buffer.from(body).toString("base64") : body, isBase64Encoded: f.base64, multiValue: f.multiValue, headers }),
        );
        if (put.statusCode !== 200 && put.statusCode !== 201) throw new Error(`PUT answered ${put.statusCode} ${put.body ?? ""}\nbody: ${body}`);
        const expected = canonicalMap(withKey(item, f.id));
        expect(answered(put)).toBe(expected);
        // What DynamoDB holds, through the low-level client: byte for byte (N as text, B as bytes).
        const stored = await readStored(f.id);
        expect(stored && canonicalMap(stored)).toBe(expected);
        const get = await handler(makeEvent({ path: `/get/${encodeURIComponent(f.id)}`, multiValue: f.multiValue, headers }));
        expect(get.statusCode).toBe(200);
        expect(answered(get)).toBe(expected);
      }),
      { numRuns },
    );
  }

  test("200 items through dynalite (names without __proto__, which dynalite drops)", async () => {
    const client = new DynamoDBClient({ ...db.clientConfig });
    const readStored = async (id: string) => {
      const out = await client.send(new GetItemCommand({ TableName: "GlobalApp", Key: { item_id: { S: id } } }));
      return out.Item as AttributeMap | undefined;
    };
    try {
      const items = itemArb.filter(({ body }) => !body.includes('"__proto__"'));
      await roundTrip(loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: db.endpoint }), readStored, items, 200);
    } finally {
      client.destroy();
    }
  });

  test("150 items, __proto__ keys included, through a stand-in that stores exactly the PutItem it receives", async () => {
    // An echo of DynamoDB's wire: PutItem's Item is kept as sent and answered to GetItem as is.
    const stored = new Map<string, string>();
    const echo = createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString("utf8")));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "");
        const input = JSON.parse(text) as { Item?: { item_id: { S: string } }; Key?: { item_id: { S: string } } };
        let answer = "{}";
        if (target.endsWith(".PutItem")) {
          // JSON.parse and JSON.stringify keep __proto__ keys as plain own properties.
          stored.set(input.Item?.item_id.S ?? "", JSON.stringify(input.Item));
        } else if (target.endsWith(".GetItem")) {
          const item = stored.get(input.Key?.item_id.S ?? "");
          answer = item === undefined ? "{}" : `{"Item":${item}}`;
        }
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(answer);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const readStored = async (id: string) => {
        const raw = stored.get(id);
        return raw === undefined ? undefined : mapFromWire(JSON.parse(raw) as Record<string, unknown>);
      };
      await roundTrip(loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint }), readStored, itemArb, 150);
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
