/**
 * The drill's data figures against a local system whose replication lag is a fixed 60 model seconds
 * (seed 11, time scale 0.05): longer than the whole experiment before the takeover, so every figure
 * must show the cost of failing over even when a loaded machine stalls the writer for seconds, and
 * each is checked against a bound it cannot miss on any machine, in model time: a write sent less
 * than 60 s before the takeover cannot be in the new region yet.
 */
import { type DrillResult, runDrill } from "../../drill/drill";
import type { DataResult } from "../../drill/data";
import { seededRandom } from "../../local/runtime/random";
import type { LocalSystem } from "../../local/types";
import { timeScale } from "../../lib/time-scale";
import { localTarget } from "../../targets/local";
import { localConfig, waitFor } from "../local/support";

const LAG = 60;
let result: DrillResult;
let data: DataResult;
let systemConflicts: number;
let itemsLeft: string[];

beforeAll(async () => {
  // A 9 s health-check timeout (450 ms real): a loaded machine must not fail the checks before the drill does.
  const config = localConfig({ healthCheck: { timeoutSeconds: 9 }, local: { replication: { lagSeconds: { median: LAG, p99: LAG } } } });
  const target = await localTarget({ config, timeScale: timeScale(0.05), fresh: true, propagationSeconds: 3, seed: 11 });
  const system = target.started as LocalSystem;
  try {
    // One write a model second (50 ms real): each write and its read are answered before the next
    // step even on a loaded machine, so the read that straddles a move of traffic is always made.
    result = await runDrill({ target, pollSeconds: 0.5, settle: 3, random: seededRandom(11), data: { settleSeconds: 3 * LAG, ratePerSecond: 1 } });
    data = result.data!;
    systemConflicts = system.snapshot().replication.conflicts;
    // The drill's deletes replicate like any write: once they have, no store holds a drill item.
    await waitFor("replication to catch up", () => system.snapshot().replication.backlog === 0, 30_000);
    itemsLeft = (await Promise.all([...system.stores.values()].map((s) => s.items())))
      .flat()
      .map((i) => (i.item_id as { S: string }).S)
      .filter((id) => id.startsWith("drill-data-"));
  } finally {
    await target.close();
  }
}, 120_000);

describe("the drill's data side, replication lag fixed at 60 s", () => {
  it("writes through the accelerator in both regions: to the failover region and back", () => {
    expect(result.failoverRegion).toBe("eu-central-1");
    expect(data.writes).toBeGreaterThan(10);
    expect(data.writeErrors).toBe(0);
    expect(Object.keys(data.writesByRegion).sort()).toEqual(["eu-central-1", "us-west-2"]);
    // Into the failover region after the failure (the writer may stop before it writes into the origin again).
    const failure = result.statusChangedAt!.failure;
    expect(data.takeovers.find((t) => t.at >= failure)).toMatchObject({ from: "us-west-2", to: "eu-central-1" });
  });

  it("counts the writes the new region did not have when it took over: at least every one sent within the lag", () => {
    const takeover = data.takeovers.find((t) => t.at >= result.statusChangedAt!.failure)!;
    expect(data.notYetReplicatedAtFailover).toBe(takeover.notYetReplicated);
    // From the result's own writes: sent less than the lag before the takeover, so never replicated by then.
    const timeline = writesOf(result);
    const surelyMissing = timeline.filter((w) => w.region === "us-west-2" && w.sentAt > takeover.at - LAG && w.ackedAt <= takeover.at).length;
    const acknowledgedBefore = timeline.filter((w) => w.region === "us-west-2" && w.ackedAt <= takeover.at).length;
    expect(surelyMissing).toBeGreaterThan(0);
    expect(data.notYetReplicatedAtFailover).toBeGreaterThanOrEqual(surelyMissing);
    expect(data.notYetReplicatedAtFailover).toBeLessThanOrEqual(acknowledgedBefore);
  });

  it("sees stale reads through the accelerator, each in a region the write it missed had not reached", () => {
    expect(data.staleReads).toBeGreaterThanOrEqual(1);
    expect(data.staleReadDetails.every((r) => r.got < r.expected)).toBe(true);
    // With a 60 s lag a region holds only its own writes: a stale read is in the region that took over
    // (a write acknowledged in the origin) or in the origin after the recovery (one acknowledged in the
    // region that took over), never in the region that acknowledged what it missed. Which of the two
    // a run sees depends on where the accelerator sent each read while it moved traffic.
    const ackedIn = new Map(data.writeLog.map((w) => [w.seq, w.region]));
    const missed = data.staleReadDetails.map((r) => ({ read: r.region, acknowledged: ackedIn.get(r.expected) }));
    expect(missed.every((m) => m.acknowledged !== undefined && m.acknowledged !== m.read)).toBe(true);
  });

  it("finds conflicts, each resolved for the later write; the system's replicator saw at least as many", () => {
    expect(data.conflicts).toBeGreaterThanOrEqual(1);
    for (const c of data.conflictDetails) {
      expect(c.kept.seq).toBeGreaterThan(c.lost.seq);
      expect(c.kept.region).not.toBe(c.lost.region);
    }
    expect(data.conflictDetails.some((c) => c.lost.region === "us-west-2" && c.kept.region === "eu-central-1")).toBe(true);
    expect(systemConflicts).toBeGreaterThanOrEqual(data.conflicts!);
  });

  it("measures the lag from the writes' answers: the configured 60 s less at most the slowest answer's trip; p50 ≤ p99 ≤ max", () => {
    const lag = data.replicationLagSeconds!;
    expect(data.lagSamples).toBeGreaterThan(0);
    // A write is never seen elsewhere before it is due, 60 s after it was sent; the lag counts from its answer.
    const slowestTrip = Math.max(...writesOf(result).map((w) => w.ackedAt - w.sentAt));
    expect(lag.p50).toBeGreaterThanOrEqual(LAG - slowestTrip);
    expect(lag.p50).toBeLessThanOrEqual(lag.p99);
    expect(lag.p99).toBeLessThanOrEqual(lag.max);
  });

  it("ends converged, its items deleted everywhere", () => {
    expect(data.converged).toBe(true);
    expect(data.cleanedUp).toBe(true);
    expect(itemsLeft).toEqual([]);
  });

  it("is not OK: the replication check gives up after 30 s, and the lag is 60", () => {
    expect(result.replication).toMatchObject({ lagSeconds: null, error: "not readable through eu-central-1 after 30 s" });
    expect(result.ok).toBe(false);
  });
});

/** The acknowledged writes of the result's log. */
function writesOf(r: DrillResult): { region: string; sentAt: number; ackedAt: number }[] {
  return r.data!.writeLog.filter((w) => w.ackedAt !== undefined && w.region).map((w) => ({ region: w.region!, sentAt: w.sentAt, ackedAt: w.ackedAt! }));
}
