/**
 * `npm run cost [-- --requests-per-month N --gb-per-month G --hours H --json]`: the monthly bill of
 * the current config (cdktf.json, then GLOBALAPP_CONFIG) before deploying, one line per item, from
 * model/cost.ts and the prices in model/prices.ts. See docs/deploying.md, "What it costs".
 * Exit status (docs/programs.md): 0 printed, 2 bad usage or config.
 */
import {
  type CapacityTable,
  capacityTable,
  formatConcurrency,
  formatRate,
  formatShare,
  RESERVABLE_CONCURRENCY,
  THROTTLE_WARNING_SHARE,
  UNRESERVED_MINIMUM,
} from "../model/capacity";
import { type Estimate, estimateCost, HOURS_PER_MONTH, usageAtMonthlyRate } from "../model/cost";
import { FREE_TIERS, type PriceCheck } from "../model/prices";
import { parseOptions, runCli, UsageError } from "../lib/cli";
import { renderTable } from "../lib/stats";
import { loadProjectConfig } from "../lib/project";

export const USAGE = `Usage: npm run cost -- [options]

Prints what the current config (cdktf.json context.globalapp, then the GLOBALAPP_CONFIG file)
would cost a month on AWS, one line per billed item, from list prices kept in model/prices.ts,
then the capacity table: each region's load normally and after losing each other region.

Options:
  --requests-per-month N   client requests a month, all regions together (default 1000000)
  --gb-per-month G         response data to clients a month, GB (default 1 KB per request)
  --hours H                price a stack that exists H hours instead of a month (730): hourly
                           items billed per started hour, monthly ones prorated, traffic scaled
  --json                   print one JSON object (the estimate, prices' checks included, and
                           the capacity table)
  -h, --help               this text
`;

const MARK: Record<PriceCheck, string> = { aws: "", secondary: "*", "not-read": "†" };

function number(name: string, value: string | undefined, { integer = false, positive = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(n) && (positive ? n > 0 : n >= 0) && (!integer || Number.isInteger(n));
  if (!ok) throw new UsageError(`--${name} must be a ${positive ? "positive" : "non-negative"} ${integer ? "integer" : "number"}, got "${value}"`);
  return n;
}

const usd = (x: number) => (x >= 0.005 || x === 0 ? x.toFixed(2) : x.toFixed(4));
const qty = (x: number) => (Number.isInteger(x) ? x.toLocaleString("en-US") : x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3));

/** The bill as text: a header, one line per item, the total, then what the marks mean. */
export function formatEstimate(e: Estimate, title: string): string {
  const rows = e.lines.map((l) => {
    // "1M requests" → count requests one by one, price per million.
    const thing = l.unit.replace(/^(1M|[\d,]+) /, "");
    return [`${l.service}: ${l.item}`, l.region, `${qty(l.quantity * (l.per ?? 1))} ${thing}`, `$${l.unitUsd}${MARK[l.check]} / ${l.unit}`, usd(l.usd)];
  });
  const header = ["item", "region", "quantity", "price", "USD"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  const period = e.usage.hours === HOURS_PER_MONTH ? "a month (730 h)" : `${e.usage.hours} h`;
  const out = [
    title,
    `${e.regions.length} region(s): ${e.regions.join(", ")}; ${period}; ${qty(Math.round(e.usage.requests))} requests, ${qty(e.usage.gb)} GB out`,
    "",
    fmt(header),
    ...rows.map(fmt),
    fmt(["total", "", "", "", usd(e.totalUsd)]),
    "",
    `by service: ${Object.entries(e.byService).map(([s, v]) => `${s} ${usd(v)}`).join(", ")}`,
    "* price quoted by a third-party page (US East)   † price not found in the copies read; see model/prices.ts",
    "Every regional item uses the US East (N. Virginia) list price: no regional figure could be read.",
    `Not deducted (per-account free tiers): ${FREE_TIERS.join("; ")}.`,
    ...e.notes,
  ];
  return `${out.join("\n")}\n`;
}

/**
 * The capacity table as text: each region's requests per second and concurrent executions (the
 * capacity model, model/capacity.ts), with every region serving and after losing each one.
 */
export function formatCapacity(t: CapacityTable): string {
  const regions = t.cases[0].regions.map((r) => r.region);
  const rate = t.rate === "peak" ? `${formatRate(t.requestsPerSecond)} req/s at peak (capacity.peakRequestsPerSecond)` : `${formatRate(t.requestsPerSecond)} req/s, the month's average (set capacity.peakRequestsPerSecond for the peak)`;
  const limit =
    t.limit === "default quota"
      ? `${t.concurrencyLimit}, what Lambda's default quota leaves a function to reserve (${(RESERVABLE_CONCURRENCY + UNRESERVED_MINIMUM).toLocaleString("en-US")} less ${UNRESERVED_MINIMUM} kept unreserved)`
      : `${t.concurrencyLimit} (function.reservedConcurrency)`;
  const rows = t.cases.map((c) => [
    c.lost === null ? "every region serving" : `without ${c.lost}`,
    ...regions.map((region) => {
      const r = c.regions.find((x) => x.region === region);
      if (!r) return "lost";
      const throttled = r.throttledShare >= THROTTLE_WARNING_SHARE ? `  ✗ ${formatShare(r.throttledShare)} throttled` : "";
      return `${formatRate(r.requestsPerSecond)} req/s → ${formatConcurrency(r.concurrency)}${throttled}`;
    }),
  ]);
  const out = [
    `Capacity (model/capacity.ts): ${rate} × ${t.functionMilliseconds} ms an invocation, clients spread evenly over the regions.`,
    `Each cell: the region's requests per second → its concurrent executions (Little's law), and from 1 % the share`,
    `throttled with requests at random (Erlang's loss formula). Limit per region: ${limit}.`,
    "",
    renderTable(["case", ...regions], rows, ["l", ...regions.map(() => "l" as const)]),
  ];
  return `${out.join("\n")}\n`;
}

/** The options `npm run cost` accepts (node:util parseArgs). */
export const OPTIONS = {
  "requests-per-month": { type: "string" },
  "gb-per-month": { type: "string" },
  hours: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

async function main(argv: readonly string[]): Promise<number> {
  const values = parseOptions(OPTIONS, argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const usage = usageAtMonthlyRate({
    requestsPerMonth: number("requests-per-month", values["requests-per-month"]),
    gbPerMonth: number("gb-per-month", values["gb-per-month"]),
    hours: number("hours", values.hours, { positive: true }),
  });
  const source = process.env.GLOBALAPP_CONFIG ? `cdktf.json + GLOBALAPP_CONFIG=${process.env.GLOBALAPP_CONFIG}` : "cdktf.json";
  process.stderr.write(`cost: pricing the config from ${source}\n`);
  const config = loadProjectConfig();
  const estimate = estimateCost(config, usage);
  const capacity = capacityTable(config, usage.requests / (usage.hours * 3600));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ app: `${config.appName}-${config.environment}`, ...estimate, capacity }, null, 2)}\n`);
  } else {
    process.stdout.write(formatEstimate(estimate, `GlobalApp estimate for ${config.appName}-${config.environment} (USD, list prices read 2026-12-01)`));
    process.stdout.write(`\n${formatCapacity(capacity)}`);
  }
  return 0;
}

if (require.main === module) runCli("cost", () => main(process.argv.slice(2)));
