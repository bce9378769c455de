import { HealthChecker, parseMatcher, TargetHealth } from "../../../local/region/health-checker";
import { timeScale } from "../../../lib/time-scale";
import { waitFor } from "../support";

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
    const started = Date.now();
    checker.start();
    // Two successes: the check at registration and one interval later (a timer never fires early).
    await waitFor("healthy", () => transitions.length === 1);
    expect(transitions).toEqual(["initial->healthy after 2 checks"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    status = 500;
    const before = checks.length;
    await waitFor("unhealthy", () => transitions.length === 2);
    checker.stop();
    // Unhealthy at exactly the second failing check after the change.
    expect(transitions[1]).toBe(`healthy->unhealthy after ${before + 2} checks`);
    expect(checks.slice(before)).toEqual([500, 500]);
  });

  it("starts its cycle after the phase: the first check comes phaseSeconds after start", async () => {
    let checks = 0;
    const checker = new HealthChecker({ settings, timeScale: timeScale(0.01), phaseSeconds: 5, probe: async () => ((checks += 1), 200) });
    const started = Date.now();
    checker.start();
    expect(checker.phaseSeconds).toBe(5);
    await waitFor("the first check", () => checks === 1);
    checker.stop();
    // 5 model seconds at 0.01 are 50 ms: no check before them.
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it.each([[-1], [10], [Number.NaN]])("rejects a phase of %p (it must be in [0, interval))", (phaseSeconds) => {
    expect(() => new HealthChecker({ settings, timeScale: scale, phaseSeconds, probe: async () => 200 })).toThrow(/health check phase must be in \[0, 10\)/);
  });
});
