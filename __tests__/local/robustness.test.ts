/**
 * No client can stop the local system or one of its regions: each misbehaviour over a real socket,
 * then real requests to every region through the accelerator and each ALB, and to the admin API
 * (after every test).
 *
 * Two systems, because a real timeout on a real socket is only worth asserting when it either must
 * fire or must not: the misbehaviours that must be answered run on a system whose timeouts are far
 * beyond what a loaded machine's slowest answer takes (a cold execution environment included), and
 * the timeouts that must fire run on one whose limits are short, each test waiting generously and
 * asserting only that the timeout fired.
 */
import { probe } from "../../lib/probe";
import { type RunningLocal, startLocal } from "../../local/start";
import type { LocalSystem } from "../../local/system";
import { timeScale } from "../../lib/time-scale";
import { exchange, pause, portOf, rawRequest, statusOf } from "./sockets";
import { localConfig, waitFor } from "./support";

// Limits that must not fire: far beyond the slowest answer of a loaded machine.
const LENIENT = { albIdleTimeoutMs: 20_000, acceleratorIdleTimeoutMs: 15_000, acceleratorHeadWaitMs: 5000, acceleratorMaxPendingConnections: 8 };
// Limits that must fire: short, so their tests take seconds; the accelerator's idle timeout is below
// the ALB's so that it, not the ALB, closes an idle relay. The head wait stays long enough that a
// dozen connections made at once are all still pending when the last one arrives.
const SHORT = { albIdleTimeoutMs: 2000, acceleratorIdleTimeoutMs: 1000, acceleratorHeadWaitMs: 2000, acceleratorMaxPendingConnections: 8 };
/** How long a test waits for a timeout that must fire: it asserts that it fired, never how soon. */
const FIRED_WITHIN_MS = 15_000;

let local: RunningLocal;
let system: LocalSystem;
const alb = (region: string) => system.regions.get(region)!.alb;
const albPort = (region = "us-west-2") => alb(region).port;
const accPort = () => portOf(system.acceleratorUrl);

/**
 * A system with `limits` for the tests of this block, and the checks after each of them. Time scale
 * 0.1: health checks every second with a 0.5 s timeout (routing by health is not what this file tests).
 */
function withSystem(limits: typeof LENIENT): void {
  beforeAll(async () => {
    local = await startLocal({ config: localConfig(), timeScale: timeScale(0.1), port: 0, propagationSeconds: 2, logLevel: "SILENT", limits, admin: { port: 0 } });
    ({ system } = local);
    await waitFor("every region healthy at the accelerator", () => system.snapshot().regions.every((r) => r.acceleratorHealth === "healthy"), FIRED_WITHIN_MS);
    await everyRegionServes();
  });
  afterAll(() => local?.close());
  afterEach(async () => {
    // Connections parked by a test (slow clients, pending ones) are gone within a few timeouts.
    await waitFor("the accelerator's pending connections to drain", () => system.accelerator.pendingConnections === 0, FIRED_WITHIN_MS);
    await everyRegionServes();
  });
}

/** Every region answers through its own ALB and the accelerator answers clients from each, and the admin API answers. */
async function everyRegionServes(): Promise<void> {
  for (const region of system.config.regions) {
    expect(await probe(`${alb(region).url}/get/foobar`)).toMatchObject({ status: 200, region });
    // Which region the accelerator picks depends on health, not the subject here; that it answers is.
    const viaAccelerator = await probe(`${system.acceleratorUrl}/get/foobar`, { headers: { "x-client-region": region } });
    expect(viaAccelerator.status).toBe(200);
    expect(system.config.regions).toContain(viaAccelerator.region);
  }
  expect((await fetch(`${local.admin.url}/`)).status).toBe(200);
}

describe("misbehaving clients are answered (limits that must not fire)", () => {
  withSystem(LENIENT);

  describe("clients that break off", () => {
    it("a client that aborts mid-upload: nothing reaches the function, nothing is stored", async () => {
      const before = { ...alb("us-west-2").metrics };
      for (const port of [albPort(), accPort()]) {
        await exchange(port, async (s) => {
          s.write(rawRequest("/items/aborted-upload", ["Content-Type: application/json", "Content-Length: 1000"], "PUT") + '{"half":');
          await pause(50);
          s.destroy();
        });
      }
      await waitFor("both aborted uploads counted", () => alb("us-west-2").metrics.clientClosed >= before.clientClosed + 2);
      expect(alb("us-west-2").metrics.targetResponses).toBe(before.targetResponses);
      expect((await probe(`${alb("us-west-2").url}/items/aborted-upload`)).status).toBe(404);
    });

    it("a malformed chunked body is answered 400 and its connection closed, directly and through the accelerator", async () => {
      for (const port of [albPort(), accPort()]) {
        const r = await exchange(port, (s) => {
          s.write(rawRequest("/items/bad-chunks", ["Content-Type: application/json", "Transfer-Encoding: chunked"], "PUT") + "zz\r\nhello\r\n0\r\n\r\n");
        });
        expect(statusOf(r.text)).toBe(400);
        expect(r.text).toMatch(/awselb\/2\.0/);
        expect(r.closed).toBe(true);
      }
      expect((await probe(`${alb("us-west-2").url}/items/bad-chunks`)).status).toBe(404);
    });

    it("clients that vanish before or during the response leave the region serving", async () => {
      const big = { blob: "x".repeat(100_000) };
      expect((await probe(`${alb("us-west-2").url}/items/big`, { method: "PUT", body: JSON.stringify(big) })).status).toBe(201);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          exchange(i % 2 ? albPort() : accPort(), (s) => {
            s.write(rawRequest("/items/big"));
            // Half of them leave at once, the rest after the first bytes of the answer.
            if (i % 4 < 2) s.destroy();
            else s.once("data", () => s.destroy());
          }),
        ),
      );
    });
  });

  describe("header floods and oversized requests (ALB limits)", () => {
    const headers = (n: number, size: number) => Array.from({ length: n }, (_, i) => `x-h-${i}: ${"v".repeat(size)}`);

    it("many headers within 64 K reach the function", async () => {
      const r = await exchange(albPort(), (s) => void s.write(rawRequest("/health", headers(3000, 4))));
      expect(statusOf(r.text)).toBe(200);
    });

    it.each([
      ["all headers over 64 K", 400, () => rawRequest("/health", headers(700, 100))],
      ["one header over 16 K", 400, () => rawRequest("/health", [`x-big: ${"v".repeat(17 * 1024)}`])],
      ["a request line over 16 K", 414, () => rawRequest(`/get/${"a".repeat(17 * 1024)}`)],
      ["headers far beyond every limit (200 K)", 400, () => rawRequest("/health", headers(2000, 100))],
      ["a TRACE", 405, () => rawRequest("/health", [], "TRACE")],
      ["a WebSocket upgrade (Lambda targets do not support them)", 400, () => rawRequest("/health", ["Connection: Upgrade", "Upgrade: websocket"])],
      ["31 addresses in X-Forwarded-For", 463, () => rawRequest("/health", [`X-Forwarded-For: ${Array.from({ length: 31 }, (_, i) => `10.0.0.${i}`).join(", ")}`])],
      ["a Transfer-Encoding the ALB does not support", 501, () => rawRequest("/health", ["Transfer-Encoding: gzip"], "PUT")],
    ])("%s is answered %d by the ALB", async (_name, status, request) => {
      const r = await exchange(albPort(), (s) => void s.write(request()));
      expect(statusOf(r.text)).toBe(status);
    });

    it("a body over 1 MB is answered 413 before the function sees it (declared and chunked)", async () => {
      const before = alb("us-west-2").metrics.targetResponses;
      const declared = await exchange(albPort(), (s) => void s.write(rawRequest("/items/huge", ["Content-Type: application/json", `Content-Length: ${10 * 1024 * 1024}`], "PUT")));
      expect(statusOf(declared.text)).toBe(413);
      const chunked = await exchange(albPort(), (s) => {
        s.write(rawRequest("/items/huge", ["Content-Type: application/json", "Transfer-Encoding: chunked"], "PUT"));
        const chunk = Buffer.alloc(64 * 1024, "a");
        for (let i = 0; i < 20; i++) s.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
      });
      expect(statusOf(chunked.text)).toBe(413);
      const viaFetch = await fetch(`${alb("us-west-2").url}/items/huge`, { method: "PUT", body: "a".repeat(1024 * 1024 + 1) });
      expect(viaFetch.status).toBe(413);
      // A client that asks before sending gets the 413 instead of "100 Continue".
      const asked = await exchange(albPort(), (s) => void s.write(rawRequest("/items/huge", ["Content-Type: application/json", "Expect: 100-continue", `Content-Length: ${2 * 1024 * 1024}`], "PUT")));
      expect(statusOf(asked.text)).toBe(413);
      expect(alb("us-west-2").metrics.targetResponses).toBe(before);
    });

    it("100 connections at once with 60 K of headers each are answered, none crash anything", async () => {
      const results = await Promise.all(Array.from({ length: 100 }, () => exchange(albPort(), (s) => void s.write(rawRequest("/health", headers(600, 90))))));
      expect(results.every((r) => [200, 502].includes(statusOf(r.text)))).toBe(true);
    });
  });

  describe("the accelerator's connections", () => {
    it("a half-closed client (FIN right after its request) still gets its answer, and both relayed sockets then close", async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          exchange(
            accPort(),
            (s) => {
              s.write(rawRequest("/get/foobar"));
              s.end();
            },
            { allowHalfOpen: true, waitMs: FIRED_WITHIN_MS },
          ),
        ),
      );
      for (const r of results) {
        expect(statusOf(r.text)).toBe(200);
        expect(r.text).toMatch(/x-served-by-region: /i);
        expect(r.closed).toBe(true);
      }
      await waitFor("the accelerator to hold no socket", () => system.accelerator.openSockets === 0, FIRED_WITHIN_MS);
    });
  });
});

describe("timeouts that fire (short limits)", () => {
  withSystem(SHORT);

  describe("slow and silent clients (idle timeouts)", () => {
    it("slowloris: headers trickling in a byte at a time are cut off with 408, while everyone else is served", async () => {
      const slow = Array.from({ length: 30 }, () =>
        exchange(
          albPort(),
          (s) => {
            s.write("GET /health HTTP/1.1\r\nHost: local\r\nX-Slow: ");
            const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write("x")), 100);
            s.once("close", () => clearInterval(drip));
          },
          { waitMs: FIRED_WITHIN_MS },
        ),
      );
      await pause(200);
      await everyRegionServes();
      const results = await Promise.all(slow);
      for (const r of results) {
        expect(r.closed).toBe(true);
        expect(statusOf(r.text)).toBe(408);
      }
    });

    it("a client that stops sending mid-body gets 408 after the idle timeout", async () => {
      const r = await exchange(albPort(), (s) => void s.write(rawRequest("/items/stalled", ["Content-Type: application/json", "Content-Length: 100"], "PUT") + '{"a":'), { waitMs: FIRED_WITHIN_MS });
      expect(statusOf(r.text)).toBe(408);
      expect(r.closed).toBe(true);
    });

    it("an idle keep-alive connection to the ALB is closed after the idle timeout", async () => {
      const r = await exchange(albPort(), (s) => void s.write(rawRequest("/health", ["Connection: keep-alive"])), { waitMs: FIRED_WITHIN_MS });
      expect(statusOf(r.text)).toBe(200);
      expect(r.closed).toBe(true);
    });
  });

  describe("the accelerator's timeouts", () => {
    it("a relayed connection idle for the accelerator's idle timeout is closed", async () => {
      const before = system.accelerator.metrics.idleTimeouts;
      const r = await exchange(accPort(), (s) => void s.write(rawRequest("/health", ["Connection: keep-alive"])), { waitMs: FIRED_WITHIN_MS });
      expect(statusOf(r.text)).toBe(200);
      expect(r.closed).toBe(true);
      expect(system.accelerator.metrics.idleTimeouts).toBeGreaterThan(before);
    });

    it("connections that never send are capped: past the cap they are reset; the rest are routed after the head wait", async () => {
      const before = { ...system.accelerator.metrics };
      const silent = await Promise.all(Array.from({ length: 12 }, () => exchange(accPort(), () => undefined, { waitMs: FIRED_WITHIN_MS })));
      expect(silent.every((r) => r.closed)).toBe(true);
      expect(system.accelerator.metrics.refusedPending - before.refusedPending).toBe(4);
      expect(system.accelerator.metrics.routedWithoutHeaders - before.routedWithoutHeaders).toBe(8);
    });
  });
});

describe("what the local system emulates, where it meets the client", () => {
  withSystem(LENIENT);

  const put = (id: string, body: string, last = false) =>
    rawRequest(`/items/${id}`, ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`, last ? "Connection: close" : "Connection: keep-alive"], "PUT") + body;
  const del = (id: string) => rawRequest(`/items/${id}`, [], "DELETE");

  it("requests pipelined on one connection take effect in order, directly and through the accelerator", async () => {
    // On one connection the second request used to run beside the first: PUT v=2 could land before
    // PUT v=1, and a DELETE before its PUT (alb.test.ts shows the order deterministically).
    for (const [via, port] of [["ALB", albPort()], ["accelerator", accPort()]] as const) {
      for (let i = 0; i < 8; i++) {
        const id = `pipelined-${via}-${i}`;
        const replaced = await exchange(port, (s) => void s.write(put(id, '{"v":1}') + put(id, '{"v":2}', true)));
        expect([...replaced.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(["201", "200"]);
        const read = await probe(`${alb("us-west-2").url}/items/${id}`);
        expect({ via, i, item: JSON.parse(read.body ?? "{}").item }).toEqual({ via, i, item: { item_id: id, v: 2 } });
        const deleted = await exchange(port, (s) => void s.write(put(`${id}-gone`, '{"v":1}') + del(`${id}-gone`)));
        expect([...deleted.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(["201", "200"]);
        expect({ via, i, status: (await probe(`${alb("us-west-2").url}/items/${id}-gone`)).status }).toEqual({ via, i, status: 404 });
      }
    }
  });

  it("a 3 MB upload through the accelerator gets the ALB's 413 every time, not a reset", async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, "a");
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await exchange(
        accPort(),
        (s) => {
          s.write(rawRequest("/items/huge", ["Content-Type: application/json", `Content-Length: ${body.length}`, "Connection: keep-alive"], "PUT"));
          s.write(body);
        },
        { waitMs: 5000 },
      );
      statuses.push(statusOf(r.text));
    }
    expect(statuses).toEqual(Array(10).fill(413));
  });
});
