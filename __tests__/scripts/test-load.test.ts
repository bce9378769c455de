/**
 * `npm run test:load`'s parts on real processes: the CPU-bound burners start, are stopped, and stop
 * on their own when the process that started them is gone (even after a kill -9); jest's summary
 * and failed tests are read from its output; bad usage exits 2 before anything starts. (A whole run
 * is `npm test` three times over: docs/testing.md gives its latest result.)
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/project";
import { jestOutcome, startBurners, stopBurners } from "../../scripts/test-load";

/** Whether `pid` still runs: a zombie (exited, not yet reaped by a parent that never reaps) does not. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1][0] !== "Z";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
};

/** Polls `check` until it holds; generous, since a loaded machine schedules the burners late. */
async function eventually(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("npm run test:load", () => {
  it("starts the burners it is asked for and stops every one", async () => {
    const burners = startBurners(2);
    expect(burners).toHaveLength(2);
    const pids = burners.map((b) => b.pid!);
    expect(pids.every(alive)).toBe(true);
    await stopBurners(burners);
    expect(burners.map((b) => b.signalCode)).toEqual(["SIGKILL", "SIGKILL"]);
    // Nothing of theirs is left open here: their stdin pipes are closed.
    expect(burners.map((b) => b.stdin?.destroyed)).toEqual([true, true]);
    expect(pids.filter(alive)).toEqual([]);
  });

  it("a burner stops on its own once the process that started it is gone, even after a kill -9", async () => {
    // A parent that starts one burner, prints its pid and waits; then it is killed outright.
    const code = `const { startBurners } = require(${JSON.stringify(join(PROJECT_ROOT, "scripts/test-load.ts"))}); const [b] = startBurners(1); console.log(b.pid); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", "-e", code], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    await eventually("the orphaned burner to exit", () => !alive(pid));
  });

  it("reads jest's summary and the failed tests from its output", () => {
    const output = [
      "PASS __tests__/a.test.ts",
      "FAIL __tests__/b.test.ts",
      "  ● the local system › a killed region's error window is bounded",
      "",
      "  ● Console",
      "  ● the local system › a killed region's error window is bounded",
      "Test Suites: 1 failed, 1 passed, 2 total",
      "Tests:       1 failed,  9 passed, 10 total",
      "Time:        12.3 s",
    ].join("\n");
    expect(jestOutcome(output)).toEqual({
      summary: ["Test Suites: 1 failed, 1 passed, 2 total", "Tests: 1 failed, 9 passed, 10 total", "Time: 12.3 s"],
      failed: ["the local system › a killed region's error window is bounded"],
    });
    expect(jestOutcome("")).toEqual({ summary: [], failed: [] });
  });

  it.each([
    [["--runs", "0"], /--runs/],
    [["--burners", "lots"], /--burners/],
    [["--timeout-minutes=-1"], /--timeout-minutes/],
    [["--timeout-minutes", "-1"], /--timeout-minutes needs a value/],
    [["--rns", "2"], /unknown option --rns — did you mean --runs\?/],
  ])("refuses %j with exit 2 and one line naming it, before anything starts", (args, reason) => {
    const r = spawnSync(process.execPath, ["-r", "./scripts/ts-register.cjs", "scripts/test-load.ts", ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toMatch(/^test:load: /);
  });
});
