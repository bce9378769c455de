import { Logger } from "@aws-lambda-powertools/logger";
import type { ALBResult, Context } from "aws-lambda";
import { readEnv } from "../../../functions/lib/env";
import { HealthCheck } from "../../../functions/lib/items";
import { ALB_RESPONSE_LIMIT } from "../../../functions/lib/response";
import { createRouter } from "../../../functions/lib/router";
import { albResultProblem, HANDLER_FAILED, withRegion, wrapHandler, type WrapperLog } from "../../../functions/lib/wrapper";
import { albEvent, bodyOf, headersOf } from "../support/events";
import { MemoryStore } from "../support/memory-store";

/**
 * The wrapper around your own handler, with the item API's real health route in front of it (the
 * router over a health check on an in-memory store) and a log that keeps what it is told.
 */
function setup(own: unknown, options: { status?: number; mode?: "shallow" | "deep"; healthPath?: string } = {}) {
  const env = readEnv({
    AWS_REGION: "eu-central-1",
    TABLE_NAME: "GlobalApp",
    STATUS: String(options.status ?? 200),
    HEALTH_CHECK_MODE: options.mode ?? "shallow",
    HEALTH_CHECK_PATH: options.healthPath ?? "/health",
  });
  const store = new MemoryStore();
  const health = new HealthCheck(store, { status: env.status!, region: env.region, mode: env.healthCheckMode, cacheMs: 0 });
  const router = createRouter({ env, logger: new Logger({ serviceName: "test", logLevel: "SILENT" }), health });
  const logged: Array<{ level: string; message: string; extra: Record<string, unknown> }> = [];
  const log: WrapperLog = {
    error: (message, extra) => logged.push({ level: "error", message, extra }),
    warn: (message, extra) => logged.push({ level: "warn", message, extra }),
  };
  const handler = wrapHandler(own, { region: env.region, healthPath: env.healthPath, health: router, log });
  return { handler, logged, store };
}

const context = { awsRequestId: "req-42", getRemainingTimeInMillis: () => 3000 } as unknown as Context;
const ok = (body = "hello"): ALBResult => ({ statusCode: 200, headers: { "content-type": "text/plain" }, body });

describe("the health path stays GlobalApp's", () => {
  it("answers STATUS as the item API does, without calling your handler", async () => {
    const own = jest.fn(async () => ok());
    const { handler } = setup(own, { status: 400 });
    const result = await handler(albEvent({ path: "/health" }), context);
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ status: 400, region: "eu-central-1", mode: "shallow" });
    expect(headersOf(result)["x-served-by-region"]).toBe("eu-central-1");
    expect(own).not.toHaveBeenCalled();
  });

  it("follows a custom health path, and refuses other methods on it with 405", async () => {
    const own = jest.fn(async () => ok());
    const { handler } = setup(own, { healthPath: "/ops/ping" });
    expect((await handler(albEvent({ path: "/ops/ping" }), context)).statusCode).toBe(200);
    const post = await handler(albEvent({ method: "POST", path: "/ops/ping" }), context);
    expect(post.statusCode).toBe(405);
    expect(headersOf(post).allow).toBe("GET, HEAD");
    expect(own).not.toHaveBeenCalled();
    // "/health" is your path now that the health check is elsewhere.
    expect((await handler(albEvent({ path: "/health" }), context)).body).toBe("hello");
    expect(own).toHaveBeenCalledTimes(1);
  });

  it("drains on a failing replica in deep mode: 503 while your handler would still answer", async () => {
    const { handler, store } = setup(async () => ok(), { mode: "deep" });
    store.failWith = Object.assign(new Error("unreachable"), { code: "ECONNREFUSED" });
    expect((await handler(albEvent({ path: "/health" }), context)).statusCode).toBe(503);
    expect((await handler(albEvent({ path: "/anything" }), context)).statusCode).toBe(200);
  });
});

describe("every other request goes to your handler", () => {
  it("passes its answer on as it is, naming the region", async () => {
    const own = jest.fn(async () => ({ statusCode: 201, statusDescription: "201 Created", headers: { etag: '"1"' }, body: "{}", isBase64Encoded: false }));
    const { handler } = setup(own);
    const event = albEvent({ method: "PUT", path: "/notes/a", body: "{}" });
    const result = await handler(event, context);
    expect(result).toEqual({ statusCode: 201, statusDescription: "201 Created", headers: { etag: '"1"', "x-served-by-region": "eu-central-1" }, body: "{}", isBase64Encoded: false });
    expect(own).toHaveBeenCalledWith(event, context);
  });

  it.each(["/", "/get/foobar", "/items/x", "/healthz", "/notes/a/b"])("hands %s to your handler, the item API's paths included", async (path) => {
    const own = jest.fn(async () => ok(path));
    const { handler } = setup(own);
    expect((await handler(albEvent({ path }), context)).body).toBe(path);
  });

  it("sets the region header itself, whatever your handler put there, in either header form", async () => {
    const { handler } = setup(async () => ({ statusCode: 200, headers: { "X-Served-By-Region": "spoofed" }, multiValueHeaders: { "x-served-by-region": ["spoofed"], a: ["1", "2"] } }));
    const result = await handler(albEvent({ path: "/" }), context);
    expect(result.headers).toEqual({ "x-served-by-region": "eu-central-1" });
    expect(result.multiValueHeaders).toEqual({ a: ["1", "2"], "x-served-by-region": ["eu-central-1"] });
  });

  it("answers in the request's header form when your handler used neither", async () => {
    expect(withRegion({ statusCode: 204 }, "r", true)).toEqual({ statusCode: 204, multiValueHeaders: { "x-served-by-region": ["r"] } });
    expect(withRegion({ statusCode: 204 }, "r", false)).toEqual({ statusCode: 204, headers: { "x-served-by-region": "r" } });
  });
});

describe("a handler that fails gets a 502 JSON answer with the request id, the cause only in the log", () => {
  it("throws", async () => {
    const { handler, logged } = setup(async () => {
      throw new Error("secret cause: password=hunter2");
    });
    const result = await handler(albEvent({ path: "/notes/a" }), context);
    expect(result.statusCode).toBe(502);
    expect(result.statusDescription).toBe("502 Bad Gateway");
    expect(headersOf(result)).toMatchObject({ "content-type": "application/json", "x-served-by-region": "eu-central-1" });
    expect(bodyOf(result)).toEqual({ error: HANDLER_FAILED, region: "eu-central-1", requestId: "req-42" });
    expect(result.body).not.toMatch(/secret|hunter2|Error/);
    expect(logged).toEqual([{ level: "error", message: "the handler threw", extra: { requestId: "req-42", error: expect.objectContaining({ message: "secret cause: password=hunter2" }) } }]);
  });

  it.each<[string, unknown, RegExp]>([
    ["undefined", undefined, /returned undefined/],
    ["a string", "ok", /returned string/],
    ["an array", [200], /returned an array/],
    ["no statusCode", { body: "x" }, /statusCode is undefined/],
    ["a statusCode out of range", { statusCode: 700 }, /statusCode is 700/],
    ["a statusCode that is a string", { statusCode: "200" }, /statusCode is "200"/],
    ["a body that is an object", { statusCode: 200, body: { a: 1 } }, /body is object/],
    ["a header that is an object", { statusCode: 200, headers: { a: { b: 1 } } }, /headers\["a"\]/],
    ["multi-value headers that are not lists", { statusCode: 200, multiValueHeaders: { a: "1" } }, /multiValueHeaders\["a"\]/],
    ["isBase64Encoded that is a string", { statusCode: 200, isBase64Encoded: "yes" }, /isBase64Encoded/],
  ])("returns %s", async (_name, value, problem) => {
    const { handler, logged } = setup(async () => value);
    const result = await handler(albEvent({ path: "/x", multiValue: true }), context);
    expect(result.statusCode).toBe(502);
    // The request came with multi-value headers: so does the answer.
    expect(result.multiValueHeaders).toMatchObject({ "x-served-by-region": ["eu-central-1"] });
    expect(bodyOf(result)).toEqual({ error: HANDLER_FAILED, region: "eu-central-1", requestId: "req-42" });
    expect(logged).toEqual([{ level: "error", message: "the handler's answer is not an ALBResult", extra: { requestId: "req-42", problem: expect.stringMatching(problem) } }]);
  });

  it("answers more than the ALB passes on", async () => {
    const { handler, logged } = setup(async () => ok("x".repeat(ALB_RESPONSE_LIMIT)));
    const result = await handler(albEvent({ path: "/big" }), context);
    expect(result.statusCode).toBe(502);
    expect(logged[0]).toMatchObject({ message: "the handler's answer is over the ALB's response limit", extra: { requestId: "req-42", limitBytes: ALB_RESPONSE_LIMIT } });
  });

  it("is no function at all (the module exports none)", async () => {
    const { handler, logged } = setup({ handler: "not a function" });
    expect((await handler(albEvent({ path: "/" }), context)).statusCode).toBe(502);
    expect(logged[0].message).toBe("function.entry exports no function named handler");
    // The health path does not need your handler.
    expect((await handler(albEvent({ path: "/health" }), context)).statusCode).toBe(200);
  });

  it("still answers when the log itself fails", async () => {
    const { handler } = setup(async () => {
      throw new Error("x");
    });
    const broken = wrapHandler(
      async () => {
        throw new Error("x");
      },
      {
        region: "r",
        healthPath: "/health",
        health: handler,
        log: {
          error: () => {
            throw new Error("log down");
          },
          warn: () => undefined,
        },
      },
    );
    const result = await broken(albEvent({ path: "/" }));
    expect(result.statusCode).toBe(502);
    expect(bodyOf(result)).toEqual({ error: HANDLER_FAILED, region: "r", requestId: "unknown" });
  });
});

describe("albResultProblem", () => {
  it.each<[unknown]>([
    [{ statusCode: 200 }],
    [{ statusCode: 100 }],
    [{ statusCode: 599, body: "", isBase64Encoded: true, statusDescription: "599 x" }],
    [{ statusCode: 200, headers: { a: "1", b: 2, c: true } }],
    [{ statusCode: 200, multiValueHeaders: { a: ["1", 2, false] } }],
  ])("accepts %p", (value) => {
    expect(albResultProblem(value)).toBeUndefined();
  });

  it.each<[unknown]>([[null], [{ statusCode: 99 }], [{ statusCode: 200.5 }], [{ statusCode: 200, statusDescription: 1 }], [{ statusCode: 200, body: null }], [{ statusCode: 200, headers: [] }]])(
    "refuses %p",
    (value) => {
      expect(albResultProblem(value)).toEqual(expect.any(String));
    },
  );
});
