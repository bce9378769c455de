/**
 * `npm run bench`: every benchmark in one run, one printed report. bench/synth and bench/failover
 * run in this process; bench/function.ts (the Lambda function), bench/local.ts (the local
 * system's cost per layer) and bench/dashboard.ts (what open dashboard pages cost) run as processes of their own (they load the bundle and start worker
 * threads), their output included as printed. Progress goes to stderr, the report to stdout.
 * Exit status: 0 every benchmark ran, 1 one failed, 2 bad usage.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type CliRun, parseOptions, portOption, positive, runCli } from "../lib/cli";
import { PROJECT_ROOT } from "../lib/project";
import { BenchReport, formatReport, formatSeconds, renderTable } from "../lib/stats";
import { failoverReport, routingReport } from "./failover";
import { synthReport } from "./synth";

export const USAGE = `Usage: npm run bench -- [--quick] [--runs N] [--slow-runs M] [--port N] [--admin-port N] [--dns-port N]

Runs every benchmark and prints one report on stdout (progress on stderr): synth side by side,
the failover model per health-check preset (both routings), the Lambda function, the local
system per layer, and the local system with dashboard pages open. Takes a few minutes.

Options:
  --quick          fewer runs everywhere (synth: 3 fast / 1 slow; the others their own --quick)
  --runs N         runs of each fast synth command (default 5; 3 with --quick)
  --slow-runs M    runs of each slow synth command (default 3; 1 with --quick)
  --port N         accelerator port of the local systems the benchmarks start, one at a time
                   (default: a free port; the ports are printed on stderr)
  --admin-port N   admin API port of those systems (default: a free port)
  --dns-port N     DNS port of those systems, with routing route53/both (default: a free port)
  -h, --help       this text
`;

/** The options `npm run bench` accepts (node:util parseArgs). */
export const OPTIONS = {
  quick: { type: "boolean" },
  runs: { type: "string" },
  "slow-runs": { type: "string" },
  port: { type: "string" },
  "admin-port": { type: "string" },
  "dns-port": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;
/** The benchmarks that run as child processes: their file, the title their report gets, and whether they start a local system. */
const CHILD_BENCHES = [
  { name: "bench/function", file: join(PROJECT_ROOT, "bench", "function.ts"), title: "bench/function: the Lambda function (size, cold start, warm latency)", system: false },
  { name: "bench/local", file: join(PROJECT_ROOT, "bench", "local.ts"), title: "bench/local: the local system's cost per layer (handler, execution environment, ALB, accelerator)", system: true },
  { name: "bench/dashboard", file: join(PROJECT_ROOT, "bench", "dashboard.ts"), title: "bench/dashboard: requests through the accelerator with 0, 10 and 50 dashboard pages open", system: true },
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

/** Runs a benchmark file with the synth runner's TS hook; its stdout is its report. A stop ends it (SIGTERM). */
function childBench(bench: (typeof CHILD_BENCHES)[number], args: readonly string[], signal: AbortSignal): Promise<Outcome> {
  if (!existsSync(bench.file)) {
    return Promise.resolve({ name: bench.name, status: "skipped", ms: 0, text: "", headline: `${bench.name}.ts is not there (yet)` });
  }
  const started = performance.now();
  log(`${bench.name} …`);
  return new Promise((done) => {
    const child = spawn(process.execPath, ["-r", "./scripts/ts-register.cjs", bench.file, ...args], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const stop = () => child.kill("SIGTERM");
    signal.addEventListener("abort", stop, { once: true });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("close", (code) => {
      signal.removeEventListener("abort", stop);
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

async function main(argv: readonly string[], run: CliRun): Promise<number> {
  const values = parseOptions(OPTIONS, argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const quick = values.quick ?? false;
  const runs = positive("runs", values.runs, quick ? 3 : 5, true);
  const slowRuns = positive("slow-runs", values["slow-runs"], quick ? 1 : 3, true);
  // Passed on to the benchmarks that start a local system; they run one after the other.
  const ports = (["port", "admin-port", "dns-port"] as const).flatMap((o) => {
    const port = portOption(o, values[o]);
    return port === undefined ? [] : [`--${o}`, String(port)];
  });
  // Stopped: the running child benchmark gets SIGTERM and ends at once; no other starts.
  run.onStop("stopping the running benchmark");
  const outcomes: Outcome[] = [];
  outcomes.push(await timed("bench/synth", () => synthReport({ runs, slowRuns, log, signal: run.signal })));
  outcomes.push(await timed("bench/failover", async () => failoverReport()));
  outcomes.push(await timed("bench/failover (routing)", async () => routingReport()));
  for (const bench of CHILD_BENCHES) {
    if (run.signal.aborted) break;
    outcomes.push(await childBench(bench, [...(quick ? ["--quick"] : []), ...(bench.system ? ports : [])], run.signal));
  }

  const sections = outcomes.filter((o) => o.text).map((o) => o.text);
  const summary = renderTable(
    ["benchmark", "status", "took", "headline"],
    outcomes.map((o) => [o.name, o.status, o.status === "skipped" ? "—" : formatSeconds(o.ms), o.headline]),
    ["l", "l", "r", "l"],
  );
  console.log([...sections, `Summary\n=======\n${summary}`].join("\n\n"));
  return outcomes.some((o) => o.status === "failed") ? 1 : 0;
}

if (require.main === module) runCli("bench", (run) => main(process.argv.slice(2), run));
