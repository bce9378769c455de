import type { DrillResult } from "../../drill/drill";
import { formatRunsSummary } from "../../drill/report";
import { combineRuns, distributionOf, drillSeed, runSeed, spreadOf } from "../../drill/runs";
import { drillResult } from "./fixtures";

const range = { min: 10, max: 35 };

/** A run's result with what the distribution reads set here (the rest: the drills' fixture). */
function run(failoverSeconds: number | null, recoverySeconds: number | null, over: Partial<DrillResult> = {}): DrillResult {
  return drillResult({
    failoverSeconds,
    recoverySeconds,
    predictedFailoverRange: range,
    predictedRecoveryRange: range,
    toleranceSeconds: 2,
    failoverInRange: true,
    recoveryInRange: true,
    requests: 50,
    errors: 0,
    timeScale: 0.1,
    ok: true,
    seed: undefined,
    ...over,
  });
}

describe("spreadOf", () => {
  it("is min / median / max of the values, in range when both ends are (± tolerance)", () => {
    expect(spreadOf([22, 30, 25], range, 2)).toEqual({ samples: 3, min: 22, median: 25, max: 30, predicted: range, toleranceSeconds: 2, inRange: true });
    expect(spreadOf([8.5, 20], range, 2).inRange).toBe(true);
    expect(spreadOf([7, 20], range, 2).inRange).toBe(false);
    expect(spreadOf([20, 37.5], range, 2).inRange).toBe(false);
  });
  it("a run without the measurement puts the spread out of range", () => {
    expect(spreadOf([20, null], range, 2)).toMatchObject({ samples: 1, min: 20, max: 20, inRange: false });
    expect(spreadOf([null], range, 2)).toMatchObject({ samples: 0, min: null, median: null, max: null, inRange: false });
  });
});

describe("distributionOf and combineRuns", () => {
  it("summarizes every run against the first run's predictions", () => {
    const d = distributionOf([run(21, 24, { errors: 1, requests: 40 }), run(29, 19, { requests: 60 })]);
    expect(d).toMatchObject({ runs: 2, errors: 1, requests: 100, failover: { min: 21, median: 25, max: 29 }, recovery: { min: 19, median: 21.5, max: 24 } });
  });
  it("keeps the first run's single-drill fields, adds every run and the distribution, and is OK only when every run is", () => {
    const results = [run(21, 24, { seed: 5 }), run(29, 19, { seed: 6 })];
    const m = combineRuns(results, 5);
    expect(m).toMatchObject({ failoverSeconds: 21, recoverySeconds: 24, seed: 5, ok: true });
    expect(m.runs).toEqual(results);
    expect(m.distribution.runs).toBe(2);
    expect(combineRuns([run(21, 24), run(29, 19, { ok: false })]).ok).toBe(false);
    expect(combineRuns([run(21, 24), run(40, 19)]).ok).toBe(false);
  });
  it("refuses no runs at all", () => {
    expect(() => distributionOf([])).toThrow(/at least one run/);
  });
  it("prints one line per run and the spreads against the predicted ranges", () => {
    const text = formatRunsSummary(combineRuns([run(21, 24, { seed: 5, phaseWaitSeconds: { failover: 1.5, recovery: 7 } }), run(29, 19, { seed: 6 })], 5));
    expect(text).toMatch(/2 runs; times in model seconds, run at time scale 0.1; --seed 5/);
    expect(text).toMatch(/1 +seed 5 +waits 1.5 s, 7 s +failover +21 s +recovery +24 s +errors 0 +OK/);
    expect(text).toMatch(/failover +min 21 s +median 25 s +max 29 s +predicted 10–35 s ✓ spread in range/);
    expect(text).toMatch(/result +OK/);
  });
});

describe("seeds", () => {
  it("run i uses the first seed plus i, wrapping at 2^32", () => {
    expect(runSeed(5, 0)).toBe(5);
    expect(runSeed(5, 3)).toBe(8);
    expect(runSeed(0xffffffff, 1)).toBe(0);
  });
  it("the drill's own draws use a seed unrelated to the system's", () => {
    expect(drillSeed(5)).not.toBe(5);
    expect(drillSeed(5)).toBe(drillSeed(5));
  });
});
