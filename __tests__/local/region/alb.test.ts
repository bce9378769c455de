import type { ALBEvent, ALBResult } from "aws-lambda";
import { albErrorPage, RegionalAlb, refusalFor } from "../../../local/region/alb";
import type { FunctionHost } from "../../../local/region/function-host";
import { timeScale } from "../../../lib/time-scale";
import { exchange, rawRequest } from "../sockets";
import { waitFor } from "../support";

describe("refusalFor (what the ALB answers before the function is involved)", () => {
  const req = (over: Partial<{ method: string; url: string; rawHeaders: string[] }> = {}) => ({ method: "GET", url: "/health", rawHeaders: ["Host", "h"], ...over });
  it("lets a request within the limits through", () => {
    expect(refusalFor(req())).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["X-A", "v".repeat(16 * 1024 - 5)] }))).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["Transfer-Encoding", "chunked"] }))).toBeUndefined();
    expect(refusalFor(req({ rawHeaders: ["X-Forwarded-For", Array(30).fill("10.0.0.1").join(", ")] }))).toBeUndefined();
  });
  it.each([
    ["TRACE", req({ method: "TRACE" }), 405],
    ["a request line over 16 K", req({ url: `/${"a".repeat(16 * 1024)}` }), 414],
    ["a header line over 16 K", req({ rawHeaders: ["X-A", "v".repeat(16 * 1024 - 3)] }), 400],
    ["header lines over 64 K in all", req({ rawHeaders: Array.from({ length: 5 }, (_, i) => [`X-${i}`, "v".repeat(15_000)]).flat() }), 400],
    ["Transfer-Encoding gzip", req({ rawHeaders: ["Transfer-Encoding", "gzip, chunked"] }), 501],
    ["31 X-Forwarded-For addresses", req({ rawHeaders: ["X-Forwarded-For", Array(31).fill("10.0.0.1").join(", ")] }), 463],
  ])("refuses %s with %d", (_name, r, status) => {
    expect(refusalFor(r)).toBe(status);
  });
});

describe("the ALB's own answers", () => {
  it("are HTML pages naming the status", () => {
    expect(albErrorPage(502)).toContain("<title>502 Bad Gateway</title>");
    expect(albErrorPage(463)).toContain("<h1>463</h1>");
  });
});

describe("requests pipelined on one connection (real socket)", () => {
  // The ALB under test is real; its function is a stand-in whose first invocation waits until the
  // test lets it go, so the order the ALB invokes in is seen directly, tick by tick, not by chance.
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const target = {
    async invoke(event: ALBEvent): Promise<ALBResult> {
      if (event.path === "/health") return { statusCode: 200, body: "" };
      calls.push(`start ${event.path}`);
      if (event.path === "/first") await held;
      calls.push(`end ${event.path}`);
      return { statusCode: 200, headers: { "content-type": "text/plain" }, body: event.path };
    },
  } as unknown as FunctionHost;
  let alb: RegionalAlb;
  beforeAll(async () => {
    alb = new RegionalAlb({
      region: "us-west-2",
      target,
      healthCheck: { path: "/health", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" },
      multiValueHeaders: false,
      timeScale: timeScale(1),
    });
    await alb.listen();
  });
  afterAll(() => alb.shutdown());

  it("are invoked one after the other, in order, each answered in turn", async () => {
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    const exchanged = exchange(alb.port, (s) => {
      // One write: both requests reach the server in one read, as a pipelining client sends them.
      s.write(`${rawRequest("/first", ["Connection: keep-alive"])}${rawRequest("/second")}`);
    });
    await waitFor("the first invocation", () => calls.length > 0);
    // Node's server hands both requests over in the same read; were they run side by side, the
    // second would start within these turns of the event loop.
    await turns(50);
    expect(calls).toEqual(["start /first"]);
    release();
    const r = await exchanged;
    expect(calls).toEqual(["start /first", "end /first", "start /second", "end /second"]);
    expect([...r.text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1])).toEqual(["200", "200"]);
    expect(r.text.indexOf("/first")).toBeLessThan(r.text.indexOf("/second"));
  });
});
