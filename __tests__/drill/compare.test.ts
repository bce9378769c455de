/**
 * `npm run drill -- --target local --compare`: both routings drilled on one system the drill starts
 * (routing both, the placeholder domain), as a user runs it, at a fast time scale with a short pin;
 * the comparison's summary over several runs; the usage errors of the routing options.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { combineCompare, type CompareResult, formatCompareSummary } from "../../drill/compare";
import type { DrillResult } from "../../drill/drill";
import { drillSeed, type MultiDrillResult, runSeed } from "../../drill/runs";
import { seededRandom } from "../../local/runtime/random";

const ROOT = join(__dirname, "..", "..");
const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.drill;
const [command, ...scriptArgs] = script.split(" ");
const executable = command === "node" ? process.execPath : command;

function drill(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(executable, [...scriptArgs, ...args], { cwd: ROOT, env: { ...process.env, GLOBALAPP_CONFIG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const FIELDS = ["failoverSeconds", "recoverySeconds", "predictedFailoverRange", "predictedRecoveryRange", "toleranceSeconds", "requests", "errors"] as const;

describe("npm run drill -- --target local --compare --json --time-scale 0.05 --client pin:5 --report FILE", () => {
  let run: Awaited<ReturnType<typeof drill>>;
  let json: CompareResult;
  const report = join(mkdtempSync(join(tmpdir(), "globalapp-compare-report-")), "compare.html");
  beforeAll(async () => {
    run = await drill(["--target", "local", "--fresh", "--compare", "--time-scale", "0.05", "--client", "pin:5", "--seed", "7", "--no-replication", "--json", "--report", report]);
    json = JSON.parse(run.stdout) as CompareResult;
  }, 120_000);

  it("starts its own system with routing both and the placeholder domain, and says so", () => {
    expect(run.stderr).toMatch(/starting the drill's system with routing both and the placeholder domain api\.example\.com/);
    expect(run.stderr).toMatch(/1 of 2: drill against local through accelerator/);
    expect(run.stderr).toMatch(/2 of 2: drill against local through Route 53 latency records latency\.api\.example\.com/);
  });

  it("prints one object with an accelerator and a route53 object, each with the drill's fields, and exits 0", () => {
    expect(Object.keys(json).sort()).toEqual(["accelerator", "client", "compare", "ok", "route53", "seed", "target"]);
    expect(json).toMatchObject({ target: "local", compare: true, client: "pin:5", seed: 7, ok: true });
    for (const r of [json.accelerator, json.route53]) for (const f of FIELDS) expect(r).toHaveProperty(f);
    expect(json.accelerator.routing).toBe("accelerator");
    expect(json.route53).toMatchObject({ routing: "route53", client: "pin:5", dns: { name: "latency.api.example.com", cacheSeconds: 5, ttlSeconds: 60 } });
    expect(run.status).toBe(0);
  });

  it("measures both inside their predicted ranges, with no errors", () => {
    for (const r of [json.accelerator, json.route53] as DrillResult[]) {
      expect(r.errors).toBe(0);
      for (const [value, range] of [[r.failoverSeconds, r.predictedFailoverRange], [r.recoverySeconds, r.predictedRecoveryRange]] as const) {
        expect(value).toBeGreaterThanOrEqual(range.min - r.toleranceSeconds);
        expect(value).toBeLessThanOrEqual(range.max + r.toleranceSeconds);
      }
      expect(r.failoverInRange && r.recoveryInRange && r.ok).toBe(true);
    }
    // The accelerator's range: 10 s × 2 + 5 s + 10 s local propagation; Route 53's: the same detection, + 10 s of its propagation, + the 5 s pin.
    expect(json.accelerator.predictedFailoverRange).toEqual({ min: 10, max: 35 });
    expect(json.route53.predictedFailoverRange).toEqual({ min: 10, max: 40 });
  });

  it("polls the latency name through DNS: every route53 sample names its address and answer age", () => {
    const samples = json.route53.timeline;
    expect(samples.every((s) => /^127\.0\.0\.[23]$/.test(s.address ?? "") && typeof s.answerAgeSeconds === "number")).toBe(true);
    expect(samples.filter((s) => s.region === "eu-central-1").every((s) => s.address === "127.0.0.3")).toBe(true);
    // A pinned answer is asked again once it is as old as the pin: no poll uses an older one.
    expect(Math.max(...samples.map((s) => s.answerAgeSeconds!))).toBeLessThan(5);
    expect(json.accelerator.timeline.every((s) => s.address === undefined)).toBe(true);
  });

  it("writes the report: both routings one above the other, each with its own phases", () => {
    expect(run.stderr).toContain(`report: ${report} (`);
    const html = readFileSync(report, "utf8");
    expect(html).toMatch(/<h2>Global Accelerator <span class="verdict ok">OK<\/span><\/h2>/);
    expect(html).toMatch(/<h2>Route 53 <span class="verdict ok">OK<\/span><\/h2>/);
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(2);
    expect(html.match(/class="probe[ "]/g)).toHaveLength(json.accelerator.timeline.length + json.route53.timeline.length);
    // Route 53's answers are seen changing: its propagation is drawn from them, as the accelerator's is from the accelerator.
    expect(json.route53.health?.some((h) => h.at === "dns" && h.region === json.route53.origin && h.health === "unhealthy")).toBe(true);
    expect(html.match(/<g class="phase detection"/g)).toHaveLength(4);
    expect(html.match(/<g class="phase propagation"/g)).toHaveLength(4);
    expect(html).toContain("Route 53's answers followed");
    expect(html).toContain("client pin:5");
  });

  it("prints the side-by-side table without --json", () => {
    const text = formatCompareSummary(json);
    expect(text).toMatch(/Global Accelerator +Route 53 latency records \(pin:5\)/);
    expect(text).toMatch(/failover +[\d.]+ s ✓ +[\d.]+ s ✓/);
    expect(text).toMatch(/predicted +10–35 s +10–40 s/);
    expect(text).toMatch(/result +OK/);
  });
});

describe("npm run drill -- --target local --routing route53 --runs 2 --seed 11 --client pin:3", () => {
  let json: MultiDrillResult;
  let status: number | null;
  beforeAll(async () => {
    const r = await drill(["--target", "local", "--fresh", "--routing", "route53", "--runs", "2", "--seed", "11", "--time-scale", "0.05", "--client", "pin:3", "--no-replication", "--json"]);
    status = r.status;
    json = JSON.parse(r.stdout) as MultiDrillResult;
  }, 120_000);

  it("runs each drill through DNS on a fresh system and reports the spread in range", () => {
    expect(json.routing).toBe("route53");
    expect(json.runs.map((r) => r.routing)).toEqual(["route53", "route53"]);
    expect(json.distribution).toMatchObject({ runs: 2, errors: 0, failover: { inRange: true }, recovery: { inRange: true } });
    expect(status).toBe(0);
  });

  it("draws each run's waits from its seed: a fraction of the check interval plus a fraction of the client's cache", () => {
    json.runs.forEach((r, i) => {
      expect(r.seed).toBe(runSeed(11, i));
      const own = seededRandom(drillSeed(runSeed(11, i), "route53"));
      const [failover, recovery] = [own() * 10, own() * 10];
      expect(r.phaseWaitSeconds).toEqual({ failover: round(failover + own() * 3), recovery: round(recovery + own() * 3) });
    });
  });
});

const round = (n: number) => Math.round(n * 100) / 100;

describe("combineCompare over several runs", () => {
  const result = (routing: "accelerator" | "route53", failoverSeconds: number, ok = true): DrillResult =>
    ({
      target: "local",
      routing,
      url: "u",
      path: "/get/foobar",
      origin: "us-west-2",
      failoverRegion: "eu-central-1",
      failoverSeconds,
      recoverySeconds: 20,
      predictedFailoverSeconds: 95,
      predictedRecoverySeconds: 95,
      predictedFailoverRange: { min: 10, max: 95 },
      predictedRecoveryRange: { min: 10, max: 95 },
      toleranceSeconds: 2,
      failoverInRange: true,
      recoveryInRange: true,
      requests: 10,
      errors: 0,
      timeScale: 0.1,
      pollSeconds: 1,
      propagationSeconds: 10,
      ok,
      events: [],
      timeline: [],
      ...(routing === "route53" ? { client: "honour-ttl" } : {}),
    }) as DrillResult;

  it("keeps each routing's runs and distribution, and is OK only when both are", () => {
    const c = combineCompare([result("accelerator", 20), result("accelerator", 30)], [result("route53", 40), result("route53", 80, false)], 3);
    expect(c.accelerator.runs).toHaveLength(2);
    expect(c.route53.distribution).toMatchObject({ runs: 2, failover: { min: 40, max: 80, median: 60 } });
    expect(c).toMatchObject({ ok: false, seed: 3, client: "honour-ttl" });
    expect(formatCompareSummary(c)).toMatch(/failover +20–30 s \(median 25 s\) ✓ +40–80 s \(median 60 s\) ✓/);
    expect(formatCompareSummary(c)).toMatch(/2 runs of each routing/);
  });
});

describe("npm run drill -- --help", () => {
  it("names the routing options, and is docs/failover.md's copy", async () => {
    const r = await drill(["--help"]);
    expect(r.status).toBe(0);
    for (const option of ["--routing R", "--compare", "--client C", "--latency-url URL", "--dns-server H[:P]"]) expect(r.stdout).toContain(option);
    expect(readFileSync(join(ROOT, "docs", "failover.md"), "utf8")).toContain(`$ npm run -s drill -- --help\n${r.stdout}\`\`\``);
  });
});

describe("routing usage errors (exit 2)", () => {
  const cases: [string[], RegExp][] = [
    [["--target", "local", "--routing", "dns"], /--routing must be accelerator or route53, got "dns"/],
    [["--target", "local", "--compare", "--routing", "route53"], /--compare drills both routings: leave out --routing/],
    [["--target", "local", "--compare", "--client", "pin:0"], /--client must be honour-ttl or pin:SECONDS/],
    [["--target", "local", "--client", "pin:5"], /--client applies to --routing route53 and --compare/],
    [["--target", "aws", "--routing", "route53"], /the config's routing is accelerator: the deployment has no latency records/],
    [["--target", "aws", "--compare"], /--compare needs routing both/],
    [["--target", "local", "--routing", "route53", "--dns-server", "1.1.1.1"], /--latency-url and --dns-server apply to --target aws only/],
  ];
  it.each(cases)("%j", async (args, message) => {
    const r = await drill(args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });
});
