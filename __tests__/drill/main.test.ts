/**
 * `npm run drill` as a user runs it: the exact script from package.json, in a child process, with
 * `--runs 2 --seed` against fresh local systems at a fast time scale; and its usage errors.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MultiDrillResult } from "../../drill/runs";
import { drillSeed, runSeed } from "../../drill/runs";
import { seededRandom } from "../../local/runtime/random";

const ROOT = join(__dirname, "..", "..");
const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.drill;
const [command, ...scriptArgs] = script.split(" ");
const executable = command === "node" ? process.execPath : command;
const childEnv = { ...process.env, GLOBALAPP_CONFIG: "" };
const drill = (args: string[]) => spawnSync(executable, [...scriptArgs, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: childEnv });

/** The same, without blocking: several short runs at once. */
function drillAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(executable, [...scriptArgs, ...args], { cwd: ROOT, env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("npm run drill -- --target local --runs 2 --seed 5 --json --report FILE", () => {
  let result: ReturnType<typeof drill>;
  let json: MultiDrillResult;
  const report = join(mkdtempSync(join(tmpdir(), "globalapp-drill-report-")), "drill.html");
  beforeAll(() => {
    // --fresh: never look for a running system on the default admin port.
    result = drill(["--target", "local", "--fresh", "--runs", "2", "--seed", "5", "--time-scale", "0.03", "--no-replication", "--json", "--report", report]);
    json = JSON.parse(result.stdout) as MultiDrillResult;
  });

  it("prints one JSON object on stdout, progress on stderr, and exits 0 when the spread is in range", () => {
    expect(result.stderr).toMatch(/Run 1 of 2: drill against local/);
    expect(result.stderr).toMatch(/Run 2 of 2: drill against local/);
    expect(json.ok).toBe(true);
    expect(result.status).toBe(0);
  });

  it("keeps the single-run fields (the first run's), and adds every run and the distribution", () => {
    expect(json.runs).toHaveLength(2);
    expect(json.failoverSeconds).toBe(json.runs[0].failoverSeconds);
    expect(json.predictedFailoverRange).toEqual(json.runs[0].predictedFailoverRange);
    const failovers = json.runs.map((r) => r.failoverSeconds as number);
    expect(json.distribution).toMatchObject({ runs: 2, failover: { min: Math.min(...failovers), max: Math.max(...failovers), inRange: true }, recovery: { inRange: true } });
    for (const r of json.runs) {
      expect(r.failoverSeconds).toBeGreaterThanOrEqual(r.predictedFailoverRange.min - r.toleranceSeconds);
      expect(r.failoverSeconds).toBeLessThanOrEqual(r.predictedFailoverRange.max + r.toleranceSeconds);
    }
  });

  it("names the seeds; each run's phases and waits follow from its seed", () => {
    expect(json.seed).toBe(5);
    expect(json.runs.map((r) => r.seed)).toEqual([runSeed(5, 0), runSeed(5, 1)]);
    json.runs.forEach((r, i) => {
      const system = seededRandom(r.seed as number);
      const interval = 10;
      expect(r.healthCheckPhaseSeconds).toEqual({ "us-west-2": round(system() * interval), "eu-central-1": round(system() * interval) });
      const own = seededRandom(drillSeed(runSeed(5, i)));
      expect(r.phaseWaitSeconds).toEqual({ failover: round(own() * interval), recovery: round(own() * interval) });
    });
  });

  it("writes the report: both runs one above the other, a mark per probe, the result as data", () => {
    expect(result.stderr).toContain(`report: ${report} (`);
    const html = readFileSync(report, "utf8");
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(2);
    expect(html.match(/class="probe[ "]/g)).toHaveLength(json.runs[0].timeline.length + json.runs[1].timeline.length);
    expect(html).toContain("run 2 of 2 (seed 6)");
    // Each run saw its origin turn unhealthy and the accelerator act on it: the phases are drawn.
    expect(html.match(/<g class="phase detection"/g)).toHaveLength(4);
    expect(JSON.parse(/id="drill-result">(.*)<\/script>/s.exec(html)![1])).toEqual(json);
  });
});

const round = (n: number) => Math.round(n * 100) / 100;

describe("npm run drill usage errors (exit 2)", () => {
  const cases: [string[], RegExp][] = [
    [["--target", "local", "--runs", "0"], /--runs must be a positive integer/],
    [["--target", "local", "--runs", "1.5"], /--runs must be a positive integer/],
    [["--target", "local", "--seed", "abc"], /--seed must be a whole number/],
    [["--target", "aws", "--seed", "1"], /--seed applies to --target local only/],
    [["--target", "local", "--report", "/nonexistent-dir/drill.html"], /--report \/nonexistent-dir\/drill.html: directory \/nonexistent-dir does not exist/],
    [["--target", "local", "--report", "/tmp"], /--report \/tmp: \/tmp is a directory/],
    [["--target", "local", "--load", "0"], /--load must be a positive number, got "0"/],
    [["--target", "local", "--load", "2000", "--time-scale", "0.1"], /--load 2000: at most 1000 requests per second/],
    [["--target", "local", "--load", "5", "--routing", "route53"], /--load runs through the accelerator: not with --routing route53 or --compare/],
    [["--target", "local", "--concurrency", "2.5"], /--concurrency must be a positive integer, got "2.5"/],
    [["--target", "aws", "--concurrency", "4"], /--concurrency applies to --target local only/],
    [["--target", "local", "--path", "notes"], /--path must be an absolute URL path such as "\/" or "\/get\/foobar", got "notes"/],
  ];
  let results: Awaited<ReturnType<typeof drillAsync>>[];
  let help: Awaited<ReturnType<typeof drillAsync>>;
  beforeAll(async () => {
    [help, ...results] = await Promise.all([drillAsync(["--help"]), ...cases.map(([args]) => drillAsync(args))]);
  });

  it.each(cases.map(([args, message], i) => [args.join(" "), message, i] as const))("%s", (_args, message, i) => {
    expect(results[i].status).toBe(2);
    expect(results[i].stderr).toMatch(message);
  });

  it("--help describes --runs, --seed, --report, --load and --concurrency", () => {
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--load RPS/);
    expect(help.stdout).toMatch(/--concurrency N/);
    expect(help.stdout).toMatch(/--runs N/);
    expect(help.stdout).toMatch(/--seed S/);
    expect(help.stdout).toMatch(/--report FILE/);
  });
});

describe("npm run drill --report FILE that cannot be written", () => {
  // /proc passes a root's write-permission check but refuses the file: the drill finds out only at
  // the end. As another user the check refuses it up front. Either way no result is lost.
  it("still prints the drill's JSON and says why the report is missing (exit 1), or refuses before changing anything (exit 2)", async () => {
    const run = await drillAsync(["--target", "local", "--fresh", "--time-scale", "0.03", "--seed", "3", "--no-replication", "--json", "--report", "/proc/globalapp-drill.html"]);
    if (run.status === 2) {
      expect(run.stderr).toMatch(/--report \/proc\/globalapp-drill.html: cannot write into \/proc/);
      expect(run.stdout).toBe("");
      return;
    }
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { ok: boolean; failoverSeconds: number };
    expect(json.ok).toBe(true);
    expect(json.failoverSeconds).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/drill: --report \/proc\/globalapp-drill.html: cannot write it \(E[A-Z]+\)/);
  }, 120_000);
});
