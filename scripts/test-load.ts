/**
 * `npm run test:load`: the suite under load. Runs `npm test` several times in a row (3 by default)
 * while CPU-bound processes (4 by default) spin beside it, and reports each run's result and
 * duration: the suite must not depend on how fast the machine is (docs/testing.md, "Under load").
 *
 * The spinning processes are started by this script and always stopped by it (a run's end, a
 * failure, the time limit, Ctrl-C); each also stops on its own once this script is gone, so none
 * outlives it even after a kill -9. The whole run is bounded by --timeout-minutes: when it runs out,
 * the test run in progress is stopped (its process group) and the script exits 1.
 *
 * Exit status: 0 every run passed, 1 a run failed or the time ran out, 2 bad usage, 130 interrupted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type CliRun, integerIn, parseOptionsAndArguments, positive, runCli } from "../lib/cli";
import { PROJECT_ROOT } from "../lib/project";

export const USAGE = `Usage: npm run test:load -- [options] [JEST_PATTERN…]

Runs npm test (tsc --noEmit, then jest) several times in a row while CPU-bound processes spin
beside it, and reports each run's result and duration. Each run's output goes to a log file.
JEST_PATTERNs, if given, are passed to jest (npm test -- JEST_PATTERN…) to run part of the suite.

Options:
  --runs N              runs of npm test, one after the other (default 3)
  --burners N           CPU-bound processes spinning while the runs go on (default 4)
  --timeout-minutes M   stop everything and fail after M minutes in total (default 60)
  --log-dir DIR         where each run's output goes (default: a new directory under the OS temp dir)
  --json                print one JSON object on stdout
  -h, --help            this text
`;

/** The options `npm run test:load` accepts (node:util parseArgs; positionals are jest's). */
export const OPTIONS = {
  runs: { type: "string" },
  burners: { type: "string" },
  "timeout-minutes": { type: "string" },
  "log-dir": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** One run of npm test. */
export interface LoadRun {
  readonly run: number;
  readonly passed: boolean;
  /** Wall seconds, one decimal. */
  readonly seconds: number;
  /** npm test's exit status; null when it was stopped (time limit, Ctrl-C). */
  readonly code: number | null;
  /** Jest's summary lines ("Tests: 1 failed, 2901 passed, 2902 total", …), when it printed them. */
  readonly summary: readonly string[];
  /** The tests jest reported failing (its "●" headings). */
  readonly failed: readonly string[];
  readonly log: string;
}

/** What `npm run test:load` found. */
export interface LoadReport {
  readonly passed: boolean;
  readonly runs: readonly LoadRun[];
  readonly burners: number;
  readonly cores: number;
  /** The 1-minute load average when the runs started and when they ended. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly timedOut: boolean;
  readonly interrupted: boolean;
  readonly totalSeconds: number;
}

/**
 * A busy loop, in slices so that its event loop still turns, that ends when its stdin does: stdin is a
 * pipe from the script, and the pipe closes when the script is gone, whatever ends it (a kill -9
 * included). So no burner outlives the script.
 */
const BURNER = [
  "process.stdin.on('end', () => process.exit(0)); process.stdin.on('error', () => process.exit(0)); process.stdin.resume();",
  "const burn = () => { for (let i = 0; i < 5e6; i++); setImmediate(burn); }; burn();",
].join(" ");

/** Starts `count` CPU-bound processes. */
export function startBurners(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ["-e", BURNER], { stdio: ["pipe", "ignore", "ignore"] }));
}

/**
 * Stops them (SIGKILL: a busy loop has nothing to clean up) and resolves once every one is gone, its
 * stdin pipe closed too (an open pipe would keep this process alive).
 */
export async function stopBurners(burners: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    burners.map(
      (b) =>
        new Promise<void>((resolve) => {
          const done = () => {
            b.stdin?.destroy();
            resolve();
          };
          if (b.exitCode !== null || b.signalCode !== null) return done();
          b.once("exit", done);
          b.kill("SIGKILL");
        }),
    ),
  );
}

/** Jest's summary lines and the names of the failed tests, from its output. */
export function jestOutcome(output: string): { summary: string[]; failed: string[] } {
  const summary = output
    .split("\n")
    .filter((l) => /^(Test Suites|Tests|Time):/.test(l.trim()))
    .map((l) => l.trim().replace(/\s+/g, " "));
  const failed = [...new Set([...output.matchAll(/^\s+● (.+)$/gm)].map((m) => m[1].trim()).filter((t) => !t.startsWith("Console")))];
  return { summary, failed };
}

/** Runs `npm test [-- patterns]` in its own process group, its output to `log`; stops it when `signal` aborts. */
function runTests(patterns: readonly string[], log: string, signal: AbortSignal): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const out = createWriteStream(log);
    let output = "";
    const child = spawn("npm", ["test", ...(patterns.length > 0 ? ["--", ...patterns] : [])], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", FORCE_COLOR: "0" },
      // Its own process group, so a stop reaches jest's workers and everything they started.
      detached: true,
    });
    const collect = (d: Buffer) => {
      out.write(d);
      output += d.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // Already gone.
      }
      // Whatever ignores SIGTERM gets SIGKILL a little later.
      setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // Already gone.
        }
      }, 5000).unref();
    };
    signal.addEventListener("abort", stop, { once: true });
    child.on("close", (code) => {
      signal.removeEventListener("abort", stop);
      out.end(() => resolvePromise({ code: signal.aborted ? null : code, output }));
    });
  });
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const duration = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s} s`);

async function main(cli: CliRun): Promise<number> {
  const { values, positionals } = parseOptionsAndArguments(OPTIONS, process.argv.slice(2));
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const runs = integerIn("runs", values.runs ?? "3", 1, 100);
  const burnerCount = integerIn("burners", values.burners ?? "4", 0, 64);
  const timeoutMinutes = positive("timeout-minutes", values["timeout-minutes"], 60);
  const logDir = values["log-dir"] ? resolve(process.env.INIT_CWD ?? process.cwd(), values["log-dir"]) : mkdtempSync(join(tmpdir(), "globalapp-test-load-"));
  mkdirSync(logDir, { recursive: true });

  const controller = new AbortController();
  let timedOut = false;
  let interrupted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMinutes * 60_000);
  // Ctrl-C, SIGTERM or a closed output (lib/stop.ts): stop the run in progress and the burners.
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  cli.signal.addEventListener("abort", onSignal, { once: true });

  const started = Date.now();
  const startLoad = loadavg()[0];
  const results: LoadRun[] = [];
  log(`test:load: ${runs} run(s) of npm test${positionals.length ? ` -- ${positionals.join(" ")}` : ""} beside ${burnerCount} CPU-bound process(es) on ${availableParallelism()} core(s), load ${startLoad.toFixed(2)}; at most ${timeoutMinutes} min; logs in ${logDir}`);
  const burners = startBurners(burnerCount);
  try {
    for (let i = 1; i <= runs && !controller.signal.aborted; i++) {
      const file = join(logDir, `run-${i}.log`);
      const t0 = Date.now();
      const { code, output } = await runTests(positionals, file, controller.signal);
      const { summary, failed } = jestOutcome(output);
      const run: LoadRun = { run: i, passed: code === 0, seconds: seconds(Date.now() - t0), code, summary, failed, log: file };
      results.push(run);
      const what = code === null ? (timedOut ? "stopped: out of time" : "stopped: interrupted") : run.passed ? "passed" : `FAILED (exit ${code})`;
      log(`run ${i}/${runs}: ${what} in ${duration(run.seconds)}${summary.length ? `; ${summary.filter((l) => !l.startsWith("Time:")).join("; ")}` : ""} (${file})`);
      for (const name of failed) log(`  ● ${name}`);
    }
  } finally {
    clearTimeout(timer);
    cli.signal.removeEventListener("abort", onSignal);
    await stopBurners(burners);
  }
  const report: LoadReport = {
    passed: results.length === runs && results.every((r) => r.passed),
    runs: results,
    burners: burnerCount,
    cores: availableParallelism(),
    loadAverage: { start: startLoad, end: loadavg()[0] },
    timedOut,
    interrupted,
    totalSeconds: seconds(Date.now() - started),
  };
  const passedRuns = results.filter((r) => r.passed).length;
  log(`test:load: ${passedRuns} of ${runs} run(s) passed in ${duration(report.totalSeconds)}${timedOut ? ` (out of time after ${timeoutMinutes} min)` : ""}`);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (interrupted) return 130;
  return report.passed ? 0 : 1;
}

if (require.main === module) runCli("test:load", main, { graceSeconds: 15 });
