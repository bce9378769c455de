/**
 * The shift against a running local system (the admin API path, as with `npm run local`), at a fast
 * time scale (factor 0.05): real sockets, the real accelerator emulation, the shipped function.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../lib/project";
import { runShift, type ShiftOptions, type ShiftResult, type ShiftTarget } from "../../shift/shift";
import { localShiftTarget } from "../../shift/local-target";
import { type RunningLocal, startLocal } from "../../local/start";
import type { LocalSystem } from "../../local/system";
import { timeScale } from "../../lib/time-scale";
import { localConfig, waitFor } from "../local/support";

let local: RunningLocal;
let system: LocalSystem;
let target: ShiftTarget;

/** Every region healthy as the target group and the accelerator see it, every dial 100. */
async function healthyAndReset(): Promise<void> {
  for (const r of system.config.regions) system.setDial(r, 100);
  await waitFor("every region healthy", () => system.snapshot().regions.every((r) => !r.killed && r.health === "healthy" && r.acceleratorHealth === "healthy"), 20_000);
}

beforeAll(async () => {
  local = await startLocal({ config: localConfig(), timeScale: timeScale(0.05), port: 0, propagationSeconds: 3, logLevel: "ERROR", admin: { port: 0 } });
  ({ system } = local);
  await healthyAndReset();
  target = await localShiftTarget({ config: system.config, adminUrl: local.admin.url });
});
afterAll(async () => {
  await target?.close();
  await local?.close();
});
afterEach(async () => {
  for (const r of system.snapshot().regions) {
    if (r.killed) await system.restore(r.region);
    // Only when changed: a new STATUS is a cold start of the function.
    if (r.status !== "200") await system.setStatus(r.region, "200");
  }
  await healthyAndReset();
});

const shift = (extra: Partial<ShiftOptions> = {}) =>
  runShift({ target, region: "us-west-2", value: 0, step: 50, holdSeconds: 12, pollSeconds: 0.1, ...extra });
const dialOf = (region: string) => system.snapshot().regions.find((r) => r.region === region)!.dial;
/** Calls `act` once, when the shift reports `event` (e.g. a dial applied). */
const on = (event: RegExp, act: () => unknown) => {
  let done = false;
  return (e: { event: string }) => {
    if (!done && event.test(e.event)) {
      done = true;
      void act();
    }
  };
};

describe("runShift --target local", () => {
  let drain: ShiftResult;
  beforeAll(async () => {
    drain = await shift({ holdSeconds: 20, minAnswers: 60 });
  });

  it("drains us-west-2 in steps of 50 through the admin API, ending at dial 0", () => {
    expect(drain.steps.map((s) => s.dial)).toEqual([100, 50, 0]);
    expect(drain).toMatchObject({ target: "local", from: 100, to: 0, final: 0, ok: true, rolledBack: false, path: ["us-west-2", "eu-central-1"] });
    expect(dialOf("us-west-2")).toBe(0);
  });

  it("at dial 100 every answer is us-west-2's (the client is there); at dial 50 about half; at dial 0 none", () => {
    const [baseline, half, none] = drain.steps;
    expect(baseline.share).toEqual({ "us-west-2": 1, "eu-central-1": 0 });
    // Each connection is kept by the group with probability 0.5 (a hash of its 5-tuple): the share of
    // n answers lies within 4 standard deviations of 0.5 but for a 1-in-15,000 chance.
    expect(half.answered).toBeGreaterThanOrEqual(60);
    const sigma = Math.sqrt(0.25 / half.answered);
    expect(Math.abs(half.share["us-west-2"] - 0.5)).toBeLessThanOrEqual(4 * sigma);
    expect(half.share["us-west-2"] + half.share["eu-central-1"]).toBeCloseTo(1, 2);
    expect(none.share).toEqual({ "us-west-2": 0, "eu-central-1": 1 });
  });

  it("loses no request while the dial moves", () => {
    expect(drain.errors).toBe(0);
    expect(drain.requests).toBe(drain.steps.reduce((n, s) => n + s.requests, 0));
    for (const s of drain.steps) expect(s.requests).toBeGreaterThanOrEqual(s.answered);
  });
});

describe("runShift --target local: gates", () => {
  it("rolls back when a region in the path turns unhealthy mid-shift", async () => {
    // eu-central-1 takes the traffic us-west-2 gives up; its health check fails from the dial-50 step on
    // (unhealthy after 2 failed checks 10 s apart: within the 30 s hold, else during the next step).
    const result = await shift({ holdSeconds: 30, onEvent: on(/^dial 50 applied/, () => system.setStatus("eu-central-1", "400")) });
    expect(result.rolledBack).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.stopped).toMatch(/^eu-central-1 turned unhealthy \(target group unhealthy, accelerator (healthy|unhealthy)\)$/);
    expect(result.steps.length).toBeGreaterThanOrEqual(2);
    expect(result.steps.slice(1).map((s) => s.failed ?? "passed")).toEqual([...Array(result.steps.length - 2).fill("passed"), result.stopped]);
    expect(result.final).toBe(100);
    expect(dialOf("us-west-2")).toBe(100);
    // STATUS=400 fails /health only: the gate was health, not errors.
    expect(result.errors).toBe(0);

    // With eu-central-1 still unhealthy, a new shift refuses to start and changes nothing.
    await expect(shift()).rejects.toThrow(/not shifting: eu-central-1 is not healthy \(target group unhealthy/);
    expect(dialOf("us-west-2")).toBe(100);
  });

  it("rolls back when a region in the path goes down (its connections reset, the admin API says killed)", async () => {
    const result = await shift({ onEvent: on(/^dial 50 applied/, () => system.kill("eu-central-1")) });
    expect(result.rolledBack).toBe(true);
    // Whichever gate sees it first: the reset connections, or the health read.
    expect(result.stopped).toMatch(/^\d+ errors in \d+ requests: over the max error rate 1 %|^eu-central-1 turned unhealthy \(killed/);
    expect(result.steps.map((s) => s.dial)).toEqual([100, 50]);
    expect(dialOf("us-west-2")).toBe(100);
  });

  it("stops before any change when the baseline already has errors", async () => {
    const result = await shift({ path: "/get/no-such-item" });
    // A hold makes 12 / 0.1 = 120 requests: 1 % of them is 1.2 errors, so the second error trips the gate.
    expect(result.stopped).toMatch(/^baseline, before any change: 2 errors in 2 requests: over the max error rate 1 % \(last: 404\)$/);
    expect(result).toMatchObject({ rolledBack: false, final: 100, ok: false });
    expect(result.steps).toHaveLength(1);
    expect(dialOf("us-west-2")).toBe(100);
  });

  it("rolls back when interrupted (Ctrl-C)", async () => {
    const controller = new AbortController();
    const result = await shift({ signal: controller.signal, onEvent: on(/^dial 50 applied/, () => controller.abort(new Error("interrupted"))) });
    expect(result).toMatchObject({ interrupted: true, rolledBack: true, stopped: "interrupted", final: 100, ok: false });
    expect(result.steps[1]).toMatchObject({ dial: 50, failed: "interrupted" });
    expect(dialOf("us-west-2")).toBe(100);
  });

  it("stops without rolling back when someone else changes the dial", async () => {
    const result = await shift({ onEvent: on(/^dial 50 applied/, () => system.setDial("us-west-2", 80)) });
    expect(result.stopped).toMatch(/us-west-2's dial is 80, not 50: changed outside the shift/);
    expect(result.rolledBack).toBe(false);
    expect(dialOf("us-west-2")).toBe(80);
  });

  it("refuses a region the system does not have, and nothing to do is done", async () => {
    await expect(shift({ region: "ap-south-1" })).rejects.toThrow(/--region must be one of us-west-2, eu-central-1, got "ap-south-1"/);
    const same = await shift({ value: 100 });
    expect(same).toMatchObject({ ok: true, steps: [], requests: 0, final: 100 });
  });
});

describe("runShift --target local --weight", () => {
  it("takes a region out with its endpoint weight: at weight 0 the group gets nothing", async () => {
    // A 2 s hold at 0.1 s per request is 20 requests: the hold lasts until 20 are answered, however slow.
    const result = await shift({ setting: "weight", value: 0, step: 128, holdSeconds: 2 });
    expect(result.steps.map((s) => [s.weight, s.dial])).toEqual([[128, 100], [0, 100]]);
    for (const s of result.steps) {
      expect(s.answered).toBeGreaterThanOrEqual(20);
      expect(s.heldSeconds).toBeGreaterThanOrEqual(2);
    }
    expect(result.steps[1].share).toEqual({ "us-west-2": 0, "eu-central-1": 1 });
    expect(result.ok).toBe(true);
    expect(system.snapshot().regions[0].weight).toBe(0);
    system.setWeight("us-west-2", 128);
  });
});

describe("npm run shift (the CLI) against a running local system", () => {
  it("prints one JSON object with the steps, their shares and errors; progress on stderr", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["-r", "./scripts/ts-register.cjs", "shift/main.ts", "--target", "local", "--admin", local.admin.url, "--region", "us-west-2", "--dial", "0", "--step", "50", "--hold", "8", "--poll", "0.1", "--json"],
      { cwd: PROJECT_ROOT, env: { ...process.env, GLOBALAPP_CONFIG: "" } },
    );
    const result = JSON.parse(stdout) as ShiftResult;
    expect(result).toMatchObject({ target: "local", region: "us-west-2", from: 100, to: 0, errors: 0, rolledBack: false, ok: true, timeScale: 0.05 });
    expect(result.steps.map((s) => s.dial)).toEqual([100, 50, 0]);
    expect(result.steps[2].answered).toBeGreaterThanOrEqual(20);
    expect(result.steps[2].share["us-west-2"]).toBe(0);
    expect(stderr).toMatch(/using the local system running at/);
    expect(stderr).toMatch(/step 2\/2: us-west-2 dial 50 → 0/);
    expect(dialOf("us-west-2")).toBe(0);
  });

  it("rolls back on Ctrl-C (SIGINT) and exits 130, still printing the JSON", async () => {
    const child = spawn(
      process.execPath,
      ["-r", "./scripts/ts-register.cjs", "shift/main.ts", "--target", "local", "--admin", local.admin.url, "--region", "us-west-2", "--dial", "0", "--step", "50", "--hold", "20", "--json"],
      { cwd: PROJECT_ROOT, env: { ...process.env, GLOBALAPP_CONFIG: "" } },
    );
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      // Once: a second Ctrl-C quits at once, without rolling back.
      if (!sent && /dial 50 applied/.test(stderr) && dialOf("us-west-2") === 50) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: rolling back the dial/);
    expect(JSON.parse(stdout)).toMatchObject({ interrupted: true, rolledBack: true, final: 100 });
    expect(dialOf("us-west-2")).toBe(100);
  });
});
