/**
 * `npm run bench`: every benchmark in one run, one printed report. bench/synth and bench/failover
 * run in this process; bench/function.ts (the Lambda function's benchmark) runs as its own process
 * when present, its output included as printed. Progress goes to stderr, the report to stdout.
 *
 * Usage: npm run bench [-- --quick] [--runs N] [--slow-runs M]
 *   --quick   fewer runs everywhere (synth: 3 fast / 1 slow; function: its own --quick)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { failoverReport, routingReport } from "./failover";
import { BenchReport, formatReport, formatSeconds, renderTable } from "./lib/stats";
import { parseArgs, synthReport } from "./synth";

const ROOT = resolve(__dirname, "..");
const FUNCTION_BENCH = join(ROOT, "bench", "function.ts");

/** One benchmark's outcome for the summary table. */
interface Outcome {
  readonly name: string;
  readonly status: "ok" | "failed" | "skipped";
  readonly ms: number;
  readonly text: string;
  readonly headline: string;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function timed(name: string, run: () => Promise<BenchReport>): Promise<Outcome> {
  const started = performance.now();
  log(`${name} …`);
  try {
    const report = await run();
    return { name, status: "ok", ms: performance.now() - started, text: formatReport(report), headline: report.notes[0] ?? "" };
  } catch (err) {
    const message = (err as Error).message;
    return { name, status: "failed", ms: performance.now() - started, text: `${name} FAILED: ${message}`, headline: message.split("\n")[0] };
  }
}

/** Runs bench/function.ts with the synth runner's TS hook; its stdout is its report. */
function functionBench(quick: boolean): Promise<Outcome> {
  if (!existsSync(FUNCTION_BENCH)) {
    return Promise.resolve({ name: "bench/function", status: "skipped", ms: 0, text: "", headline: "bench/function.ts is not there (yet)" });
  }
  const started = performance.now();
  log("bench/function …");
  return new Promise((done) => {
    const child = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", FUNCTION_BENCH, ...(quick ? ["--quick"] : [])], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("close", (code) => {
      const ok = code === 0;
      const title = "bench/function: the Lambda function (size, cold start, warm latency)";
      done({
        name: "bench/function",
        status: ok ? "ok" : "failed",
        ms: performance.now() - started,
        text: `${title}\n${"=".repeat(title.length)}\n${stdout.trim()}`,
        headline: ok ? "see its tables above" : `exited with ${code}`,
      });
    });
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const { runs, slowRuns } = quick ? { runs: 3, slowRuns: 1, ...pickExplicit(argv) } : parseArgs(argv);
  const outcomes: Outcome[] = [];
  outcomes.push(await timed("bench/synth", () => synthReport({ runs, slowRuns, log })));
  outcomes.push(await timed("bench/failover", async () => failoverReport()));
  outcomes.push(await timed("bench/failover (routing)", async () => routingReport()));
  outcomes.push(await functionBench(quick));

  const sections = outcomes.filter((o) => o.text).map((o) => o.text);
  const summary = renderTable(
    ["benchmark", "status", "took", "headline"],
    outcomes.map((o) => [o.name, o.status, o.status === "skipped" ? "—" : formatSeconds(o.ms), o.headline]),
    ["l", "l", "r", "l"],
  );
  console.log([...sections, `Summary\n=======\n${summary}`].join("\n\n"));
  return outcomes.some((o) => o.status === "failed") ? 1 : 0;
}

/** `--runs`/`--slow-runs` given explicitly alongside --quick win over its defaults. */
function pickExplicit(argv: readonly string[]): Partial<{ runs: number; slowRuns: number }> {
  const parsed = parseArgs(argv);
  return { ...(argv.includes("--runs") ? { runs: parsed.runs } : {}), ...(argv.includes("--slow-runs") ? { slowRuns: parsed.slowRuns } : {}) };
}

main().then((code) => process.exit(code));
