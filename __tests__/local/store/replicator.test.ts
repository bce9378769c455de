/**
 * The replicator between real region stores on real sockets, at a fast time scale. Every assertion
 * is about order, outcome and counts, or about lags measured in model time from below (a change is
 * never applied before it is due); none about how fast the machine is.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { lagBounds, type LagDistribution } from "../../../model/replication";
import { timeScale } from "../../../lib/time-scale";
import { seededRandom } from "../../../local/runtime/random";
import { type RegionStore, startRegionStore } from "../../../local/store/region-store";
import { type ReplicationConflict, Replicator } from "../../../local/store/replicator";
import { WireClient } from "../../../local/store/wire";
import { waitFor } from "../support";

const TABLE = "GlobalApp";
const REGIONS = ["us-west-2", "eu-central-1", "ap-southeast-1"];

/** Three stores and a replicator on one clock; each test gets its own, with the lag it needs. */
async function startGlobalTable(lag: LagDistribution, factor = 0.01) {
  const scale = timeScale(factor);
  const started = Date.now();
  const now = () => scale.toModelSeconds(Date.now() - started);
  const stores = await Promise.all(REGIONS.map((region) => startRegionStore({ region, tableName: TABLE, items: [{ item_id: "foobar" }], now })));
  const conflicts: ReplicationConflict[] = [];
  const replicator = new Replicator({ stores, lag, random: seededRandom(7), timeScale: scale, now, onConflict: (c) => conflicts.push(c) });
  const clients = new Map(stores.map((s) => [s.region, new WireClient(s.endpoint)]));
  const at = (region: string) => clients.get(region)!;
  return {
    stores,
    replicator,
    conflicts,
    now,
    put: (region: string, id: string, v: string | number) => at(region).call("PutItem", { TableName: TABLE, Item: { item_id: { S: id }, v: { S: String(v) } } }),
    del: (region: string, id: string) => at(region).call("DeleteItem", { TableName: TABLE, Key: { item_id: { S: id } } }),
    get: async (region: string, id: string) => ((await at(region).call("GetItem", { TableName: TABLE, Key: { item_id: { S: id } } })).Item as { v?: { S: string } } | undefined)?.v?.S ?? null,
    caughtUp: () => waitFor("replication to catch up", () => replicator.backlog === 0, 20_000),
    async close() {
      await replicator.close();
      for (const c of clients.values()) c.close();
      await Promise.all(stores.map((s: RegionStore) => s.close()));
    },
  };
}
type GlobalTable = Awaited<ReturnType<typeof startGlobalTable>>;

describe("a write reaches every other region, after a lag from the distribution", () => {
  const lag = { median: 0.5, p99: 1 };
  let g: GlobalTable;
  beforeAll(async () => {
    g = await startGlobalTable(lag);
  });
  afterAll(() => g?.close());

  it("is applied in every other region once caught up, never before its lag's lower bound", async () => {
    const t0 = g.now();
    await g.put("us-west-2", "x", "1");
    await g.caughtUp();
    for (const r of REGIONS) expect(await g.get(r, "x")).toBe("1");
    const { min } = lagBounds(lag);
    for (const r of ["eu-central-1", "ap-southeast-1"]) {
      const s = g.replicator.state(r);
      expect(s).toMatchObject({ applied: 1, superseded: 0, pendingIn: 0, paused: false, stopped: false });
      expect(s.lagSeconds!.max).toBeGreaterThanOrEqual(min);
      expect(s.lagSeconds!.samples).toBe(1);
    }
    expect(g.now() - t0).toBeGreaterThanOrEqual(min);
    expect(g.replicator.state("us-west-2")).toMatchObject({ applied: 0, pendingOut: 0 });
  });

  it("keeps each item's writes in order: twenty quick writes, all applied in turn, none overtaken", async () => {
    // A wide distribution: without the per-item order, later writes would often arrive first.
    const wide = await startGlobalTable({ median: 1, p99: 20 });
    try {
      for (let i = 1; i <= 20; i++) await wide.put("us-west-2", "ordered", i);
      await wide.caughtUp();
      for (const r of ["eu-central-1", "ap-southeast-1"]) {
        // In order, every write replaced the one before it; one arriving after a later one would be superseded.
        expect(wide.replicator.state(r)).toMatchObject({ applied: 20, superseded: 0 });
        expect(await wide.get(r, "ordered")).toBe("20");
      }
    } finally {
      await wide.close();
    }
  });

  it("deletes replicate", async () => {
    await g.put("eu-central-1", "gone", "x");
    await g.caughtUp();
    await g.del("ap-southeast-1", "gone");
    await g.caughtUp();
    for (const r of REGIONS) expect(await g.get(r, "gone")).toBeNull();
  });
});

describe("last writer wins: concurrent writes within the lag", () => {
  // A fixed 5 s lag at factor 0.1 is 500 ms real: two writes made one after the other are concurrent.
  let g: GlobalTable;
  beforeAll(async () => {
    g = await startGlobalTable({ median: 5, p99: 5 }, 0.1);
  });
  afterAll(() => g?.close());

  it("every region ends on the later write, and the conflict is counted once with who won", async () => {
    await g.put("us-west-2", "c", "west");
    await g.put("eu-central-1", "c", "europe");
    await g.caughtUp();
    for (const r of REGIONS) expect(await g.get(r, "c")).toBe("europe");
    expect(g.replicator.conflicts).toBe(1);
    expect(g.conflicts).toEqual([expect.objectContaining({ item: "c", kept: expect.objectContaining({ region: "eu-central-1" }), lost: expect.objectContaining({ region: "us-west-2" }) })]);
    expect(g.conflicts[0].kept.stamp).toBeGreaterThan(g.conflicts[0].lost.stamp);
  });

  it("a later delete wins over an earlier put that arrives after it: no resurrection anywhere", async () => {
    await g.put("us-west-2", "d", "put");
    await g.del("eu-central-1", "d");
    await g.caughtUp();
    for (const r of REGIONS) expect(await g.get(r, "d")).toBeNull();
  });

  it("writes one after the other, each seen by the next writer, are no conflict", async () => {
    const before = g.replicator.conflicts;
    await g.put("us-west-2", "seq", "1");
    await g.caughtUp();
    await g.put("eu-central-1", "seq", "2");
    await g.caughtUp();
    for (const r of REGIONS) expect(await g.get(r, "seq")).toBe("2");
    expect(g.replicator.conflicts).toBe(before);
  });
});

describe("pause, outage and catch-up", () => {
  let g: GlobalTable;
  beforeAll(async () => {
    g = await startGlobalTable({ median: 0.5, p99: 1 });
  });
  afterAll(() => g?.close());

  /** Waits `seconds` model seconds of the table's clock. */
  const modelWait = async (seconds: number) => {
    const until = g.now() + seconds;
    await waitFor(`${seconds} model seconds`, () => g.now() >= until);
  };

  it("a paused region neither receives nor sends; on resume everything that waited arrives", async () => {
    g.replicator.pause("eu-central-1");
    await g.put("us-west-2", "p-in", "1");
    await g.put("eu-central-1", "p-out", "1");
    // Past the longest lag the distribution draws: still not there.
    await modelWait(lagBounds({ median: 0.5, p99: 1 }).max + 1);
    expect(await g.get("eu-central-1", "p-in")).toBeNull();
    expect(await g.get("us-west-2", "p-out")).toBeNull();
    expect(await g.get("ap-southeast-1", "p-in")).toBe("1"); // the other regions replicate as usual
    expect(g.replicator.state("eu-central-1")).toMatchObject({ paused: true, stopped: true, pendingIn: 1, pendingOut: 2 });
    g.replicator.resume("eu-central-1");
    await g.caughtUp();
    for (const r of REGIONS) {
      expect(await g.get(r, "p-in")).toBe("1");
      expect(await g.get(r, "p-out")).toBe("1");
    }
    // Applied at once on resume, so its lag spans the pause.
    expect(g.replicator.state("eu-central-1").lagSeconds!.max).toBeGreaterThan(lagBounds({ median: 0.5, p99: 1 }).max);
  });

  it("a killed region catches up after the restore: nothing acknowledged is lost, either way", async () => {
    g.replicator.setKilled("ap-southeast-1", true);
    for (let i = 0; i < 10; i++) await g.put("us-west-2", `k-${i}`, i);
    // Its store is still up: what it acknowledged before the kill is sent on restore.
    await g.put("ap-southeast-1", "k-own", "own");
    await modelWait(2);
    expect(g.replicator.state("ap-southeast-1")).toMatchObject({ stopped: true, paused: false, pendingIn: 10 });
    g.replicator.setKilled("ap-southeast-1", false);
    await g.caughtUp();
    for (const r of REGIONS) {
      for (let i = 0; i < 10; i++) expect(await g.get(r, `k-${i}`)).toBe(String(i));
      expect(await g.get(r, "k-own")).toBe("own");
    }
  });

  it("a store that cannot be reached gets its changes once it is back", async () => {
    const store = g.stores.find((s) => s.region === "eu-central-1")!;
    await store.engine.stop();
    try {
      await g.put("us-west-2", "while-down", "x");
      await modelWait(3);
      expect(g.replicator.state("eu-central-1").pendingIn).toBe(1);
    } finally {
      await store.engine.start();
    }
    await g.caughtUp();
    expect(await g.get("eu-central-1", "while-down")).toBe("x");
  });

  it("pausing an unknown region is refused", () => {
    expect(() => g.replicator.pause("moon-1")).toThrow(/unknown region "moon-1"/);
  });
});
