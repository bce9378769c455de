/**
 * The bundled handler when DynamoDB fails: unreachable, hanging, throttling, erroring, stopped
 * mid-test and back again. Every failure must answer 503 + Retry-After, with a generic body, and log
 * the cause. That it answers before the 3 s Lambda timeout is the timeouts' arithmetic
 * (DEFAULT_TIMEOUTS, checked against the function's timeout in constructs/function-settings.test.ts);
 * here each failure shows which of them ended it by the attempts the endpoint saw, not by how many
 * milliseconds a machine took.
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { startDynalite, type LocalDynamo } from "../../local/store/dynalite";
import { DEFAULT_TIMEOUTS } from "../../functions/lib/store";
import { loadBundledHandler } from "./support/bundled";
import { albEvent, bodyOf, headersOf } from "./support/events";

function listening<S extends HttpServer | TcpServer>(server: S): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closed(server: HttpServer | TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on: connections are refused at once. */
async function refusedEndpoint(): Promise<string> {
  const server = createTcpServer();
  const endpoint = await listening(server);
  await closed(server);
  return endpoint;
}

/** Expects a 503 with Retry-After and a body that says nothing about the cause. */
function expectUnavailable(result: { statusCode: number; body?: string }): void {
  expect(result.statusCode).toBe(503);
  expect(headersOf(result as never)["retry-after"]).toBe("1");
  expect(bodyOf(result as never)).toEqual(expect.objectContaining({ error: expect.any(String), region: "eu-central-1" }));
  expect(result.body).not.toMatch(/ECONN|127\.0\.0\.1|Exception|timeout|stack|at /i);
}

describe("DynamoDB endpoint unreachable (connection refused)", () => {
  let endpoint: string;
  beforeAll(async () => {
    endpoint = await refusedEndpoint();
  });

  test.each([
    ["GET /get/1", { path: "/get/1" }],
    ["PUT /items/1", { path: "/items/1", method: "PUT", body: "{}" }],
    ["DELETE /items/1", { path: "/items/1", method: "DELETE" }],
  ])("%s → 503", async (_label, spec) => {
    const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    expectUnavailable(await handler(albEvent(spec)));
  });

  test("validation still comes first: a bad request is a 400, not a 503", async () => {
    const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    expect((await handler(albEvent({ path: "/items/1", method: "PUT", body: "[]" }))).statusCode).toBe(400);
  });

  test("shallow health is unaffected; deep health fails with 503", async () => {
    const shallow = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    expect((await shallow(albEvent({ path: "/health" }))).statusCode).toBe(200);
    const deep = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint, HEALTH_CHECK_MODE: "deep" });
    const value = await deep(albEvent({ path: "/health" }));
    expectUnavailable(value);
    expect(bodyOf(value)).toEqual({ error: "dependency unavailable", region: "eu-central-1", status: 503, mode: "deep" });
  });

  test("the cause is logged as structured JSON with the region; the body stays generic", async () => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    // Console.warn and .error go to stderr, .info and .debug to stdout.
    const out = jest.spyOn(process.stdout, "write").mockImplementation(capture);
    const err = jest.spyOn(process.stderr, "write").mockImplementation(capture);
    try {
      const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint, POWERTOOLS_LOG_LEVEL: "WARN" });
      await handler(albEvent({ path: "/get/1" }), { awsRequestId: "req-42", getRemainingTimeInMillis: () => 3000 } as never);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    const records = lines.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "dependency unavailable",
        region: "eu-central-1",
        function_request_id: "req-42",
        error: expect.objectContaining({ message: expect.stringContaining("ECONNREFUSED") }),
      }),
    );
  });
});

describe("DynamoDB endpoint accepts connections but never answers", () => {
  let server: TcpServer;
  const sockets = new Set<Socket>();
  /** Connections the endpoint accepted: one per attempt. */
  let connections = 0;
  let endpoint: string;
  beforeAll(async () => {
    server = createTcpServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    endpoint = await listening(server);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await closed(server);
  });

  test("GET → 503 by the request timeout: every attempt times out, then it answers", async () => {
    const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    const before = connections;
    expectUnavailable(await handler(albEvent({ path: "/get/1" })));
    expect(connections - before).toBe(DEFAULT_TIMEOUTS.maxAttempts);
  });

  test("the invocation's remaining time caps the wait further", async () => {
    const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    const context = { awsRequestId: "r", getRemainingTimeInMillis: () => 800 } as never;
    const before = connections;
    expectUnavailable(await handler(albEvent({ path: "/get/1" }), context));
    // 800 ms left minus the 300 ms reserve: aborted at 500 ms, before the first attempt's 800 ms request
    // timeout, so no second attempt was made (timers fire in order, however late a busy machine runs them).
    expect(800 - 300).toBeLessThan(DEFAULT_TIMEOUTS.requestMs);
    expect(connections - before).toBe(1);
  });
});

describe.each([
  ["throttling", 400, "ProvisionedThroughputExceededException"],
  ["an internal server error", 500, "InternalServerError"],
])("DynamoDB answers %s", (_label, status, type) => {
  let server: HttpServer;
  let endpoint: string;
  let requests = 0;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": type });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: "internal detail" }));
    });
    endpoint = await listening(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await closed(server);
  });

  test("→ 503 with Retry-After after one retry", async () => {
    const handler = loadBundledHandler({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
    const value = await handler(albEvent({ path: "/get/1", multiValue: true }));
    expectUnavailable(value);
    expect(value.multiValueHeaders?.["retry-after"]).toEqual(["1"]);
    expect(value.body).not.toMatch(/internal detail/);
    expect(requests).toBe(2);
  });
});

describe("dynalite stopped mid-test, then back on the same port", () => {
  let db: LocalDynamo;
  beforeAll(async () => {
    db = await startDynalite({ tableName: "GlobalApp", items: [{ item_id: "1", v: "kept" }] });
  });
  afterAll(async () => {
    await db.close();
  });

  test("200 → 503 (item and deep health) → 200 again", async () => {
    const env = { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint, HEALTH_CHECK_MODE: "deep", HEALTH_CHECK_CACHE_MS: "100" };
    const handler = loadBundledHandler(env);
    const get = () => handler(albEvent({ path: "/get/1" }));
    const health = () => handler(albEvent({ path: "/health" }));

    expect((await get()).statusCode).toBe(200);
    expect((await health()).statusCode).toBe(200);

    await db.stop();
    expectUnavailable(await get());
    await new Promise((r) => setTimeout(r, 150)); // past the health cache
    expectUnavailable(await health());

    await db.start();
    expect(db.endpoint).toBe(env.AWS_ENDPOINT_URL_DYNAMODB);
    // The client's pooled sockets died with the server; the SDK's retry reconnects.
    const back = await get();
    expect(back.statusCode).toBe(200);
    expect(bodyOf(back)).toMatchObject({ item: { item_id: "1", v: "kept" } });
    await new Promise((r) => setTimeout(r, 150));
    expect((await health()).statusCode).toBe(200);
  });
});
