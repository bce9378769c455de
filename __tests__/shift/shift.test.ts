/** The shift's pure parts: the step plan, the path, the error-rate option, the summary. */
import { formatShiftSummary, parseErrorRate, pathOf, planSteps, type GroupState, type ShiftResult } from "../../shift/shift";
import { groupOf } from "../../shift/local-target";

describe("planSteps", () => {
  it.each([
    [100, 0, 50, [50, 0]],
    [100, 0, 20, [80, 60, 40, 20, 0]],
    [100, 0, 30, [70, 40, 10, 0]],
    [0, 100, 40, [40, 80, 100]],
    [100, 60, 100, [60]],
    [128, 0, 128, [0]],
    [50, 50, 10, []],
    [33.3, 0, 20, [13.3, 0]],
  ])("%d → %d in steps of %d: %j", (from, to, step, expected) => {
    expect(planSteps(from, to, step)).toEqual(expected);
  });

  it("never moves more than a step at a time, and ends at the target", () => {
    for (let from = 0; from <= 100; from += 7) {
      for (const to of [0, 45, 100]) {
        for (const step of [1, 13, 50, 100]) {
          const values = [from, ...planSteps(from, to, step)];
          for (let i = 1; i < values.length; i++) expect(Math.abs(values[i] - values[i - 1])).toBeLessThanOrEqual(step);
          expect(values.at(-1)).toBe(to);
        }
      }
    }
  });

  it("refuses a step that is not positive", () => {
    expect(() => planSteps(100, 0, 0)).toThrow(/step must be positive/);
  });
});

describe("pathOf", () => {
  const g = (region: string, dial: number, weight = 128): GroupState => ({ region, dial, weight, endpoints: 1, healthy: true, health: "healthy" });
  it("is the region shifted and every group that can take traffic", () => {
    expect(pathOf([g("us-west-2", 100), g("eu-central-1", 100), g("ap-south-1", 0)], "us-west-2")).toEqual(["us-west-2", "eu-central-1"]);
    expect(pathOf([g("us-west-2", 100), g("eu-central-1", 100, 0)], "us-west-2")).toEqual(["us-west-2"]);
    // Dialling a drained region back up: it is in the path although its dial is 0 now.
    expect(pathOf([g("us-west-2", 0), g("eu-central-1", 100)], "us-west-2")).toEqual(["us-west-2", "eu-central-1"]);
  });
});

describe("parseErrorRate", () => {
  it.each([
    ["1%", 0.01],
    ["0.5 %", 0.005],
    ["0.01", 0.01],
    ["0", 0],
    ["1", 1],
    ["100%", 1],
  ])("%s is %d", (text, value) => {
    expect(parseErrorRate(text)).toBeCloseTo(value, 10);
  });
  it.each(["5", "-0.1", "101%", "", "one", "1%%"])("refuses %j, naming the forms it takes", (text) => {
    expect(() => parseErrorRate(text)).toThrow(/--max-error-rate must be a fraction 0-1 \(0.01\) or a percentage 0-100 % \(1%\)/);
  });
});

describe("groupOf (local)", () => {
  const snapshot = { region: "eu-central-1", killed: false, health: "healthy", acceleratorHealth: "healthy", dial: 40, weight: 7 } as const;
  it("is healthy only when the target group and the accelerator both say so, and the region is up", () => {
    expect(groupOf(snapshot)).toEqual({ region: "eu-central-1", dial: 40, weight: 7, endpoints: 1, healthy: true, health: "target group healthy, accelerator healthy" });
    expect(groupOf({ ...snapshot, health: "unhealthy" }).healthy).toBe(false);
    expect(groupOf({ ...snapshot, acceleratorHealth: "initial" }).healthy).toBe(false);
    expect(groupOf({ ...snapshot, killed: true })).toMatchObject({ healthy: false, health: "killed: function and ALB down" });
  });
});

describe("formatShiftSummary", () => {
  const base: ShiftResult = {
    target: "local",
    region: "us-west-2",
    setting: "dial",
    from: 100,
    to: 0,
    final: 100,
    path: ["us-west-2", "eu-central-1"],
    steps: [
      { step: 0, dial: 100, weight: 128, share: { "us-west-2": 1, "eu-central-1": 0 }, answered: 120, requests: 120, errors: 0, applySeconds: 0, heldSeconds: 30 },
      { step: 1, dial: 50, weight: 128, share: { "us-west-2": 0.508, "eu-central-1": 0.492 }, answered: 118, requests: 120, errors: 2, applySeconds: 0.02, heldSeconds: 12.5, failed: "2 errors in 120 requests" },
    ],
    requests: 240,
    errors: 2,
    rolledBack: true,
    interrupted: false,
    stopped: "2 errors in 120 requests",
    ok: false,
    plan: [50, 0],
    dryRun: false,
    minDial: 0,
    stepSize: 50,
    holdSeconds: 30,
    pollSeconds: 0.25,
    maxErrorRate: 0.01,
    timeScale: 0.1,
  };
  it("shows each step's shares, requests and errors, and the outcome", () => {
    const text = formatShiftSummary(base);
    expect(text).toContain("Shift summary (local; us-west-2 dial 100 → 0, step 50, hold 30 s, max error rate 1 %, time scale 0.1)");
    expect(text).toMatch(/step +dial +weight +us-west-2 +eu-central-1 +requests +errors +applied in/);
    expect(text).toMatch(/ 0 +100 +128 +100\.0 % +0\.0 % +120 +0 +baseline/);
    expect(text).toMatch(/ 1 +50 +128 +50\.8 % +49\.2 % +120 +2 +0\.02 s/);
    expect(text).toContain("errors   2 of 240 requests");
    expect(text).toContain("result   stopped (2 errors in 120 requests); rolled back to dial 100");
  });
  it("says so when the rollback failed", () => {
    expect(formatShiftSummary({ ...base, rolledBack: false, final: 50, rollbackError: "AccessDenied" })).toContain(
      "result   ROLLBACK FAILED (AccessDenied): us-west-2 dial may still be 50, not 100",
    );
  });
  it("and when it is done", () => {
    expect(formatShiftSummary({ ...base, ok: true, rolledBack: false, stopped: undefined, final: 0 })).toContain("result   done: us-west-2 dial 0");
  });
});
