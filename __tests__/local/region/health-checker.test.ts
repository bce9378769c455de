import { HealthChecker, parseMatcher, TargetHealth } from "../../../local/region/health-checker";
import { timeScale } from "../../../lib/time-scale";

const ok = { ok: true, detail: "200" };
const fail = { ok: false, detail: "status 400" };

describe("parseMatcher", () => {
  it.each([
    ["200", 200, true],
    ["200", 204, false],
    ["200,204", 204, true],
    ["200-299", 250, true],
    ["200-299", 300, false],
    ["200,300-302", 301, true],
  ])("%s matches %d: %p", (m, status, expected) => {
    expect(parseMatcher(m)(status)).toBe(expected);
  });
  it("rejects a bad matcher", () => {
    expect(() => parseMatcher("abc")).toThrow(/matcher "abc"/);
    expect(() => parseMatcher("299-200")).toThrow(/matcher/);
  });
});

describe("TargetHealth (the target group's state machine)", () => {
  const thresholds = { healthyThreshold: 3, unhealthyThreshold: 2 };
  it("starts initial and becomes healthy after healthyThreshold successes in a row", () => {
    const h = new TargetHealth(thresholds);
    expect(h.state).toBe("initial");
    expect(h.record(ok)).toBeUndefined();
    expect(h.record(ok)).toBeUndefined();
    expect(h.record(ok)).toEqual({ from: "initial", to: "healthy", reason: "200 (3 successes)" });
  });
  it("goes from initial to unhealthy after unhealthyThreshold failures", () => {
    const h = new TargetHealth(thresholds);
    h.record(fail);
    expect(h.record(fail)).toEqual({ from: "initial", to: "unhealthy", reason: "status 400 (2 failures)" });
  });
  it("needs the failures in a row: a success in between resets the count", () => {
    const h = new TargetHealth(thresholds);
    [ok, ok, ok].forEach((r) => h.record(r));
    h.record(fail);
    h.record(ok);
    expect(h.record(fail)).toBeUndefined();
    expect(h.state).toBe("healthy");
    expect(h.record(fail)?.to).toBe("unhealthy");
  });
  it("recovers after healthyThreshold successes, not fewer", () => {
    const h = new TargetHealth(thresholds);
    h.record(fail);
    h.record(fail);
    h.record(ok);
    h.record(ok);
    expect(h.state).toBe("unhealthy");
    expect(h.record(ok)).toEqual({ from: "unhealthy", to: "healthy", reason: "200 (3 successes)" });
  });
  it("reports no transition while the state holds", () => {
    const h = new TargetHealth(thresholds);
    [ok, ok, ok].forEach((r) => h.record(r));
    expect(h.record(ok)).toBeUndefined();
  });
});

describe("HealthChecker", () => {
  const settings = { path: "/health", intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2, matcher: "200" };
  const scale = timeScale(0.002); // interval 20 ms, timeout 10 ms

  it("a status outside the matcher, an error and a timeout are failures", async () => {
    const statuses = [Promise.resolve(400), Promise.reject(new Error("target unavailable")), new Promise<number>(() => undefined)];
    const checker = new HealthChecker({ settings, timeScale: scale, probe: () => statuses.shift()! });
    expect(await checker.checkOnce()).toEqual({ ok: false, detail: "status 400" });
    expect(await checker.checkOnce()).toEqual({ ok: false, detail: "target unavailable" });
    expect(await checker.checkOnce()).toEqual({ ok: false, detail: "timeout" });
    expect(checker.state).toBe("unhealthy");
  });

  describe("on jest's fake timers (the schedule is a matter of order and counts, not of how fast the machine is)", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it("checks on the interval's cadence and reports transitions after the thresholds' checks in a row", async () => {
      const transitions: string[] = [];
      const checks: number[] = [];
      let status = 200;
      const checker = new HealthChecker({
        settings,
        timeScale: timeScale(0.01), // interval 100 ms
        probe: async () => (checks.push(status), status),
        onTransition: (t) => transitions.push(`${t.from}->${t.to} after ${checks.length} checks`),
      });
      checker.start();
      // The check at registration, none before the interval is over, then the second success.
      await jest.advanceTimersByTimeAsync(0);
      expect(checks).toEqual([200]);
      await jest.advanceTimersByTimeAsync(95);
      expect(checks).toEqual([200]);
      expect(transitions).toEqual([]);
      await jest.advanceTimersByTimeAsync(10);
      expect(transitions).toEqual(["initial->healthy after 2 checks"]);
      status = 500;
      // Unhealthy at exactly the second failing check after the change, one interval apart.
      await jest.advanceTimersByTimeAsync(100);
      expect(checks).toEqual([200, 200, 500]);
      expect(transitions).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(100);
      checker.stop();
      expect(checks).toEqual([200, 200, 500, 500]);
      expect(transitions).toEqual(["initial->healthy after 2 checks", "healthy->unhealthy after 4 checks"]);
      // Stopped: no more checks.
      await jest.advanceTimersByTimeAsync(1000);
      expect(checks).toHaveLength(4);
    });

    it("starts its cycle after the phase: the first check comes phaseSeconds after start", async () => {
      let checks = 0;
      const checker = new HealthChecker({ settings, timeScale: timeScale(0.01), phaseSeconds: 5, probe: async () => ((checks += 1), 200) });
      checker.start();
      expect(checker.phaseSeconds).toBe(5);
      // 5 model seconds at 0.01 are 50 ms: no check before them, one right after, the next an interval later.
      await jest.advanceTimersByTimeAsync(45);
      expect(checks).toBe(0);
      await jest.advanceTimersByTimeAsync(10);
      expect(checks).toBe(1);
      await jest.advanceTimersByTimeAsync(90);
      expect(checks).toBe(1);
      await jest.advanceTimersByTimeAsync(10);
      checker.stop();
      expect(checks).toBe(2);
    });

    it("keeps a fixed cadence: a slow check does not push the next one back", async () => {
      const started: number[] = [];
      const checker = new HealthChecker({
        settings,
        timeScale: timeScale(0.01), // interval 100 ms, timeout 50 ms
        probe: () => {
          started.push(Date.now());
          return new Promise((resolve) => setTimeout(() => resolve(200), 40));
        },
      });
      const t0 = Date.now();
      checker.start();
      await jest.advanceTimersByTimeAsync(350);
      checker.stop();
      expect(started.map((t) => t - t0)).toEqual([0, 100, 200, 300]);
    });
  });

  it.each([[-1], [10], [Number.NaN]])("rejects a phase of %p (it must be in [0, interval))", (phaseSeconds) => {
    expect(() => new HealthChecker({ settings, timeScale: scale, phaseSeconds, probe: async () => 200 })).toThrow(/health check phase must be in \[0, 10\)/);
  });
});
