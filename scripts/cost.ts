/**
 * `npm run cost [-- --requests-per-month N --gb-per-month G --hours H --json]`: the monthly bill of
 * the current config (cdktf.json, then GLOBALAPP_CONFIG) before deploying, one line per item, from
 * model/cost.ts and the prices in model/prices.ts. See docs/deploying.md, "What it costs".
 * Exit status (docs/programs.md): 0 printed, 2 bad usage or config.
 */
import { type Estimate, estimateCost, HOURS_PER_MONTH, usageAtMonthlyRate } from "../model/cost";
import { FREE_TIERS, type PriceCheck } from "../model/prices";
import { parseOptions, runCli, UsageError } from "../lib/cli";
import { loadProjectConfig } from "../lib/project";

export const USAGE = `Usage: npm run cost -- [options]

Prints what the current config (cdktf.json context.globalapp, then the GLOBALAPP_CONFIG file)
would cost a month on AWS, one line per billed item, from list prices kept in model/prices.ts.

Options:
  --requests-per-month N   client requests a month, all regions together (default 1000000)
  --gb-per-month G         response data to clients a month, GB (default 1 KB per request)
  --hours H                price a stack that exists H hours instead of a month (730): hourly
                           items billed per started hour, monthly ones prorated, traffic scaled
  --json                   print one JSON object (the estimate, prices' checks included)
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
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ app: `${config.appName}-${config.environment}`, ...estimate }, null, 2)}\n`);
  } else {
    process.stdout.write(formatEstimate(estimate, `GlobalApp estimate for ${config.appName}-${config.environment} (USD, list prices read 2026-12-01)`));
  }
  return 0;
}

if (require.main === module) runCli("cost", () => main(process.argv.slice(2)));
