/**
 * The local system end to end over real HTTP on 127.0.0.1, at a fast time scale (factor 0.1: a 10 s
 * health-check interval takes 1 s, the 5 s timeout 500 ms: far more than a loaded machine takes to
 * answer a check, so no region's health flaps under the tests).
 */
import { SEED_ITEM } from "../../constructs/global-table";
import { predictFailover } from "../../model/failover";
import { AdminClient, startAdminServer } from "../../local/admin/admin";
import { LOCAL_SEED_ITEM, type LocalSystem, startLocalSystem } from "../../local/system";
import type { SystemEvent } from "../../local/events";
import { timeScale } from "../../lib/time-scale";
import { probe } from "../../lib/probe";
import { localConfig, waitFor } from "./support";

const scale = timeScale(0.1);
const PROPAGATION = 2;
/** How late a timer may fire on a loaded machine, real ms: added to upper bounds only (timers never fire early). */
const LOAD_SLACK_MS = 500;

async function start(override: unknown = {}, at = scale): Promise<LocalSystem> {
  const system = await startLocalSystem({ config: localConfig(override), timeScale: at, port: 0, propagationSeconds: PROPAGATION, logLevel: "SILENT" });
  await allHealthy(system);
  return system;
}

const allHealthy = (system: LocalSystem) =>
  waitFor("every region healthy at the accelerator", () => system.snapshot().regions.every((r) => r.acceleratorHealth === "healthy"));

/** `n` GETs of /get/foobar through the accelerator, each on a new connection; the regions that answered. */
async function regionsOf(system: LocalSystem, n: number, localAddress?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await probe(`${system.acceleratorUrl}/get/foobar`, { localAddress });
    expect(r.status).toBe(200);
    out.push(r.region!);
  }
  return out;
}

describe("the local system (default config: us-west-2 and eu-central-1, affinity NONE)", () => {
  let system: LocalSystem;
  beforeAll(async () => {
    system = await start();
  });
  afterAll(() => system?.close());

  it("seeds the same item as the stack", () => {
    expect(LOCAL_SEED_ITEM).toEqual(SEED_ITEM);
  });

  it("serves GET /get/foobar through the accelerator, naming the closest region", async () => {
    const r = await probe(`${system.acceleratorUrl}/get/foobar`);
    expect(r.status).toBe(200);
    expect(r.region).toBe("us-west-2");
    expect(JSON.parse(r.body!)).toMatchObject({ item: { item_id: "foobar", message: "Hello from GlobalApp" }, region: "us-west-2" });
  });

  it("routes a client elsewhere by its x-client-region header", async () => {
    const r = await probe(`${system.acceleratorUrl}/get/foobar`, { headers: { "x-client-region": "eu-west-1" } });
    expect(r.region).toBe("eu-central-1");
  });

  it("each region's ALB runs that region's function", async () => {
    for (const r of system.snapshot().regions) {
      const res = await probe(`${r.albUrl}/health`);
      expect(res).toMatchObject({ status: 200, region: r.region });
    }
  });

  it("affinity NONE spreads one client's connections by the 5-tuple when a dial splits traffic", async () => {
    system.setDial("us-west-2", 50);
    try {
      const seen = new Set(await regionsOf(system, 30, "127.0.0.2"));
      expect(seen).toEqual(new Set(["us-west-2", "eu-central-1"]));
    } finally {
      system.setDial("us-west-2", 100);
    }
  });

  it("a 0% dial drains a region", async () => {
    system.setDial("us-west-2", 0);
    try {
      expect(new Set(await regionsOf(system, 10))).toEqual(new Set(["eu-central-1"]));
    } finally {
      system.setDial("us-west-2", 100);
    }
    expect(await regionsOf(system, 1)).toEqual(["us-west-2"]);
  });

  it("the admin API sets STATUS (applied when it answers) and rejects bad input", async () => {
    const server = await startAdminServer(system, { port: 0 });
    const admin = new AdminClient(server.url);
    try {
      await admin.setStatus("eu-central-1", "418");
      expect((await probe(`${system.snapshot().regions[1].albUrl}/health`)).status).toBe(418);
      await admin.setStatus("eu-central-1", "200");
      expect((await probe(`${system.snapshot().regions[1].albUrl}/health`)).status).toBe(200);
      await expect(admin.setStatus("eu-central-1", "abc")).rejects.toThrow(/400 STATUS must be an HTTP status code/);
      // The function's own rule (parseStatus): no status /health could not answer with a body.
      await expect(admin.setStatus("eu-central-1", "204")).rejects.toThrow(/400 STATUS must be an HTTP status code of a final response with a body/);
      await expect(admin.setStatus("mars-1", "200")).rejects.toThrow(/404 unknown region/);
      const wrongMethod = await fetch(`${server.url}/regions/us-west-2/kill`, { method: "PUT" });
      expect(wrongMethod.status).toBe(405);
    } finally {
      await server.close();
    }
    await allHealthy(system);
  });

  it("fails open when every region is unhealthy, and returns after recovery", async () => {
    await Promise.all(system.config.regions.map((r) => system.setStatus(r, "400")));
    await waitFor("every region unhealthy at the accelerator", () => system.snapshot().regions.every((r) => r.acceleratorHealth === "unhealthy"));
    // A STATUS flip fails only /health: the function still serves, and the accelerator fails open.
    expect(new Set(await regionsOf(system, 5))).toEqual(new Set(["us-west-2"]));
    await Promise.all(system.config.regions.map((r) => system.setStatus(r, "200")));
    await allHealthy(system);
    expect(await regionsOf(system, 1)).toEqual(["us-west-2"]);
  });

  it("a killed region's error window is bounded by the detection time", async () => {
    // The system's own record, in its model time: the kill, then the accelerator acting on the
    // target group's verdict. Each probe notes whether it was sent before or after that.
    const events: SystemEvent[] = [];
    const unsubscribe = system.subscribe((e) => events.push(e));
    const moved = () => events.some((e) => e.type === "propagated" && e.region === "us-west-2" && e.health === "unhealthy");
    const probes: { afterMove: boolean; status: number; region?: string }[] = [];
    try {
      await system.kill("us-west-2");
      // Poll until the accelerator has moved traffic, then a little longer.
      await waitFor("traffic on eu-central-1", async () => {
        const afterMove = moved();
        const r = await probe(`${system.acceleratorUrl}/get/foobar`);
        probes.push({ afterMove, status: r.status, region: r.region });
        return r.region === "eu-central-1";
      });
      expect(new Set(await regionsOf(system, 10))).toEqual(new Set(["eu-central-1"]));
    } finally {
      unsubscribe();
    }
    // Requests failed while the region was down and not yet detected, and none sent after the accelerator acted.
    expect(probes.filter((p) => !p.afterMove && p.status !== 200).length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.afterMove)).toEqual(probes.filter((p) => p.afterMove).map(() => ({ afterMove: true, status: 200, region: "eu-central-1" })));
    // The window, kill to move, within the prediction (model seconds on the system's clock).
    const killed = events.find((e) => e.type === "kill")!;
    const move = events.find((e) => e.type === "propagated" && e.region === "us-west-2")!;
    const predicted = predictFailover(system.config.healthCheck, PROPAGATION);
    expect(move.t - killed.t).toBeGreaterThanOrEqual(predicted.min - 2);
    expect(move.t - killed.t).toBeLessThanOrEqual(predicted.max + 2 + scale.toModelSeconds(LOAD_SLACK_MS));

    await system.restore("us-west-2");
    await allHealthy(system);
    expect(await regionsOf(system, 3)).toEqual(["us-west-2", "us-west-2", "us-west-2"]);
  });
});

describe("the local system with affinity SOURCE_IP, multi-value headers and a 50% dial", () => {
  let system: LocalSystem;
  beforeAll(async () => {
    // Time scale 0.1 (a 0.5 s health-check timeout): stickiness holds while health stays the same,
    // and 12 clients at once must not make a loaded machine's checks time out.
    system = await start(
      {
        accelerator: { clientAffinity: "SOURCE_IP", trafficDials: { "us-west-2": 50 } },
        function: { multiValueHeaders: true },
      },
      timeScale(0.1),
    );
  });
  afterAll(() => system?.close());

  it("applies the configured dial", () => {
    expect(system.snapshot().regions.map((r) => [r.region, r.dial])).toEqual([["us-west-2", 50], ["eu-central-1", 100]]);
  });

  it("keeps each client on one region, connection after connection", async () => {
    const clients = Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`);
    const perClient = await Promise.all(clients.map(async (ip) => new Set(await regionsOf(system, 8, ip))));
    for (const regions of perClient) expect(regions.size).toBe(1);
    // …while different clients are split by the dial.
    expect(new Set(perClient.map((s) => [...s][0]))).toEqual(new Set(["us-west-2", "eu-central-1"]));
  });

  it("answers through the multi-value header form", async () => {
    const r = await probe(`${system.acceleratorUrl}/get/foobar`);
    expect(r.status).toBe(200);
    expect(["us-west-2", "eu-central-1"]).toContain(r.region);
  });
});

describe("the regions' stores: one per region, a global table between them (default lag, real time)", () => {
  // Real time and seed 3: the first lag drawn is 0.72 s, far longer than a read on loopback takes.
  // The ALBs are called directly: nothing here waits for health checks.
  let system: LocalSystem;
  const alb = (region: string) => system.regions.get(region)!.alb.url;
  beforeAll(async () => {
    system = await startLocalSystem({ config: localConfig(), timeScale: timeScale(1), port: 0, seed: 3, logLevel: "SILENT" });
  });
  afterAll(() => system?.close());

  it("gives each region's function a store of its own", () => {
    const endpoints = new Set([...system.stores.values()].map((s) => s.endpoint));
    expect([...system.stores.keys()]).toEqual(["us-west-2", "eu-central-1"]);
    expect(endpoints.size).toBe(2);
    for (const [region, r] of system.regions) expect(r.fn.variables.AWS_ENDPOINT_URL_DYNAMODB).toBe(system.stores.get(region)!.endpoint);
  });

  it("a write through one region's ALB is not readable through another region's ALB at once, and is within a few seconds", async () => {
    const put = await probe(`${alb("us-west-2")}/items/lag-check`, { method: "PUT", body: '{"v":1}' });
    expect(put.status).toBe(201);
    const writtenAt = system.now();
    expect((await probe(`${alb("eu-central-1")}/items/lag-check`)).status).toBe(404);
    // Waiting for eu-central-1 (one change, or two when the function's SDK retried its PutItem on a loaded machine).
    expect(system.snapshot().regions.find((r) => r.region === "eu-central-1")!.replication.pendingIn).toBeGreaterThanOrEqual(1);
    let readableAt = 0;
    await waitFor("the write readable in eu-central-1", async () => {
      const ok = (await probe(`${alb("eu-central-1")}/items/lag-check`)).status === 200;
      if (ok) readableAt = system.now();
      return ok;
    });
    // Model seconds (real ones here): within the distribution's longest draw and a little.
    expect(readableAt - writtenAt).toBeLessThan(3);
    expect(system.snapshot().replication).toMatchObject({ lagSeconds: { median: 0.5, p99: 1 }, backlog: 0, conflicts: 0 });
  });

  it("keeps __proto__ attribute names, as DynamoDB does, through the function, the stores and the replication", async () => {
    const body = '{"__proto__":{"__proto__":[{"__proto__":1}],"x":"y"},"constructor":2}';
    expect((await probe(`${alb("us-west-2")}/items/proto`, { method: "PUT", body })).status).toBe(201);
    let got: string | undefined;
    await waitFor("the item in eu-central-1", async () => {
      const r = await probe(`${alb("eu-central-1")}/items/proto`);
      got = r.body;
      return r.status === 200;
    });
    expect(JSON.stringify(JSON.parse(got!).item)).toBe('{"__proto__":{"__proto__":[{"__proto__":1}],"x":"y"},"constructor":2,"item_id":"proto"}');
  });

  it("a killed region's store stops replicating, keeps what it has, and catches up once restored", async () => {
    await system.kill("us-west-2");
    try {
      expect((await probe(`${alb("eu-central-1")}/items/during-outage`, { method: "PUT", body: '{"v":2}' })).status).toBe(201);
      // Past the longest lag the default distribution draws (1.26 model seconds).
      const until = system.now() + 1.5;
      await waitFor("1.5 model seconds", () => system.now() >= until);
      const west = system.snapshot().regions.find((r) => r.region === "us-west-2")!;
      expect(west.replication).toMatchObject({ stopped: true, paused: false });
      expect(west.replication.pendingIn).toBeGreaterThanOrEqual(1);
      expect((await system.stores.get("us-west-2")!.items()).map((i) => (i.item_id as { S: string }).S)).not.toContain("during-outage");
    } finally {
      await system.restore("us-west-2");
    }
    await waitFor("the outage's write in us-west-2", async () => (await probe(`${alb("us-west-2")}/items/during-outage`)).status === 200);
    expect(system.snapshot().replication.backlog).toBe(0);
  });
});
