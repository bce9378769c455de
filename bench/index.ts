/**
 * `npm run bench`: every benchmark in one run, one printed report. bench/synth and bench/failover
 * run in this process; bench/function.ts (the Lambda function), bench/local.ts (the local
 * system's cost per layer) and bench/dashboard.ts (what open dashboard pages cost) run as processes of their own (they load the bundle and start worker
 * threads), their output included as printed. Progress goes to stderr, the report to stdout.
 *
 * Usage: npm run bench [-- --quick] [--runs N] [--slow-runs M]
 *   --quick   fewer runs everywhere (synth: 3 fast / 1 slow; function: its own --quick)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { failoverReport, routingReport } from "./failover";
import { PROJECT_ROOT } from "../lib/project";
import { BenchReport, formatReport, formatSeconds, renderTable } from "../lib/stats";
import { parseArgs, synthReport } from "./synth";

/** The benchmarks that run as child processes: their file and the title their report gets. */
const CHILD_BENCHES = [
  { name: "bench/function", file: join(PROJECT_ROOT, "bench", "function.ts"), title: "bench/function: the Lambda function (size, cold start, warm latency)" },
  { name: "bench/local", file: join(PROJECT_ROOT, "bench", "local.ts"), title: "bench/local: the local system's cost per layer (handler, execution environment, ALB, accelerator)" },
  { name: "bench/dashboard", file: join(PROJECT_ROOT, "bench", "dashboard.ts"), title: "bench/dashboard: requests through the accelerator with 0, 10 and 50 dashboard pages open" },
] as const;

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

/** Runs a benchmark file with the synth runner's TS hook; its stdout is its report. */
function childBench(bench: (typeof CHILD_BENCHES)[number], quick: boolean): Promise<Outcome> {
  if (!existsSync(bench.file)) {
    return Promise.resolve({ name: bench.name, status: "skipped", ms: 0, text: "", headline: `${bench.name}.ts is not there (yet)` });
  }
  const started = performance.now();
  log(`${bench.name} …`);
  return new Promise((done) => {
    const child = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", bench.file, ...(quick ? ["--quick"] : [])], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("close", (code) => {
      const ok = code === 0;
      done({
        name: bench.name,
        status: ok ? "ok" : "failed",
        ms: performance.now() - started,
        text: `${bench.title}\n${"=".repeat(bench.title.length)}\n${stdout.trim()}`,
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
  for (const bench of CHILD_BENCHES) outcomes.push(await childBench(bench, quick));

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
