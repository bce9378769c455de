/**
 * Your own function as it ships: the fixture handler bundled inside functions/wrapper.ts (the bytes of
 * the Lambda zip), loaded with its own environment; its logs and metrics read from its stdout.
 */
import type { Context } from "aws-lambda";
import { FUNCTION_WRAPPER } from "../../model/config";
import { HANDLER_FAILED } from "../../functions/lib/wrapper";
import { captureStdout, loadBundle, type Handler } from "./support/bundled";
import { emfLines } from "./support/emf";
import { albEvent, bodyOf, headersOf } from "./support/events";

const ENTRY = "__tests__/functions/fixtures/own-handler.ts";
const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 3000 }) as unknown as Context;

function load(env: Record<string, string | undefined> = {}) {
  const stdout = captureStdout();
  const stderr = captureStdout();
  const handler = loadBundle<Handler>(ENTRY, { POWERTOOLS_LOG_LEVEL: "INFO", ...env }, { stdout: stdout.stream, stderr: stderr.stream, wrapper: FUNCTION_WRAPPER });
  return { handler, lines: stdout.lines, errors: stderr.lines };
}

describe("the bundled wrapper around your handler", () => {
  it("answers the health path with STATUS, shallow, as the item API does", async () => {
    const { handler } = load({ STATUS: "400" });
    const result = await handler(albEvent({ path: "/health" }), context("h"));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({ status: 400, region: "eu-central-1", mode: "shallow" });
  });

  it("hands every other path to your handler and names the region", async () => {
    const { handler } = load();
    const result = await handler(albEvent({ path: "/get/foobar" }), context("a"));
    expect(result.body).toBe("you asked for /get/foobar");
    expect(headersOf(result)).toMatchObject({ "x-path": "/get/foobar", "x-served-by-region": "eu-central-1" });
  });

  it("gives your handler your function.environment", async () => {
    const { handler } = load({ GREETING: "hej" });
    expect((await handler(albEvent({ path: "/env" }), context("e"))).body).toBe("hej");
  });

  it("answers a throw with 502 and the request id; the cause is in the log only", async () => {
    const { handler, errors } = load();
    const result = await handler(albEvent({ path: "/throw" }), context("req-7"));
    expect(result.statusCode).toBe(502);
    expect(bodyOf(result)).toEqual({ error: HANDLER_FAILED, region: "eu-central-1", requestId: "req-7" });
    expect(result.body).not.toContain("hunter2");
    const logged = errors.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === "the handler threw");
    expect(logged).toMatchObject({ level: "ERROR", requestId: "req-7", region: "eu-central-1", error: expect.objectContaining({ message: "database password is hunter2" }) });
  });

  it("answers something that is not an ALBResult with 502", async () => {
    const { handler } = load();
    const result = await handler(albEvent({ path: "/not-a-result" }), context("b"));
    expect(result.statusCode).toBe(502);
    expect(bodyOf(result).requestId).toBe("b");
  });

  it("publishes request metrics by route health or handler", async () => {
    const { handler, lines } = load({ POWERTOOLS_METRICS_NAMESPACE: "GlobalApp", POWERTOOLS_SERVICE_NAME: "globalapp-dev", POWERTOOLS_LOG_LEVEL: "SILENT" });
    await handler(albEvent({ path: "/health" }), context("1"));
    await handler(albEvent({ path: "/notes/a" }), context("2"));
    await handler(albEvent({ path: "/throw" }), context("3"));
    expect(emfLines(lines).map((l) => [l.route, l.status_class])).toEqual([
      ["health", "2xx"],
      ["handler", "2xx"],
      ["handler", "5xx"],
    ]);
  });
});
