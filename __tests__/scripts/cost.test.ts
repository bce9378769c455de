/**
 * `npm run cost` as a user runs it (the real CLI in a child process): the bill of the config it
 * loads, --json, usage and config errors, and the figures docs/deploying.md states.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { estimateCost, estimateE2eRun, usageAtMonthlyRate } from "../../model/cost";
import { capacityTable, erlangB } from "../../model/capacity";
import { formatCapacity, formatEstimate, USAGE } from "../../scripts/cost";
import { configWith } from "../support/synth";

const ROOT = join(__dirname, "..", "..");
const DEPLOYING = readFileSync(join(ROOT, "docs/deploying.md"), "utf8");
const CONFIGURATION = readFileSync(join(ROOT, "docs/configuration.md"), "utf8");
const TITLE = (app: string) => `GlobalApp estimate for ${app} (USD, list prices read 2026-12-01)`;

function cost(args: string[], config?: unknown) {
  let file = "";
  if (config !== undefined) {
    file = join(mkdtempSync(join(tmpdir(), "globalapp-cost-")), "config.json");
    writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config));
  }
  return spawnSync(process.execPath, ["-r", "./scripts/ts-register.cjs", "scripts/cost.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, GLOBALAPP_CONFIG: file },
  });
}

describe("npm run cost", () => {
  it("prints the default config's bill, with progress on stderr only", () => {
    const r = cost([]);
    expect(r.status).toBe(0);
    const average = 1e6 / (730 * 3600);
    expect(r.stdout).toBe(`${formatEstimate(estimateCost(configWith()), TITLE("globalapp-dev"))}\n${formatCapacity(capacityTable(configWith(), average))}`);
    expect(r.stderr).toBe("cost: pricing the config from cdktf.json\n");
  });

  it("honours GLOBALAPP_CONFIG and the traffic options", () => {
    const override = { environment: "prod", regions: ["us-west-2", "eu-central-1", "ap-northeast-1"], homeRegion: "eu-central-1" };
    const r = cost(["--requests-per-month", "5000000", "--gb-per-month", "20"], override);
    expect(r.status).toBe(0);
    const expected = estimateCost(configWith(override), usageAtMonthlyRate({ requestsPerMonth: 5e6, gbPerMonth: 20 }));
    expect(r.stdout.startsWith(formatEstimate(expected, TITLE("globalapp-prod")))).toBe(true);
    expect(r.stdout).toMatch(/KMS: keys \(table\)\s+ap-northeast-1/);
    expect(r.stderr).toMatch(/from cdktf\.json \+ GLOBALAPP_CONFIG=/);
  });

  it("--json prints one object with every line, its price check and the total", () => {
    const r = cost(["--json", "--hours", "24"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { app: string; totalUsd: number; usage: unknown; lines: Array<{ check: string; usd: number }> };
    const expected = estimateCost(configWith(), usageAtMonthlyRate({ hours: 24 }));
    expect(out.app).toBe("globalapp-dev");
    expect(out.usage).toEqual(expected.usage);
    expect(out.totalUsd).toBeCloseTo(expected.totalUsd, 10);
    expect(out.lines).toHaveLength(expected.lines.length);
    for (const l of out.lines) expect(["aws", "secondary", "not-read"]).toContain(l.check);
  });

  it("prints the capacity table after the bill: the peak rate, each region normally and without each region, throttling past the reservation", () => {
    const r = cost([], { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 }, function: { reservedConcurrency: 30 } });
    expect(r.status).toBe(0);
    const table = r.stdout.slice(r.stdout.indexOf("Capacity (model/capacity.ts)"));
    expect(table.split("\n")).toEqual([
      "Capacity (model/capacity.ts): 1,000 req/s at peak (capacity.peakRequestsPerSecond) × 40 ms an invocation, clients spread evenly over the regions.",
      "Each cell: the region's requests per second → its concurrent executions (Little's law), and from 1 % the share",
      "throttled with requests at random (Erlang's loss formula). Limit per region: 30 (function.reservedConcurrency).",
      "",
      "case                  us-west-2                           eu-central-1",
      "--------------------  ----------------------------------  ----------------------------------",
      "every region serving  500 req/s → 20                      500 req/s → 20",
      "without us-west-2     lost                                1,000 req/s → 40  ✗ 30 % throttled",
      "without eu-central-1  1,000 req/s → 40  ✗ 30 % throttled  lost",
      "",
    ]);
  });

  it("--json includes the capacity table: the rate it assumed, the limit and every case", () => {
    const r = cost(["--json"], { capacity: { peakRequestsPerSecond: 1000, functionMilliseconds: 40 } });
    expect(r.status).toBe(0);
    const { capacity } = JSON.parse(r.stdout);
    expect(capacity).toEqual({
      requestsPerSecond: 1000,
      rate: "peak",
      functionMilliseconds: 40,
      concurrencyLimit: 900,
      limit: "default quota",
      cases: [
        { lost: null, regions: [
          { region: "us-west-2", requestsPerSecond: 500, concurrency: 20, concurrencyLimit: 900, throttledShare: erlangB(900, 20) },
          { region: "eu-central-1", requestsPerSecond: 500, concurrency: 20, concurrencyLimit: 900, throttledShare: erlangB(900, 20) },
        ] },
        { lost: "us-west-2", regions: [{ region: "eu-central-1", requestsPerSecond: 1000, concurrency: 40, concurrencyLimit: 900, throttledShare: erlangB(900, 40) }] },
        { lost: "eu-central-1", regions: [{ region: "us-west-2", requestsPerSecond: 1000, concurrency: 40, concurrencyLimit: 900, throttledShare: erlangB(900, 40) }] },
      ],
    });
    // Without a peak, the month's average rate: --requests-per-month over 730 h.
    const average = JSON.parse(cost(["--json", "--requests-per-month", "2628000"]).stdout).capacity;
    expect([average.rate, average.requestsPerSecond]).toEqual(["average", 1]);
  });

  it.each([
    [["--requests-per-month=-5"], /--requests-per-month must be a non-negative number, got "-5"/],
    [["--requests-per-month", "-5"], /--requests-per-month needs a value; one that starts with "-" is written --requests-per-month=-…/],
    [["--gb-per-month", "lots"], /--gb-per-month must be a non-negative number, got "lots"/],
    [["--hours", "0"], /--hours must be a positive number, got "0"/],
    [["--requests-per-month", ""], /--requests-per-month must be a non-negative number/],
    [["--regions", "3"], /^cost: unknown option --regions \(npm run cost -- --help\)$/m],
    [["--hour", "3"], /unknown option --hour — did you mean --hours\?/],
    [["extra"], /unexpected argument "extra"/],
  ])("exits 2 on bad usage %j", (args, message) => {
    const r = cost(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("exits 2 on a bad config, naming the key", () => {
    const r = cost([], { regions: ["us-west-2", "mars-north-1"] });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/regions\[1\] = "mars-north-1": unknown AWS region/);
    expect(r.stdout).toBe("");
  });

  it("--help prints the usage", () => {
    const r = cost(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(USAGE);
  });
});

// The bill itself is a verbatim sample in docs/deploying.md, compared with npm run cost by __tests__/docs/commands.test.ts.
describe("docs: the figures of the bill", () => {
  it("states the cost of one npm run test:aws run as the model computes it, and the command that prints it", () => {
    const run = estimateE2eRun(configWith());
    expect(DEPLOYING).toContain(`**≈ $${run.totalUsd.toFixed(2)}**`);
    // The command in docs/deploying.md: a monthly rate that makes the run's 300 requests in one hour.
    const viaCli = estimateCost(configWith(), usageAtMonthlyRate({ hours: 1, requestsPerMonth: 219000, gbPerMonth: 0.219 }));
    expect(viaCli.totalUsd).toBeCloseTo(run.totalUsd, 10);
    expect(DEPLOYING).toContain("npm run -s cost -- --hours 1 --requests-per-month 219000 --gb-per-month 0.219");
  });
  it("states what the alarms and the dashboard cost", () => {
    const e = estimateCost(configWith());
    const usd = e.lines.filter((l) => /^alarms|dashboard/.test(l.item)).reduce((s, l) => s + l.usd, 0);
    expect(DEPLOYING).toContain(`cost **$${usd.toFixed(2)} a month**`);
    // The schema's description of alarms.enabled, in the generated reference.
    expect(CONFIGURATION).toContain(`(about $${usd.toFixed(2)} a month for two regions: \`npm run cost\`)`);
  });
});
