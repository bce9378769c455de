/**
 * The admin API's changes are linearizable and leak nothing, over real HTTP: concurrent STATUS
 * changes end with the one asked last and never answer 200 while /health answers otherwise; a kill
 * during a STATUS change and two restores at once leave exactly the worker threads the regions
 * report; past the concurrency cap requests are throttled (502); a write answered 502 or 504 is
 * never stored afterwards.
 */
import { createServer, type Server, type Socket } from "node:net";
import { probe } from "../../../lib/probe";
import { AdminClient } from "../../../local/admin/admin";
import { seededRandom } from "../../../local/runtime/random";
import type { LocalSystem } from "../../../local/system";
import type { RunningLocal } from "../../../local/start";
import { timeScale } from "../../../lib/time-scale";
import { pause } from "../sockets";
import { startTestSystem, waitFor } from "../support";
import { osThreads } from "../threads";

const SEED = 1234;
let local: RunningLocal;
let system: LocalSystem;
let adminUrl: string;
let admin: AdminClient;
const health = async (region: string) => (await probe(`${system.regions.get(region)!.alb.url}/health`)).status;
const liveWorkers = () => [...system.regions.values()].reduce((n, r) => n + r.fn.environments.live, 0);

beforeAll(async () => {
  // The ALB's idle timeout (500 ms) is shorter than the function's first DynamoDB attempt (800 ms):
  // the 504 test needs the ALB to give up while the function would still go on.
  local = await startTestSystem({
    timeScale: timeScale(0.1),
    propagationSeconds: 2,
    concurrency: 2,
    seed: SEED,
    limits: { albIdleTimeoutMs: 500 },
  });
  ({ system } = local);
  adminUrl = local.admin.url;
  admin = new AdminClient(adminUrl);
});
afterAll(() => local?.close());

describe("STATUS changes through the admin API", () => {
  it("concurrent changes apply in the order asked, the last one wins, and no 200 comes before /health says so", async () => {
    const statuses = ["201", "202", "203", "206", "207", "208"];
    const answered: string[] = [];
    const seenAtAnswer: number[] = [];
    // Sent 20 ms apart, so the order they were asked in is clear; each takes a cold start, so they overlap.
    await Promise.all(
      statuses.map(async (status, i) => {
        await pause(20 * i);
        const region = await admin.setStatus("us-west-2", status);
        answered.push(status);
        expect(region.status).toBe(status);
        seenAtAnswer.push(await health("us-west-2"));
      }),
    );
    expect(answered).toEqual(statuses);
    // Right after each 200, /health answered that STATUS or one asked after it, never an older one.
    seenAtAnswer.forEach((seen, i) => expect(seen).toBeGreaterThanOrEqual(Number(statuses[i])));
    expect(await health("us-west-2")).toBe(208);
    expect((await admin.snapshot()).regions[0].status).toBe("208");
    await admin.setStatus("us-west-2", "200");
  });

  it("a bad value changes nothing and is answered 400", async () => {
    await expect(admin.setStatus("us-west-2", "abc")).rejects.toThrow(/400 STATUS must be an HTTP status code/);
    const big = await fetch(`${adminUrl}/regions/us-west-2/status`, { method: "PUT", body: "2".repeat(20_000) });
    expect(big.status).toBe(413);
    expect(await health("us-west-2")).toBe(200);
  });

  it("a kill during a STATUS change, then two restores at once, leave exactly the worker threads the regions report", async () => {
    const threadsBefore = osThreads();
    const workersBefore = liveWorkers();
    const change = admin.setStatus("eu-central-1", "418");
    const kill = admin.kill("eu-central-1");
    const [changed, killed] = await Promise.all([change, kill]);
    expect(changed.status).toBe("418");
    expect(killed.killed).toBe(true);
    expect((await probe(`${system.regions.get("eu-central-1")!.alb.url}/health`)).status).toBe(0);
    await waitFor("the killed region's threads to exit", () => system.regions.get("eu-central-1")!.fn.environments.live === 0);
    const [a, b] = await Promise.all([admin.restore("eu-central-1"), admin.restore("eu-central-1")]);
    expect([a.killed, b.killed]).toEqual([false, false]);
    expect(await health("eu-central-1")).toBe(418);
    // Environments back in the restored region (one, or two with a health check at the same time: the cap); none left over.
    expect(system.regions.get("eu-central-1")!.fn.environments.live).toBeGreaterThanOrEqual(1);
    expect(system.regions.get("eu-central-1")!.fn.environments.live).toBeLessThanOrEqual(2);
    if (threadsBefore !== undefined) {
      await waitFor("OS threads to match the live worker threads", () => osThreads()! - threadsBefore === liveWorkers() - workersBefore);
    }
    await admin.setStatus("eu-central-1", "200");
  });

  it("dial and weight changes answer with the region's new state", async () => {
    expect((await admin.setDial("us-west-2", 40)).dial).toBe(40);
    expect((await admin.setWeight("us-west-2", 7)).weight).toBe(7);
    await expect(admin.setDial("us-west-2", 101)).rejects.toThrow(/400 traffic dial must be 0-100/);
    await admin.setDial("us-west-2", 100);
    await admin.setWeight("us-west-2", 128);
  });
});

describe("replication through the admin API (like AWS FIS's pause of a global table's replication)", () => {
  it("pause and resume answer with the region's state, tell the event stream, and hold then release its changes", async () => {
    const seen: string[] = [];
    const stop = await admin.watch((e) => {
      if (e.type === "replication") seen.push(`${e.region} ${e.paused ? "paused" : "resumed"}`);
    });
    try {
      expect((await admin.pauseReplication("eu-central-1")).replication).toMatchObject({ paused: true, stopped: true });
      const put = await probe(`${system.regions.get("us-west-2")!.alb.url}/items/held`, { method: "PUT", body: '{"v":1}' });
      expect(put.status).toBe(201);
      const until = system.now() + 3;
      await waitFor("3 model seconds", () => system.now() >= until);
      const held = (await admin.snapshot()).regions.find((r) => r.region === "eu-central-1")!.replication;
      expect(held.paused).toBe(true);
      expect(held.pendingIn).toBeGreaterThanOrEqual(1);
      expect((await probe(`${system.regions.get("eu-central-1")!.alb.url}/items/held`)).status).toBe(404);
      expect((await admin.resumeReplication("eu-central-1")).replication.paused).toBe(false);
      await waitFor("the held write in eu-central-1", async () => (await probe(`${system.regions.get("eu-central-1")!.alb.url}/items/held`)).status === 200);
      await waitFor("both events", () => seen.length === 2);
      expect(seen).toEqual(["eu-central-1 paused", "eu-central-1 resumed"]);
    } finally {
      stop();
    }
  });

  it("answers 405 for another method and 404 for an unknown region or action", async () => {
    expect((await fetch(`${adminUrl}/regions/eu-central-1/replication/pause`, { method: "PUT" })).status).toBe(405);
    expect((await fetch(`${adminUrl}/regions/moon-1/replication/pause`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${adminUrl}/regions/eu-central-1/replication/stop`, { method: "POST" })).status).toBe(404);
  });
});

describe("Lambda concurrency and timeouts, end to end: a write answered 5xx is never carried out later", () => {
  it("past the cap the ALB answers 502 as for a throttled Lambda, and a throttled write is never stored", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `throttle-${i}`);
    const url = system.regions.get("us-west-2")!.alb.url;
    const statuses = await Promise.all(ids.map((id) => probe(`${url}/items/${id}`, { method: "PUT", body: '{"n":1}' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 502).length).toBeGreaterThan(0);
    // 504 when a loaded machine keeps one waiting past the idle timeout (500 ms here).
    expect(statuses.every((s) => s === 201 || s === 502 || s === 504)).toBe(true);
    // Every 502 is a throttle (health checks are throttled too at the cap, and counted).
    expect(system.regions.get("us-west-2")!.fn.metrics.throttles).toBeGreaterThanOrEqual(statuses.filter((s) => s === 502).length);
    await pause(500);
    const stored = new Set((await system.stores.get("us-west-2")!.engine.scan()).map((item) => String(item.item_id)).filter((id) => id.startsWith("throttle-")));
    const answered = (status: number) => ids.filter((_, i) => statuses[i] === status);
    // Every 201 is stored and no throttled write ever is. A 504 leaves the outcome open, as on AWS: the
    // write may have reached the table before the ALB gave up (the next test holds one that had not).
    for (const id of answered(201)) expect(stored).toContain(id);
    for (const id of answered(502)) expect(stored).not.toContain(id);
    expect(stored.size).toBeLessThanOrEqual(answered(201).length + answered(504).length);
    expect(system.regions.get("us-west-2")!.fn.environments.live).toBeLessThanOrEqual(2);
  });

  it("a write answered 504 (DynamoDB not answering past the ALB's idle timeout) is not stored once DynamoDB is back", async () => {
    const store = system.stores.get("us-west-2")!.engine;
    const { port } = store;
    await store.stop();
    // A DynamoDB that accepts connections and never answers.
    const held = new Set<Socket>();
    const blackHole: Server = createServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(port, "127.0.0.1", resolve));
    let status: number;
    try {
      status = (await probe(`${system.regions.get("us-west-2")!.alb.url}/items/late-write`, { method: "PUT", body: '{"v":1}' })).status;
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
    expect(status).toBe(504);
    // DynamoDB is back at once: an invocation still going on would write on its retry (it does, without the cancellation).
    await store.start();
    // Long enough for the function's own retry and timeouts (≈ 2 s) to have written, had it gone on.
    await pause(2500);
    expect((await system.stores.get("us-west-2")!.engine.scan()).map((item) => item.item_id)).not.toContain("late-write");
  });
});

describe("the random health-check phase", () => {
  it("is drawn from the seed: each region's first check comes seed-determined seconds after start", () => {
    const random = seededRandom(SEED);
    const interval = system.config.healthCheck.intervalSeconds;
    const snapshot = system.snapshot();
    expect(snapshot.seed).toBe(SEED);
    for (const r of snapshot.regions) {
      expect(r.healthCheckPhaseSeconds).toBeCloseTo(random() * interval, 9);
      expect(r.healthCheckPhaseSeconds).toBeGreaterThanOrEqual(0);
      expect(r.healthCheckPhaseSeconds).toBeLessThan(interval);
    }
  });
});
