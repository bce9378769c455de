/**
 * The dashboard's server side, over real HTTP against a real local system: content negotiation on
 * GET / (the page for browsers, the JSON state for curl and the drill), the event stream fed by the
 * system's events, the traffic share and the demo traffic, and that event-stream clients that are
 * too many, vanish, or stop reading cannot hurt the admin API or each other.
 */
import { connect } from "node:net";
import { probe } from "../../../lib/probe";
import { AdminClient } from "../../../local/admin/admin";
import type { DashboardHello, DashboardState, DashboardSystemMessage } from "../../../local/admin/dashboard";
import { prefersHtml } from "../../../local/admin/dashboard";
import { readSse, type SseEvent } from "../../../local/admin/sse";
import type { LocalSystem } from "../../../local/system";
import type { RunningLocal } from "../../../local/start";
import { timeScale } from "../../../lib/time-scale";
import { startTestSystem, waitFor } from "../support";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const MAX_STREAMS = 4;
let local: RunningLocal;
let system: LocalSystem;
let adminUrl: string;
let admin: AdminClient;

beforeAll(async () => {
  local = await startTestSystem({ timeScale: timeScale(0.1), propagationSeconds: 1, seed: 7, admin: { dashboard: { sse: { maxClients: MAX_STREAMS, maxBufferedBytes: 256 * 1024 } } } });
  ({ system } = local);
  adminUrl = local.admin.url;
  admin = new AdminClient(adminUrl);
});
afterAll(() => local?.close());

const state = async () => (await (await fetch(`${adminUrl}/traffic`)).json()) as DashboardState;

/** Opens an event stream; `next(type)` waits for the next message of that type. */
async function openStream() {
  const controller = new AbortController();
  const res = await fetch(`${adminUrl}/events`, { signal: controller.signal });
  const messages = readSse(res.body!);
  return {
    res,
    async next(type: string): Promise<unknown> {
      for (;;) {
        const { value, done } = (await messages.next()) as IteratorResult<SseEvent>;
        if (done) throw new Error("the stream ended");
        if (value.event === type) return JSON.parse(value.data);
      }
    },
    close: () => controller.abort(),
  };
}

describe("prefersHtml", () => {
  it.each([
    [BROWSER_ACCEPT, true],
    ["text/html", true],
    ["application/json;q=0.5, text/html", true],
    ["*/*", false],
    [undefined, false],
    ["", false],
    ["application/json", false],
    ["text/html;q=0.5, application/json", false],
    ["text/html;q=0.5, */*", false],
    ["text/html;q=0", false],
  ])("Accept %p → HTML %p", (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});

describe("GET / negotiates", () => {
  it("a browser gets the page: self-contained, its script inline, nothing loaded from elsewhere", async () => {
    const res = await fetch(`${adminUrl}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("vary")).toBe("accept");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'.*connect-src 'self'/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    // uPlot is in the page, with the notice its MIT license asks for.
    expect(html.includes("/*! uPlot 1.6.32\nThe MIT License (MIT)\n\nCopyright (c) 2022 Leon Sorokin")).toBe(true);
    // One script, inline; no src=, href= or url() to anywhere, so it works with no network.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(/<script[^>]*\bsrc=/.test(html)).toBe(false);
    expect(/<link\b/.test(html)).toBe(false);
    expect(/@import|url\(\s*['"]?https?:/.test(html)).toBe(false);
  });

  it.each([["*/*"], ["application/json"], [undefined]])("Accept %p (curl, the drill) still gets the JSON state", async (accept) => {
    const res = await fetch(`${adminUrl}/`, { headers: accept ? { accept } : {} });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("vary")).toBe("accept");
    const body = (await res.json()) as { regions: { region: string; refusedConnections: number }[] };
    expect(body.regions.map((r) => r.region)).toEqual(system.config.regions);
    expect(body.regions[0].refusedConnections).toBe(0);
  });
});

describe("the event stream", () => {
  it("starts with the state, then sends each system event at once with the new state, and periodic ticks", async () => {
    const stream = await openStream();
    try {
      expect(stream.res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const hello = (await stream.next("hello")) as DashboardHello;
      expect(hello.snapshot.regions.map((r) => r.region)).toEqual(system.config.regions);
      expect(hello.traffic.regions).toEqual(system.config.regions);
      expect(hello.generator.rate).toBe(0);
      expect(Array.isArray(hello.events)).toBe(true);

      await admin.setDial("eu-central-1", 40);
      let m: DashboardSystemMessage;
      do m = (await stream.next("system")) as DashboardSystemMessage;
      while (m.event.type !== "dial");
      expect(m.event).toMatchObject({ type: "dial", region: "eu-central-1", value: 40 });
      expect(m.snapshot.regions.find((r) => r.region === "eu-central-1")?.dial).toBe(40);

      const tick = (await stream.next("tick")) as DashboardHello;
      expect(tick.snapshot.regions.find((r) => r.region === "eu-central-1")?.dial).toBe(40);
      expect(tick.traffic.windowSeconds).toBe(60);
    } finally {
      stream.close();
      await admin.setDial("eu-central-1", 100);
    }
  });

  it("keeps the events of the past for a page that connects later", async () => {
    await admin.setWeight("us-west-2", 77);
    await admin.setWeight("us-west-2", 128);
    const stream = await openStream();
    const hello = (await stream.next("hello")) as DashboardHello;
    stream.close();
    const weights = hello.events.filter((e) => e.type === "weight" && e.region === "us-west-2").map((e) => (e as { value: number }).value);
    expect(weights.slice(-2)).toEqual([77, 128]);
  });
});

describe("replication on the event stream", () => {
  it("each region's backlog and pause show live: a paused region's changes wait, and their lag shows once applied", async () => {
    const stream = await openStream();
    try {
      await stream.next("hello");
      await admin.pauseReplication("eu-central-1");
      let m: DashboardSystemMessage;
      do m = (await stream.next("system")) as DashboardSystemMessage;
      while (m.event.type !== "replication");
      expect(m.event).toMatchObject({ type: "replication", region: "eu-central-1", paused: true });
      expect(m.snapshot.regions.find((r) => r.region === "eu-central-1")?.replication).toMatchObject({ paused: true, stopped: true });

      const url = system.regions.get("us-west-2")!.alb.url;
      for (const id of ["sse-1", "sse-2"]) expect((await probe(`${url}/items/${id}`, { method: "PUT", body: '{"v":1}' })).status).toBe(201);
      // The next ticks carry the backlog: the two writes waiting for eu-central-1, on their way from
      // us-west-2 (at least two: a write the SDK retried on a loaded machine is two changes, as on AWS).
      let tick: DashboardHello;
      do tick = (await stream.next("tick")) as DashboardHello;
      while (tick.snapshot.regions.find((r) => r.region === "eu-central-1")!.replication.pendingIn < 2);
      const waiting = tick.snapshot.regions.find((r) => r.region === "eu-central-1")!.replication.pendingIn;
      expect(tick.snapshot.regions.find((r) => r.region === "us-west-2")!.replication.pendingOut).toBe(waiting);
      expect(tick.snapshot.replication.backlog).toBe(waiting);

      await admin.resumeReplication("eu-central-1");
      do tick = (await stream.next("tick")) as DashboardHello;
      while (tick.snapshot.replication.backlog > 0);
      const europe = tick.snapshot.regions.find((r) => r.region === "eu-central-1")!.replication;
      expect(europe).toMatchObject({ paused: false, pendingIn: 0 });
      expect(europe.lagSeconds!.samples).toBeGreaterThanOrEqual(2);
      expect(europe.lagSeconds!.max).toBeGreaterThanOrEqual(europe.lagSeconds!.p50);
    } finally {
      stream.close();
      await admin.resumeReplication("eu-central-1");
    }
  });
});

describe("traffic", () => {
  it("demo traffic goes through the accelerator and shows as the share each region served", async () => {
    await waitFor("every region healthy at the accelerator", async () => (await admin.snapshot()).regions.every((r) => r.acceleratorHealth === "healthy"), 20_000);
    const put = await fetch(`${adminUrl}/traffic`, { method: "PUT", body: "5" });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ rate: 5 });
    try {
      // The window also counts other clients' requests: wait for the generator's own ten as well.
      await waitFor("the generator's requests in the window", async () => {
        const now = await state();
        return now.traffic.served["us-west-2"] >= 10 && now.generator.metrics.sent >= 10;
      }, 20_000);
      const s = await state();
      expect(s.generator).toMatchObject({ rate: 5 });
      expect(s.generator.metrics.sent).toBeGreaterThanOrEqual(10);
      // The client is in us-west-2 and every region is healthy: the closest region serves it all.
      expect(s.traffic.served["eu-central-1"]).toBe(0);
      expect(s.traffic.share["us-west-2"]).toBe(1);
    } finally {
      const off = await fetch(`${adminUrl}/traffic`, { method: "PUT", body: '{"rate": 0}' });
      expect(await off.json()).toMatchObject({ rate: 0 });
    }
  });

  it("counts the connections a killed region refused, as the accelerator sent them there", async () => {
    await waitFor("every region healthy at the accelerator", async () => (await admin.snapshot()).regions.every((r) => r.acceleratorHealth === "healthy"), 20_000);
    await admin.kill("us-west-2");
    try {
      // The accelerator has not seen the outage yet: it still sends the closest region's clients there.
      const answers = await Promise.all([0, 1, 2].map(() => probe(`${system.acceleratorUrl}/get/foobar`)));
      const lost = answers.filter((a) => a.status === 0).length;
      expect(lost).toBeGreaterThan(0);
      const west = (await admin.snapshot()).regions.find((r) => r.region === "us-west-2")!;
      expect(west.refusedConnections).toBe(lost);
      await waitFor("the refused connections in the window", async () => (await state()).traffic.refused === lost);
    } finally {
      await admin.restore("us-west-2");
    }
  });

  it.each([["x"], ["51"], ["-1"], [""]])("refuses rate %p with 400 and a reason", async (body) => {
    const res = await fetch(`${adminUrl}/traffic`, { method: "PUT", body });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/traffic rate must be 0-50 requests per model second/);
  });

  it("answers other methods 405 with Allow", async () => {
    const res = await fetch(`${adminUrl}/traffic`, { method: "POST", body: "1" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PUT");
  });
  it.each([
    ["POST", "/"],
    ["DELETE", "/"],
    ["POST", "/events"],
  ])("answers %s %s 405 with Allow: GET (the page, the state and the event stream are read-only)", async (method, path) => {
    const res = await fetch(`${adminUrl}${path}`, { method, body: method === "DELETE" ? undefined : "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expect((await res.json()).error).toBe(`use GET for ${path}`);
  });
});

describe("event-stream clients cannot hurt the system", () => {
  it("one over the cap gets 503, vanished clients are let go, and the cap frees up", async () => {
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS }, () => openStream()));
    expect(streams.map((s) => s.res.status)).toEqual(Array(MAX_STREAMS).fill(200));
    const over = await fetch(`${adminUrl}/events`);
    expect(over.status).toBe(503);
    expect((await over.json()).error).toMatch(/too many event streams/);
    expect((await admin.snapshot()).regions).toHaveLength(system.config.regions.length);
    streams.forEach((s) => s.close());
    await waitFor("the streams to close", async () => (await state()).streams.open === 0);
    const again = await openStream();
    expect(again.res.status).toBe(200);
    again.close();
  });

  it("a client that stops reading is disconnected; the reading one gets every event and the admin API answers", async () => {
    const stuck = connect({ host: "127.0.0.1", port: Number(new URL(adminUrl).port) });
    stuck.on("error", () => undefined);
    // The admin's own Host: any other is refused (421) before the stream opens (local/admin/admin-guard.ts).
    stuck.write(`GET /events HTTP/1.1\r\nHost: ${new URL(adminUrl).host}\r\nConnection: keep-alive\r\n\r\n`);
    stuck.pause();
    const reader = await openStream();
    await reader.next("hello");
    await waitFor("both streams", async () => (await state()).streams.open === 2);
    const before = (await state()).streams.droppedSlow;
    // Each change is an event with the whole state (a few KB): far more than loopback buffers hold.
    const changes = 4000;
    const reading = (async () => {
      let seen = 0;
      while (seen < changes) if (((await reader.next("system")) as DashboardSystemMessage).event.type === "dial") seen += 1;
      return seen;
    })();
    for (let i = 0; i < changes; i++) {
      system.setDial("eu-central-1", i % 100);
      await new Promise((r) => setImmediate(r));
    }
    expect(await reading).toBe(changes);
    expect((await state()).streams.droppedSlow).toBe(before + 1);
    expect((await admin.setDial("eu-central-1", 100)).dial).toBe(100);
    reader.close();
    stuck.destroy();
  });
});
