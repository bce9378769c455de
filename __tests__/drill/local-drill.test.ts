/** The whole drill against a local system it starts itself, at a fast time scale (factor 0.05). */
import { type DrillResult, runDrill } from "../../drill/drill";
import { localTarget } from "../../targets/local";
import { formatSummary } from "../../drill/report";
import { timeScale } from "../../lib/time-scale";
import { localConfig } from "../local/support";

describe("runDrill --target local", () => {
  let result: DrillResult;
  const events: string[] = [];
  beforeAll(async () => {
    const target = await localTarget({ config: localConfig(), timeScale: timeScale(0.05), fresh: true, propagationSeconds: 3 });
    try {
      result = await runDrill({ target, pollSeconds: 0.5, settle: 3, onEvent: (e) => events.push(e.event) });
    } finally {
      await target.close();
    }
  });

  it("moves traffic away from the origin and back", () => {
    expect(result.origin).toBe("us-west-2");
    expect(result.failoverRegion).toBe("eu-central-1");
    expect(events).toEqual(
      expect.arrayContaining(["STATUS=400 applied in us-west-2", "traffic moved to eu-central-1 after " + result.failoverSeconds + " s", "STATUS=200 applied in us-west-2"]),
    );
  });

  it("measures failover and recovery inside the predicted ranges", () => {
    // Predicted with the health check (10 s, 5 s, 2/2) and the 3 s propagation: 10 … 2×10+5+3 = 28 s.
    expect(result.predictedFailoverRange).toEqual({ min: 10, max: 28 });
    expect(result.predictedRecoveryRange).toEqual({ min: 10, max: 28 });
    expect(result.failoverSeconds).toBeGreaterThanOrEqual(result.predictedFailoverRange.min - result.toleranceSeconds);
    expect(result.failoverSeconds).toBeLessThanOrEqual(result.predictedFailoverRange.max + result.toleranceSeconds);
    expect(result.recoverySeconds).toBeGreaterThanOrEqual(result.predictedRecoveryRange.min - result.toleranceSeconds);
    expect(result.recoverySeconds).toBeLessThanOrEqual(result.predictedRecoveryRange.max + result.toleranceSeconds);
    expect(result.failoverInRange && result.recoveryInRange).toBe(true);
  });

  it("loses no request: a STATUS flip fails /health only", () => {
    expect(result.errors).toBe(0);
    expect(result.requests).toBe(result.timeline.length);
    expect(result.timeline.every((s) => s.status === 200)).toBe(true);
    expect(result.ok).toBe(true);
  });

  it("reports in model seconds, with the time scale and the JSON fields the issue names", () => {
    expect(result).toMatchObject({ timeScale: 0.05, pollSeconds: 0.5, propagationSeconds: 3, predictedFailoverSeconds: 28, predictedRecoverySeconds: 28 });
    // 0.5 model s between requests: timeline times are model seconds, not real ones.
    const gaps = result.timeline.slice(6, 12).map((s, i, a) => (i ? s.t - a[i - 1].t : 0.5));
    for (const g of gaps) expect(g).toBeGreaterThan(0.3);
    expect(formatSummary(result)).toMatch(/failover +[\d.]+ s +predicted 10–28 s ✓ in range/);
  });

  it("checks replication: written through one region, read through another", () => {
    expect(result.replication).toMatchObject({ writeRegion: "us-west-2", readRegion: "eu-central-1" });
    expect(result.replication?.lagSeconds).not.toBeNull();
  });

  it("measures the data side with the default lag: writes in both regions, each takeover's exposure, converged and cleaned up", () => {
    const data = result.data!;
    expect(data.writes).toBeGreaterThan(0);
    expect(data.takeovers[0]).toMatchObject({ from: "us-west-2", to: "eu-central-1" });
    expect(data.notYetReplicatedAtFailover).toBe(data.takeovers[0].notYetReplicated);
    expect(data.notYetReplicatedAtFailover).toBeLessThanOrEqual(data.writesByRegion["us-west-2"]);
    expect(data.replicationLagSeconds!.p50).toBeLessThanOrEqual(data.replicationLagSeconds!.max);
    for (const c of data.conflictDetails) expect(c.kept.seq).toBeGreaterThan(c.lost.seq);
    expect(data).toMatchObject({ converged: true, cleanedUp: true, writeErrors: 0 });
    expect(events).toContainEqual(expect.stringMatching(/^data: \d+ writes, lag p50/));
    expect(formatSummary(result)).toMatch(/replication lag +p50 [\d.]+ s, p99 [\d.]+ s, max [\d.]+ s/);
  });
});
