import { Logger } from "@aws-lambda-powertools/logger";
import type { ALBEvent, Context } from "aws-lambda";
import { readEnv } from "../../../functions/lib/env";
import { MethodNotAllowedError, NotFoundError } from "../../../functions/lib/errors";
import { HealthCheck, ItemService } from "../../../functions/lib/items";
import { createRouter, matchRoute, readRequest, toALBResult } from "../../../functions/lib/router";
import { albEvent, bodyOf, headersOf } from "../support/events";
import { MemoryStore } from "../support/memory-store";

describe("matchRoute", () => {
  test.each([
    ["GET", "/health", { name: "health" }],
    ["HEAD", "/health", { name: "health" }],
    ["GET", "/get/abc", { name: "get", rawId: "abc" }],
    ["HEAD", "/get/a%2Fb", { name: "get", rawId: "a%2Fb" }],
    ["GET", "/get/a/b", { name: "get", rawId: "a/b" }],
    ["GET", "/get/", { name: "get", rawId: "" }],
    ["PUT", "/items/x", { name: "item", rawId: "x" }],
    ["DELETE", "/items/x", { name: "item", rawId: "x" }],
    ["GET", "/items/line%0Abreak\n", { name: "item", rawId: "line%0Abreak\n" }],
  ])("%s %j", (method, path, route) => expect(matchRoute(method, path)).toEqual(route));

  test("a custom health path answers the health check, and /health is then an unknown path", () => {
    expect(matchRoute("GET", "/healthz", "/healthz")).toEqual({ name: "health" });
    expect(() => matchRoute("POST", "/healthz", "/healthz")).toThrow(MethodNotAllowedError);
    expect(() => matchRoute("GET", "/health", "/healthz")).toThrow(NotFoundError);
  });

  test.each([
    ["POST", "/health", "GET, HEAD"],
    ["PUT", "/get/x", "GET, HEAD"],
    ["DELETE", "/get/x", "GET, HEAD"],
    ["POST", "/items/x", "GET, HEAD, PUT, DELETE"],
    ["get", "/items/x", "GET, HEAD, PUT, DELETE"],
    ["", "/health", "GET, HEAD"],
  ])("%s %s → 405 with Allow: %s", (method, path, allow) => {
    expect(() => matchRoute(method, path)).toThrow(MethodNotAllowedError);
    try {
      matchRoute(method, path);
    } catch (e) {
      expect((e as MethodNotAllowedError).headers.allow).toBe(allow);
    }
  });

  test.each(["/", "", "/get", "/items", "/health/", "/HEALTH", "//get/x", "/gets/x", "/get%2Fx", "/api/get/x"])(
    "%j → 404",
    (path) => expect(() => matchRoute("GET", path)).toThrow(NotFoundError),
  );
});

describe("readRequest", () => {
  test("single-value event", () => {
    expect(readRequest(albEvent({ method: "PUT", path: "/items/a", body: "e30=", isBase64Encoded: true }))).toEqual({
      method: "PUT",
      path: "/items/a",
      body: "e30=",
      isBase64Encoded: true,
      multiValue: false,
      acceptsGzip: false,
      traceId: "Root=1-67891233-abcdef012345678912345678",
    });
  });

  test.each<[string, boolean]>([
    ["gzip", true],
    ["gzip, deflate, br", true],
    ["br;q=1.0, GZIP;q=0.5", true],
    ["x-gzip", true],
    ["*", true],
    ["deflate, br", false],
    ["gzip;q=0", false],
    ["gzip;q=0.000, *", false],
    ["*;q=0", false],
    ["identity", false],
  ])("Accept-Encoding %j → gzip allowed: %s", (value, expected) => {
    expect(readRequest(albEvent({ path: "/x", headers: { "accept-encoding": value } })).acceptsGzip).toBe(expected);
    expect(readRequest(albEvent({ path: "/x", headers: { "Accept-Encoding": value }, multiValue: true })).acceptsGzip).toBe(expected);
  });

  test("Accept-Encoding split over several multi-value header lines is read as one list", () => {
    const event = { httpMethod: "GET", path: "/x", multiValueHeaders: { "accept-encoding": ["br", "gzip;q=0.2"] } };
    expect(readRequest(event).acceptsGzip).toBe(true);
  });

  test("multi-value event", () => {
    const view = readRequest(albEvent({ path: "/health", multiValue: true }));
    expect(view.multiValue).toBe(true);
    expect(view.traceId).toBe("Root=1-67891233-abcdef012345678912345678");
  });

  test("multi-value query alone also selects the multi-value form", () => {
    expect(readRequest({ httpMethod: "GET", path: "/health", multiValueQueryStringParameters: {} }).multiValue).toBe(true);
  });

  test.each([null, undefined, 42, "GET /health", [], { httpMethod: 1, path: ["/health"], body: {}, headers: "x" }])(
    "garbage %j reads as an empty request",
    (event) => {
      expect(readRequest(event)).toEqual({ method: "", path: "", body: undefined, isBase64Encoded: false, multiValue: false, acceptsGzip: false, traceId: undefined });
    },
  );
});

describe("toALBResult", () => {
  const response = { statusCode: 405, body: { error: "method not allowed" }, headers: { allow: "GET, HEAD" } };

  test("single-value form: headers, JSON body, status description", () => {
    expect(toALBResult(readRequest(albEvent({ path: "/x" })), response, "us-west-2")).toEqual({
      statusCode: 405,
      statusDescription: "405 Method Not Allowed",
      isBase64Encoded: false,
      headers: { allow: "GET, HEAD", "content-type": "application/json", "x-served-by-region": "us-west-2" },
      body: '{"error":"method not allowed"}',
    });
  });

  test("multi-value form: multiValueHeaders only", () => {
    const result = toALBResult(readRequest(albEvent({ path: "/x", multiValue: true })), response, "us-west-2");
    expect(result.headers).toBeUndefined();
    expect(result.multiValueHeaders).toEqual({
      allow: ["GET, HEAD"],
      "content-type": ["application/json"],
      "x-served-by-region": ["us-west-2"],
    });
  });

  test("HEAD: same status and headers, empty body", () => {
    const result = toALBResult(readRequest(albEvent({ method: "HEAD", path: "/x" })), { statusCode: 200, body: { a: 1 } }, "r");
    expect(result).toMatchObject({ statusCode: 200, body: "", headers: { "content-type": "application/json" } });
  });

  test("a response cannot override content-type or the region header", () => {
    const result = toALBResult(
      readRequest(albEvent({ path: "/x" })),
      { statusCode: 200, body: {}, headers: { "content-type": "text/html", "x-served-by-region": "elsewhere" } },
      "us-west-2",
    );
    expect(result.headers).toMatchObject({ "content-type": "application/json", "x-served-by-region": "us-west-2" });
  });
});

describe("createRouter", () => {
  const silent = () => new Logger({ serviceName: "test", logLevel: "SILENT" });
  const goodEnv = readEnv({ AWS_REGION: "eu-west-1", TABLE_NAME: "GlobalApp", STATUS: "200" });
  const setup = (env = goodEnv, logger = silent()) => {
    const store = new MemoryStore();
    const route = createRouter({
      env,
      logger,
      items: new ItemService(store, env.region),
      health: new HealthCheck(store, { status: env.status ?? 200, region: env.region, mode: "shallow", cacheMs: 0 }),
    });
    return { store, route, logger };
  };

  test("a store failure becomes a 503 with Retry-After and a generic body; the cause is logged", async () => {
    const { store, route, logger } = setup();
    const warn = jest.spyOn(logger, "warn");
    store.failWith = Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443 secret-host"), { code: "ECONNREFUSED" });
    const result = await route(albEvent({ path: "/get/a" }));
    expect(result.statusCode).toBe(503);
    expect(headersOf(result)["retry-after"]).toBe("1");
    expect(result.body).not.toMatch(/ECONNREFUSED|secret-host|at /);
    expect(warn).toHaveBeenCalledWith("dependency unavailable", { route: "get", error: store.failWith });
  });

  test("a bug becomes a 500 with a generic body; the cause (with stack) is logged", async () => {
    const { store, route, logger } = setup();
    const error = jest.spyOn(logger, "error");
    store.failWith = new TypeError("Cannot read properties of undefined (reading 'Item')");
    const result = await route(albEvent({ path: "/items/a", method: "DELETE" }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: "internal error", region: "eu-west-1" });
    expect(error).toHaveBeenCalledWith("unexpected error", { route: "item", error: store.failWith });
  });

  test("invalid STATUS: /health answers 500 and logs why; items still work", async () => {
    const env = readEnv({ AWS_REGION: "eu-west-1", TABLE_NAME: "GlobalApp", STATUS: "ok" });
    const { route, store, logger } = setup(env);
    const error = jest.spyOn(logger, "error");
    store.items.set("a", { item_id: { S: "a" } });
    const health = await route(albEvent({ path: "/health" }));
    expect(health.statusCode).toBe(500);
    expect(bodyOf(health)).toEqual({ error: "internal error", region: "eu-west-1" });
    expect(error).toHaveBeenCalledWith("invalid configuration", { route: "health", problems: [expect.stringMatching(/^STATUS = "ok"/)] });
    expect((await route(albEvent({ path: "/get/a" }))).statusCode).toBe(200);
  });

  test("no store (TABLE_NAME missing): item routes and /health answer 500", async () => {
    const env = readEnv({ AWS_REGION: "eu-west-1", STATUS: "200" });
    const route = createRouter({ env, logger: silent() });
    for (const path of ["/get/a", "/items/a", "/health"]) {
      const result = await route(albEvent({ path }));
      expect(result.statusCode).toBe(500);
      expect(headersOf(result)["x-served-by-region"]).toBe("eu-west-1");
    }
    expect((await route(albEvent({ path: "/nope" }))).statusCode).toBe(404);
  });

  test("log lines are JSON with the request id and the ALB trace id", async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { route } = setup(goodEnv, new Logger({ serviceName: "test", logLevel: "DEBUG" }));
      const context = { awsRequestId: "req-123", functionName: "get", getRemainingTimeInMillis: () => 2900 } as unknown as Context;
      await route(albEvent({ path: "/nope" }), context);
    } finally {
      write.mockRestore();
    }
    const records = lines.join("").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(
      expect.objectContaining({
        message: "request",
        status: 404,
        function_request_id: "req-123",
        trace_id: "Root=1-67891233-abcdef012345678912345678",
      }),
    );
  });

  test("if even the logger throws, the answer is a fixed, well-formed 500", async () => {
    const { store, route, logger } = setup();
    store.failWith = new Error("x");
    jest.spyOn(logger, "error").mockImplementation(() => {
      throw new Error("logger broke");
    });
    const result = await route(albEvent({ path: "/get/a" }));
    expect(result).toEqual({
      statusCode: 500,
      statusDescription: "500 Internal Server Error",
      isBase64Encoded: false,
      headers: { "content-type": "application/json", "x-served-by-region": "eu-west-1" },
      body: '{"error":"internal error","region":"eu-west-1"}',
    });
  });

  test("the invocation deadline (remaining time minus the reserve) aborts the store call", async () => {
    const seen: { signal?: AbortSignal; abortedAfterWait?: boolean }[] = [];
    const store = new MemoryStore();
    store.get = async (_id: string, signal?: AbortSignal) => {
      await new Promise((r) => setTimeout(r, 50));
      seen.push({ signal, abortedAfterWait: signal?.aborted });
      return undefined;
    };
    const route = createRouter({ env: goodEnv, logger: silent(), items: new ItemService(store, "r"), reserveMs: 300 });
    // 301 ms left, 300 kept back: the deadline is 1 ms away and has passed once the store call waited 50 ms.
    await route(albEvent({ path: "/get/a" }), { getRemainingTimeInMillis: () => 301 } as unknown as Context);
    // A long deadline has not fired; without a context there is no deadline at all.
    await route(albEvent({ path: "/get/a" }), { getRemainingTimeInMillis: () => 60_000 } as unknown as Context);
    await route(albEvent({ path: "/get/a" }));
    expect(seen.map((s) => s.abortedAfterWait)).toEqual([true, false, undefined]);
  });

  test("an event that is not an object is a 404, not a throw", async () => {
    const { route } = setup();
    const result = await route(null as unknown as ALBEvent);
    expect(result.statusCode).toBe(404);
  });
});
