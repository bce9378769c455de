/**
 * `npm run screenshots [-- --out DIR]`: the docs' pictures of the two pages, taken in a real
 * headless Chromium (scripts/lib/browser.ts) from a real local system, at 10× (dashboard) and 20×
 * (drill) speed with fixed seeds:
 *
 *   DIR/dashboard.png      the dashboard (routing both: with the DNS panel) after a click on
 *                          "fail us-west-2", once traffic has moved
 *   DIR/drill-report.png   the report of one drill (npm run drill -- --report)
 *
 * Progress on stderr; the files written on stdout. Exit status: 0 written, 1 failed, 2 bad usage.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { runDrill } from "../drill/drill";
import { configWithDns, localTarget } from "../targets/local";
import { renderReport, reportOf } from "../drill/report-page";
import { loadProjectConfig } from "../lib/project";
import { startLocal } from "../local/start";
import { timeScale } from "../lib/time-scale";
import { type CliRun, parseOptions, runCli } from "../lib/cli";
import { type Browser, launchBrowser } from "./lib/browser";

export const USAGE = `Usage: npm run screenshots -- [--out DIR]

Takes the docs' screenshots of the dashboard and of a drill report in headless Chromium
(CHROMIUM_BINARY, default /usr/bin/chromium) against a local system on free ports.

Options:
  --out DIR    where to write dashboard.png and drill-report.png (default: the project's docs/)
  -h, --help   this text
`;

/** The options `npm run screenshots` accepts (node:util parseArgs). */
export const OPTIONS = {
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const log = (m: string) => process.stderr.write(`${m}\n`);

async function dashboard(path: string, signal: AbortSignal): Promise<void> {
  log("dashboard: starting a local system at 10x speed with demo traffic, routing both (so the DNS panel shows)…");
  const local = await startLocal({
    config: configWithDns(loadProjectConfig()),
    timeScale: timeScale(0.1),
    port: 0,
    dnsPort: 0,
    logLevel: "SILENT",
    seed: 42,
    admin: { port: 0, dashboard: { traffic: 5 } },
  });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser({ viewport: { width: 1360, height: 860 } });
    // A stop closes the browser: whatever the page was waiting for fails, and the finally below cleans up.
    untilStopped(signal, browser);
    const page = await browser.context.newPage();
    await page.goto(local.admin.url);
    const servedBy = (region: string) =>
      page.waitForFunction(
        (r) => {
          const chart = window.globalapp.chart;
          const index = chart ? chart.series.findIndex((s) => s.label === r) : -1;
          const values = index < 0 ? [] : (chart!.data[index] as (number | null)[]).filter((v): v is number => v !== null).slice(-5);
          return values.length === 5 && values.every((v) => v >= 90);
        },
        region,
        { timeout: 120_000, polling: 100 },
      );
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-cell="accelerator"]')).every((c) => c.textContent === "healthy"), undefined, { timeout: 120_000 });
    // A stretch of normal traffic first, so the chart shows the move.
    await page.waitForFunction(() => (window.globalapp.traffic?.points.length ?? 0) >= 25, undefined, { timeout: 120_000 });
    await servedBy("us-west-2");
    log('dashboard: clicking "fail us-west-2" and waiting for the traffic to move…');
    await page.getByRole("button", { name: "fail us-west-2" }).click();
    await servedBy("eu-central-1");
    await page.waitForFunction(() => document.querySelector(".dns-answer")?.getAttribute("data-region") === "eu-central-1", undefined, { timeout: 120_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser?.close();
    await local.close();
  }
}

/** Closes `browser` when `signal` aborts (a signal or a closed output stops the program). */
function untilStopped(signal: AbortSignal, browser: Browser): void {
  if (signal.aborted) void browser.close();
  else signal.addEventListener("abort", () => void browser.close().catch(() => undefined), { once: true });
}

async function report(path: string, signal: AbortSignal): Promise<void> {
  log("drill report: one drill against a fresh local system at 20x speed…");
  const target = await localTarget({ config: loadProjectConfig(), timeScale: timeScale(0.05), fresh: true, seed: 7 });
  let html: string;
  try {
    html = renderReport(reportOf(await runDrill({ target, signal }), new Date()));
  } finally {
    await target.close();
  }
  const file = join(mkdtempSync(join(tmpdir(), "globalapp-screenshot-")), "drill.html");
  writeFileSync(file, html);
  const browser = await launchBrowser({ viewport: { width: 1200, height: 700 } });
  untilStopped(signal, browser);
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}

async function main(run: CliRun): Promise<number> {
  const values = parseOptions(OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // The project's docs/ by default; a given --out is taken from where npm was started.
  const out = values.out === undefined ? join(__dirname, "..", "docs") : resolve(process.env.INIT_CWD || process.cwd(), values.out);
  loadProjectConfig(); // an invalid config is a usage error before anything starts
  run.onStop("closing the browser and the local system");
  mkdirSync(out, { recursive: true });
  const files = [join(out, "dashboard.png"), join(out, "drill-report.png")];
  await dashboard(files[0], run.signal);
  await report(files[1], run.signal);
  process.stdout.write(`${files.join("\n")}\n`);
  return 0;
}

if (require.main === module) runCli("screenshots", main);
